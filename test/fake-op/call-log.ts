// FAKE_OP_LOG: one JSON line per invocation, so tests can assert how (and how often) the caller ran `op`.
// It records argv and the stdin kind only, never stdin's content: a well-behaved caller's argv holds no secret.
import { appendFileSync } from "node:fs";
import type { StdinKind } from "./stdin.js";

export interface CallLogEntry {
  argv: string[];
  pid: number;
  /** ISO 8601, real time (not FAKE_OP_NOW). */
  time: string;
  stdin: StdinKind;
}

export function appendCallLog(path: string, entry: CallLogEntry): void {
  // One write call per line: appends of a short line are atomic, so parallel invocations don't interleave.
  appendFileSync(path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
}
