// `aws-op rotate PROFILE`: replace the long-term access key kept in the profile's 1Password item, in an order that
// never leaves the user without a working key in the item:
//   read the item -> find the IAM user -> CreateAccessKey -> write the new key into the item (template on a FIFO)
//   -> read the item back and compare -> GetCallerIdentity with the new key (retried: new keys take seconds to work)
//   -> clear cached sessions made from the item -> DeleteAccessKey the old key (retried).
// `run` reads as that list: one function per step, each taking the `Rotation` the first steps build.
// A failure before the item holds the new key deletes the new key again; a failure after it says how to finish.
// A journal (cache/rotation-journal.ts, no secrets) lets the next rotate finish one that was killed mid-way.
// `--older-than AGE` rotates only a key at least that old (IAM CreateDate against ctx.now()); `--all` runs the same
// steps for every profile with an item of its own, once per item, asking nothing: for cron.
import { maskKeyId } from "../aws/credential-output.js";
import type { IamAccessKey } from "../aws/iam.js";
import type { AwsEndpointOptions, CallerIdentity, CallerKeys } from "../aws/sts.js";
import {
  deleteRotationJournal,
  readRotationJournal,
  writeRotationJournal,
  type RotationJournal,
} from "../cache/rotation-journal.js";
import { clearSessionsFor, type ItemIdentity } from "../cache/session-cache.js";
import { parseDurationSeconds } from "../aws/duration.js";
import { listProfileNames, readProfileValues, type ProfileSettings } from "../config/profile.js";
import {
  awsCallOptions,
  itemLocatorFor,
  opContextFor,
  readFilesFor,
  resolveProfileFor,
  sessionCacheFor,
  type Context,
} from "../context.js";
import { errnoCode, UserError } from "../errors.js";
import { itemIdentityOf } from "../providers/chain.js";
import type { ItemLocator } from "../onepassword/args.js";
import { editItem, readItem, requireOpVersion, type OpContext } from "../onepassword/client.js";
import { requireNotConnect } from "../onepassword/connect.js";
import { ROTATE_NEEDS } from "../onepassword/version.js";
import { FIELD_LABELS, itemDifferences, normalizeLabel, resolveAwsFields, type OpItem } from "../onepassword/item.js";
import { formatTable } from "../ui/table.js";
import type { Command } from "commander";
import { addOpOptions, commandOptions, requireProfilesOrAll, runWith, type Factory, type RunF } from "./factory.js";
import { escapeForTerminal, quoted } from "../ui/terminal-text.js";

export interface RotateOptions {
  profile: string;
  dryRun?: boolean;
  yes?: boolean;
  /** Rotate only a key at least this old ("90d", "12h", seconds). */
  olderThan?: string;
  opTimeout?: string;
  opCli?: string;
}

/** What `rotate`'s command line asks for: one profile's key, or (--all) every profile's. */
export type RotateCommandOptions = (RotateOptions & { all?: never }) | (RotateAllOptions & { all: true });

export function newCmdRotate(
  f: Factory,
  runF: RunF<RotateCommandOptions> = async (options) => {
    if (options.all) return (await runAll(options, f.ctx)) ? 0 : 1;
    await run(options, f.ctx);
    return 0;
  },
): Command {
  return addOpOptions(
    new f.commander.Command("rotate")
      .description("replace the access key in the profile's 1Password item with a new one, then delete the old key")
      .argument("[profile]", "the AWS profile whose item holds the key")
      .option("--all", "every profile with an item of its own, each item once, without questions (for cron)")
      .option("--older-than <age>", "only a key at least this old, e.g. 90d")
      .option("--dry-run", "show what would happen; change nothing")
      .option("-y, --yes", "do not ask for confirmation"),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  aws-op rotate work\n  aws-op rotate work --dry-run\n  aws-op rotate work --yes\n  aws-op rotate --all --older-than 90d    (cron: every key older than 90 days)",
    )
    .action(async (profile: string | undefined, { all, ...flags }: Partial<RotateOptions> & { all?: boolean }) => {
      requireProfilesOrAll(
        "rotate",
        { named: profile !== undefined, all },
        "aws-op rotate work, or aws-op rotate --all --older-than 90d",
      );
      await runWith(
        f,
        runF,
        profile !== undefined
          ? commandOptions<RotateOptions>(flags, { profile })
          : { all: true, ...commandOptions<RotateAllOptions>(flags) },
      );
    });
}

