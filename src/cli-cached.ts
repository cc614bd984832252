// The entry of the built CLI (dist/cli.js): the cached path of `aws-op process` and nothing else, so that the file
// Node reads, compiles and sets up before every AWS command is small (issue 14). When argv is the plain form of
// credential_process lines (process-argv.ts) and the profile's chain has a fresh cached session, it prints it and
// exits. Anything else (another command, a miss, no caching, any error) it hands over, untouched, to the full CLI
// (src/cli.ts, bundled as dist/main.js), which then runs from the start as if it had been the entry: nothing made
// here crosses over (no error, no object; the two bundles each have their own copy of the classes).
// Never run from source: scripts/build.mjs turns `require("./cli.js")` below into `require("./main.js")`.
import type { IamApi } from "./aws/iam.js";
import type { StsApi } from "./aws/sts.js";
import { exitAfterStdout, processClock, processHome, processUserName, writeStdout } from "./cli-io.js";
import { runCached } from "./commands/process.js";
import type { Context } from "./context.js";
import { fastProcessOptions } from "./process-argv.js";

/** What the cached path must never do: if it tried, the full CLI takes over (see cachedOutput). */
function notOnCachedPath(): never {
  throw new Error("not on the cached path");
}

/** The Context of the cached path: only what reading the profile and the session cache needs is real. */
function cachedPathContext(): Context {
  let userName: string | undefined;
  return {
    // Not copied: nothing here changes it, and no child process is started.
    env: process.env,
    home: processHome(),
    platform: process.platform,
    now: processClock(),
    sleep: notOnCachedPath,
    stdout: notOnCachedPath,
    stderr: (text) => void process.stderr.write(text),
    isTTY: {
      get stdin() {
        return notOnCachedPath();
      },
      get stdout() {
        return notOnCachedPath();
      },
      get stderr() {
        return notOnCachedPath();
      },
    },
    runOp: notOnCachedPath,
    sts: new Proxy({}, { get: () => notOnCachedPath }) as StsApi,
    iam: new Proxy({}, { get: () => notOnCachedPath }) as IamApi,
    runChild: notOnCachedPath,
    prompter: notOnCachedPath,
    // Role session names are part of a role's cache key.
    get userName() {
      return (userName ??= processUserName());
    },
  };
}

/** The credential_process document for a fresh cached session, else undefined (the full CLI then decides). */
function cachedOutput(argv: readonly string[]): string | undefined {
  const options = fastProcessOptions(argv);
  if (!options) return undefined;
  try {
    return runCached(options, cachedPathContext());
  } catch {
    // The full CLI runs the same resolution again and reports the error as it always does.
    return undefined;
  }
}

function wroteStdout(text: string): boolean {
  try {
    writeStdout(text);
    return true;
  } catch {
    return false;
  }
}

const output = cachedOutput(process.argv.slice(2));
if (output === undefined) {
  // Runs the full CLI on the same argv and environment (dist/main.js starts itself when loaded).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS bundle loading its sibling
  require("./cli.js");
} else if (wroteStdout(output)) {
  exitAfterStdout(0);
} else {
  // stdout refused the document (closed, say): a first write fails with nothing written, and the document is far
  // below a pipe's atomic size. The full CLI tries again and reports the error as it always does.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  require("./cli.js");
}
