// Temporary directories of one test file: made under the run's TMPDIR (test/setup/private-tmpdir.ts) and removed
// after the file (test/setup/canary-scan.ts, after its secret scan, which reads them). Only Node built-ins: the
// fake op's fixtures, which use this, are bundled for `npm run demo` too.
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const created: string[] = [];

/** A fresh private (0700) directory `<TMPDIR>/<prefix>XXXXXX`, removed after the test file. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Give the owner back what a test took away (a 0500 or 0000 directory), so that the tree can be removed. */
function makeRemovable(path: string): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  if (!stat.isDirectory()) return;
  try {
    chmodSync(path, 0o700);
    for (const name of readdirSync(path)) makeRemovable(join(path, name));
  } catch {
    // Not ours to change (a mount, another user's file): rmSync says what is left.
  }
}

/** Remove a directory tree; returns the error's text when something could not be removed. */
export function removeTree(dir: string): string | undefined {
  const remove = () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  try {
    remove();
    return undefined;
  } catch {
    makeRemovable(dir);
    try {
      remove();
      return undefined;
    } catch (error) {
      return `${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
    }
  }
}

/** Remove every directory made by makeTempDir so far; returns what could not be removed. */
export function removeTempDirs(): string[] {
  return created.splice(0).flatMap((dir) => removeTree(dir) ?? []);
}
