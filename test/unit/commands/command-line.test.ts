// argv -> options for every command (the GitHub CLI's TestNewCmdX), one table per command: argv in, the options its
// run receives (or the refusal) out, parsed by the real commander with run replaced by a recorder (argv-table.ts).
// Each command's table has every flag, what no argument means, and every refused combination: a command that changes
// things (rotate, clear, import) acts on exactly what was named, and with no target it runs nothing.
// test/unit/cli-fast-path.test.ts covers the fast path of `process`, which parses its argv without commander.
import { describe, expect, it } from "vitest";
import { newCmdClear } from "../../../src/commands/clear.js";
import { newCmdCompletion } from "../../../src/commands/completion.js";
import { newCmdDoctor } from "../../../src/commands/doctor.js";
import { newCmdEnv } from "../../../src/commands/env.js";
import { newCmdExec } from "../../../src/commands/exec.js";
import { newCmdImport } from "../../../src/commands/import.js";
import { newCmdList } from "../../../src/commands/list.js";
import { newCmdLogin } from "../../../src/commands/login.js";
import { newCmdProcess } from "../../../src/commands/process.js";
import { newCmdRotate } from "../../../src/commands/rotate.js";
import { newCmdSetup } from "../../../src/commands/setup.js";
import { optionsOf, refusalOf, type NewCmdWithRun } from "./argv-table.js";

const OP = ["--op-cli", "/mnt/c/op.exe", "--op-timeout", "30"];
const OP_OPTIONS = { opCli: "/mnt/c/op.exe", opTimeout: "30" };

/** Each argv is refused with a message holding the text, and the command's run is not called. */
function refuses<T>(newCmd: NewCmdWithRun<T>, table: [string[], string][]): void {
  it.each(table)("%j is refused: %s", async (argv, message) => {
    expect((await refusalOf(newCmd, argv)).message).toContain(message);
  });
}

describe("newCmdProcess", () => {
  it.each<[string[], object]>([
    [["process", "--profile", "work"], { profile: "work" }],
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
      { item: "AWS", vault: "V", account: "my", mfaSerial: "arn", sessionDuration: "2h", ...OP_OPTIONS },
    ],
    // No flag: the profile is $AWS_PROFILE or default, as for every AWS tool.
    [["process"], {}],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdProcess, argv)).toEqual(options);
  });
  refuses(newCmdProcess, [
    [["process", "work"], "too many arguments for 'process'"],
    [["process", "--profile"], "option '--profile <name>' argument missing"],
  ]);
});

describe("newCmdClear", () => {
  it.each<[string[], object]>([
    [["clear", "work"], { profile: "work" }],
    [["clear", "--all"], { all: true }],
    [["clear", "work", "--browser"], { profile: "work", browser: true }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdClear, argv)).toEqual(options);
  });
  refuses(newCmdClear, [
    [["clear"], "aws-op clear needs a profile (or --all)."],
    // Regression: cleared every session although one profile was named.
    [["clear", "work", "--all"], "Give a profile or --all, not both."],
    [["clear", "--all", "work"], "Give a profile or --all, not both."],
    [["clear", "work", "dev"], "too many arguments for 'clear'"],
    // --browser removes one named profile's browser profiles, never every profile's.
    [
      ["clear", "--all", "--browser"],
      "--browser removes one profile's browser profiles: name the profile (not --all).",
    ],
    [["clear", "--browser"], "--browser removes one profile's browser profiles: name the profile (not --all)."],
    [["clear", "work", "--all", "--browser"], "--browser removes one profile's browser profiles"],
  ]);
});

