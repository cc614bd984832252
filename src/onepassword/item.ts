// The 1Password item JSON (as printed by `op item get --format json`) and how aws-op finds the AWS fields in it.
// Two layouts are common and both are accepted: the shell-script recipe's (section "AWS" with fields
// aws_access_key_id / aws_secret_access_key) and 1Password's AWS shell plugin's (Access Key ID, Secret Access Key,
// One-Time Password, MFA Serial).
import { UserError } from "../errors.js";
import { registerSecret } from "../redact.js";
import { quoted } from "../ui/terminal-text.js";

export interface OpField {
  id: string;
  type: string;
  label: string;
  value?: string;
  totp?: string;
  purpose?: string;
  section?: { id: string; label?: string };
  reference?: string;
}

export interface OpUrl {
  label?: string;
  primary?: boolean;
  href: string;
}

/**
 * The item as `op item get --format json` printed it. parseOpItem keeps every key op printed, also the ones
 * aws-op does not read (created_at, files, ...), so that an edit can send the item back exactly as it was.
 */
export interface OpItem {
  id: string;
  title: string;
  version?: number;
  category?: string;
  vault: { id: string; name?: string };
  urls?: OpUrl[];
  tags?: string[];
  sections?: { id: string; label?: string }[];
  fields: OpField[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === "string";
}

export function isOpField(value: unknown): value is OpField {
  if (!isRecord(value)) return false;
  if (typeof value.id !== "string" || typeof value.type !== "string") return false;
  if (!isOptionalString(value.label) || !isOptionalString(value.value) || !isOptionalString(value.totp)) return false;
  if (value.section !== undefined && !(isRecord(value.section) && typeof value.section.id === "string")) return false;
  return true;
}

function isOpUrl(value: unknown): value is OpUrl {
  return isRecord(value) && typeof value.href === "string" && isOptionalString(value.label);
}

export function isOpItem(value: unknown): value is OpItem {
  if (!isRecord(value)) return false;
  if (typeof value.id !== "string" || typeof value.title !== "string") return false;
  if (!isRecord(value.vault) || typeof value.vault.id !== "string") return false;
  // An item without any field has no "fields" key at all.
  if (value.fields !== undefined && !(Array.isArray(value.fields) && value.fields.every(isOpField))) return false;
  if (value.urls !== undefined && !(Array.isArray(value.urls) && value.urls.every(isOpUrl))) return false;
  if (value.tags !== undefined && !(Array.isArray(value.tags) && value.tags.every((t) => typeof t === "string"))) {
    return false;
  }
  return true;
}

/** Parse op's stdout as an item; anything else is a clear error (garbage, truncated output, wrong shape). */
export function parseOpItem(stdout: string): OpItem {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new UserError(
      stdout.trim() === ""
        ? "The 1Password CLI returned no output for the item."
        : "The 1Password CLI returned output that is not valid JSON (cut short or garbled).",
      { hint: 'Try again; if it persists, check "op --version" (2.x is required) and run "aws-op doctor".' },
    );
  }
  if (!isOpItem(parsed)) {
    throw new UserError("The 1Password CLI returned JSON that is not an item.", {
      hint: 'Check "op --version" (2.x is required) and run "aws-op doctor".',
    });
  }
  return { ...parsed, fields: parsed.fields ?? [] };
}

/** Compare labels ignoring case, spaces, `_` and `-`: "Access Key ID" == "aws_access_key_id" minus the prefix. */
export function normalizeLabel(label: string): string {
  return label.toLowerCase().replace(/[\s_-]+/g, "");
}

export const FIELD_LABELS = {
  accessKeyId: ["aws_access_key_id", "Access Key ID", "access key"],
  secretAccessKey: ["aws_secret_access_key", "Secret Access Key", "secret key"],
  mfaSerial: ["mfa_serial", "MFA Serial", "aws_mfa_serial"],
  accountId: ["aws_account_id", "Account ID"],
} as const;

export type AwsFieldRole = keyof typeof FIELD_LABELS;

export interface AwsItemFields {
  accessKeyId: string;
  secretAccessKey: string;
  mfaSerial?: string;
  accountId?: string;
  /** The current one-time code of the item's first OTP field, as computed by op. */
  totp?: string;
  /** The otpauth:// URI of that field (kept in memory only, to compute the next code when one was just used). */
  otpUri?: string;
  /** Field labels, for reporting which fields were found (never values). */
  labels: Partial<Record<AwsFieldRole | "otp", string>>;
}

function sectionLabel(item: OpItem, field: OpField): string | undefined {
  if (!field.section) return undefined;
  return field.section.label ?? item.sections?.find((s) => s.id === field.section?.id)?.label;
}

function describeField(item: OpItem, field: OpField): string {
  const section = sectionLabel(item, field);
  return quoted(section ? `${section}.${field.label}` : field.label);
}

/** Fields of one role: the ones in a section labelled "AWS" win over the rest of the item. */
function findRoleFields(item: OpItem, role: AwsFieldRole): OpField[] {
  const wanted = new Set(FIELD_LABELS[role].map(normalizeLabel));
  const matches = item.fields.filter((f) => wanted.has(normalizeLabel(f.label ?? "")));
  const inAwsSection = matches.filter((f) => normalizeLabel(sectionLabel(item, f) ?? "") === "aws");
  return inAwsSection.length > 0 ? inAwsSection : matches;
}

