// The AWS SDK for Go v2 (what Terraform and most Go tools use) and the AWS SDK for Ruby read aws-op's
// credential_process lines and get the profile's identity from moto, for a session profile, an aws-op role profile,
// and an SDK-side role (role_arn + source_profile pointing at an aws-op profile). Debian's packages: golang-go with
// golang-github-aws-aws-sdk-go-v2-dev (built in GOPATH mode, no module proxy) and ruby-aws-sdk-core.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { requireTools, startAliceWorld, type Moto } from "../helpers/moto.js";
import { awsConfig } from "../helpers/alice-world.js";
import { buildCredentialProcessLine } from "../../src/config/command-line.js";
import { cliPath, type Sandbox } from "../helpers/sandbox.js";
import { buildGoClient, RUBY_CLIENT } from "../helpers/sdk-clients.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

const tools = requireTools(["moto_server", "go", "ruby"]);
const ADMIN = "arn:aws:iam::123456789012:role/admin";
const NATIVE = "arn:aws:iam::123456789012:role/native";

interface Identity {
  Arn: string;
  Account: string;
  AccessKeyId: string;
}

describe.skipIf(!tools.available)("the Go and Ruby SDKs through credential_process", () => {
  let moto: Moto;
  let sandbox: Sandbox;
  let alice: { accessKeyId: string; arn: string };
  let buildDir: string;
  let goProgram: string;

  beforeAll(async () => {
    buildDir = makeTempDir("aws-op-go-");
    // aws-op installed under a folder with a space (a macOS home like "/Users/Ann Lee"): the line quotes the path.
    const spacedDist = join(buildDir, "Ann Lee", "dist");
    mkdirSync(join(buildDir, "Ann Lee"));
    symlinkSync(join(cliPath, ".."), spacedDist);
    const spacedLine = buildCredentialProcessLine({
      nodePath: process.execPath,
      cliPath: join(spacedDist, "cli.js"),
      profile: "spaced",
    });
    expect(spacedLine).toContain('"');
    const world = await startAliceWorld();
    moto = world.moto;
    sandbox = world.sandbox;
    alice = world.alice;
    sandbox.writeConfig(
      awsConfig({
        work: { region: "eu-west-1", credential_process: true, op_vault: "Work", op_item: "AWS work" },
        longterm: {
          region: "eu-west-1",
          credential_process: true,
          op_vault: "Work",
          op_item: "AWS work",
          op_session_duration: "off",
        },
        spaced: {
          region: "eu-west-1",
          credential_process: spacedLine,
          op_vault: "Work",
          op_item: "AWS work",
          op_session_duration: "off",
        },
        admin: { region: "eu-west-1", credential_process: true, op_source_profile: "work", op_role_arn: ADMIN },
        native: { region: "eu-west-1", role_arn: NATIVE, source_profile: "work" },
      }),
    );
    goProgram = await buildGoClient(buildDir);
  }, 300_000);

  afterAll(async () => {
    await moto?.stop();
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  async function identity(command: string, args: string[], profile: string): Promise<Identity> {
    const result = await sandbox.exec(command, args, {
      env: { AWS_PROFILE: profile, AWS_OP_TEST_ENDPOINT: moto.url },
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout) as Identity;
  }

  const clients: [string, () => [string, string[]]][] = [
    ["Go SDK v2", () => [goProgram, []]],
    ["Ruby SDK", () => ["ruby", [RUBY_CLIENT]]],
  ];

  it.each(clients)("%s: a session profile gets a session, not the item's keys", async (_name, client) => {
    const [command, args] = client();
    const id = await identity(command, args, "work");
    // moto's GetSessionToken answers with its fixed example key (GetCallerIdentity shows it as user/moto).
    expect(id.AccessKeyId).toBe("AKIAIOSFODNN7EXAMPLE");
    expect(id.AccessKeyId).not.toBe(alice.accessKeyId);
    expect(id.Account).toBe("123456789012");
  });

  it.each(clients)("%s: a profile with sessions off gets the item's user", async (_name, client) => {
    const [command, args] = client();
    const id = await identity(command, args, "longterm");
    expect(id.Arn).toBe(alice.arn);
    expect(id.AccessKeyId).toBe(alice.accessKeyId);
  });

  it.each(clients)(
    "%s: aws-op installed under a path with a space (the quoted form of the line)",
    async (_n, client) => {
      const [command, args] = client();
      const id = await identity(command, args, "spaced");
      expect(id.Arn).toBe(alice.arn);
    },
  );

  it.each(clients)("%s: an aws-op role profile gets the assumed role", async (_name, client) => {
    const [command, args] = client();
    const id = await identity(command, args, "admin");
    expect(id.Arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/admin\//);
    expect(id.AccessKeyId).toMatch(/^ASIA/);
  });

  it.each(clients)("%s: the SDK's own role_arn + source_profile on an aws-op profile", async (_name, client) => {
    const [command, args] = client();
    const id = await identity(command, args, "native");
    expect(id.Arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/native\//);
  });

  it("both SDKs, every profile, many runs: one op call in all (the cache is shared across processes)", async () => {
    await sandbox.run(["clear", "--all"]);
    const before = sandbox.opCalls().length;
    for (let i = 0; i < 3; i++) {
      for (const [, client] of clients) {
        const [command, args] = client();
        for (const profile of ["work", "admin", "native"]) await identity(command, args, profile);
      }
    }
    expect(sandbox.opCalls().length - before).toBe(1);
  }, 120_000);
});
