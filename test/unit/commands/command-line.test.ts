// argv -> options for every command (the GitHub CLI's TestNewCmdX), one table per command: argv in, the options its
// run receives (or the refusal) out, parsed by the real commander with run replaced by a recorder (argv-table.ts).
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
import { optionsOf } from "./argv-table.js";

const OP = ["--op-cli", "/mnt/c/op.exe", "--op-timeout", "30"];
const OP_OPTIONS = { opCli: "/mnt/c/op.exe", opTimeout: "30" };

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
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdProcess, argv)).toEqual(options);
  });
});

describe("newCmdClear", () => {
  it.each<[string[], object]>([
    [["clear", "work"], { profile: "work" }],
    [["clear", "--all"], { all: true }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdClear, argv)).toEqual(options);
  });
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
    // No profile: picked in a terminal. commander drops the "--", so "aws" must not pass for the profile.
    [["exec"], { command: [] }],
    [["exec", "--", "aws", "s3", "ls"], { command: ["aws", "s3", "ls"] }],
    [["--debug", "exec", "--", "aws"], { command: ["aws"] }],
    [["exec", "--force", "--", "aws"], { command: ["aws"], force: true }],
    [["exec", ...OP, "--", "aws", "--", "x"], { command: ["aws", "--", "x"], ...OP_OPTIONS }],
    [["exec", "--op-timeout=30", "--", "work"], { command: ["work"], opTimeout: "30" }],
    [["exec", "--op-timeout", "30", "work", "--", "aws"], { profile: "work", command: ["aws"], opTimeout: "30" }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdExec, argv)).toEqual(options);
  });
});

describe("newCmdEnv", () => {
  it.each<[string[], object]>([
    [["env", "work"], { profile: "work", format: "sh" }],
    [["env", "work", "--format", "fish", ...OP], { profile: "work", format: "fish", ...OP_OPTIONS }],
    [["env", "--format", "json"], { format: "json" }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdEnv, argv)).toEqual(options);
  });
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
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdRotate, argv)).toEqual(options);
  });
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
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdLogin, argv)).toEqual(options);
  });
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
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdSetup, argv)).toEqual(options);
  });
});

describe("newCmdImport", () => {
  it.each<[string[], object]>([
    [["import", "--all", "--vault", "V"], { profiles: [], all: true, vault: "V" }],
    [
      ["import", "a", "b", "--vault", "V", "--account", "A", "--dry-run", "--keep-plaintext", "--json", ...OP],
      { profiles: ["a", "b"], vault: "V", account: "A", dryRun: true, keepPlaintext: true, json: true, ...OP_OPTIONS },
    ],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdImport, argv)).toEqual(options);
  });
});

describe("newCmdList", () => {
  it.each<[string[], object]>([
    [["list"], {}],
    [["list", "--json"], { json: true }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdList, argv)).toEqual(options);
  });
});

describe("newCmdCompletion", () => {
  it.each<[string[], object]>([
    [["completion", "fish"], { shell: "fish" }],
    [["completion", "--profiles"], { profiles: true }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdCompletion, argv)).toEqual(options);
  });
});

describe("newCmdDoctor", () => {
  it.each<[string[], object]>([
    [["doctor"], {}],
    [["doctor", "work", "--json", "--offline", ...OP], { profile: "work", json: true, offline: true, ...OP_OPTIONS }],
  ])("%j -> %j", async (argv, options) => {
    expect(await optionsOf(newCmdDoctor, argv)).toEqual(options);
  });
});