describe("newCmdExec", () => {
  it.each<[string[], object]>([
    [["exec", "work"], { profile: "work", command: [] }],
    [
      ["exec", "work", "--force", "--no-session", ...OP, "--", "aws", "s3", "ls", "--debug"],
      { profile: "work", command: ["aws", "s3", "ls", "--debug"], force: true, noSession: true, ...OP_OPTIONS },
    ],
    [["exec", "work", "--server", "--", "terraform"], { profile: "work", command: ["terraform"], server: true }],
    [["exec", "work", "aws", "s3", "ls"], { profile: "work", command: ["aws", "s3", "ls"] }],
    [["exec", "work", "--", "aws", "--query", "Arn"], { profile: "work", command: ["aws", "--query", "Arn"] }],
    // No profile: picked in a terminal. commander drops the "--", so "aws" must not pass for the profile.
    [["exec"], { command: [] }],
    [["exec", "--", "aws", "s3", "ls"], { command: ["aws", "s3", "ls"] }],
    [["--debug", "exec", "--", "aws"], { command: ["aws"] }],
    [["exec", "--force", "--", "aws"], { command: ["aws"], force: true }],
    [["exec", ...OP, "--", "aws", "--", "x"], { command: ["aws", "--", "x"], ...OP_OPTIONS }],
    [["exec", "--op-timeout=30", "--", "work"], { command: ["work"], opTimeout: "30" }],
    [["exec", "--op-timeout", "30", "work", "--", "aws"], { profile: "work", command: ["aws"], opTimeout: "30" }],
    // aws-op's own --debug before the "--"; everything after it is the command's.
    [["--debug", "exec", "work", "--", "aws", "--version"], { profile: "work", command: ["aws", "--version"] }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdExec, argv)).toEqual(options);
  });
  refuses(newCmdExec, [
    [["exec", "work", "--op-timeout"], "option '--op-timeout <seconds>' argument missing"],
    // An option after the profile and a command word was meant for the command: it goes after "--".
    [
      ["exec", "work", "aws", "sts", "get-caller-identity", "--query", "Arn"],
      '--query is not an option of aws-op exec: the command to run goes after "--".',
    ],
    [["exec", "--bogus"], "error: unknown option '--bogus'"],
    [["exec", "work", "--bogus"], "error: unknown option '--bogus'"],
    [["exec", "work", "--forse", "--", "aws"], "error: unknown option '--forse'\n(Did you mean --force?)"],
    [["exec", "work", "aws", "--query", "--", "x"], "error: unknown option '--query'"],
  ]);
  it.each([
    [
      ["exec", "work", "aws", "sts", "get-caller-identity", "--query", "Arn"],
      "Write it as: aws-op exec work -- aws sts get-caller-identity --query Arn",
    ],
    [
      ["exec", "--op-timeout", "30", "work", "--server", "aws", "--query", "Arn", "--output", "text"],
      "Write it as: aws-op exec --op-timeout 30 --server work -- aws --query Arn --output text",
    ],
    [["exec", "my profile", "aws", "-x"], "Write it as: aws-op exec 'my profile' -- aws -x"],
  ])("%j shows the line with the command after --", async (argv, hint) => {
    expect(await refusalOf(newCmdExec, argv)).toMatchObject({ hint });
  });
});

describe("newCmdEnv", () => {
  it.each<[string[], object]>([
    [["env", "work"], { profile: "work", format: "sh" }],
    [["env", "work", "--format", "fish", ...OP], { profile: "work", format: "fish", ...OP_OPTIONS }],
    // No profile: picked in a terminal.
    [["env"], { format: "sh" }],
    [["env", "--format", "json"], { format: "json" }],
    [["env", "work", "--format=json"], { profile: "work", format: "json" }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdEnv, argv)).toEqual(options);
  });
  refuses(newCmdEnv, [
    [["env", "work", "dev"], "too many arguments for 'env'"],
    [["env", "work", "--format"], "option '--format <format>' argument missing"],
    // The option's choices, which the completion scripts complete too.
    [
      ["env", "work", "--format", "zsh"],
      "option '--format <format>' argument 'zsh' is invalid. Allowed choices are sh, fish, powershell, cmd, dotenv, json.",
    ],
  ]);
});

describe("newCmdRotate", () => {
  it.each<[string[], object]>([
    [["rotate", "work"], { profile: "work" }],
    [["rotate", "work", "--dry-run", "-y", ...OP], { profile: "work", dryRun: true, yes: true, ...OP_OPTIONS }],
    [["rotate", "work", "--older-than", "90d"], { profile: "work", olderThan: "90d" }],
    [
      ["rotate", "--all", "--older-than", "90d", "--dry-run", ...OP],
      { all: true, olderThan: "90d", dryRun: true, ...OP_OPTIONS },
    ],
    [["rotate", "--all"], { all: true }],
    [["rotate", "work", "--yes"], { profile: "work", yes: true }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdRotate, argv)).toEqual(options);
  });
  refuses(newCmdRotate, [
    // Regression: a bare "aws-op rotate" ran rotate --all and replaced every key without a question.
    [["rotate"], "aws-op rotate needs a profile (or --all)."],
    [["rotate", "--dry-run"], "aws-op rotate needs a profile (or --all)."],
    [["rotate", "--older-than", "90d", "--yes"], "aws-op rotate needs a profile (or --all)."],
    [["rotate", "work", "--all"], "Give a profile or --all, not both."],
    [["rotate", "work", "dev"], "too many arguments for 'rotate'"],
    [["rotate", "work", "--older-than"], "option '--older-than <age>' argument missing"],
  ]);
});

