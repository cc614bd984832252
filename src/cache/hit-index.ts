// The hit index: how the cached path (src/cli-cached.ts, dist/cli.js) finds a fresh session without reading the
// AWS files, parsing them, resolving the profile or building its chain (issue 14: those cost more than the rest of
// a warm `aws-op process`, and every byte of code they need is pre-parsed before every AWS command).
//
// When the full CLI serves `aws-op process` from a caching chain (a hit or a fetch), it records what the answer
// depended on: the argv, every environment variable the resolution read (through a recording proxy, so nothing
// the code reads can be missed), the home directory, the user name if it was asked for, and the stamp of each AWS
// file read (device, inode, size, mtime and ctime in nanoseconds, from fstat on the descriptor that was read; the
// stamp of a missing file is "missing"). It writes them with the session's cache key to `index/NAME.json` in the
// cache directory (NAME: a hash of the argv and the environment variables most likely to differ between shells,
// so that each keeps its own entry). The cached path reads that entry, checks each input again (argv, variables,
// home, user name, one stat per file) and, when all agree, serves the session under that key if it is fresh:
// exactly what resolving would have found, since the resolution is a function of those inputs. Anything else (no
// entry, a difference, a stale or missing session, any error) goes to the full CLI, which resolves and writes the
// entry anew.
//
// A file changed twice within one tick of the file system's clock keeps its stamp (git calls this "racily clean"):
// with 1 s or 2 s stamps (ext4 with 128-byte inodes, HFS+, FAT, some NFS) a same-size edit in the second after the
// read would be served from the old entry. So a file whose last change is less than RACY_MARGIN_MS before the read
// (or after it) is not indexed; the next run after that indexes it. The last change is the later of mtime and
// ctime: `cp -p`, `touch -d`, rsync or a restored backup set mtime back, but every change sets ctime to the current
// time, and nothing but the system clock can set it back. Values of variables whose names suggest a secret
// (OP_SERVICE_ACCOUNT_TOKEN, say) are kept only as a digest. An entry also records the build of aws-op that wrote it:
// resolution is a function of those inputs for one build, and another build (an upgrade, a downgrade) may resolve
// the same files differently (refuse a profile this one served, say), so it never serves another build's entries.
import { readFileSync, rmSync, statSync } from "node:fs";
import { sep } from "node:path";
import type { FileStamp } from "../config/bounded-read.js";
import { fileStampOf } from "../config/bounded-read.js";
import type { Context } from "../context.js";
import { cacheLocation, underCacheRoot } from "./paths.js";
import { ensurePrivateDirectory, readPrivateJson, writeFileAtomic } from "./private-files.js";
import { isCacheEntry, isEntryFresh, sessionFilePath, type CacheEntry } from "./session-cache.js";
import { sha256Hex } from "./sha256.js";

export const HIT_INDEX_DIRECTORY = "index";

/** Above any file system's timestamp granularity (FAT's 2 s included). */
export const RACY_MARGIN_MS = 3_000;

declare const AWS_OP_BUILD: string | undefined;
/** This build of aws-op (a digest of its sources, set by scripts/build.mjs); "source" when run from src/. */
export const HIT_INDEX_BUILD = typeof AWS_OP_BUILD === "string" ? AWS_OP_BUILD : "source";

/** An entry is a few hundred bytes. */
const MAX_ENTRY_BYTES = 64 * 1024;

/**
 * Variables that go into an entry's file name as well: two shells that differ in one of them (AWS_REGION set in one)
 * keep an entry each instead of replacing each other's. Only a matter of speed: the entry records and checks every
 * variable the resolution read, listed here or not.
 */
const NAMING_ENV = [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_STS",
  "AWS_OP_CLI",
  "AWS_OP_TIMEOUT",
  "AWS_OP_CACHE_DIR",
  "XDG_CACHE_HOME",
  "OP_ACCOUNT",
  "OP_CONNECT_HOST",
];

/** Names whose values the index keeps only as a digest (never a token in a file; a proxy URL may hold a password). */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|SESSION|KEY|PROXY/i;

const digestOf = (value: string): string => sha256Hex(`aws-op hit index\0${value}`);

interface IndexedFile {
  path: string;
  stamp: FileStamp | "missing";
}

export interface HitIndexEntry {
  version: 1;
  /** The build of aws-op that wrote it (HIT_INDEX_BUILD). */
  build: string;
  argv: string[];
  /** The cache directory the session is in. */
  root: string;
  home: string;
  userName?: string;
  /** Every variable the resolution read: its value, or null when it was unset. */
  env: Record<string, string | null>;
  /** The same for secret-looking names, as digestOf(value). */
  envDigests: Record<string, string | null>;
  files: IndexedFile[];
  /** The session's cache key (sessions/KEY.json). */
  key: string;
}

