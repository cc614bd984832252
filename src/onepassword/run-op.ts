// Runs the 1Password CLI. The only place in aws-op that starts `op`: always an argument array (never a shell
// string) and op's absolute path, never a secret in argv, with a hard timeout that kills op.
// op runs in aws-op's own session and process group, never detached: the 1Password app approves the CLI per
// terminal session, and `detached: true` (setsid) would put op in a new session without the terminal, where that
// approval does not reach it (an approval prompt on every cold call). op is one process (facts), so it is ended by
// its pid: at the timeout, and when SIGINT/SIGTERM/SIGHUP reach aws-op while op runs (then aws-op ends by that
// signal). A Ctrl-C at the terminal reaches op directly as well, since it shares the foreground process group.
// op_cli may name a wrapper that runs op as its own child (shims do): the processes it started are ended by pid
// with it (process-tree.ts), and at the bound aws-op stops reading and answers, never waiting for pipes that a
// survivor (where its descendants cannot be found) would hold open.
import { spawn } from "node:child_process";
import { isAbsolute } from "node:path";
import { UserError } from "../errors.js";
import { findExecutable } from "../executables.js";
import { killTree } from "../process-tree.js";

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

function isForwardedSignal(signal: NodeJS.Signals): signal is (typeof FORWARDED_SIGNALS)[number] {
  return (FORWARDED_SIGNALS as readonly NodeJS.Signals[]).includes(signal);
}

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

/**
 * After op (or its wrapper) has exited, how long its pipes may stay open: op's last output is in the pipe already
 * (a writer cannot exit with more than a pipe's capacity unread), so only something it left running holds them.
 */
const PIPE_DRAIN_MS = 1_000;

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
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let settled = false;
    let exited = false;
    let drain: NodeJS.Timeout | undefined;
    /**
     * Answer once, and stop reading: nothing waits for op's pipes to close after this. op_cli may be a wrapper that
     * runs op as its child, and a grandchild that outlives a kill would hold them open for as long as it runs.
     */
    const settle = (answer: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drain);
      untrack(child.pid);
      child.stdout?.destroy();
      child.stderr?.destroy();
      answer();
    };
    /** End op (and whatever op_cli started) by pid, and answer at once. */
    const stop = (error: UserError): void => {
      // By pid only while op has not been reaped: after that its pid could be someone else's.
      if (!exited) killOp(child.pid);
      settle(() => reject(error));
    };
    const timer = setTimeout(() => {
      const seconds = Math.round(options.timeoutMs / 100) / 10;
      stop(
        new UserError(`The 1Password CLI did not answer within ${seconds} s and was stopped.`, {
          hint: "If 1Password is waiting for your approval or to be unlocked, do that and try again. The limit is set by --op-timeout or AWS_OP_TIMEOUT (seconds).",
        }),
      );
    }, options.timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes <= MAX_OP_STDOUT_BYTES) {
        stdout.push(chunk);
        return;
      }
      stdout.length = 0;
      stop(
        new UserError(
          `The 1Password CLI printed more than ${MAX_OP_STDOUT_BYTES / 1024 / 1024} MB and was stopped; op's answers are far smaller.`,
          {
            hint: 'Check that op_cli / AWS_OP_CLI / --op-cli name the 1Password CLI ("op --version"), then try again.',
          },
        ),
      );
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderrBytes += chunk.length;
      if (stderrBytes <= MAX_OP_STDERR_BYTES) stderr.push(chunk);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      settle(() => {
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
    });
    const answer = (exitCode: number | null, signal: NodeJS.Signals | null) =>
      settle(() =>
        resolve({
          exitCode,
          signal,
          stdout: Buffer.concat(stdout).toString("utf8"),
          stderr: Buffer.concat(stderr).toString("utf8"),
        }),
      );
    child.on("close", answer);
    child.on("exit", (exitCode, signal) => {
      exited = true;
      if (!settled && signal !== null && isForwardedSignal(signal) && runningOps.has(child.pid ?? -1)) {
        // op ended by a terminal signal that aws-op did not send: a Ctrl-C at the terminal reaches the whole
        // foreground process group, and op's exit can be handled before aws-op's own SIGINT (which is then lost
        // with the handler that untrack removes). The user interrupted both: aws-op ends by that signal too.
        onSignal(signal);
        return;
      }
      untrack(child.pid);
      if (settled) return;
      // The pipes normally close with op; if something op_cli started holds them, answer with what op printed.
      // setImmediate: a busy event loop runs timers before it reads the pipes, and what is there is read first.
      drain = setTimeout(() => setImmediate(() => answer(exitCode, signal)), PIPE_DRAIN_MS);
    });
  });

/**
 * By pid only: op shares aws-op's process group, so a group kill would end aws-op (and the AWS tool) too. With it go
 * the processes it started (op itself, when op_cli is a wrapper), also by pid (process-tree.ts).
 */
function killOp(pid: number | undefined): void {
  if (pid !== undefined) killTree(pid);
}
