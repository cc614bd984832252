// aws-op through 1Password Connect (OP_CONNECT_HOST + OP_CONNECT_TOKEN), against the double emulating Connect's
// restrictions: only `item get --format json` (and read/inject) works, with --vault and without --account, and no
// sign-in is needed. process, exec, env and `setup --vault V --item I` work; doctor skips the sign-in check and
// says why; import and rotate refuse up front, before calling op, naming Connect (the pickers: setup.test.ts).
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ensureFakeOpBuilt,
  makeStore,
  readCallLog,
  runFakeOp,
  scriptRecipeItem,
  env as fakeOpEnv,
} from "../fake-op/fixture.js";
import { awsConfig } from "../helpers/alice-world.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";

const KEY = "AKIAIOSFODNN7CONNECT";
const SECRET = "connect-secret/+Zq9EXAMPLEKEY";
const CONNECT = { OP_CONNECT_HOST: "http://127.0.0.1:9", OP_CONNECT_TOKEN: "eyJhbGciOiJFUzI1NiJ9.test" };

describe("aws-op through 1Password Connect", () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    await ensureFakeOpBuilt();
    // Signed out: Connect needs no account sign-in, so a call that works here went through Connect.
    sandbox = createSandbox({
      store: makeStore({
        signedIn: false,
        vault: "Work",
        items: [scriptRecipeItem({ title: "AWS work", accessKeyId: KEY, secretAccessKey: SECRET })],
      }),
    });
    sandbox.writeConfig(
      awsConfig({
        work: { op_vault: "Work", op_item: "AWS work", op_account: "my.1password.com", op_session_duration: "off" },
        novault: { op_item: "AWS work", op_session_duration: "off" },
      }),
    );
    sandbox.writeCredentials("[plain]\naws_access_key_id = AKIAPLAIN00000000001\naws_secret_access_key = plain\n");
  }, 60_000);

  const since = () => readCallLog(sandbox.store.logPath).length;
  const callsSince = (from: number) =>
    readCallLog(sandbox.store.logPath)
      .slice(from)
      .map((c) => c.argv);

  it("the double emulates Connect: whoami, item list and edit are refused, item get needs --vault, --account is refused", () => {
    const env = { ...fakeOpEnv({ store: sandbox.store.storePath }), ...CONNECT };
    expect(runFakeOp(["whoami", "--format", "json"], { env }).stderr).toMatch(
      /not supported when using 1Password Connect/,
    );
    expect(runFakeOp(["item", "list", "--vault", "Work"], { env }).status).toBe(1);
    expect(runFakeOp(["item", "edit", "AWS work", "--vault", "Work"], { env }).stderr).toMatch(/Connect/);
    expect(runFakeOp(["item", "get", "AWS work", "--format", "json"], { env }).stderr).toMatch(/--vault/);
    const withAccount = ["item", "get", "AWS work", "--vault", "Work", "--account", "my", "--format", "json"];
    expect(runFakeOp(withAccount, { env }).stderr).toMatch(/--account cannot be used/);
    const ok = runFakeOp(["item", "get", "AWS work", "--vault", "Work", "--format", "json"], { env });
    expect(ok.status).toBe(0);
    // Without Connect the same store is signed out.
    const signedOut = runFakeOp(["item", "get", "AWS work", "--vault", "Work", "--format", "json"], {
      env: fakeOpEnv({ store: sandbox.store.storePath }),
    });
    expect(signedOut.stderr).toMatch(/not currently signed in/);
  });

  it("process serves the item's keys with one item get, --vault and no --account", async () => {
    const from = since();
    const result = await sandbox.run(["process", "--profile", "work"], { env: CONNECT });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ Version: 1, AccessKeyId: KEY, SecretAccessKey: SECRET });
    expect(callsSince(from)).toEqual([["item", "get", "AWS work", "--vault", "Work", "--format", "json"]]);
  });

  it("process without op_vault says Connect needs the vault, before calling op", async () => {
    const from = since();
    const result = await sandbox.run(["process", "--profile", "novault"], { env: CONNECT });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/1Password Connect needs the vault of item "AWS work"[\s\S]*op_vault/);
    expect(callsSince(from)).toEqual([]);
  });

  it("exec runs the command with the keys", async () => {
    const result = await sandbox.run(
      ["exec", "work", "--", process.execPath, "-e", "process.stdout.write(process.env.AWS_ACCESS_KEY_ID ?? '')"],
      { env: CONNECT },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(KEY);
  });

  it("env prints the keys", async () => {
    const result = await sandbox.run(["env", "work"], { env: CONNECT, stdoutMayHoldCredentials: true });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(KEY);
  });

  it("setup --vault V --item I reads the item through Connect and writes the profile", async () => {
    const from = since();
    const result = await sandbox.run(["setup", "viaconnect", "--vault", "Work", "--item", "AWS work", "--offline"], {
      env: CONNECT,
    });
    expect(result.status).toBe(0);
    expect(readFileSync(sandbox.configPath, "utf8")).toMatch(/\[profile viaconnect\][\s\S]*op_item = AWS work/);
    expect(callsSince(from).every((argv) => argv[0] === "item" && argv[1] === "get")).toBe(true);
  });

  it("doctor skips the sign-in check and says why; the item check reads through Connect", async () => {
    const from = since();
    const result = await sandbox.run(["doctor", "work", "--offline"], { env: CONNECT });
    expect(result.stdout).toMatch(
      /✓ 1Password signed in: skipped: 1Password Connect \(OP_CONNECT_HOST=http:\/\/127\.0\.0\.1:9\) cannot answer "op whoami"/,
    );
    expect(result.stdout).toMatch(/✓ \[work\] 1Password item and fields/);
    expect(callsSince(from).map((argv) => argv.slice(0, 2).join(" "))).not.toContain("whoami --format");
  });

  it("import refuses up front, before calling op, naming Connect; the files are unchanged", async () => {
    const before = readFileSync(sandbox.credentialsPath, "utf8");
    const from = since();
    const result = await sandbox.run(["import", "plain", "--vault", "Work"], { env: CONNECT });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/aws-op import cannot run through 1Password Connect \(OP_CONNECT_HOST is set\)/);
    expect(result.stderr).toMatch(/unset OP_CONNECT_HOST/);
    expect(callsSince(from)).toEqual([]);
    expect(readFileSync(sandbox.credentialsPath, "utf8")).toBe(before);
  });

  it("rotate refuses up front, before calling op or AWS, naming Connect", async () => {
    const from = since();
    const result = await sandbox.run(["rotate", "work", "--yes"], { env: CONNECT });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/aws-op rotate cannot run through 1Password Connect \(OP_CONNECT_HOST is set\)/);
    expect(callsSince(from)).toEqual([]);
  });
});
