// Where a command aws-op starts by itself is found: the one lookup behind every spawn of op, the MFA helpers and
// op_mfa_process, the notifiers, the browser opener and mkfifo. They are then spawned by the absolute path found
// here, never by the bare name: the system's own search (execvp, CreateProcess) reads an empty PATH entry (`a::b`,
// a leading or trailing `:`) as the working directory, and Windows looks there first whatever PATH says, so a
// repository could plant ./op, ./zenity or ./notify-send and have it run as the user.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, extname, isAbsolute, join } from "node:path";

function isRunnable(path: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (platform !== "win32") accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path `name` is found at on the environment's PATH, searched in order with empty and relative entries
 * skipped; an absolute `name` is taken as it is if it can be run. A relative path (`./x`, `bin/x`) is never found:
 * it would depend on the working directory. On Windows a name without one of PATHEXT's extensions gets each in turn.
 */
export function findExecutable(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  if (isAbsolute(name)) return isRunnable(name, platform) ? name : undefined;
  if (!name || name.includes("/") || name.includes("\\")) return undefined;
  let extensions = [""];
  if (platform === "win32") {
    const known = (env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").filter(Boolean);
    const given = extname(name).toUpperCase();
    extensions = known.some((extension) => extension.toUpperCase() === given) ? [""] : known;
  }
  for (const dir of (env.PATH ?? "").split(platform === "win32" ? ";" : delimiter)) {
    // An empty or relative PATH entry means the working directory (or a place relative to it): never searched.
    if (!dir || !isAbsolute(dir)) continue;
    for (const extension of extensions) {
      const candidate = join(dir, `${name}${extension}`);
      if (isRunnable(candidate, platform)) return candidate;
    }
  }
  return undefined;
}
