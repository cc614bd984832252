// Helpers for tests that use the fake `op`: build stores with AWS items in both layouts users have, point the
// double at them through FAKE_OP_* variables, and read back the call log.
//
//   const { storePath, logPath } = createTempStore(makeStore({ items: [scriptRecipeItem({ title: "AWS work", ... })] }));
//   spawn("aws-op", [...], { env: { ...process.env, PATH: pathWithFakeOp(), ...env({ store: storePath, log: logPath }) } });
//   expect(readCallLog(logPath).map((call) => call.argv)).toEqual([...]);
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fakeOpBuildOptions } from "./build-options.mjs";
import type { CallLogEntry } from "./call-log.js";
import type { FailureMode } from "./failures.js";
import { newOpId } from "./ids.js";
import type { FakeOpStore, ItemField, ItemSection, StoreAccount, StoreItem, StoreVault } from "./store.js";
import { readStore, writeStore } from "./store.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

export type { CallLogEntry } from "./call-log.js";
export { FAILURE_MODES, type FailureMode } from "./failures.js";
export type { FakeOpStore, ItemField, ItemSection, StoreAccount, StoreItem, StoreVault } from "./store.js";
export { currentOtpCode, decodeBase32, totp } from "./totp.js";
export { newOpId, readStore, writeStore };

/** The repository root: the nearest folder above this file with a package.json (this file may be bundled). */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return join(start, "..", "..");
  }
}
export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
const here = join(repoRoot, "test", "fake-op");
/** Put this first on PATH (see pathWithFakeOp). */
export const fakeOpBinDir = join(repoRoot, "test-dist", "bin");
export const fakeOpPath = join(fakeOpBinDir, "op");

/** A well-known base32 TOTP secret for tests (RFC 6238 examples use "12345678901234567890" = this in base32). */
export const RFC6238_SECRET_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

// --- Items ---

export interface AwsItemSpec {
  title: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Optional `mfa_serial` / `MFA Serial` field (an ARN). */
  mfaSerial?: string;
  /** Base32 TOTP secret: adds the OTP field (an otpauth:// URI). */
  totpSecret?: string;
  /** Shell-plugin layout only: the `Default Region` field. */
  defaultRegion?: string;
  id?: string;
  version?: number;
  category?: string;
  archived?: boolean;
  tags?: string[];
  createdAt?: string;
  updatedAt?: string;
}

export function otpauthUri(secret: string, account = "aws"): string {
  return `otpauth://totp/${encodeURIComponent(`Amazon Web Services:${account}`)}?secret=${secret}&issuer=Amazon%20Web%20Services`;
}

function baseItem(spec: AwsItemSpec): StoreItem {
  const item: StoreItem = {
    id: spec.id ?? newOpId(),
    title: spec.title,
    version: spec.version ?? 1,
    category: spec.category ?? "API_CREDENTIAL",
    created_at: spec.createdAt ?? "2026-01-02T10:00:00Z",
    updated_at: spec.updatedAt ?? spec.createdAt ?? "2026-01-02T10:00:00Z",
  };
  if (spec.archived) item.archived = true;
  if (spec.tags) item.tags = spec.tags;
  return item;
}

const NOTES: ItemField = { id: "notesPlain", type: "STRING", purpose: "NOTES", label: "notesPlain" };

/**
 * Layout (a), the shell-script recipe: section labelled `AWS` with `aws_access_key_id` (STRING),
 * `aws_secret_access_key` (CONCEALED), optional `mfa_serial` (STRING); the OTP field `one-time password` in the
 * app's default "add more" section, exactly like the facts file's example item.
 */
export function scriptRecipeItem(spec: AwsItemSpec): StoreItem {
  const aws: ItemSection = { id: newOpId(), label: "AWS" };
  const inAws = { id: aws.id, label: "AWS" };
  const sections: ItemSection[] = [];
  const fields: ItemField[] = [
    { ...NOTES },
    { id: newOpId(), section: inAws, type: "STRING", label: "aws_access_key_id", value: spec.accessKeyId },
    { id: newOpId(), section: inAws, type: "CONCEALED", label: "aws_secret_access_key", value: spec.secretAccessKey },
  ];
  if (spec.mfaSerial !== undefined) {
    fields.push({ id: newOpId(), section: inAws, type: "STRING", label: "mfa_serial", value: spec.mfaSerial });
  }
  if (spec.totpSecret !== undefined) {
    sections.push({ id: "add more" });
    fields.push({
      id: `TOTP_${newOpId()}`,
      section: { id: "add more" },
      type: "OTP",
      label: "one-time password",
      value: otpauthUri(spec.totpSecret),
    });
  }
  sections.push(aws);
  return { ...baseItem(spec), sections, fields };
}

