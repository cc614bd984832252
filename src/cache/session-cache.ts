// The session cache: STS session (and assumed-role) credentials, never long-term keys, one file per cache key,
// so that `op` runs once per session instead of once per AWS command.
import { readdirSync, rmSync } from "node:fs";
import { sep } from "node:path";
import type { AwsCredentials } from "../aws/credential-output.js";
import { registerSecret } from "../redact.js";
import { enableCompileCacheIn } from "./compile-cache.js";
import { underCacheRoot } from "./paths.js";
import { ensurePrivateDirectory, readPrivateJson, writeFileAtomic, type PrivacyReport } from "./private-files.js";
import { sha256Hex } from "./sha256.js";

/** Everything that changes the credentials a cache entry holds. No secret goes in here. */
export interface CacheDescriptor {
  [key: string]: string | number | undefined | CacheDescriptor;
}

export interface CacheEntry {
  version: 1;
  /** The profile that made the entry, for `list` (informational: the key is the descriptor). */
  profile?: string;
  descriptor: CacheDescriptor;
  obtainedAt: string;
  credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
  accountId?: string;
  /** For role entries: the assumed-role ARN, shown by `list`. */
  arn?: string;
}

/** botocore re-runs a credential process whose credentials expire within 15 minutes, the JS SDK within 5:
 * a served session keeps more than 20 minutes (or half its lifetime, for sessions shorter than 40 minutes). */
export const REFRESH_MARGIN_MS = 20 * 60 * 1000;

export function refreshMarginMs(lifetimeMs: number): number {
  return lifetimeMs < 2 * REFRESH_MARGIN_MS ? lifetimeMs / 2 : REFRESH_MARGIN_MS;
}

/** Stable JSON (sorted keys) so that equal descriptors give equal keys. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(",")}}`;
}

export function cacheKey(descriptor: CacheDescriptor): string {
  return sha256Hex(canonical(descriptor)).slice(0, 40);
}

export function isCacheEntry(value: unknown): value is CacheEntry {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const c = v.credentials as Record<string, unknown> | undefined;
  return (
    v.version === 1 &&
    typeof v.obtainedAt === "string" &&
    typeof v.descriptor === "object" &&
    v.descriptor !== null &&
    typeof c === "object" &&
    c !== null &&
    typeof c.AccessKeyId === "string" &&
    typeof c.SecretAccessKey === "string" &&
    typeof c.SessionToken === "string" &&
    typeof c.Expiration === "string" &&
    !Number.isNaN(Date.parse(c.Expiration)) &&
    !Number.isNaN(Date.parse(v.obtainedAt))
  );
}

/** How much longer than the duration asked for an entry may live (the clocks of AWS and this computer differ). */
export const LIFETIME_ALLOWANCE_MS = 5 * 60 * 1000;

/**
 * May this entry be served at `now`? Only while it has more than the refresh margin left. An entry that seems to
 * come from the future, or to live longer than it was issued for, means the clock jumped: never serve it. Nor one
 * that lives longer than the duration its descriptor asked for (an STS answer "valid until 2099").
 */
export function isEntryFresh(entry: CacheEntry, now: Date): boolean {
  const expires = Date.parse(entry.credentials.Expiration);
  const obtained = Date.parse(entry.obtainedAt);
  const lifetime = expires - obtained;
  const remaining = expires - now.getTime();
  if (lifetime <= 0) return false;
  const asked = entry.descriptor.duration;
  if (typeof asked === "number" && lifetime > asked * 1000 + LIFETIME_ALLOWANCE_MS) return false;
  if (obtained > now.getTime() + 60_000) return false;
  if (remaining > lifetime + 60_000) return false;
  return remaining > refreshMarginMs(lifetime);
}

/** The entry's credentials, with its secrets registered for redaction (redact.ts) of what this process shows. */
export function entryToCredentials(entry: CacheEntry): AwsCredentials {
  registerSecret(entry.credentials.SecretAccessKey);
  registerSecret(entry.credentials.SessionToken);
  return credentialsOfEntry(entry);
}

/**
 * The entry's credentials only. For the cached path (src/cli-cached.ts), which shows no message that could hold them
 * (anything that fails there goes to the full CLI): registering costs it two regular expressions' first runs.
 */
export function credentialsOfEntry(entry: CacheEntry): AwsCredentials {
  return {
    accessKeyId: entry.credentials.AccessKeyId,
    secretAccessKey: entry.credentials.SecretAccessKey,
    sessionToken: entry.credentials.SessionToken,
    expiration: new Date(entry.credentials.Expiration),
    ...(entry.accountId ? { accountId: entry.accountId } : {}),
  };
}

