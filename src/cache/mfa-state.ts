// Remembers the TOTP time step last sent to AWS for each MFA device: AWS rejects a code used twice, so a second
// session within the same 30-second window must wait for the next code. Holds no code and no secret: only a hash
// of the serial and a step number.
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
  ensurePrivateDirectory(root);
  ensurePrivateDirectory(join(root, "mfa"));
  writeFileAtomic(statePath(root, serial), `${JSON.stringify({ step })}\n`);
}