/**
 * Layout (b), the 1Password AWS shell plugin: `Access Key ID`, `Secret Access Key`, optional `Default Region`,
 * `One-Time Password` (OTP) and `MFA Serial`, with no section (`section: "none"`, the default) or in the default
 * "add more" section.
 */
export function shellPluginItem(spec: AwsItemSpec & { section?: "none" | "add more" }): StoreItem {
  const section = spec.section === "add more" ? { section: { id: "add more" } } : {};
  const fields: ItemField[] = [
    { ...NOTES },
    { id: newOpId(), ...section, type: "STRING", label: "Access Key ID", value: spec.accessKeyId },
    { id: newOpId(), ...section, type: "CONCEALED", label: "Secret Access Key", value: spec.secretAccessKey },
  ];
  if (spec.defaultRegion !== undefined) {
    fields.push({ id: newOpId(), ...section, type: "STRING", label: "Default Region", value: spec.defaultRegion });
  }
  if (spec.totpSecret !== undefined) {
    fields.push({
      id: `TOTP_${newOpId()}`,
      ...section,
      type: "OTP",
      label: "One-Time Password",
      value: otpauthUri(spec.totpSecret),
    });
  }
  if (spec.mfaSerial !== undefined) {
    fields.push({ id: newOpId(), ...section, type: "STRING", label: "MFA Serial", value: spec.mfaSerial });
  }
  const item = { ...baseItem(spec), fields };
  return spec.section === "add more" ? { ...item, sections: [{ id: "add more" }] } : item;
}

/**
 * A "lived-in" API Credential item, as the app makes it and people fill it in: the built-in fields (facts: "API
 * Credential items carry built-in fields besides yours": notesPlain, username, credential, type, filename,
 * validFrom / expires as DATE epoch seconds, hostname), notes, tags, urls, the AWS section of the script recipe,
 * the one-time password, and another section with fields of other types. A rotate must leave all of it as it was.
 */
export function livedInItem(spec: AwsItemSpec): StoreItem {
  const aws: ItemSection = { id: "h5x3kfpk6hq7b2ewpr5pbd2tqq", label: "AWS" };
  const extra: ItemSection = { id: "q2ns7y4kzb5fj3xm6gw2hrlc4e", label: "Contacts & links" };
  const fields: ItemField[] = [
    { id: "notesPlain", type: "STRING", purpose: "NOTES", label: "notesPlain", value: "Owner: platform team.\nLine 2" },
    { id: "username", type: "STRING", label: "username", value: "ci-deployer" },
    { id: "credential", type: "CONCEALED", label: "credential", value: "unrelated-api-token" },
    { id: "type", type: "MENU", label: "type", value: "other" },
    { id: "filename", type: "STRING", label: "filename" },
    { id: "validFrom", type: "DATE", label: "valid from", value: "1767225600" },
    { id: "expires", type: "DATE", label: "expires", value: "1798761600" },
    { id: "hostname", type: "STRING", label: "hostname", value: "signin.aws.amazon.com" },
    {
      id: "yy3qzwxk2fqpbcxjhc7knq5jhm",
      section: aws,
      type: "STRING",
      label: "aws_access_key_id",
      value: spec.accessKeyId,
    },
    {
      id: "b6ckl3rn5c4u7kcbzhd2wh7s4u",
      section: aws,
      type: "CONCEALED",
      label: "aws_secret_access_key",
      value: spec.secretAccessKey,
    },
    {
      id: "m3ghq2c5nq7lrb6vwd4ktx2sfa",
      section: aws,
      type: "STRING",
      label: "mfa_serial",
      value: spec.mfaSerial ?? "",
    },
    { id: "e7dkq4m2fz3wna5pbx6lcr2hjy", section: extra, type: "EMAIL", label: "owner", value: "ops@example.com" },
    { id: "t4hx2wq7cn5mfk3zrb6jdl2vpe", section: extra, type: "PHONE", label: "on call", value: "+1 555 0100" },
    {
      id: "w9ck3fq2mh5tzn7lbx4rdj6vsa",
      section: extra,
      type: "URL",
      label: "runbook",
      value: "https://wiki.example.com/aws",
    },
    { id: "p5jz2kq7rw3nxh6mcf4tbl2dga", section: extra, type: "MONTH_YEAR", label: "review", value: "202712" },
    { id: "r8mw4cq2jn5hzk7tfx3lbd6ves", section: extra, type: "STRING", purpose: "USERNAME", label: "login" },
  ];
  const sections: ItemSection[] = [aws, extra];
  if (spec.totpSecret !== undefined) {
    sections.unshift({ id: "add more" });
    fields.push({
      id: "TOTP_f2wpkncl5l6lm2qhuhkvpaxl4y",
      section: { id: "add more" },
      type: "OTP",
      label: "one-time password",
      value: otpauthUri(spec.totpSecret),
    });
  }
  for (const field of fields) if (field.value === "") delete field.value;
  return {
    ...baseItem(spec),
    tags: spec.tags ?? ["aws", "prod/eu"],
    urls: [
      { label: "console", primary: true, href: "https://123456789012.signin.aws.amazon.com/console" },
      { label: "docs", href: "https://docs.aws.amazon.com/" },
    ],
    additional_information: spec.accessKeyId.slice(0, 8),
    sections,
    fields,
  };
}

