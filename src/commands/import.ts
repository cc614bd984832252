// `aws-op import [PROFILE...] [--all] --vault V`: move plain-text keys from ~/.aws/credentials into 1Password.
// Per profile, all or nothing: create the item (template on a FIFO, never on the command line), read it back and
// compare, and only then rewrite both files (config first; if the credentials write fails, the config is put
// back). An item in the vault that already holds the same access key id is reused. No backup copy of the
// credentials file is ever written: it would be one more plain-text copy of the secrets.
import { createTwoFilesPatch, diffLines } from "diff";
import { maskKeyId } from "../aws/credential-output.js";
import { writeAwsFiles } from "../config/aws-file-writer.js";
import { IniEditError, parseIni, type IniDocument } from "../config/ini.js";
import { isPortableValue, requirePortableValue, requireUsableProfileName } from "../config/names.js";
import { findConfigSection, maskAwsSecrets, readProfileValues, resolveOpSettings } from "../config/profile.js";
import { credentialProcessLineFor, opContextFor, readFilesFor, type Context } from "../context.js";
import { UserError } from "../errors.js";
import { createItem, listItems, readItem, type ItemTemplate, type OpContext } from "../onepassword/client.js";
import { requireNotConnect } from "../onepassword/connect.js";
import { resolveAwsFields } from "../onepassword/item.js";
import { colourDiff, colours, isColourWanted } from "../ui/colour.js";
import { formatTable } from "../ui/table.js";
import { escapeForTerminal, jsonForTerminal } from "../ui/terminal-text.js";

export interface ImportOptions {
  profiles: string[];
  all?: boolean;
  vault?: string;
  account?: string;
  dryRun?: boolean;
  keepPlaintext?: boolean;
  json?: boolean;
  opCli?: string;
  opTimeout?: string;
}

export type ImportStatus = "imported" | "reused" | "planned" | "skipped" | "failed";

export interface ImportOutcome {
  profile: string;
  status: ImportStatus;
  item?: string;
  detail: string;
}

const KEY_ID = "aws_access_key_id";
const SECRET = "aws_secret_access_key";
const TOKEN = "aws_session_token";
/** Reusing an item means reading candidates; past this many, aws-op creates a new item rather than read them all. */
const MAX_CANDIDATES = 25;

interface Candidate {
  profile: string;
  accessKeyId: string;
  secretAccessKey: string;
  mfaSerial?: string;
}

