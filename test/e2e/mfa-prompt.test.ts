// `process` with an MFA serial but no one-time password in the item: the AWS CLI runs aws-op as its credential
// process (capturing stdout and stderr), and the question appears on the terminal itself. Without a terminal, it
// fails at once with a message instead of hanging.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn as spawnPty } from "@lydell/node-pty";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools, type Moto, startAliceWorld } from "../helpers/moto.js";
import { cliPath, credentialProcessLine, type Sandbox } from "../helpers/sandbox.js";

const tools = requireTools(["moto_server", "aws"]);

describe.skipIf(!tools.available)("MFA code asked on the terminal", () => {
  let moto: Moto;
  let sandbox: Sandbox;

  beforeAll(async () => {
    const world = await startAliceWorld();
    moto = world.moto;
    sandbox = world.sandbox;
    sandbox.writeConfig(
      [
        "[profile mfa]",
        "region = us-east-1",
        `credential_process = ${credentialProcessLine("mfa")}`,
        "op_vault = Work",
        "op_item = AWS work",
        "op_mfa_serial = arn:aws:iam::123456789012:mfa/alice",
        "",
      ].join("\n"),
    );
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it("the AWS CLI's credential process asks on the terminal and the call succeeds with the typed code", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aws-op-mfa-"));
    const out = join(dir, "out");
    moto.resetCalls();
    const screen = await new Promise<string>((resolve) => {
      const pty = spawnPty(
        "/bin/sh",
        ["-c", 'exec aws sts get-caller-identity --profile mfa --output json >"$0" 2>&1', out],
        { cols: 200, rows: 24, env: sandbox.env() as Record<string, string> },
      );
      let text = "";
      let typed = false;
      pty.onData((data) => {
        text += data;
        if (!typed && text.includes("MFA code for")) {
          typed = true;
          pty.write("123456\r");
        }
      });
      pty.onExit(() => resolve(text));
    });
    sandbox.recordOutput("aws (in a pty)", ["sts", "get-caller-identity"], {
      stderr: screen,
      stdout: readFileSync(out, "utf8"),
    });
    expect(screen).toContain("aws-op: MFA code for arn:aws:iam::123456789012:mfa/alice");
    expect(JSON.parse(readFileSync(out, "utf8"))).toHaveProperty("Account", "123456789012");
    expect(moto.calls("GetSessionToken")).toBe(1);
  }, 60_000);

  it("without a terminal, process fails at once with a clear message and prints nothing on stdout", async () => {
    await sandbox.run(["clear", "--all"]);
    const child = spawn(process.execPath, [cliPath, "process", "--profile", "mfa"], {
      env: sandbox.env(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    sandbox.recordOutput("aws-op", ["process", "--profile", "mfa"], { stdout, stderr });
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/needs to ask for an MFA code, but this process has no terminal/);
    expect(stderr).toMatch(/One-Time Password field/);
  });
});
