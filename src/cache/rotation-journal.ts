// A rotation in progress, written before `rotate` creates a key and kept until the old key is deleted, so that a
// rotate killed at any step is finished by the next one: a key created but never stored in the item (its secret
// died with the process) is deleted, and a key stored but whose predecessor was not yet deleted gets it deleted.
// Holds no secret: the IAM user name, key ids and a time.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "./sha256.js";
import { ensurePrivateDirectory, readPrivateJson, writeFileAtomic } from "./private-files.js";
import type { ItemIdentity } from "./session-cache.js";

export interface RotationJournal {
  version: 1;
  userName: string;
  oldKeyId: string;
  /** Set as soon as CreateAccessKey has answered. */
  newKeyId?: string;
  /** When the rotation started (ISO 8601): a key created after it, and in no item, is the rotation's. */
  startedAt: string;
}

function journalPath(root: string, item: ItemIdentity): string {
  const id = JSON.stringify([item.account ?? "", item.vault ?? "", item.item ?? ""]);
  return join(root, "rotations", `${sha256Hex(id).slice(0, 32)}.json`);
}

function isJournal(value: unknown): value is RotationJournal {
  const v = value as Partial<RotationJournal> | null;
  return (
    typeof v === "object" &&
    v !== null &&
    v.version === 1 &&
    typeof v.userName === "string" &&
    typeof v.oldKeyId === "string" &&
    typeof v.startedAt === "string" &&
    (v.newKeyId === undefined || typeof v.newKeyId === "string")
  );
}

export function readRotationJournal(root: string, item: ItemIdentity): RotationJournal | undefined {
  return readPrivateJson(journalPath(root, item), isJournal);
}

export function writeRotationJournal(root: string, item: ItemIdentity, journal: RotationJournal): void {
  ensurePrivateDirectory(root, undefined, { repair: false });
  ensurePrivateDirectory(join(root, "rotations"));
  writeFileAtomic(journalPath(root, item), `${JSON.stringify(journal)}\n`);
}

export function deleteRotationJournal(root: string, item: ItemIdentity): void {
  rmSync(journalPath(root, item), { force: true });
}
