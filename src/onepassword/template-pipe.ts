// Hands an item template (which holds secrets) to op on stdin through a real FIFO. Never argv (other local users
// can read process arguments), never a regular file (it would put the secret on disk).
// Fact (op 2.x, reported on 2.34): op reads a template from stdin only when stdin is a FIFO; a redirected file or
// a socket pair (Node's 'pipe' stdio) is silently ignored ("provide the item category with '--category' flag").
// So: mkfifo in a private directory, open the read end non-blocking (so opening the write end cannot block),
// write the whole template, close the write end, and give op the read end as its stdin. Nothing ever waits on a
// reader that does not come.
import { spawnSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { findExecutable } from "../executables.js";

/** Linux pipe capacity is 64 KiB; an item template is a few hundred bytes. */
const MAX_TEMPLATE_BYTES = 60_000;

export interface TemplatePipe {
  /** The read end, to pass as the child's stdin. */
  fd: number;
  /** Close our copy of the read end and remove the FIFO. Call after the child has started. */
  dispose(): void;
}

/** `env`: op's environment, whose PATH finds mkfifo (by its absolute path: see executables.ts). */
export function openTemplatePipe(template: string, env: NodeJS.ProcessEnv, tempRoot: string = tmpdir()): TemplatePipe {
  const data = Buffer.from(template, "utf8");
  if (data.length > MAX_TEMPLATE_BYTES) throw new Error("item template too large for a pipe");
  if (process.platform === "win32") {
    throw new UserError("Writing 1Password items is not supported on native Windows yet.", {
      hint: "Run aws-op under WSL, or create the item in the 1Password app.",
    });
  }
  const dir = mkdtempSync(join(tempRoot, "aws-op-"));
  const path = join(dir, "template");
  let readFd: number | undefined;
  try {
    const mkfifo = findExecutable("mkfifo", env, process.platform);
    const made = mkfifo === undefined ? undefined : spawnSync(mkfifo, ["-m", "600", path], { stdio: "ignore", env });
    if (made?.status !== 0) {
      throw new UserError("Could not create a private pipe for the 1Password item template (mkfifo failed).", {
        hint: "Check that mkfifo (coreutils) is installed and the temporary directory is writable.",
      });
    }
    readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeFd = openSync(path, constants.O_WRONLY);
    try {
      writeSync(writeFd, data);
    } finally {
      closeSync(writeFd);
    }
  } catch (error) {
    if (readFd !== undefined) closeSync(readFd);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const fd = readFd;
  let disposed = false;
  return {
    fd,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
