// argv -> options for every command (the GitHub CLI's TestNewCmdX): what commander parses is exactly the options
// object each command's run() receives, through src/cli.ts commandOptions. The commands themselves are replaced by
// recorders here; test/unit/cli-fast-path.test.ts covers the fast path of `process`.
import { beforeAll, describe, expect, it, vi } from "vitest";

const received: { command: string; options: unknown }[] = [];
const recorder = (command: string, result: unknown) => ({
  run: async (options: unknown) => {
    received.push({ command, options });
    return result;
  },
});
vi.mock("../../src/commands/process.js", () => recorder("process", ""));
vi.mock("../../src/commands/clear.js", () => recorder("clear", 0));
vi.mock("../../src/commands/exec.js", () => recorder("exec", 0));
vi.mock("../../src/commands/env.js", () => recorder("env", ""));
vi.mock("../../src/commands/rotate.js", () => ({
  ...recorder("rotate", undefined),
  runAll: recorder("rotate --all", true).run,
}));
vi.mock("../../src/commands/login.js", () => recorder("login", ""));
vi.mock("../../src/commands/completion.js", () => recorder("completion", ""));
vi.mock("../../src/commands/setup.js", () => recorder("setup", undefined));
vi.mock("../../src/commands/import.js", () => recorder("import", []));
vi.mock("../../src/commands/list.js", () => recorder("list", undefined));
vi.mock("../../src/commands/doctor.js", () => recorder("doctor", 0));

const { buildProgram, loadCommander } = await import("../../src/cli.js");
type Context = Parameters<typeof buildProgram>[0];

async function parse(argv: string[]): Promise<{ command: string; options: unknown } | undefined> {
  received.length = 0;
  const ctx = { stdout: () => undefined, stderr: () => undefined } as unknown as Context;
  await buildProgram(ctx, { exitCode: 0 }).parseAsync(argv, { from: "user" });
  return received[0];
}

const OP = ["--op-cli", "/mnt/c/op.exe", "--op-timeout", "30"];
const OP_OPTIONS = { opCli: "/mnt/c/op.exe", opTimeout: "30" };

describe("argv -> options, every command", () => {
  beforeAll(async () => {
    await loadCommander();
  });

  it.each<[string[], string, object]>([
    [["process", "--profile", "work"], "process", { profile: "work" }],
    [
      [
        "process",
        "--item",
        "AWS",
        "--vault",
        "V",
        "--account",
        "my",
        "--mfa-serial",
        "arn",
        "--session-duration",
        "2h",
        ...OP,
      ],
      "process",
      { item: "AWS", vault: "V", account: "my", mfaSerial: "arn", sessionDuration: "2h", ...OP_OPTIONS },
    ],
    [["clear", "work"], "clear", { profile: "work" }],
    [["clear", "--all"], "clear", { all: true }],
    [["exec", "work"], "exec", { profile: "work", command: [] }],
    [
      ["exec", "work", "--force", "--no-session", ...OP, "--", "aws", "s3", "ls", "--debug"],
      "exec",
      { profile: "work", command: ["aws", "s3", "ls", "--debug"], force: true, noSession: true, ...OP_OPTIONS },
    ],
    [
      ["exec", "work", "--server", "--", "terraform"],
      "exec",
      { profile: "work", command: ["terraform"], server: true },
    ],
    [["env", "work"], "env", { profile: "work", format: "sh" }],
    [["env", "work", "--format", "fish", ...OP], "env", { profile: "work", format: "fish", ...OP_OPTIONS }],
    [["rotate", "work"], "rotate", { profile: "work" }],
    [
      ["rotate", "work", "--dry-run", "-y", ...OP],
      "rotate",
      { profile: "work", dryRun: true, yes: true, ...OP_OPTIONS },
    ],
    [["rotate", "work", "--older-than", "90d"], "rotate", { profile: "work", olderThan: "90d" }],
    [
      ["rotate", "--all", "--older-than", "90d", "--dry-run", ...OP],
      "rotate --all",
      { olderThan: "90d", dryRun: true, ...OP_OPTIONS },
    ],
    [["login"], "login", {}],
    [
      [
        "login",
        "admin",
        "--region",
        "eu-west-1",
        "--path",
        "/s3/home",
        "--destination",
        "https://console.aws.amazon.com/",
        "--duration",
        "2h",
        "--stdout",
        ...OP,
      ],
      "login",
      {
        profile: "admin",
        region: "eu-west-1",
        path: "/s3/home",
        destination: "https://console.aws.amazon.com/",
        duration: "2h",
        stdout: true,
        ...OP_OPTIONS,
      },
    ],
    [["setup"], "setup", {}],
    [
      [
        "setup",
        "admin",
        "--vault",
        "V",
        "--item",
        "I",
        "--account",
        "A",
        "--region",
        "eu-west-1",
        "--mfa-serial",
        "M",
        "--session-duration",
        "1h",
        "--role-arn",
        "R",
        "--source-profile",
        "work",
        "--role-session-name",
        "S",
        "--external-id",
        "E",
        "--role-duration",
        "30m",
        "--dry-run",
        "--yes",
        "--offline",
        ...OP,
      ],
      "setup",
      {
        profile: "admin",
        vault: "V",
        item: "I",
        account: "A",
        region: "eu-west-1",
        mfaSerial: "M",
        sessionDuration: "1h",
        roleArn: "R",
        sourceProfile: "work",
        roleSessionName: "S",
        externalId: "E",
        roleDuration: "30m",
        dryRun: true,
        yes: true,
        offline: true,
        ...OP_OPTIONS,
      },
    ],
    [["import", "--all", "--vault", "V"], "import", { profiles: [], all: true, vault: "V" }],
    [
      ["import", "a", "b", "--vault", "V", "--account", "A", "--dry-run", "--keep-plaintext", "--json", ...OP],
      "import",
      { profiles: ["a", "b"], vault: "V", account: "A", dryRun: true, keepPlaintext: true, json: true, ...OP_OPTIONS },
    ],
    [["list"], "list", {}],
    [["list", "--json"], "list", { json: true }],
    [["completion", "fish"], "completion", { shell: "fish" }],
    [["completion", "--profiles"], "completion", { profiles: true }],
    [["doctor"], "doctor", {}],
    [
      ["doctor", "work", "--json", "--offline", ...OP],
      "doctor",
      { profile: "work", json: true, offline: true, ...OP_OPTIONS },
    ],
  ])("%j -> %s %j", async (argv, command, options) => {
    expect(await parse(argv)).toEqual({ command, options });
  });
});
