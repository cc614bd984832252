// The 1Password app approves the CLI per terminal session: an op started in a session of its own (setsid, Node's
// `detached: true`) would need an approval of its own on every cold call. So every op call aws-op makes must run in
// aws-op's own session and process group. The double records both for each call; this test, which starts aws-op
// as a plain child (sharing its session and group), compares them with its own. rotate's calls are checked in
// rotate.test.ts (it needs IAM).
import { beforeAll, describe, expect, it } from "vitest";
import { ensureFakeOpBuilt, makeStore, readCallLog, scriptRecipeItem } from "../fake-op/fixture.js";
import { expectCallsInCallerSession, hasProc } from "../helpers/processes.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

describe.runIf(hasProc)("every op call runs in the caller's terminal session", () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    await ensureFakeOpBuilt();
    sandbox = createSandbox({
      store: makeStore({
        vault: "Work",
        items: [scriptRecipeItem({ title: "AWS work", accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: SECRET })],
      }),
    });
    sandbox.writeCredentials(
      "[plain]\naws_access_key_id = AKIAPLAIN00000000001\naws_secret_access_key = plainsecret\n",
    );
  }, 60_000);

  const since = () => readCallLog(sandbox.store.logPath).length;

  it("setup --vault V --item I", async () => {
    const from = since();
    const result = await sandbox.run(["setup", "work", "--vault", "Work", "--item", "AWS work", "--offline"]);
    expect(result.status).toBe(0);
    expectCallsInCallerSession(sandbox.store.logPath, from);
  });

  it("process", async () => {
    const from = since();
    const result = await sandbox.run(["process", "--profile", "work", "--session-duration", "off"]);
    expect(result.status).toBe(0);
    expectCallsInCallerSession(sandbox.store.logPath, from);
  });

  it("import", async () => {
    const from = since();
    const result = await sandbox.run(["import", "plain", "--vault", "Work"]);
    expect(result.status).toBe(0);
    expect(
      readCallLog(sandbox.store.logPath)
        .slice(from)
        .some((c) => c.argv[1] === "create"),
    ).toBe(true);
    expectCallsInCallerSession(sandbox.store.logPath, from);
  });

  it("doctor", async () => {
    const from = since();
    await sandbox.run(["doctor", "--offline"]);
    const argv = readCallLog(sandbox.store.logPath)
      .slice(from)
      .map((c) => c.argv.slice(0, 2).join(" "));
    expect(argv).toEqual(expect.arrayContaining(["--version", "whoami --format", "item get"]));
    expectCallsInCallerSession(sandbox.store.logPath, from);
  });
});
