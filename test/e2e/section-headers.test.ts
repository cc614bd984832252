// A section header that botocore reads differently from aws-op, end to end with the real AWS CLI v1 and moto: the
// issue's config, where `[ profile prod]` (botocore ignores it) held `op_item = dev-item`, made
// `aws sts get-caller-identity --profile prod` act as the dev item's user. It must be refused, with the line and
// the fix, and doctor must point at the header; once the header is written as every client reads it, each profile
// acts as its own item's user.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStore, scriptRecipeItem } from "../fake-op/fixture.js";
import { callerArn } from "../helpers/alice-world.js";
import { createIamUserWithKey, requireTools, startMoto, type Moto } from "../helpers/moto.js";
import { createSandbox, credentialProcessLine, type Sandbox } from "../helpers/sandbox.js";

const tools = requireTools(["moto_server", "aws"]);

describe.skipIf(!tools.available)("a section header the AWS CLI reads differently (AWS CLI v1 and moto)", () => {
  let moto: Moto;
  let sandbox: Sandbox;
  let prod: { arn: string };
  let dev: { arn: string };

  beforeAll(async () => {
    moto = await startMoto();
    const prodKey = await createIamUserWithKey(moto.url, "prod-user");
    const devKey = await createIamUserWithKey(moto.url, "dev-user");
    prod = prodKey;
    dev = devKey;
    sandbox = createSandbox({
      endpoint: moto.url,
      store: makeStore({
        vault: "V",
        items: [
          scriptRecipeItem({ title: "prod-item", ...prodKey }),
          scriptRecipeItem({ title: "dev-item", ...devKey }),
        ],
      }),
    });
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it("refuses prod (it acted as the dev item's user), names the header's line and the fix; doctor shows the header", async () => {
    sandbox.writeConfig(
      [
        "[profile prod]",
        `credential_process = ${credentialProcessLine("prod")}`,
        "op_vault = V",
        "op_item = prod-item",
        "op_session_duration = off",
        "region = us-east-1",
        "",
        "[ profile prod]",
        "op_item = dev-item",
        "",
      ].join("\n"),
    );
    const result = await sandbox.exec("aws", ["sts", "get-caller-identity", "--profile", "prod", "--output", "json"]);
    expect(result.stdout).not.toContain(dev.arn);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('AWS profile "prod" is ambiguous');
    expect(result.stderr).toContain(`${sandbox.configPath}, line 8, "[ profile prod]"`);
    expect(result.stderr).toContain("Write it as [profile prod]");

    const doctor = await sandbox.run(["doctor", "--offline"]);
    expect(doctor.status).toBe(1);
    expect(doctor.stdout).toContain(`✗ section header in ${sandbox.configPath}, line 8: "[ profile prod]"`);
    expect(doctor.stdout).toContain('aws-op refuses "prod" until it is fixed');
  }, 60_000);

  it("with the header written as every client reads it, each profile acts as its own item's user", async () => {
    sandbox.writeConfig(
      [
        "[profile prod]",
        `credential_process = ${credentialProcessLine("prod")}`,
        "op_vault = V",
        "op_item = prod-item",
        "op_session_duration = off",
        "region = us-east-1",
        "",
        "[profile dev]",
        `credential_process = ${credentialProcessLine("dev")}`,
        "op_vault = V",
        "op_item = dev-item",
        "op_session_duration = off",
        "region = us-east-1",
        "",
      ].join("\n"),
    );
    expect(await callerArn(sandbox, "prod")).toBe(prod.arn);
    expect(await callerArn(sandbox, "dev")).toBe(dev.arn);
  }, 60_000);
});
