// A fake browser for `aws-op login`, started through BROWSER as a real browser would be: an executable script that
// fetches the URL it is given (not following redirects), then fetches it once more, and appends what it saw as one
// JSON line to $FAKE_BROWSER_LOG. FAKE_BROWSER_MODE=ignore makes it fetch nothing (a browser that never comes up).
// The log holds the sign-in URL the redirect pointed at: keep it outside the scanned sandbox HOME and TMPDIR.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "./temp-dirs.js";

export interface FetchSeen {
  status?: number;
  location?: string | null;
  /** The error code when the fetch failed (ECONNREFUSED once the one-time server stopped). */
  error?: string;
}

export interface BrowserVisit {
  argv: string[];
  first: FetchSeen;
  second: FetchSeen;
}

const SCRIPT = `
const { appendFileSync } = require("node:fs");
const url = process.argv[2];
async function visit() {
  try {
    const response = await fetch(url, { redirect: "manual" });
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, location: response.headers.get("location") };
  } catch (error) {
    return { error: (error && error.cause && error.cause.code) || String(error) };
  }
}
(async () => {
  if (process.env.FAKE_BROWSER_MODE === "ignore") return;
  const first = await visit();
  const second = await visit();
  appendFileSync(process.env.FAKE_BROWSER_LOG, JSON.stringify({ argv: process.argv.slice(2), first, second }) + "\\n");
})();
`;

export interface FakeBrowser {
  /** The executable (for BROWSER, or as a canary shim's target). */
  path: string;
  log: string;
  /** Visits so far; waits (bounded) for `count` of them. */
  visits(count?: number, timeoutMs?: number): Promise<BrowserVisit[]>;
}

export function createFakeBrowser(): FakeBrowser {
  const dir = makeTempDir("aws-op-fake-browser-");
  const path = join(dir, "fake-browser");
  const log = join(dir, "visits.jsonl");
  writeFileSync(path, `#!${process.execPath}\n${SCRIPT}`);
  chmodSync(path, 0o755);
  const read = (): BrowserVisit[] =>
    existsSync(log)
      ? readFileSync(log, "utf8")
          .split("\n")
          .filter((line) => line.trim() !== "")
          .map((line) => JSON.parse(line) as BrowserVisit)
      : [];
  return {
    path,
    log,
    visits: async (count = 0, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (read().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      return read();
    },
  };
}
