// The MFA prompt drivers and op_mfa_process, with fake zenity, kdialog, osascript and ykman executables on PATH.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  askMfaCode,
  chooseMfaPrompt,
  driverCommand,
  mfaCodePrompter,
  requireMfaCode,
  splitMfaProcess,
  type MfaPromptEnvironment,
} from "../../../src/ui/mfa-prompt.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

const SERIAL = "arn:aws:iam::123456789012:mfa/alice";

/** A directory of fake helpers (as a PATH, system tools after it): each logs its argv, one line per word. */
function fakeBin(helpers: Record<string, string>): { dir: string; log: string } {
  const dir = makeTempDir("aws-op-mfa-bin-");
  const log = join(dir, "calls.log");
  for (const [name, body] of Object.entries(helpers)) {
    const path = join(dir, name);
    writeFileSync(
      path,
      `#!/bin/sh\n{ printf '%s\\n' "$(basename "$0")"; for a in "$@"; do printf '  [%s]\\n' "$a"; done; } >> '${log}'\n${body}\n`,
    );
    chmodSync(path, 0o755);
  }
  return { dir: `${dir}:/usr/bin:/bin`, log };
}

function environment(
  env: NodeJS.ProcessEnv,
  options: { terminal?: boolean; platform?: NodeJS.Platform } = {},
): MfaPromptEnvironment {
  return { env, platform: options.platform ?? "linux", hasTerminal: () => options.terminal ?? false };
}

const ALL = {
  zenity: "echo 111111",
  kdialog: "echo 222222",
  osascript: "echo 333333",
  ykman: "echo 444444",
};

describe("chooseMfaPrompt: the default when op_mfa_prompt is not set", () => {
  const { dir } = fakeBin(ALL);
  const onlyKdialog = fakeBin({ kdialog: "echo 222222" }).dir;
  const cases: [string, NodeJS.ProcessEnv, { terminal?: boolean; platform?: NodeJS.Platform }, string | undefined][] = [
    ["a terminal wins over everything", { PATH: dir, DISPLAY: ":0" }, { terminal: true }, "terminal"],
    ["X11: zenity", { PATH: dir, DISPLAY: ":0" }, {}, "zenity"],
    ["Wayland: zenity", { PATH: dir, WAYLAND_DISPLAY: "wayland-0" }, {}, "zenity"],
    ["KDE: kdialog first", { PATH: dir, DISPLAY: ":0", XDG_CURRENT_DESKTOP: "KDE" }, {}, "kdialog"],
    ["kdialog when zenity is missing", { PATH: onlyKdialog, DISPLAY: ":0" }, {}, "kdialog"],
    ["no display: nowhere to ask", { PATH: dir }, {}, undefined],
    ["a display but no dialog program", { PATH: "/nonexistent", DISPLAY: ":0" }, {}, undefined],
    ["macOS: osascript", { PATH: dir }, { platform: "darwin" }, "osascript"],
    ["Windows without a terminal: nowhere to ask", { PATH: dir, DISPLAY: ":0" }, { platform: "win32" }, undefined],
  ];
  it.each(cases)("%s", (_name, env, options, expected) => {
    expect(chooseMfaPrompt(environment(env, options))).toBe(expected);
  });
});

