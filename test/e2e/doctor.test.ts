// aws-op doctor end to end: every check passing against the fake op and moto, and failing lines with their fix.
import { describe, expect, it } from "vitest";
import { requireTools } from "../helpers/moto.js";
import { useAliceWorld } from "../helpers/alice-world.js";
import { type Sandbox } from "../helpers/sandbox.js";

const tools = requireTools(["moto_server"]);

describe.skipIf(!tools.available)("aws-op doctor end to end", () => {
  let sandbox: Sandbox;
  let alice: { accessKeyId: string; secretAccessKey: string; arn: string };

  useAliceWorld({}, async (world) => {
    ({ sandbox, alice } = world);
    const setup = await sandbox.run(["setup", "work", "--vault", "Work", "--item", "AWS work", "--offline"]);
    expect(setup.status).toBe(0);
  });

  it("passes every check in order, shows the identity from STS, exits 0, and uses no colour off a terminal", async () => {
    const result = await sandbox.run(["doctor"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.map((l) => l.split(":")[0])).toEqual([
      "✓ Node.js version",
      "✓ 1Password CLI found",
      "✓ 1Password signed in",
      "✓ AWS config files readable",
      "✓ profile names every AWS client reads alike",
      "✓ section headers every AWS client reads alike",
      "✓ no duplicate sections or keys",
      "✓ [work] settings",
      "✓ [work] credential_process runnable",
      "✓ [work] no static keys shadowing it",
      "✓ [work] 1Password item and fields",
      "✓ [work] access key age",
      "✓ [work] STS GetCallerIdentity",
      "✓ session cache private",
      "All checks passed.",
    ]);
    // moto's IAM lists the key the test just created: 0 days old.
    expect(result.stdout).toMatch(/✓ \[work\] access key age: 0 days old \(created \d{4}-\d\d-\d\d\)\n/);
    expect(result.stdout).toContain(`✓ [work] STS GetCallerIdentity: ${alice.arn}`);
    expect(result.stdout).not.toContain(alice.secretAccessKey);
    expect(result.stdout).not.toContain("\u001b[");
    // For docs/setup.md: the real output of a passing run.
    console.log(result.stdout.replaceAll(sandbox.home, "~"));
  });

  it("--json reports the same checks; static keys that shadow the profile fail with the fix and exit 1", async () => {
    sandbox.writeCredentials(`[work]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = x\n`);
    try {
      const result = await sandbox.run(["doctor", "--json", "--offline"]);
      expect(result.status).toBe(1);
      const report = JSON.parse(result.stdout) as { ok: boolean; checks: { id: string; ok: boolean; fix?: string }[] };
      expect(report.ok).toBe(false);
      expect(report.checks.filter((c) => !c.ok)).toEqual([
        expect.objectContaining({ id: "no-static-keys", fix: "aws-op import work --vault Work" }),
      ]);
      expect(report.checks.some((c) => c.id === "sts")).toBe(false);
      const human = await sandbox.run(["doctor", "--offline"]);
      expect(human.stdout).toContain("    fix: aws-op import work --vault Work\n");
      expect(human.stdout).toContain("1 check failed.");
    } finally {
      sandbox.writeCredentials("");
    }
  });

  it("a signed-out 1Password fails the sign-in and item checks, naming the fix", async () => {
    const result = await sandbox.run(["doctor", "--offline"], { env: { FAKE_OP_FAIL: "not-signed-in" } });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/✗ 1Password signed in: .*[Ss]igned in/);
    expect(result.stdout).toContain("✗ [work] 1Password item and fields");
  });

  it("shows op's version against what each command needs; an op older than rotate's 2.23 fails with the fix", async () => {
    const current = await sandbox.run(["doctor", "--offline"]);
    expect(current.stdout).toMatch(
      /✓ 1Password CLI found: op 2\.32\.0 \(process, exec, env, setup, import, doctor: 2\.x ok; rotate 2\.23\+ ok\)/,
    );
    const old = await sandbox.run(["doctor", "--offline"], { env: { FAKE_OP_VERSION: "2.22.1" } });
    expect(old.status).toBe(1);
    expect(old.stdout).toMatch(/✗ 1Password CLI found: op 2\.22\.1 \(.*rotate 2\.23\+ TOO OLD\)/);
    expect(old.stdout).toMatch(
      /fix: rotate needs 2\.23 or later \(a template on stdin for op item edit\)\. Update the 1Password CLI: run "op update"/,
    );
    const serviceAccount = await sandbox.run(["doctor", "--offline"], {
      env: { FAKE_OP_VERSION: "2.17.0", OP_SERVICE_ACCOUNT_TOKEN: "ops_x" },
    });
    expect(serviceAccount.stdout).toMatch(/service accounts \(OP_SERVICE_ACCOUNT_TOKEN\) 2\.18\+ TOO OLD/);
  });
});
