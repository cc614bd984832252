// A failing `process` with no terminal (as an IDE runs it, here under `setsid`) tells the desktop why, through a
// fake notify-send first on PATH: the one-line reason, no secret, at most one notice per profile every few
// minutes, none with AWS_OP_NOTIFY=off, and aws-op's own failure never waits for the notifier.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { makeStore, scriptRecipeItem } from "../fake-op/fixture.js";
import { canaryAccessKeyId, canarySecretKey } from "../helpers/canary.js";
import { cliPath, createSandbox, credentialProcessLine, type Sandbox } from "../helpers/sandbox.js";

const ACCESS_KEY_ID = canaryAccessKeyId();
const SECRET = canarySecretKey();

describe("desktop notice when process fails with no terminal", () => {
  let sandbox: Sandbox;
  let bin: string;
  let noticeLog: string;

  beforeEach(() => {
    sandbox = createSandbox({
      store: makeStore({
        vault: "Work",
        items: [
          scriptRecipeItem({
            title: "AWS work",
            accessKeyId: ACCESS_KEY_ID,
            secretAccessKey: SECRET,
            mfaSerial: "arn:aws:iam::123456789012:mfa/alice",
          }),
        ],
      }),
    });
    const profile = (name: string) => [
      `[profile ${name}]`,
      `credential_process = ${credentialProcessLine(name)}`,
      "op_vault = Work",
      "op_item = AWS work",
      "",
    ];
    sandbox.writeConfig([...profile("work"), ...profile("other")].join("\n"));
    // Under HOME: the secret scan after this file reads it too.
    bin = join(sandbox.home, "bin");
    mkdirSync(bin);
    noticeLog = join(sandbox.home, "notices.log");
    writeFileNotifier("");
  });

  /** The fake notify-send logs its argv (one notice per line), then runs `then`. */
  function writeFileNotifier(then: string): void {
    writeFileSync(
      join(bin, "notify-send"),
      `#!/bin/sh\n{ for a in "$@"; do printf '[%s] ' "$a"; done; echo; } >> '${noticeLog}'\n${then}\n`,
    );
    chmodSync(join(bin, "notify-send"), 0o755);
  }

  function notices(): string[] {
    return existsSync(noticeLog) ? readFileSync(noticeLog, "utf8").trim().split("\n").filter(Boolean) : [];
  }

  async function processWithoutTerminal(profile: string, env: Record<string, string | undefined> = {}) {
    return sandbox.exec("setsid", ["-w", process.execPath, cliPath, "process", "--profile", profile], {
      env: { PATH: `${bin}:${sandbox.env().PATH ?? ""}`, DISPLAY: ":0", ...env },
    });
  }

  /** The notifier runs detached: give it a moment to write its line. */
  async function settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  it("shows the one-line reason of an op failure, with the profile, and no secret", async () => {
    const result = await processWithoutTerminal("work", { FAKE_OP_FAIL: "not-signed-in" });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    await settle();
    const [notice, ...more] = notices();
    expect(more).toEqual([]);
    expect(notice).toMatch(/^\[--app-name=aws-op\] \[--\] \[aws-op: AWS profile "work" has no credentials\] \[/);
    // The reason is the first line of what stderr says.
    const firstLine = result.stderr.split("\n")[0]!.replace(/^aws-op: /, "");
    expect(notice).toContain(`[${firstLine}]`);
    expect(notice).toMatch(/signed in/i);
    expect(notice).not.toContain(SECRET);
    expect(notice).not.toContain(ACCESS_KEY_ID);
  });

  it("shows why an MFA code could not be asked for (no terminal, no dialog program)", async () => {
    const result = await processWithoutTerminal("work");
    expect(result.status).toBe(1);
    await settle();
    expect(notices()).toHaveLength(1);
    expect(notices()[0]).toContain("needs to ask for an MFA code, but this process has no terminal to ask on");
    expect(notices()[0]).not.toContain(SECRET);
  });

  it("at most one notice per profile every few minutes", async () => {
    for (let i = 0; i < 3; i++) await processWithoutTerminal("work", { FAKE_OP_FAIL: "not-signed-in" });
    await processWithoutTerminal("other", { FAKE_OP_FAIL: "not-signed-in" });
    await settle();
    expect(notices().map((n) => /profile "(\w+)"/.exec(n)?.[1])).toEqual(["work", "other"]);
  });

  it("AWS_OP_NOTIFY=off sends none", async () => {
    const result = await processWithoutTerminal("work", { FAKE_OP_FAIL: "not-signed-in", AWS_OP_NOTIFY: "off" });
    expect(result.status).toBe(1);
    await settle();
    expect(notices()).toEqual([]);
  });

  it("never makes process wait for a notifier that hangs", async () => {
    const pidFile = join(sandbox.home, "notifier.pid");
    writeFileNotifier(`echo $$ > '${pidFile}'\nexec sleep 30`);
    const started = Date.now();
    const result = await processWithoutTerminal("work", { FAKE_OP_FAIL: "not-signed-in" });
    const elapsed = Date.now() - started;
    expect(result.status).toBe(1);
    // As long as the same failure takes without a notifier (node start-up and one op call), far from 30 s.
    expect(elapsed).toBeLessThan(5_000);
    await settle();
    expect(notices()).toHaveLength(1);
    process.kill(Number(readFileSync(pidFile, "utf8").trim()), "SIGKILL");
  });
});
