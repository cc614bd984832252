// runOp against the built fake op: op runs in the caller's session and process group (never detached: the desktop
// app approves per terminal session), a hung op is killed by its pid at the timeout and nothing is left behind, and
// the failure is a message, not a hang.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runOp } from "../../../src/onepassword/run-op.js";
import {
  createTempStore,
  ensureFakeOpBuilt,
  env as fakeOpEnv,
  fakeOpPath,
  makeStore,
  readCallLog,
} from "../../fake-op/fixture.js";
import {
  hasProc,
  processIds,
  processesWithEnv,
  waitForEnvProcessesToEnd,
  waitForProcessToEnd,
} from "../../helpers/processes.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

describe.runIf(hasProc)("runOp", () => {
  beforeAll(async () => {
    await ensureFakeOpBuilt();
  }, 60_000);

  it("runs op in the caller's own session and process group, as the caller's child", async () => {
    const store = createTempStore(makeStore());
    const result = await runOp({
      cli: fakeOpPath,
      args: ["--version"],
      env: { PATH: process.env.PATH, ...fakeOpEnv({ store: store.storePath, log: store.logPath }) },
      timeoutMs: 10_000,
    });
    expect(result.exitCode).toBe(0);
    const me = processIds("self")!;
    const [call] = readCallLog(store.logPath);
    expect(call).toMatchObject({ ppid: process.pid, sid: me.sid, pgid: me.pgid });
  });

  it("kills a hung op by its pid at the timeout, leaves nothing behind, and reports the timeout", async () => {
    const store = createTempStore(makeStore());
    const running = runOp({
      cli: fakeOpPath,
      args: ["item", "get", "x", "--format", "json"],
      env: { PATH: process.env.PATH, ...fakeOpEnv({ store: store.storePath, log: store.logPath, fail: "hang" }) },
      timeoutMs: 1_500,
    });
    await expect(running).rejects.toThrow(/did not answer within 1\.5 s and was stopped/);
    const [call] = readCallLog(store.logPath);
    expect(call?.pid).toBeGreaterThan(0);
    // Not detached: op was in our session and group, so only a kill by pid could end it without ending us.
    expect(call).toMatchObject({ sid: processIds("self")!.sid, pgid: processIds("self")!.pgid });
    expect(await waitForProcessToEnd(call!.pid)).toBe(true);
    expect(await waitForEnvProcessesToEnd("FAKE_OP_STORE", store.storePath)).toEqual([]);
  });
});

describe.runIf(hasProc)("runOp answers at the timeout, whatever op_cli started", () => {
  beforeAll(async () => {
    await ensureFakeOpBuilt();
  }, 60_000);

  it("op_cli a wrapper that runs op as its child: both are killed by pid, and the answer comes at the bound", async () => {
    const store = createTempStore(makeStore());
    const dir = makeTempDir("aws-op-op-wrapper-");
    const wrapper = join(dir, "op");
    // Not `exec`: op runs as the wrapper's child, as in version managers' shims.
    writeFileSync(wrapper, `#!/bin/sh\n'${fakeOpPath}' "$@"\nexit $?\n`, { mode: 0o755 });
    const started = Date.now();
    const running = runOp({
      cli: wrapper,
      args: ["item", "get", "x", "--format", "json"],
      env: { PATH: process.env.PATH, ...fakeOpEnv({ store: store.storePath, log: store.logPath, fail: "hang" }) },
      timeoutMs: 1_500,
    });
    await expect(running).rejects.toThrow(/did not answer within 1\.5 s and was stopped/);
    // A bound, not a speed: before, this waited for op, which holds the pipes and never ends.
    expect(Date.now() - started).toBeLessThan(1_500 + 5_000);
    const [call] = readCallLog(store.logPath);
    expect(call?.ppid).not.toBe(process.pid); // op was the wrapper's child
    expect(call).toMatchObject({ sid: processIds("self")!.sid, pgid: processIds("self")!.pgid });
    expect(await waitForEnvProcessesToEnd("FAKE_OP_STORE", store.storePath)).toEqual([]);
  });

  it("a process op_cli left behind that holds the pipes (unreachable by pid) does not hold aws-op past the bound", async () => {
    const marker = `aws-op-test-${process.pid}-${Date.now()}`;
    const started = Date.now();
    const running = runOp({
      cli: "/bin/sh",
      // The subshell exits at once: its setsid child belongs to init then, with the pipes still open.
      args: ["-c", "(setsid sleep 30 &); sleep 30"],
      env: { PATH: process.env.PATH, AWS_OP_TEST_MARKER: marker },
      timeoutMs: 1_000,
    });
    try {
      await expect(running).rejects.toThrow(/did not answer within 1 s/);
      expect(Date.now() - started).toBeLessThan(1_000 + 5_000);
    } finally {
      for (const pid of processesWithEnv("AWS_OP_TEST_MARKER", marker)) process.kill(pid, "SIGKILL");
    }
  });
});

describe("runOp output is bounded (issue 13, item 9)", () => {
  it("560 MB of op output ends in a clean error, not ERR_STRING_TOO_LONG, and op is stopped", async () => {
    const started = Date.now();
    const running = runOp({
      cli: "/bin/sh",
      args: ["-c", "head -c 587202560 /dev/zero"],
      env: { PATH: process.env.PATH },
      timeoutMs: 30_000,
    });
    await expect(running).rejects.toThrow(/The 1Password CLI printed more than 64 MB/);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 40_000);
});
