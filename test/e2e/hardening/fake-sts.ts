// The world of the fault tests (useFakeStsWorld): the one fake STS over HTTP (test/helpers/fake-sts-server.ts)
// and a sandbox pointed at it, and what every failure they provoke must look like.
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { makeStore } from "../../fake-op/fixture.js";
import type { StoreItem } from "../../fake-op/store.js";
import { createCanaryHarness, type CanaryHarness } from "../../helpers/canary.js";
import { startFakeSts, type FakeSts } from "../../helpers/fake-sts-server.js";
import { createSandbox, type RunResult, type Sandbox } from "../../helpers/sandbox.js";

export {
  sessionKeyFor,
  startFakeSts,
  stsError,
  type FakeSts,
  type StsReply,
  type StsRequest,
} from "../../helpers/fake-sts-server.js";

/** A failure of `process` as an AWS tool must see it: exit 1, nothing on stdout, aws-op's message saying `message`. */
export function expectCleanFailure(result: RunResult, message: RegExp): void {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/^aws-op: /);
  expect(result.stderr).toMatch(message);
}

export interface FakeStsWorld {
  sts: FakeSts;
  sandbox: Sandbox;
  canaries: CanaryHarness;
}

/**
 * For one describe block: the fake STS, and a sandbox pointed at it whose store holds `items` in vault Work, with
 * `config` written and every run recorded for the canary scan (`secrets` and `otpSeeds` are canaries). Before each
 * test, no requests are left, STS answers with credentials, and the cache is empty; the STS stops after the block.
 */
export function useFakeStsWorld(
  options: { items: StoreItem[]; config: string; secrets: string[]; otpSeeds?: string[] },
  use: (world: FakeStsWorld) => void,
): void {
  let world: FakeStsWorld | undefined;
  beforeAll(async () => {
    const sts = await startFakeSts();
    const canaries = createCanaryHarness();
    for (const secret of options.secrets) canaries.longTermSecrets.add(secret);
    for (const seed of options.otpSeeds ?? []) canaries.otpSeeds.add(seed);
    const sandbox = createSandbox(
      canaries.sandboxOptions({
        endpoint: sts.url,
        store: makeStore({ vault: "Work", items: options.items }),
      }),
    );
    sandbox.writeConfig(options.config);
    world = { sts, sandbox, canaries };
    use(world);
  });
  afterAll(async () => {
    await world?.sts.stop();
  });
  beforeEach(async () => {
    if (!world) return;
    world.sts.requests.length = 0;
    world.sts.reply = () => ({ kind: "credentials" });
    await world.sandbox.run(["clear", "--all"]);
  });
}
