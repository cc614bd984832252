// After every test file: no secret of any sandbox's 1Password store (long-term secret keys, one-time password
// seeds) and no served session secret may appear anywhere but in credential output and the session cache. Then the
// file's temporary directories (sandbox homes, fake op stores, canary harnesses: test/helpers/temp-dirs.ts) are
// removed: the scan reads them, so it comes first.
import { afterAll } from "vitest";
import { scanCreatedSandboxes } from "../helpers/sandbox.js";
import { removeTempDirs } from "../helpers/temp-dirs.js";

afterAll(() => {
  let findings: string[];
  try {
    findings = scanCreatedSandboxes();
  } finally {
    for (const left of removeTempDirs()) console.warn(`Could not remove a test's temporary directory: ${left}`);
  }
  if (findings.length > 0) {
    throw new Error(`Secret canaries leaked:\n${[...new Set(findings)].map((f) => `  - ${f}`).join("\n")}`);
  }
});
