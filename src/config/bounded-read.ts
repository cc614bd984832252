// Reading the AWS files without trusting what the path names. botocore reads only regular files
// (configloader.raw_config_parse: a path that os.path.isfile rejects is treated as missing), so a FIFO with no
// writer, a device like /dev/zero or a directory is read as absent, as botocore does, instead of hanging aws-op (and
// the AWS command waiting for it) or growing its memory without end. A regular file is read up to a size far above
// any real AWS config.
import { closeSync, constants, fstatSync, openSync, readSync, type BigIntStats } from "node:fs";
import { errnoCode } from "../errors.js";

/** A 2,000-profile config is about 200 kB; 10 MB is no AWS config. */
export const MAX_AWS_FILE_BYTES = 10 * 1024 * 1024;

/**
 * What identifies one version of a file without reading it: device, inode, size, and modification and change times
 * to the nanosecond (git's index keeps the same). Written in the hit index (cache/hit-index.ts) as decimal strings.
 */
export interface FileStamp {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
}

export function fileStampOf(stat: BigIntStats): FileStamp {
  return {
    dev: String(stat.dev),
    ino: String(stat.ino),
    size: String(stat.size),
    mtimeNs: String(stat.mtimeNs),
    ctimeNs: String(stat.ctimeNs),
  };
}

export type BoundedRead =
  /** stamp: the file's stamp as fstat saw it right after the read, on the descriptor that was read. */
  | { kind: "text"; text: string; stamp: FileStamp }
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
    // After the read: a change made while it ran shows in this stamp (and the hit index refuses recent stamps).
    const stamp = fileStampOf(fstatSync(fd, { bigint: true }));
    return { kind: "text", text: Buffer.concat(chunks).toString("utf8"), stamp };
  } finally {
    closeSync(fd);
  }
}
