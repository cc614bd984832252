// The emulated commands. `runCommand` maps argv to the text `op` prints on stdout, or throws the OpError the
// real CLI would print; op.ts owns the process (stdin, latency, failure modes, exit codes).
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { type ParsedArgs, parseArgv, verifyFlagsAllowed } from "./argv.js";
import {
  CREATE_NEEDS_CATEGORY,
  EDIT_NEEDS_CHANGES,
  INVALID_ASSIGNMENT_DASH,
  SERVICE_ACCOUNT_NEEDS_VAULT,
  WHOAMI_NO_ACCOUNT,
  NOT_SIGNED_IN,
  OpError,
  fakeOpProblem,
  unknownCommand,
  wrongArgumentCount,
} from "./errors.js";
import { type FailureMode, sessionFailure } from "./failures.js";
import { newOpId } from "./ids.js";
import { type ItemTemplate, NOTES_FIELD, normalizeCategory, parseItemTemplate } from "./item-template.js";
import { type ItemJson, renderItem, renderItemHuman, renderOverview, renderTable, toJsonOutput } from "./item-view.js";
import { findItem, findVault, noAccountsError, selectAccount } from "./lookup.js";
import { parseSecretReference, resolveSecretReference } from "./secret-reference.js";
import { type StdinKind, isFifoKind } from "./stdin.js";
import { type FakeOpStore, type StoreAccount, type StoreItem, readStore, updateStore } from "./store.js";
import { currentOtpCode } from "./totp.js";

export const OP_VERSION = "2.32.0";

export interface OpContext {
  env: Readonly<Record<string, string | undefined>>;
  /** FAKE_OP_STORE; only `--version` and help work without it. */
  storePath: string | undefined;
  /** The clock for OTP codes and timestamps (FAKE_OP_NOW or the real time). */
  now: Date;
  stdinKind: StdinKind;
  readStdin: () => Promise<string>;
  failureMode: FailureMode | undefined;
}

interface Invocation {
  args: ParsedArgs;
  /** Positionals after the command words. */
  operands: string[];
  ctx: OpContext;
}

interface CommandSpec {
  flags: readonly string[];
  run: (invocation: Invocation) => string | Promise<string>;
}

const USAGE = [
  "1Password CLI (fake-op test double) provides commands to manage your items.",
  "",
  "Usage:  op [command] [flags]",
  "",
  "Emulated: whoami, account list, vault list, item list|get|create|edit|delete, read, inject, --version.",
  "",
].join("\n");

/** Real `op` commands the double does not emulate: say so instead of pretending they are unknown. */
const NOT_EMULATED = [
  "completion",
  "connect",
  "document",
  "events-api",
  "group",
  "plugin",
  "run",
  "service-account",
  "signin",
  "signout",
  "update",
  "user",
];

const COMMANDS: Record<string, Record<string, CommandSpec> | CommandSpec> = {
  whoami: { flags: [], run: whoami },
  read: { flags: ["no-newline", "out-file", "force", "file-mode"], run: read },
  inject: { flags: ["in-file", "out-file", "force", "file-mode"], run: inject },
  account: {
    list: { flags: [], run: accountList },
    ls: { flags: [], run: accountList },
  },
  vault: {
    list: { flags: [], run: vaultList },
    ls: { flags: [], run: vaultList },
  },
  item: {
    list: { flags: ["vault", "categories", "tags", "include-archive", "long"], run: itemList },
    ls: { flags: ["vault", "categories", "tags", "include-archive", "long"], run: itemList },
    get: { flags: ["vault", "fields", "otp", "reveal", "include-archive"], run: itemGet },
    create: { flags: ["vault", "category", "title", "template", "tags", "url", "dry-run", "reveal"], run: itemCreate },
    edit: { flags: ["vault", "title", "template", "tags", "url", "dry-run", "reveal"], run: itemEdit },
    delete: { flags: ["vault", "archive"], run: itemDelete },
    rm: { flags: ["vault", "archive"], run: itemDelete },
  },
};

