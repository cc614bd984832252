// The terminal prompt, run in real processes: inside a pseudo-terminal (node-pty) with stdout and stderr
// redirected away, as an AWS tool runs a credential process, and with no controlling terminal at all (setsid).
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { spawn as spawnPty } from "@lydell/node-pty";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../fake-op/fixture.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

let dir: string;
let driver: string;

beforeAll(async () => {
  dir = makeTempDir("aws-op-tty-");
  const entry = join(dir, "driver.ts");
  // argv: timeoutMs. Prints {"code": ...} or {"error": message} on stdout.
  writeFileSync(
    entry,
    `import { askMfaCodeOnTerminal } from ${JSON.stringify(join(repoRoot, "src/ui/tty-prompt.ts"))};
askMfaCodeOnTerminal("arn:aws:iam::123456789012:mfa/alice", "AWS work", { platform: process.platform, timeoutMs: Number(process.argv[2]) })
  .then((code) => console.log(JSON.stringify({ code })), (error) => console.log(JSON.stringify({ error: error.message, ...(error.exitCode === 130 ? { exitCode: 130 } : {}) })));
`,
  );
  driver = join(dir, "driver.mjs");
  await build({
    entryPoints: [entry],
    outfile: driver,
    bundle: true,
    format: "esm",
    platform: "node",
    logLevel: "warning",
  });
});

/** Runs the driver in a pty with stdout/stderr sent to files; types `answer` (and Enter) once the question shows. */
function runInTerminal(answer: string | undefined, timeoutMs: number, enter = true) {
  const out = join(dir, `out-${Math.random()}`);
  const err = join(dir, `err-${Math.random()}`);
  return new Promise<{ screen: string; stdout: string; stderr: string }>((resolve) => {
    const pty = spawnPty(
      "/bin/sh",
      ["-c", 'exec "$0" "$1" "$2" >"$3" 2>"$4"', process.execPath, driver, String(timeoutMs), out, err],
      {
        cols: 200,
        rows: 24,
        env: { PATH: process.env.PATH ?? "" },
      },
    );
    let screen = "";
    let typed = false;
    pty.onData((data) => {
      screen += data;
      if (answer !== undefined && !typed && screen.includes("MFA code for")) {
        typed = true;
        pty.write(enter ? `${answer}\r` : answer);
      }
    });
    pty.onExit(() => resolve({ screen, stdout: readFileSync(out, "utf8"), stderr: readFileSync(err, "utf8") }));
  });
}

describe("readLineFromTerminal / askMfaCodeOnTerminal", () => {
  it("asks on the terminal device, not on stdout or stderr, and returns the typed code", async () => {
    const result = await runInTerminal("123456", 20_000);
    expect(result.screen).toContain(
      'aws-op: MFA code for arn:aws:iam::123456789012:mfa/alice (1Password item "AWS work"',
    );
    expect(JSON.parse(result.stdout)).toEqual({ code: "123456" });
    expect(result.stderr).toBe("");
  });

  it("refuses an answer that is not six digits", async () => {
    const result = await runInTerminal("12ab", 20_000);
    expect(JSON.parse(result.stdout)).toEqual({ error: "An MFA code is six digits." });
  });

  it("Ctrl-D at the question (the end of the terminal's input) is Cancelled. with exit status 130", async () => {
    const result = await runInTerminal("\u0004", 20_000, false);
    expect(JSON.parse(result.stdout)).toEqual({ error: "Cancelled.", exitCode: 130 });
  });

  it("gives up after the bound when nobody answers", async () => {
    const result = await runInTerminal(undefined, 300);
    expect(JSON.parse(result.stdout).error).toMatch(/^No answer on the terminal within/);
  });

  it("fails at once with a clear message when the process has no terminal", async () => {
    // detached: setsid(), so the child has no controlling terminal and /dev/tty cannot be opened.
    const child = spawn(process.execPath, [driver, "20000"], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(JSON.parse(stdout).error).toMatch(/needs to ask for an MFA code, but this process has no terminal/);
  });
});
