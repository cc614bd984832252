// A PATH with no `node` on it, for the end-to-end pass against the single executable (AWS_OP_TEST_EXE): what a
// machine without Node.js has. Every directory that holds a `node` is replaced by a mirror of it without one (a
// private directory of symbolic links to its other entries), so sh, the AWS CLI and the rest stay where they were
// found. /usr/bin holds the machine's own Node.js, so dropping directories would not do.
import { existsSync, readdirSync, realpathSync, statSync, symlinkSync } from "node:fs";
import { delimiter, join } from "node:path";
import { makeTempDir } from "./temp-dirs.js";

const NODE_NAMES = new Set(["node", "nodejs"]);

/** Mirrors made by this process, by the real path of the directory they mirror. */
const mirrors = new Map<string, string>();

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The directories of `path` that hold an executable named node (or nodejs). */
export function nodeDirectoriesOn(path: string | undefined): string[] {
  return (path ?? "").split(delimiter).filter((dir) => dir && [...NODE_NAMES].some((n) => isFile(join(dir, n))));
}

function mirrorWithoutNode(dir: string): string {
  const real = realpathSync(dir);
  const known = mirrors.get(real);
  if (known && existsSync(known)) return known;
  // Removed after the test file, like every temp directory (a later file of the same worker makes its own).
  const mirror = makeTempDir("no-node-path-");
  for (const name of readdirSync(real)) {
    if (!NODE_NAMES.has(name)) symlinkSync(join(real, name), join(mirror, name));
  }
  mirrors.set(real, mirror);
  return mirror;
}

/** `path` with every directory that holds a node replaced by a mirror without it. */
export function pathWithoutNode(path: string | undefined): string {
  const dirs = (path ?? "").split(delimiter).filter(Boolean);
  const holding = new Set(nodeDirectoriesOn(path));
  return dirs.map((dir) => (holding.has(dir) ? mirrorWithoutNode(dir) : dir)).join(delimiter);
}
