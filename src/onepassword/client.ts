// One function per question aws-op asks 1Password. Each runs op once with an argument array and parses its JSON.
import {
  accountListArgs,
  itemCreateArgs,
  itemEditArgs,
  itemGetArgs,
  itemListArgs,
  vaultListArgs,
  whoamiArgs,
  type ItemLocator,
} from "./args.js";
import { isConnect, requireNotConnect } from "./connect.js";
import { parseOpItem, type OpItem } from "./item.js";
import { UserError } from "../errors.js";
import { readOpErrorMessage, toOpError } from "./op-errors.js";
import {
  UPDATE_HINT,
  formatNeed,
  formatVersion,
  isAtLeast,
  parseOpVersion,
  type OpVersion,
  type VersionNeed,
} from "./version.js";
import type { OpResult, OpRunner } from "./run-op.js";
import { quoted } from "../ui/terminal-text.js";

export interface OpContext {
  run: OpRunner;
  /** op executable (op_cli / AWS_OP_CLI / --op-cli), default "op". */
  cli: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

export const DEFAULT_OP_TIMEOUT_MS = 50_000;

/** Run op and insist on success: a non-zero exit, or exit 0 with an [ERROR] and no output, is a typed error. */
export async function runOpChecked(
  op: OpContext,
  args: string[],
  context: { action: string; item?: string; vault?: string; account?: string },
  stdinFd?: number,
): Promise<OpResult> {
  const result = await op.run({
    cli: op.cli,
    args,
    env: op.env,
    timeoutMs: op.timeoutMs,
    ...(stdinFd === undefined ? {} : { stdinFd }),
  });
  const failed =
    result.exitCode !== 0 || (result.stdout.trim() === "" && readOpErrorMessage(result.stderr) !== undefined);
  if (failed) throw toOpError(result.stderr, context, result);
  return result;
}

/** `op item get`: every field of the item in one call. */
export async function readItem(op: OpContext, locator: ItemLocator): Promise<OpItem> {
  // 1Password service accounts cannot search across vaults: op refuses `item get` without --vault for them.
  if (op.env.OP_SERVICE_ACCOUNT_TOKEN && !locator.vault) {
    throw new UserError(
      `1Password service accounts must name the vault of item ${quoted(locator.item)} (OP_SERVICE_ACCOUNT_TOKEN is set).`,
      { hint: "Set op_vault in the profile (or pass --vault) to the vault the service account can read." },
    );
  }
  let scoped = locator;
  if (isConnect(op.env)) {
    // A Connect server reads items vault by vault, and has no accounts: --account means nothing to it.
    if (!locator.vault) {
      throw new UserError(
        `1Password Connect needs the vault of item ${quoted(locator.item)} (OP_CONNECT_HOST is set).`,
        {
          hint: "Set op_vault in the profile (or pass --vault) to a vault the Connect server's token can read.",
        },
      );
    }
    scoped = { item: locator.item, vault: locator.vault };
  }
  const result = await runOpChecked(op, itemGetArgs(scoped), {
    action: `reading item ${quoted(locator.item)}`,
    ...scoped,
  });
  return parseOpItem(result.stdout);
}

/** A field of an item template: the same shape as `op item get` output, minus what op assigns. */
export interface TemplateField {
  id?: string;
  section?: { id: string; label?: string };
  type: "STRING" | "CONCEALED" | "OTP" | "URL" | "EMAIL";
  label: string;
  value: string;
  purpose?: string;
}

export interface ItemTemplate {
  title: string;
  category: string;
  sections: { id: string; label?: string }[];
  fields: TemplateField[];
}

async function runWithTemplate(
  op: OpContext,
  args: string[],
  template: object,
  context: { action: string; item?: string; vault?: string; account?: string },
): Promise<OpItem> {
  // Loaded here: it needs child_process, which the cached path of `aws-op process` never loads.
  const { openTemplatePipe } = await import("./template-pipe.js");
  const pipe = openTemplatePipe(JSON.stringify(template), op.env);
  try {
    const result = await runOpChecked(op, args, context, pipe.fd);
    return parseOpItem(result.stdout);
  } finally {
    pipe.dispose();
  }
}

/** `op item create` with the template on stdin (a FIFO): the secret never reaches argv or a file. */
export async function createItem(
  op: OpContext,
  locator: { vault: string; account?: string },
  template: ItemTemplate,
): Promise<OpItem> {
  requireNotConnect(op.env, "Creating a 1Password item", "op item create");
  return runWithTemplate(op, itemCreateArgs(locator), template, {
    action: `creating item ${quoted(template.title)}`,
    item: template.title,
    ...locator,
  });
}

/**
 * `op item edit ITEM` with the whole item on stdin, in the shape `op item get` printed it (the documented way:
 * `op item get X --format json`, change it, pipe it to `op item edit X`). Whether op replaces the item with the
 * template or merges it in is not documented: sending everything it printed, changed only where meant, is right
 * either way. Callers read the item back and compare (itemDifferences).
 */
export async function editItem(op: OpContext, locator: ItemLocator, item: OpItem): Promise<OpItem> {
  requireNotConnect(op.env, "Editing a 1Password item", "op item edit");
  return runWithTemplate(op, itemEditArgs(locator), item, {
    action: `updating item ${quoted(locator.item)}`,
    ...locator,
  });
}

function parseJsonArray(stdout: string, what: string): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.trim() === "" ? "[]" : stdout);
  } catch {
    throw new UserError(`The 1Password CLI returned output that is not valid JSON while listing ${what}.`);
  }
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === "object" && x !== null)) {
    throw new UserError(`The 1Password CLI returned an unexpected answer while listing ${what}.`);
  }
  return parsed as Record<string, unknown>[];
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

