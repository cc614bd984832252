// Reading the AWS files without trusting what the path names. botocore reads only regular files
// (configloader.raw_config_parse: a path that os.path.isfile rejects is treated as missing), so a FIFO with no
// writer, a device like /dev/zero or a directory is read as absent, as botocore does, instead of hanging aws-op (and
// the AWS command waiting for it) or growing its memory without end. A regular file is read up to a size far above
// any real AWS config.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { errnoCode } from "../errors.js";

/** A 2,000-profile config is about 200 kB; 10 MB is no AWS config. */
export const MAX_AWS_FILE_BYTES = 10 * 1024 * 1024;

export type BoundedRead =
  | { kind: "text"; text: string }
  | { kind: "missing" }
  /** A FIFO, device, socket or directory: never read, never written. */
  | { kind: "not-regular" }
  | { kind: "too-large" };

export function readRegularFile(path: string, maxBytes = MAX_AWS_FILE_BYTES): BoundedRead {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat can see what it is.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing" };
    if (code === "EISDIR") return { kind: "not-regular" };
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { kind: "not-regular" };
    if (stat.size > maxBytes) return { kind: "too-large" };
    // The file may grow while it is read: never hold more than the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > maxBytes) return { kind: "too-large" };
      chunks.push(chunk.subarray(0, read));
    }
    return { kind: "text", text: Buffer.concat(chunks).toString("utf8") };
  } finally {
    closeSync(fd);
  }
}
