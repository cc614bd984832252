// Runs the 1Password CLI. The only place in aws-op that starts `op`: always an argument array (never a shell
// string), never a secret in argv, with a hard timeout that kills op and anything it started. op runs in its own
// process group (so the timeout can kill all of it); for the same reason a Ctrl-C at the AWS tool would not reach
// it, so while op runs, SIGINT/SIGTERM/SIGHUP to aws-op kill op's group first and then end aws-op by that signal.
import { spawn } from "node:child_process";
import { UserError } from "../errors.js";

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

/** The process runner that core code receives, so tests can hand in a fake. */
export type OpRunner = (options: RunOpOptions) => Promise<OpResult>;

/** Process groups of op runs in progress. */
const runningGroups = new Set<number>();
const FORWARDED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const pid of runningGroups) killTree(pid);
  runningGroups.clear();
  removeSignalHandlers();
  // No handler left: the signal's default action ends aws-op, and its parent sees "killed by SIGxxx".
  process.kill(process.pid, signal);
}

function removeSignalHandlers(): void {
  for (const signal of FORWARDED_SIGNALS) process.off(signal, onSignal);
}

function track(pid: number | undefined): void {
  if (pid === undefined || process.platform === "win32") return;
  if (runningGroups.size === 0) for (const signal of FORWARDED_SIGNALS) process.on(signal, onSignal);
  runningGroups.add(pid);
}

function untrack(pid: number | undefined): void {
  if (pid === undefined || !runningGroups.delete(pid)) return;
  if (runningGroups.size === 0) removeSignalHandlers();
}

export const runOp: OpRunner = (options) =>
  new Promise((resolve, reject) => {
    const child = spawn(options.cli, [...options.args], {
      env: options.env,
      // Own process group, so a timeout can kill op together with any helper it started.
      detached: process.platform !== "win32",
      stdio: [options.stdinFd ?? "ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    track(child.pid);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child.pid);
    }, options.timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      untrack(child.pid);
      if (error.code === "ENOENT") {
        reject(
          new UserError(`The 1Password CLI ("${options.cli}") was not found.`, {
            hint: "Install it from https://developer.1password.com/docs/cli/get-started/ and make sure it is on PATH (or set op_cli / AWS_OP_CLI to its full path).",
          }),
        );
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
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
  });

function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // Negative pid: the whole process group (op runs detached in its own group).
    process.kill(process.platform === "win32" ? pid : -pid, "SIGKILL");
  } catch {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}
