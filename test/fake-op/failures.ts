// Failure modes chosen with FAKE_OP_FAIL (optionally only for calls whose argv starts with FAKE_OP_FAIL_ON).
// Session failures replace the answer of commands that need a signed-in session (not `--version`, not
// `account list`, which reads local config); process failures replace every answer.
import {
  API_BAD_REQUEST,
  APP_CONNECTION_LOST,
  APP_CONNECTION_RESET,
  APP_NOT_RUNNING,
  APP_UNREACHABLE,
  AUTHORIZATION_TIMEOUT,
  FORBIDDEN,
  NOT_SIGNED_IN,
  OpError,
  PROMPT_DISMISSED,
  RATE_LIMITED,
  RATE_LIMITED_429,
  UNKNOWN_FAILURE,
  fakeOpProblem,
} from "./errors.js";

export const FAILURE_MODES = [
  "not-signed-in",
  "no-accounts",
  "dismissed",
  "auth-timeout",
  "app-unreachable",
  "locked",
  "forbidden",
  "rate-limited",
  "rate-limited-429",
  "app-not-running",
  "connection-reset",
  "lost-connection",
  "api-error",
  "unknown-error",
  "garbage",
  "truncated",
  "hang",
  "exit0-stderr",
  "crash",
] as const;

export type FailureMode = (typeof FAILURE_MODES)[number];

export function isFailureMode(value: string): value is FailureMode {
  return (FAILURE_MODES as readonly string[]).includes(value);
}

/** The mode in force for this call, if any. An unknown mode name is a mistake in the test: fail loudly. */
export function activeFailureMode(
  argv: readonly string[],
  fail: string | undefined,
  failOn: string | undefined,
): FailureMode | undefined {
  if (fail === undefined || fail === "") return undefined;
  if (!isFailureMode(fail)) {
    throw fakeOpProblem(`unknown FAKE_OP_FAIL mode "${fail}" (known: ${FAILURE_MODES.join(", ")})`);
  }
  if (failOn !== undefined && failOn !== "" && !argv.join(" ").startsWith(failOn)) return undefined;
  return fail;
}

/**
 * The error a session-level mode raises when the command needs a session. `locked`: the real CLI waits for the
 * user to unlock the app, then fails like a dismissed prompt. `no-accounts` is handled by the account lookup.
 */
export function sessionFailure(mode: FailureMode | undefined): OpError | undefined {
  switch (mode) {
    case "not-signed-in":
      return new OpError(NOT_SIGNED_IN);
    case "dismissed":
    case "locked":
      return new OpError(PROMPT_DISMISSED);
    case "auth-timeout":
      return new OpError(AUTHORIZATION_TIMEOUT);
    case "app-unreachable":
      return new OpError(APP_UNREACHABLE);
    case "forbidden":
      return new OpError(FORBIDDEN);
    case "rate-limited":
      return new OpError(RATE_LIMITED);
    case "rate-limited-429":
      return new OpError(RATE_LIMITED_429);
    case "app-not-running":
      return new OpError(APP_NOT_RUNNING);
    case "connection-reset":
      return new OpError(APP_CONNECTION_RESET);
    case "lost-connection":
      return new OpError(APP_CONNECTION_LOST);
    case "api-error":
      return new OpError(API_BAD_REQUEST, [], { exitCode: 4 });
    case "unknown-error":
      return new OpError(UNKNOWN_FAILURE);
    default:
      return undefined;
  }
}

export const GARBAGE_STDOUT = "Unexpected response from 1Password: <html><body>502 Bad Gateway</body></html>\n";

/** A JSON document to cut when the command itself printed nothing. */
export const TRUNCATION_FALLBACK = `${JSON.stringify({ id: "kdqgvy7alfiw3r6yd5ccfg2ieq", title: "truncated" }, null, 2)}\n`;

/** Half of the document, so it starts like JSON and never parses. */
export function truncate(stdout: string): string {
  const document = stdout === "" ? TRUNCATION_FALLBACK : stdout;
  return document.slice(0, Math.max(1, Math.floor(document.length / 2)));
}

/** What a Go runtime panic prints; Go exits with status 2 after it. */
export const CRASH_STDERR = [
  "panic: runtime error: invalid memory address or nil pointer dereference",
  "[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x1029c4a8c]",
  "",
  "goroutine 1 [running]:",
  "go.1password.io/op/op-cli/command.(*ItemGetCommand).Run(0x0, {0x140001a6000, 0x1, 0x1})",
  "\t/builds/dev/core/op-cli/command/item_get.go:212 +0x3c",
  "main.main()",
  "\t/builds/dev/core/op-cli/main.go:27 +0x2c",
  "",
].join("\n");
export const CRASH_EXIT_CODE = 2;