describe("newCmdLogin", () => {
  it.each<[string[], object]>([
    [["login"], {}],
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
    [["login", "work", "--browser", "firefox"], { profile: "work", browser: "firefox" }],
    [
      ["login", "work", "--browser", "/opt/google/chrome/chrome", "--isolate"],
      { profile: "work", browser: "/opt/google/chrome/chrome", isolate: true },
    ],
    [["login", "--isolate"], { isolate: true }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdLogin, argv)).toEqual(options);
  });
  refuses(newCmdLogin, [
    [["login", "work", "dev"], "too many arguments for 'login'"],
    [["login", "work", "--region"], "option '--region <region>' argument missing"],
    // --stdout starts no browser, so neither --browser nor --isolate goes with it.
    [["login", "work", "--stdout", "--isolate"], "--stdout prints the sign-in URL and starts no browser: --isolate"],
    [["login", "work", "--stdout", "--browser", "chrome"], "starts no browser: --browser does not go with it."],
    [["login", "--isolate", "--browser", "edge", "--stdout"], "starts no browser: --browser does not go with it."],
  ]);
});

describe("newCmdSetup", () => {
  it.each<[string[], object]>([
    [["setup"], {}],
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
    [["setup", "work", "-y"], { profile: "work", yes: true }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdSetup, argv)).toEqual(options);
  });
  refuses(newCmdSetup, [
    [["setup", "work", "dev"], "too many arguments for 'setup'"],
    [["setup", "work", "--vault"], "option '--vault <vault>' argument missing"],
  ]);
});

describe("newCmdImport", () => {
  it.each<[string[], object]>([
    [["import", "--all", "--vault", "V"], { profiles: [], all: true, vault: "V" }],
    [
      ["import", "a", "b", "--vault", "V", "--account", "A", "--dry-run", "--keep-plaintext", "--json", ...OP],
      { profiles: ["a", "b"], vault: "V", account: "A", dryRun: true, keepPlaintext: true, json: true, ...OP_OPTIONS },
    ],
    // --vault is checked by run (aws-op import --all alone says which vault flag it needs).
    [["import", "--all"], { profiles: [], all: true }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdImport, argv)).toEqual(options);
  });
  refuses(newCmdImport, [
    [["import"], "aws-op import needs a profile (or --all)."],
    [["import", "--vault", "V", "--dry-run"], "aws-op import needs a profile (or --all)."],
    // Regression: imported every profile with keys although one was named.
    [["import", "work", "--all", "--vault", "V"], "Give a profile or --all, not both."],
    [["import", "--all", "--vault"], "option '--vault <vault>' argument missing"],
  ]);
});

describe("newCmdList", () => {
  it.each<[string[], object]>([
    [["list"], {}],
    [["list", "--json"], { json: true }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdList, argv)).toEqual(options);
  });
  refuses(newCmdList, [[["list", "work"], "too many arguments for 'list'"]]);
});

describe("newCmdCompletion", () => {
  it.each<[string[], object]>([
    [["completion", "fish"], { shell: "fish" }],
    [["completion", "bash"], { shell: "bash" }],
    [["completion", "zsh"], { shell: "zsh" }],
    [["completion", "--profiles"], { profiles: true }],
    [["completion", "bash", "--profiles"], { profiles: true }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdCompletion, argv)).toEqual(options);
  });
  refuses(newCmdCompletion, [
    [["completion"], "Which shell? Say bash, zsh or fish."],
    // The argument's choices, which the completion scripts complete too.
    [
      ["completion", "tcsh"],
      "command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.",
    ],
    [["completion", "bash", "zsh"], "too many arguments for 'completion'"],
  ]);
});

describe("newCmdDoctor", () => {
  it.each<[string[], object]>([
    [["doctor"], {}],
    [["doctor", "work", "--json", "--offline", ...OP], { profile: "work", json: true, offline: true, ...OP_OPTIONS }],
    [["doctor", "--fix"], { fix: true }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdDoctor, argv)).toEqual(options);
  });
  refuses(newCmdDoctor, [[["doctor", "work", "dev"], "too many arguments for 'doctor'"]]);
});