/** AWS: a new access key can take a few seconds to be accepted everywhere. Try for up to 20 s. */
export const VERIFY_ATTEMPTS = 10;
export const VERIFY_INTERVAL_MS = 2_000;
export const DELETE_ATTEMPTS = 3;
const DELETE_INTERVAL_MS = 2_000;

/** The IAM user name from a GetCallerIdentity ARN (arn:aws:iam::123456789012:user/path/alice -> alice). */
export function userNameFromArn(arn: string): string | undefined {
  const match = /^arn:aws[\w-]*:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match?.[1];
}

/**
 * The item exactly as `op item get` printed it (urls, tags, notes, every section and field with its purpose, the
 * built-in API Credential fields, DATE values as printed, keys aws-op does not know), with only the access key ID
 * and the secret replaced. Whether `op item edit` replaces the item with the template or merges it is not
 * documented: a template that leaves nothing out is right in both cases.
 */
export function rotatedItem(item: OpItem, oldKeys: CallerKeys, newKeys: CallerKeys): OpItem {
  const idLabels = new Set(FIELD_LABELS.accessKeyId.map(normalizeLabel));
  const secretLabels = new Set(FIELD_LABELS.secretAccessKey.map(normalizeLabel));
  let replacedId = 0;
  let replacedSecret = 0;
  const copy = structuredClone(item);
  for (const field of copy.fields) {
    const label = normalizeLabel(field.label ?? "");
    const value = (field.value ?? "").trim();
    if (idLabels.has(label) && value === oldKeys.accessKeyId) {
      field.value = newKeys.accessKeyId;
      replacedId += 1;
    } else if (secretLabels.has(label) && value === oldKeys.secretAccessKey) {
      field.value = newKeys.secretAccessKey;
      replacedSecret += 1;
    }
  }
  if (replacedId === 0 || replacedSecret === 0) {
    throw new UserError(`Could not find the access key fields to replace in 1Password item ${quoted(item.title)}.`);
  }
  return copy;
}

/** Delete every cached session (and role credentials) made from this item's keys; returns how many. */
export function clearSessionsForItem(ctx: Context, settings: ProfileSettings): number {
  return clearSessionsFor(sessionCacheFor(ctx), {
    ...(settings.profile ? { profile: settings.profile } : {}),
    item: itemIdentityOf(settings, ctx.env),
  });
}

function describeOtherKey(key: IamAccessKey): string {
  return `${maskKeyId(key.accessKeyId)} (${key.status.toLowerCase()}${key.createDate ? `, created ${key.createDate.toISOString().slice(0, 10)}` : ""})`;
}

/** What one rotate did. */
export type RotateOutcome = "rotated" | "finished" | "not-due" | "dry-run" | "cancelled";

/** --older-than: "90d", "12h", "3600" (seconds), as durations elsewhere; returns milliseconds. */
export function parseKeyAge(text: string): number {
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined) {
    throw new UserError(`--older-than "${text}" is not an age.`, {
      hint: "Use days, hours or seconds, e.g. --older-than 90d (AWS advises rotating keys every 90 days).",
    });
  }
  return seconds * 1000;
}

function formatAge(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  return days >= 1 ? `${days} day${days === 1 ? "" : "s"}` : `${Math.floor(ms / 3_600_000)} h`;
}

