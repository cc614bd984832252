// runOp against the built fake op: a hung op is killed together with everything it started (its process group),
// and the failure is a message, not a hang.
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
import { hasProc, waitForGroupToEnd } from "../../helpers/processes.js";

describe.runIf(hasProc)("runOp timeout", () => {
  beforeAll(async () => {
    await ensureFakeOpBuilt();
  }, 60_000);

  it("kills a hung op together with the child it started, and reports the timeout", async () => {
    const store = createTempStore(makeStore());
    const running = runOp({
      cli: fakeOpPath,
      args: ["item", "get", "x", "--format", "json"],
      env: { PATH: process.env.PATH, ...fakeOpEnv({ store: store.storePath, log: store.logPath, fail: "hang" }) },
      timeoutMs: 1_500,
    });
    await expect(running).rejects.toThrow(/did not answer within 1\.5 s and was stopped/);
    // op ran in its own process group (its pid), where the double left a `sleep` child.
    const pgid = readCallLog(store.logPath)[0]?.pid ?? 0;
    expect(pgid).toBeGreaterThan(0);
    expect(await waitForGroupToEnd(pgid)).toEqual([]);
  });
});
