// A cancel is a cancel: Ctrl-C or Ctrl-D at a question, in a real terminal (a pty), ends the built CLI with 130 and
// a short "Cancelled.", never the "bug" text, and changes nothing: no file under HOME, no item or key created in the
// op double or in IAM (moto). setup is cancelled at its first question; rotate at its confirmation, after it has
// read the item and asked IAM about the user's keys.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ListAccessKeysCommand, type IAMClient } from "@aws-sdk/client-iam";
import { spawn } from "@lydell/node-pty";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureFakeOpBuilt, makeStore, makeVault, scriptRecipeItem } from "../fake-op/fixture.js";
import { awsConfig } from "../helpers/alice-world.js";
import { createIamUserWithKey, motoIam, requireTools, startMoto, type Moto } from "../helpers/moto.js";
import { cliPath, createSandbox, type Sandbox } from "../helpers/sandbox.js";
import { Terminal } from "../helpers/terminal.js";

const CTRL_C = "\u0003";
const CTRL_D = "\u0004";
const KEYS = [
  ["Ctrl-C", CTRL_C],
  ["Ctrl-D", CTRL_D],
] as const;

/** Every file and directory under `dir` with its mode and a digest of its content: what a run must not change. */
function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const stat = statSync(full);
      const relative = full.slice(dir.length);
      if (stat.isDirectory()) {
        entries[relative] = `dir ${stat.mode.toString(8)}`;
        walk(full);
      } else {
        const digest = createHash("sha256").update(readFileSync(full)).digest("hex");
        entries[relative] = `file ${stat.mode.toString(8)} ${digest}`;
      }
    }
  };
  walk(dir);
  return entries;
}

describe("Ctrl-C and Ctrl-D at a question", () => {
  let sandbox: Sandbox;
  let terminal: Terminal | undefined;

  beforeAll(async () => {
    await ensureFakeOpBuilt();
  }, 60_000);

  afterEach(() => {
    terminal?.endIn(sandbox, ["cancel"]);
    terminal = undefined;
  });

  function start(args: string[]): Terminal {
    const environment = Object.fromEntries(
      Object.entries(sandbox.env({ TERM: "xterm-256color" })).filter((e): e is [string, string] => e[1] !== undefined),
    );
    terminal = new Terminal(
      spawn(process.execPath, [cliPath, ...args], { cols: 120, rows: 40, env: environment, name: "xterm-256color" }),
    );
    return terminal;
  }

  async function expectCancelled(t: Terminal): Promise<void> {
    expect(await t.exitCode()).toBe(130);
    expect(t.screen()).toContain("aws-op: Cancelled.");
    expect(t.screen()).not.toMatch(/bug|unexpected error|ExitPromptError|AbortPromptError/i);
  }

  describe("setup's first question", () => {
    for (const [keyName, key] of KEYS) {
      it(`${keyName} exits 130 with "Cancelled.", asks 1Password nothing and writes nothing under HOME`, async () => {
        sandbox = createSandbox({
          store: makeStore({
            vaults: [
              makeVault("Work", [
                scriptRecipeItem({ title: "AWS work", accessKeyId: "AKIAWORK000000000001", secretAccessKey: "w" }),
              ]),
            ],
          }),
        });
        const before = snapshot(sandbox.home);
        const t = start(["setup"]);
        await t.waitFor("AWS profile name");
        await t.type(key);
        await expectCancelled(t);
        expect(snapshot(sandbox.home)).toEqual(before);
        expect(sandbox.opCalls()).toEqual([]);
      }, 60_000);
    }
  });

  const tools = requireTools(["moto_server"]);

  describe.skipIf(!tools.available)("rotate's confirmation", () => {
    let moto: Moto;
    let iam: IAMClient;
    let counter = 0;

    beforeAll(async () => {
      moto = await startMoto();
      iam = await motoIam(moto.url);
    }, 60_000);

    afterAll(async () => {
      iam?.destroy();
      await moto?.stop();
    });

    for (const [keyName, key] of KEYS) {
      it(`${keyName} exits 130 with "Cancelled."; the user keeps its one key, the item its key, HOME its files`, async () => {
        counter += 1;
        const user = `cancelled${counter}`;
        const original = await createIamUserWithKey(moto.url, user);
        sandbox = createSandbox({
          endpoint: moto.url,
          store: makeStore({
            vault: "Work",
            items: [
              scriptRecipeItem({
                title: "AWS work",
                accessKeyId: original.accessKeyId,
                secretAccessKey: original.secretAccessKey,
              }),
            ],
          }),
        });
        sandbox.writeConfig(
          awsConfig({ work: { region: "eu-west-1", credential_process: true, op_vault: "Work", op_item: "AWS work" } }),
        );
        const store = readFileSync(sandbox.store.storePath, "utf8");
        const before = snapshot(sandbox.home);
        const t = start(["rotate", "work"]);
        await t.waitFor("Rotate now?");
        expect(t.screen()).toContain(`Rotate the access key of IAM user ${user}`);
        await t.type(key);
        await expectCancelled(t);
        const keys = await iam.send(new ListAccessKeysCommand({ UserName: user }));
        expect((keys.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId)).toEqual([original.accessKeyId]);
        expect(readFileSync(sandbox.store.storePath, "utf8")).toBe(store);
        expect(sandbox.opCalls().filter((c) => c[0] === "item" && c[1] !== "get")).toEqual([]);
        expect(snapshot(sandbox.home)).toEqual(before);
      }, 60_000);
    }
  });
});
