// Remembers the TOTP time step last sent to AWS for each MFA device: AWS rejects a code used twice, so a second
// session within the same 30-second window must wait for the next code. Holds no code and no secret: only a hash
// of the serial and a step number.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateDirectory, isTrustedPrivateFile, writeFileAtomic } from "./private-files.js";

function statePath(root: string, serial: string): string {
  return join(root, "mfa", `${createHash("sha256").update(serial).digest("hex").slice(0, 32)}.json`);
}

export function readLastMfaStep(root: string, serial: string): number | undefined {
  const path = statePath(root, serial);
  try {
    if (!isTrustedPrivateFile(path)) return undefined;
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    const step = (parsed as { step?: unknown }).step;
    return typeof step === "number" ? step : undefined;
  } catch {
    return undefined;
  }
}

export function writeLastMfaStep(root: string, serial: string, step: number): void {
  ensurePrivateDirectory(root);
  ensurePrivateDirectory(join(root, "mfa"));
  writeFileAtomic(statePath(root, serial), `${JSON.stringify({ step })}\n`);
}
