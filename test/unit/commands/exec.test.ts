import { describe, expect, it } from "vitest";
import { childEnvironment, defaultCommand, exitCodeOf, run, type ChildRunner } from "../../../src/commands/exec.js";
import { awsItem, fakeWorld } from "./fake-context.js";

const CONFIG = "[profile work]\nregion = eu-central-1\nop_vault = Work\nop_item = AWS work\n";

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
    const code = await run({ profile: "work", command: ["aws", "s3", "ls"] }, world.ctx, runner);
    expect(code).toBe(0);
    expect(calls).toHaveLength(1);
    const [{ command, args, env }] = calls as [(typeof calls)[0]];
    expect([command, ...args]).toEqual(["aws", "s3", "ls"]);
    expect(env).toMatchObject({
      AWS_ACCESS_KEY_ID: "ASIASESSION000000001",
      AWS_SECRET_ACCESS_KEY: "session-secret",
      AWS_SESSION_TOKEN: "session-token",
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
    await run({ profile: "work", command: ["true"], noSession: true }, world.ctx, runner);
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
    await expect(run({ profile: "work", command: ["true"] }, world.ctx, runner)).rejects.toThrow(
      /already runs inside "aws-op exec prod"/,
    );
    expect(world.opCalls).toHaveLength(0);
    await run({ profile: "work", command: ["true"], force: true }, world.ctx, runner);
    expect(calls[0]!.env.AWS_OP_PROFILE).toBe("work");
  });

  it("runs $SHELL, else /bin/sh, when no command is given", async () => {
    const world = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "s"));
    world.ctx.env.SHELL = "/usr/bin/zsh";
    const { calls, runner } = recorder();
    await run({ profile: "work", command: [] }, world.ctx, runner);
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
    const env = childEnvironment(
      {
        PATH: "/bin",
        AWS_PROFILE: "p",
        AWS_DEFAULT_PROFILE: "p",
        AWS_SECURITY_TOKEN: "t",
        AWS_WEB_IDENTITY_TOKEN_FILE: "/f",
        AWS_ROLE_ARN: "r",
        AWS_ROLE_SESSION_NAME: "n",
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/x",
        AWS_CONTAINER_AUTHORIZATION_TOKEN: "container-token",
        AWS_SESSION_TOKEN: "stale",
        AWS_CREDENTIAL_EXPIRATION: "stale",
        AWS_ENDPOINT_URL: "http://localhost:5000",
      },
      "work",
      { accessKeyId: "AKIA1", secretAccessKey: "s" },
      "us-east-1",
    );
    expect(Object.keys(env).sort()).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_DEFAULT_REGION",
      "AWS_ENDPOINT_URL",
      "AWS_OP_PROFILE",
      "AWS_REGION",
      "AWS_SECRET_ACCESS_KEY",
      "PATH",
    ]);
  });
});
