// Ending a child together with what it started, at a timeout or a signal. op_cli may name a wrapper (a shell
// script, a version manager's shim) that runs op as its own child, and an MFA helper may leave children behind: a
// kill of the child alone leaves them running and holding its output pipes, and a wait for those pipes to close
// then lasts as long as they do. The descendants are found by parent pid in /proc (Linux); elsewhere only the child
// itself (and, for helpers, its process group) is reached, and the callers stop waiting for the pipes either way.
import { readdirSync, readFileSync } from "node:fs";

/** Live descendants of `pid`, children before grandchildren; [] where there is no /proc. */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return [];
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // Gone meanwhile.
    }
    // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so fields are counted after the last ")".
    const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (state === "Z") continue;
    const parent = Number(ppid);
    children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0;) {
    const next: number[] = [];
    for (const parent of queue) next.push(...(children.get(parent) ?? []));
    found.push(...next);
    queue = next;
  }
  return found;
}

/**
 * SIGKILL `pid` and its descendants by pid, never by process group (op shares aws-op's group: a group kill would end
 * aws-op and the AWS tool). The descendants are listed before the first kill: once a parent is gone, its children
 * belong to init and can no longer be told from anyone else's.
 */
export function killTree(pid: number): void {
  const descendants = descendantsOf(pid);
  for (const target of [pid, ...descendants]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}