export interface ItemOverview {
  id: string;
  title: string;
  category: string;
  vault: { id: string; name: string };
}

export async function listItems(op: OpContext, locator: { vault?: string; account?: string }): Promise<ItemOverview[]> {
  requireNotConnect(op.env, "Listing 1Password items", "op item list");
  const result = await runOpChecked(op, itemListArgs(locator), { action: "listing items", ...locator });
  return parseJsonArray(result.stdout, "items").map((x) => {
    const vault = (typeof x.vault === "object" && x.vault !== null ? x.vault : {}) as Record<string, unknown>;
    return {
      id: str(x.id),
      title: str(x.title),
      category: str(x.category),
      vault: { id: str(vault.id), name: str(vault.name) },
    };
  });
}

export async function listVaults(
  op: OpContext,
  locator: { account?: string },
): Promise<{ id: string; name: string }[]> {
  requireNotConnect(op.env, "Listing 1Password vaults", "op vault list");
  const result = await runOpChecked(op, vaultListArgs(locator), { action: "listing vaults", ...locator });
  return parseJsonArray(result.stdout, "vaults").map((x) => ({ id: str(x.id), name: str(x.name) }));
}

export interface AccountOverview {
  url: string;
  email: string;
  user_uuid: string;
  account_uuid: string;
  shorthand: string;
}

export async function listAccounts(op: OpContext): Promise<AccountOverview[]> {
  requireNotConnect(op.env, "Listing 1Password accounts", "op account list");
  const result = await runOpChecked(op, accountListArgs(), { action: "listing accounts" });
  return parseJsonArray(result.stdout, "accounts").map((x) => ({
    url: str(x.url),
    email: str(x.email),
    user_uuid: str(x.user_uuid),
    account_uuid: str(x.account_uuid),
    shorthand: str(x.shorthand),
  }));
}

export async function whoami(op: OpContext, locator: { account?: string }): Promise<{ url: string; email: string }> {
  requireNotConnect(op.env, "Checking the 1Password sign-in", "op whoami");
  const result = await runOpChecked(op, whoamiArgs(locator), { action: "checking the 1Password sign-in", ...locator });
  const parsed = parseJsonArray(`[${result.stdout.trim() || "{}"}]`, "the signed-in account")[0] ?? {};
  return { url: str(parsed.url), email: str(parsed.email) };
}

/** `op --version`, e.g. "2.32.0". */
export async function readOpVersion(op: OpContext): Promise<string> {
  const result = await runOpChecked(op, ["--version"], { action: "reading the op version" });
  return result.stdout.trim();
}

/** `op --version`, then a UserError naming the version needed and the fix when op is older (or says no version). */
export async function requireOpVersion(op: OpContext, need: VersionNeed): Promise<OpVersion> {
  const text = await readOpVersion(op);
  const version = parseOpVersion(text);
  if (version && isAtLeast(version, need.min)) return version;
  const found = version ? formatVersion(version) : `"${text.slice(0, 40)}" (not a version)`;
  throw new UserError(
    `aws-op ${need.what} needs 1Password CLI ${formatNeed(need.min)} or later (${need.why}); ${op.cli} is ${found}.`,
    { hint: UPDATE_HINT },
  );
}
