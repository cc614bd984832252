// What kind of thing the caller connected to stdin. It matters: the real `op item create` only reads a template
// from stdin when it is a FIFO (a shell `|` pipe or a `mkfifo` node); a redirected file or Node's default 'pipe'
// stdio (a Unix socket pair) is silently ignored.
import { fstatSync, readlinkSync } from "node:fs";
import { isatty } from "node:tty";

/**
 * fifo: a named FIFO (mkfifo); pipe: an anonymous pipe (shell `|`); file: a redirected regular file;
 * socket: a socket pair (Node's `stdio: 'pipe'`); tty: a terminal; none: closed, /dev/null or anything else.
 */
export type StdinKind = "fifo" | "file" | "pipe" | "socket" | "tty" | "none";

export function classifyStdin(): StdinKind {
  let stats;
  try {
    stats = fstatSync(0);
  } catch {
    return "none";
  }
  if (stats.isFIFO()) {
    // Linux names anonymous pipes `pipe:[inode]`; a named FIFO links to its path. Without /proc, say fifo.
    try {
      return readlinkSync("/proc/self/fd/0").startsWith("pipe:") ? "pipe" : "fifo";
    } catch {
      return "fifo";
    }
  }
  if (stats.isFile()) return "file";
  if (stats.isSocket()) return "socket";
  if (stats.isCharacterDevice() && isatty(0)) return "tty";
  return "none";
}

/** Both kinds of FIFO count: the real CLI accepts `cat t.json | op item create -` and a mkfifo node alike. */
export function isFifoKind(kind: StdinKind): boolean {
  return kind === "fifo" || kind === "pipe";
}

/** Reads stdin to its end. A writer that never closes keeps this (and the real `op`) waiting forever. */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
