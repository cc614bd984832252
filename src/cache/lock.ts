// One lock per cache key, so that 20 simultaneous cold `aws-op process` runs cause one `op` call: the first takes
// the lock and fetches; the others wait (bounded), watching the cache, and serve what it wrote.
// proper-lockfile: mkdir-based (atomic on local and network file systems), with mtime heartbeats so that a lock
// left by a killed process is taken over after `stale` ms.
import { errnoCode, UserError } from "../errors.js";

export interface LockHandle {
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** Give up after this long (ms). */
  timeoutMs: number;
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** A lock held by a process that stopped updating it for this long is considered abandoned. */
export const STALE_LOCK_MS = 5_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Take the lock for `path`, or return `{ polled }` as soon as `poll` yields something while another process
 * holds it. Throws a UserError when the wait exceeds the timeout.
 */
export async function acquireLock<T>(
  path: string,
  options: Omit<AcquireOptions, "poll"> & { poll?: () => T | undefined },
): Promise<{ lock: LockHandle } | { polled: T }> {
  const imported = await import("proper-lockfile");
  // CommonJS module: bundled ESM sees it as the default export.
  const lockfile = "lock" in imported ? imported : (imported as { default: typeof imported }).default;
  const sleep = options.sleep ?? defaultSleep;
  const interval = options.pollIntervalMs ?? 50;
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      const release = await lockfile.lock(path, {
        realpath: false,
        stale: STALE_LOCK_MS,
        update: 1_000,
        retries: 0,
        // The lock guards a cache, not data: if it is compromised, the worst case is one extra op call.
        onCompromised: () => undefined,
      });
      return { lock: { release: () => release().catch(() => undefined) } };
    } catch (error) {
      if (errnoCode(error) !== "ELOCKED") throw error;
    }
    const polled = options.poll?.();
    if (polled !== undefined) return { polled };
    if (Date.now() > deadline) {
      throw new UserError("Timed out waiting for another aws-op process to fetch the same credentials.", {
        hint: "That process may be waiting for 1Password approval: approve it, or stop it and try again.",
      });
    }
    await sleep(interval + Math.floor(Math.random() * interval));
  }
}
