// Roles end to end: role profiles (op_role_arn + op_source_profile) served through credential_process to the AWS
// CLI, through exec and env; one source session shared by every role, cached across processes.
import { describe, expect, it } from "vitest";
import { awsConfig, callerArn, useAliceWorld } from "../helpers/alice-world.js";
import { requireTools, type Moto } from "../helpers/moto.js";
import type { Sandbox } from "../helpers/sandbox.js";

const tools = requireTools(["moto_server", "aws"]);
const ADMIN = "arn:aws:iam::123456789012:role/admin";
const READONLY = "arn:aws:iam::123456789012:role/readonly";

describe.skipIf(!tools.available)("roles end to end", () => {
  let moto: Moto;
  let sandbox: Sandbox;
  const role = (source: string, arn: string, keys: Record<string, string> = {}) => ({
    region: "eu-west-1",
    credential_process: true as const,
    op_source_profile: source,
    op_role_arn: arn,
    ...keys,
  });
  const profiles = {
    base: { region: "eu-west-1", credential_process: true as const, op_vault: "Work", op_item: "AWS base" },
    admin: role("base", ADMIN),
    readonly: role("base", READONLY, {
      op_role_session_name: "alice-readonly",
      op_external_id: "ext-123",
      op_role_duration: "30m",
    }),
    chained: {
      region: "eu-west-1",
      op_source_profile: "admin",
      op_role_arn: "arn:aws:iam::123456789012:role/deeper",
      op_role_duration: "2h",
    },
  };
  const config = awsConfig(profiles);

  useAliceWorld(
    {
      item: {
        title: "AWS base",
        mfaSerial: "arn:aws:iam::123456789012:mfa/alice",
        totpSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
      },
      config,
    },
    (world) => {
      ({ moto, sandbox } = world);
    },
  );

  it("two role profiles sharing one source profile cause exactly one op call and one GetSessionToken", async () => {
    // First in the file: the MFA code of this 30-second window is still unused (AWS refuses a code twice).
    const before = sandbox.opCalls().length;
    moto.resetCalls();
    // Cold cache, both at once, as two terminals or a parallel build would.
    const [a, b] = await Promise.all([
      sandbox.run(["process", "--profile", "admin"]),
      sandbox.run(["process", "--profile", "readonly"]),
    ]);
    expect(a.stderr).toBe("");
    expect(b.stderr).toBe("");
    // Then each AWS CLI call again, each a new process: all served from the cache.
    await callerArn(sandbox, "admin");
    await callerArn(sandbox, "readonly");
    await callerArn(sandbox, "admin");
    expect(sandbox.opCalls().length - before).toBe(1);
    expect(moto.calls("GetSessionToken")).toBe(1);
    expect(moto.calls("AssumeRole")).toBe(2);
    const roleA = JSON.parse(a.stdout) as { AccessKeyId: string; SessionToken: string; Expiration: string };
    expect(roleA.AccessKeyId).toMatch(/^ASIA/);
    expect(Date.parse(roleA.Expiration) - Date.now()).toBeGreaterThan(50 * 60_000);
  }, 60_000);

  it("a role profile gives assumed-role credentials to the AWS CLI (moto returns the assumed-role ARN)", async () => {
    expect(await callerArn(sandbox, "admin")).toMatch(/^arn:aws:sts::123456789012:assumed-role\/admin\/aws-op-/);
    expect(await callerArn(sandbox, "readonly")).toBe("arn:aws:sts::123456789012:assumed-role/readonly/alice-readonly");
  });

  it("exec and env serve the role too", async () => {
    const exec = await sandbox.run(["exec", "admin", "--", "aws", "sts", "get-caller-identity", "--output", "json"]);
    expect(exec.status).toBe(0);
    expect(JSON.parse(exec.stdout).Arn).toMatch(/assumed-role\/admin\//);
    const env = await sandbox.run(["env", "readonly", "--format", "json"]);
    expect(env.status).toBe(0);
    const process = await sandbox.run(["process", "--profile", "readonly"]);
    expect(JSON.parse(env.stdout)).toEqual(JSON.parse(process.stdout));
  });

  it("a chained role asking for more than 1 hour fails with a clear message and no STS call", async () => {
    moto.resetCalls();
    const result = await sandbox.run(["process", "--profile", "chained"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/AWS limits chained roles to 1 hour/);
    expect(result.stderr).toMatch(/op_role_duration = 1h/);
    expect(moto.calls("AssumeRole")).toBe(0);
  });

  it("session tags, transitive tag keys and source identity reach AssumeRole and are part of the cache key", async () => {
    const tagged = (tags: string, sourceIdentity: string) =>
      awsConfig({
        ...profiles,
        tagged: role("base", ADMIN, {
          op_role_tags: tags,
          op_role_transitive_tags: "team",
          op_source_identity: sourceIdentity,
        }),
      });
    const serve = async () => {
      const result = await sandbox.run(["process", "--profile", "tagged"]);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
    };
    try {
      sandbox.writeConfig(tagged("team=data, project=x", "alice"));
      moto.resetCalls();
      await serve();
      await serve();
      // One AssumeRole: the second run was served from the cache.
      expect(moto.calls("AssumeRole")).toBe(1);
      const [sent] = moto.requests("AssumeRole");
      expect(
        Object.fromEntries([...(sent ?? new URLSearchParams())].filter(([k]) => /^(Tags|Transitive|Source)/.test(k))),
      ).toEqual({
        "Tags.member.1.Key": "team",
        "Tags.member.1.Value": "data",
        "Tags.member.2.Key": "project",
        "Tags.member.2.Value": "x",
        "TransitiveTagKeys.member.1": "team",
        SourceIdentity: "alice",
      });

      // Another tag value, then another source identity: each is a new cache entry, so a new AssumeRole.
      sandbox.writeConfig(tagged("team=ops, project=x", "alice"));
      await serve();
      expect(moto.calls("AssumeRole")).toBe(2);
      expect(moto.requests("AssumeRole")[1]?.get("Tags.member.1.Value")).toBe("ops");
      sandbox.writeConfig(tagged("team=ops, project=x", "bob"));
      await serve();
      expect(moto.calls("AssumeRole")).toBe(3);
      expect(moto.requests("AssumeRole")[2]?.get("SourceIdentity")).toBe("bob");
    } finally {
      sandbox.writeConfig(config);
    }
  });
});
