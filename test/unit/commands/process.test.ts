// `aws-op process`: run(), and the hit index it writes for the cached path (src/cli-cached.ts serves a session
// through indexedSession alone, without resolving the profile: cache/hit-index.ts).
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  HIT_INDEX_BUILD,
  HIT_INDEX_DIRECTORY,
  RACY_MARGIN_MS,
  indexedSession,
  recordResolution,
} from "../../../src/cache/hit-index.js";
import { entryToCredentials } from "../../../src/cache/session-cache.js";
import { formatCredentialProcessOutput } from "../../../src/aws/credential-output.js";
import { run as clear } from "../../../src/commands/clear.js";
import { run } from "../../../src/commands/process.js";
import type { Context } from "../../../src/context.js";
import { awsItem, fakeWorld, type FakeWorld } from "./fake-context.js";

const CONFIG = "[profile work]\nregion = eu-central-1\nop_vault = Work\nop_item = AWS work\n";
const NO_SESSION =
  "[profile work]\nregion = eu-central-1\nop_vault = Work\nop_item = AWS work\nop_session_duration = off\n";
const ROLE = `${CONFIG}[profile admin]\nregion = eu-central-1\nop_source_profile = work\nop_role_arn = arn:aws:iam::123456789012:role/admin\n`;
const ARGV = ["process", "--profile", "work"];

const configPath = (world: FakeWorld) => world.ctx.env.AWS_CONFIG_FILE!;
const cacheRoot = (world: FakeWorld) => world.ctx.env.AWS_OP_CACHE_DIR!;

/**
 * Move the clock that file stamps are judged by (Date, which the hit index reads) a minute on: the AWS files, written
 * just now, are then a minute old, as a user's are. A file changed within RACY_MARGIN_MS of a run is not indexed,
 * and its change time (ctime) cannot be set back.
 */
function aMinuteLater(): void {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 60_000 });
}

afterEach(() => {
  vi.useRealTimers();
});

function world(config = CONFIG): FakeWorld {
  const w = fakeWorld(config, awsItem("AKIALONGTERM00000001", "long-term-secret"));
  aMinuteLater();
  return w;
}

/** What dist/cli.js would print for this context, or undefined where it hands over to the full CLI. */
function served(
  ctx: Context,
  argv: readonly string[] = ARGV,
  overrides: { env?: NodeJS.ProcessEnv; home?: string; userName?: string } = {},
): string | undefined {
  const entry = indexedSession({
    argv,
    env: overrides.env ?? ctx.env,
    home: overrides.home ?? ctx.home,
    platform: ctx.platform,
    now: ctx.now(),
    userName: () => overrides.userName ?? ctx.userName,
  });
  return entry ? formatCredentialProcessOutput(entryToCredentials(entry)) : undefined;
}

const indexFiles = (w: FakeWorld): string[] => {
  const dir = join(cacheRoot(w), HIT_INDEX_DIRECTORY);
  return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
};

