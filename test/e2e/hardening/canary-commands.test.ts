// Secret hygiene of every other command, proven with canaries: import moves a canary key out of the credentials
// file, setup and doctor check it, exec and env hand out sessions, rotate creates a new key; then the scan looks
// for every long-term secret (old and new) and every served session everywhere aws-op could have put them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStore, readStore, scriptRecipeItem } from "../../fake-op/fixture.js";
import {
  canaryAccessKeyId,
  canaryOtpSeed,
  canarySecretKey,
  createCanaryHarness,
  DEFAULT_SHIMS,
  type CanaryHarness,
} from "../../helpers/canary.js";
import { createIamUserWithKey, requireTools, startMoto, type Moto } from "../../helpers/moto.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";

const tools = requireTools(["moto_server", "aws"]);

/** Every string value in the fake 1Password store (the new key rotate wrote is among them). */
function storeSecrets(sandbox: Sandbox): string[] {
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(readStore(sandbox.store.storePath));
  return out;
}

describe.skipIf(!tools.available)("canaries: setup, import, exec, env, rotate, list, doctor leak nothing", () => {
  let moto: Moto;
  let sandbox: Sandbox;
  let canaries: CanaryHarness;
  let rotating: { accessKeyId: string; secretAccessKey: string };
  const imported = { accessKeyId: canaryAccessKeyId(), secretAccessKey: canarySecretKey() };
  const seed = canaryOtpSeed();

  beforeAll(async () => {
    moto = await startMoto();
    rotating = await createIamUserWithKey(moto.url, "rotator");
    canaries = createCanaryHarness({
      shims: [...DEFAULT_SHIMS, { name: "printenv" }, { name: "true" }],
    });
    canaries.longTermSecrets.add(imported.secretAccessKey).add(rotating.secretAccessKey);
    canaries.otpSeeds.add(seed);
    sandbox = createSandbox(
      canaries.sandboxOptions({
        endpoint: moto.url,
        store: makeStore({
          vault: "Work",
          items: [
            scriptRecipeItem({
              title: "AWS rotating",
              ...rotating,
              totpSecret: seed,
              mfaSerial: "arn:aws:iam::123456789012:mfa/rotator",
            }),
          ],
        }),
      }),
    );
    sandbox.writeConfig("[profile legacy]\nregion = us-east-1\n[profile rot]\nregion = us-east-1\n");
    sandbox.writeCredentials(
      `[legacy]\naws_access_key_id = ${imported.accessKeyId}\naws_secret_access_key = ${imported.secretAccessKey}\n`,
    );
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it("import moves the plain-text key into 1Password (dry run first: secrets masked in the diff)", async () => {
    const dry = await sandbox.run(["import", "--all", "--vault", "Work", "--dry-run"]);
    expect(dry.status).toBe(0);
    const real = await sandbox.run(["import", "--all", "--vault", "Work"]);
    expect(real.stderr).not.toMatch(/failed/);
    expect(real.status).toBe(0);
  });

  it("setup (dry run and real, with the STS check) and doctor", async () => {
    const args = ["setup", "rot", "--vault", "Work", "--item", "AWS rotating", "--region", "us-east-1"];
    expect((await sandbox.run([...args, "--dry-run"])).status).toBe(0);
    const setup = await sandbox.run([...args, "--yes"]);
    expect(setup.stderr).not.toMatch(/aws-op: /);
    expect(setup.status).toBe(0);
    await sandbox.run(["doctor"]);
    await sandbox.run(["doctor", "rot", "--json"]);
    await sandbox.run(["list"]);
    await sandbox.run(["list", "--json"]);
  }, 60_000);

  it("process, env and exec hand out sessions; exec's child gets them only in its environment", async () => {
    expect((await sandbox.run(["process", "--profile", "legacy"])).status).toBe(0);
    for (const format of ["sh", "fish", "powershell", "cmd", "dotenv", "json"]) {
      const result = await sandbox.run(["env", "legacy", "--format", format]);
      expect(result.status).toBe(0);
    }
    const printed = await sandbox.run(["exec", "legacy", "--", "printenv", "AWS_SESSION_TOKEN"], {
      stdoutMayHoldCredentials: true,
    });
    expect(printed.status).toBe(0);
    expect(printed.stdout.trim()).not.toBe("");
    const quiet = await sandbox.run(["exec", "rot", "--", "true"]);
    expect(quiet.status).toBe(0);
    const cli = await sandbox.run(["exec", "legacy", "--", "aws", "sts", "get-caller-identity"]);
    expect(cli.status).toBe(0);
  }, 60_000);

  it("rotate replaces the key (the new secret becomes a canary too)", async () => {
    const before = new Set(storeSecrets(sandbox));
    const result = await sandbox.run(["rotate", "rot", "--yes"], { timeoutMs: 90_000 });
    expect(result.stderr).not.toMatch(/^aws-op: /m);
    expect(result.status).toBe(0);
    const fresh = storeSecrets(sandbox).filter((s) => !before.has(s) && s.length === 40);
    expect(fresh).toHaveLength(1);
    for (const secret of fresh) canaries.longTermSecrets.add(secret);
    expect((await sandbox.run(["process", "--profile", "rot"])).status).toBe(0);
  }, 120_000);

  it("failures of these commands leak nothing either", async () => {
    await sandbox.run(["exec", "legacy", "--", "printenv", "X"], { env: { FAKE_OP_FAIL: "not-signed-in" } });
    await sandbox.run(["env", "nope"]);
    await sandbox.run(["rotate", "rot", "--yes", "--debug"], { env: { FAKE_OP_FAIL: "forbidden" } });
    await sandbox.run(["import", "--all", "--vault", "Nope", "--debug"]);
    await sandbox.run(["doctor"], { env: { FAKE_OP_FAIL: "garbage" } });
    await sandbox.run(["clear", "--all"]);
  }, 60_000);

  it("no canary appears in any stderr, non-credential stdout, written file, op argv or child argv/environment", () => {
    expect(canaries.scan(sandbox)).toEqual([]);
    expect(canaries.servedSecrets.size).toBeGreaterThan(0);
  });
});
