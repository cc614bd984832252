// vitest globalSetup: the whole run gets its own TMPDIR, a fresh private directory under the machine's temp
// directory, and it is removed at teardown, so that test runs never fill /tmp (a CI machine runs the suite three
// times per build). It is set before vitest starts its workers (the forks pool hands them process.env as it is
// then), so os.tmpdir() in every test, and in every child a test starts with the inherited environment, is inside.
// What the tests left in it is counted and printed before removal: a leak stays visible without failing the run.
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeTree } from "../helpers/temp-dirs.js";

/** "3 left: 2 aws-op-x-*, 1 y-*": names without their random ending (mkdtemp's, mktemp's), most first. */
export function describeLeftovers(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const name of names) {
    const pattern = /^(.*[^A-Za-z0-9])[A-Za-z0-9]{6,}$/.exec(name)?.[1];
    const key = pattern ? `${pattern}*` : name;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([key, count]) => `${count} ${key}`);
  return `${names.length} left${parts.length > 0 ? `: ${parts.join(", ")}` : ""}`;
}

export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), "aws-op-test-run-"));
  process.env.TMPDIR = dir;
  return () => {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      // Already gone.
    }
    console.log(`Test run TMPDIR ${dir}: ${describeLeftovers(names)} by the tests; removing it.`);
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    const failure = removeTree(dir);
    if (failure) console.warn(`Could not remove the test run's TMPDIR: ${failure}`);
  };
}
