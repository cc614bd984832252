// `aws-op import` in a real terminal (a pty) without --vault: the vaults from the fake op in a type-to-filter list,
// as setup offers them; Enter picks and the keys go there. Ctrl-C at the list is "Cancelled." (exit 130) with nothing
// created or written.
import { readFileSync } from "node:fs";
import { spawn } from "@lydell/node-pty";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureFakeOpBuilt, makeStore, makeVault, readStore } from "../fake-op/fixture.js";
import { cliPath, createSandbox, type Sandbox } from "../helpers/sandbox.js";
import { Terminal } from "../helpers/terminal.js";

const KEY_ID = "AKIAIMPORTPICK000001";
const CREDENTIALS = `[work]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = pick-me-secret\n`;

describe("interactive aws-op import in a terminal", () => {
  let sandbox: Sandbox;
  let terminal: Terminal | undefined;

  beforeAll(async () => {
    await ensureFakeOpBuilt();
  }, 60_000);

  afterEach(() => {
    terminal?.endIn(sandbox, ["import"]);
    terminal = undefined;
  });

  function start(args: string[]): Terminal {
    sandbox = createSandbox({ store: makeStore({ vaults: [makeVault("Private"), makeVault("Work")] }) });
    sandbox.writeCredentials(CREDENTIALS);
    const env = Object.fromEntries(
      Object.entries(sandbox.env({ TERM: "xterm-256color" })).filter((e): e is [string, string] => e[1] !== undefined),
    );
    terminal = new Terminal(
      spawn(process.execPath, [cliPath, ...args], { cols: 120, rows: 40, env, name: "xterm-256color" }),
    );
    return terminal;
  }

  const vaultItems = (name: string) =>
    readStore(sandbox.store.storePath).accounts[0]?.vaults.find((v) => v.name === name)?.items ?? [];

  it("without --vault lists the vaults with type-to-filter and imports into the one picked", async () => {
    const t = start(["import", "work"]);
    await t.waitFor("1Password vault to put the keys in");
    await t.waitFor("Private");
    await t.type("wor");
    await t.waitFor(/keys in[^\n]*wor/);
    await t.type("\r");
    expect(await t.exitCode()).toBe(0);
    expect(t.screen()).toMatch(/work\s+AWS work\s+imported/);
    expect(readFileSync(sandbox.configPath, "utf8")).toContain("op_item = AWS work\nop_vault = Work\n");
    expect(vaultItems("Work").map((i) => i.title)).toEqual(["AWS work"]);
    expect(vaultItems("Private")).toEqual([]);
    expect(readFileSync(sandbox.credentialsPath, "utf8")).not.toContain(KEY_ID);
  }, 60_000);

  it("Ctrl-C at the vault list is Cancelled. with exit 130: no item created, no file written", async () => {
    const t = start(["import", "--all"]);
    await t.waitFor("1Password vault to put the keys in");
    await t.waitFor("Private");
    await t.type("\x03");
    expect(await t.exitCode()).toBe(130);
    expect(t.screen()).toContain("aws-op: Cancelled.");
    expect(t.screen()).not.toContain("bug");
    expect(readFileSync(sandbox.credentialsPath, "utf8")).toBe(CREDENTIALS);
    expect(() => readFileSync(sandbox.configPath, "utf8")).toThrow();
    expect(sandbox.opCalls().map((c) => c.slice(0, 2).join(" "))).not.toContain("item create");
    expect([...vaultItems("Private"), ...vaultItems("Work")]).toEqual([]);
  }, 60_000);
});
