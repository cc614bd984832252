// `aws-op import [PROFILE...] [--all] --vault V`: move plain-text keys from ~/.aws/credentials into 1Password.
// In named steps:
//   check the arguments (vault, account, what to import) -> read both files and find the candidate profiles (the
//   rest are skipped, with the reason) -> without --vault, in a terminal, pick the vault from a list -> find the
//   items in the vault that already hold their keys -> per profile: plan (reuse the item holding the key, create
//   one, or refuse a key ID held with another secret; --dry-run stops here) -> create the item and read it back ->
//   write both files through applyEdits -> report.
// Per profile, all or nothing: create the item (template on a FIFO, never on the command line), read it back and
// compare, and only then rewrite both files (config first; if the credentials write fails, the config is put
// back). An item in the vault that already holds the same access key id is reused. No backup copy of the
// credentials file is ever written: it would be one more plain-text copy of the secrets.
import { diffLines } from "diff";
import { maskKeyId } from "../aws/credential-output.js";
import { writeAwsFiles } from "../config/aws-file-writer.js";
import { IniEditError, parseIni, type IniDocument } from "../config/ini.js";
import { isPortableValue, requirePortableValue, requireUsableProfileName } from "../config/names.js";
import {
  findConfigSection,
  requireUnambiguousProfile,
  maskAwsSecrets,
  readProfileValues,
  resolveOpSettings,
  type AwsFiles,
} from "../config/profile.js";
import { credentialProcessLineFor, opContextFor, readFilesFor, type Context } from "../context.js";
import { UserError } from "../errors.js";
import { createItem, listItems, readItem, type ItemTemplate, type OpContext } from "../onepassword/client.js";
import { requireNotConnect } from "../onepassword/connect.js";
import { resolveAwsFields } from "../onepassword/item.js";
import { colourDiff, colours, isColourWanted } from "../ui/colour.js";
import { fileDiff } from "../ui/file-diff.js";
import { formatTable } from "../ui/table.js";
import { escapeForTerminal, jsonForTerminal, quoted } from "../ui/terminal-text.js";
import type { Command } from "commander";
import { addOpOptions, commandOptions, requireProfilesOrAll, runWith, type Factory, type RunF } from "./factory.js";
import { askForAccount, askForVault } from "./pick-from-1password.js";

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