function pickOne(item: OpItem, role: AwsFieldRole, required: boolean): OpField | undefined {
  const fields = findRoleFields(item, role);
  if (fields.length > 1) {
    throw new UserError(
      `1Password item ${quoted(item.title)} has ${fields.length} fields that could hold the ${describeRole(role)}: ${fields.map((f) => describeField(item, f)).join(", ")}.`,
      { hint: 'Rename or remove all but one of them, or move the right one into a section labelled "AWS".' },
    );
  }
  const field = fields[0];
  if (required && (field === undefined || !field.value)) {
    const looked = FIELD_LABELS[role].map((l) => `"${l}"`).join(", ");
    throw new UserError(
      `1Password item ${quoted(item.title)} has no ${describeRole(role)}${field ? ` (field ${describeField(item, field)} is empty)` : ""}.`,
      {
        hint: `Add a field labelled ${looked} (case, spaces, "_" and "-" are ignored), preferably in a section labelled "AWS".`,
      },
    );
  }
  return field;
}

function describeRole(role: AwsFieldRole): string {
  switch (role) {
    case "accessKeyId":
      return "access key ID";
    case "secretAccessKey":
      return "secret access key";
    case "mfaSerial":
      return "MFA serial";
    case "accountId":
      return "account ID";
  }
}

/**
 * A NUL (pasted along with a key) cannot go into a child's environment or argv: Node refuses it with the value
 * quoted in the error (exec printed the secret that way). Refuse it here, naming the field, never the value.
 * Other odd characters are left to AWS, which refuses them, and to the output formats, which quote them.
 */
function verifyNoNul(item: OpItem, what: string, value: string): void {
  if (!value.includes("\u0000")) return;
  throw new UserError(`The ${what} in 1Password item ${quoted(item.title)} holds a NUL character.`, {
    hint: `Copy the ${what} again from AWS into the item, without extra characters.`,
  });
}

/** Find the AWS fields of an item; throws a UserError naming the labels when a required one is missing. */
export function resolveAwsFields(item: OpItem): AwsItemFields {
  const accessKeyId = pickOne(item, "accessKeyId", true);
  const secretAccessKey = pickOne(item, "secretAccessKey", true);
  const mfaSerial = pickOne(item, "mfaSerial", false);
  const accountId = pickOne(item, "accountId", false);
  const otp = item.fields.find((f) => f.type === "OTP");
  const result: AwsItemFields = {
    accessKeyId: (accessKeyId?.value ?? "").trim(),
    secretAccessKey: (secretAccessKey?.value ?? "").trim(),
    labels: {},
  };
  registerSecret(result.secretAccessKey);
  registerSecret(otp?.value);
  registerSecret(otp?.totp);
  verifyNoNul(item, "access key ID", result.accessKeyId);
  verifyNoNul(item, "secret access key", result.secretAccessKey);
  if (accessKeyId) result.labels.accessKeyId = describeField(item, accessKeyId);
  if (secretAccessKey) result.labels.secretAccessKey = describeField(item, secretAccessKey);
  if (mfaSerial?.value) {
    result.mfaSerial = mfaSerial.value.trim();
    result.labels.mfaSerial = describeField(item, mfaSerial);
  }
  if (accountId?.value) {
    result.accountId = accountId.value.trim();
    result.labels.accountId = describeField(item, accountId);
  }
  if (otp) {
    result.labels.otp = describeField(item, otp);
    if (otp.totp) result.totp = otp.totp;
    if (otp.value) result.otpUri = otp.value;
  }
  return result;
}

/** A field's value as op prints it: a field with no value has no `value` key, which is the same as "". */
function valueText(field: OpField): string {
  return field.value ?? "";
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function urlsOf(item: OpItem): OpUrl[] {
  return (item.urls ?? []).map((u) => ({ href: u.href, label: u.label ?? "", primary: u.primary === true }));
}

/**
 * What differs between the item aws-op wrote and the item op printed afterwards, as short descriptions that name
 * fields and never hold values. Compared: title, category, urls, tags, sections, and every field (type, purpose,
 * label, section, value), matched by field ID. Not compared: what op derives or bumps on every write (version,
 * updated_at, vault, reference, the current `totp` code).
 */
export function itemDifferences(expected: OpItem, actual: OpItem): string[] {
  const differences: string[] = [];
  if (expected.title !== actual.title) differences.push("the title");
  if ((expected.category ?? "") !== (actual.category ?? "")) differences.push("the category");
  if (!sameJson(urlsOf(expected), urlsOf(actual))) differences.push("the URLs");
  if (!sameJson(expected.tags ?? [], actual.tags ?? [])) differences.push("the tags");
  const sections = (item: OpItem) =>
    (item.sections ?? []).map((x) => `${x.id}\u0000${x.label ?? ""}`).sort((a, b) => a.localeCompare(b));
  if (!sameJson(sections(expected), sections(actual))) differences.push("the sections");
  const actualById = new Map(actual.fields.map((f) => [f.id, f]));
  for (const want of expected.fields) {
    const name = describeField(expected, want);
    const got = actualById.get(want.id);
    actualById.delete(want.id);
    if (!got) {
      differences.push(`field ${name} is missing`);
      continue;
    }
    const changed: string[] = [];
    if (got.type !== want.type) changed.push("type");
    if ((got.purpose ?? "") !== (want.purpose ?? "")) changed.push("purpose");
    if ((got.label ?? "") !== (want.label ?? "")) changed.push("label");
    if ((got.section?.id ?? "") !== (want.section?.id ?? "")) changed.push("section");
    if (valueText(got) !== valueText(want)) changed.push("value");
    if (changed.length > 0) differences.push(`field ${name} has a different ${changed.join(", ")}`);
  }
  for (const extra of actualById.values()) differences.push(`field ${describeField(actual, extra)} was added`);
  return differences;
}
