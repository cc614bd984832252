// The home directory and absolute paths, as every path aws-op reads or writes is built from them. Its own module
// (not profile.ts) because the cached path (src/cli-cached.ts) needs these and none of the profile model: every byte
// of that entry is read and pre-parsed before every AWS command (issue 14).
import { isAbsolute, join } from "node:path";
import { UserError } from "../errors.js";

/** Absolute on POSIX, or a Windows drive or UNC path (op_cli may name op.exe under WSL or on Windows). */
export function isAbsolutePath(path: string): boolean {
  return isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\\\");
}

/**
 * The home directory: HOME when absolute, else the user database's (an empty or relative HOME would make every
 * path below it relative to wherever an AWS tool happens to run), else "" (and the paths below refuse it).
 */
export function homeDirectory(envHome: string, userDatabaseHome: () => string): string {
  if (isAbsolutePath(envHome)) return envHome;
  try {
    const home = userDatabaseHome();
    return isAbsolutePath(home) ? home : "";
  } catch {
    return "";
  }
}

/** An absolute path below the home directory, or a UserError: configuration is never read relative to the cwd. */
export function homePath(home: string, ...parts: string[]): string {
  if (!isAbsolutePath(home)) {
    throw new UserError(
      "aws-op cannot tell your home directory: HOME is empty or relative, and so is the user database's.",
      {
        hint: "Set HOME to an absolute path (or set AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and AWS_OP_CACHE_DIR to absolute paths).",
      },
    );
  }
  return join(home, ...parts);
}
