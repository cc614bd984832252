// `process` with an MFA serial but no one-time password in the item: the AWS CLI runs aws-op as its credential
// process (capturing stdout and stderr), and the question appears on the terminal itself. Without a terminal, it
// fails at once with a message instead of hanging, unless a desktop dialog (zenity, kdialog, osascript), ykman or
// op_mfa_process can give the code: those run here as fake executables on PATH, under `setsid` (no terminal).
import { spawn } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn as spawnPty } from "@lydell/node-pty";
import { describe, expect, it } from "vitest";
import { awsConfig, useAliceWorld } from "../helpers/alice-world.js";
import { requireTools, type Moto } from "../helpers/moto.js";
import { cliPath, type Sandbox } from "../helpers/sandbox.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

const tools = requireTools(["moto_server", "aws"]);

describe.skipIf(!tools.available)("MFA code asked on the terminal", () => {
  let moto: Moto;
  let sandbox: Sandbox;

  const SERIAL = "arn:aws:iam::123456789012:mfa/alice";
  const mfaProfile = (keys: Record<string, string> = {}) => ({
    credential_process: true as const,
    op_vault: "Work",
    op_item: "AWS work",
    op_mfa_serial: SERIAL,
    ...keys,
  });

  useAliceWorld(
    {
      config: awsConfig({
        mfa: { region: "us-east-1", ...mfaProfile() },
        ...Object.fromEntries(
          ["kdialog", "osascript", "ykman"].map((driver) => [`mfa-${driver}`, mfaProfile({ op_mfa_prompt: driver })]),
        ),
        "mfa-process": mfaProfile({ op_mfa_prompt: "zenity", op_mfa_process: `fake-otp --account "alice at work"` }),
      }),
    },
    (world) => {
      ({ moto, sandbox } = world);
      writeDrivers();
    },
  );

  /** The fake helpers in a directory of their own. */
  function writeDrivers(): void {
    bin = makeTempDir("aws-op-mfa-bin-");
    driverLog = join(bin, "calls.log");
    for (const [name, code] of Object.entries(DRIVER_CODES)) {
      writeFileSync(
        join(bin, name),
        `#!/bin/sh\n{ printf '%s' "$(basename "$0")"; for a in "$@"; do printf ' [%s]' "$a"; done; } | tr '\\n' '~' >> '${driverLog}'\necho >> '${driverLog}'\necho ${code}\n`,
      );
      chmodSync(join(bin, name), 0o755);
    }
  }

  /** Fake helpers: each logs its argv on one line and prints its own code, so STS's code names the helper. */
  const DRIVER_CODES = {
    zenity: "111111",
    kdialog: "222222",
    osascript: "333333",
    ykman: "444444",
    "fake-otp": "555555",
  } as const;
  let bin: string;
  let driverLog: string;

  /** The environment of a desktop session with no terminal: the fake helpers first on PATH, a display. */
  function desktopEnv(extra: Record<string, string> = {}): Record<string, string> {
    return { PATH: `${bin}:${sandbox.env().PATH ?? ""}`, DISPLAY: ":0", ...extra };
  }

  function lastTokenCode(): string | null | undefined {
    return moto.requests("GetSessionToken").at(-1)?.get("TokenCode");
  }

  function lastDriverCall(): string | undefined {
    return readFileSync(driverLog, "utf8").trim().split("\n").at(-1);
  }

  it("the AWS CLI's credential process asks on the terminal and the call succeeds with the typed code", async () => {
    const dir = makeTempDir("aws-op-mfa-");
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

  it("with no terminal, the AWS CLI's credential process gets the code from zenity on the desktop", async () => {
    await sandbox.run(["clear", "--all"]);
    moto.resetCalls();
    const result = await sandbox.exec("setsid", ["-w", "aws", "sts", "get-caller-identity", "--profile", "mfa"], {
      env: desktopEnv(),
    });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toHaveProperty("Account", "123456789012");
    expect(moto.calls("GetSessionToken")).toBe(1);
    expect(lastTokenCode()).toBe(DRIVER_CODES.zenity);
    expect(lastDriverCall()).toMatch(/^zenity \[--entry\] .*\[--timeout=(5\d|4\d)\]$/);
  });

  it("under KDE the code comes from kdialog (before zenity)", async () => {
    await sandbox.run(["clear", "--all"]);
    moto.resetCalls();
    const result = await sandbox.exec("setsid", ["-w", process.execPath, cliPath, "process", "--profile", "mfa"], {
      env: desktopEnv({ XDG_CURRENT_DESKTOP: "KDE" }),
    });
    expect(result.status).toBe(0);
    expect(lastTokenCode()).toBe(DRIVER_CODES.kdialog);
    expect(lastDriverCall()).toMatch(/^kdialog /);
  });

  it.each([
    ["mfa-kdialog", "kdialog"],
    ["mfa-osascript", "osascript"],
    ["mfa-ykman", "ykman"],
    ["mfa-process", "fake-otp"],
  ] as const)("profile %s takes the code from %s", async (profile, helper) => {
    await sandbox.run(["clear", "--all"]);
    moto.resetCalls();
    const result = await sandbox.exec("setsid", ["-w", process.execPath, cliPath, "process", "--profile", profile], {
      env: desktopEnv(),
    });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toHaveProperty("SessionToken");
    expect(lastTokenCode()).toBe(DRIVER_CODES[helper]);
    expect(lastDriverCall()?.split(" ")[0]).toBe(helper);
    if (helper === "ykman") {
      expect(lastDriverCall()).toBe("ykman [oath] [accounts] [code] [--single] [arn:aws:iam::123456789012:mfa/alice]");
    }
    if (helper === "fake-otp") expect(lastDriverCall()).toBe("fake-otp [--account] [alice at work]");
  });

  it("a helper that prints something other than six digits never reaches STS", async () => {
    await sandbox.run(["clear", "--all"]);
    moto.resetCalls();
    const badBin = makeTempDir("aws-op-mfa-bad-");
    writeFileSync(join(badBin, "zenity"), "#!/bin/sh\necho 12345x\n");
    chmodSync(join(badBin, "zenity"), 0o755);
    const result = await sandbox.exec("setsid", ["-w", process.execPath, cliPath, "process", "--profile", "mfa"], {
      env: desktopEnv({ PATH: `${badBin}:${sandbox.env().PATH ?? ""}` }),
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/zenity did not give a six-digit MFA code/);
    expect(moto.calls("GetSessionToken")).toBe(0);
  });
});
