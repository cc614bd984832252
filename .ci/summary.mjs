// The closing lines of .ci/run: for each Node.js pass and the single executables' (a line "VERSION SECONDS EXIT" in
// the file named by argv[2], VERSION "executable" for the latter; its vitest JSON report in
// .tmp/vitest-node-VERSION.json) the tests passed and failed, how many of them were
// end-to-end tests (test/e2e/), and the time; then each failed test by name with the first line of its failure
// (the closing lines may be all of a CI log that someone gets to read); then the totals as a plain
// "N passed, N failed, N skipped" line.
// A pass without a report (npm ci or the build failed before the tests) counts as a failure.
import { existsSync, readFileSync } from "node:fs";
import { relative as relativePath, sep } from "node:path";
import { stripVTControlCharacters } from "node:util";

const relative = (path) => relativePath(process.cwd(), path);
// The first line of a failure message, plain (vitest's colours removed), at most 300 characters, as ": LINE".
const firstLine = (message) => {
  const line =
    stripVTControlCharacters(message ?? "")
      .split("\n")[0]
      ?.trim() ?? "";
  return line ? `: ${line.slice(0, 300)}` : "";
};

const passes = readFileSync(process.argv[2], "utf8")
  .trim()
  .split("\n")
  .map((line) => {
    const [version, seconds, exit] = line.split(" ");
    return { version, seconds: Number(seconds), exit: Number(exit) };
  });

const totals = { passed: 0, failed: 0, skipped: 0 };
const e2e = [];
const failures = [];
let broken = false;
for (const pass of passes) {
  const report = `.tmp/vitest-node-${pass.version}.json`;
  // The single executables' pass (VERSION "executable") runs on a Node.js of its own.
  const name = pass.version === "executable" ? "Single executable" : `Node.js ${pass.version}`;
  if (!existsSync(report)) {
    console.log(`${name}: no test report (exit ${pass.exit} before the tests ran), ${pass.seconds} s`);
    broken = true;
    continue;
  }
  const r = JSON.parse(readFileSync(report, "utf8"));
  const count = { passed: 0, failed: 0, skipped: 0, e2ePassed: 0, e2eFailed: 0 };
  for (const file of r.testResults) {
    const isE2e = file.name.includes(`${sep}test${sep}e2e${sep}`);
    for (const test of file.assertionResults) {
      const kind = test.status === "passed" ? "passed" : test.status === "failed" ? "failed" : "skipped";
      count[kind] += 1;
      if (isE2e && kind === "passed") count.e2ePassed += 1;
      if (isE2e && kind === "failed") count.e2eFailed += 1;
      if (kind === "failed")
        failures.push(`${name}: ${relative(file.name)} > ${test.fullName}${firstLine(test.failureMessages?.[0])}`);
    }
    // A file that failed to load has no assertion results but is a failure.
    if (file.status === "failed" && file.assertionResults.length === 0) {
      count.failed += 1;
      failures.push(`${name}: ${relative(file.name)} did not load${firstLine(file.message)}`);
    }
  }
  totals.passed += count.passed;
  totals.failed += count.failed;
  totals.skipped += count.skipped;
  e2e.push(`${count.e2ePassed + count.e2eFailed} on ${name}`);
  console.log(
    `${name}: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped ` +
      `(end-to-end: ${count.e2ePassed} passed, ${count.e2eFailed} failed), exit ${pass.exit}, ${pass.seconds} s`,
  );
}
console.log(`End-to-end tests run: ${e2e.join(", ")}`);
for (const failure of failures) console.log(`FAILED ${failure}`);
console.log(`${totals.passed} passed, ${totals.failed + (broken ? 1 : 0)} failed, ${totals.skipped} skipped`);
process.exitCode = broken ? 1 : 0;
