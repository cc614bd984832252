// `aws-op process`: run() and runCached(), the part that dist/cli.js serves on its own (src/cli-cached.ts).
import { describe, expect, it } from "vitest";
import { run, runCached } from "../../../src/commands/process.js";
import { awsItem, fakeWorld } from "./fake-context.js";

const CONFIG = "[profile work]\nregion = eu-central-1\nop_vault = Work\nop_item = AWS work\n";
const NO_SESSION =
  "[profile work]\nregion = eu-central-1\nop_vault = Work\nop_item = AWS work\nop_session_duration = off\n";

describe("process: runCached", () => {
  it("on a miss answers undefined without running op, calling STS or writing the cache", () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "long-term-secret"));
    expect(runCached({ profile: "work" }, world.ctx)).toBeUndefined();
    expect(world.opCalls).toEqual([]);
    expect(world.events).toEqual([]);
  });

  it("serves the session run() cached, with the same document, and nothing else", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "long-term-secret"));
    const fetched = await run({ profile: "work" }, world.ctx);
    const opCalls = world.opCalls.length;
    const events = world.events.length;
    expect(runCached({ profile: "work" }, world.ctx)).toBe(fetched);
    expect(await run({ profile: "work" }, world.ctx)).toBe(fetched);
    expect(world.opCalls).toHaveLength(opCalls);
    expect(world.events).toHaveLength(events);
    expect(JSON.parse(fetched)).toMatchObject({ AccessKeyId: "ASIASESSION000000001", AccountId: "123456789012" });
  });

  it("answers undefined for a session that is no longer fresh (run() then fetches a new one)", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "long-term-secret"));
    await run({ profile: "work" }, world.ctx);
    // The fake STS gives one-hour sessions; 41 minutes on, fewer than 20 are left.
    await world.ctx.sleep(41 * 60_000);
    expect(runCached({ profile: "work" }, world.ctx)).toBeUndefined();
  });

  it("answers undefined for a profile that is never cached (op_session_duration = off): long-term keys need op", () => {
    const world = fakeWorld(NO_SESSION, awsItem("AKIALONGTERM00000001", "long-term-secret"));
    expect(runCached({ profile: "work" }, world.ctx)).toBeUndefined();
    expect(world.opCalls).toEqual([]);
  });

  it("throws what run() throws for a profile it cannot resolve (the entry then hands over to the full CLI)", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "long-term-secret"));
    expect(() => runCached({ profile: "nope" }, world.ctx)).toThrow();
    await expect(run({ profile: "nope" }, world.ctx)).rejects.toThrow();
    expect(world.opCalls).toEqual([]);
  });
});