function isCommandSpec(value: Record<string, CommandSpec> | CommandSpec): value is CommandSpec {
  return typeof (value as CommandSpec).run === "function";
}

export async function runCommand(argv: readonly string[], ctx: OpContext): Promise<string> {
  const args = parseArgv(argv);
  const [first, second, ...rest] = args.positionals;
  if (first === undefined) {
    if (args.booleans.get("version") === true) return `${ctx.env.FAKE_OP_VERSION || OP_VERSION}\n`;
    return USAGE;
  }
  if (args.booleans.get("help") === true) return USAGE;
  if (NOT_EMULATED.includes(first)) throw fakeOpProblem(`"op ${first}" is not emulated by the test double`);
  const entry = COMMANDS[first];
  if (!entry) throw unknownCommand(first, "op");
  let spec: CommandSpec;
  let operands: string[];
  if (isCommandSpec(entry)) {
    spec = entry;
    operands = second === undefined ? [] : [second, ...rest];
  } else {
    if (second === undefined) return USAGE;
    const sub = entry[second];
    if (!sub) throw unknownCommand(second, `op ${first}`);
    spec = sub;
    operands = rest;
  }
  verifyFlagsAllowed(args, spec.flags);
  if (isConnect(ctx.env)) verifyConnectCall(isCommandSpec(entry) ? first : `${first} ${second ?? ""}`, args, ctx);
  return spec.run({ args, operands, ctx });
}

// --- 1Password Connect (OP_CONNECT_HOST) ---

function isConnect(env: OpContext["env"]): boolean {
  return (env.OP_CONNECT_HOST ?? "") !== "";
}

/** Facts: through the CLI, Connect serves only read, inject, run and `item get --format json`. */
const CONNECT_COMMANDS = ["read", "inject", "item get"];

/**
 * What a call through Connect may do. Where the facts are silent the double is strict: a Connect server has no
 * accounts (so `--account` is refused) and reads items vault by vault (so `item get` needs `--vault`). All texts
 * here are fake wording: the real ones are undocumented.
 */
function verifyConnectCall(command: string, args: ParsedArgs, ctx: OpContext): void {
  const name = command === "item ls" ? "item list" : command;
  if (!CONNECT_COMMANDS.includes(name)) {
    throw new OpError(`"op ${name}" is not supported when using 1Password Connect (OP_CONNECT_HOST is set)`);
  }
  if ((ctx.env.OP_CONNECT_TOKEN ?? "") === "") {
    throw new OpError("OP_CONNECT_TOKEN must be set when OP_CONNECT_HOST is set");
  }
  if (args.values.has("account")) throw new OpError("--account cannot be used with 1Password Connect");
  if (name === "item get") {
    if (!args.values.has("vault"))
      throw new OpError("a vault must be specified with --vault when using 1Password Connect");
    const format = args.values.get("format") ?? ctx.env.OP_FORMAT;
    if (format !== "json") throw new OpError('1Password Connect supports "op item get" only with --format json');
  }
}

// --- Shared helpers ---

function isJson(invocation: Invocation): boolean {
  const format = invocation.args.values.get("format") ?? invocation.ctx.env.OP_FORMAT ?? "human";
  if (format !== "json" && format !== "human") throw new OpError(`invalid output format "${format}"`);
  return format === "json";
}

function epochSeconds(ctx: OpContext): number {
  return Math.floor(ctx.now.getTime() / 1000);
}

