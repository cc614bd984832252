// Where an MFA code comes from when the 1Password item has no one-time password: op_mfa_process (a command whose
// stdout is the code, e.g. `ykman oath accounts code --single NAME`), else the prompt driver op_mfa_prompt names,
// else the terminal when aws-op has one, else a dialog of the desktop (zenity or kdialog under X11/Wayland,
// osascript on macOS), else an error at once. IDEs, Terraform started from a GUI and the AWS Toolkit run
// credential_process with no terminal: without a dialog such a profile could not work there at all.
// Compare aws-vault's prompt drivers and mfa_process. Every answer is bounded by the fetch budget (timeoutMs) and
// must be six digits before STS sees it.
import type { MfaPromptDriver } from "../config/profile.js";
import { splitPosix, splitWindows } from "../config/shell-split.js";
import type { MfaCodeRequest } from "../providers/item-keys.js";
import { UserError } from "../errors.js";
import { findExecutable } from "../executables.js";
import { runHelper, type HelperResult } from "./helper-process.js";
import { askMfaCodeOnTerminal, hasControllingTerminal, noTerminalError } from "./tty-prompt.js";
import { quoted } from "./terminal-text.js";

export interface MfaPromptEnvironment {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** Does this process have a controlling terminal to ask on? */
  hasTerminal: () => boolean;
  /** Why not, for the message when there is nowhere to ask (default: this process has no terminal). */
  noTerminalReason?: string;
}

/** The driver to use when op_mfa_prompt is not set; undefined when there is nowhere to ask. */
export function chooseMfaPrompt(environment: MfaPromptEnvironment): MfaPromptDriver | undefined {
  const { env, platform } = environment;
  if (environment.hasTerminal()) return "terminal";
  if (platform === "darwin") return findExecutable("osascript", env, platform) ? "osascript" : undefined;
  if (platform === "win32" || !(env.DISPLAY || env.WAYLAND_DISPLAY)) return undefined;
  // KDE ships kdialog, GNOME and most others zenity; either works on any desktop.
  const order: MfaPromptDriver[] = /kde/i.test(env.XDG_CURRENT_DESKTOP ?? "")
    ? ["kdialog", "zenity"]
    : ["zenity", "kdialog"];
  return order.find((driver) => findExecutable(driver, env, platform) !== undefined);
}

/** The argv that asks `driver` for a code (all but the terminal, which aws-op asks itself). */
export function driverCommand(
  driver: Exclude<MfaPromptDriver, "terminal">,
  request: Pick<MfaCodeRequest, "serialNumber" | "item" | "timeoutMs">,
  env: NodeJS.ProcessEnv,
): string[] {
  const question = `MFA code for ${request.serialNumber}\n(1Password item ${quoted(request.item)} has no one-time password)`;
  const seconds = Math.max(1, Math.floor(request.timeoutMs / 1000));
  switch (driver) {
    case "zenity":
      // --no-markup: an item name with & or < is text, not Pango markup.
      return ["zenity", "--entry", "--title=aws-op", `--text=${question}`, "--no-markup", `--timeout=${seconds}`];
    case "kdialog":
      return ["kdialog", "--title", "aws-op", "--inputbox", question, ""];
    case "osascript":
      // The question is an argument of the script, never part of its text: nothing in it can be AppleScript.
      return [
        "osascript",
        "-e",
        "on run argv",
        "-e",
        `text returned of (display dialog (item 1 of argv) default answer "" with title "aws-op" giving up after ${seconds})`,
        "-e",
        "end run",
        question,
      ];
    case "ykman":
      // As aws-vault: the OATH account is named after the MFA device unless YKMAN_OATH_CREDENTIAL_NAME says otherwise.
      return ["ykman", "oath", "accounts", "code", "--single", env.YKMAN_OATH_CREDENTIAL_NAME || request.serialNumber];
  }
}

