// Profile names near the edge of what every AWS client reads alike, end to end: `aws-op setup` writes them, and the
// real AWS CLI v1, boto3 and the JS SDK v3 (fromIni) each get the right user's keys for each profile from moto.
// Names that some client would read differently are refused, the config left as it was.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStore, repoRoot, scriptRecipeItem } from "../fake-op/fixture.js";
import { createIamUserWithKey, requireTools, startMoto, type Moto } from "../helpers/moto.js";
import { callerArn } from "../helpers/alice-world.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";

const tools = requireTools(["moto_server", "aws", "python3"]);

/** Accepted names, each set up right below a profile with other keys (the one a misread header would leak into). */
const EDGE_NAMES = ["a:b/c@d+e.f", "team-dev_2.x", "user@corp+ops", "default"];

describe.skipIf(!tools.available)("profile names near the edge, with the real AWS clients", () => {
  let moto: Moto;
  let sandbox: Sandbox;
  let alice: { arn: string };
  let bob: { arn: string };

  beforeAll(async () => {
    moto = await startMoto();
    const aliceKey = await createIamUserWithKey(moto.url, "alice");
    const bobKey = await createIamUserWithKey(moto.url, "bob");
    alice = aliceKey;
    bob = bobKey;
    sandbox = createSandbox({
      endpoint: moto.url,
      store: makeStore({
        vault: "Work",
        items: [
          scriptRecipeItem({ title: "AWS alice", ...aliceKey }),
          scriptRecipeItem({ title: "AWS bob", ...bobKey }),
        ],
      }),
    });
    for (const [index, name] of EDGE_NAMES.entries()) {
      const above = `above${index}`;
      for (const [profile, item] of [
        [above, "AWS bob"],
        [name, "AWS alice"],
      ] as const) {
        const result = await sandbox.run([
          "setup",
          profile,
          "--vault",
          "Work",
          "--item",
          item,
          "--session-duration",
          "off",
          "--region",
          "us-east-1",
          "--offline",
        ]);
        expect(result.stderr).toContain("Wrote");
        expect(result.status).toBe(0);
      }
    }
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it("AWS CLI v1 gets each profile's own user", async () => {
    for (const [index, name] of EDGE_NAMES.entries()) {
      for (const [profile, arn] of [
        [name, alice.arn],
        [`above${index}`, bob.arn],
      ] as const) {
        expect(await callerArn(sandbox, profile), profile).toBe(arn);
      }
    }
  }, 120_000);

  it("boto3 gets each profile's own user", async () => {
    const profiles = EDGE_NAMES.flatMap((name, index) => [name, `above${index}`]);
    const script = [
      "import boto3, json, sys",
      "print(json.dumps([boto3.Session(profile_name=p).client('sts').get_caller_identity()['Arn'] for p in sys.argv[1:]]))",
    ].join("\n");
    const result = await sandbox.exec("python3", ["-c", script, ...profiles]);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual(EDGE_NAMES.flatMap(() => [alice.arn, bob.arn]));
  }, 60_000);

  it("the JS SDK v3 (fromIni) gets each profile's own user", async () => {
    const providers = pathToFileURL(
      join(repoRoot, "node_modules/@aws-sdk/credential-providers/dist-cjs/index.js"),
    ).href;
    const sts = pathToFileURL(join(repoRoot, "node_modules/@aws-sdk/client-sts/dist-cjs/index.js")).href;
    const profiles = EDGE_NAMES.flatMap((name, index) => [name, `above${index}`]);
    const script = `
      const { fromIni } = (await import(${JSON.stringify(providers)})).default;
      const { STSClient, GetCallerIdentityCommand } = (await import(${JSON.stringify(sts)})).default;
      const arns = [];
      for (const profile of ${JSON.stringify(profiles)}) {
        const client = new STSClient({ region: "us-east-1", credentials: fromIni({ profile }) });
        arns.push((await client.send(new GetCallerIdentityCommand({}))).Arn);
      }
      console.log(JSON.stringify(arns));`;
    const result = await sandbox.exec(process.execPath, ["--input-type=module", "-e", script], {
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual(EDGE_NAMES.flatMap(() => [alice.arn, bob.arn]));
  }, 60_000);

  it.each([
    [";prod", "the JS SDK v3"],
    ["a #b", "the JS SDK v3"],
    ["my work", "the Go SDK v2"],
    ["ünï", "the Java SDK v2"],
  ])("setup refuses %j, naming %s, and leaves the config as it was", async (name, client) => {
    const before = readFileSync(sandbox.configPath, "utf8");
    const result = await sandbox.run(["setup", name, "--vault", "Work", "--item", "AWS alice", "--offline"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(client);
    expect(readFileSync(sandbox.configPath, "utf8")).toBe(before);
  });
});
