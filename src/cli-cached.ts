// The entry of the built CLI (dist/cli.js): the cached path of `aws-op process` and nothing else, so that the file
// Node reads, compiles and sets up before every AWS command is small (issue 14). When argv is the plain form of
// credential_process lines (process-argv.ts) and the hit index (cache/hit-index.ts) leads to a fresh session for
// exactly these inputs, it prints it and exits: no AWS file is parsed, no profile resolved. Anything else (another
// command, no entry, changed inputs, a miss, any error) it hands over, untouched, to the full CLI (src/cli.ts,
// bundled as dist/main.js), which then runs from the start as if it had been the entry (and writes the entry):
// nothing made here crosses over (no error, no object; the two bundles each have their own copy of the classes).
// Never run from source: scripts/build.mjs turns `require("./cli.js")` below into `require("./main.js")`.
import { formatCredentialProcessOutput } from "./aws/credential-output.js";
import { enableCompileCacheBeforeMain } from "./cache/compile-cache.js";
import { indexedSession } from "./cache/hit-index.js";
import { cacheLocation } from "./cache/paths.js";
import { credentialsOfEntry } from "./cache/session-cache.js";
import { exitAfterStdout, processClock, processHome, processUserName, writeStdout } from "./cli-io.js";
import { fastProcessOptions } from "./process-argv.js";

/** The credential_process document for a fresh session the hit index finds, else undefined (the full CLI decides). */
function cachedOutput(argv: readonly string[]): string | undefined {
  if (!fastProcessOptions(argv)) return undefined;
  try {
    const entry = indexedSession({
      argv,
      env: process.env,
      home: processHome(),
      platform: process.platform,
      now: processClock()(),
      userName: processUserName,
    });
    // The document the full CLI prints for the same entry (a hit there: CachingProvider.cached).
    return entry ? formatCredentialProcessOutput(credentialsOfEntry(entry)) : undefined;
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

/**
 * A `process` line the hit index could not serve: a session is most likely fetched, so the full CLI compiles
 * through Node's compile cache (compile-cache.ts), which the fetch would turn on anyway a few ms later.
 */
function beforeFetchingMain(argv: readonly string[]): void {
  if (!fastProcessOptions(argv)) return;
  try {
    enableCompileCacheBeforeMain(cacheLocation(process.env, processHome(), process.platform).path);
  } catch {
    // No usable cache root (AWS_OP_CACHE_DIR relative, say): the full CLI says so.
  }
}

const output = cachedOutput(process.argv.slice(2));
if (output === undefined) {
  beforeFetchingMain(process.argv.slice(2));
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
