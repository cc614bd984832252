// `aws-op login` where no browser can open the page fails at once, not after the one-time address's whole wait
// (AWS_OP_LOGIN_TIMEOUT, 120 s by default): every opener failed to start or exited non-zero (BROWSER naming a
// command that fails, xdg-open exiting 3 as it does when it finds no browser). The built CLI against moto and the
// fake federation endpoint, as in login.test.ts; the message names BROWSER and --stdout.
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStore, scriptRecipeItem } from "../fake-op/fixture.js";
import { awsConfig } from "../helpers/alice-world.js";
import { startFakeFederation, type FakeFederation } from "../helpers/fake-federation.js";
import { createIamUserWithKey, requireTools, startMoto, type Moto } from "../helpers/moto.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

const tools = requireTools(["moto_server"]);

describe.skipIf(!tools.available)("aws-op login with no browser that can open the page", () => {
  let moto: Moto;
  let federation: FakeFederation;
  let sandbox: Sandbox;
  /** A directory holding an xdg-open that exits 3 (no browser found) and no wslview. */
  let openers: string;

  beforeAll(async () => {
    moto = await startMoto();
    federation = await startFakeFederation();
    const alice = await createIamUserWithKey(moto.url, "alice");
    openers = makeTempDir("aws-op-openers-");
    writeFileSync(join(openers, "xdg-open"), "#!/bin/sh\nexit 3\n");
    chmodSync(join(openers, "xdg-open"), 0o755);
    sandbox = createSandbox({
      endpoint: moto.url,
      env: { AWS_ENDPOINT_URL_SIGNIN: federation.url, AWS_OP_LOGIN_TIMEOUT: "600" },
      store: makeStore({ vault: "Work", items: [scriptRecipeItem({ title: "AWS work", ...alice })] }),
    });
    sandbox.writeConfig(awsConfig({ work: { region: "eu-west-1", op_vault: "Work", op_item: "AWS work" } }));
  }, 60_000);

  afterAll(async () => {
    await federation?.stop();
    await moto?.stop();
  });

  it.each([
    ["BROWSER names a command that exits 1", () => ({ BROWSER: "false" }), "false exited with status 1"],
    [
      "xdg-open exits 3 and there is no wslview",
      () => ({ BROWSER: undefined, PATH: `${openers}:${sandbox.env().PATH ?? ""}` }),
      "xdg-open exited with status 3; wslview was not found",
    ],
  ])("%s: exit 1 at once, naming what failed, BROWSER and --stdout", async (_name, env, what) => {
    const started = Date.now();
    const result = await sandbox.run(["login", "work"], { env: env() });
    // At once: the wait would have been 600 s (a bound this loose holds on any loaded machine).
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`aws-op: No browser could open the sign-in page: ${what}.\n`);
    expect(result.stderr).toMatch(/BROWSER.*"aws-op login --stdout"/);
    expect(result.stderr).not.toMatch(/did not open the one-time sign-in address/);
  });
});
