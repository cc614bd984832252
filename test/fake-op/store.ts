// The fake's whole world: accounts, their vaults and items, kept in one JSON file named by FAKE_OP_STORE.
// Items are stored in the shape `op item get --format json` prints, minus what the fake derives on output
// (`vault`, field `reference`, OTP `totp`); those keys are accepted and ignored, so real output can be pasted in.
import { mkdirSync, readFileSync, renameSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { fakeOpProblem } from "./errors.js";

export interface FakeOpStore {
  /** false: every command that needs a session fails with the "not signed in" error. */
  signedIn: boolean;
  /** The first account is the default one (the last `op signin`). */
  accounts: StoreAccount[];
}

export interface StoreAccount {
  shorthand: string;
  /** Sign-in address without scheme, e.g. `my.1password.com`. */
  url: string;
  email: string;
  user_uuid: string;
  account_uuid: string;
  /** `whoami` user_type; defaults to HUMAN. */
  user_type?: "HUMAN" | "SERVICE_ACCOUNT";
  vaults: StoreVault[];
}

export interface StoreVault {
  /** 26 lowercase base32 characters, like every 1Password UUID. */
  id: string;
  name: string;
  created_at?: string;
  updated_at?: string;
  items: StoreItem[];
}

export interface ItemSection {
  id: string;
  label?: string;
}

export interface ItemField {
  id: string;
  /** STRING, CONCEALED, OTP, EMAIL, URL, DATE, MONTH_YEAR, PHONE, MENU, REFERENCE, ... */
  type: string;
  /** USERNAME, PASSWORD or NOTES. */
  purpose?: string;
  label: string;
  /** Absent when the field is empty. OTP fields hold `otpauth://totp/...?secret=BASE32` (or a bare secret). */
  value?: string;
  section?: ItemSection;
}

export interface ItemUrl {
  label?: string;
  primary?: boolean;
  href: string;
}

export interface StoreItem {
  id: string;
  title: string;
  version: number;
  /** Output category, e.g. API_CREDENTIAL, LOGIN. */
  category: string;
  created_at: string;
  updated_at: string;
  last_edited_by?: string;
  additional_information?: string;
  tags?: string[];
  urls?: ItemUrl[];
  /** Fake-only: the item is in the Archive (ignored by title lookups and lists). */
  archived?: boolean;
  sections?: ItemSection[];
  fields?: ItemField[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireString(value: Json, key: string, where: string): string {
  const found = value[key];
  if (typeof found !== "string") throw fakeOpProblem(`store: ${where}.${key} must be a string`);
  return found;
}

function optionalString(value: Json, key: string, where: string): string | undefined {
  const found = value[key];
  if (found === undefined) return undefined;
  if (typeof found !== "string") throw fakeOpProblem(`store: ${where}.${key} must be a string`);
  return found;
}

function requireArray(value: Json, key: string, where: string): unknown[] {
  const found = value[key];
  if (!Array.isArray(found)) throw fakeOpProblem(`store: ${where}.${key} must be an array`);
  return found;
}

function parseSection(value: unknown, where: string): ItemSection {
  if (!isObject(value)) throw fakeOpProblem(`store: ${where} must be an object`);
  const label = optionalString(value, "label", where);
  return { id: requireString(value, "id", where), ...(label === undefined ? {} : { label }) };
}

function parseField(value: unknown, where: string): ItemField {
  if (!isObject(value)) throw fakeOpProblem(`store: ${where} must be an object`);
  const field: ItemField = {
    id: requireString(value, "id", where),
    type: requireString(value, "type", where),
    label: optionalString(value, "label", where) ?? "",
  };
  const purpose = optionalString(value, "purpose", where);
  if (purpose !== undefined) field.purpose = purpose;
  const fieldValue = optionalString(value, "value", where);
  if (fieldValue !== undefined) field.value = fieldValue;
  if (value.section !== undefined) field.section = parseSection(value.section, `${where}.section`);
  return field;
}

function parseItem(value: unknown, where: string): StoreItem {
  if (!isObject(value)) throw fakeOpProblem(`store: ${where} must be an object`);
  const version = value.version ?? 1;
  if (typeof version !== "number") throw fakeOpProblem(`store: ${where}.version must be a number`);
  const item: StoreItem = {
    id: requireString(value, "id", where),
    title: requireString(value, "title", where),
    version,
    category: requireString(value, "category", where),
    created_at: optionalString(value, "created_at", where) ?? "2024-01-01T00:00:00Z",
    updated_at: optionalString(value, "updated_at", where) ?? "2024-01-01T00:00:00Z",
  };
  for (const key of ["last_edited_by", "additional_information"] as const) {
    const text = optionalString(value, key, where);
    if (text !== undefined) item[key] = text;
  }
  if (value.tags !== undefined) {
    item.tags = requireArray(value, "tags", where).map((tag) => {
      if (typeof tag !== "string") throw fakeOpProblem(`store: ${where}.tags must hold strings`);
      return tag;
    });
  }
  if (value.urls !== undefined) {
    item.urls = requireArray(value, "urls", where).map((url, index) => {
      const at = `${where}.urls[${index}]`;
      if (!isObject(url)) throw fakeOpProblem(`store: ${at} must be an object`);
      const label = optionalString(url, "label", at);
      return {
        href: requireString(url, "href", at),
        ...(label === undefined ? {} : { label }),
        ...(url.primary === true ? { primary: true } : {}),
      };
    });
  }
  if (value.archived === true) item.archived = true;
  if (value.sections !== undefined) {
    item.sections = requireArray(value, "sections", where).map((section, index) =>
      parseSection(section, `${where}.sections[${index}]`),
    );
  }
  if (value.fields !== undefined) {
    item.fields = requireArray(value, "fields", where).map((field, index) =>
      parseField(field, `${where}.fields[${index}]`),
    );
  }
  return item;
}

function parseVault(value: unknown, where: string): StoreVault {
  if (!isObject(value)) throw fakeOpProblem(`store: ${where} must be an object`);
  const vault: StoreVault = {
    id: requireString(value, "id", where),
    name: requireString(value, "name", where),
    items: requireArray(value, "items", where).map((item, index) => parseItem(item, `${where}.items[${index}]`)),
  };
  const created = optionalString(value, "created_at", where);
  if (created !== undefined) vault.created_at = created;
  const updated = optionalString(value, "updated_at", where);
  if (updated !== undefined) vault.updated_at = updated;
  return vault;
}

function parseAccount(value: unknown, where: string): StoreAccount {
  if (!isObject(value)) throw fakeOpProblem(`store: ${where} must be an object`);
  const userType = value.user_type;
  if (userType !== undefined && userType !== "HUMAN" && userType !== "SERVICE_ACCOUNT") {
    throw fakeOpProblem(`store: ${where}.user_type must be HUMAN or SERVICE_ACCOUNT`);
  }
  return {
    shorthand: requireString(value, "shorthand", where),
    url: requireString(value, "url", where)
      .replace(/^https?:\/\//i, "")
      .replace(/\/+$/, ""),
    email: requireString(value, "email", where),
    user_uuid: requireString(value, "user_uuid", where),
    account_uuid: requireString(value, "account_uuid", where),
    ...(userType === undefined ? {} : { user_type: userType }),
    vaults: requireArray(value, "vaults", where).map((vault, index) => parseVault(vault, `${where}.vaults[${index}]`)),
  };
}

/** Validates a parsed store document; throws an OpError naming the first problem. */
export function parseStore(value: unknown): FakeOpStore {
  if (!isObject(value)) throw fakeOpProblem("store: the document must be a JSON object");
  const signedIn = value.signedIn ?? true;
  if (typeof signedIn !== "boolean") throw fakeOpProblem("store: signedIn must be a boolean");
  return {
    signedIn,
    accounts: requireArray(value, "accounts", "store").map((account, index) =>
      parseAccount(account, `accounts[${index}]`),
    ),
  };
}

export function readStore(path: string): FakeOpStore {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw fakeOpProblem(`cannot read the store file ${path}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // The parser's message may quote the file, and the file holds secrets: say only where.
    throw fakeOpProblem(`the store file ${path} is not valid JSON`);
  }
  return parseStore(document);
}

/** Atomic replace (write a sibling, rename), so a concurrent reader never sees half a store. */
export function writeStore(path: string, store: FakeOpStore): void {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

function sleepSync(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

const LOCK_STALE_MS = 10_000;

/**
 * Read-modify-write under a lock directory, so parallel `op item create` calls (tests run several) don't lose
 * updates. A lock older than LOCK_STALE_MS is left over from a killed process and is broken.
 */
export function updateStore<T>(path: string, change: (store: FakeOpStore) => T): T {
  const lock = `${path}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmdirSync(lock);
      } catch {
        // Released between mkdir and stat: just retry.
      }
      sleepSync(10);
    }
  }
  try {
    const store = readStore(path);
    const result = change(store);
    writeStore(path, store);
    return result;
  } finally {
    rmdirSync(lock);
  }
}
