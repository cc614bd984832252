// Where aws-op keeps its per-user cache: $AWS_OP_CACHE_DIR, else $XDG_CACHE_HOME/aws-op, else the platform's
// usual cache folder (~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows).
// Never a relative location: that would put session files wherever an AWS tool runs (inside a working tree, where
// `git add -A` picks them up). A relative XDG_CACHE_HOME or LOCALAPPDATA is ignored (the XDG base directory spec
// says so), a relative AWS_OP_CACHE_DIR is refused, and so is a home directory that is not absolute.
import { join } from "node:path";
import { homePath, isAbsolutePath } from "../config/profile.js";
import { UserError } from "../errors.js";

export function cacheDirectory(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): string {
  if (env.AWS_OP_CACHE_DIR) {
    if (!isAbsolutePath(env.AWS_OP_CACHE_DIR)) {
      throw new UserError(`AWS_OP_CACHE_DIR = "${env.AWS_OP_CACHE_DIR}" is a relative path.`, {
        hint: "Set AWS_OP_CACHE_DIR to an absolute path.",
      });
    }
    return env.AWS_OP_CACHE_DIR;
  }
  if (env.XDG_CACHE_HOME && isAbsolutePath(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, "aws-op");
  if (platform === "darwin") return homePath(home, "Library", "Caches", "aws-op");
  if (platform === "win32") {
    const local = env.LOCALAPPDATA && isAbsolutePath(env.LOCALAPPDATA) ? env.LOCALAPPDATA : undefined;
    return local ? join(local, "aws-op", "Cache") : homePath(home, "AppData", "Local", "aws-op", "Cache");
  }
  return homePath(home, ".cache", "aws-op");
}
