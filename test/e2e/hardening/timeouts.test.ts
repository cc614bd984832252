// The timeouts bound aws-op itself, whatever the programs it starts leave running: `process` answers within the
// timeout plus a few seconds when op_cli is a wrapper that runs op as its child (shims do), and an op_mfa_process
// that leaves a child in a session of its own holding its stdout is answered as soon as it has printed its code.
// Before, aws-op waited for the pipes to close: 40 s for AWS_OP_TIMEOUT=3, and 90 s for the MFA helper, past the
// Go SDK's 60 s limit. The bounds asserted here are generous: they are the behaviour, not a speed.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeOpPath, scriptRecipeItem } from "../../fake-op/fixture.js";
import { awsConfig } from "../../helpers/alice-world.js";
import { canarySecretKey } from "../../helpers/canary.js";
import { hasProc, processesWithEnv, waitForEnvProcessesToEnd } from "../../helpers/processes.js";
import type { RunResult, Sandbox } from "../../helpers/sandbox.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";
import { expectCleanFailure, useFakeStsWorld, type FakeSts } from "./fake-sts.js";

const KEY = { accessKeyId: "AKIATIMEOUTS00000001", secretAccessKey: canarySecretKey() };
const SERIAL = "arn:aws:iam::123456789012:mfa/timeouts";

describe.runIf(hasProc)("timeouts bound aws-op, not just op", () => {
  let sts: FakeSts;
  let sandbox: Sandbox;
  const bin = makeTempDir("aws-op-timeouts-");
  // Not `exec`: op runs as the wrapper's child.
  const wrapper = join(bin, "op-wrapper");
  writeFileSync(wrapper, `#!/bin/sh\n'${fakeOpPath}' "$@"\nexit $?\n`, { mode: 0o755 });
  // Prints the code, leaving a setsid child (init's once the subshell is gone) on its stdout.
  const mfaHelper = join(bin, "mfa-helper");
  writeFileSync(mfaHelper, "#!/bin/sh\n(setsid sleep 120 &)\necho 123456\n", { mode: 0o755 });

  useFakeStsWorld(
    {
      items: [scriptRecipeItem({ title: "plain", ...KEY })],
      config: awsConfig({
        plain: { op_vault: "Work", op_item: "plain" },
        helper: { op_vault: "Work", op_item: "plain", op_mfa_serial: SERIAL, op_mfa_process: mfaHelper },
      }),
      secrets: [KEY.secretAccessKey],
    },
    (world) => ({ sts, sandbox } = world),
  );

  /** Run process, timed; whatever it left behind (found by a marker in the environment) is killed afterwards. */
  async function timedProcess(
    profile: string,
    env: Record<string, string>,
  ): Promise<{ result: RunResult; ms: number }> {
    const marker = `aws-op-test-${process.pid}-${Date.now()}`;
    const started = Date.now();
    try {
      const result = await sandbox.run(["process", "--profile", profile], {
        env: { ...env, AWS_OP_TEST_MARKER: marker },
        timeoutMs: 40_000,
      });
      return { result, ms: Date.now() - started };
    } finally {
      for (const pid of processesWithEnv("AWS_OP_TEST_MARKER", marker)) process.kill(pid, "SIGKILL");
    }
  }

  it("op_cli a wrapper running op as its child: AWS_OP_TIMEOUT=3 ends aws-op within the timeout plus a few seconds, op with it", async () => {
    const { result, ms } = await timedProcess("plain", {
      AWS_OP_CLI: wrapper,
      AWS_OP_TIMEOUT: "3",
      FAKE_OP_FAIL: "hang",
    });
    expectCleanFailure(result, /did not answer within 3 s and was stopped/);
    expect(ms).toBeLessThan(3_000 + 7_000);
    // op (the wrapper's child, in aws-op's session and group) was killed by its pid.
    expect(await waitForEnvProcessesToEnd("FAKE_OP_STORE", sandbox.store.storePath)).toEqual([]);
  }, 50_000);

  it("an op_mfa_process that leaves a setsid child holding its stdout: its code is used at once", async () => {
    const { result, ms } = await timedProcess("helper", {});
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(sts.requests.filter((r) => r.action === "GetSessionToken").at(-1)?.tokenCode).toBe("123456");
    expect(ms).toBeLessThan(10_000);
  }, 50_000);
});
