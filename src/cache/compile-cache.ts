// Node's module compile cache (module.enableCompileCache, Node 22.1+) for the cold path only. A cold `aws-op process`
// compiles the lock library and the AWS SDK's ~400 kB of vendor modules every time; with V8's code cache on disk the
// next cold run skips most of that (measured in issue 14: the SDK import went from about 55 ms to about 30 ms).
// It is enabled only when a session must be fetched, so the cached path loads and writes nothing more: by dist/cli.js
// when the hit index misses for a `process` line, before it loads the full CLI (dist/main.js, 230 kB: compiling it
// is 15-20 ms of every cold run), else when the session cache must fetch. dist/cli.js itself is not cached.
// Where and how safely (Node's documentation and src/compile_cache.cc):
// - `compile-cache/` in aws-op's cache directory, made private (0700) like the sessions directory and refused if
//   it is a symlink or not ours: a code cache is code, so only its owner may write it. Node keeps one subdirectory
//   per Node version, architecture and user id, and checks every entry against a checksum of the source and of the
//   entry; an entry that does not match (another Node, a half-written file from a concurrent writer) is ignored and
//   the module compiled from source.
// - enableCompileCache never throws: a directory it cannot create or write (a read-only home) gives status FAILED,
//   and aws-op runs as without it. NODE_DISABLE_COMPILE_CACHE=1 turns it off; NODE_COMPILE_CACHE set by the user
//   enabled it already (then that directory is used).
// - It does not touch process.env: the children aws-op starts do not inherit it.
import { mkdirSync } from "node:fs";
import { underCacheRoot } from "./paths.js";
import { ensurePrivateDirectory, isPrivateDirectory, type PrivacyReport } from "./private-files.js";

/** The subdirectory of aws-op's cache directory that holds Node's compile cache. */
export const COMPILE_CACHE_DIRECTORY = "compile-cache";

export type CompileCacheOutcome = "enabled" | "already-enabled" | "unavailable" | "failed";

interface NodeModuleApi {
  enableCompileCache?: (dir: string) => { status: number; directory?: string };
  constants?: { compileCacheStatus?: { ENABLED: number; ALREADY_ENABLED: number } };
}

/** Node's module.enableCompileCache on `dir`, checked as the caller requires; never throws. */
function enableIn(dir: string): CompileCacheOutcome {
  // Here, not at the top: the cached path must not load node:module.
  const api = process.getBuiltinModule("node:module") as NodeModuleApi;
  const statuses = api.constants?.compileCacheStatus;
  if (typeof api.enableCompileCache !== "function" || !statuses) return "unavailable";
  try {
    const { status } = api.enableCompileCache(dir);
    if (status === statuses.ENABLED) return "enabled";
    if (status === statuses.ALREADY_ENABLED) return "already-enabled";
    return "failed";
  } catch {
    return "failed";
  }
}

/** Turn Node's compile cache on for the rest of this process, in `<cacheRoot>/compile-cache`; never throws. */
export function enableCompileCacheIn(cacheRoot: string, report?: PrivacyReport): CompileCacheOutcome {
  const dir = underCacheRoot(cacheRoot, COMPILE_CACHE_DIRECTORY);
  try {
    ensurePrivateDirectory(dir, report);
  } catch {
    // A directory we may not use (not ours, a symlink, read-only): compile from source, as before.
    return "failed";
  }
  return enableIn(dir);
}

/**
 * dist/cli.js on a miss, before it loads the full CLI: the compile cache, but only in a cache root that exists
 * already as a private directory of ours, and in a compile-cache/ there that is one too (made 0700 if absent). A
 * root the full CLI would repair (and report), refuse (AWS_OP_CACHE_DIR open to others) or create is left to it:
 * nothing is made inside a directory before it has been checked. (Not ensurePrivateDirectory: its messages are
 * for the full CLI, and every byte here is read on every cached run.)
 */
export function enableCompileCacheBeforeMain(cacheRoot: string): CompileCacheOutcome {
  if (!isPrivateDirectory(cacheRoot)) return "unavailable";
  const dir = underCacheRoot(cacheRoot, COMPILE_CACHE_DIRECTORY);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch {
    // There already (checked next), or cannot be made.
  }
  return isPrivateDirectory(dir) ? enableIn(dir) : "failed";
}