export async function run(options: RotateOptions, ctx: Context): Promise<RotateOutcome> {
  const minAgeMs = options.olderThan === undefined ? undefined : parseKeyAge(options.olderThan);
  const target = await openProfile(options, ctx);
  const { item, oldKeys } = await readKey(target);
  const r = await findUser(target, item, oldKeys);
  const interruptedOldKeyId = oldKeyOfInterruptedRotation(r);
  if (interruptedOldKeyId !== undefined) return finishInterruptedRotation(r, interruptedOldKeyId);
  const orphans = findOrphans(r);
  if (minAgeMs !== undefined && !isKeyDue(r, minAgeMs)) return "not-due";
  requireFreeSlot(r, orphans);
  const stopped = await showPlan(r, orphans);
  if (stopped !== undefined) return stopped;
  await deleteOrphans(r, orphans);
  const newKeys = await createKey(r);
  const written = await writeKey(r, newKeys);
  const readBack = await readBackAndCompare(r, written, newKeys);
  await verifyNewKey(r, newKeys, readBack);
  clearCachedSessions(r);
  await deleteOldKey(r, newKeys);
  ctx.stdout(
    `${escapeForTerminal(`Rotated the access key of IAM user ${r.userName} in 1Password item ${quoted(item.title)}: ${maskKeyId(oldKeys.accessKeyId)} (deleted) -> ${maskKeyId(newKeys.accessKeyId)} (active).`)}\n`,
  );
  return "rotated";
}

/** The profile being rotated and how to reach its op, STS and IAM. */
interface RotationTarget {
  options: RotateOptions;
  ctx: Context;
  settings: ProfileSettings;
  op: OpContext;
  locator: ItemLocator;
  iamCall: AwsEndpointOptions;
  stsCall: AwsEndpointOptions;
  say(text: string): void;
}

/** What every later step works on: the target, its item and key, whose key it is, and the journal. */
interface Rotation extends RotationTarget {
  item: OpItem;
  oldKeys: CallerKeys;
  identity: CallerIdentity;
  userName: string;
  /** The user's keys as IAM listed them before anything changed. */
  existingKeys: IamAccessKey[];
  journal: RotationJournal | undefined;
  journalRoot: string;
  itemId: ItemIdentity;
}

/** The profile, refused before anything runs when its rotation could not be done to the end. */
async function openProfile(options: RotateOptions, ctx: Context): Promise<RotationTarget> {
  // Before anything else: a rotate that stopped at the write would leave a new key behind.
  requireNotConnect(ctx.env, "aws-op rotate", "op item edit to store the new key");
  const { settings } = resolveProfileFor(ctx, options);
  if (!settings.item) {
    throw new UserError(`Profile "${options.profile}" has no op_item: its keys come from op_source_profile.`, {
      hint: `Rotate the source profile instead: aws-op rotate ${settings.sourceProfile ?? "<source profile>"}`,
    });
  }
  const target: RotationTarget = {
    options,
    ctx,
    settings,
    op: opContextFor(ctx, settings),
    locator: itemLocatorFor(settings),
    iamCall: awsCallOptions(ctx, settings, "IAM"),
    stsCall: awsCallOptions(ctx, settings),
    // Item titles, user names, profile names: their control characters are escaped.
    say: (text: string) => ctx.stderr(`${escapeForTerminal(text)}\n`),
  };
  // An op too old to take a template on `item edit` would fail at the write, after CreateAccessKey.
  await requireOpVersion(target.op, ROTATE_NEEDS);
  return target;
}

/** Step 1: the item and the key it holds now. */
async function readKey(target: RotationTarget): Promise<{ item: OpItem; oldKeys: CallerKeys }> {
  const item = await readItem(target.op, target.locator);
  const fields = resolveAwsFields(item);
  return { item, oldKeys: { accessKeyId: fields.accessKeyId, secretAccessKey: fields.secretAccessKey } };
}

