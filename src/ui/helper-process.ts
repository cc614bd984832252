// Desktop helpers aws-op starts itself: MFA prompt drivers (zenity, kdialog, osascript, ykman), op_mfa_process and
// notification senders. The only code that starts them: always an argument array (never a shell), the absolute path
// findExecutable finds on PATH (never the working directory), an environment handed in, a hard timeout that kills
// the helper's whole process group and its descendants, and a cap on what it may print.
import { spawn } from "node:child_process";
import { findExecutable } from "../executables.js";
import { descendantsOf } from "../process-tree.js";

export interface HelperResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The helper did not finish in time and was killed. */
  timedOut: boolean;
}

export interface HelperOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** A code or a line of text: anything longer is not an answer, so the rest is dropped unread. */
const MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * After the helper has exited, how long its stdout may stay open: what it printed is in the pipe already, so only
 * something it left running (a child in a session of its own, which a group kill misses) holds it.
 */
const PIPE_DRAIN_MS = 1_000;

/**
 * Run a helper and collect its stdout. Never rejects: a helper that cannot start has exit code null. Answers at the
 * timeout, or once the helper has exited and its stdout closed (or stayed open PIPE_DRAIN_MS longer): never waits for
 * a pipe that something the helper left running still holds.
 */
export function runHelper(argv: readonly string[], options: HelperOptions): Promise<HelperResult> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : findExecutable(name, options.env, process.platform);
  return new Promise((resolve) => {
    if (!command) {
      resolve({ exitCode: null, signal: null, stdout: "", timedOut: false });
      return;
    }
    const child = spawn(command, args, {
      env: options.env,
      // Own process group, so the timeout can kill the helper together with anything it started.
      detached: process.platform !== "win32",
      stdio: ["ignore", "pipe", "ignore"],
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    let settled = false;
    let exited = false;
    let drain: NodeJS.Timeout | undefined;
    const finish = (result: Omit<HelperResult, "stdout" | "timedOut">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drain);
      child.stdout?.destroy();
      resolve({ ...result, stdout: Buffer.concat(chunks).toString("utf8"), timedOut });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      const pid = child.pid;
      if (pid !== undefined) {
        // The group, and the descendants by pid: one in a session of its own (setsid) is outside the group. By pid
        // only while the helper has not been reaped (its pid could be someone else's after that).
        const descendants = exited ? [] : descendantsOf(pid);
        if (process.platform !== "win32") killPids([-pid]);
        if (!exited) killPids([pid, ...descendants]);
      }
      finish({ exitCode: null, signal: "SIGKILL" });
    }, options.timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (size >= MAX_OUTPUT_BYTES) return;
      chunks.push(chunk.subarray(0, MAX_OUTPUT_BYTES - size));
      size += chunk.length;
    });
    child.on("error", () => finish({ exitCode: null, signal: null }));
    child.on("close", (exitCode, signal) => finish({ exitCode, signal }));
    child.on("exit", (exitCode, signal) => {
      exited = true;
      if (settled) return;
      // setImmediate: a busy event loop runs timers before it reads the pipe, and what is there is read first.
      drain = setTimeout(
        () =>
          setImmediate(() => {
            // What holds the pipe is a leftover of the helper's: its group, if it stayed in it (the group id cannot
            // be reused while members are left, so this never reaches anyone else).
            if (!settled && child.pid !== undefined && process.platform !== "win32") killPids([-child.pid]);
            finish({ exitCode, signal });
          }),
        PIPE_DRAIN_MS,
      );
    });
  });
}

/**
 * Start a helper and do not wait for it (a notification: aws-op's own failure must not wait on the desktop).
 * Returns false when it could not be started at all.
 */
export function startDetachedHelper(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : findExecutable(name, env, process.platform);
  if (!command) return false;
  try {
    const child = spawn(command, args, {
      env,
      detached: true,
      stdio: "ignore",
      windowsHide: true,
    });
    child.on("error", () => undefined);
    child.unref();
    return child.pid !== undefined;
  } catch {
    return false;
  }
}

function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}
