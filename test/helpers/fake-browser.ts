// A fake browser for `aws-op login`, started through BROWSER as a real browser would be, or by the name of a real
// one (`names`: copies called chromium, google-chrome, firefox ..., for --browser): an executable script that fetches
// the URL it is given (its last argument; flags come first), not following redirects, then fetches it once more, and
// appends what it saw, with its name and all its arguments, as one JSON line to $FAKE_BROWSER_LOG.
// FAKE_BROWSER_MODE=ignore makes it fetch nothing (a browser that never comes up).
// The log holds the sign-in URL the redirect pointed at: keep it outside the scanned sandbox HOME and TMPDIR.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "./temp-dirs.js";

export interface FetchSeen {
  status?: number;
  location?: string | null;
  /** The error code when the fetch failed (ECONNREFUSED once the one-time server stopped). */
  error?: string;
}

export interface BrowserVisit {
  /** The name it was started by ("fake-browser", or one of `names`). */
  name: string;
  argv: string[];
  first: FetchSeen;
  second: FetchSeen;
}

const script = (name: string): string => `
const { appendFileSync } = require("node:fs");
const url = process.argv.slice(2).findLast((a) => /^https?:/.test(a));
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
  const seen = { name: ${JSON.stringify(name)}, argv: process.argv.slice(2), first, second };
  appendFileSync(process.env.FAKE_BROWSER_LOG, JSON.stringify(seen) + "\\n");
})();
`;

export interface FakeBrowser {
  /** The executable (for BROWSER, or as a canary shim's target). */
  path: string;
  /** The directory of the copies named as real browsers (for PATH), and each copy's path by name. */
  binDir: string;
  named: Record<string, string>;
  log: string;
  /** Visits so far; waits (bounded) for `count` of them. */
  visits(count?: number, timeoutMs?: number): Promise<BrowserVisit[]>;
}

export function createFakeBrowser(options: { names?: string[] } = {}): FakeBrowser {
  const dir = makeTempDir("aws-op-fake-browser-");
  const binDir = join(dir, "bin");
  mkdirSync(binDir, { mode: 0o700 });
  const write = (path: string, name: string): string => {
    writeFileSync(path, `#!${process.execPath}\n${script(name)}`);
    chmodSync(path, 0o755);
    return path;
  };
  const path = write(join(dir, "fake-browser"), "fake-browser");
  const named = Object.fromEntries((options.names ?? []).map((name) => [name, write(join(binDir, name), name)]));
  const log = join(dir, "visits.jsonl");
  const read = (): BrowserVisit[] =>
    existsSync(log)
      ? readFileSync(log, "utf8")
          .split("\n")
          .filter((line) => line.trim() !== "")
          .map((line) => JSON.parse(line) as BrowserVisit)
      : [];
  return {
    path,
    binDir,
    named,
    log,
    visits: async (count = 0, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (read().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      return read();
    },
  };
}