/** Step 2: whose key it is, the user's keys, and the journal of a rotation of this item that did not finish. */
async function findUser(target: RotationTarget, item: OpItem, oldKeys: CallerKeys): Promise<Rotation> {
  const { ctx } = target;
  const identity = await ctx.sts.getCallerIdentity(oldKeys, target.stsCall);
  const userName = userNameFromArn(identity.arn);
  if (!userName) {
    throw new UserError(
      `The key in 1Password item ${quoted(item.title)} does not belong to an IAM user (${identity.arn}).`,
      {
        hint: "rotate replaces IAM user access keys; root keys and temporary credentials cannot be rotated this way.",
      },
    );
  }
  const existingKeys = await ctx.iam.listAccessKeys(oldKeys, { ...target.iamCall, userName });
  const journalRoot = sessionCacheFor(ctx).root;
  const itemId: ItemIdentity = itemIdentityOf(target.settings, ctx.env);
  const journal = readRotationJournal(journalRoot, itemId);
  return { ...target, item, oldKeys, identity, userName, existingKeys, journal, journalRoot, itemId };
}

/** Write (or, with undefined, delete) the journal; a failure to is said, not fatal. */
function recordJournal(r: Rotation, entry: RotationJournal | undefined): void {
  try {
    if (entry) writeRotationJournal(r.journalRoot, r.itemId, entry);
    else deleteRotationJournal(r.journalRoot, r.itemId);
  } catch (error) {
    r.say(
      `aws-op: could not record the rotation in progress (${errnoCode(error) ?? "error"}); if it is interrupted, check "aws iam list-access-keys --user-name ${r.userName}".`,
    );
  }
}

function deleteKey(r: Rotation, caller: CallerKeys, accessKeyId: string): Promise<boolean> {
  return deleteWithRetries(r.ctx, caller, { ...r.iamCall, userName: r.userName, accessKeyId });
}

/**
 * Journal resume: the old key ID of a rotation that was killed after the item got its new key (the key the item
 * holds now), else undefined.
 */
function oldKeyOfInterruptedRotation(r: Rotation): string | undefined {
  const { journal } = r;
  return journal?.userName === r.userName &&
    journal.newKeyId !== undefined &&
    journal.newKeyId === r.oldKeys.accessKeyId
    ? journal.oldKeyId
    : undefined;
}

/** A rotate that was killed mid-way is finished first: what is left is to check the key and delete its predecessor. */
async function finishInterruptedRotation(r: Rotation, journalOldKeyId: string): Promise<RotateOutcome> {
  const { options, oldKeys, say } = r;
  const leftover = r.existingKeys.find((k) => k.accessKeyId === journalOldKeyId);
  if (options.dryRun) {
    say(
      `An interrupted rotation stored ${maskKeyId(oldKeys.accessKeyId)} in the item${leftover ? `; rotate would now delete the old key ${maskKeyId(journalOldKeyId)}` : ""}.`,
    );
    say("Dry run: nothing was changed.");
    return "dry-run";
  }
  const works = await waitUntilKeyWorks(r.ctx, oldKeys, r.stsCall, r.identity.arn);
  if (!works.ok) {
    throw new UserError(
      `An interrupted rotation stored ${maskKeyId(oldKeys.accessKeyId)} in the item, but AWS does not accept it.`,
      { hint: "Check the key in the AWS console; the old key was left alone.", cause: works.lastError },
    );
  }
  clearSessionsForItem(r.ctx, r.settings);
  if (leftover && !(await deleteKey(r, oldKeys, leftover.accessKeyId))) {
    throw new UserError(`Could not delete the old key ${maskKeyId(journalOldKeyId)} of an interrupted rotation.`, {
      hint: `Run "aws-op rotate ${options.profile}" again, or delete it by hand (aws iam delete-access-key --user-name ${r.userName}).`,
    });
  }
  recordJournal(r, undefined);
  r.ctx.stdout(
    `${escapeForTerminal(`Finished an interrupted rotation of IAM user ${r.userName} in 1Password item ${quoted(r.item.title)}: ${maskKeyId(journalOldKeyId)} (deleted) -> ${maskKeyId(oldKeys.accessKeyId)} (active).`)}\n`,
  );
  return "finished";
}

