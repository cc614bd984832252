// AccountId in what aws-op serves, against moto: credential_process output of a session profile (the account from
// one GetCallerIdentity on the cold path, cached with the session) and of a role profile (from the assumed-role
// ARN), AWS_ACCOUNT_ID in exec's child, and a warm path that adds no op call and no STS call of any kind.
import { describe, expect, it } from "vitest";
import { awsConfig, useAliceWorld } from "../helpers/alice-world.js";
import { requireTools, type Moto } from "../helpers/moto.js";
import type { Sandbox } from "../helpers/sandbox.js";

const tools = requireTools(["moto_server"]);
const STS_ACTIONS = ["GetSessionToken", "AssumeRole", "GetCallerIdentity"];

describe.skipIf(!tools.available)("AccountId end to end", () => {
  let moto: Moto;
  let sandbox: Sandbox;

  useAliceWorld(
    {
      config: awsConfig({
        work: { region: "eu-west-1", credential_process: true, op_vault: "Work", op_item: "AWS work" },
        admin: {
          region: "eu-west-1",
          credential_process: true,
          op_source_profile: "work",
          op_role_arn: "arn:aws:iam::210987654321:role/admin",
        },
      }),
    },
    (world) => {
      ({ moto, sandbox } = world);
    },
  );

  const stsCalls = () => Object.fromEntries(STS_ACTIONS.map((a) => [a, moto.calls(a)]));

  async function served(profile: string): Promise<Record<string, unknown>> {
    const result = await sandbox.run(["process", "--profile", profile]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  it.each([
    {
      kind: "a session profile: AccountId from one GetCallerIdentity on the cold path, then from the cache",
      profile: "work",
      account: "123456789012",
      // The session learns its own account once.
      cold: { GetSessionToken: 1, AssumeRole: 0, GetCallerIdentity: 1 },
    },
    {
      // The role is in another account than the user: its ARN says which.
      kind: "a role profile: AccountId from the assumed-role ARN, and the warm path adds no call",
      profile: "admin",
      account: "210987654321",
      // The source session learns its own account once; the role's comes with AssumeRole.
      cold: { GetSessionToken: 1, AssumeRole: 1, GetCallerIdentity: 1 },
    },
  ])("$kind", async ({ profile, account, cold }) => {
    await sandbox.run(["clear", "--all"]);
    moto.resetCalls();
    expect(await served(profile)).toMatchObject({ Version: 1, AccountId: account });
    expect(stsCalls()).toEqual(cold);

    moto.resetCalls();
    const opBefore = sandbox.opCalls().length;
    expect(await served(profile)).toMatchObject({ AccountId: account });
    expect(sandbox.opCalls().length - opBefore).toBe(0);
    expect(stsCalls()).toEqual({ GetSessionToken: 0, AssumeRole: 0, GetCallerIdentity: 0 });
  });

  it("exec gives the child AWS_ACCOUNT_ID (and replaces an inherited one); env prints it", async () => {
    for (const [profile, account] of [
      ["work", "123456789012"],
      ["admin", "210987654321"],
    ] as const) {
      const result = await sandbox.run(
        ["exec", profile, "--", process.execPath, "-e", "console.log(process.env.AWS_ACCOUNT_ID ?? 'unset')"],
        { env: { AWS_ACCOUNT_ID: "999999999999" } },
      );
      expect(result.stderr).toBe("");
      expect(result.stdout.trim()).toBe(account);
    }
    const env = await sandbox.run(["env", "work"], { stdoutMayHoldCredentials: true });
    expect(env.stdout).toContain("export AWS_ACCOUNT_ID='123456789012'");
  });
});