/** `2026-01-02T10:00:00Z`: the CLI prints whole seconds. */
function timestamp(ctx: OpContext): string {
  return ctx.now.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function loadStore(ctx: OpContext): FakeOpStore {
  if (ctx.storePath === undefined) throw fakeOpProblem("FAKE_OP_STORE is not set: point it at a store JSON file");
  return readStore(ctx.storePath);
}

function accountFilter(invocation: Invocation): string | undefined {
  return invocation.args.values.get("account") ?? invocation.ctx.env.OP_ACCOUNT;
}

/**
 * The checks a real command makes before it can talk to 1Password: an account, a session, no failure. Through
 * Connect there is neither: the server serves the vaults of the store's first account.
 */
function requireSession(store: FakeOpStore, invocation: Invocation): StoreAccount {
  if (isConnect(invocation.ctx.env)) {
    const failure = sessionFailure(invocation.ctx.failureMode);
    if (failure) throw failure;
    const served = store.accounts[0];
    if (!served) throw fakeOpProblem("store: Connect serves the first account's vaults, and there is none");
    return served;
  }
  if (invocation.ctx.failureMode === "no-accounts" || store.accounts.length === 0) throw noAccountsError();
  const account = selectAccount(store, accountFilter(invocation));
  const failure = sessionFailure(invocation.ctx.failureMode);
  if (failure) throw failure;
  if (!store.signedIn) throw new OpError(NOT_SIGNED_IN);
  return account;
}

function openSession(invocation: Invocation): StoreAccount {
  return requireSession(loadStore(invocation.ctx), invocation);
}

/** Runs `change` on the selected account under the store lock, saving the result. */
function changeStore<T>(invocation: Invocation, change: (account: StoreAccount) => T): T {
  const path = invocation.ctx.storePath;
  if (path === undefined) throw fakeOpProblem("FAKE_OP_STORE is not set: point it at a store JSON file");
  return updateStore(path, (store) => change(requireSession(store, invocation)));
}

function requireOperands(invocation: Invocation, count: number): void {
  if (invocation.operands.length !== count) throw wrongArgumentCount(count, invocation.operands.length);
}

function splitList(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

/** Reads a file the way Go reports failures (`open PATH: no such file or directory`). Works on a FIFO too. */
function readInputFile(path: string): string {
  try {
    return readFileSync(resolve(path), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OpError(`open ${path}: ${code === "ENOENT" ? "no such file or directory" : (code ?? "read error")}`);
  }
}

/** Writes with the CLI's default mode 0600 (or --file-mode) and reports the written path, as `op read -o` does. */
function writeOutputFile(invocation: Invocation, content: string): string {
  const path = resolve(invocation.args.values.get("out-file") ?? "");
  const modeText = invocation.args.values.get("file-mode") ?? "0600";
  const mode = Number.parseInt(modeText, 8);
  if (Number.isNaN(mode)) throw new OpError(`invalid file mode "${modeText}"`);
  writeFileSync(path, content, { mode });
  return `${path}\n`;
}

// --- whoami, account list, vault list ---

function whoami(invocation: Invocation): string {
  requireOperands(invocation, 0);
  const store = loadStore(invocation.ctx);
  // Facts: `whoami` with no config says `no account found for filter ` (an empty filter).
  if (invocation.ctx.failureMode === "no-accounts" || store.accounts.length === 0) {
    throw new OpError(WHOAMI_NO_ACCOUNT);
  }
  const account = requireSession(store, invocation);
  const json = {
    url: `https://${account.url}`,
    email: account.email,
    user_uuid: account.user_uuid,
    account_uuid: account.account_uuid,
    user_type: account.user_type ?? "HUMAN",
  };
  if (isJson(invocation)) return toJsonOutput(json);
  return [
    `URL:          ${json.url}`,
    `Email:        ${json.email}`,
    `User ID:      ${json.user_uuid}`,
    `User Type:    ${json.user_type}`,
    "",
  ].join("\n");
}

/** Reads local configuration only: no session, no prompt, so session failures do not apply. */
function accountList(invocation: Invocation): string {
  requireOperands(invocation, 0);
  const store = loadStore(invocation.ctx);
  const accounts = invocation.ctx.failureMode === "no-accounts" ? [] : store.accounts;
  const json = accounts.map((account) => ({
    url: account.url,
    email: account.email,
    user_uuid: account.user_uuid,
    account_uuid: account.account_uuid,
    shorthand: account.shorthand,
  }));
  if (isJson(invocation)) return toJsonOutput(json);
  if (json.length === 0) return "";
  return renderTable(
    ["SHORTHAND", "URL", "EMAIL", "USER ID"],
    json.map((account) => [account.shorthand, account.url, account.email, account.user_uuid]),
  );
}

function vaultList(invocation: Invocation): string {
  requireOperands(invocation, 0);
  const account = openSession(invocation);
  const json = account.vaults.map((vault) => ({
    id: vault.id,
    name: vault.name,
    content_version: vault.items.reduce((sum, item) => sum + item.version, 0),
    created_at: vault.created_at ?? "2024-01-01T00:00:00Z",
    updated_at: vault.updated_at ?? vault.created_at ?? "2024-01-01T00:00:00Z",
  }));
  if (isJson(invocation)) return toJsonOutput(json);
  return renderTable(
    ["ID", "NAME"],
    json.map((vault) => [vault.id, vault.name]),
  );
}

// --- item list / get ---

/** Facts: "Service accounts must pass `--vault`" (they cannot search across vaults). */
function verifyServiceAccountVault(invocation: Invocation, account: StoreAccount): void {
  const serviceAccount = account.user_type === "SERVICE_ACCOUNT" || !!invocation.ctx.env.OP_SERVICE_ACCOUNT_TOKEN;
  if (serviceAccount && !invocation.args.values.has("vault")) throw new OpError(SERVICE_ACCOUNT_NEEDS_VAULT);
}

function itemList(invocation: Invocation): string {
  requireOperands(invocation, 0);
  const account = openSession(invocation);
  verifyServiceAccountVault(invocation, account);
  const vaultQuery = invocation.args.values.get("vault");
  const vaults = vaultQuery === undefined ? account.vaults : [findVault(account, vaultQuery)];
  const categories = splitList(invocation.args.values.get("categories")).map(normalizeCategory);
  const tags = splitList(invocation.args.values.get("tags"));
  const includeArchive = invocation.args.booleans.get("include-archive") === true;
  const json = vaults.flatMap((vault) =>
    vault.items
      .filter((item) => includeArchive || item.archived !== true)
      .filter((item) => categories.length === 0 || categories.includes(item.category))
      .filter((item) => tags.length === 0 || tags.some((tag) => item.tags?.includes(tag)))
      .map((item) => renderOverview(vault, item)),
  );
  if (isJson(invocation)) return toJsonOutput(json);
  return renderTable(
    ["ID", "TITLE", "VAULT", "EDITED"],
    json.map((item) => [item.id, item.title, item.vault.name, item.updated_at]),
  );
}

/**
 * `--fields label=a,type=otp,b`: the matching fields, in item order. JSON: one field prints as an object, several
 * as an array; otherwise values joined with commas.
 */
function selectFields(item: ItemJson, selectors: string[], json: boolean): string {
  const fields = item.fields ?? [];
  const selected = fields.filter((field) =>
    selectors.some((selector) => {
      const [key, ...valueParts] = selector.split("=");
      const hasKey = valueParts.length > 0 && (key === "label" || key === "type");
      const wanted = (hasKey ? valueParts.join("=") : selector).toLowerCase();
      return key === "type" && hasKey ? field.type.toLowerCase() === wanted : field.label.toLowerCase() === wanted;
    }),
  );
  if (selected.length === 0) {
    // Fake wording: the real text is undocumented.
    throw new OpError(`"${selectors.join(",")}" isn't a field in the "${item.title}" item`);
  }
  if (json) return toJsonOutput(selected.length === 1 ? selected[0] : selected);
  return `${selected.map((field) => (field.type === "OTP" ? (field.totp ?? "") : (field.value ?? ""))).join(",")}\n`;
}

function itemGet(invocation: Invocation): string {
  requireOperands(invocation, 1);
  const account = openSession(invocation);
  verifyServiceAccountVault(invocation, account);
  const { args, ctx } = invocation;
  const vaultQuery = args.values.get("vault");
  const { vault, item } = findItem(account, invocation.operands[0] ?? "", {
    ...(vaultQuery === undefined ? {} : { vault: vaultQuery }),
    includeArchive: args.booleans.get("include-archive") === true,
  });
  if (args.booleans.get("otp") === true) {
    const otpField = (item.fields ?? []).find((field) => field.type === "OTP" && field.value !== undefined);
    const code = otpField?.value === undefined ? undefined : currentOtpCode(otpField.value, epochSeconds(ctx));
    // Fake wording: the real text is undocumented.
    if (code === undefined) throw new OpError(`item "${item.title}" doesn't have a one-time password field`);
    return `${code}\n`;
  }
  const rendered = renderItem(vault, item, epochSeconds(ctx));
  const fieldSelectors = splitList(args.values.get("fields"));
  if (fieldSelectors.length > 0) return selectFields(rendered, fieldSelectors, isJson(invocation));
  if (isJson(invocation)) return toJsonOutput(rendered);
  return renderItemHuman(rendered, args.booleans.get("reveal") === true);
}

// --- item create / edit / delete ---

/**
 * The template from `--template FILE` (a FIFO path works too), else from stdin when `-` is given or stdin is
 * connected. Like the real CLI, stdin counts only when it is a FIFO: a redirected file or a socket pair is ignored
 * without a word, which is what makes `op item create - < t.json` fail with the misleading category error.
 */
async function readTemplate(invocation: Invocation, operands: string[]): Promise<ItemTemplate | undefined> {
  const file = invocation.args.values.get("template");
  if (file !== undefined) return parseItemTemplate(readInputFile(file));
  const { stdinKind } = invocation.ctx;
  const wantsStdin = operands.includes("-") || (stdinKind !== "tty" && stdinKind !== "none");
  if (!wantsStdin || !isFifoKind(stdinKind)) return undefined;
  const text = await invocation.ctx.readStdin();
  if (text.trim() === "") return undefined;
  return parseItemTemplate(text);
}

/**
 * Assignment statements put values on the command line; the double refuses them so tests notice. `item create`
 * takes a lone `-` (read the template from stdin); `item edit` does not: real op parses every operand after ITEM
 * as an assignment statement, and `-` is not one.
 */
function verifyNoAssignments(operands: string[], options: { allowDash: boolean }): void {
  if (!options.allowDash && operands.includes("-")) throw new OpError(INVALID_ASSIGNMENT_DASH);
  if (operands.some((operand) => operand !== "-")) {
    throw fakeOpProblem("assignment statements are not emulated: use a JSON template (--template or a FIFO on stdin)");
  }
}

function itemUrls(invocation: Invocation, template: ItemTemplate | undefined): StoreItem["urls"] {
  const url = invocation.args.values.get("url");
  if (url !== undefined) return [{ label: "website", primary: true, href: url }];
  return template?.urls;
}

function itemTags(invocation: Invocation, template: ItemTemplate | undefined): string[] | undefined {
  const tags = invocation.args.values.get("tags");
  return tags === undefined ? template?.tags : splitList(tags);
}

function outputItem(invocation: Invocation, vault: { id: string; name: string }, item: StoreItem): string {
  const rendered = renderItem({ ...vault, items: [] }, item, epochSeconds(invocation.ctx));
  if (isJson(invocation)) return toJsonOutput(rendered);
  return renderItemHuman(rendered, invocation.args.booleans.get("reveal") === true);
}

async function itemCreate(invocation: Invocation): Promise<string> {
  const { args, ctx } = invocation;
  verifyNoAssignments(invocation.operands, { allowDash: true });
  openSession(invocation);
  const template = await readTemplate(invocation, invocation.operands);
  const categoryFlag = args.values.get("category");
  const category = categoryFlag === undefined ? template?.category : normalizeCategory(categoryFlag);
  if (category === undefined) throw new OpError(CREATE_NEEDS_CATEGORY);
  const fields = template?.fields ?? [];
  const item: StoreItem = {
    id: newOpId(),
    title: args.values.get("title") ?? (template?.title || "Untitled Item"),
    version: 1,
    category,
    created_at: timestamp(ctx),
    updated_at: timestamp(ctx),
  };
  const tags = itemTags(invocation, template);
  if (tags !== undefined && tags.length > 0) item.tags = tags;
  const urls = itemUrls(invocation, template);
  if (urls !== undefined && urls.length > 0) item.urls = urls;
  if (template && template.sections.length > 0) item.sections = template.sections;
  // Every item has a notes field, first.
  item.fields = fields.some((field) => field.purpose === "NOTES") ? fields : [{ ...NOTES_FIELD }, ...fields];
  const vaultQuery = args.values.get("vault");
  const dryRun = args.booleans.get("dry-run") === true;
  const vault = changeStore(invocation, (account) => {
    const target = vaultQuery === undefined ? account.vaults[0] : findVault(account, vaultQuery);
    if (!target) throw new OpError("no vault available to create the item in: specify the vault with --vault");
    if (!dryRun) target.items.push(item);
    return { id: target.id, name: target.name };
  });
  return outputItem(invocation, vault, item);
}

async function itemEdit(invocation: Invocation): Promise<string> {
  const { args, ctx } = invocation;
  const [query, ...rest] = invocation.operands;
  if (query === undefined) throw wrongArgumentCount(1, 0);
  verifyNoAssignments(rest, { allowDash: false });
  openSession(invocation);
  const template = await readTemplate(invocation, rest);
  const title = args.values.get("title");
  const tags = args.values.get("tags");
  const url = args.values.get("url");
  if (!template && title === undefined && tags === undefined && url === undefined) {
    throw new OpError(EDIT_NEEDS_CHANGES);
  }
  const vaultQuery = args.values.get("vault");
  const dryRun = args.booleans.get("dry-run") === true;
  const { vault, item } = changeStore(invocation, (account) => {
    const found = findItem(account, query, vaultQuery === undefined ? {} : { vault: vaultQuery });
    if (template?.category !== undefined && template.category !== found.item.category) {
      // Fake wording: the real text is undocumented; the apps cannot change an item's category either.
      throw new OpError("an item's category cannot be changed");
    }
    const edited: StoreItem = template ? applyTemplate(found.item, template, editMode(ctx)) : { ...found.item };
    if (title !== undefined) edited.title = title;
    const newTags = itemTags(invocation, undefined);
    if (newTags !== undefined) edited.tags = newTags;
    const newUrls = itemUrls(invocation, undefined);
    if (newUrls !== undefined) edited.urls = newUrls;
    edited.version = found.item.version + 1;
    edited.updated_at = timestamp(ctx);
    if (!dryRun) found.vault.items[found.vault.items.indexOf(found.item)] = edited;
    return { vault: { id: found.vault.id, name: found.vault.name }, item: edited };
  });
  return outputItem(invocation, vault, item);
}

/**
 * FAKE_OP_EDIT: how a template on `item edit` changes the item. The facts leave it open, so the double can do
 * both: "replace" (the default, the stricter one): the item becomes the template, and whatever the template leaves
 * out (a field, a section, the notes, the tags, the urls) is gone; "merge": template fields replace the fields with
 * the same ID, other fields and sections stay, tags and urls change only when the template has them.
 */
function editMode(ctx: OpContext): "replace" | "merge" {
  const mode = ctx.env.FAKE_OP_EDIT ?? "";
  if (mode === "" || mode === "replace") return "replace";
  if (mode === "merge") return "merge";
  throw fakeOpProblem(`unknown FAKE_OP_EDIT mode "${mode}" (known: replace, merge)`);
}

function applyTemplate(item: StoreItem, template: ItemTemplate, mode: "replace" | "merge"): StoreItem {
  const edited: StoreItem = { ...item };
  if (template.title) edited.title = template.title;
  if (mode === "replace") {
    for (const key of ["sections", "fields", "tags", "urls"] as const) delete edited[key];
    if (template.sections.length > 0) edited.sections = template.sections;
    if (template.fields.length > 0) edited.fields = template.fields;
    if (template.tags !== undefined && template.tags.length > 0) edited.tags = template.tags;
    if (template.urls !== undefined && template.urls.length > 0) edited.urls = template.urls;
    return edited;
  }
  const sections = [...(item.sections ?? [])];
  for (const section of template.sections) {
    const at = sections.findIndex((candidate) => candidate.id === section.id);
    if (at === -1) sections.push(section);
    else sections[at] = section;
  }
  const fields = [...(item.fields ?? [])];
  for (const field of template.fields) {
    const at = fields.findIndex((candidate) => candidate.id === field.id);
    if (at === -1) fields.push(field);
    else fields[at] = field;
  }
  if (sections.length > 0) edited.sections = sections;
  if (fields.length > 0) edited.fields = fields;
  if (template.tags !== undefined) edited.tags = template.tags;
  if (template.urls !== undefined) edited.urls = template.urls;
  return edited;
}

function itemDelete(invocation: Invocation): string {
  requireOperands(invocation, 1);
  openSession(invocation);
  const vaultQuery = invocation.args.values.get("vault");
  const archive = invocation.args.booleans.get("archive") === true;
  changeStore(invocation, (account) => {
    const found = findItem(
      account,
      invocation.operands[0] ?? "",
      vaultQuery === undefined ? {} : { vault: vaultQuery },
    );
    if (archive) found.item.archived = true;
    else found.vault.items.splice(found.vault.items.indexOf(found.item), 1);
  });
  return "";
}

// --- read / inject ---

function read(invocation: Invocation): string {
  requireOperands(invocation, 1);
  const reference = parseSecretReference(invocation.operands[0] ?? "");
  const account = openSession(invocation);
  const value = resolveSecretReference(account, reference, epochSeconds(invocation.ctx));
  const output = invocation.args.booleans.get("no-newline") === true ? value : `${value}\n`;
  if (invocation.args.values.has("out-file")) return writeOutputFile(invocation, output);
  return output;
}

const TEMPLATE_REFERENCE = /\{\{\s*(op:\/\/[^}]*?)\s*\}\}/g;

/** Replaces every `{{ op://... }}`; the first reference that fails aborts the whole injection. */
async function inject(invocation: Invocation): Promise<string> {
  requireOperands(invocation, 0);
  const inFile = invocation.args.values.get("in-file");
  const { stdinKind } = invocation.ctx;
  if (inFile === undefined && (stdinKind === "tty" || stdinKind === "none")) {
    throw new OpError("expected data on stdin but none found: pipe a template in or pass --in-file");
  }
  const template = inFile === undefined ? await invocation.ctx.readStdin() : readInputFile(inFile);
  const references = [...template.matchAll(TEMPLATE_REFERENCE)].map((match) => parseSecretReference(match[1] ?? ""));
  const account = openSession(invocation);
  const values = references.map((reference) =>
    resolveSecretReference(account, reference, epochSeconds(invocation.ctx)),
  );
  let index = 0;
  const output = template.replace(TEMPLATE_REFERENCE, () => values[index++] ?? "");
  if (invocation.args.values.has("out-file")) return writeOutputFile(invocation, output);
  return output;
}