/**
 * Keys an interrupted rotate created but never stored: their secret died with that process, so nothing can use
 * them. The journal's new key, or (killed before CreateAccessKey answered) one created after the journal.
 */
function findOrphans(r: Rotation): IamAccessKey[] {
  const { journal, oldKeys } = r;
  return journal?.userName === r.userName && journal.oldKeyId === oldKeys.accessKeyId
    ? r.existingKeys.filter(
        (k) =>
          k.accessKeyId !== oldKeys.accessKeyId &&
          (k.accessKeyId === journal.newKeyId ||
            (journal.newKeyId === undefined &&
              k.createDate !== undefined &&
              k.createDate.getTime() >= Date.parse(journal.startedAt) - CLOCK_SLACK_MS)),
      )
    : [];
}

/** --older-than: whether the key is at least that old (IAM CreateDate against ctx.now()); says which. */
function isKeyDue(r: Rotation, minAgeMs: number): boolean {
  const { oldKeys, options, say } = r;
  const created = r.existingKeys.find((k) => k.accessKeyId === oldKeys.accessKeyId)?.createDate;
  if (!created) {
    throw new UserError(`IAM did not say when ${maskKeyId(oldKeys.accessKeyId)} was created, so its age is unknown.`, {
      hint: `Rotate it without --older-than: aws-op rotate ${options.profile}`,
    });
  }
  const age = r.ctx.now().getTime() - created.getTime();
  if (age < minAgeMs) {
    say(
      `Not due: ${maskKeyId(oldKeys.accessKeyId)} is ${formatAge(age)} old (rotated when older than ${options.olderThan}).`,
    );
    return false;
  }
  say(`Due: ${maskKeyId(oldKeys.accessKeyId)} is ${formatAge(age)} old.`);
  return true;
}

/** AWS allows two keys per user: the new one needs the second slot (orphans are about to be deleted). */
function requireFreeSlot(r: Rotation, orphans: IamAccessKey[]): void {
  const existing = r.existingKeys.filter((k) => !orphans.includes(k));
  const others = existing.filter((k) => k.accessKeyId !== r.oldKeys.accessKeyId);
  if (existing.length >= 2) {
    throw new UserError(
      `IAM user ${r.userName} already has another access key besides the one in 1Password: ${others.map(describeOtherKey).join(", ")}. AWS allows two, and rotate needs the second slot.`,
      {
        hint: `If that key is unused, delete it (aws iam delete-access-key --user-name ${r.userName} --access-key-id <its full ID, from aws iam list-access-keys>), then run rotate again.`,
      },
    );
  }
}

/** --dry-run and the confirmation: the outcome when rotate stops here, undefined to go on. */
async function showPlan(r: Rotation, orphans: IamAccessKey[]): Promise<RotateOutcome | undefined> {
  const { options, ctx, say } = r;
  const cleanup = orphans.map(
    (k) => `delete ${maskKeyId(k.accessKeyId)}, which an interrupted rotation created but never stored, then `,
  );
  const plan = `Rotate the access key of IAM user ${r.userName} (${r.identity.account}) kept in 1Password item ${quoted(r.item.title)}: ${cleanup.join("")}create a new key, store it in the item, verify it, then delete ${maskKeyId(r.oldKeys.accessKeyId)}.`;
  if (options.dryRun) {
    say(plan);
    say("Dry run: nothing was changed.");
    return "dry-run";
  }
  if (!options.yes) {
    if (!ctx.isTTY.stdin || !ctx.isTTY.stderr) {
      throw new UserError("rotate asks for confirmation, but this is not a terminal.", {
        hint: `Pass --yes to rotate without asking (or --dry-run to see the plan): aws-op rotate ${options.profile} --yes`,
      });
    }
    say(plan);
    if (!(await (await ctx.prompter()).confirm("Rotate now?", false))) {
      say("Nothing was changed.");
      return "cancelled";
    }
  }
  return undefined;
}

