// Questions asked from inside a credential process. AWS tools capture a credential process's stdout (protocol) and
// stderr (shown only on failure), so a question there would be invisible and the tool would seem to hang. The
// terminal device itself (/dev/tty) is what the person sees: ask there when the process has one, fail at once with
// a clear message when it has none, and never wait without a bound (the Go SDK kills the process after 60 s).
import { closeSync, openSync, writeSync } from "node:fs";
import { ReadStream } from "node:tty";
import { UserError } from "../errors.js";
import { escapeForTerminal, quoted } from "./terminal-text.js";

export interface TerminalPromptOptions {
  platform: NodeJS.Platform;
  /** Give up after this long without an answer. */
  timeoutMs: number;
  /** The terminal device (tests only). */
  devicePath?: string;
}

export function noTerminalError(reason: string): UserError {
  return new UserError(`aws-op needs to ask for an MFA code, but ${reason}.`, {
    hint: 'Add the MFA device\'s secret to the 1Password item as a One-Time Password field (then no question is needed), set op_mfa_prompt (zenity, kdialog, osascript, ykman) or op_mfa_process, or run "aws-op exec PROFILE" once in a terminal.',
  });
}

/** Does this process have a controlling terminal (one it could ask on, even with stdio redirected)? */
export function hasControllingTerminal(platform: NodeJS.Platform, devicePath = "/dev/tty"): boolean {
  if (platform === "win32") return false;
  try {
    closeSync(openSync(devicePath, "r+"));
    return true;
  } catch {
    return false;
  }
}

/** Ask on the terminal device and read one line (without its line break). Throws a UserError without a terminal. */
export function readLineFromTerminal(question: string, options: TerminalPromptOptions): Promise<string> {
  if (options.platform === "win32") {
    return Promise.reject(noTerminalError("asking on the console is not supported on Windows"));
  }
  let fd: number;
  try {
    // ENXIO: no controlling terminal (a CI job, a daemon, an IDE's background task).
    fd = openSync(options.devicePath ?? "/dev/tty", "r+");
  } catch {
    return Promise.reject(noTerminalError("this process has no terminal to ask on"));
  }
  // A background process that touches its terminal is stopped by SIGTTIN/SIGTTOU: with a handler installed it
  // is not, the read fails instead, and the timer below still ends the wait.
  const ignore = () => undefined;
  process.on("SIGTTIN", ignore);
  process.on("SIGTTOU", ignore);
  const removeHandlers = () => {
    process.off("SIGTTIN", ignore);
    process.off("SIGTTOU", ignore);
  };
  let stream: ReadStream;
  try {
    writeSync(fd, question);
    stream = new ReadStream(fd);
  } catch {
    removeHandlers();
    closeSync(fd);
    return Promise.reject(noTerminalError("the terminal could not be used"));
  }
  return new Promise((resolve, reject) => {
    let buffer = "";
    const finish = (error: UserError | undefined, line?: string) => {
      clearTimeout(timer);
      removeHandlers();
      stream.removeAllListeners("data");
      stream.on("error", () => undefined);
      // Closes the terminal fd too.
      stream.destroy();
      if (error) reject(error);
      else resolve(line ?? "");
    };
    const timer = setTimeout(
      () =>
        finish(
          new UserError(`No answer on the terminal within ${Math.round(options.timeoutMs / 1000)} s.`, {
            hint: "Run the command again and type the code when asked.",
          }),
        ),
      options.timeoutMs,
    );
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      buffer += chunk;
      const end = buffer.search(/\r?\n|\r/);
      if (end >= 0) finish(undefined, buffer.slice(0, end));
    });
    stream.on("error", () => finish(noTerminalError("the terminal could not be read")));
    // Ctrl-D on an empty line ends the terminal's input: the person cancelled, as at any other question.
    stream.on("end", () => finish(new UserError("Cancelled.", { exitCode: 130 })));
  });
}

/** The MFA code question, for the credential pipeline's promptMfaCode. */
export async function askMfaCodeOnTerminal(
  serialNumber: string,
  item: string,
  options: TerminalPromptOptions,
): Promise<string> {
  const answer = await readLineFromTerminal(
    // The serial and the item name come from the item and the config: their control characters are escaped.
    `aws-op: MFA code for ${escapeForTerminal(serialNumber)} (1Password item ${escapeForTerminal(quoted(item))} has no one-time password): `,
    options,
  );
  const code = answer.trim();
  if (!/^\d{6}$/.test(code)) {
    throw new UserError("An MFA code is six digits.", { hint: "Run the command again and type the current code." });
  }
  return code;
}
