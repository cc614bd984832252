// The interactive `aws-op setup` in a real terminal (a pty): the built CLI asks for the profile, then lists the
// vaults and items from the fake op; typing filters the lists, Enter picks, and the diff is confirmed.
import { readFileSync } from "node:fs";
import { spawn } from "@lydell/node-pty";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureFakeOpBuilt, makeStore, makeVault, scriptRecipeItem } from "../fake-op/fixture.js";
import { cliPath, createSandbox, type Sandbox } from "../helpers/sandbox.js";
import { Terminal } from "../helpers/terminal.js";

describe("interactive aws-op setup in a terminal", () => {
  let sandbox: Sandbox;
  let terminal: Terminal | undefined;

  beforeAll(async () => {
    await ensureFakeOpBuilt();
  }, 60_000);

  afterEach(() => {
    terminal?.endIn(sandbox, ["setup"]);
    terminal = undefined;
  });

  function start(args: string[], env: Record<string, string> = {}): Terminal {
    sandbox = createSandbox({
      store: makeStore({
        vaults: [
          makeVault("Private", [
            scriptRecipeItem({ title: "Netflix", accessKeyId: "AKIANOTAWS0000000001", secretAccessKey: "n" }),
          ]),
          makeVault("Work", [
            scriptRecipeItem({ title: "AWS staging", accessKeyId: "AKIASTAGING000000001", secretAccessKey: "s" }),
            scriptRecipeItem({ title: "AWS prod", accessKeyId: "AKIAPROD000000000001", secretAccessKey: "p" }),
          ]),
        ],
      }),
    });
    const env2 = Object.fromEntries(
      Object.entries(sandbox.env({ TERM: "xterm-256color", ...env })).filter(
        (e): e is [string, string] => e[1] !== undefined,
      ),
    );
    terminal = new Terminal(
      spawn(process.execPath, [cliPath, ...args], { cols: 120, rows: 40, env: env2, name: "xterm-256color" }),
    );
    return terminal;
  }

  it("asks for the profile, lists vaults and items with type-to-filter, shows the diff and writes after Enter", async () => {
    const t = start(["setup", "--offline"]);
    await t.waitFor("AWS profile name");
    await t.type("prod\r");
    await t.waitFor("1Password vault");
    await t.waitFor("Private");
    await t.type("wor");
    await t.waitFor(/vault[^\n]*wor/);
    await t.type("\r");
    await t.waitFor("1Password item holding the AWS key");
    await t.waitFor("AWS staging");
    // "AWS prod" sorts first: only the filter makes Enter pick "AWS staging".
    await t.type("stag");
    await t.waitFor(/key \(type to filter\)[^\n]*stag/);
    await t.type("\r");
    await t.waitFor("Write these changes");
    expect(t.screen()).toContain("+op_item = AWS staging");
    expect(t.screen()).toContain("AKIA************0001");
    await t.type("\r");
    expect(await t.exitCode()).toBe(0);
    const config = readFileSync(sandbox.configPath, "utf8");
    expect(config).toContain("[profile prod]\n");
    expect(config).toContain("op_item = AWS staging\nop_vault = Work\n");
    expect(sandbox.opCalls().map((c) => c.slice(0, 2).join(" "))).toEqual([
      "account list",
      "vault list",
      "item list",
      "item get",
    ]);
  }, 60_000);

  it("answering no at the confirmation writes nothing", async () => {
    const t = start(["setup", "dev", "--vault", "Work", "--offline"]);
    await t.waitFor("1Password item holding the AWS key");
    await t.waitFor("AWS staging");
    await t.type("\r");
    await t.waitFor("Write these changes");
    await t.type("n\r");
    expect(await t.exitCode()).toBe(0);
    expect(t.screen()).toContain("Nothing was written.");
    expect(() => readFileSync(sandbox.configPath, "utf8")).toThrow();
  }, 60_000);
});
