// Every sandbox is scanned for its store's secrets after its test file (test/setup/canary-scan.ts). This proves
// the automatic scan can fail: a secret from the store that reaches stderr, a file, or a child's argv is found.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeStore, makeVault, scriptRecipeItem } from "../../fake-op/fixture.js";
import { createSandbox, scanCreatedSandboxes } from "../../helpers/sandbox.js";

const SECRET = "AutoCanaryLongTermSecret0123456789abcdef";
const SEED = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

function sandboxWithSecrets() {
  return createSandbox({
    store: makeStore({
      vaults: [
        makeVault("V", [
          scriptRecipeItem({ title: "t", accessKeyId: "AKIA1", secretAccessKey: SECRET, totpSecret: SEED }),
        ]),
      ],
    }),
  });
}

describe("automatic canary scan of sandboxes", () => {
  it("finds a store secret on stderr, in a file under HOME and in a child's argv", async () => {
    scanCreatedSandboxes();
    const sandbox = sandboxWithSecrets();
    await sandbox.exec("sh", ["-c", `echo "${SECRET}" >&2`]);
    writeFileSync(join(sandbox.home, "leak.txt"), `seed=${SEED}`);
    await sandbox.exec("sh", ["-c", 'op --version "$1" >/dev/null', "sh", SECRET]);
    const findings = scanCreatedSandboxes();
    expect(findings.some((f) => f.startsWith("long-term secret in stderr"))).toBe(true);
    expect(findings.some((f) => f.startsWith("OTP seed in file") && f.endsWith("leak.txt"))).toBe(true);
    expect(findings.some((f) => f.startsWith("long-term secret in argv/environment of a child"))).toBe(true);
  });

  it("allows the secrets a test itself planted in the AWS files", async () => {
    scanCreatedSandboxes();
    const sandbox = sandboxWithSecrets();
    sandbox.writeCredentials(`[p]\naws_access_key_id = AKIA1\naws_secret_access_key = ${SECRET}\n`);
    expect(scanCreatedSandboxes()).toEqual([]);
  });
});
