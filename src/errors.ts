// Typed errors. Core code throws these; only src/cli.ts turns them into a message and an exit code.

/** An expected failure: the message says what failed and what to do about it. Never contains a secret. */
export class UserError extends Error {
  override readonly name = "UserError";
  /** A second line with the fix, printed after the message. */
  readonly hint: string | undefined;
  readonly exitCode: number;
  constructor(message: string, options: { hint?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A bug in aws-op: the user should report it. */
export class InternalError extends Error {
  override readonly name = "InternalError";
}

/** The `code` of a Node.js system error (ENOENT, EEXIST, ELOCKED, ...), or undefined for anything else thrown. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}