/** op_mfa_process split into words as a POSIX shell (or, on Windows, the C runtime) would, run without a shell. */
export function splitMfaProcess(line: string, platform: NodeJS.Platform): string[] {
  const words = platform === "win32" ? splitWindows(line) : splitPosix(line);
  if (!words || words.length === 0) {
    throw new UserError(`op_mfa_process = "${line}" is not a command line (an unclosed quote, or empty).`, {
      hint: "Write the command as you would in a shell, e.g. op_mfa_process = ykman oath accounts code --single alice",
    });
  }
  return words;
}

/** An MFA code is six digits: anything else never reaches STS. */
export function requireMfaCode(text: string, source: string): string {
  const code = text.trim();
  if (!/^\d{6}$/.test(code)) {
    // The text is not shown: it may be anything the helper printed.
    throw new UserError(`${source} did not give a six-digit MFA code.`, {
      hint: "Check what it prints: its standard output must be the current code and nothing else.",
    });
  }
  return code;
}

function helperFailure(source: string, result: HelperResult, timeoutMs: number, wasFound: boolean): UserError {
  if (result.timedOut) {
    return new UserError(`No MFA code from ${source} within ${Math.round(timeoutMs / 1000)} s.`, {
      hint: "Answer the prompt sooner, or put the MFA device's secret into the 1Password item as a One-Time Password field.",
    });
  }
  if (!wasFound || result.exitCode === null) {
    return new UserError(`${source} could not be run (not found on PATH?).`, {
      hint: "Install it, or choose another op_mfa_prompt (terminal, zenity, kdialog, osascript, ykman) or op_mfa_process.",
    });
  }
  return new UserError(`${source} gave no MFA code (exit ${result.exitCode}: cancelled or failed).`, {
    hint: "Run the AWS command again and enter the code, or check the command by running it yourself.",
  });
}

async function codeFromHelper(
  argv: string[],
  source: string,
  request: MfaCodeRequest,
  environment: MfaPromptEnvironment,
): Promise<string> {
  const wasFound = findExecutable(argv[0] ?? "", environment.env, environment.platform) !== undefined;
  if (!wasFound) throw helperFailure(source, { exitCode: null, signal: null, stdout: "", timedOut: false }, 0, false);
  const result = await runHelper(argv, { env: environment.env, timeoutMs: request.timeoutMs });
  if (result.timedOut || result.exitCode !== 0) throw helperFailure(source, result, request.timeoutMs, true);
  return requireMfaCode(result.stdout, source);
}

/** Get the MFA code for a request (CredentialDeps.promptMfaCode). */
export async function askMfaCode(request: MfaCodeRequest, environment: MfaPromptEnvironment): Promise<string> {
  if (request.process !== undefined) {
    return codeFromHelper(
      splitMfaProcess(request.process, environment.platform),
      "op_mfa_process",
      request,
      environment,
    );
  }
  const driver = request.prompt ?? chooseMfaPrompt(environment);
  const noTerminal = () => noTerminalError(environment.noTerminalReason ?? "this process has no terminal to ask on");
  if (driver === undefined) throw noTerminal();
  if (driver === "terminal") {
    if (!environment.hasTerminal()) throw noTerminal();
    return askMfaCodeOnTerminal(request.serialNumber, request.item, {
      platform: environment.platform,
      timeoutMs: request.timeoutMs,
    });
  }
  return codeFromHelper(driverCommand(driver, request, environment.env), driver, request, environment);
}

/**
 * CredentialDeps.promptMfaCode for commands. `noTerminalReason`: the terminal is not aws-op's to ask on (it belongs
 * to the command `exec --server` runs); op_mfa_process and desktop dialogs still are, and the reason goes into the
 * message when nothing else can answer.
 */
export function mfaCodePrompter(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  options: { noTerminalReason?: string } = {},
): (request: MfaCodeRequest) => Promise<string> {
  const environment: MfaPromptEnvironment =
    options.noTerminalReason === undefined
      ? { env, platform, hasTerminal: () => hasControllingTerminal(platform) }
      : { env, platform, hasTerminal: () => false, noTerminalReason: options.noTerminalReason };
  return (request) => askMfaCode(request, environment);
}
