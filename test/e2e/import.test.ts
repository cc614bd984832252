// aws-op import end to end: the built CLI, the fake op, moto, and the real AWS CLI running the written
// credential_process lines.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStore, makeVault, readStore } from "../fake-op/fixture.js";
import { createIamUserWithKey, requireTools, startMoto, type Moto } from "../helpers/moto.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";

const tools = requireTools(["moto_server", "aws"]);
const VAULT = "Team Keys";

describe.skipIf(!tools.available)("aws-op import end to end", () => {
  let moto: Moto;
  let keys: Record<string, { accessKeyId: string; secretAccessKey: string; arn: string }>;
  let credentialsText: string;
  const configText = "# my config\n[profile ci]\nregion = eu-west-1\noutput = json\n";

  beforeAll(async () => {
    moto = await startMoto();
    keys = {
      default: await createIamUserWithKey(moto.url, "dflt"),
      ci: await createIamUserWithKey(moto.url, "ci-bot"),
      personal: await createIamUserWithKey(moto.url, "me"),
    };
    credentialsText = [
      "# Plain-text keys, to be moved to 1Password",
      "[default]",
      `aws_access_key_id = ${keys.default?.accessKeyId}`,
      `aws_secret_access_key = ${keys.default?.secretAccessKey}`,
      "region = us-east-1",
      "",
      "; CI robot",
      "[ci]",
      `aws_access_key_id=${keys.ci?.accessKeyId}`,
      `aws_secret_access_key=${keys.ci?.secretAccessKey}`,
      "",
      "[personal]",
      "# my own account",
      `aws_access_key_id = ${keys.personal?.accessKeyId}`,
      `aws_secret_access_key = ${keys.personal?.secretAccessKey}`,
      "output = text",
      "",
    ].join("\n");
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  function sandbox(fakeOp?: { fail: "locked"; failOn: string }): Sandbox {
    const s = createSandbox({
      endpoint: moto.url,
      store: makeStore({ vaults: [makeVault(VAULT)] }),
      ...(fakeOp ? { fakeOp } : {}),
    });
    s.writeCredentials(credentialsText);
    s.writeConfig(configText);
    return s;
  }

  it("moves three profiles' keys into 1Password; the AWS CLI then works through credential_process; again is a no-op", async () => {
    const s = sandbox();
    const result = await s.run(["import", "--all", "--vault", VAULT]);
    expect(result.stderr).not.toContain("failed");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/default\s+AWS default\s+imported/);

    const credentials = readFileSync(s.credentialsPath, "utf8");
    for (const k of Object.values(keys)) {
      expect(credentials).not.toContain(k.secretAccessKey);
      expect(credentials).not.toContain(k.accessKeyId);
      expect(result.stdout + result.stderr).not.toContain(k.secretAccessKey);
    }
    expect(credentials).toBe(
      [
        "# Plain-text keys, to be moved to 1Password",
        "[default]",
        "region = us-east-1",
        "",
        "; CI robot",
        "[personal]",
        "# my own account",
        "output = text",
        "",
      ].join("\n"),
    );
    const config = readFileSync(s.configPath, "utf8");
    expect(config.startsWith(configText.replace("output = json\n", ""))).toBe(true);
    expect(config).toContain("output = json\ncredential_process = ");

    const items = readStore(s.store.storePath).accounts[0]?.vaults[0]?.items ?? [];
    expect(items.map((i) => i.title).sort()).toEqual(["AWS ci", "AWS default", "AWS personal"]);

    for (const profile of ["default", "ci", "personal"]) {
      const aws = await s.exec("aws", ["sts", "get-caller-identity", "--profile", profile, "--output", "json"], {
        env: { AWS_DEFAULT_REGION: "us-east-1" },
      });
      expect(aws.stderr).toBe("");
      expect(aws.status).toBe(0);
      expect(JSON.parse(aws.stdout)).toHaveProperty("Account", "123456789012");
    }

    const callsBefore = s.opCalls().length;
    const again = await s.run(["import", "--all", "--vault", VAULT]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("Nothing to import");
    expect(readFileSync(s.credentialsPath, "utf8")).toBe(credentials);
    expect(readFileSync(s.configPath, "utf8")).toBe(config);
    expect(s.opCalls().length).toBe(callsBefore);
  }, 120_000);

  it("when op item create fails, both files are byte-identical and the exit code is 1", async () => {
    const s = sandbox({ fail: "locked", failOn: "item create" });
    const result = await s.run(["import", "--all", "--vault", VAULT]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/ci\s+-\s+failed: .*Files for this profile were not changed\./);
    expect(readFileSync(s.credentialsPath, "utf8")).toBe(credentialsText);
    expect(readFileSync(s.configPath, "utf8")).toBe(configText);
    expect(readStore(s.store.storePath).accounts[0]?.vaults[0]?.items).toEqual([]);
  });

  it("--dry-run shows masked diffs and changes nothing", async () => {
    const s = sandbox();
    const result = await s.run(["import", "--all", "--vault", VAULT, "--dry-run"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("-aws_secret_access_key = ****************");
    // Plain unified diffs, paths under HOME shown as ~ (regression: "Index:", a "====" rule, "--- path\\t").
    expect(result.stdout).toMatch(/^--- ~\/\.aws\/config\n\+\+\+ ~\/\.aws\/config\n@@ /);
    expect(result.stdout).toContain("\n--- ~/.aws/credentials\n+++ ~/.aws/credentials\n@@ ");
    expect(result.stdout).not.toMatch(/Index:|====|\\t|\t/);
    for (const k of Object.values(keys)) expect(result.stdout + result.stderr).not.toContain(k.secretAccessKey);
    expect(readFileSync(s.credentialsPath, "utf8")).toBe(credentialsText);
    expect(readFileSync(s.configPath, "utf8")).toBe(configText);
  });
});