async function deleteOrphans(r: Rotation, orphans: IamAccessKey[]): Promise<void> {
  for (const orphan of orphans) {
    await r.ctx.iam.deleteAccessKey(r.oldKeys, { ...r.iamCall, userName: r.userName, accessKeyId: orphan.accessKeyId });
    r.say(`Deleted ${maskKeyId(orphan.accessKeyId)}, which an interrupted rotation created but never stored.`);
  }
}

/** Step 3: CreateAccessKey, journaled before and after. From here until the item holds it, a failure deletes it. */
async function createKey(r: Rotation): Promise<CallerKeys> {
  const started: RotationJournal = {
    version: 1,
    userName: r.userName,
    oldKeyId: r.oldKeys.accessKeyId,
    startedAt: r.ctx.now().toISOString(),
  };
  recordJournal(r, started);
  const created = await r.ctx.iam.createAccessKey(r.oldKeys, { ...r.iamCall, userName: r.userName });
  const newKeys: CallerKeys = { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey };
  recordJournal(r, { ...started, newKeyId: newKeys.accessKeyId });
  r.say(`Created access key ${maskKeyId(newKeys.accessKeyId)}.`);
  return newKeys;
}

/** A failure before the item holds the new key: delete the new key again, then rethrow. */
async function undoCreate(r: Rotation, newKeys: CallerKeys, reason: unknown): Promise<never> {
  try {
    await r.ctx.iam.deleteAccessKey(r.oldKeys, {
      ...r.iamCall,
      userName: r.userName,
      accessKeyId: newKeys.accessKeyId,
    });
    recordJournal(r, undefined);
    r.say(`Deleted the new key ${maskKeyId(newKeys.accessKeyId)} again; the item and the old key are unchanged.`);
  } catch {
    r.say(
      `Could not delete the new key ${maskKeyId(newKeys.accessKeyId)}: delete it by hand (aws iam list-access-keys --user-name ${r.userName}; aws iam delete-access-key). The item and the old key are unchanged.`,
    );
  }
  throw reason;
}

/** Step 4: the new key into the item, through a FIFO template (never argv, never a file); returns what was written. */
async function writeKey(r: Rotation, newKeys: CallerKeys): Promise<OpItem> {
  try {
    // Inside the try: whatever fails before the item holds the new key deletes the new key again.
    const written = rotatedItem(r.item, r.oldKeys, newKeys);
    await editItem(r.op, r.locator, written);
    return written;
  } catch (error) {
    return undoCreate(r, newKeys, error);
  }
}

/** Step 5: read back and compare: never delete the old key on op's word alone. Returns the item read back. */
async function readBackAndCompare(r: Rotation, written: OpItem, newKeys: CallerKeys): Promise<OpItem> {
  const { oldKeys, userName } = r;
  let readBack: OpItem;
  try {
    readBack = await readItem(r.op, r.locator);
  } catch (error) {
    throw afterWrite(error, "could not read the item back", newKeys, oldKeys, userName);
  }
  const stored = resolveAwsFields(readBack);
  if (stored.accessKeyId !== newKeys.accessKeyId || stored.secretAccessKey !== newKeys.secretAccessKey) {
    throw afterWrite(undefined, "the item read back does not hold the new key", newKeys, oldKeys, userName);
  }
  // Everything else must be as it was: urls, tags, notes, sections, every field (the one-time password above all).
  const lost = itemDifferences(written, readBack);
  if (lost.length > 0) {
    throw afterWrite(
      undefined,
      `the item read back differs from what was written (${lost.slice(0, 5).join("; ")})`,
      newKeys,
      oldKeys,
      userName,
    );
  }
  r.say(`Stored ${maskKeyId(newKeys.accessKeyId)} in 1Password item ${quoted(r.item.title)}.`);
  return readBack;
}

