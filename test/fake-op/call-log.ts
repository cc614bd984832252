// FAKE_OP_LOG: one JSON line per invocation, so tests can assert how (and how often) the caller ran `op`.
// It records argv and the stdin kind only, never stdin's content: a well-behaved caller's argv holds no secret.
// It also records the session and process group each call ran in: the desktop app approves the CLI per terminal
// session, so a call outside the caller's session (e.g. spawned with setsid) would need an approval of its own.
import { appendFileSync, readFileSync } from "node:fs";
import type { StdinKind } from "./stdin.js";

export interface CallLogEntry {
  argv: string[];
  pid: number;
  /** Parent pid, process group and session of this call (Linux /proc; undefined elsewhere). */
  ppid?: number;
  pgid?: number;
  sid?: number;
  /** ISO 8601, real time (not FAKE_OP_NOW). */
  time: string;
  stdin: StdinKind;
}

export function appendCallLog(path: string, entry: CallLogEntry): void {
  // One write call per line: appends of a short line are atomic, so parallel invocations don't interleave.
  appendFileSync(path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
}

/** ppid, pgid and sid of this process from /proc/self/stat (fields 4, 5, 6; the name in parentheses may hold spaces). */
export function readProcessIds(): { ppid?: number; pgid?: number; sid?: number } {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const [, ppid, pgid, sid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(ppid), pgid: Number(pgid), sid: Number(sid) };
  } catch {
    return {};
  }
}
