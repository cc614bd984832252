// `aws-op env` end to end: the sh output evaluated by a real sh and used by the AWS CLI against moto; fish and
// PowerShell outputs parsed by the rules of those shells (and evaluated by a real fish where one is installed); a
// secret full of quote and expansion characters survives every format.
import { describe, expect, it } from "vitest";
import { scriptRecipeItem } from "../fake-op/fixture.js";
import { findExecutable, requireTools } from "../helpers/moto.js";
import { awsConfig, useAliceWorld } from "../helpers/alice-world.js";
import { awsOpCommand, type Sandbox } from "../helpers/sandbox.js";
import { parseDotenv, parseFish, parsePowerShell } from "../helpers/shell-parsers.js";

const tools = requireTools(["moto_server", "aws"]);
/** Every character some shell treats specially, a line break and PowerShell's typographic quotes. */
const AWKWARD_SECRET = "a'b\"c$d%e`f\\g\nh$(echo pwned)!x\u2019y;z&|<>^ ~*?#{}[]";

describe.skipIf(!tools.available)("aws-op env end to end", () => {
  let sandbox: Sandbox;
  const aws = awsOpCommand.map((word) => `"${word}"`).join(" ");

  useAliceWorld(
    {
      extraItems: [
        scriptRecipeItem({ title: "awkward", accessKeyId: "AKIAAWKWARD000000001", secretAccessKey: AWKWARD_SECRET }),
      ],
      config: awsConfig({
        work: { region: "eu-west-1", op_vault: "Work", op_item: "AWS work" },
        awkward: { region: "us-west-2", op_vault: "Work", op_item: "awkward", op_session_duration: "off" },
      }),
    },
    (world) => void ({ sandbox } = world),
  );

  it('eval "$(aws-op env work)" then aws sts get-caller-identity works in sh', async () => {
    const script = `eval "$(${aws} env work)" && aws sts get-caller-identity --output json`;
    const result = await sandbox.exec("sh", ["-c", script], {
      env: { AWS_PROFILE: "does-not-exist" },
      stdoutMayHoldCredentials: true,
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty("Account", "123456789012");
  });

  it("sh: a secret with ' \" $ % ` \\ and a line break survives eval in a real sh, and nothing in it runs", async () => {
    const script = `eval "$(${aws} env awkward)" && printf '%s|%s|%s' "$AWS_SECRET_ACCESS_KEY" "$AWS_REGION" "\${AWS_SESSION_TOKEN-unset}"`;
    const result = await sandbox.exec("sh", ["-c", script], {
      env: { AWS_SESSION_TOKEN: "stale" },
      stdoutMayHoldCredentials: true,
    });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(`${AWKWARD_SECRET}|us-west-2|unset`);
  });

  it("fish output parses back to the exact values", async () => {
    const result = await sandbox.run(["env", "awkward", "--format", "fish"]);
    expect(result.status).toBe(0);
    const parsed = parseFish(result.stdout);
    expect(parsed.set).toEqual({
      AWS_ACCESS_KEY_ID: "AKIAAWKWARD000000001",
      AWS_SECRET_ACCESS_KEY: AWKWARD_SECRET,
      AWS_REGION: "us-west-2",
      AWS_DEFAULT_REGION: "us-west-2",
    });
    expect(parsed.unset).toContain("AWS_SESSION_TOKEN");
  });

  it.skipIf(findExecutable("fish") === undefined)("fish output sourced by a real fish keeps the secret", async () => {
    const script = `${aws} env awkward --format fish | source; printf '%s' $AWS_SECRET_ACCESS_KEY`;
    const result = await sandbox.exec("fish", ["--no-config", "-c", script], { stdoutMayHoldCredentials: true });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(AWKWARD_SECRET);
  });

  it("PowerShell output parses back to the exact values", async () => {
    const result = await sandbox.run(["env", "awkward", "--format", "powershell"]);
    expect(result.status).toBe(0);
    const parsed = parsePowerShell(result.stdout);
    expect(parsed.set.AWS_SECRET_ACCESS_KEY).toBe(AWKWARD_SECRET);
    expect(parsed.set.AWS_ACCESS_KEY_ID).toBe("AKIAAWKWARD000000001");
    expect(parsed.unset).toContain("AWS_SESSION_TOKEN");
  });

  it("session credentials in every format carry the same four variables as aws configure export-credentials", async () => {
    const fish = parseFish((await sandbox.run(["env", "work", "--format", "fish"])).stdout).set;
    const ps = parsePowerShell((await sandbox.run(["env", "work", "--format", "powershell"])).stdout).set;
    const dotenv = parseDotenv((await sandbox.run(["env", "work", "--format", "dotenv"])).stdout).set;
    const json = JSON.parse((await sandbox.run(["env", "work", "--format", "json"])).stdout) as Record<string, unknown>;
    for (const vars of [fish, ps, dotenv]) {
      expect(Object.keys(vars).sort()).toEqual([
        "AWS_ACCESS_KEY_ID",
        "AWS_ACCOUNT_ID",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
      ]);
      expect(vars.AWS_ACCESS_KEY_ID).toBe(json.AccessKeyId);
      expect(vars.AWS_SECRET_ACCESS_KEY).toBe(json.SecretAccessKey);
      expect(vars.AWS_SESSION_TOKEN).toBe(json.SessionToken);
      expect(vars.AWS_CREDENTIAL_EXPIRATION).toBe(json.Expiration);
      expect(vars.AWS_ACCOUNT_ID).toBe(json.AccountId);
    }
    expect(json.Version).toBe(1);
  });

  it("cmd refuses a value it cannot quote instead of mangling it", async () => {
    const result = await sandbox.run(["env", "awkward", "--format", "cmd"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/cmd\.exe cannot take safely/);
    expect(result.stderr).not.toContain("pwned");
  });

  it("rejects an unknown format", async () => {
    const result = await sandbox.run(["env", "work", "--format", "zsh"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "argument 'zsh' is invalid. Allowed choices are sh, fish, powershell, cmd, dotenv, json.",
    );
  });
});
