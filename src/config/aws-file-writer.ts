// Writing ~/.aws/config and ~/.aws/credentials back after an edit of their lossless INI documents.
// - Atomic: a temp file in the same directory, renamed over the original, so a reader sees the old or the new file.
// - The file keeps its mode; a new file is 0600 in a directory created 0700 (~/.aws holds secrets).
// - A symlinked file (dotfile managers) is written where the link points, and stays a link.
// - Just before writing, the file is read again: if it changed since aws-op read it (another editor, a second
//   aws-op), nothing is written and the user is told to run the command again. An edit is never lost.
// - No backup copy is made: the old credentials file holds secrets, and a backup would be one more plain-text copy.
import { mkdirSync, realpathSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "../cache/private-files.js";
import { errnoCode, UserError } from "../errors.js";
import { readRegularFile } from "./bounded-read.js";
import type { AwsFile } from "./profile.js";

/** The file's current text, undefined when it does not exist. */
function readCurrent(path: string): string | undefined {
  let read;
  try {
    read = readRegularFile(path);
  } catch (error) {
    const code = errnoCode(error);
    throw new UserError(`Could not read ${path} again before writing it (${code ?? "error"}).`, { cause: error });
  }
  if (read.kind === "not-regular") throw notRegularError(path);
  if (read.kind === "too-large")
    throw new UserError(`${path} grew too large while aws-op was working; it was not written.`);
  return read.kind === "text" ? read.text : undefined;
}

function notRegularError(path: string): UserError {
  return new UserError(`${path} is not a regular file (a FIFO, device or directory); aws-op never writes over it.`, {
    hint: "Point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at a regular file (or unset them).",
  });
}

/** Throws when the file on disk no longer holds the text it was read with. */
export function requireUnchangedSinceRead(file: AwsFile): void {
  const current = readCurrent(file.path);
  if (current !== file.text) {
    throw new UserError(`${file.path} was changed by another program while aws-op was working; it was not written.`, {
      hint: "Nothing was overwritten. Run the command again.",
    });
  }
}

/**
 * Replace the file's text with `text` (if different), atomically, after checking that nobody changed it since it
 * was read. Returns whether the file was written. On success `file.text` is updated, so edits can go on.
 */
export function writeAwsFile(file: AwsFile, text: string): boolean {
  if (text === (file.text ?? "")) return false;
  if (file.notRegular) throw notRegularError(file.path);
  requireUnchangedSinceRead(file);
  let target = file.path;
  let mode = 0o600;
  if (file.text !== undefined) {
    try {
      target = realpathSync(file.path);
      mode = statSync(target).mode & 0o7777;
    } catch (error) {
      throw new UserError(`Could not inspect ${file.path} before writing it.`, { cause: error });
    }
  }
  try {
    if (file.text === undefined) mkdirSync(dirname(file.path), { recursive: true, mode: 0o700 });
    writeFileAtomic(target, text, mode);
  } catch (error) {
    const code = errnoCode(error);
    throw new UserError(`Could not write ${file.path} (${code ?? "error"}); it was left as it was.`, {
      hint: "Check the permissions of the file and its directory.",
      cause: error,
    });
  }
  file.text = text;
  return true;
}

export interface PlannedWrite {
  file: AwsFile;
  text: string;
}

/**
 * Write several files, all or none as far as the disk allows: every file is checked before the first write, and
 * when a later write fails, the earlier ones are put back (only if still unchanged since aws-op wrote them).
 */
export function writeAwsFiles(writes: PlannedWrite[]): void {
  for (const w of writes) if (w.text !== (w.file.text ?? "")) requireUnchangedSinceRead(w.file);
  const done: { file: AwsFile; before: string | undefined }[] = [];
  try {
    for (const w of writes) {
      const before = w.file.text;
      if (writeAwsFile(w.file, w.text)) done.push({ file: w.file, before });
    }
  } catch (error) {
    for (const { file, before } of done.reverse()) {
      try {
        if (readCurrent(file.path) !== file.text) continue;
        if (before === undefined) {
          rmSync(file.path, { force: true });
          file.text = undefined;
        } else {
          writeAwsFile(file, before);
        }
      } catch {
        // Best effort: the error below says the command failed.
      }
    }
    throw error;
  }
}