// --- Vaults, accounts, stores ---

export function makeVault(name: string, items: StoreItem[] = [], id: string = newOpId()): StoreVault {
  return { id, name, items };
}

export function makeAccount(overrides: Partial<StoreAccount> = {}): StoreAccount {
  return {
    shorthand: "my",
    url: "my.1password.com",
    email: "dev@example.com",
    user_uuid: "JQ5EXAMPLEUSERUUID7ABCDEFG",
    account_uuid: "ZR3EXAMPLEACCOUNTUUID2ABCD",
    vaults: [makeVault("Private")],
    ...overrides,
  };
}

/**
 * A store with one account (`my`, dev@example.com) holding the vaults given, or one vault (`vault`, default
 * `Private`) holding `items`. Pass `accounts` for several accounts.
 */
export function makeStore(
  options: {
    items?: StoreItem[];
    vault?: string;
    vaults?: StoreVault[];
    accounts?: StoreAccount[];
    signedIn?: boolean;
  } = {},
): FakeOpStore {
  const vaults = options.vaults ?? [makeVault(options.vault ?? "Private", options.items ?? [])];
  return { signedIn: options.signedIn ?? true, accounts: options.accounts ?? [makeAccount({ vaults })] };
}

export interface TempStore {
  dir: string;
  storePath: string;
  /** Where FAKE_OP_LOG should point (not created until the first call). */
  logPath: string;
}

/** A fresh private temp directory holding `store.json`. */
export function createTempStore(store: FakeOpStore = makeStore()): TempStore {
  const dir = makeTempDir("fake-op-");
  const storePath = join(dir, "store.json");
  writeStore(storePath, store);
  return { dir, storePath, logPath: join(dir, "calls.jsonl") };
}

// --- Environment ---

export interface FakeOpEnvOptions {
  /** FAKE_OP_STORE: the store file. */
  store: string;
  /** FAKE_OP_LOG: append one JSON line per call. */
  log?: string;
  /** FAKE_OP_LATENCY_MS: sleep before answering (the real CLI takes 0.5-1.5 s). */
  latencyMs?: number;
  /** FAKE_OP_FAIL: a failure mode. */
  fail?: FailureMode;
  /** FAKE_OP_FAIL_ON: fail only calls whose argv, joined with spaces, starts with this (e.g. "item create"). */
  failOn?: string;
  /** FAKE_OP_NOW: epoch seconds for OTP codes and timestamps. */
  now?: number;
  /** FAKE_OP_EDIT: a template on `item edit` replaces the item (default, strict) or merges into it. */
  editMode?: "replace" | "merge";
  /** FAKE_OP_VERSION: what `op --version` prints (default 2.32.0). */
  version?: string;
  /** FAKE_OP_EXIT_CODE: the exit code of failing calls (default: 1, or the error's own, e.g. 4 for api-error). */
  exitCode?: number;
}