describe("process: the hit index", () => {
  it("before any run: nothing to serve, no op run, no STS call", () => {
    const w = world();
    expect(served(w.ctx)).toBeUndefined();
    expect(w.opCalls).toEqual([]);
    expect(w.events).toEqual([]);
  });

  it("a run with the credential_process argv indexes the session; the cached path serves the same document", async () => {
    const w = world();
    const fetched = await run({ profile: "work" }, w.ctx, ARGV);
    const opCalls = w.opCalls.length;
    const events = w.events.length;
    expect(served(w.ctx)).toBe(fetched);
    expect(await run({ profile: "work" }, w.ctx, ARGV)).toBe(fetched);
    expect(w.opCalls).toHaveLength(opCalls);
    expect(w.events).toHaveLength(events);
    expect(JSON.parse(fetched)).toMatchObject({ AccessKeyId: "ASIASESSION000000001", AccountId: "123456789012" });
    const [entryFile] = indexFiles(w);
    expect(statSync(entryFile!).mode & 0o777).toBe(0o600);
    expect(statSync(join(cacheRoot(w), HIT_INDEX_DIRECTORY)).mode & 0o777).toBe(0o700);
  });

  it("a run without the argv (commander's path, other commands) writes no entry", async () => {
    const w = world();
    await run({ profile: "work" }, w.ctx);
    expect(indexFiles(w)).toEqual([]);
    expect(served(w.ctx)).toBeUndefined();
  });

  it("an entry serves only the inputs it was made from", async () => {
    const w = world();
    await run({ profile: "work" }, w.ctx, ARGV);
    expect(served(w.ctx)).toBeDefined();
    // Another argv (even one meaning the same profile) has no entry of its own yet.
    expect(served(w.ctx, ["process", "--profile=work"])).toBeUndefined();
    // A variable the resolution read, set now.
    expect(served(w.ctx, ARGV, { env: { ...w.ctx.env, AWS_REGION: "us-west-2" } })).toBeUndefined();
    // One that is also checked though it does not name the entry (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).
    expect(served(w.ctx, ARGV, { env: { ...w.ctx.env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" } })).toBeUndefined();
    expect(served(w.ctx, ARGV, { home: "/elsewhere" })).toBeUndefined();
    // A variable no resolution reads changes nothing.
    expect(served(w.ctx, ARGV, { env: { ...w.ctx.env, TERM_PROGRAM: "vscode" } })).toBeDefined();
  });

  it("two shells that differ in AWS_REGION keep an entry each instead of replacing each other's", async () => {
    const w = world();
    const without = { ...w.ctx.env };
    await run({ profile: "work" }, w.ctx, ARGV);
    w.ctx.env.AWS_REGION = "us-west-2";
    await run({ profile: "work" }, w.ctx, ARGV);
    expect(indexFiles(w)).toHaveLength(2);
    expect(served(w.ctx)).toBeDefined();
    expect(served(w.ctx, ARGV, { env: without })).toBeDefined();
  });

  it("a config file edited in place, same size and mtime set back, is seen (ctime), and so is a new credentials file", async () => {
    const w = world();
    await run({ profile: "work" }, w.ctx, ARGV);
    const path = configPath(w);
    const before = statSync(path);
    writeFileSync(path, CONFIG.replace("AWS work", "AWS wark"));
    utimesSync(path, before.atime, before.mtime);
    expect(statSync(path).size).toBe(before.size);
    expect(served(w.ctx)).toBeUndefined();

    const again = world();
    await run({ profile: "work" }, again.ctx, ARGV);
    expect(served(again.ctx)).toBeDefined();
    writeFileSync(again.ctx.env.AWS_SHARED_CREDENTIALS_FILE!, "[other]\nregion = us-east-1\n");
    expect(served(again.ctx)).toBeUndefined();
  });

  it("a config changed just before the run is not indexed (its stamp might not change with the next edit)", async () => {
    const w = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "long-term-secret"));
    const fetched = await run({ profile: "work" }, w.ctx, ARGV);
    expect(indexFiles(w)).toEqual([]);
    aMinuteLater();
    expect(await run({ profile: "work" }, w.ctx, ARGV)).toBe(fetched);
    expect(served(w.ctx)).toBe(fetched);
  });

  it("a config with an old mtime but a recent ctime (cp -p, touch -d, a restored backup) is not indexed", async () => {
    const w = fakeWorld(CONFIG, awsItem("AKIALONGTERM00000001", "long-term-secret"));
    const path = configPath(w);
    const aDayAgo = new Date(Date.now() - 86_400_000);
    utimesSync(path, aDayAgo, aDayAgo);
    const stat = statSync(path);
    expect(Date.now() - stat.mtimeMs).toBeGreaterThan(86_000_000);
    expect(Date.now() - stat.ctimeMs).toBeLessThan(RACY_MARGIN_MS);
    const fetched = await run({ profile: "work" }, w.ctx, ARGV);
    expect(indexFiles(w)).toEqual([]);
    expect(served(w.ctx)).toBeUndefined();
    aMinuteLater();
    expect(await run({ profile: "work" }, w.ctx, ARGV)).toBe(fetched);
    expect(served(w.ctx)).toBe(fetched);
  });

  it("a session that is no longer fresh is not served (the full CLI fetches a new one)", async () => {
    const w = world();
    await run({ profile: "work" }, w.ctx, ARGV);
    // The fake STS gives one-hour sessions; 41 minutes on, fewer than 20 are left.
    await w.ctx.sleep(41 * 60_000);
    expect(served(w.ctx)).toBeUndefined();
  });

  it("a profile that is never cached (op_session_duration = off) gets no entry", async () => {
    const w = world(NO_SESSION);
    await run({ profile: "work" }, w.ctx, ARGV);
    expect(indexFiles(w)).toEqual([]);
    expect(served(w.ctx)).toBeUndefined();
  });

  it("a role profile records the user name (its session name) and is served only to the same user", async () => {
    const w = world(ROLE);
    const argv = ["process", "--profile", "admin"];
    const fetched = await run({ profile: "admin" }, w.ctx, argv);
    expect(served(w.ctx, argv)).toBe(fetched);
    expect(served(w.ctx, argv, { userName: "bob" })).toBeUndefined();
  });

  it("keeps a secret variable only as a digest, and sees when it changes", async () => {
    const w = world();
    const token = "ops_eyJzaWduSW5BZGRyZXNzIjoibXkuMXBhc3N3b3JkLmNvbSJ9SECRET";
    w.ctx.env.OP_SERVICE_ACCOUNT_TOKEN = token;
    await run({ profile: "work" }, w.ctx, ARGV);
    const [entryFile] = indexFiles(w);
    const text = readFileSync(entryFile!, "utf8");
    expect(text).toContain("OP_SERVICE_ACCOUNT_TOKEN");
    expect(text).not.toContain(token);
    expect(text).not.toContain("SECRET");
    expect(served(w.ctx)).toBeDefined();
    expect(served(w.ctx, ARGV, { env: { ...w.ctx.env, OP_SERVICE_ACCOUNT_TOKEN: `${token}2` } })).toBeUndefined();
  });

  it("a session or entry file open to others is not served and left alone; the full CLI repairs it and says so", async () => {
    const w = world();
    const fetched = await run({ profile: "work" }, w.ctx, ARGV);
    const [entryFile] = indexFiles(w);
    chmodSync(entryFile!, 0o644);
    expect(served(w.ctx)).toBeUndefined();
    expect(statSync(entryFile!).mode & 0o777).toBe(0o644);
    chmodSync(entryFile!, 0o600);

    const sessions = join(cacheRoot(w), "sessions");
    const [session] = readdirSync(sessions);
    chmodSync(join(sessions, session!), 0o644);
    expect(served(w.ctx)).toBeUndefined();
    expect(statSync(join(sessions, session!)).mode & 0o777).toBe(0o644);
    expect(await run({ profile: "work" }, w.ctx, ARGV)).toBe(fetched);
    expect(statSync(join(sessions, session!)).mode & 0o777).toBe(0o600);
    expect(w.stderr.join("")).toMatch(/could be read by other users; its permissions were reset to private/);
    expect(served(w.ctx)).toBe(fetched);
  });

  it("an entry that is not one (corrupt, or pointing at a missing session) is not served", async () => {
    const w = world();
    await run({ profile: "work" }, w.ctx, ARGV);
    const [entryFile] = indexFiles(w);
    const good = readFileSync(entryFile!, "utf8");
    writeFileSync(entryFile!, good.replace(/"key":"[0-9a-f]{40}"/, `"key":"${"0".repeat(40)}"`));
    expect(served(w.ctx)).toBeUndefined();
    writeFileSync(entryFile!, good.slice(0, 40));
    expect(served(w.ctx)).toBeUndefined();
    writeFileSync(entryFile!, good);
    expect(served(w.ctx)).toBeDefined();
  });

  it("an entry written by another build of aws-op (an upgrade may resolve the same files differently) is not served", async () => {
    const w = world();
    const fetched = await run({ profile: "work" }, w.ctx, ARGV);
    const [entryFile] = indexFiles(w);
    const good = readFileSync(entryFile!, "utf8");
    expect(JSON.parse(good)).toMatchObject({ build: HIT_INDEX_BUILD });
    writeFileSync(entryFile!, good.replace(`"build":"${HIT_INDEX_BUILD}"`, `"build":"an-older-build"`));
    expect(served(w.ctx)).toBeUndefined();
    // The full CLI resolves again and writes the entry for this build.
    expect(await run({ profile: "work" }, w.ctx, ARGV)).toBe(fetched);
    expect(readFileSync(entryFile!, "utf8")).toBe(good);
    expect(served(w.ctx)).toBe(fetched);
  });

  it("clear --all removes the index; clearing one profile leaves entries that lead nowhere (not served)", async () => {
    const w = world();
    await run({ profile: "work" }, w.ctx, ARGV);
    await clear({ profile: "work" }, w.ctx);
    expect(indexFiles(w)).toHaveLength(1);
    expect(served(w.ctx)).toBeUndefined();
    await run({ profile: "work" }, w.ctx, ARGV);
    expect(served(w.ctx)).toBeDefined();
    await clear({ all: true }, w.ctx);
    expect(indexFiles(w)).toEqual([]);
    expect(served(w.ctx)).toBeUndefined();
  });

  it("a profile that does not resolve fails as always and writes no entry", async () => {
    const w = world();
    await expect(run({ profile: "nope" }, w.ctx, ["process", "--profile", "nope"])).rejects.toThrow();
    expect(w.opCalls).toEqual([]);
    expect(indexFiles(w)).toEqual([]);
  });
});

describe("recordResolution", () => {
  it("records each variable read (unset ones too), and only while recording", () => {
    const w = world();
    const recording = recordResolution(w.ctx);
    void recording.ctx.env.AWS_CONFIG_FILE;
    void ("AWS_REGION" in recording.ctx.env);
    const inputs = recording.stop();
    void recording.ctx.env.LATER;
    expect(inputs && [...inputs.env.entries()]).toEqual([
      ["AWS_CONFIG_FILE", configPath(w)],
      ["AWS_REGION", undefined],
    ]);
    expect(inputs?.home).toBe(w.ctx.home);
    expect(inputs?.userName).toBeUndefined();
  });

  it("a resolution that lists or changes the environment cannot be indexed", () => {
    const w = world();
    const listing = recordResolution(w.ctx);
    void Object.keys(listing.ctx.env);
    expect(listing.stop()).toBeUndefined();
    const changing = recordResolution(w.ctx);
    changing.ctx.env.AWS_REGION = "eu-west-1";
    expect(changing.stop()).toBeUndefined();
  });
});
