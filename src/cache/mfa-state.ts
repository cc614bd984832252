// Remembers the TOTP time step last sent to AWS for each MFA device: AWS rejects a code used twice, so a second
// session within the same 30-second window must wait for the next code. Holds no code and no secret: only a hash
// of the serial and a step number.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "./sha256.js";
import { ensurePrivateDirectory, readPrivateJson, writeFileAtomic } from "./private-files.js";

function statePath(root: string, serial: string): string {
  return join(root, "mfa", `${sha256Hex(serial).slice(0, 32)}.json`);
}

function isMfaState(value: unknown): value is { step: number } {
  return typeof (value as { step?: unknown } | null)?.step === "number";
}

export function readLastMfaStep(root: string, serial: string): number | undefined {
  return readPrivateJson(statePath(root, serial), isMfaState)?.step;
}

export function writeLastMfaStep(root: string, serial: string, step: number): void {
  ensurePrivateDirectory(root, undefined, { repair: false });
  ensurePrivateDirectory(join(root, "mfa"));
  writeFileAtomic(statePath(root, serial), `${JSON.stringify({ step })}\n`);
}

/** Remove the MFA state of every device (`clear --all`); returns how many files were removed. */
export function clearMfaState(root: string): number {
  let names: string[];
  try {
    names = readdirSync(join(root, "mfa"));
  } catch {
    return 0;
  }
  const states = names.filter((name) => name.endsWith(".json"));
  for (const name of states) rmSync(join(root, "mfa", name), { force: true });
  return states.length;
}

export interface MfaStepPlan {
  /** The time step whose code to send. */
  step: number;
  /** How long to wait first (ms): 0, or until the step after the last one sent begins. */
  waitMs: number;
}

/**
 * Which time step to send a code for, given the last step sent for the device. AWS refuses a code it has seen,
 * so when the current step was used, wait for the next one: at most one period. A recorded step more than one
 * period ahead of the clock cannot be ours (the clock was fast when it was written, or moved back): ignore it,
 * rather than wait for it and send a code for a future step.
 */
export function planMfaStep(last: number | undefined, nowMs: number, periodSeconds: number): MfaStepPlan {
  const periodMs = periodSeconds * 1000;
  const current = Math.floor(nowMs / periodMs);
  if (last === undefined || last < current || last > current + 1) return { step: current, waitMs: 0 };
  // 250 ms into the new step, so that AWS's clock is surely there too.
  return { step: last + 1, waitMs: Math.min((last + 1) * periodMs - nowMs, periodMs) + 250 };
}
