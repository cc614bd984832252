// Looking at processes from tests (Linux /proc): which live processes are in a process group.
import { existsSync, readdirSync, readFileSync } from "node:fs";

export const hasProc = existsSync("/proc/self/stat");

/** Live (not zombie) members of process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return Number(fields[2]) === pgid && fields[0] !== "Z";
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Wait (bounded) until the group is empty; returns its live members at the end. */
export async function waitForGroupToEnd(pgid: number, timeoutMs = 3_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (groupMembers(pgid).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return groupMembers(pgid);
}