/** Remove the key lines; remove the section too when nothing but blank lines would be left of it. */
function removeKeys(doc: IniDocument, profile: string): void {
  doc.delete(profile, KEY_ID);
  doc.delete(profile, SECRET);
  if (!doc.isSectionEmpty(profile)) return;
  const before = doc.toString();
  const trial = parseIni(before);
  trial.removeSection(profile);
  const removedComment = diffLines(before, trial.toString()).some(
    (part) => part.removed && part.value.split(/\r\n|\r|\n/).some((l) => /^\s*[#;]/.test(l)),
  );
  if (!removedComment) doc.removeSection(profile);
}

interface ExistingItems {
  byKeyId: Map<string, { id: string; title: string; secret: string }>;
  titles: Map<string, number>;
}

/** Items in the vault that may already hold a key: one list call, then a read of each likely candidate. */
async function findExistingItems(op: OpContext, vault: string, account: string | undefined): Promise<ExistingItems> {
  const locator = { vault, ...(account ? { account } : {}) };
  const items = await listItems(op, locator);
  const titles = new Map<string, number>();
  for (const i of items) titles.set(i.title, (titles.get(i.title) ?? 0) + 1);
  const likely = items.filter((i) => i.category === "API_CREDENTIAL" || /^aws/i.test(i.title)).slice(0, MAX_CANDIDATES);
  const byKeyId: ExistingItems["byKeyId"] = new Map();
  for (const candidate of likely) {
    try {
      const item = await readItem(op, { item: candidate.id, ...locator });
      const fields = resolveAwsFields(item);
      if (!byKeyId.has(fields.accessKeyId)) {
        byKeyId.set(fields.accessKeyId, { id: item.id, title: item.title, secret: fields.secretAccessKey });
      }
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      // Not an AWS item (no key fields): not a candidate.
    }
  }
  return { byKeyId, titles };
}

function itemTemplate(candidate: Candidate): ItemTemplate {
  const section = { id: "aws", label: "AWS" };
  const fields: ItemTemplate["fields"] = [
    { id: KEY_ID, section, type: "STRING", label: KEY_ID, value: candidate.accessKeyId },
    { id: SECRET, section, type: "CONCEALED", label: SECRET, value: candidate.secretAccessKey },
  ];
  if (candidate.mfaSerial) {
    fields.push({ id: "mfa_serial", section, type: "STRING", label: "mfa_serial", value: candidate.mfaSerial });
  }
  return { title: `AWS ${candidate.profile}`, category: "API_CREDENTIAL", sections: [section], fields };
}

function errorText(error: unknown): string {
  if (error instanceof UserError) return error.hint ? `${error.message} ${error.hint}` : error.message;
  if (error instanceof IniEditError) return error.message;
  throw error;
}

/** Returns the outcomes; the caller sets a failing exit code when one failed. */
export async function run(options: ImportOptions, ctx: Context): Promise<ImportOutcome[]> {
  requireNotConnect(ctx.env, "aws-op import", "op item list and op item create");
  const vault = options.vault?.trim();
  if (!vault) {
    throw new UserError("Missing --vault: the 1Password vault to put the keys in.", {
      hint: "aws-op import --all --vault Private",
    });
  }
  if (!options.all && options.profiles.length === 0) {
    throw new UserError("Name the profiles to import, or pass --all.", {
      hint: "aws-op import work --vault Private   |   aws-op import --all --vault Private",
    });
  }
  // Written into the config of every profile: refused before any item is created if a client would misread it.
  requirePortableValue("op_vault", vault);
  if (options.account?.trim()) requirePortableValue("op_account", options.account.trim());
  const say = (text: string): void => ctx.stderr(`${escapeForTerminal(text)}\n`);
  const files = readFilesFor(ctx);
  const creds = files.credentials.doc;
  const names = options.all
    ? creds.sectionNames().filter((n) => creds.get(n, KEY_ID) !== undefined || creds.get(n, SECRET) !== undefined)
    : [...new Set(options.profiles)];

  const outcomes: ImportOutcome[] = [];
  const candidates: Candidate[] = [];
  for (const profile of names) {
    const values = creds.getSection(profile);
    const keyId = values?.[KEY_ID]?.trim();
    const secret = values?.[SECRET]?.trim();
    if (!values || (!keyId && !secret)) {
      outcomes.push({ profile, status: "skipped", detail: `no keys for [${profile}] in ${files.credentials.path}` });
      continue;
    }
    if (values[TOKEN] !== undefined) {
      outcomes.push({
        profile,
        status: "skipped",
        detail: "temporary credentials (aws_session_token): they expire, so there is nothing to keep",
      });
      continue;
    }
    if (!keyId || !secret) {
      outcomes.push({ profile, status: "skipped", detail: `needs both ${KEY_ID} and ${SECRET}` });
      continue;
    }
    let mfaSerial: string | undefined;
    try {
      requireUsableProfileName(profile);
      const config = findConfigSection(files, profile);
      mfaSerial = values.mfa_serial?.trim() || files.config.doc.get(config.name, "mfa_serial")?.trim();
      if (mfaSerial) requirePortableValue("op_mfa_serial", mfaSerial);
    } catch (error) {
      outcomes.push({ profile, status: "skipped", detail: errorText(error) });
      continue;
    }
    candidates.push({
      profile,
      accessKeyId: keyId,
      secretAccessKey: secret,
      ...(mfaSerial ? { mfaSerial } : {}),
    });
  }

  // The one precedence (flag > AWS_OP_CLI > op_cli): op_cli of the (first) profile being imported.
  const first = candidates[0]?.profile;
  const op = opContextFor(
    ctx,
    resolveOpSettings(options, ctx.env, first === undefined ? {} : (readProfileValues(files, first) ?? {})),
  );
  const account = options.account?.trim() || undefined;
  let existing: ExistingItems = { byKeyId: new Map(), titles: new Map() };
  if (candidates.length > 0) {
    say(`Looking for items in 1Password vault "${vault}" that already hold these keys...`);
    existing = await findExistingItems(op, vault, account);
  }

  const showColour = colours(isColourWanted(ctx.env, ctx.isTTY.stdout));
  const configBefore = files.config.text ?? "";
  const credsBefore = files.credentials.text ?? "";
  const planConfig = parseIni(configBefore);
  const planCreds = parseIni(credsBefore);

  for (const [index, candidate] of candidates.entries()) {
    const { profile } = candidate;
    const reuse = existing.byKeyId.get(candidate.accessKeyId);
    if (reuse && reuse.secret !== candidate.secretAccessKey) {
      outcomes.push({
        profile,
        status: "failed",
        item: reuse.title,
        detail: `item "${reuse.title}" holds the same access key ID (${maskKeyId(candidate.accessKeyId)}) with a different secret; fix the item or the file by hand`,
      });
      continue;
    }
    const title = `AWS ${profile}`;
    // The same edits for the plan (--dry-run) and for real, into the documents given.
    const edit = (config: IniDocument, credentials: IniDocument, itemRef: string): void =>
      applyEdits({
        config,
        credentials,
        files,
        profile,
        line: credentialProcessLineFor(ctx, profile),
        itemRef,
        vault,
        account,
        keepPlaintext: options.keepPlaintext,
        mfaSerial: reuse ? undefined : candidate.mfaSerial,
      });
    try {
      if (options.dryRun) {
        const itemRef = reuse ? (isPortableValue(reuse.title) ? reuse.title : reuse.id) : title;
        edit(planConfig, planCreds, itemRef);
        outcomes.push({
          profile,
          status: "planned",
          item: itemRef,
          detail: reuse
            ? `would reuse item "${reuse.title}" (same key ${maskKeyId(candidate.accessKeyId)})`
            : `would create item "${title}" for key ${maskKeyId(candidate.accessKeyId)}`,
        });
        continue;
      }
      say(`[${index + 1}/${candidates.length}] ${profile}: ${reuse ? "reusing" : "creating"} item...`);
      let itemId: string;
      let itemTitle: string;
      if (reuse) {
        itemId = reuse.id;
        itemTitle = reuse.title;
      } else {
        const created = await createItem(op, { vault, ...(account ? { account } : {}) }, itemTemplate(candidate));
        itemId = created.id;
        itemTitle = created.title;
        existing.byKeyId.set(candidate.accessKeyId, {
          id: itemId,
          title: itemTitle,
          secret: candidate.secretAccessKey,
        });
        existing.titles.set(itemTitle, (existing.titles.get(itemTitle) ?? 0) + 1);
      }
      // Trust what 1Password holds, not op's exit code: read the item back and compare.
      const stored = resolveAwsFields(await readItem(op, { item: itemId, vault, ...(account ? { account } : {}) }));
      if (stored.accessKeyId !== candidate.accessKeyId || stored.secretAccessKey !== candidate.secretAccessKey) {
        throw new UserError(
          `The keys read back from item "${itemTitle}" differ from ${files.credentials.path}; the files were not changed.`,
          { hint: `Check the item in 1Password (ID ${itemId}), delete it if it is wrong, and run the import again.` },
        );
      }
      // A title op can find unambiguously (and every AWS client reads back) reads better in the config file;
      // otherwise the item's ID.
      const itemRef = (existing.titles.get(itemTitle) ?? 0) === 1 && isPortableValue(itemTitle) ? itemTitle : itemId;
      const config = parseIni(files.config.text ?? "");
      const credentials = parseIni(files.credentials.text ?? "");
      edit(config, credentials, itemRef);
      writeAwsFiles([
        { file: files.config, text: config.toString() },
        { file: files.credentials, text: credentials.toString() },
      ]);
      outcomes.push({
        profile,
        status: reuse ? "reused" : "imported",
        item: itemRef,
        detail: options.keepPlaintext
          ? "plain-text keys kept (--keep-plaintext): they still win over credential_process"
          : "keys removed from the credentials file",
      });
    } catch (error) {
      outcomes.push({
        profile,
        status: "failed",
        detail: `${errorText(error)} Files for this profile were not changed.`,
      });
    }
  }

  if (options.json) {
    ctx.stdout(`${jsonForTerminal(outcomes)}\n`);
  } else {
    if (options.dryRun) {
      const configAfter = planConfig.toString();
      const credsAfter = planCreds.toString();
      // Every key ID and secret of either file is masked in both diffs, context lines included.
      const mask = (text: string): string => maskAwsSecrets(text, files);
      for (const [path, before, after] of [
        [files.config.path, mask(configBefore), mask(configAfter)],
        [files.credentials.path, mask(credsBefore), mask(credsAfter)],
      ] as const) {
        if (before !== after) ctx.stdout(colourDiff(createTwoFilesPatch(path, path, before, after), showColour));
      }
    }
    if (outcomes.length === 0) {
      ctx.stdout(`Nothing to import: ${files.credentials.path} holds no plain-text access keys.\n`);
    } else {
      ctx.stdout(
        formatTable(
          ["PROFILE", "ITEM", "RESULT"],
          outcomes.map((o) => [o.profile, o.item ?? "-", `${o.status}: ${o.detail}`]),
        ),
      );
    }
    if (options.dryRun) say("Dry run: nothing was created or written.");
  }
  return outcomes;
}

/** One profile's edits: the block in the config, and (unless --keep-plaintext) its keys out of the credentials. */
interface ProfileEdits {
  /** The documents to edit. */
  config: IniDocument;
  credentials: IniDocument;
  files: ReturnType<typeof readFilesFor>;
  profile: string;
  line: string;
  itemRef: string;
  vault: string;
  account: string | undefined;
  keepPlaintext: boolean | undefined;
  /** For an item made now: the MFA serial it holds. */
  mfaSerial: string | undefined;
}

function applyEdits({
  config,
  credentials,
  files,
  profile,
  line,
  itemRef,
  vault,
  account,
  keepPlaintext,
  mfaSerial,
}: ProfileEdits): void {
  const section = findConfigSection(files, profile).name;
  const entries: Record<string, string> = {
    credential_process: line,
    op_item: itemRef,
    op_vault: vault,
    ...(account ? { op_account: account } : {}),
    // The new item holds the MFA serial too; in the config it tells "aws-op list" (which runs no op) that the
    // profile uses MFA.
    ...(mfaSerial ? { op_mfa_serial: mfaSerial } : {}),
  };
  for (const [key, value] of Object.entries(entries)) requirePortableValue(key, value);
  config.setAll(section, entries);
  if (!keepPlaintext) removeKeys(credentials, profile);
}
