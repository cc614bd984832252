// runHelper (MFA dialogs, ykman, op_mfa_process) answers at its bound whatever the helper leaves running: a child in
// a session of its own (setsid) is outside the helper's process group, and if it holds the helper's stdout, a wait
// for that pipe to close lasted as long as the child (90 s in the report, past the Go SDK's 60 s limit). Real
// processes; the bounds are generous (they are what is tested, not speed).
import { describe, expect, it } from "vitest";
import { runHelper } from "../../../src/ui/helper-process.js";
import { hasProc, processesWithEnv, waitForEnvProcessesToEnd } from "../../helpers/processes.js";

/** Runs `script` in sh as a helper, with a marker in its environment that finds whatever it left behind. */
async function run(script: string, timeoutMs: number) {
  const marker = `aws-op-test-${process.pid}-${Date.now()}-${Math.random()}`;
  const started = Date.now();
  try {
    const result = await runHelper(["sh", "-c", script], {
      env: { PATH: process.env.PATH, AWS_OP_TEST_MARKER: marker },
      timeoutMs,
    });
    const ms = Date.now() - started;
    // SIGKILL takes effect asynchronously (on a loaded machine, after the answer): what was killed is gone within
    // moments, what was missed runs on (the helpers here sleep 30 s).
    return { result, ms, leftovers: await waitForEnvProcessesToEnd("AWS_OP_TEST_MARKER", marker) };
  } finally {
    for (const pid of processesWithEnv("AWS_OP_TEST_MARKER", marker)) process.kill(pid, "SIGKILL");
  }
}

describe.runIf(hasProc)("runHelper bounds", () => {
  it("a helper that prints its code and exits, leaving a setsid child on its stdout, is answered at once", async () => {
    // The subshell exits at once: its setsid child belongs to init then, holding the pipe.
    const { result, ms } = await run("(setsid sleep 30 &); echo 123456", 20_000);
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(result.stdout.trim()).toBe("123456");
    expect(ms).toBeLessThan(10_000);
  });

  it("a helper that hangs with a setsid child on its stdout is killed and answered at the timeout", async () => {
    const { result, ms } = await run("setsid sleep 30 & sleep 30", 1_000);
    expect(result.timedOut).toBe(true);
    expect(ms).toBeLessThan(1_000 + 5_000);
  });

  it("at the timeout, the helper's group and its descendants in sessions of their own are killed", async () => {
    // sh's children: a sleep in its group, and one that setsid moved to a session of its own (still sh's child).
    const { result, leftovers } = await run("sleep 30 & setsid sleep 30 & wait", 1_000);
    expect(result.timedOut).toBe(true);
    expect(leftovers).toEqual([]);
  });
});
