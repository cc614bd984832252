// One precedence for the op executable in every command that runs op: --op-cli > AWS_OP_CLI > op_cli > "op"
// (regression: setup read op_cli before AWS_OP_CLI, doctor and import ignored op_cli).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run as doctor } from "../../../src/commands/doctor.js";
import { run as env } from "../../../src/commands/env.js";
import { run as exec } from "../../../src/commands/exec.js";
import { run as importKeys } from "../../../src/commands/import.js";
import { run as processCommand } from "../../../src/commands/process.js";
import { run as rotate } from "../../../src/commands/rotate.js";
import { run as setup } from "../../../src/commands/setup.js";
import type { Context } from "../../../src/context.js";
import { awsItem, fakeWorld } from "./fake-context.js";

type Flag = { opCli?: string };

const COMMANDS: [string, (flag: Flag, ctx: Context) => Promise<unknown>][] = [
  ["process", (flag, ctx) => processCommand({ profile: "work", ...flag }, ctx)],
  ["setup", (flag, ctx) => setup({ profile: "work", offline: true, dryRun: true, ...flag }, ctx)],
  ["doctor", (flag, ctx) => doctor({ profile: "work", offline: true, ...flag }, ctx)],
  ["import", (flag, ctx) => importKeys({ profiles: ["work"], vault: "Work", dryRun: true, ...flag }, ctx)],
  ["rotate", (flag, ctx) => rotate({ profile: "work", dryRun: true, ...flag }, ctx)],
  [
    "exec",
    (flag, ctx) =>
      exec(
        { profile: "work", command: ["true"], ...flag },
        { ...ctx, runChild: async () => ({ exitCode: 0, signal: null }) },
      ),
  ],
  ["env", (flag, ctx) => env({ profile: "work", ...flag }, ctx)],
];

// [--op-cli, AWS_OP_CLI, op_cli in the profile] -> the executable op runs as
const PRECEDENCE: [string | undefined, string | undefined, string | undefined, string][] = [
  [undefined, undefined, undefined, "op"],
  [undefined, undefined, "profile-op", "profile-op"],
  [undefined, "env-op", undefined, "env-op"],
  [undefined, "env-op", "profile-op", "env-op"],
  ["flag-op", undefined, "profile-op", "flag-op"],
  ["flag-op", "env-op", "profile-op", "flag-op"],
];

describe("op_cli precedence: --op-cli > AWS_OP_CLI > op_cli, the same in every command", () => {
  for (const [name, command] of COMMANDS) {
    it.each(PRECEDENCE)(
      `${name}: --op-cli %s, AWS_OP_CLI %s, op_cli %s -> %s`,
      async (flag, variable, key, expected) => {
        const config = ["[profile work]", "op_vault = Work", "op_item = AWS work", ...(key ? [`op_cli = ${key}`] : [])];
        const world = fakeWorld(`${config.join("\n")}\n`, awsItem("AKIAPRECEDENCE000001", "secret"));
        writeFileSync(
          join(world.ctx.home, "credentials"),
          "[work]\naws_access_key_id = AKIAPRECEDENCE000001\naws_secret_access_key = secret\n",
        );
        if (variable) world.ctx.env.AWS_OP_CLI = variable;
        world.ctx.execPath = "/usr/bin/node";
        world.ctx.cliPath = "/opt/aws-op/dist/cli.js";
        // What happens after op answers does not matter here (the in-memory op answers every call with the item).
        await command(flag ? { opCli: flag } : {}, world.ctx).catch(() => undefined);
        expect(world.opClis.length).toBeGreaterThan(0);
        expect(new Set(world.opClis)).toEqual(new Set([expected]));
      },
    );
  }
});