export function newCmdImport(
  f: Factory,
  runF: RunF<ImportOptions> = async (options) => {
    const outcomes = await run(options, f.ctx);
    return outcomes.some((o) => o.status === "failed") ? 1 : 0;
  },
): Command {
  return addOpOptions(
    new f.commander.Command("import")
      .description("move plain-text keys from ~/.aws/credentials into 1Password items")
      .argument("[profiles...]", "the profiles to import")
      .option("--all", "import every profile with plain-text keys")
      .option(
        "--vault <vault>",
        "1Password vault to create the items in (picked from a list in a terminal when absent)",
      )
      .option("--account <account>", "1Password account shorthand, sign-in address or ID")
      .option("--dry-run", "show the plan and the file diffs (secrets masked); change nothing")
      .option("--keep-plaintext", "leave the keys in the credentials file (they keep winning over credential_process)")
      .option("--json", "print the results as JSON"),
  )
    .addHelpText(
      "after",
      `
Examples:
  aws-op import --all --vault Private --dry-run
  aws-op import --all --vault Private
  aws-op import work personal --vault Private`,
    )
    .action(async (profiles: string[], flags: Partial<ImportOptions>) => {
      requireProfilesOrAll(
        "import",
        { named: profiles.length > 0, all: flags.all },
        "aws-op import work --vault Private   |   aws-op import --all --vault Private",
      );
      await runWith(f, runF, commandOptions<ImportOptions>(flags, { profiles }));
    });
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

/** An item in the vault (or made by this import) and the secret it holds. */
interface KnownItem {
  id: string;
  title: string;
  secret: string;
}

interface ExistingItems {
  byKeyId: Map<string, KnownItem>;
  titles: Map<string, number>;
}

/** Items in the vault that may already hold a key: one list call, then a read of each likely candidate. */
async function findExistingItems(op: OpContext, locator: Destination): Promise<ExistingItems> {
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

function itemTitleFor(candidate: Candidate): string {
  return `AWS ${candidate.profile}`;
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
  return { title: itemTitleFor(candidate), category: "API_CREDENTIAL", sections: [section], fields };
}

function errorText(error: unknown): string {
  if (error instanceof UserError) return error.hint ? `${error.message} ${error.hint}` : error.message;
  if (error instanceof IniEditError) return error.message;
  throw error;
}

/** The vault (and account) every imported profile's item goes to, as op's locator and as the config's op_* keys. */
interface Destination {
  vault: string;
  account?: string;
}

/** What every step below reads. */
interface ImportJob {
  options: ImportOptions;
  ctx: Context;
  files: AwsFiles;
  destination: Destination;
  op: OpContext;
  existing: ExistingItems;
  say: (text: string) => void;
}

/** The config and credentials documents a profile's edits go into: a dry run's preview, or the ones written. */
interface EditedDocuments {
  config: IniDocument;
  credentials: IniDocument;
}

/** Both files as read, as documents to edit (the ones in `files` stay as read: the dry run's diff starts there). */
function documentsOf(files: AwsFiles): EditedDocuments {
  return { config: parseIni(files.config.text ?? ""), credentials: parseIni(files.credentials.text ?? "") };
}

/** Returns the outcomes; the caller sets a failing exit code when one failed. */
export async function run(options: ImportOptions, ctx: Context): Promise<ImportOutcome[]> {
  const given = requireDestination(options, ctx);
  const say = (text: string): void => ctx.stderr(`${escapeForTerminal(text)}\n`);
  const files = readFilesFor(ctx);
  const { candidates, skipped } = findCandidates(options, files);
  const op = opContextForImport(options, ctx, files, candidates);
  // Without --vault (only in a terminal), the vault is picked once there is something to put in it.
  const destination = given ?? (candidates.length > 0 ? await askForDestination(options, ctx, op) : undefined);
  if (!destination) {
    report({ options, ctx, files, say }, skipped, documentsOf(files));
    return skipped;
  }
  const existing = await findExistingItemsFor(candidates, op, destination, say);
  const job: ImportJob = { options, ctx, files, destination, op, existing, say };
  const preview = documentsOf(files);
  const outcomes: ImportOutcome[] = [...skipped];
  for (const [index, candidate] of candidates.entries()) {
    const reuse = existing.byKeyId.get(candidate.accessKeyId);
    if (reuse && reuse.secret !== candidate.secretAccessKey) {
      outcomes.push(refusal(candidate, reuse));
      continue;
    }
    outcomes.push(
      await unlessFailed(candidate.profile, () =>
        options.dryRun
          ? planProfile(job, candidate, reuse, preview)
          : importProfile(job, candidate, reuse, `[${index + 1}/${candidates.length}]`),
      ),
    );
  }
  report(job, outcomes, preview);
  return outcomes;
}

/**
 * Step 1: the arguments, refused before anything is read or created. Undefined: no --vault, in a terminal, where
 * the vault is picked from a list (askForDestination) as setup's is.
 */
function requireDestination(options: ImportOptions, ctx: Context): Destination | undefined {
  requireNotConnect(ctx.env, "aws-op import", "op item list and op item create");
  const vault = options.vault?.trim();
  if (!vault) {
    if (ctx.isTTY.stdin && ctx.isTTY.stderr) return undefined;
    throw new UserError("Missing --vault: the 1Password vault to put the keys in (asked for only in a terminal).", {
      hint: "aws-op import --all --vault Private",
    });
  }
  // Written into the config of every profile: refused before any item is created if a client would misread it.
  requirePortableValue("op_vault", vault);
  const account = options.account?.trim();
  if (account) requirePortableValue("op_account", account);
  return account ? { vault, account } : { vault };
}

/** After step 2, in a terminal without --vault: the account (when 1Password has several) and the vault, picked. */
async function askForDestination(options: ImportOptions, ctx: Context, op: OpContext): Promise<Destination> {
  const prompter = await ctx.prompter();
  const account = options.account?.trim() || (await askForAccount(op, prompter, ctx));
  const vault = await askForVault(op, prompter, account ? { account } : {}, "1Password vault to put the keys in");
  // Written into the config of every profile, as a --vault given would be.
  requirePortableValue("op_vault", vault);
  if (account) requirePortableValue("op_account", account);
  return account ? { vault, account } : { vault };
}

/** Step 2: the profiles asked for (or, with --all, every one with a key line), each a candidate or skipped. */
function findCandidates(
  options: ImportOptions,
  files: AwsFiles,
): { candidates: Candidate[]; skipped: ImportOutcome[] } {
  const creds = files.credentials.doc;
  const names = options.all
    ? creds.sectionNames().filter((n) => creds.get(n, KEY_ID) !== undefined || creds.get(n, SECRET) !== undefined)
    : [...new Set(options.profiles)];
  const candidates: Candidate[] = [];
  const skipped: ImportOutcome[] = [];
  for (const profile of names) {
    const values = creds.getSection(profile);
    const keyId = values?.[KEY_ID]?.trim();
    const secret = values?.[SECRET]?.trim();
    if (!values || (!keyId && !secret)) {
      skipped.push({ profile, status: "skipped", detail: `no keys for [${profile}] in ${files.credentials.path}` });
      continue;
    }
    if (values[TOKEN] !== undefined) {
      skipped.push({
        profile,
        status: "skipped",
        detail: "temporary credentials (aws_session_token): they expire, so there is nothing to keep",
      });
      continue;
    }
    if (!keyId || !secret) {
      skipped.push({ profile, status: "skipped", detail: `needs both ${KEY_ID} and ${SECRET}` });
      continue;
    }
    let mfaSerial: string | undefined;
    try {
      requireUsableProfileName(profile);
      // Keys moved into a profile that some AWS client reads from other lines would serve nobody safely.
      requireUnambiguousProfile(files, profile);
      const config = findConfigSection(files, profile);
      mfaSerial = values.mfa_serial?.trim() || files.config.doc.get(config.name, "mfa_serial")?.trim();
      if (mfaSerial) requirePortableValue("op_mfa_serial", mfaSerial);
    } catch (error) {
      skipped.push({ profile, status: "skipped", detail: errorText(error) });
      continue;
    }
    candidates.push({ profile, accessKeyId: keyId, secretAccessKey: secret, ...(mfaSerial ? { mfaSerial } : {}) });
  }
  return { candidates, skipped };
}

/** The one precedence (flag > AWS_OP_CLI > op_cli): op_cli of the (first) profile being imported. */
function opContextForImport(options: ImportOptions, ctx: Context, files: AwsFiles, candidates: Candidate[]): OpContext {
  const first = candidates[0]?.profile;
  return opContextFor(
    ctx,
    resolveOpSettings(options, ctx.env, first === undefined ? {} : (readProfileValues(files, first) ?? {})),
  );
}

/** Step 3: the items in the vault that already hold a candidate's key (no op call when there is no candidate). */
async function findExistingItemsFor(
  candidates: Candidate[],
  op: OpContext,
  destination: Destination,
  say: (text: string) => void,
): Promise<ExistingItems> {
  if (candidates.length === 0) return { byKeyId: new Map(), titles: new Map() };
  say(`Looking for items in 1Password vault ${quoted(destination.vault)} that already hold these keys...`);
  return findExistingItems(op, destination);
}

/** Step 4, per profile: an item holding the same key ID with another secret is left for the user to sort out. */
function refusal(candidate: Candidate, reuse: KnownItem): ImportOutcome {
  return {
    profile: candidate.profile,
    status: "failed",
    item: reuse.title,
    detail: `item ${quoted(reuse.title)} holds the same access key ID (${maskKeyId(candidate.accessKeyId)}) with a different secret; fix the item or the file by hand`,
  };
}

/** A profile's step that throws is its failed outcome; nothing of that profile was written. */
async function unlessFailed(
  profile: string,
  step: () => ImportOutcome | Promise<ImportOutcome>,
): Promise<ImportOutcome> {
  try {
    return await step();
  } catch (error) {
    return { profile, status: "failed", detail: `${errorText(error)} Files for this profile were not changed.` };
  }
}

/** Step 4 with --dry-run: the edits into the preview documents, and what would be created or reused. */
function planProfile(
  job: ImportJob,
  candidate: Candidate,
  reuse: KnownItem | undefined,
  preview: EditedDocuments,
): ImportOutcome {
  const title = itemTitleFor(candidate);
  const itemRef = reuse ? (isPortableValue(reuse.title) ? reuse.title : reuse.id) : title;
  editProfile(job, preview, candidate, reuse, itemRef);
  return {
    profile: candidate.profile,
    status: "planned",
    item: itemRef,
    detail: reuse
      ? `would reuse item ${quoted(reuse.title)} (same key ${maskKeyId(candidate.accessKeyId)})`
      : `would create item ${quoted(title)} for key ${maskKeyId(candidate.accessKeyId)}`,
  };
}

/** Steps 5 and 6 for one profile, all or nothing: the item (created or reused) read back, then both files. */
async function importProfile(
  job: ImportJob,
  candidate: Candidate,
  reuse: KnownItem | undefined,
  counter: string,
): Promise<ImportOutcome> {
  job.say(`${counter} ${candidate.profile}: ${reuse ? "reusing" : "creating"} item...`);
  const item = reuse ?? (await createItemFor(job, candidate));
  await verifyItem(job, candidate, item);
  // A title op can find unambiguously (and every AWS client reads back) reads better in the config file;
  // otherwise the item's ID.
  const itemRef =
    (job.existing.titles.get(item.title) ?? 0) === 1 && isPortableValue(item.title) ? item.title : item.id;
  writeProfile(job, candidate, reuse, itemRef);
  return {
    profile: candidate.profile,
    status: reuse ? "reused" : "imported",
    item: itemRef,
    detail: job.options.keepPlaintext
      ? "plain-text keys kept (--keep-plaintext): they still win over credential_process"
      : "keys removed from the credentials file",
  };
}

/** Step 5: a new item for the candidate's keys; a later profile with the same key reuses it. */
async function createItemFor(job: ImportJob, candidate: Candidate): Promise<KnownItem> {
  const created = await createItem(job.op, job.destination, itemTemplate(candidate));
  const item = { id: created.id, title: created.title, secret: candidate.secretAccessKey };
  job.existing.byKeyId.set(candidate.accessKeyId, item);
  job.existing.titles.set(item.title, (job.existing.titles.get(item.title) ?? 0) + 1);
  return item;
}

/** Step 5: trust what 1Password holds, not op's exit code: read the item back and compare. */
async function verifyItem(job: ImportJob, candidate: Candidate, item: KnownItem): Promise<void> {
  const stored = resolveAwsFields(await readItem(job.op, { item: item.id, ...job.destination }));
  if (stored.accessKeyId !== candidate.accessKeyId || stored.secretAccessKey !== candidate.secretAccessKey) {
    throw new UserError(
      `The keys read back from item ${quoted(item.title)} differ from ${job.files.credentials.path}; the files were not changed.`,
      { hint: `Check the item in 1Password (ID ${item.id}), delete it if it is wrong, and run the import again.` },
    );
  }
}

/** Step 6: both files rewritten through applyEdits (config first; the writer puts it back if the second fails). */
function writeProfile(job: ImportJob, candidate: Candidate, reuse: KnownItem | undefined, itemRef: string): void {
  const documents = documentsOf(job.files);
  editProfile(job, documents, candidate, reuse, itemRef);
  writeAwsFiles([
    { file: job.files.config, text: documents.config.toString() },
    { file: job.files.credentials, text: documents.credentials.toString() },
  ]);
}

/** The same edits for the plan (--dry-run) and for real, into the documents given. */
function editProfile(
  job: ImportJob,
  documents: EditedDocuments,
  candidate: Candidate,
  reuse: KnownItem | undefined,
  itemRef: string,
): void {
  const { profile } = candidate;
  applyEdits({
    config: documents.config,
    credentials: documents.credentials,
    files: job.files,
    profile,
    line: credentialProcessLineFor(job.ctx, profile),
    itemRef,
    vault: job.destination.vault,
    account: job.destination.account,
    keepPlaintext: job.options.keepPlaintext,
    mfaSerial: reuse ? undefined : candidate.mfaSerial,
  });
}

/** Step 7: the outcomes as JSON, or (with the dry run's diffs first) as a table. */
function report(
  job: Pick<ImportJob, "options" | "ctx" | "files" | "say">,
  outcomes: ImportOutcome[],
  preview: EditedDocuments,
): void {
  const { options, ctx, files } = job;
  if (options.json) {
    ctx.stdout(`${jsonForTerminal(outcomes)}\n`);
    return;
  }
  if (options.dryRun) {
    const showColour = colours(isColourWanted(ctx.env, ctx.isTTY.stdout));
    // Every key ID and secret of either file is masked in both diffs, context lines included.
    const mask = (text: string): string => maskAwsSecrets(text, files);
    for (const [path, before, after] of [
      [files.config.path, mask(files.config.text ?? ""), mask(preview.config.toString())],
      [files.credentials.path, mask(files.credentials.text ?? ""), mask(preview.credentials.toString())],
    ] as const) {
      if (before !== after) ctx.stdout(colourDiff(fileDiff(path, before, after, ctx.home), showColour));
    }
  }
  if (outcomes.length === 0) {
    ctx.stdout(
      `${escapeForTerminal(`Nothing to import: ${files.credentials.path} holds no plain-text access keys.`)}\n`,
    );
  } else {
    ctx.stdout(
      formatTable(
        ["PROFILE", "ITEM", "RESULT"],
        outcomes.map((o) => [o.profile, o.item ?? "-", `${o.status}: ${o.detail}`]),
      ),
    );
  }
  if (options.dryRun) job.say("Dry run: nothing was created or written.");
}

/** One profile's edits: the block in the config, and (unless --keep-plaintext) its keys out of the credentials. */
interface ProfileEdits {
  /** The documents to edit. */
  config: IniDocument;
  credentials: IniDocument;
  files: AwsFiles;
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
