// Crash injection for end-to-end tests, loaded into the built CLI with NODE_OPTIONS="--import <this file>"; no
// product code knows about it. Every step that changes the world is an event: starting `op`, op having answered,
// and each atomic file commit (renameSync) before and after it happens. Each event is appended to
// AWS_OP_TEST_CRASH_LOG; when the event counter reaches AWS_OP_TEST_CRASH_AT the process kills itself with
// SIGKILL on the spot (no cleanup, no finally blocks), as a power cut or `kill -9` would.
import childProcess from "node:child_process";
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const crashAt = Number(process.env.AWS_OP_TEST_CRASH_AT ?? "0");
const log = process.env.AWS_OP_TEST_CRASH_LOG;
let count = 0;

function event(name) {
  count += 1;
  if (log) fs.appendFileSync(log, `${count} ${name}\n`);
  if (count === crashAt) process.kill(process.pid, "SIGKILL");
}

// Only aws-op itself: NODE_OPTIONS reaches every Node child too (the fake op is one).
const isAwsOp = /(^|\/)dist\/cli\.js$/.test(process.argv[1] ?? "");

if (isAwsOp && (log || crashAt > 0)) {
  const spawn = childProcess.spawn;
  childProcess.spawn = function crashableSpawn(command, args, options) {
    const isOp = typeof command === "string" && /(^|\/)op(\.exe)?$/.test(command);
    const label = isOp ? `op ${(args ?? []).slice(0, 2).join(" ")}` : undefined;
    if (label) event(`before ${label}`);
    const child = spawn.call(this, command, args, options);
    // Registered before the caller's own listeners: the crash happens before aws-op sees op's answer.
    if (label) child.on("close", () => event(`after ${label}`));
    return child;
  };
  const renameSync = fs.renameSync;
  fs.renameSync = function crashableRename(from, to) {
    event(`before rename ${String(to).split("/").slice(-2).join("/")}`);
    const result = renameSync.call(this, from, to);
    event(`after rename ${String(to).split("/").slice(-2).join("/")}`);
    return result;
  };
  syncBuiltinESMExports();
}
