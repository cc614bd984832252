// The child process of `aws-op exec`: started with inherited stdio, signals forwarded to it, its end turned into
// aws-op's exit code. The only code besides onepassword/run-op.ts that spawns; loaded only when exec runs.
import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import { UserError } from "./errors.js";

export interface ChildOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** Starts the child with inherited stdio, forwards signals to it, and resolves when it ends. */
export type ChildRunner = (command: string, args: string[], env: NodeJS.ProcessEnv) => Promise<ChildOutcome>;

const FORWARDED_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

export const spawnChild: ChildRunner = (command, args, env) =>
  new Promise((resolve, reject) => {
    // While a handler is installed, aws-op itself does not die of these signals: it passes them on and waits for
    // the child to decide, then exits with the child's status. The handlers go in before the child starts: a signal
    // sent as soon as the child is up (a busy machine can delay aws-op between spawn() and the next line) would
    // otherwise kill aws-op and leave the child running.
    let child: ChildProcess | undefined;
    const early: NodeJS.Signals[] = [];
    const forward = (signal: NodeJS.Signals) => {
      if (!child) {
        early.push(signal);
        return;
      }
      try {
        child.kill(signal);
      } catch {
        // The child is already gone.
      }
    };
    const signals = process.platform === "win32" ? (["SIGINT"] as NodeJS.Signals[]) : FORWARDED_SIGNALS;
    for (const signal of signals) process.on(signal, forward);
    const cleanup = () => {
      for (const signal of signals) process.off(signal, forward);
    };
    try {
      child = spawn(command, args, { env, stdio: "inherit" });
    } catch (error) {
      cleanup();
      throw error;
    }
    for (const signal of early.splice(0)) forward(signal);
    child.once("error", (error: NodeJS.ErrnoException) => {
      cleanup();
      if (error.code === "ENOENT") {
        reject(
          new UserError(`Command not found: ${command}`, { hint: "Check the command name and PATH.", exitCode: 127 }),
        );
      } else if (error.code === "EACCES") {
        reject(new UserError(`Permission denied: ${command}`, { exitCode: 126 }));
      } else {
        reject(new UserError(`Could not run ${command}: ${error.code ?? error.message}`, { exitCode: 126 }));
      }
    });
    child.once("exit", (exitCode, signal) => {
      cleanup();
      resolve({ exitCode, signal });
    });
  });

/** The shell's convention: the child's exit code, or 128 + the signal number when a signal ended it. */
export function exitCodeOf(outcome: ChildOutcome): number {
  if (outcome.exitCode !== null) return outcome.exitCode;
  const number = outcome.signal ? constants.signals[outcome.signal] : undefined;
  return number === undefined ? 1 : 128 + number;
}
