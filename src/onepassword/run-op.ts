// Runs the 1Password CLI. The only place in aws-op that starts `op`: always an argument array (never a shell
// string) and op's absolute path, never a secret in argv, with a hard timeout that kills op.
// op runs in aws-op's own session and process group, never detached: the 1Password app approves the CLI per
// terminal session, and `detached: true` (setsid) would put op in a new session without the terminal, where that
// approval does not reach it (an approval prompt on every cold call). op is one process (facts), so it is ended by
// its pid: at the timeout, and when SIGINT/SIGTERM/SIGHUP reach aws-op while op runs (then aws-op ends by that
// signal). A Ctrl-C at the terminal reaches op directly as well, since it shares the foreground process group.
import { spawn } from "node:child_process";
import { isAbsolute } from "node:path";
import { UserError } from "../errors.js";
import { findExecutable } from "../executables.js";

export interface OpResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOpOptions {
  /** Executable name or path: `op`, or `op.exe` under WSL (op_cli / AWS_OP_CLI / --op-cli). */
  cli: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** A file descriptor for op's stdin (e.g. the read end of a FIFO holding an item template); default: none. */
  stdinFd?: number;
}

/**
 * op's answers are item JSON and lists: kB, a few MB for the largest vaults. More is not op: it is stopped, with a
 * clean error (560 MB of output ended in Node's raw ERR_STRING_TOO_LONG). stderr is only kept for messages.
 */
export const MAX_OP_STDOUT_BYTES = 64 * 1024 * 1024;
const MAX_OP_STDERR_BYTES = 1024 * 1024;

/** The process runner that core code receives, so tests can hand in a fake. */
export type OpRunner = (options: RunOpOptions) => Promise<OpResult>;

/** Pids of op runs in progress. */
const runningOps = new Set<number>();
const FORWARDED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const pid of runningOps) killOp(pid);
  runningOps.clear();
  removeSignalHandlers();
  // No handler left: the signal's default action ends aws-op, and its parent sees "killed by SIGxxx".
  process.kill(process.pid, signal);
}

function removeSignalHandlers(): void {
  for (const signal of FORWARDED_SIGNALS) process.off(signal, onSignal);
}

function track(pid: number | undefined): void {
  if (pid === undefined || process.platform === "win32") return;
  if (runningOps.size === 0) for (const signal of FORWARDED_SIGNALS) process.on(signal, onSignal);
  runningOps.add(pid);
}

function untrack(pid: number | undefined): void {
  if (pid === undefined || !runningOps.delete(pid)) return;
  if (runningOps.size === 0) removeSignalHandlers();
}

function notFound(cli: string): UserError {
  return new UserError(`The 1Password CLI ("${cli}") was not found.`, {
    hint: "Install it from https://developer.1password.com/docs/cli/get-started/ and make sure it is on PATH (or set op_cli / AWS_OP_CLI to its full path).",
  });
}

export const runOp: OpRunner = (options) =>
  new Promise((resolve, reject) => {
    // By the absolute path found on PATH, never the bare name: the system's search would read an empty PATH entry
    // as the working directory (see executables.ts). An absolute op_cli is spawned as it is, so that spawn says why
    // it cannot run (permission denied, say).
    const command = isAbsolute(options.cli) ? options.cli : findExecutable(options.cli, options.env, process.platform);
    if (command === undefined) {
      reject(notFound(options.cli));
      return;
    }
    const child = spawn(command, [...options.args], {
      env: options.env,
      // Not detached: op stays in aws-op's session and process group (see the header).
      detached: false,
      stdio: [options.stdinFd ?? "ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    track(child.pid);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let tooMuchOutput = false;
    let stdoutBytes = 0;
    let stderrBytes = 0;
    const timer = setTimeout(() => {
      timedOut = true;
      killOp(child.pid);
    }, options.timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes <= MAX_OP_STDOUT_BYTES) stdout.push(chunk);
      else if (!tooMuchOutput) {
        tooMuchOutput = true;
        stdout.length = 0;
        killOp(child.pid);
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderrBytes += chunk.length;
      if (stderrBytes <= MAX_OP_STDERR_BYTES) stderr.push(chunk);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      untrack(child.pid);
      if (error.code === "ENOENT") {
        reject(notFound(options.cli));
      } else if (error.code === "EACCES") {
        reject(new UserError(`The 1Password CLI ("${options.cli}") could not be run: permission denied.`));
      } else {
        reject(
          new UserError(`The 1Password CLI ("${options.cli}") could not be started: ${error.code ?? error.message}.`),
        );
      }
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      untrack(child.pid);
      if (timedOut) {
        const seconds = Math.round(options.timeoutMs / 100) / 10;
        reject(
          new UserError(`The 1Password CLI did not answer within ${seconds} s and was stopped.`, {
            hint: "If 1Password is waiting for your approval or to be unlocked, do that and try again. The limit is set by --op-timeout or AWS_OP_TIMEOUT (seconds).",
          }),
        );
        return;
      }
      if (tooMuchOutput) {
        reject(
          new UserError(
            `The 1Password CLI printed more than ${MAX_OP_STDOUT_BYTES / 1024 / 1024} MB and was stopped; op's answers are far smaller.`,
            {
              hint: 'Check that op_cli / AWS_OP_CLI / --op-cli name the 1Password CLI ("op --version"), then try again.',
            },
          ),
        );
        return;
      }
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
  });

/** By pid only: op shares aws-op's process group, so a group kill would end aws-op (and the AWS tool) too. */
function killOp(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
