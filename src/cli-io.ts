// What both entries of the CLI take from the process: the cached path's entry (src/cli-cached.ts, dist/cli.js) and
// the full CLI (src/cli.ts, dist/main.js). Only they use it: core modules get all of this through the Context.
import { writeSync } from "node:fs";
import { homeDirectory } from "./config/home.js";
import { errnoCode } from "./errors.js";

/** How writeStdout writes: fd 1 directly, through process.stdout once that was needed, or not at all (EPIPE). */
let stdoutMode: "fd" | "stream" | "closed" = "fd";

/**
 * Writes to stdout. Under an AWS tool stdout is a pipe, and creating process.stdout for a pipe loads Node's socket
 * and stream modules: a few ms on every AWS command. So the text goes out with synchronous writes to fd 1 (what
 * process.stdout does for pipes and files on Linux anyway); on Windows, or once a write would block, the stream
 * takes over for good, which keeps the output in order.
 */
export function writeStdout(text: string): void {
  if (stdoutMode === "closed") return;
  let data = Buffer.from(text, "utf8");
  if (stdoutMode === "fd" && process.platform !== "win32") {
    let written = 0;
    try {
      while (written < data.length) written += writeSync(1, data, written);
      return;
    } catch (error) {
      const code = errnoCode(error);
      if (code === "EPIPE") {
        // The reader is gone (`aws-op --help | head -1`): drop the rest, as process.stdout does.
        stdoutMode = "closed";
        return;
      }
      if (code !== "EAGAIN") throw error;
      data = data.subarray(written);
    }
  }
  stdoutMode = "stream";
  process.stdout.write(data);
}

/**
 * Exit once stdout is flushed: the SDK's sockets or lock timers must never keep an AWS tool waiting.
 * (writeStdout's own writes are synchronous: only the stream, if it was used, may hold some back.)
 */
export function exitAfterStdout(code: number): void {
  if (stdoutMode === "stream") process.stdout.write("", () => process.exit(code));
  else process.exit(code);
}

/** aws-op's clock. (Tests move it from outside, with a preload: test/helpers/clock-hook.mjs.) */
export function processClock(): () => Date {
  return () => new Date();
}

/** Is this process aws-op's single executable (a Node.js single executable application, scripts/build-exe.mjs)? */
export function isSingleExecutable(): boolean {
  return process.getBuiltinModule("node:sea").isSea();
}

/**
 * node:os, loaded on first use: loading it costs about a sixth of what a cache hit adds to Node.js start-up
 * (issue 14), and a hit with HOME set on Linux or macOS needs none of it.
 */
function os(): typeof import("node:os") {
  return process.getBuiltinModule("node:os");
}

/**
 * An empty or relative HOME falls back to the user database: never a home relative to the working directory.
 * os.homedir() is $HOME when that is set (libuv's uv_os_homedir), else the user database's; on Windows it is
 * USERPROFILE's.
 */
export function processHome(): string {
  const envHome = process.platform === "win32" ? undefined : process.env.HOME;
  return homeDirectory(envHome || os().homedir(), () => os().userInfo().homedir);
}

/** The local user name (a user database lookup, NSS), for role session names. */
export function processUserName(): string {
  try {
    return os().userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? "user";
  }
}