/** The FAKE_OP_* variables for these options (merge into a child's env; does not touch PATH). */
export function env(options: FakeOpEnvOptions): Record<string, string> {
  const out: Record<string, string> = { FAKE_OP_STORE: options.store };
  if (options.log !== undefined) out.FAKE_OP_LOG = options.log;
  if (options.latencyMs !== undefined) out.FAKE_OP_LATENCY_MS = String(options.latencyMs);
  if (options.fail !== undefined) out.FAKE_OP_FAIL = options.fail;
  if (options.failOn !== undefined) out.FAKE_OP_FAIL_ON = options.failOn;
  if (options.now !== undefined) out.FAKE_OP_NOW = String(options.now);
  if (options.editMode !== undefined) out.FAKE_OP_EDIT = options.editMode;
  if (options.version !== undefined) out.FAKE_OP_VERSION = options.version;
  if (options.exitCode !== undefined) out.FAKE_OP_EXIT_CODE = String(options.exitCode);
  return out;
}

/** PATH with the fake `op` first. */
export function pathWithFakeOp(basePath: string = process.env.PATH ?? ""): string {
  return basePath === "" ? fakeOpBinDir : `${fakeOpBinDir}${delimiter}${basePath}`;
}

/** The calls recorded in FAKE_OP_LOG, oldest first; [] when `op` was never run. */
export function readCallLog(path: string): CallLogEntry[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as CallLogEntry);
}

// --- Running and building the double ---

export interface FakeOpRun {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** Runs the built double synchronously (for tests of the double itself and quick checks). */
export function runFakeOp(
  argv: string[],
  options: { env: Record<string, string>; input?: string; cwd?: string },
): FakeOpRun {
  const result = spawnSync(fakeOpPath, argv, {
    env: { PATH: process.env.PATH ?? "", ...options.env },
    input: options.input ?? "",
    cwd: options.cwd ?? repoRoot,
    encoding: "utf8",
    timeout: 20_000,
  });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/**
 * Runs the built double asynchronously. `stdin` is what the child gets as fd 0: "pipe" (Node's default, a socket
 * pair on Linux, fed with `input`), "ignore" (/dev/null) or an open file descriptor.
 */
export function runFakeOpAsync(
  argv: string[],
  options: { env: Record<string, string>; stdin?: "pipe" | "ignore" | number; input?: string; cwd?: string },
): Promise<FakeOpRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(fakeOpPath, argv, {
      env: { PATH: process.env.PATH ?? "", ...options.env },
      stdio: [options.stdin ?? "pipe", "pipe", "pipe"],
      cwd: options.cwd ?? repoRoot,
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolvePromise({ stdout, stderr, status }));
    if (child.stdin) child.stdin.end(options.input ?? "");
  });
}

function newestSourceTime(): number {
  return Math.max(
    ...readdirSync(here)
      .filter((name) => /\.(ts|mjs)$/.test(name))
      .map((name) => statSync(join(here, name)).mtimeMs),
  );
}

/**
 * Makes sure test-dist/bin/op exists and is newer than test/fake-op/*.ts, bundling it with esbuild as
 * scripts/build.mjs does (build-options.mjs) when not (so the double's tests run even while the product bundle does not build).
 * Writes a sibling and renames it, so a parallel test never executes half a file.
 */
export async function ensureFakeOpBuilt(): Promise<string> {
  if (existsSync(fakeOpPath) && statSync(fakeOpPath).mtimeMs >= newestSourceTime()) return fakeOpPath;
  const { build } = await import("esbuild");
  mkdirSync(fakeOpBinDir, { recursive: true });
  const temporary = `${fakeOpPath}.${process.pid}.tmp`;
  await build(fakeOpBuildOptions(join(here, "op.ts"), temporary));
  chmodSync(temporary, 0o755);
  renameSync(temporary, fakeOpPath);
  return fakeOpPath;
}
