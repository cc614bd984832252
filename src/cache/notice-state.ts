// Remembers when a desktop notice about a failing profile was last shown, so an IDE that retries a failing
// credential process every few seconds does not bury the desktop in notices. One file per profile holding a time
// and nothing else (the profile name only as a hash). Claiming is atomic (O_EXCL create, rename to take over a
// stale claim), so twenty credential processes failing at once show one notice, not twenty.
import { closeSync, constants, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateDirectory, readPrivateJson } from "./private-files.js";
import { sha256Hex } from "./sha256.js";
import { errnoCode } from "../errors.js";

function claimPath(root: string, profile: string): string {
  return join(root, "notices", `${sha256Hex(profile).slice(0, 32)}.json`);
}

function isNoticeState(value: unknown): value is { sentAt: number } {
  return typeof (value as { sentAt?: unknown } | null)?.sentAt === "number";
}

/** Create the claim file, failing with EEXIST when it is there already. */
function createClaim(path: string, now: Date): void {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  const fd = openSync(path, flags, 0o600);
  try {
    writeSync(fd, `${JSON.stringify({ sentAt: now.getTime() })}\n`);
  } finally {
    closeSync(fd);
  }
}

/**
 * True when this process may show a notice for `profile` now (and has recorded that it does): no notice was shown
 * for it within `intervalMs`. A record from the future (the clock was changed) counts as stale.
 * Throws when the state cannot be kept: then no notice should be shown, or the limit could not hold.
 */
export function claimNotice(root: string, profile: string, now: Date, intervalMs: number): boolean {
  ensurePrivateDirectory(root);
  ensurePrivateDirectory(join(root, "notices"));
  const path = claimPath(root, profile);
  try {
    createClaim(path, now);
    return true;
  } catch (error) {
    if (errnoCode(error) !== "EEXIST") throw error;
  }
  const state = readPrivateJson(path, isNoticeState);
  // A file we cannot trust (not ours, not a regular file): show nothing rather than replace it blindly.
  if (!state) return false;
  const age = now.getTime() - state.sentAt;
  if (age >= 0 && age < intervalMs) return false;
  // Stale: take it over. Only one process can rename the old claim away; the others find it gone.
  const old = `${path}.${process.pid}.old`;
  try {
    renameSync(path, old);
  } catch {
    return false;
  }
  rmSync(old, { force: true });
  try {
    createClaim(path, now);
    return true;
  } catch {
    return false;
  }
}