function isStamp(value: unknown): value is FileStamp | "missing" {
  if (value === "missing") return true;
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return ["dev", "ino", "size", "mtimeNs", "ctimeNs"].every((name) => typeof v[name] === "string");
}

const isNullableStringRecord = (value: unknown): value is Record<string, string | null> =>
  typeof value === "object" && value !== null && Object.values(value).every((v) => v === null || typeof v === "string");

function isHitIndexEntry(value: unknown): value is HitIndexEntry {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    typeof v.build === "string" &&
    Array.isArray(v.argv) &&
    v.argv.every((a) => typeof a === "string") &&
    typeof v.root === "string" &&
    typeof v.home === "string" &&
    (v.userName === undefined || typeof v.userName === "string") &&
    isNullableStringRecord(v.env) &&
    isNullableStringRecord(v.envDigests) &&
    Array.isArray(v.files) &&
    v.files.every((f: unknown) => {
      const file = f as Record<string, unknown> | null;
      return typeof file === "object" && file !== null && typeof file.path === "string" && isStamp(file.stamp);
    }) &&
    typeof v.key === "string" &&
    /^[0-9a-f]{40}$/.test(v.key)
  );
}

/**
 * A 64-bit hash of a file name's inputs (two multiply-xorshift lanes, as in bryc's cyrb53). Not a digest: two inputs
 * with the same name only take turns at one entry (each entry records and checks its inputs), and sha256Hex costs
 * most of a millisecond on the cached path, where this costs a few microseconds.
 */
function nameHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, "0") + (h1 >>> 0).toString(16).padStart(8, "0");
}

/** The entry's file for this argv and environment. */
export function hitIndexPath(root: string, argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const naming = JSON.stringify([argv, NAMING_ENV.map((name) => env[name] ?? null)]);
  return `${underCacheRoot(root, HIT_INDEX_DIRECTORY)}${sep}${nameHash(naming)}.json`;
}

function sameStamp(path: string, recorded: FileStamp | "missing"): boolean {
  // Follows links as the read did (open), and sees what a reader would open now.
  const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
  if (stat === undefined) return recorded === "missing";
  if (recorded === "missing" || !stat.isFile()) return false;
  const now = fileStampOf(stat);
  return (
    now.dev === recorded.dev &&
    now.ino === recorded.ino &&
    now.size === recorded.size &&
    now.mtimeNs === recorded.mtimeNs &&
    now.ctimeNs === recorded.ctimeNs
  );
}

export interface Lookup {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  home: string;
  platform: NodeJS.Platform;
  now: Date;
  /** The user name (a user database lookup): asked only when the entry recorded one. */
  userName: () => string;
}

/** Do this process's inputs equal the ones the entry was made from? */
function inputsMatch(entry: HitIndexEntry, lookup: Lookup, root: string): boolean {
  const { argv, env } = lookup;
  if (entry.build !== HIT_INDEX_BUILD) return false;

  if (entry.root !== root || entry.home !== lookup.home || entry.argv.length !== argv.length) return false;
  for (let i = 0; i < argv.length; i++) if (entry.argv[i] !== argv[i]) return false;
  for (const [name, value] of Object.entries(entry.env)) if ((env[name] ?? null) !== value) return false;
  for (const [name, digest] of Object.entries(entry.envDigests)) {
    const value = env[name];
    if ((value === undefined ? null : digestOf(value)) !== digest) return false;
  }
  if (entry.userName !== undefined && lookup.userName() !== entry.userName) return false;
  return entry.files.every((file) => sameStamp(file.path, file.stamp));
}

/**
 * The fresh session the full CLI would serve for these inputs, found through the index; undefined for anything
 * else. Never writes and never repairs: a file open to others is left to the full CLI (which repairs and says so).
 * May throw (a relative AWS_OP_CACHE_DIR, say): the caller then hands over to the full CLI.
 */
export function indexedSession(lookup: Lookup): CacheEntry | undefined {
  const root = cacheLocation(lookup.env, lookup.home, lookup.platform).path;
  const untouched = { repair: false } as const;
  const entry = readPrivateJson(hitIndexPath(root, lookup.argv, lookup.env), isHitIndexEntry, undefined, {
    ...untouched,
    maxBytes: MAX_ENTRY_BYTES,
  });
  if (!entry || !inputsMatch(entry, lookup, root)) return undefined;
  const session = readPrivateJson(sessionFilePath(root, entry.key), isCacheEntry, undefined, untouched);
  return session && isEntryFresh(session, lookup.now) ? session : undefined;
}

/** What a resolution read, from recordResolution. */
export interface RecordedInputs {
  home: string;
  userName?: string;
  env: Map<string, string | undefined>;
  /** Date.now() before the first file was read: a file changed within RACY_MARGIN_MS of it is not indexed. */
  startedAtMs: number;
}

export interface Recording {
  /** Resolve with this context: it records what is read of its env and its user name. */
  ctx: Context;
  /** Stop recording; undefined when the reads cannot be indexed (the environment was listed or changed). */
  stop(): RecordedInputs | undefined;
}

