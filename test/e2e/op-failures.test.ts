// Every failure of the 1Password CLI, as the fake op produces it with the real CLI's texts, reaches the AWS tool as
// exit 1, nothing on stdout (the credential_process protocol), and one or two plain lines on stderr naming the fix.
import { spawn } from "node:child_process";
import { chmodSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ensureFakeOpBuilt,
  makeStore,
  makeVault,
  makeAccount,
  readCallLog,
  scriptRecipeItem,
  type CallLogEntry,
  type FailureMode,
} from "../fake-op/fixture.js";
import { hasProc, processIds, waitForEnvProcessesToEnd, waitForProcessToEnd } from "../helpers/processes.js";
import { cliPath, createSandbox, type RunResult, type Sandbox } from "../helpers/sandbox.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

function expectCleanFailure(result: RunResult, message: RegExp): void {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(message);
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines.length).toBeGreaterThanOrEqual(1);
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(result.stderr).not.toContain(SECRET);
}

describe("aws-op process when op fails", () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    await ensureFakeOpBuilt();
    sandbox = createSandbox({
      store: makeStore({
        vault: "Work",
        items: [
          scriptRecipeItem({ title: "AWS work", accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: SECRET }),
          scriptRecipeItem({ title: "Twin", accessKeyId: "AKIATWIN000000000001", secretAccessKey: SECRET }),
          scriptRecipeItem({ title: "Twin", accessKeyId: "AKIATWIN000000000002", secretAccessKey: SECRET }),
          {
            id: "nosecretitem0000000000000a",
            title: "No secret",
            version: 1,
            category: "API_CREDENTIAL",
            created_at: "2026-01-01T00:00:00Z",
            updated_at: "2026-01-01T00:00:00Z",
            fields: [{ id: "a", type: "STRING", label: "aws_access_key_id", value: "AKIANOSECRET00000001" }],
          },
        ],
      }),
    });
    sandbox.writeConfig(
      ["[profile work]", "op_vault = Work", "op_item = AWS work", "op_session_duration = off", ""].join("\n"),
    );
  }, 60_000);

  /** `process` for an item named on the command line, the long-term keys served as they are (no STS). */
  const processItem = (vault: string, item: string, extra: string[] = []) =>
    sandbox.run(["process", "--vault", vault, "--item", item, ...extra, "--session-duration", "off"]);

  const modes: [FailureMode, RegExp][] = [
    ["not-signed-in", /Not signed in to 1Password[\s\S]*op signin/],
    ["no-accounts", /no account set up[\s\S]*Integrate with 1Password CLI/],
    ["dismissed", /approval prompt was dismissed[\s\S]*approve/],
    ["auth-timeout", /approval timed out/],
    ["locked", /approval prompt was dismissed[\s\S]*unlock/],
    ["app-unreachable", /Could not reach the 1Password app[\s\S]*running and unlocked/],
    ["forbidden", /403 Forbidden[\s\S]*vault "Work"/],
    ["rate-limited", /rate limiting requests \(while reading item "AWS work"\)[\s\S]*Wait a minute/],
    ["rate-limited-429", /rate limiting requests[\s\S]*Wait a minute/],
    [
      "app-not-running",
      /Lost the connection to the 1Password app[\s\S]*running and unlocked[\s\S]*run the command again/,
    ],
    [
      "connection-reset",
      /Lost the connection to the 1Password app[\s\S]*running and unlocked[\s\S]*run the command again/,
    ],
    [
      "lost-connection",
      /Lost the connection to the 1Password app[\s\S]*running and unlocked[\s\S]*run the command again/,
    ],
    [
      "api-error",
      /server refused the request \(400 Bad Request\) while reading item "AWS work" \(op exit code 4\)[\s\S]*op item list/,
    ],
    ["garbage", /not valid JSON/],
    ["truncated", /not valid JSON/],
    ["exit0-stderr", /approval prompt was dismissed/],
    ["crash", /1Password CLI failed while reading item "AWS work"/],
  ];

  it.each(modes)("%s", async (mode, message) => {
    const result = await sandbox.run(["process", "--profile", "work"], { env: { FAKE_OP_FAIL: mode } });
    expectCleanFailure(result, message);
  });

  // One test per failure text of the facts file that needs more than the table above.
  it("the no-accounts layout (hint lines first, then an empty error initializing client:) says how to add one", async () => {
    const empty = createSandbox({ store: { signedIn: true, accounts: [] } });
    empty.writeConfig(
      ["[profile work]", "op_vault = Work", "op_item = AWS work", "op_session_duration = off", ""].join("\n"),
    );
    const result = await empty.run(["process", "--profile", "work"]);
    expectCleanFailure(result, /The 1Password CLI has no account set up\.[\s\S]*op account add/);
  });

  it('found no accounts for filter "X" from OP_ACCOUNT names OP_ACCOUNT and the value', async () => {
    const result = await sandbox.run(["process", "--profile", "work"], { env: { OP_ACCOUNT: "nope.1password.com" } });
    expectCleanFailure(
      result,
      /No 1Password account matches "nope\.1password\.com": OP_ACCOUNT is "nope\.1password\.com"\.[\s\S]*op account list[\s\S]*unset OP_ACCOUNT/,
    );
  });

  it('found no accounts for filter "X" from op_account names op_account and the value', async () => {
    const result = await processItem("Work", "AWS work", ["--account", "bogus"]);
    expectCleanFailure(
      result,
      /No 1Password account matches "bogus": op_account \(or --account\) is "bogus"\.[\s\S]*op account list/,
    );
  });

  it("a service account without --vault (op's text) says to set op_vault", async () => {
    const ci = createSandbox({
      store: makeStore({
        accounts: [
          makeAccount({
            user_type: "SERVICE_ACCOUNT",
            vaults: [
              makeVault("CI", [
                scriptRecipeItem({ title: "AWS ci", accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: SECRET }),
              ]),
            ],
          }),
        ],
      }),
    });
    const result = await ci.run(["process", "--item", "AWS ci", "--session-duration", "off"]);
    expectCleanFailure(
      result,
      /1Password service accounts must name the vault \(while reading item "AWS ci"\)[\s\S]*op_vault/,
    );
    expect(ci.opCalls()).toEqual([["item", "get", "AWS ci", "--format", "json"]]);
  });

  it("an exit code other than 1 with a text aws-op does not know shows the code", async () => {
    const result = await sandbox.run(["process", "--profile", "work"], {
      env: { FAKE_OP_FAIL: "unknown-error", FAKE_OP_EXIT_CODE: "3" },
    });
    expectCleanFailure(
      result,
      /The 1Password CLI failed while reading item "AWS work" \(exit code 3\): something unexpected happened\.[\s\S]*by hand/,
    );
  });

  it("a known text keeps its own message whatever the exit code (classified by the text)", async () => {
    const result = await sandbox.run(["process", "--profile", "work"], {
      env: { FAKE_OP_FAIL: "rate-limited", FAKE_OP_EXIT_CODE: "4" },
    });
    expectCleanFailure(result, /rate limiting requests[\s\S]*Wait a minute/);
  });

  it("a crash (exit 2, a Go panic) says op crashed and to update it", async () => {
    const result = await sandbox.run(["process", "--profile", "work"], { env: { FAKE_OP_FAIL: "crash" } });
    expectCleanFailure(
      result,
      /failed while reading item "AWS work": it crashed \(exit code 2, panic: runtime error[\s\S]*op update/,
    );
  });

  it("op not installed: says where to get it", async () => {
    const emptyBin = makeTempDir("aws-op-nobin-");
    const result = await sandbox.run(["process", "--profile", "work"], { env: { PATH: emptyBin } });
    expectCleanFailure(result, /1Password CLI \("op"\) was not found[\s\S]*developer\.1password\.com/);
  });

  it("op hanging past the timeout is killed and reported", async () => {
    const result = await sandbox.run(["process", "--profile", "work", "--op-timeout", "1"], {
      env: { FAKE_OP_FAIL: "hang" },
    });
    expectCleanFailure(result, /did not answer within 1 s and was stopped[\s\S]*AWS_OP_TIMEOUT/);
  });

  /** Wait until aws-op has started op (a new line in the call log); returns that call. */
  async function waitForOpCall(before: number): Promise<CallLogEntry> {
    const deadline = Date.now() + 10_000;
    while (readCallLog(sandbox.store.logPath).length === before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const call = readCallLog(sandbox.store.logPath).at(-1);
    expect(call?.pid).toBeGreaterThan(0);
    return call!;
  }

  it.runIf(hasProc)(
    "SIGTERM to aws-op while op waits ends op (by its pid: op shares aws-op's session and group) and then aws-op",
    async () => {
      const child = spawn(process.execPath, [cliPath, "process", "--profile", "work"], {
        env: sandbox.env({ FAKE_OP_FAIL: "hang" }),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      const closed = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on("close", (_code, signal) => resolve(signal)),
      );
      const call = await waitForOpCall(sandbox.opCalls().length);
      // Not detached: op runs in aws-op's session and process group (which here are this test's).
      const me = processIds("self")!;
      expect(call).toMatchObject({ ppid: child.pid, sid: me.sid, pgid: me.pgid });
      child.kill("SIGTERM");
      expect(await closed).toBe("SIGTERM");
      sandbox.recordOutput("aws-op", ["process", "--profile", "work"], { stdout });
      expect(stdout).toBe("");
      expect(await waitForProcessToEnd(call.pid)).toBe(true);
      expect(await waitForEnvProcessesToEnd("FAKE_OP_STORE", sandbox.store.storePath)).toEqual([]);
    },
  );

  it.runIf(hasProc)(
    "Ctrl-C at the terminal (SIGINT to the foreground process group) ends op and aws-op, nothing left behind",
    async () => {
      // aws-op as a shell runs a foreground job: in a process group (and here a session) of its own.
      const child = spawn(process.execPath, [cliPath, "process", "--profile", "work"], {
        env: sandbox.env({ FAKE_OP_FAIL: "hang" }),
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      const closed = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on("close", (_code, signal) => resolve(signal)),
      );
      const call = await waitForOpCall(sandbox.opCalls().length);
      // op is in aws-op's session and group, so the terminal's approval and its Ctrl-C both reach it.
      expect(call).toMatchObject({ ppid: child.pid, sid: child.pid, pgid: child.pid });
      process.kill(-child.pid!, "SIGINT");
      expect(await closed).toBe("SIGINT");
      expect(await waitForProcessToEnd(call.pid)).toBe(true);
      expect(await waitForEnvProcessesToEnd("FAKE_OP_STORE", sandbox.store.storePath)).toEqual([]);
    },
  );

  it.runIf(hasProc)(
    "op ended by Ctrl-C before aws-op sees its own SIGINT: aws-op ends by SIGINT too (not an op failure)",
    async () => {
      // The order in which op's exit and aws-op's SIGINT are handled is up to the scheduler (the test above, under
      // load, saw op's exit first): an op_cli that ends itself by SIGINT stands for that order, every time.
      const bin = makeTempDir("aws-op-interrupted-op-");
      const op = join(bin, "op");
      writeFileSync(op, "#!/bin/sh\nkill -INT $$\nsleep 5\n");
      chmodSync(op, 0o755);
      const result = await sandbox.run(["process", "--profile", "work"], { env: { AWS_OP_CLI: op } });
      expect(result.signal).toBe("SIGINT");
      expect(result.stdout).toBe("");
      expect(result.stderr).not.toMatch(/bug|1Password CLI/);
    },
  );

  it.runIf(hasProc)("op hanging past the timeout is killed by its pid, nothing left behind", async () => {
    const before = sandbox.opCalls().length;
    const result = await sandbox.run(["process", "--profile", "work", "--op-timeout", "1"], {
      env: { FAKE_OP_FAIL: "hang" },
    });
    expectCleanFailure(result, /did not answer within 1 s and was stopped/);
    const call = readCallLog(sandbox.store.logPath)[before]!;
    expect(call.sid).toBe(processIds("self")!.sid);
    expect(await waitForProcessToEnd(call.pid)).toBe(true);
    expect(await waitForEnvProcessesToEnd("FAKE_OP_STORE", sandbox.store.storePath)).toEqual([]);
  });

  it("AWS_OP_TIMEOUT sets the timeout too", async () => {
    const result = await sandbox.run(["process", "--profile", "work"], {
      env: { FAKE_OP_FAIL: "hang", AWS_OP_TIMEOUT: "1" },
    });
    expectCleanFailure(result, /did not answer within 1 s/);
  });

  it("item missing: names the item and the vault", async () => {
    const result = await processItem("Work", "Nope");
    expectCleanFailure(result, /item "Nope" was not found in vault "Work"[\s\S]*op item list/);
  });

  it("vault missing: names the vault", async () => {
    const result = await processItem("Nowhere", "AWS work");
    expectCleanFailure(result, /vault "Nowhere" was not found[\s\S]*op vault list/);
  });

  it("field missing: names the labels looked for", async () => {
    const result = await processItem("Work", "No secret");
    expectCleanFailure(
      result,
      /has no secret access key[\s\S]*"aws_secret_access_key", "Secret Access Key", "secret key"/,
    );
  });

  it("ambiguous item: lists the IDs to choose from", async () => {
    const result = await processItem("Work", "Twin");
    expectCleanFailure(
      result,
      /More than one 1Password item matches "Twin"[\s\S]*op_item to the item's ID: [a-z0-9]{26}/,
    );
  });

  it("profile missing: names the files and the fix", async () => {
    const result = await sandbox.run(["process", "--profile", "ghost"]);
    expectCleanFailure(result, /profile "ghost" was not found[\s\S]*aws-op setup ghost/);
  });

  it("profile without op_item: names the key to add", async () => {
    sandbox.writeCredentials("[bare]\nregion = eu-west-1\n");
    const result = await sandbox.run(["process", "--profile", "bare"]);
    expectCleanFailure(result, /has no op_item setting/);
  });

  it("bad op_session_duration: names the allowed range", async () => {
    const result = await sandbox.run(["process", "--profile", "work", "--session-duration", "48h"]);
    expectCleanFailure(result, /--session-duration = "48h" is out of range[\s\S]*15m to 36h/);
  });

  it("an unreadable config file is reported with its line number", async () => {
    const other = createSandbox();
    other.writeConfig("[profile work]\nop_item = x\nthis line is garbage\n");
    const result = await other.run(["process", "--profile", "work"]);
    expectCleanFailure(result, /config, line 3: this line is not valid/);
  });

  it("op that is not executable is reported", async () => {
    const bin = makeTempDir("aws-op-bin-");
    symlinkSync("/etc/hostname", join(bin, "op"));
    chmodSync(join(bin, "op"), 0o644);
    const result = await sandbox.run(["process", "--profile", "work"], { env: { PATH: bin } });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/could not be (run|started)|was not found/);
  });
});
