import { appendFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { exitCodeOf, type ChildOutcome, type ChildRunner } from "../../../src/child.js";
import { childEnvironment, defaultCommand, run, serverChildEnvironment } from "../../../src/commands/exec.js";
import { UserError } from "../../../src/errors.js";
import { awsItem, fakeWorld } from "./fake-context.js";

const CONFIG = "[profile work]\nregion = eu-central-1\nop_vault = Work\nop_item = AWS work\n";

/** What a child could inherit: every kind of variable that carries or selects credentials, and two that stay. */
const INHERITED: NodeJS.ProcessEnv = {
  PATH: "/bin",
  AWS_PROFILE: "p",
  AWS_DEFAULT_PROFILE: "p",
  AWS_ACCESS_KEY_ID: "AKIASTALE",
  AWS_SECRET_ACCESS_KEY: "stale",
  AWS_SESSION_TOKEN: "stale",
  AWS_SECURITY_TOKEN: "t",
  AWS_CREDENTIAL_EXPIRATION: "stale",
  AWS_WEB_IDENTITY_TOKEN_FILE: "/f",
  AWS_ROLE_ARN: "r",
  AWS_ROLE_SESSION_NAME: "n",
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/x",
  AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.23/old",
  AWS_CONTAINER_AUTHORIZATION_TOKEN: "container-token",
  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/old",
  AWS_CREDENTIAL_FILE: "/ec2-credentials",
  AWS_CONFIG_FILE: "/home/u/.aws/config",
  AWS_ENDPOINT_URL: "http://localhost:5000",
};

function recorder() {
  const calls: { command: string; args: string[]; env: NodeJS.ProcessEnv }[] = [];
  const runner: ChildRunner = async (command, args, env) => {
    calls.push({ command, args, env });
    return { exitCode: 0, signal: null };
  };
  return { calls, runner };
}

describe("exec", () => {
  it("gives the command session credentials through the environment only, never argv", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "long-term-secret"));
    world.ctx.env.AWS_PROFILE = "other";
    world.ctx.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = "http://169.254.170.23/creds";
    const { calls, runner } = recorder();
    const code = await run({ profile: "work", command: ["aws", "s3", "ls"] }, { ...world.ctx, runChild: runner });
    expect(code).toBe(0);
    expect(calls).toHaveLength(1);
    const [{ command, args, env }] = calls as [(typeof calls)[0]];
    expect([command, ...args]).toEqual(["aws", "s3", "ls"]);
    expect(env).toMatchObject({
      AWS_ACCESS_KEY_ID: "ASIASESSION000000001",
      AWS_SECRET_ACCESS_KEY: "session-secret-1",
      AWS_SESSION_TOKEN: "session-token-1",
      AWS_REGION: "eu-central-1",
      AWS_DEFAULT_REGION: "eu-central-1",
      AWS_OP_PROFILE: "work",
    });
    expect(env.AWS_PROFILE).toBeUndefined();
    expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBeUndefined();
    expect(env.AWS_CONFIG_FILE).toBe(world.ctx.env.AWS_CONFIG_FILE);
    expect(world.stderr).toEqual([]);
  });

  it("--no-session serves the long-term keys and warns", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "long-term-secret"));
    const { calls, runner } = recorder();
    await run({ profile: "work", command: ["true"], noSession: true }, { ...world.ctx, runChild: runner });
    expect(calls[0]!.env.AWS_ACCESS_KEY_ID).toBe("AKIALONGTERM00000001");
    expect(calls[0]!.env.AWS_SESSION_TOKEN).toBeUndefined();
    expect(calls[0]!.env.AWS_CREDENTIAL_EXPIRATION).toBeUndefined();
    expect(world.stderr.join("")).toMatch(/--no-session/);
    expect(world.stderr.join("")).not.toContain("long-term-secret");
  });

  it("refuses to nest without --force, before asking 1Password anything", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "s"));
    world.ctx.env.AWS_OP_PROFILE = "prod";
    const { calls, runner } = recorder();
    await expect(run({ profile: "work", command: ["true"] }, { ...world.ctx, runChild: runner })).rejects.toThrow(
      /already runs inside "aws-op exec prod"/,
    );
    expect(world.opCalls).toHaveLength(0);
    await run({ profile: "work", command: ["true"], force: true }, { ...world.ctx, runChild: runner });
    expect(calls[0]!.env.AWS_OP_PROFILE).toBe("work");
  });

  it("runs $SHELL, else /bin/sh, when no command is given", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "s"));
    world.ctx.env.SHELL = "/usr/bin/zsh";
    const { calls, runner } = recorder();
    await run({ profile: "work", command: [] }, { ...world.ctx, runChild: runner });
    expect(calls[0]!.command).toBe("/usr/bin/zsh");
    expect(defaultCommand({}, "linux")).toBe("/bin/sh");
    expect(defaultCommand({ COMSPEC: "C:\\Windows\\system32\\cmd.exe" }, "win32")).toBe(
      "C:\\Windows\\system32\\cmd.exe",
    );
  });

  it("returns the child's exit code, or 128 + the signal number", () => {
    expect(exitCodeOf({ exitCode: 7, signal: null })).toBe(7);
    expect(exitCodeOf({ exitCode: null, signal: "SIGTERM" })).toBe(143);
    expect(exitCodeOf({ exitCode: null, signal: "SIGINT" })).toBe(130);
    expect(exitCodeOf({ exitCode: null, signal: "SIGHUP" })).toBe(129);
  });

  it("childEnvironment removes every credential-bearing variable", () => {
    const env = childEnvironment(INHERITED, "work", { accessKeyId: "AKIA1", secretAccessKey: "s" }, "us-east-1");
    expect(env).toMatchObject({ AWS_ACCESS_KEY_ID: "AKIA1", AWS_SECRET_ACCESS_KEY: "s" });
    expect(Object.keys(env).sort()).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_CONFIG_FILE",
      "AWS_DEFAULT_REGION",
      "AWS_ENDPOINT_URL",
      "AWS_OP_PROFILE",
      "AWS_REGION",
      "AWS_SECRET_ACCESS_KEY",
      "PATH",
    ]);
  });

  it("serverChildEnvironment gives the endpoint, its token, the region and the child's own profile and config, and no credential variable", () => {
    const env = serverChildEnvironment(
      INHERITED,
      "work",
      { url: "http://127.0.0.1:1234/credentials", token: "t" },
      "us-east-1",
      { profile: "aws-op-exec-0000000a", configFile: "/tmp/aws-op-exec-x/config" },
    );
    expect(env).toEqual({
      PATH: "/bin",
      AWS_ENDPOINT_URL: "http://localhost:5000",
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:1234/credentials",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "t",
      AWS_PROFILE: "aws-op-exec-0000000a",
      AWS_CONFIG_FILE: "/tmp/aws-op-exec-x/config",
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_OP_PROFILE: "work",
    });
  });
});