/** The session file of a key (hex: no join either). A function, so the cached path needs no SessionCache. */
export function sessionFilePath(root: string, key: string): string {
  return `${underCacheRoot(root, "sessions")}${sep}${key}.json`;
}

export class SessionCache {
  readonly sessionsDir: string;
  constructor(
    readonly root: string,
    readonly report: PrivacyReport = { repaired: [] },
    /** false for AWS_OP_CACHE_DIR (see CacheLocation): an existing root open to others is refused, not repaired. */
    readonly mayRepairRoot = true,
    /** Keep Node's compile cache under the root once a session must be fetched (see compile-cache.ts). */
    private readonly useCompileCache = false,
  ) {
    this.sessionsDir = underCacheRoot(root, "sessions");
  }

  pathFor(key: string): string {
    return sessionFilePath(this.root, key);
  }

  /** Create the cache directories (0700), refusing symlinks and directories of other users. */
  prepare(): void {
    ensurePrivateDirectory(this.root, this.report, { repair: this.mayRepairRoot });
    ensurePrivateDirectory(this.sessionsDir, this.report);
  }

  /**
   * A session is about to be fetched: from here on, modules (the lock library, the AWS SDK) compile through Node's
   * compile cache in this cache directory, when this cache was made with it. Call after prepare(); never throws.
   */
  beforeFetch(): void {
    if (this.useCompileCache) enableCompileCacheIn(this.root, this.report);
  }

  /** The entry for `key`, or undefined when absent, unreadable, corrupt or untrusted (it is then replaced). */
  read(key: string): CacheEntry | undefined {
    return readPrivateJson(this.pathFor(key), isCacheEntry, this.report);
  }

  write(key: string, entry: CacheEntry): void {
    this.prepare();
    writeFileAtomic(this.pathFor(key), `${JSON.stringify(entry)}\n`);
  }

  delete(key: string): void {
    rmSync(this.pathFor(key), { force: true });
  }

  /** Every readable entry with its key. */
  list(): { key: string; entry: CacheEntry }[] {
    let names: string[];
    try {
      names = readdirSync(this.sessionsDir);
    } catch {
      return [];
    }
    const result: { key: string; entry: CacheEntry }[] = [];
    for (const name of names) {
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      const key = name.slice(0, -".json".length);
      const entry = this.read(key);
      if (entry) result.push({ key, entry });
    }
    return result;
  }

  /** Delete every entry; returns how many files were removed. */
  clearAll(): number {
    const entries = this.list();
    for (const { key } of entries) this.delete(key);
    return entries.length;
  }
}

export function toCacheEntry(
  credentials: AwsCredentials,
  descriptor: CacheDescriptor,
  obtainedAt: Date,
  extra: { profile?: string; arn?: string } = {},
): CacheEntry {
  if (!credentials.sessionToken || !credentials.expiration) {
    // Long-term keys are never cached: this would be a bug.
    throw new Error("refusing to cache credentials without a session token and expiration");
  }
  return {
    version: 1,
    ...(extra.profile ? { profile: extra.profile } : {}),
    descriptor,
    obtainedAt: obtainedAt.toISOString(),
    credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: credentials.expiration.toISOString(),
    },
    ...(credentials.accountId ? { accountId: credentials.accountId } : {}),
    ...(extra.arn ? { arn: extra.arn } : {}),
  };
}

/** The item a descriptor (or, for roles, any source down the chain) was made from: account, vault, item. */
export interface ItemIdentity {
  item?: string | undefined;
  vault?: string | undefined;
  account?: string | undefined;
}

/** Was this entry made from the item's keys, directly or as the source of a (chained) role? */
export function isMadeFromItem(descriptor: CacheDescriptor, item: ItemIdentity): boolean {
  // Roles keep their source's descriptor under `source`, chained roles one level deeper for each link.
  for (let d: CacheDescriptor | undefined = descriptor; d; d = typeof d.source === "object" ? d.source : undefined) {
    if (d.item === item.item && d.vault === item.vault && d.account === item.account) return true;
  }
  return false;
}

/** Delete the entries made by a profile or from an item's keys; returns how many. */
export function clearSessionsFor(cache: SessionCache, match: { profile?: string; item?: ItemIdentity }): number {
  let count = 0;
  for (const { key, entry } of cache.list()) {
    const byProfile = match.profile !== undefined && entry.profile === match.profile;
    const byItem = match.item?.item !== undefined && isMadeFromItem(entry.descriptor, match.item);
    if (byProfile || byItem) {
      cache.delete(key);
      count += 1;
    }
  }
  return count;
}
