// Item and config text that reaches a terminal goes through one escaping function (src/ui/terminal-text.ts), also
// where aws-op asks or reports while an AWS tool or the command of `exec --server` runs: the MFA question written to
// /dev/tty, and exec --server's report of a failed renewal on the command's terminal. An MFA serial or item title
// holding "ESC ] 0 ; ... BEL" (set the window title) and "ESC [ 2J" (clear the screen) is shown escaped. Run in a
// pseudo-terminal, as a person sees it.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn as spawnPty } from "@lydell/node-pty";
import { describe, expect, it } from "vitest";
import { readStore, scriptRecipeItem, writeStore } from "../../fake-op/fixture.js";
import { awsConfig } from "../../helpers/alice-world.js";
import { canarySecretKey } from "../../helpers/canary.js";
import { cliPath, type Sandbox } from "../../helpers/sandbox.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";
import { useFakeStsWorld } from "./fake-sts.js";

const HOSTILE = "\u001b]0;pwned-title\u0007\u001b[2J";
const KEY = { accessKeyId: "AKIAESCAPES000000001", secretAccessKey: canarySecretKey() };
const SERIAL = `arn:aws:iam::123456789012:mfa/alice${HOSTILE}`;
const TITLE = `AWS ${HOSTILE}work`;

/** The child of exec --server: asks the endpoint, says so, waits for "go", asks again, records both statuses. */
const ASKER = `
const { existsSync, writeFileSync } = require("node:fs");
const dir = process.argv[2];
const ask = () =>
  fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, {
    headers: { Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN },
  }).then((r) => r.status);
(async () => {
  const first = await ask();
  writeFileSync(dir + "/ready", "");
  while (!existsSync(dir + "/go")) await new Promise((r) => setTimeout(r, 50));
  writeFileSync(dir + "/statuses", JSON.stringify([first, await ask()]));
})();
`;

/** Raw control sequences on the screen: what must never come from item or config text. */
function expectNoRawSequences(screen: string): void {
  expect(screen).not.toContain("\u001b]0;");
  expect(screen).not.toContain("\u001b[2J");
  expect(screen).not.toContain("\u0007");
}

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 400 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 50));
  expect(existsSync(path)).toBe(true);
}

describe("item and config text on a terminal is escaped", () => {
  let sandbox: Sandbox;

  useFakeStsWorld(
    {
      items: [
        scriptRecipeItem({ title: "mfa", ...KEY, mfaSerial: SERIAL }),
        scriptRecipeItem({ title: TITLE, ...KEY }),
      ],
      config: awsConfig({
        mfa: { op_vault: "Work", op_item: "mfa" },
        hostile: { op_vault: "Work", op_item: TITLE },
      }),
      secrets: [KEY.secretAccessKey],
    },
    (world) => ({ sandbox } = world),
  );

  /** Run the built CLI in a pty; `onScreen` may answer; resolves with everything shown and the exit code. */
  function inPty(args: string[], onScreen: (screen: string, write: (text: string) => void) => void) {
    return new Promise<{ screen: string; exitCode: number }>((resolve) => {
      const pty = spawnPty(process.execPath, [cliPath, ...args], {
        cols: 400,
        rows: 24,
        env: sandbox.env() as Record<string, string>,
      });
      let screen = "";
      pty.onData((data) => {
        screen += data;
        onScreen(screen, (text) => pty.write(text));
      });
      pty.onExit(({ exitCode }) => {
        sandbox.recordOutput("aws-op (in a pty)", args, { stderr: screen });
        resolve({ screen, exitCode });
      });
    });
  }

  it("the terminal MFA question shows an MFA serial with control sequences escaped", async () => {
    let typed = false;
    const { screen, exitCode } = await inPty(["process", "--profile", "mfa"], (text, write) => {
      if (!typed && text.includes("has no one-time password): ")) {
        typed = true;
        write("123456\r");
      }
    });
    expect(typed).toBe(true);
    expect(screen).toContain("MFA code for arn:aws:iam::123456789012:mfa/alice\\x1b]0;pwned-title\\x07\\x1b[2J (");
    expectNoRawSequences(screen);
    expect(exitCode).toBe(0);
  });

  it("exec --server reports a failed renewal on the command's terminal with item text escaped", async () => {
    const dir = makeTempDir("aws-op-escapes-server-");
    writeFileSync(join(dir, "asker.cjs"), ASKER);
    const running = inPty(
      ["exec", "hostile", "--server", "--", process.execPath, join(dir, "asker.cjs"), dir],
      () => undefined,
    );
    await waitFor(join(dir, "ready"));
    // The next request must fetch again, and op no longer finds the item: op's message quotes its title.
    expect((await sandbox.run(["clear", "--all"])).status).toBe(0);
    const store = readStore(sandbox.store.storePath);
    for (const account of store.accounts) {
      for (const vault of account.vaults) vault.items = vault.items.filter((item) => item.title !== TITLE);
    }
    writeStore(sandbox.store.storePath, store);
    writeFileSync(join(dir, "go"), "");
    const { screen, exitCode } = await running;
    expect(exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "statuses"), "utf8"))).toEqual([200, 500]);
    expect(screen).toContain("aws-op: ");
    expect(screen).toContain("AWS \\x1b]0;pwned-title\\x07\\x1b[2Jwork");
    expectNoRawSequences(screen);
  });
});