/**
 * Step 6: GetCallerIdentity with the new key (retrying: IAM is eventually consistent). When it never works, the old
 * key goes back into the item and the new one is deleted: the old key still works.
 */
async function verifyNewKey(r: Rotation, newKeys: CallerKeys, readBack: OpItem): Promise<void> {
  const { oldKeys, userName } = r;
  const works = await waitUntilKeyWorks(r.ctx, newKeys, r.stsCall, r.identity.arn);
  if (!works.ok) {
    try {
      await editItem(r.op, r.locator, rotatedItem(readBack, newKeys, oldKeys));
      await r.ctx.iam.deleteAccessKey(oldKeys, { ...r.iamCall, userName, accessKeyId: newKeys.accessKeyId });
      recordJournal(r, undefined);
    } catch (error) {
      throw afterWrite(
        error,
        "the new key did not work within 20 s, and restoring the old key failed",
        newKeys,
        oldKeys,
        userName,
      );
    }
    throw new UserError(
      `The new key ${maskKeyId(newKeys.accessKeyId)} was not accepted by AWS within 20 s; the old key ${maskKeyId(oldKeys.accessKeyId)} is back in the item and the new key was deleted.`,
      { hint: "Try again in a minute.", cause: works.lastError },
    );
  }
  r.say(`Verified ${maskKeyId(newKeys.accessKeyId)} with STS GetCallerIdentity.`);
}

/** Step 7: sessions made from the old key must not outlive it in the cache. */
function clearCachedSessions(r: Rotation): void {
  const cleared = clearSessionsForItem(r.ctx, r.settings);
  if (cleared > 0) r.say(`Removed ${cleared} cached session${cleared === 1 ? "" : "s"}.`);
}

/** Step 8: the old key goes last (retried); then the journal is done. */
async function deleteOldKey(r: Rotation, newKeys: CallerKeys): Promise<void> {
  const { oldKeys } = r;
  if (!(await deleteKey(r, newKeys, oldKeys.accessKeyId))) {
    throw new UserError(
      `Rotated: 1Password item ${quoted(r.item.title)} now holds ${maskKeyId(newKeys.accessKeyId)}, but the old key ${maskKeyId(oldKeys.accessKeyId)} could not be deleted and is still active.`,
      {
        hint: `Run "aws-op rotate ${r.options.profile}" again to finish, or by hand: aws-op exec ${r.options.profile} -- aws iam delete-access-key --user-name ${r.userName} --access-key-id <the key ending in ${oldKeys.accessKeyId.slice(-4)}> (see aws iam list-access-keys).`,
      },
    );
  }
  recordJournal(r, undefined);
}

export interface RotateAllOptions {
  dryRun?: boolean;
  olderThan?: string;
  opTimeout?: string;
  opCli?: string;
}

const OUTCOME_TEXT: Record<RotateOutcome, string> = {
  rotated: "rotated",
  finished: "finished an interrupted rotation",
  "not-due": "not due",
  "dry-run": "dry run: would rotate",
  cancelled: "not rotated",
};

/**
 * `rotate --all`: the steps of `run` for every profile with an op_item of its own (role profiles hold no key), each
 * item once, without questions. One failure does not stop the others. Returns false when any failed.
 */
