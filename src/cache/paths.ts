// Where aws-op keeps its per-user cache: $AWS_OP_CACHE_DIR, else $XDG_CACHE_HOME/aws-op, else the platform's
// usual cache folder (~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows).
// Never a relative location: that would put session files wherever an AWS tool runs (inside a working tree, where
// `git add -A` picks them up). A relative XDG_CACHE_HOME or LOCALAPPDATA is ignored (the XDG base directory spec
// says so), a relative AWS_OP_CACHE_DIR is refused, and so is a home directory that is not absolute.
import { join, sep } from "node:path";
import { homePath, isAbsolutePath } from "../config/home.js";
import { UserError } from "../errors.js";

/**
 * `dir/name/...` on POSIX without path.join: this runs on every warm `aws-op process`, and normalising long paths
 * there makes Node 24 and 26 optimise their path code with Maglev, at a cost in memory (issue 14). The file system
 * resolves the same directory; only a doubled separator after `dir` is avoided.
 */
function under(dir: string, ...names: string[]): string {
  return [dir.endsWith("/") ? dir.slice(0, -1) || "/" : dir, ...names].join("/").replace(/^\/\//, "/");
}

/**
 * `ROOT/NAME` for a directory in the cache (sessions/, index/, compile-cache/). Not join(): normalising long paths
 * is most of a warm run's path work, and it makes Node 24 and 26 optimise their path code with Maglev at a cost in
 * memory (issue 14). The file system resolves the same directory.
 */
export function underCacheRoot(root: string, name: string): string {
  return `${root}${root.endsWith(sep) ? "" : sep}${name}`;
}

export function cacheDirectory(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): string {
  return cacheLocation(env, home, platform).path;
}

export interface CacheLocation {
  path: string;
  /**
   * AWS_OP_CACHE_DIR names a directory of the user's choice (perhaps a shared one): aws-op never changes the
   * permissions of such a directory when it exists already. The others are folders aws-op names and makes.
   */
  chosenByUser: boolean;
}

export function cacheLocation(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): CacheLocation {
  if (env.AWS_OP_CACHE_DIR) {
    if (!isAbsolutePath(env.AWS_OP_CACHE_DIR)) {
      throw new UserError(`AWS_OP_CACHE_DIR = "${env.AWS_OP_CACHE_DIR}" is a relative path.`, {
        hint: "Set AWS_OP_CACHE_DIR to an absolute path.",
      });
    }
    return { path: env.AWS_OP_CACHE_DIR, chosenByUser: true };
  }
  return { path: defaultCacheDirectory(env, home, platform), chosenByUser: false };
}

function defaultCacheDirectory(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): string {
  if (env.XDG_CACHE_HOME && isAbsolutePath(env.XDG_CACHE_HOME)) {
    return platform === "win32" ? join(env.XDG_CACHE_HOME, "aws-op") : under(env.XDG_CACHE_HOME, "aws-op");
  }
  if (platform === "darwin") return under(homePath(home), "Library", "Caches", "aws-op");
  if (platform === "win32") {
    const local = env.LOCALAPPDATA && isAbsolutePath(env.LOCALAPPDATA) ? env.LOCALAPPDATA : undefined;
    return local ? join(local, "aws-op", "Cache") : homePath(home, "AppData", "Local", "aws-op", "Cache");
  }
  return under(homePath(home), ".cache", "aws-op");
}

/**
 * Where aws-op keeps data that is not a cache (the browser profiles of `login --isolate`: sign-in state, which a
 * cache cleaner must not drop): $XDG_DATA_HOME/aws-op, else the platform's usual data folder (~/.local/share on
 * Linux, ~/Library/Application Support on macOS, %LOCALAPPDATA%\aws-op\Data on Windows, next to its Cache). A
 * relative XDG_DATA_HOME or LOCALAPPDATA is ignored, as for the cache, and so is a home directory that is not
 * absolute (refused). XDG_DATA_HOME counts on every platform, as XDG_CACHE_HOME does for the cache.
 */
export function dataDirectory(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): string {
  if (env.XDG_DATA_HOME && isAbsolutePath(env.XDG_DATA_HOME)) return join(env.XDG_DATA_HOME, "aws-op");
  if (platform === "darwin") return homePath(home, "Library", "Application Support", "aws-op");
  if (platform === "win32") {
    const local = env.LOCALAPPDATA && isAbsolutePath(env.LOCALAPPDATA) ? env.LOCALAPPDATA : undefined;
    return local ? join(local, "aws-op", "Data") : homePath(home, "AppData", "Local", "aws-op", "Data");
  }
  return homePath(home, ".local", "share", "aws-op");
}
