// A slow 1Password approval followed by a stalled STS must still end before the Go SDK's 60 s kill: STS gets only
// what is left of the fetch budget (FETCH_BUDGET_MS), never less than STS_MIN_BUDGET_MS nor more than one call's cap.
import { describe, expect, it } from "vitest";
import { STS_CALL_TIMEOUT_MS } from "../../../src/aws/sts.js";
import type { ProfileSettings } from "../../../src/config/profile.js";
import { getCredentials, type ProviderDeps } from "../../../src/providers/chain.js";
import { FETCH_BUDGET_MS, STS_MIN_BUDGET_MS, stsTimeoutMs } from "../../../src/providers/provider.js";
import { DEFAULT_OP_TIMEOUT_MS } from "../../../src/onepassword/client.js";
import { fakeSts } from "../../helpers/fake-sts.js";
import { opInMemory, type FakeItem } from "../../helpers/op-in-memory.js";

const ITEM = JSON.stringify({
  id: "i",
  title: "AWS",
  vault: { id: "v", name: "Work" },
  fields: [
    { id: "a", type: "STRING", label: "aws_access_key_id", value: "AKIABUDGET0000000001" },
    { id: "b", type: "CONCEALED", label: "aws_secret_access_key", value: "secret" },
  ],
});

function setup(opMs: number) {
  const clock = { now: Date.parse("2026-11-25T12:00:00Z") };
  const timeouts: { op: string; timeoutMs: number | undefined }[] = [];
  const { sts } = fakeSts({
    now: () => clock.now,
    // GetCallerIdentity (the session's account) is not a credential call: it has its own cap.
    onCall: (call) => {
      if (call.op !== "GetCallerIdentity") timeouts.push({ op: call.op, timeoutMs: call.params.timeoutMs });
    },
  });
  // The person takes opMs to approve.
  const op = opInMemory(JSON.parse(ITEM) as FakeItem, { beforeAnswer: () => void (clock.now += opMs) });
  const deps: ProviderDeps = {
    env: {},
    home: "/nonexistent-home",
    now: () => new Date(clock.now),
    runOp: op.run,
    sts,
    cache: undefined,
    warn: () => undefined,
    sleep: async (ms) => {
      clock.now += ms;
    },
    loadProfile: () => {
      throw new Error("none");
    },
    userName: "u",
  };
  return { deps, timeouts };
}

const settings: ProfileSettings = {
  profile: "p",
  item: "AWS",
  sessionDuration: 3600,
  region: "us-east-1",
  opCli: "op",
  opTimeoutMs: DEFAULT_OP_TIMEOUT_MS,
};

describe("time budget of one fetch", () => {
  it("the budget and the op timeout leave room under the Go SDK's 60 s kill", () => {
    expect(FETCH_BUDGET_MS).toBeLessThan(60_000);
    expect(DEFAULT_OP_TIMEOUT_MS + STS_MIN_BUDGET_MS).toBeLessThanOrEqual(FETCH_BUDGET_MS);
  });

  it("a fast approval gives STS one call's full cap", async () => {
    const { deps, timeouts } = setup(1_000);
    await getCredentials(settings, deps);
    expect(timeouts).toEqual([{ op: "GetSessionToken", timeoutMs: STS_CALL_TIMEOUT_MS }]);
  });

  it("a slow approval (45 s) leaves STS only the rest of the budget", async () => {
    const { deps, timeouts } = setup(45_000);
    await getCredentials(settings, deps);
    expect(timeouts).toEqual([{ op: "GetSessionToken", timeoutMs: FETCH_BUDGET_MS - 45_000 }]);
  });

  it("an approval just inside the op timeout still gives STS the minimum, and the total stays under 60 s", async () => {
    const { deps, timeouts } = setup(DEFAULT_OP_TIMEOUT_MS - 100);
    await getCredentials(settings, deps);
    const sts = timeouts[0]?.timeoutMs ?? Infinity;
    expect(sts).toBe(Math.max(STS_MIN_BUDGET_MS, FETCH_BUDGET_MS - DEFAULT_OP_TIMEOUT_MS + 100));
    expect(DEFAULT_OP_TIMEOUT_MS + sts).toBeLessThan(60_000);
  });

  it("a role on a session shares the budget: AssumeRole gets what the session fetch left", async () => {
    const { deps, timeouts } = setup(40_000);
    await getCredentials({ ...settings, role: { roleArn: "arn:aws:iam::1:role/r", durationSeconds: 3600 } }, deps);
    expect(timeouts).toEqual([
      { op: "GetSessionToken", timeoutMs: FETCH_BUDGET_MS - 40_000 },
      { op: "AssumeRole", timeoutMs: FETCH_BUDGET_MS - 40_000 },
    ]);
  });

  it("a federation token for console sign-in gets what the approval left", async () => {
    const { deps, timeouts } = setup(45_000);
    await getCredentials(settings, deps, "console");
    expect(timeouts).toEqual([{ op: "GetFederationToken", timeoutMs: FETCH_BUDGET_MS - 45_000 }]);
  });

  it("stsTimeoutMs is clamped between the minimum and one call's cap", () => {
    const start = 1_000_000;
    expect(stsTimeoutMs(start, new Date(start))).toBe(STS_CALL_TIMEOUT_MS);
    expect(stsTimeoutMs(start, new Date(start + 54_000))).toBe(STS_MIN_BUDGET_MS);
    expect(stsTimeoutMs(start, new Date(start + 120_000))).toBe(STS_MIN_BUDGET_MS);
  });
});