export async function runAll(options: RotateAllOptions, ctx: Context): Promise<boolean> {
  if (options.olderThan !== undefined) parseKeyAge(options.olderThan);
  const files = readFilesFor(ctx);
  const rotatedBy = new Map<string, string>();
  const rows: string[][] = [];
  let failed = false;
  for (const profile of listProfileNames(files)) {
    if (!readProfileValues(files, profile)?.op_item?.trim()) continue;
    const opFlags = {
      ...(options.opTimeout ? { opTimeout: options.opTimeout } : {}),
      ...(options.opCli ? { opCli: options.opCli } : {}),
    };
    let item = "";
    try {
      const { settings } = resolveProfileFor(ctx, { profile, ...opFlags });
      item = settings.item ?? "";
      // Two profiles on one item hold one key: it is rotated once.
      const identity = JSON.stringify(itemIdentityOf(settings, ctx.env));
      const earlier = rotatedBy.get(identity);
      if (earlier !== undefined) {
        rows.push([profile, item, `same item as ${earlier}`]);
        continue;
      }
      rotatedBy.set(identity, profile);
      ctx.stderr(`aws-op rotate ${escapeForTerminal(profile)}:\n`);
      const outcome = await run(
        {
          profile,
          yes: true,
          ...(options.dryRun ? { dryRun: true } : {}),
          ...(options.olderThan !== undefined ? { olderThan: options.olderThan } : {}),
          ...opFlags,
        },
        ctx,
      );
      rows.push([profile, item, OUTCOME_TEXT[outcome]]);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      failed = true;
      ctx.stderr(
        `aws-op: ${escapeForTerminal(error.message)}\n${error.hint ? `  ${escapeForTerminal(error.hint)}\n` : ""}`,
      );
      rows.push([profile, item, `failed: ${error.message}`]);
    }
  }
  if (rows.length === 0) {
    throw new UserError("No profile in the AWS config has an op_item to rotate.", {
      hint: 'Run "aws-op list" to see the profiles aws-op serves.',
    });
  }
  ctx.stdout(formatTable(["PROFILE", "ITEM", "RESULT"], rows));
  return !failed;
}

/** Clocks differ: IAM's CreateDate of a key made just after the journal may read a little earlier. */
const CLOCK_SLACK_MS = 5 * 60_000;

/** GetCallerIdentity with the key until it works as the same user (new keys take seconds to be accepted). */
async function waitUntilKeyWorks(
  ctx: Context,
  keys: CallerKeys,
  sts: AwsEndpointOptions,
  expectedArn: string,
): Promise<{ ok: boolean; lastError?: unknown }> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= VERIFY_ATTEMPTS; attempt++) {
    try {
      const who = await ctx.sts.getCallerIdentity(keys, sts);
      if (who.arn !== expectedArn) throw new UserError(`The new key belongs to ${who.arn}, not ${expectedArn}.`);
      return { ok: true };
    } catch (error) {
      lastError = error;
      if (attempt < VERIFY_ATTEMPTS) await ctx.sleep(VERIFY_INTERVAL_MS);
    }
  }
  return { ok: false, lastError };
}

async function deleteWithRetries(
  ctx: Context,
  caller: CallerKeys,
  options: { region: string; endpoint?: string; userName: string; accessKeyId: string },
): Promise<boolean> {
  for (let attempt = 1; attempt <= DELETE_ATTEMPTS; attempt++) {
    try {
      await ctx.iam.deleteAccessKey(caller, options);
      return true;
    } catch {
      if (attempt < DELETE_ATTEMPTS) await ctx.sleep(DELETE_INTERVAL_MS);
    }
  }
  return false;
}

/** A failure after the item was written: both keys are active; say which one the item should hold. */
function afterWrite(
  cause: unknown,
  what: string,
  newKeys: CallerKeys,
  oldKeys: CallerKeys,
  userName: string,
): UserError {
  return new UserError(
    `Rotation stopped after writing the item: ${what}. Both keys are still active: old ${maskKeyId(oldKeys.accessKeyId)}, new ${maskKeyId(newKeys.accessKeyId)}.`,
    {
      hint: `Check the item in 1Password: if it holds the new key, delete the old one (aws iam delete-access-key --user-name ${userName}); otherwise delete the new one.`,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