export function recordResolution(ctx: Context): Recording {
  const env = new Map<string, string | undefined>();
  let recording = true;
  let indexable = true;
  let userName: string | undefined;
  const read = (name: string | symbol): void => {
    if (recording && typeof name === "string" && !env.has(name)) env.set(name, ctx.env[name]);
  };
  const changed = (): true => {
    if (recording) indexable = false;
    return true;
  };
  const recordedEnv = new Proxy(ctx.env, {
    get(target, name, receiver) {
      read(name);
      return Reflect.get(target, name, receiver) as unknown;
    },
    has(target, name) {
      read(name);
      return Reflect.has(target, name);
    },
    getOwnPropertyDescriptor(target, name) {
      read(name);
      return Reflect.getOwnPropertyDescriptor(target, name);
    },
    // What a listing depends on is every variable: such a resolution is never indexed.
    ownKeys(target) {
      if (recording) indexable = false;
      return Reflect.ownKeys(target);
    },
    set: (target, name, value) => changed() && Reflect.set(target, name, value),
    deleteProperty: (target, name) => changed() && Reflect.deleteProperty(target, name),
    defineProperty: (target, name, descriptor) => changed() && Reflect.defineProperty(target, name, descriptor),
  });
  // Not a spread: userName and isTTY are getters that must not run unless asked.
  const recordedCtx = Object.create(ctx, {
    env: { value: recordedEnv, enumerable: true },
    userName: {
      enumerable: true,
      get: () => {
        const name = ctx.userName;
        if (recording) userName = name;
        return name;
      },
    },
  }) as Context;
  // The real clock, not ctx.now(): file system stamps are real time (a test's clock is not theirs).
  const startedAtMs = Date.now();
  return {
    ctx: recordedCtx,
    stop: () => {
      recording = false;
      if (!indexable) return undefined;
      return { home: ctx.home, ...(userName !== undefined ? { userName } : {}), env, startedAtMs };
    },
  };
}

export interface IndexWrite {
  argv: readonly string[];
  /** The whole environment (the entry's name depends on NAMING_ENV, read or not). */
  env: NodeJS.ProcessEnv;
  inputs: RecordedInputs;
  /** The AWS files the resolution read, with the stamps of what it read. */
  files: readonly { path: string; stamp?: FileStamp | "missing" }[];
  root: string;
  key: string;
}

/**
 * Record how to find this session, unless the inputs cannot be indexed (a file of unknown or recent stamp); throws
 * when the cache directory is not private. Writes a private file atomically, and only when it would change.
 */
export function writeHitIndex(write: IndexWrite): void {
  const { inputs } = write;
  const files: IndexedFile[] = [];
  for (const file of write.files) {
    if (file.stamp === undefined) return;
    if (file.stamp !== "missing") {
      const mtimeNs = BigInt(file.stamp.mtimeNs);
      const ctimeNs = BigInt(file.stamp.ctimeNs);
      const changedMs = Number((mtimeNs > ctimeNs ? mtimeNs : ctimeNs) / 1_000_000n);
      // Recent, or from the future (a clock that differs): its stamp may not change with its next edit.
      if (changedMs > inputs.startedAtMs - RACY_MARGIN_MS) return;
    }
    files.push({ path: file.path, stamp: file.stamp });
  }
  const env: Record<string, string | null> = {};
  const envDigests: Record<string, string | null> = {};
  for (const name of [...inputs.env.keys()].sort()) {
    const value = inputs.env.get(name);
    if (SECRET_NAME.test(name)) envDigests[name] = value === undefined ? null : digestOf(value);
    else env[name] = value ?? null;
  }
  const entry: HitIndexEntry = {
    version: 1,
    build: HIT_INDEX_BUILD,
    argv: [...write.argv],
    root: write.root,
    home: inputs.home,
    ...(inputs.userName !== undefined ? { userName: inputs.userName } : {}),
    env,
    envDigests,
    files,
    key: write.key,
  };
  const text = `${JSON.stringify(entry)}\n`;
  const path = hitIndexPath(write.root, write.argv, write.env);
  // The cache directory must be private already (this changes nothing of it: a session fetch repairs or refuses it);
  // the index directory is aws-op's own, made private.
  ensurePrivateDirectory(write.root, undefined, { repair: false });
  ensurePrivateDirectory(underCacheRoot(write.root, HIT_INDEX_DIRECTORY));
  try {
    if (readFileSync(path, "utf8") === text) return;
  } catch {
    // None yet.
  }
  writeFileAtomic(path, text);
}

/** `clear --all`: remove every entry (they hold no secret, but clearing means nothing of aws-op's is left). */
export function clearHitIndex(root: string): void {
  rmSync(underCacheRoot(root, HIT_INDEX_DIRECTORY), { recursive: true, force: true });
}
