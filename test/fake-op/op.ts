// Entry point of the 1Password CLI test double (bundled to test-dist/bin/op by scripts/build.mjs).
// Configuration comes from the environment: FAKE_OP_STORE, FAKE_OP_LOG, FAKE_OP_LATENCY_MS, FAKE_OP_FAIL,
// FAKE_OP_FAIL_ON, FAKE_OP_NOW, FAKE_OP_EDIT, FAKE_OP_VERSION, FAKE_OP_EXIT_CODE (see fixture.ts). Output follows the real CLI: JSON or text on stdout, errors as
// `[ERROR] YYYY/MM/DD HH:MM:SS message` on stderr with exit code 1.
import { appendCallLog, readProcessIds } from "./call-log.js";
import { type OpContext, runCommand } from "./commands.js";
import { OpError, PROMPT_DISMISSED, formatErrorLine, formatOpError } from "./errors.js";
import {
  CRASH_EXIT_CODE,
  CRASH_STDERR,
  GARBAGE_STDOUT,
  type FailureMode,
  activeFailureMode,
  truncate,
} from "./failures.js";
import { classifyStdin, readAllStdin } from "./stdin.js";

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Writes and waits until the data is flushed, so the exit code never races the output. */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  if (text === "") return Promise.resolve();
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

function clock(env: NodeJS.ProcessEnv): Date {
  const fixed = env.FAKE_OP_NOW;
  if (fixed === undefined || fixed === "") return new Date();
  const seconds = Number(fixed);
  if (!Number.isFinite(seconds)) throw new OpError(`fake-op: FAKE_OP_NOW must be epoch seconds, got "${fixed}"`);
  return new Date(seconds * 1000);
}

/**
 * Never returns, in one process like the real op (facts: "op is one process"): the caller must end it by its pid.
 * It starts no child, since op shares its caller's process group and a child would outlive a kill by pid.
 */
function hang(): Promise<never> {
  setInterval(() => undefined, 1 << 30);
  return new Promise<never>(() => undefined);
}

/** FAKE_OP_EXIT_CODE: the exit code of a failing call (default: the error's own, 1 for most). */
function failureExitCode(env: NodeJS.ProcessEnv, own: number): number {
  const forced = Number(env.FAKE_OP_EXIT_CODE ?? "");
  return env.FAKE_OP_EXIT_CODE && Number.isInteger(forced) && forced > 0 ? forced : own;
}

interface Outcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

async function answer(argv: string[], env: NodeJS.ProcessEnv, mode: FailureMode | undefined): Promise<Outcome> {
  const ctx: OpContext = {
    env,
    storePath: env.FAKE_OP_STORE === "" ? undefined : env.FAKE_OP_STORE,
    now: clock(env),
    stdinKind: classifyStdin(),
    readStdin: readAllStdin,
    failureMode: mode,
  };
  try {
    return { stdout: await runCommand(argv, ctx), stderr: "", exitCode: 0 };
  } catch (error) {
    if (error instanceof OpError) {
      return { stdout: "", stderr: formatOpError(error, new Date()), exitCode: failureExitCode(env, error.exitCode) };
    }
    throw error;
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const env = process.env;
  if (env.FAKE_OP_LOG) {
    appendCallLog(env.FAKE_OP_LOG, {
      argv,
      pid: process.pid,
      ...readProcessIds(),
      time: new Date().toISOString(),
      stdin: classifyStdin(),
    });
  }
  const latency = Number(env.FAKE_OP_LATENCY_MS ?? "0");
  if (Number.isFinite(latency) && latency > 0) await sleep(latency);

  let mode: FailureMode | undefined;
  try {
    mode = activeFailureMode(argv, env.FAKE_OP_FAIL, env.FAKE_OP_FAIL_ON);
  } catch (error) {
    if (!(error instanceof OpError)) throw error;
    await write(process.stderr, formatOpError(error, new Date()));
    return 1;
  }
  switch (mode) {
    case "hang":
      return hang();
    case "crash":
      await write(process.stderr, CRASH_STDERR);
      return CRASH_EXIT_CODE;
    case "garbage":
      await write(process.stdout, GARBAGE_STDOUT);
      return 0;
    case "exit0-stderr":
      await write(process.stderr, formatErrorLine(PROMPT_DISMISSED, new Date()));
      return 0;
    default:
      break;
  }
  const outcome = await answer(argv, env, mode);
  if (mode === "truncated") {
    await write(process.stdout, truncate(outcome.stdout));
    return 0;
  }
  await write(process.stdout, outcome.stdout);
  await write(process.stderr, outcome.stderr);
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A bug in the double itself: still speak the CLI's error format so the caller's parser copes.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(formatErrorLine(`fake-op internal error: ${message}`, new Date()), () => process.exit(1));
  },
);
