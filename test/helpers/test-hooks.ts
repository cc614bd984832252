// The names of every test hook (an environment variable the tests, the benchmark or the fake op read), found in their
// sources so that a new one is covered: what no shipped build (the npm package's dist/, the single executables) may
// hold.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../fake-op/fixture.js";

/** Every AWS_OP_TEST_* and FAKE_OP_* name in test/, bench/ and scripts/, plus the two prefixes themselves. */
export function testHookNames(): string[] {
  const names = new Set<string>();
  for (const dir of ["test", "bench", "scripts"]) {
    for (const file of readdirSync(join(repoRoot, dir), { recursive: true }) as string[]) {
      if (!/\.(ts|mts|mjs|cjs|js)$/.test(file)) continue;
      const text = readFileSync(join(repoRoot, dir, file), "utf8");
      for (const [name] of text.matchAll(/\b(?:AWS_OP_TEST_[A-Z0-9_]+|FAKE_OP_[A-Z0-9_]+)\b/g)) names.add(name);
    }
  }
  return [...names, "AWS_OP_TEST", "FAKE_OP_"];
}
