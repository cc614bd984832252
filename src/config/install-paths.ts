// Where this aws-op and its Node.js live (or the single executable, which is both), for the credential_process lines
// that setup writes and doctor --fix repairs. The lines name both by absolute path (GUI apps and IDEs do not have the user's PATH), and those paths break
// when nvm, fnm, Volta or Homebrew replace a Node.js version: Homebrew's process.execPath is a versioned Cellar path,
// while /opt/homebrew/bin/node, a link to it, stays. So a link on PATH that resolves to the running Node.js is
// preferred to process.execPath, but only a link that no one else can re-point (see isPathHeldBy).
import { accessSync, constants, existsSync, lstatSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join, relative, sep } from "node:path";
import {
  buildCredentialProcessLine,
  parseCredentialProcessLine,
  quoteWord,
  type AwsOpProgram,
} from "./command-line.js";

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** fnm puts a per-shell link directory on PATH, gone when that shell exits: never a stable path. */
const TRANSIENT_LINK_DIRECTORY = /[\\/]fnm_multishells[\\/]/;

/** Who may hold the names on a path: the user (by uid) and root, from the user's home directory down. */
export interface PathHolder {
  /** process.getuid(); undefined where there is none (Windows). */
  uid: number | undefined;
  home: string;
}

/** Is `a` the directory `b` or one above it? */
function isAncestorOrSelf(a: string, b: string): boolean {
  const rel = relative(a, b);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** Owned by the user or root, and writable by no one else: no group or other write bit, no sticky bit. */
function isHeldBy(path: string, uid: number, follow: boolean): boolean {
  try {
    const st = follow ? statSync(path) : lstatSync(path);
    // A sticky directory (/tmp) lets others add names to it, so it counts as writable by others whatever its mode.
    return (st.uid === uid || st.uid === 0) && (st.mode & 0o022) === 0 && (st.mode & 0o1000) === 0;
  } catch {
    return false;
  }
}

const MAX_LINK_HOPS = 40;

/**
 * Whether every name the system follows to reach `path` is held by the user or root: each directory looked in
 * (isHeldBy), each symbolic link on the way (owned by the user or root; a link's own mode means nothing, and its
 * directory is checked), and the file at the end. As OpenSSH checks authorized_keys (misc.c safe_path), the
 * directories above the home directory are not checked on the way into it: the home's owner holds everything in
 * it, wherever it sits. Anyone else who can write one of these directories or owns one of these links can point the
 * path at a program of theirs, which then runs as the user on every AWS call.
 */
export function isPathHeldBy(path: string, holder: PathHolder): boolean {
  const { uid } = holder;
  if (uid === undefined || !isAbsolute(path)) return false;
  const home = realPath(holder.home) ?? holder.home;
  const pending = path.split(sep).filter(Boolean);
  let current: string = sep;
  let hops = 0;
  while (pending.length > 0) {
    const name = pending.shift() as string;
    if (name === ".") continue;
    if (name === "..") {
      current = dirname(current);
      continue;
    }
    const next = join(current, name);
    if (!isAncestorOrSelf(next, home) && !isHeldBy(current, uid, true)) return false;
    let st;
    try {
      st = lstatSync(next);
    } catch {
      return false;
    }
    if (st.isSymbolicLink()) {
      if ((st.uid !== uid && st.uid !== 0) || ++hops > MAX_LINK_HOPS) return false;
      let target;
      try {
        target = readlinkSync(next);
      } catch {
        return false;
      }
      pending.unshift(...target.split(sep).filter(Boolean));
      if (isAbsolute(target)) current = sep;
      continue;
    }
    current = next;
  }
  return isHeldBy(current, uid, false);
}

/**
 * The path to write for the running Node.js (`execPath`): the first `node` on `pathVariable` that is a symbolic
 * link resolving to the same file and held by the user or root all the way down (isPathHeldBy), else `execPath`
 * itself. Where there is no uid to check against (Windows), never a link. `name` is what the link is called.
 */
export function stableNodePath(
  execPath: string,
  pathVariable: string | undefined,
  platform: NodeJS.Platform,
  holder: PathHolder,
  name = platform === "win32" ? "node.exe" : "node",
): string {
  const target = realPath(execPath);
  if (!target || holder.uid === undefined) return execPath;
  for (const dir of (pathVariable ?? "").split(platform === "win32" ? ";" : delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (candidate === execPath || TRANSIENT_LINK_DIRECTORY.test(candidate)) continue;
    try {
      if (!lstatSync(candidate).isSymbolicLink()) continue;
    } catch {
      continue;
    }
    if (realPath(candidate) === target && isPathHeldBy(candidate, holder)) return candidate;
  }
  return execPath;
}

/**
 * The same for the single executable (an `aws-op` link on PATH): Linux gives a program its real path
 * (/proc/self/exe), so `~/.local/bin/aws-op`, a link to a versioned download, would otherwise be written as the
 * download's path, which the next version replaces.
 */
export function stableExecutablePath(
  execPath: string,
  pathVariable: string | undefined,
  platform: NodeJS.Platform,
  holder: PathHolder,
): string {
  return stableNodePath(execPath, pathVariable, platform, holder, platform === "win32" ? "aws-op.exe" : "aws-op");
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The words of an aws-op credential_process line that start aws-op: those before `process` or the first option.
 * Two for the npm package's line (Node.js, then the CLI script), one for the single executable's (or `aws-op`).
 */
function programWords(argv: readonly string[]): readonly string[] {
  const end = argv.findIndex((word) => word === "process" || word.startsWith("-"));
  return argv.slice(0, end === -1 ? argv.length : end);
}

/**
 * What is gone from an aws-op credential_process line: its Node.js or cli.js (the npm package's line), its
 * executable (the single executable's line), or nothing (undefined).
 */
export function missingInstallPart(
  line: string,
  platform: NodeJS.Platform,
): "node" | "cli.js" | "executable" | undefined {
  const parsed = parseCredentialProcessLine(line, platform);
  if (!parsed?.isAwsOp) return undefined;
  const [program, script] = programWords(parsed.argv);
  if (program && isAbsolute(program) && !isExecutable(program)) return script === undefined ? "executable" : "node";
  if (script && isAbsolute(script) && script.endsWith(".js") && !existsSync(script)) return "cli.js";
  return undefined;
}

/**
 * The line with the words that start aws-op (its Node.js and cli.js, or its executable) replaced by the running
 * install's, every other word kept. For the line setup writes (`PROGRAM process --profile NAME`) that is exactly
 * what setup would write now.
 */
export function repointedLine(line: string, platform: NodeJS.Platform, install: AwsOpProgram): string | undefined {
  const parsed = parseCredentialProcessLine(line, platform);
  if (!parsed?.isAwsOp) return undefined;
  const rest = parsed.argv.slice(programWords(parsed.argv).length);
  if (rest.length === 0) return undefined;
  if (rest.length === 3 && rest[0] === "process" && rest[1] === "--profile" && rest[2] !== undefined) {
    return buildCredentialProcessLine({ ...install, profile: rest[2] });
  }
  const head = buildCredentialProcessLine({ ...install, profile: "x" }).replace(/ process --profile x$/, "");
  return [head, ...rest.map((word) => quoteWord(word, "A credential_process word"))].join(" ");
}
