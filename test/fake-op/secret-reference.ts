// Secret references `op://vault/item/[section/]field[?attribute=otp]`, used by `op read` and `op inject`.
// The character rule is why aws-op reads items with `item get` instead: a title with a quote, slash, `&` or
// non-ASCII cannot be named in a reference at all.
import { OpError, couldNotReadSecret, invalidReferenceCharacter } from "./errors.js";
import { REFERENCE_PART } from "./item-view.js";
import { findItem, findVault } from "./lookup.js";
import type { ItemField, StoreAccount } from "./store.js";
import { currentOtpCode } from "./totp.js";

export interface SecretReference {
  text: string;
  vault: string;
  item: string;
  section?: string;
  field: string;
  attribute?: string;
}

const ATTRIBUTES = ["value", "type", "id", "label", "purpose", "otp", "totp"];

/** Fake wording for malformed references other than a bad character. */
function invalidReference(reference: string, reason: string): never {
  throw new OpError(`invalid secret reference '${reference}': ${reason}`);
}

export function parseSecretReference(reference: string): SecretReference {
  if (!reference.startsWith("op://")) invalidReference(reference, "a secret reference must start with 'op://'");
  const [path = "", query] = reference.slice("op://".length).split("?", 2);
  for (const character of path) {
    if (character !== "/" && !REFERENCE_PART.test(character)) throw invalidReferenceCharacter(reference, character);
  }
  const parts = path.split("/");
  if (parts.length < 3 || parts.length > 4 || parts.some((part) => part === "")) {
    invalidReference(reference, "expected the format op://<vault>/<item>/[<section>/]<field>");
  }
  const [vault = "", item = "", third = "", fourth] = parts;
  const parsed: SecretReference =
    fourth === undefined
      ? { text: reference, vault, item, field: third }
      : { text: reference, vault, item, section: third, field: fourth };
  if (query !== undefined) {
    const attribute = new URLSearchParams(query).get("attribute");
    if (attribute === null || !ATTRIBUTES.includes(attribute.toLowerCase())) {
      invalidReference(reference, `unsupported query '${query}'`);
    }
    parsed.attribute = attribute.toLowerCase();
  }
  return parsed;
}

function fieldAttribute(field: ItemField, attribute: string | undefined, epochSeconds: number): string {
  switch (attribute) {
    case undefined:
    case "value":
      return field.value ?? "";
    case "type":
      return field.type;
    case "id":
      return field.id;
    case "label":
      return field.label;
    case "purpose":
      return field.purpose ?? "";
    default: {
      // otp / totp: the current code of an OTP field.
      const code =
        field.type === "OTP" && field.value !== undefined ? currentOtpCode(field.value, epochSeconds) : undefined;
      if (code === undefined) throw new OpError(`field '${field.label}' is not a one-time password field`);
      return code;
    }
  }
}

/** Resolves a reference to the text `op read` prints (without the newline). Errors wrap as the real CLI's do. */
export function resolveSecretReference(
  account: StoreAccount,
  reference: SecretReference,
  epochSeconds: number,
): string {
  const where = `${reference.vault}/${reference.item}`;
  try {
    findVault(account, reference.vault);
    const { item } = findItem(account, reference.item, { vault: reference.vault });
    const sections = item.sections ?? [];
    let sectionId: string | undefined;
    if (reference.section !== undefined) {
      const wanted = reference.section.toLowerCase();
      const section =
        sections.find((candidate) => candidate.id === reference.section) ??
        sections.find((candidate) => (candidate.label ?? "").toLowerCase() === wanted);
      if (!section) throw new OpError(`item '${where}' does not have a section '${reference.section}'`);
      sectionId = section.id;
    }
    const wantedField = reference.field.toLowerCase();
    const candidates = (item.fields ?? []).filter(
      (field) => sectionId === undefined || field.section?.id === sectionId,
    );
    const field =
      candidates.find((candidate) => candidate.id === reference.field) ??
      candidates.find((candidate) => candidate.label.toLowerCase() === wantedField);
    if (!field) throw new OpError(`item '${where}' does not have a field '${reference.field}'`);
    return fieldAttribute(field, reference.attribute, epochSeconds);
  } catch (error) {
    if (error instanceof OpError) throw couldNotReadSecret(reference.text, error.message);
    throw error;
  }
}
