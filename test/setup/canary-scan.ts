// After every test file: no secret of any sandbox's 1Password store (long-term secret keys, one-time password
// seeds) and no served session secret may appear anywhere but in credential output and the session cache.
import { afterAll } from "vitest";
import { scanCreatedSandboxes } from "../helpers/sandbox.js";

afterAll(() => {
  const findings = scanCreatedSandboxes();
  if (findings.length > 0) {
    throw new Error(`Secret canaries leaked:\n${[...new Set(findings)].map((f) => `  - ${f}`).join("\n")}`);
  }
});