describe("exec --server", () => {
  /** A child that asks the endpoint (as an SDK would) while it runs, then ends with `outcome`. */
  function endpointChild(
    during: (ask: () => Promise<Response>, env: NodeJS.ProcessEnv) => Promise<void> = async () => undefined,
    outcome: ChildOutcome = { exitCode: 0, signal: null },
  ) {
    const seen: { command: string; args: string[]; env: NodeJS.ProcessEnv }[] = [];
    const runner: ChildRunner = async (command, args, env) => {
      seen.push({ command, args, env });
      const ask = () =>
        fetch(env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? "", {
          headers: { Authorization: env.AWS_CONTAINER_AUTHORIZATION_TOKEN ?? "" },
        });
      await during(ask, env);
      return outcome;
    };
    return { seen, runner };
  }

  /** A new connection to the endpoint's port is refused. */
  async function expectClosed(url: string | undefined): Promise<void> {
    const port = Number(new URL(url ?? "").port);
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
    });
    expect(outcome).toBe("ECONNREFUSED");
  }

  it("fetches once before the command starts, then serves the cached session: no op call per request", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "long-term-secret"));
    world.ctx.env.AWS_PROFILE = "other";
    world.ctx.env.AWS_ACCESS_KEY_ID = "AKIASTALE";
    const answers: unknown[] = [];
    const { seen, runner } = endpointChild(async (ask) => {
      // The credentials were fetched before the child started (the session's AccountId with them).
      expect(world.events).toEqual([
        "op item get",
        "sts GetSessionToken AKIALONGTERM00000001",
        "sts GetCallerIdentity AKIALONGTERM00000001",
      ]);
      for (let i = 0; i < 3; i++) answers.push(await (await ask()).json());
    });
    const code = await run(
      { profile: "work", command: ["aws", "s3", "ls"], server: true },
      { ...world.ctx, runChild: runner },
    );
    expect(code).toBe(0);
    const [{ command, args, env }] = seen as [(typeof seen)[0]];
    expect([command, ...args]).toEqual(["aws", "s3", "ls"]);
    expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/credentials$/);
    expect(Buffer.from(env.AWS_CONTAINER_AUTHORIZATION_TOKEN ?? "", "base64url").length).toBeGreaterThanOrEqual(32);
    for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]) {
      expect(env[name], name).toBeUndefined();
    }
    expect(env.AWS_PROFILE).toMatch(/^aws-op-exec-[0-9a-f]{8}$/);
    expect(JSON.stringify(env)).not.toContain("session-secret");
    expect(JSON.stringify(env)).not.toContain("long-term-secret");
    expect(env).toMatchObject({ AWS_REGION: "eu-central-1", AWS_OP_PROFILE: "work" });
    expect(answers).toEqual(
      Array(3).fill({
        AccessKeyId: "ASIASESSION000000001",
        SecretAccessKey: "session-secret-1",
        Token: "session-token-1",
        Expiration: "2026-11-25T13:00:10Z",
        AccountId: "123456789012",
      }),
    );
    expect(world.opCalls).toHaveLength(1);
    expect(world.stderr).toEqual([]);
    await expectClosed(env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
  });

  it("a child running across the refresh point gets a renewed session with exactly one more op call", async () => {
    let sessions = 0;
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "long-term-secret"), {
      async getSessionToken() {
        sessions += 1;
        return {
          accessKeyId: `ASIASESSION00000000${sessions}`,
          secretAccessKey: `session-secret-${sessions}`,
          sessionToken: `session-token-${sessions}`,
          expiration: new Date(world.ctx.now().getTime() + 3600_000),
        };
      },
    });
    const tokens: string[] = [];
    const { runner } = endpointChild(async (ask) => {
      tokens.push(((await (await ask()).json()) as { Token: string }).Token);
      // 45 minutes later the session has 15 minutes left: an SDK asks again, and aws-op renews it once.
      await world.ctx.sleep(45 * 60_000);
      const renewed = await Promise.all(Array.from({ length: 20 }, () => ask()));
      for (const answer of renewed) tokens.push(((await answer.json()) as { Token: string }).Token);
      tokens.push(((await (await ask()).json()) as { Token: string }).Token);
    });
    await run({ profile: "work", command: ["long-job"], server: true }, { ...world.ctx, runChild: runner });
    expect(tokens[0]).toBe("session-token-1");
    expect(new Set(tokens.slice(1))).toEqual(new Set(["session-token-2"]));
    expect(world.opCalls).toHaveLength(2);
    expect(sessions).toBe(2);
  });

  it("passes the exit code through, 128 + n when a signal killed the child, and closes the endpoint", async () => {
    for (const [outcome, expected] of [
      [{ exitCode: 7, signal: null }, 7],
      [{ exitCode: null, signal: "SIGKILL" }, 137],
      [{ exitCode: null, signal: "SIGTERM" }, 143],
    ] as const) {
      const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "s"));
      const { seen, runner } = endpointChild(async (ask) => expect((await ask()).status).toBe(200), outcome);
      expect(await run({ profile: "work", command: ["x"], server: true }, { ...world.ctx, runChild: runner })).toBe(
        expected,
      );
      await expectClosed(seen[0]?.env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
    }
  });

  it("closes the endpoint when the command cannot start", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "s"));
    let url: string | undefined;
    const runner: ChildRunner = async (command, _args, env) => {
      url = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
      throw new UserError(`Command not found: ${command}`, { exitCode: 127 });
    };
    await expect(
      run({ profile: "work", command: ["nope"], server: true }, { ...world.ctx, runChild: runner }),
    ).rejects.toThrow(/Command not found/);
    await expectClosed(url);
  });

  it("a new token for every exec", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "s"));
    const { seen, runner } = endpointChild();
    await run({ profile: "work", command: ["x"], server: true }, { ...world.ctx, runChild: runner });
    await run({ profile: "work", command: ["x"], server: true }, { ...world.ctx, runChild: runner });
    const [a, b] = seen.map((s) => s.env.AWS_CONTAINER_AUTHORIZATION_TOKEN);
    expect(a).not.toBe(b);
    expect(seen.every((s) => !s.args.some((arg) => arg.includes(s.env.AWS_CONTAINER_AUTHORIZATION_TOKEN!)))).toBe(true);
  });

  it("the command runs under a profile of its own, in a private copy of the config that holds it, removed when exec ends", async () => {
    const config = `[default]\ncredential_process = /bin/node /cli.js process --profile bob\n\n${CONFIG}output = text\n`;
    const world = fakeWorld(config, awsItem("AKIALONGTERM00000001", "long-term-secret"));
    writeFileSync(world.ctx.env.AWS_SHARED_CREDENTIALS_FILE ?? "", "[default]\naws_access_key_id = AKIADEFAULT\n");
    let copy = "";
    let modes: number[] = [];
    const { seen, runner } = endpointChild(async (_ask, env) => {
      const path = env.AWS_CONFIG_FILE ?? "";
      copy = readFileSync(path, "utf8");
      modes = [statSync(path).mode & 0o777, statSync(dirname(path)).mode & 0o777];
    });
    await run({ profile: "work", command: ["x"], server: true }, { ...world.ctx, runChild: runner });
    const env = seen[0]?.env ?? {};
    expect(copy).toBe(`${config}\n[profile ${env.AWS_PROFILE ?? "?"}]\nregion = eu-central-1\noutput = text\n`);
    expect(modes).toEqual([0o600, 0o700]);
    expect(env.AWS_CONFIG_FILE).not.toBe(world.ctx.env.AWS_CONFIG_FILE);
    expect(existsSync(dirname(env.AWS_CONFIG_FILE ?? ""))).toBe(false);
    expect(world.stderr).toEqual([]);
  });

  it("a copy the command changed (aws configure set, aws-op setup in the child) is kept, and aws-op says where", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "s"));
    let path = "";
    const { runner } = endpointChild(async (_ask, env) => {
      path = env.AWS_CONFIG_FILE ?? "";
      appendFileSync(path, "[profile new]\nregion = us-west-2\n");
    });
    await run({ profile: "work", command: ["x"], server: true }, { ...world.ctx, runChild: runner });
    expect(readFileSync(path, "utf8")).toContain("[profile new]");
    expect(world.stderr.join("")).toBe(
      `aws-op: the command changed its copy of the AWS config, ${path}, not ${world.ctx.env.AWS_CONFIG_FILE ?? ""}. The copy is kept: take what you need from it, then remove ${dirname(path)}.\n`,
    );
    // What the user would do: the test leaves nothing behind.
    rmSync(dirname(path), { recursive: true });
  });

  it("removes the copy when the command cannot start", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "s"));
    let path = "";
    const runner: ChildRunner = async (command, _args, env) => {
      path = env.AWS_CONFIG_FILE ?? "";
      throw new UserError(`Command not found: ${command}`, { exitCode: 127 });
    };
    await expect(
      run({ profile: "work", command: ["nope"], server: true }, { ...world.ctx, runChild: runner }),
    ).rejects.toThrow(/Command not found/);
    expect(path).not.toBe("");
    expect(existsSync(dirname(path))).toBe(false);
  });

  it("refuses when boto 2's file holds keys (botocore takes them before the endpoint), before asking 1Password", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "s"));
    writeFileSync(
      join(world.ctx.home, ".boto"),
      "[Credentials]\naws_access_key_id = AKIABOTO\naws_secret_access_key = x\n",
    );
    const { seen, runner } = endpointChild();
    await expect(
      run({ profile: "work", command: ["x"], server: true }, { ...world.ctx, runChild: runner }),
    ).rejects.toThrow(
      `${join(world.ctx.home, ".boto")} holds AWS keys ([Credentials] aws_access_key_id), which the AWS CLI and boto3 take before the credentials endpoint: under --server they would act as those keys, not as profile "work".`,
    );
    expect(world.opCalls).toHaveLength(0);
    expect(seen).toHaveLength(0);
    // Without --server the keys in the environment come first: no refusal.
    await run({ profile: "work", command: ["x"] }, { ...world.ctx, runChild: recorder().runner });
  });

  it("refuses --server with --no-session, and for a profile without sessions, before starting anything", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "s"));
    const { seen, runner } = endpointChild();
    await expect(
      run({ profile: "work", command: ["x"], server: true, noSession: true }, { ...world.ctx, runChild: runner }),
    ).rejects.toThrow(/gives long-term keys here \(--no-session/);
    expect(world.opCalls).toHaveLength(0);
    const off = fakeWorld(`${CONFIG}op_session_duration = off\n`, awsItem("AKIALONGTERM00000001", "s"));
    await expect(
      run({ profile: "work", command: ["x"], server: true }, { ...off.ctx, runChild: runner }),
    ).rejects.toThrow(/op_session_duration = off\), and the credentials endpoint serves only credentials that expire/);
    expect(seen).toHaveLength(0);
  });

  it("--server --no-session on a role profile serves the role assumed straight from the long-term keys (it expires)", async () => {
    const config = `${CONFIG}[profile admin]\nregion = eu-central-1\nop_source_profile = work\nop_role_arn = arn:aws:iam::123456789012:role/admin\n`;
    const assumedWith: string[] = [];
    const world = fakeWorld(config, awsItem("AKIALONGTERM00000001", "long-term-secret"), {
      async assumeRole(keys) {
        assumedWith.push(keys.accessKeyId);
        return {
          accessKeyId: "ASIAROLE000000000001",
          secretAccessKey: "role-secret",
          sessionToken: "role-token",
          expiration: new Date(world.ctx.now().getTime() + 3600_000),
          assumedRoleArn: "arn:aws:sts::123456789012:assumed-role/admin/aws-op-alice",
        };
      },
    });
    const keys: string[] = [];
    const { runner } = endpointChild(async (ask) => {
      for (let i = 0; i < 2; i++) keys.push(((await (await ask()).json()) as { AccessKeyId: string }).AccessKeyId);
    });
    await run({ profile: "admin", command: ["x"], server: true, noSession: true }, { ...world.ctx, runChild: runner });
    expect(keys).toEqual(["ASIAROLE000000000001", "ASIAROLE000000000001"]);
    expect(assumedWith).toEqual(["AKIALONGTERM00000001"]);
    expect(world.opCalls).toHaveLength(1);
  });
});