describe("askMfaCode", () => {
  it("takes the code from the driver chosen for the desktop, asking without markup and with the budget", async () => {
    const { dir, log } = fakeBin(ALL);
    const code = await askMfaCode(
      { serialNumber: SERIAL, item: "AWS <work> & co", timeoutMs: 40_000 },
      environment({ PATH: dir, DISPLAY: ":0" }),
    );
    expect(code).toBe("111111");
    const calls = readFileSync(log, "utf8");
    expect(calls).toContain("zenity\n  [--entry]");
    expect(calls).toContain("[--no-markup]");
    expect(calls).toContain("[--timeout=40]");
    expect(calls).toContain(`MFA code for ${SERIAL}`);
  });

  it.each([
    ["zenity", "111111"],
    ["kdialog", "222222"],
    ["osascript", "333333"],
    ["ykman", "444444"],
  ] as const)("op_mfa_prompt = %s takes the code from %s", async (driver, expected) => {
    const { dir, log } = fakeBin(ALL);
    const code = await askMfaCode(
      { serialNumber: SERIAL, item: "AWS work", prompt: driver, timeoutMs: 40_000 },
      environment({ PATH: dir }),
    );
    expect(code).toBe(expected);
    expect(readFileSync(log, "utf8").split("\n")[0]).toBe(driver);
  });

  it("ykman reads the OATH account named after the MFA device, or YKMAN_OATH_CREDENTIAL_NAME", async () => {
    expect(driverCommand("ykman", { serialNumber: SERIAL, item: "x", timeoutMs: 1000 }, {})).toEqual([
      "ykman",
      "oath",
      "accounts",
      "code",
      "--single",
      SERIAL,
    ]);
    expect(
      driverCommand(
        "ykman",
        { serialNumber: SERIAL, item: "x", timeoutMs: 1000 },
        { YKMAN_OATH_CREDENTIAL_NAME: "aws" },
      ),
    ).toContain("aws");
  });

  it("osascript gets the question as an argument, never inside the script", () => {
    const argv = driverCommand(
      "osascript",
      { serialNumber: SERIAL, item: 'a" & do shell script "x', timeoutMs: 9000 },
      {},
    );
    const script = argv.filter((_, i) => argv[i - 1] === "-e").join("\n");
    expect(script).not.toContain("do shell script");
    expect(script).toContain("giving up after 9");
    // The title's quotes shown escaped (it is quoted once, unambiguously), and still only in the argument.
    expect(argv.at(-1)).toContain('item "a\\" & do shell script \\"x"');
  });

  it("op_mfa_process wins over the prompt, is split like a shell would split it, and runs without a shell", async () => {
    const { dir, log } = fakeBin({ ...ALL, "my-otp": "echo '  555555  '" });
    const code = await askMfaCode(
      {
        serialNumber: SERIAL,
        item: "AWS work",
        prompt: "zenity",
        process: `my-otp --name "alice at work" '$HOME' $(id) ;rm`,
        timeoutMs: 40_000,
      },
      environment({ PATH: dir, DISPLAY: ":0", HOME: "/home/alice" }),
    );
    expect(code).toBe("555555");
    // Quotes grouped words; $HOME, $(id) and ; reached the program as text: no shell ran.
    expect(readFileSync(log, "utf8")).toBe("my-otp\n  [--name]\n  [alice at work]\n  [$HOME]\n  [$(id)]\n  [;rm]\n");
  });

  it("refuses anything but six digits before STS sees it, without showing what was printed", async () => {
    const { dir } = fakeBin({ zenity: "echo 12345", "leaky-otp": "echo 'secret-ish 123456'" });
    await expect(
      askMfaCode({ serialNumber: SERIAL, item: "w", prompt: "zenity", timeoutMs: 5000 }, environment({ PATH: dir })),
    ).rejects.toThrow("zenity did not give a six-digit MFA code.");
    const error = await askMfaCode(
      { serialNumber: SERIAL, item: "w", process: "leaky-otp", timeoutMs: 5000 },
      environment({ PATH: dir }),
    ).catch((e: Error) => e);
    expect((error as Error).message).toBe("op_mfa_process did not give a six-digit MFA code.");
    expect((error as Error).message).not.toContain("secret-ish");
  });

  it("a cancelled dialog (exit 1) is a clear error", async () => {
    const { dir } = fakeBin({ kdialog: "exit 1" });
    await expect(
      askMfaCode({ serialNumber: SERIAL, item: "w", prompt: "kdialog", timeoutMs: 5000 }, environment({ PATH: dir })),
    ).rejects.toThrow(/kdialog gave no MFA code \(exit 1: cancelled or failed\)/);
  });

  it("a missing driver is a clear error, not a hang", async () => {
    await expect(
      askMfaCode(
        { serialNumber: SERIAL, item: "w", prompt: "ykman", timeoutMs: 5000 },
        environment({ PATH: "/nonexistent" }),
      ),
    ).rejects.toThrow(/ykman could not be run/);
  });

  it("gives up at the bound and kills the helper with what it started", async () => {
    const marker = join(makeTempDir("aws-op-mfa-"), "still-running");
    const { dir } = fakeBin({ zenity: `(sleep 3; touch '${marker}') & sleep 30` });
    const started = Date.now();
    await expect(
      askMfaCode({ serialNumber: SERIAL, item: "w", prompt: "zenity", timeoutMs: 400 }, environment({ PATH: dir })),
    ).rejects.toThrow(/No MFA code from zenity within 0 s/);
    expect(Date.now() - started).toBeLessThan(2500);
    await new Promise((r) => setTimeout(r, 3500));
    expect(existsSync(marker)).toBe(false);
  });

  it("with no terminal and no desktop it fails at once, as before", async () => {
    await expect(
      askMfaCode({ serialNumber: SERIAL, item: "w", timeoutMs: 5000 }, environment({ PATH: "/nonexistent" })),
    ).rejects.toThrow(/needs to ask for an MFA code, but this process has no terminal to ask on/);
  });

  it("a prompter whose terminal belongs to another (exec --server) never asks there, but op_mfa_process and dialogs still answer", async () => {
    const reason = '"aws-op exec --server" cannot ask on the terminal while the command runs';
    const prompt = mfaCodePrompter({ PATH: "/nonexistent" }, "linux", { noTerminalReason: reason });
    for (const request of [
      { serialNumber: SERIAL, item: "w", prompt: "terminal" as const, timeoutMs: 5000 },
      { serialNumber: SERIAL, item: "w", timeoutMs: 5000 },
    ]) {
      await expect(prompt(request)).rejects.toThrow(`aws-op needs to ask for an MFA code, but ${reason}.`);
    }
    const { dir } = fakeBin({ ...ALL, "my-otp": "echo 555555" });
    const withHelpers = mfaCodePrompter({ PATH: dir, DISPLAY: ":0" }, "linux", { noTerminalReason: reason });
    expect(await withHelpers({ serialNumber: SERIAL, item: "w", process: "my-otp", timeoutMs: 5000 })).toBe("555555");
    expect(await withHelpers({ serialNumber: SERIAL, item: "w", timeoutMs: 5000 })).toBe("111111");
  });
});

describe("splitMfaProcess and requireMfaCode", () => {
  it("splits as POSIX shells do, and as the C runtime does on Windows", () => {
    expect(splitMfaProcess(`ykman oath accounts code --single "aws:alice"`, "linux")).toEqual([
      "ykman",
      "oath",
      "accounts",
      "code",
      "--single",
      "aws:alice",
    ]);
    expect(splitMfaProcess(`"C:\\Program Files\\otp.exe" --x`, "win32")).toEqual(["C:\\Program Files\\otp.exe", "--x"]);
  });

  it("refuses an unclosed quote or an empty line", () => {
    expect(() => splitMfaProcess(`ykman "oath`, "linux")).toThrow(/not a command line/);
    expect(() => splitMfaProcess(`   `, "linux")).toThrow(/not a command line/);
  });

  it("accepts six digits, surrounding white space trimmed", () => {
    expect(requireMfaCode(" 012345\n", "x")).toBe("012345");
    expect(() => requireMfaCode("1234567", "x")).toThrow();
    expect(() => requireMfaCode("12 345", "x")).toThrow();
  });
});
