// `aws-op exec` run as people run it: the built CLI, the fake op first on PATH, the AWS CLI against moto.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { requireTools, type Moto } from "../helpers/moto.js";
import { awsConfig, useAliceWorld } from "../helpers/alice-world.js";
import { awsOpCommand, type Sandbox } from "../helpers/sandbox.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

const tools = requireTools(["moto_server", "aws"]);

/** The child most tests run: the identity its credentials have. */
const CALLER = ["aws", "sts", "get-caller-identity", "--output", "json"];

describe.skipIf(!tools.available)("aws-op exec end to end", () => {
  let moto: Moto;
  let sandbox: Sandbox;
  let alice: { accessKeyId: string; secretAccessKey: string; arn: string };

  useAliceWorld(
    {
      config: awsConfig({
        work: { region: "eu-west-1", op_vault: "Work", op_item: "AWS work" },
        admin: {
          region: "eu-west-1",
          op_source_profile: "work",
          op_role_arn: "arn:aws:iam::123456789012:role/admin",
          op_role_session_name: "alice-admin",
        },
      }),
    },
    (world) => void ({ moto, sandbox, alice } = world),
  );

  it("aws-op exec work -- aws sts get-caller-identity shows the identity from a session", async () => {
    const before = sandbox.opCalls().length;
    moto.resetCalls();
    const result = await sandbox.run(["exec", "work", "--", ...CALLER], {
      // Inherited credential variables must not reach the child.
      env: { AWS_PROFILE: "nonexistent", AWS_SESSION_TOKEN: "stale-token", AWS_ACCESS_KEY_ID: "AKIASTALE" },
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty("Account", "123456789012");
    expect(sandbox.opCalls().length - before).toBe(1);
    expect(moto.calls("GetSessionToken")).toBe(1);
  });

  it("--no-session gives the item's long-term keys (the IAM user's identity) with a warning", async () => {
    const result = await sandbox.run(["exec", "work", "--no-session", "--", ...CALLER]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).Arn).toBe(alice.arn);
    expect(result.stderr).toMatch(/--no-session.*long-term/);
    expect(result.stderr).not.toContain(alice.secretAccessKey);
  });

  it("--no-session on a role profile assumes the role straight from the long-term keys (regression: the role was dropped)", async () => {
    moto.resetCalls();
    const result = await sandbox.run(["exec", "admin", "--no-session", "--", ...CALLER]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).Arn).toBe("arn:aws:sts::123456789012:assumed-role/admin/alice-admin");
    expect(moto.calls("GetSessionToken")).toBe(0);
    expect(moto.calls("AssumeRole")).toBe(1);
  });

  it("gives the child credentials, region and the marker through the environment, and removes AWS_PROFILE", async () => {
    const script =
      "const e = process.env; console.log(JSON.stringify({ profile: e.AWS_PROFILE ?? null, defaultProfile: e.AWS_DEFAULT_PROFILE ?? null, role: e.AWS_ROLE_ARN ?? null, key: e.AWS_ACCESS_KEY_ID, token: !!e.AWS_SESSION_TOKEN, exp: e.AWS_CREDENTIAL_EXPIRATION, region: e.AWS_REGION, defaultRegion: e.AWS_DEFAULT_REGION, marker: e.AWS_OP_PROFILE, config: e.AWS_CONFIG_FILE, argv: process.argv.slice(1) }))";
    const result = await sandbox.run(["exec", "work", "--", process.execPath, "-e", script, "x"], {
      env: { AWS_PROFILE: "other", AWS_DEFAULT_PROFILE: "other", AWS_ROLE_ARN: "arn:aws:iam::1:role/x" },
    });
    expect(result.status).toBe(0);
    const seen = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(seen).toMatchObject({
      profile: null,
      defaultProfile: null,
      role: null,
      token: true,
      region: "eu-west-1",
      defaultRegion: "eu-west-1",
      marker: "work",
      config: sandbox.configPath,
      argv: ["x"],
    });
    expect(seen.key).toMatch(/^[A-Z0-9]{16,}$/);
    expect(Date.parse(seen.exp as string) - Date.now()).toBeGreaterThan(20 * 60_000);
  });

  it("exits with the child's exit code (exec work -- sh -c 'exit 7' exits 7)", async () => {
    const result = await sandbox.run(["exec", "work", "--", "sh", "-c", "exit 7"]);
    expect(result.status).toBe(7);
    expect(result.stderr).toBe("");
  });

  it("runs $SHELL when no command is given", async () => {
    const result = await sandbox.run(["exec", "work"], {
      input: 'echo "shell sees $AWS_OP_PROFILE"; exit 3\n',
      env: { SHELL: "/bin/sh" },
    });
    expect(result.stdout).toBe("shell sees work\n");
    expect(result.status).toBe(3);
  });

  it("refuses to nest inside another aws-op exec unless --force", async () => {
    const nested = await sandbox.run(["exec", "work", "--", "true"], { env: { AWS_OP_PROFILE: "work" } });
    expect(nested.status).toBe(1);
    expect(nested.stderr).toMatch(/already runs inside "aws-op exec work"/);
    expect(nested.stderr).toMatch(/--force/);
    const forced = await sandbox.run(["exec", "work", "--force", "--", "true"], { env: { AWS_OP_PROFILE: "work" } });
    expect(forced.status).toBe(0);
  });

  it("says so when the command does not exist (exit 127)", async () => {
    const result = await sandbox.run(["exec", "work", "--", "no-such-command-aws-op"]);
    expect(result.status).toBe(127);
    expect(result.stderr).toMatch(/Command not found: no-such-command-aws-op/);
  });

  it("forwards SIGTERM to the child and exits 128+15 when the child dies of it", async () => {
    const dir = makeTempDir("aws-op-signal-");
    const ready = join(dir, "ready");
    const marker = join(dir, "marker");
    // The child records the signal, then dies of it (trap reset + kill itself), as a well-behaved program does.
    const script = `trap 'echo TERM > "$2"; trap - TERM; kill -TERM $$' TERM; echo up > "$1"; while :; do sleep 0.05; done`;
    const [program, ...programArgs] = awsOpCommand;
    const args = [...programArgs, "exec", "work", "--", "sh", "-c", script, "sh", ready, marker];
    const child = spawn(program, args, { env: sandbox.env(), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("close", (code, signal) => resolve({ code, signal })),
    );
    for (let i = 0; i < 400 && !existsSync(ready); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(ready)).toBe(true);
    child.kill("SIGTERM");
    const outcome = await closed;
    sandbox.recordOutput("aws-op", ["exec", "work", "--", "sh", "-c", "(signal test)"], { stderr });
    expect(stderr).toBe("");
    expect(readFileSync(marker, "utf8")).toBe("TERM\n");
    expect(outcome).toEqual({ code: 143, signal: null });
  });
});
