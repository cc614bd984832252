// The built CLI run as AWS tools run it: AWS CLI v1, boto3 and the JS SDK v3 against moto, with the fake op first
// on PATH and an awkward item name in an awkward vault.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { makeStore, makeVault, repoRoot, scriptRecipeItem, shellPluginItem } from "../fake-op/fixture.js";
import { createIamUserWithKey, requireTools, startMoto, type Moto } from "../helpers/moto.js";
import { awsConfig, callerArn } from "../helpers/alice-world.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";

const tools = requireTools(["moto_server", "aws", "python3"]);
const VAULT = 'Work & Play "Ω"';
const AWS_CLI_V2 = "/usr/bin/aws";
const ITEM = 'AWS "prod" / eu & ünï';

describe.skipIf(!tools.available)("aws-op process end to end", () => {
  let moto: Moto;
  let sandbox: Sandbox;
  let alice: { accessKeyId: string; secretAccessKey: string; arn: string };

  beforeAll(async () => {
    moto = await startMoto();
    alice = await createIamUserWithKey(moto.url, "alice");
    const bob = await createIamUserWithKey(moto.url, "bob");
    sandbox = createSandbox({
      endpoint: moto.url,
      store: makeStore({
        vaults: [
          makeVault(VAULT, [
            scriptRecipeItem({ title: ITEM, accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey }),
            shellPluginItem({
              title: "AWS plugin",
              accessKeyId: bob.accessKeyId,
              secretAccessKey: bob.secretAccessKey,
            }),
          ]),
        ],
      }),
    });
    sandbox.writeConfig(
      awsConfig({
        work: { region: "eu-west-1", credential_process: true, op_vault: VAULT, op_item: ITEM },
        longterm: {
          region: "us-east-1",
          credential_process: true,
          op_vault: VAULT,
          op_item: ITEM,
          op_session_duration: "off",
        },
        plugin: {
          region: "us-east-1",
          credential_process: true,
          op_vault: VAULT,
          op_item: "AWS plugin",
          op_session_duration: "off",
        },
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it("serves one JSON document with a session that has more than 20 minutes left", async () => {
    const result = await sandbox.run(["process", "--profile", "work"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual([
      "AccessKeyId",
      "AccountId",
      "Expiration",
      "SecretAccessKey",
      "SessionToken",
      "Version",
    ]);
    expect(json.Version).toBe(1);
    expect(json.AccountId).toBe("123456789012");
    expect(json.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(json.Expiration as string) - Date.now()).toBeGreaterThan(20 * 60_000);
    expect(json.AccessKeyId).not.toBe(alice.accessKeyId);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("AWS CLI v1: 20 sequential calls through credential_process cause exactly one op call", async () => {
    await sandbox.run(["clear", "--all"]);
    const before = sandbox.opCalls().length;
    for (let i = 0; i < 20; i++) {
      const result = await sandbox.exec("aws", ["sts", "get-caller-identity", "--profile", "work", "--output", "json"]);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toHaveProperty("Account", "123456789012");
    }
    expect(sandbox.opCalls().length - before).toBe(1);
  }, 120_000);

  it("AWS CLI v1 sees the item's identity when sessions are off, and nothing is written to disk", async () => {
    const filesBefore = sandbox.cacheFiles();
    expect(await callerArn(sandbox, "longterm")).toBe(alice.arn);
    const direct = JSON.parse((await sandbox.run(["process", "--profile", "longterm"])).stdout) as Record<
      string,
      unknown
    >;
    expect(direct).toEqual({ Version: 1, AccessKeyId: alice.accessKeyId, SecretAccessKey: alice.secretAccessKey });
    expect(sandbox.cacheFiles()).toEqual(filesBefore);
  });

  it("sessions off in a fresh HOME: not even the cache directory is created", async () => {
    const fresh = createSandbox({
      store: makeStore({
        vaults: [makeVault(VAULT, [scriptRecipeItem({ title: ITEM, ...alice })])],
      }),
    });
    const result = await fresh.run(["process", "--vault", VAULT, "--item", ITEM, "--session-duration", "off"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty("SecretAccessKey", alice.secretAccessKey);
    expect(existsSync(fresh.cacheDir)).toBe(false);
    expect(readdirSync(fresh.home)).toEqual([".aws"]);
    expect(readdirSync(join(fresh.home, ".aws"))).toEqual([]);
  });

  it("reads items made for 1Password's AWS shell plugin", async () => {
    const result = await sandbox.exec("aws", ["sts", "get-caller-identity", "--profile", "plugin", "--output", "json"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).Arn).toMatch(/user\/bob$/);
  });

  it("AWS CLI v2 (Debian's awscli, /usr/bin/aws) gets credentials through credential_process", async (context) => {
    if (!existsSync(AWS_CLI_V2)) {
      if (process.env.CI === "true") throw new Error(`${AWS_CLI_V2} (AWS CLI v2) is missing: .ci/run installs awscli`);
      context.skip();
    }
    // AWS CLI v2 2.9 predates AWS_ENDPOINT_URL: the endpoint goes on the command line.
    const v2 = (profile: string) =>
      sandbox.exec(AWS_CLI_V2, [
        "sts",
        "get-caller-identity",
        "--profile",
        profile,
        "--endpoint-url",
        moto.url,
        "--output",
        "json",
      ]);
    const result = await v2("longterm");
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout).Arn).toBe(alice.arn);
    const session = await v2("work");
    expect(session.stderr).toBe("");
    expect(JSON.parse(session.stdout)).toHaveProperty("Account", "123456789012");
  });

  it("boto3 gets credentials through credential_process", async () => {
    const script =
      "import boto3, json; print(json.dumps(boto3.Session(profile_name='work').client('sts').get_caller_identity()))";
    const result = await sandbox.exec("python3", ["-c", script]);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toHaveProperty("Account", "123456789012");
  });

  it("the AWS SDK for JavaScript v3 (fromIni) gets credentials through credential_process", async () => {
    const providers = pathToFileURL(
      join(repoRoot, "node_modules/@aws-sdk/credential-providers/dist-cjs/index.js"),
    ).href;
    const sts = pathToFileURL(join(repoRoot, "node_modules/@aws-sdk/client-sts/dist-cjs/index.js")).href;
    const script = `
      const { fromIni } = (await import(${JSON.stringify(providers)})).default;
      const { STSClient, GetCallerIdentityCommand } = (await import(${JSON.stringify(sts)})).default;
      const client = new STSClient({ region: "us-east-1", credentials: fromIni({ profile: "longterm" }) });
      const out = await client.send(new GetCallerIdentityCommand({}));
      console.log(JSON.stringify({ Arn: out.Arn }));`;
    const result = await sandbox.exec(process.execPath, ["--input-type=module", "-e", script], {
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout).Arn).toBe(alice.arn);
  });

  it("20 concurrent cold runs cause one op call and one GetSessionToken", async () => {
    await sandbox.run(["clear", "--all"]);
    const before = sandbox.opCalls().length;
    moto.resetCalls();
    const results = await Promise.all(Array.from({ length: 20 }, () => sandbox.run(["process", "--profile", "work"])));
    for (const r of results) {
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    }
    const keys = new Set(results.map((r) => (JSON.parse(r.stdout) as { AccessKeyId: string }).AccessKeyId));
    expect(keys.size).toBe(1);
    expect(sandbox.opCalls().length - before).toBe(1);
    expect(moto.calls("GetSessionToken")).toBe(1);
  }, 120_000);

  it("flags alone work with no profile at all", async () => {
    const result = await sandbox.run(["process", "--vault", VAULT, "--item", ITEM, "--session-duration", "off"], {
      env: { AWS_PROFILE: "does-not-exist" },
    });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty("AccessKeyId", alice.accessKeyId);
  });
});
