// The caching provider: wraps any provider of temporary credentials (aws-vault's cachedsessionprovider.go). Serves a
// fresh entry from the session cache, else takes the lock for the key, reads again under it (another process may
// have fetched meanwhile), fetches once within the fetch budget and writes the entry (private file, atomic).
// The key is the inner provider's descriptor (cacheKeyOf): the whole chain that serves is in it.
import { acquireLock } from "../cache/lock.js";
import {
  cacheKey,
  entryToCredentials,
  isEntryFresh,
  toCacheEntry,
  type CacheDescriptor,
  type SessionCache,
} from "../cache/session-cache.js";
import { errnoCode, UserError } from "../errors.js";
import { FETCH_BUDGET_MS, type CredentialProvider, type FetchBudget, type ServedCredentials } from "./provider.js";

/** The one cache key of a chain: derived from what the provider that serves would return. */
export function cacheKeyOf(provider: CredentialProvider): string {
  return cacheKey(provider.descriptor);
}

export interface CachingDeps {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  warn: (message: string) => void;
  /** undefined: caching is off or impossible (then nothing is written and every call fetches). */
  cache: SessionCache | undefined;
}

export class CachingProvider implements CredentialProvider {
  readonly descriptor: CacheDescriptor;

  constructor(
    private readonly inner: CredentialProvider,
    private readonly options: {
      /** Recorded in the entry for `list` and `clear` (informational: the key is the descriptor). */
      profile: string | undefined;
      /** How long op may take: a waiter for the lock waits at least this long. */
      opTimeoutMs: number;
    },
    private readonly deps: CachingDeps,
  ) {
    this.descriptor = inner.descriptor;
  }

  private key: string | undefined;

  /** Where the entry is kept: undefined when caching is off or impossible (then nothing is ever cached). */
  get cache(): SessionCache | undefined {
    return this.deps.cache;
  }

  /** The cache key of what this serves (cacheKeyOf), hashed once. */
  get cacheKey(): string {
    return (this.key ??= cacheKeyOf(this));
  }

  async retrieve(budget?: FetchBudget): Promise<ServedCredentials> {
    try {
      return await this.cachedOrFetched(budget);
    } finally {
      this.reportRepairs();
    }
  }

  /** Cache files or directories that other users could read were made private again: say so, once each. */
  private reportRepairs(): void {
    for (const path of this.deps.cache?.report.repaired.splice(0) ?? []) {
      this.deps.warn(
        `aws-op: ${path} could be read by other users; its permissions were reset to private. If others use this computer, run "aws-op clear --all".`,
      );
    }
  }

  /**
   * The fresh cached entry, or undefined; never fetches, never locks, never writes (the cached path's entry,
   * src/cli-cached.ts, serves only this and hands anything else to the full CLI).
   */
  cached(): ServedCredentials | undefined {
    try {
      return this.readFresh();
    } finally {
      this.reportRepairs();
    }
  }

  private readFresh(): ServedCredentials | undefined {
    const entry = this.deps.cache?.read(this.cacheKey);
    if (!entry || !isEntryFresh(entry, this.deps.now())) return undefined;
    return { ...entryToCredentials(entry), source: "cache", ...(entry.arn ? { arn: entry.arn } : {}) };
  }

  private async cachedOrFetched(budget: FetchBudget | undefined): Promise<ServedCredentials> {
    const { cache, now, warn } = this.deps;
    const key = this.cacheKey;
    const readFresh = () => this.readFresh();
    const hit = readFresh();
    if (hit) return hit;

    let release: (() => Promise<void>) | undefined;
    if (cache) {
      try {
        cache.prepare();
        cache.beforeFetch();
        // The holder may wait for a 1Password approval, then call STS: one fetch budget. Waiting longer than that
        // would outlast the Go SDK's 60 s kill, so a waiter gives up with a message instead.
        const outcome = await acquireLock(cache.pathFor(key), {
          timeoutMs: Math.max(FETCH_BUDGET_MS, this.options.opTimeoutMs + 5_000),
          poll: readFresh,
          sleep: this.deps.sleep,
        });
        if ("polled" in outcome) return outcome.polled;
        release = outcome.lock.release;
      } catch (error) {
        if (error instanceof UserError) throw error;
        warn(`aws-op: cannot lock the session cache (${errnoCode(error) ?? "error"}); continuing without it.`);
      }
    }
    try {
      const again = readFresh();
      if (again) return again;
      const obtainedAt = now();
      const fresh = await this.inner.retrieve(budget ?? { startedAt: obtainedAt.getTime() });
      if (cache) {
        try {
          cache.write(
            key,
            toCacheEntry(fresh, this.descriptor, obtainedAt, {
              ...(this.options.profile ? { profile: this.options.profile } : {}),
              ...(fresh.arn ? { arn: fresh.arn } : {}),
            }),
          );
        } catch (error) {
          if (error instanceof UserError) throw error;
          warn(
            `aws-op: could not write the session cache (${errnoCode(error) ?? "error"}); the next AWS command will ask 1Password again.`,
          );
        }
      }
      return { ...fresh, source: "sts" };
    } finally {
      await release?.();
    }
  }
}
