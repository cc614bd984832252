// Where aws-op keeps its per-user cache: $AWS_OP_CACHE_DIR, else $XDG_CACHE_HOME/aws-op, else the platform's
// usual cache folder (~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows).
import { join } from "node:path";

export function cacheDirectory(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): string {
  if (env.AWS_OP_CACHE_DIR) return env.AWS_OP_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "aws-op");
  if (platform === "darwin") return join(home, "Library", "Caches", "aws-op");
  if (platform === "win32") return join(env.LOCALAPPDATA || join(home, "AppData", "Local"), "aws-op", "Cache");
  return join(home, ".cache", "aws-op");
}
