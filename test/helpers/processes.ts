// Looking at processes from tests (Linux /proc): process groups, sessions, and what a run left behind.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { expect } from "vitest";
import { readCallLog } from "../fake-op/fixture.js";

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

/** ppid, process group and session of a live process (fields 4-6 of /proc/PID/stat), or undefined when gone. */
export function processIds(pid: number | "self"): { ppid: number; pgid: number; sid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state, ppid, pgid, sid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (state === "Z") return undefined;
    return { ppid: Number(ppid), pgid: Number(pgid), sid: Number(sid) };
  } catch {
    return undefined;
  }
}

/**
 * Live processes whose environment holds `name=value`: a test's fake op (and anything it started, which inherits
 * its environment) carries the test's own FAKE_OP_STORE, so this finds whatever a run left behind, whatever its
 * process group.
 */
export function processesWithEnv(name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        return (
          processIds(Number(pid)) !== undefined &&
          readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(wanted)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Wait (bounded) until no live process carries `name=value`; returns the ones still there at the end. */
export async function waitForEnvProcessesToEnd(name: string, value: string, timeoutMs = 3_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (processesWithEnv(name, value).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return processesWithEnv(name, value);
}

/**
 * Every op call logged since `from` ran in this test's session and process group (aws-op was started as a plain
 * child, so they are aws-op's too), and was started by aws-op, not by the test.
 */
export function expectCallsInCallerSession(logPath: string, from = 0): void {
  const me = processIds("self")!;
  const calls = readCallLog(logPath).slice(from);
  expect(calls.length).toBeGreaterThan(0);
  for (const call of calls) {
    expect({ argv: call.argv, sid: call.sid, pgid: call.pgid }).toEqual({
      argv: call.argv,
      sid: me.sid,
      pgid: me.pgid,
    });
    expect(call.ppid).not.toBe(process.pid);
  }
}

/** Wait (bounded) until process `pid` is gone (or a zombie); true when it is. A SIGKILL takes a moment to land. */
export async function waitForProcessToEnd(pid: number, timeoutMs = 3_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processIds(pid) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return processIds(pid) === undefined;
}
