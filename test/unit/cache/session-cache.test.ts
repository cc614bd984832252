import { writeFileSync, chmodSync, statSync, symlinkSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  cacheKey,
  clearSessionsFor,
  isEntryFresh,
  SessionCache,
  toCacheEntry,
  type CacheDescriptor,
  type CacheEntry,
} from "../../../src/cache/session-cache.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

const MIN = 60_000;

function entry(obtained: number, lifetimeMs: number, descriptor: CacheDescriptor = { item: "x" }): CacheEntry {
  return toCacheEntry(
    { accessKeyId: "ASIA1", secretAccessKey: "s", sessionToken: "t", expiration: new Date(obtained + lifetimeMs) },
    descriptor,
    new Date(obtained),
  );
}

describe("isEntryFresh", () => {
  const t0 = Date.parse("2026-11-25T12:00:00Z");
  it.each([
    ["1 h session, 39 min in (21 min left)", 60 * MIN, 39 * MIN, true],
    ["1 h session, 40 min in (20 min left)", 60 * MIN, 40 * MIN, false],
    ["1 h session, expired", 60 * MIN, 61 * MIN, false],
    ["15 min session, 7 min in", 15 * MIN, 7 * MIN, true],
    ["15 min session, 8 min in (under half left)", 15 * MIN, 8 * MIN, false],
    ["12 h session, 11 h 39 min in", 720 * MIN, 699 * MIN, true],
    ["clock jumped back before it was obtained", 60 * MIN, -10 * MIN, false],
  ])("%s -> %s", (_name, lifetime, elapsed, fresh) => {
    expect(isEntryFresh(entry(t0, lifetime), new Date(t0 + elapsed))).toBe(fresh);
  });
});

describe("isEntryFresh: an entry never outlives the duration it was asked for (issue 13, item 8)", () => {
  const t0 = Date.parse("2026-11-25T12:00:00Z");
  it("an entry of a 1 h session that STS said lasts until 2099 is not served", () => {
    const planted = entry(t0, Date.parse("2099-01-01T00:00:00Z") - t0, { kind: "session", item: "x", duration: 3600 });
    expect(isEntryFresh(planted, new Date(t0 + 10 * MIN))).toBe(false);
  });
  it("a role entry living longer than its duration (plus 5 min) is not served; within it, it is", () => {
    const descriptor = { kind: "role", roleArn: "arn:aws:iam::1:role/r", duration: 900 };
    expect(isEntryFresh(entry(t0, 30 * MIN, descriptor), new Date(t0 + MIN))).toBe(false);
    expect(isEntryFresh(entry(t0, 15 * MIN + 2 * MIN, descriptor), new Date(t0 + MIN))).toBe(true);
  });
});

describe("cacheKey", () => {
  it("ignores key order and undefined values, and changes with any setting", () => {
    expect(cacheKey({ a: "1", b: 2, c: undefined })).toBe(cacheKey({ b: 2, a: "1" }));
    expect(cacheKey({ item: "x", duration: 3600 })).not.toBe(cacheKey({ item: "x", duration: 7200 }));
    expect(cacheKey({ item: "x", vault: "A" })).not.toBe(cacheKey({ item: "x", vault: "B" }));
  });
});

describe("SessionCache", () => {
  function fresh(): SessionCache {
    return new SessionCache(join(makeTempDir("aws-op-cache-"), "aws-op"));
  }

  it("writes private files in private directories", () => {
    const cache = fresh();
    cache.write("k", entry(Date.now(), 60 * MIN));
    expect(statSync(cache.root).mode & 0o777).toBe(0o700);
    expect(statSync(cache.sessionsDir).mode & 0o777).toBe(0o700);
    expect(statSync(cache.pathFor("k")).mode & 0o777).toBe(0o600);
    expect(cache.read("k")?.credentials.AccessKeyId).toBe("ASIA1");
  });

  it("ignores corrupt and truncated entries", () => {
    const cache = fresh();
    cache.prepare();
    writeFileSync(cache.pathFor("bad"), "{not json", { mode: 0o600 });
    writeFileSync(cache.pathFor("short"), JSON.stringify(entry(Date.now(), MIN)).slice(0, 40), { mode: 0o600 });
    expect(cache.read("bad")).toBeUndefined();
    expect(cache.read("short")).toBeUndefined();
  });

  it("repairs an entry that others could read", () => {
    const cache = fresh();
    cache.write("k", entry(Date.now(), 60 * MIN));
    chmodSync(cache.pathFor("k"), 0o644);
    chmodSync(cache.root, 0o755);
    expect(cache.read("k")).toBeDefined();
    expect(statSync(cache.pathFor("k")).mode & 0o777).toBe(0o600);
    cache.prepare();
    expect(statSync(cache.root).mode & 0o777).toBe(0o700);
  });

  it("refuses an entry that is a symbolic link", () => {
    const cache = fresh();
    cache.prepare();
    const elsewhere = join(cache.root, "..", "planted.json");
    writeFileSync(elsewhere, JSON.stringify(entry(Date.now(), 60 * MIN)), { mode: 0o600 });
    symlinkSync(elsewhere, cache.pathFor("k"));
    expect(cache.read("k")).toBeUndefined();
  });

  it("refuses a cache directory that is a symbolic link", () => {
    const base = makeTempDir("aws-op-cache-");
    mkdirSync(join(base, "real"));
    symlinkSync(join(base, "real"), join(base, "aws-op"));
    expect(() => new SessionCache(join(base, "aws-op")).prepare()).toThrow(/symbolic link/);
  });

  it("never caches credentials without a session token", () => {
    expect(() => toCacheEntry({ accessKeyId: "AKIA", secretAccessKey: "s" }, {}, new Date())).toThrow(/refusing/);
  });
});

describe("clearSessionsFor", () => {
  it("deletes entries made from an item directly, as a role source, or down a chain of roles, and by profile", () => {
    const cache = new SessionCache(join(makeTempDir("aws-op-cache-"), "aws-op"));
    const creds = {
      accessKeyId: "ASIA1",
      secretAccessKey: "s",
      sessionToken: "t",
      expiration: new Date(Date.now() + 3600_000),
    };
    const item = { item: "AWS work", vault: "Work" };
    const session = { kind: "session", ...item, duration: 3600 };
    const role = { kind: "role", source: session, roleArn: "arn:r1" };
    const chained = { kind: "role", source: role, roleArn: "arn:r2" };
    const other = { kind: "session", item: "AWS other", vault: "Work", duration: 3600 };
    for (const d of [session, role, chained, other]) cache.write(cacheKey(d), toCacheEntry(creds, d, new Date()));
    cache.write("byname", toCacheEntry(creds, { kind: "session", item: "x" }, new Date(), { profile: "named" }));
    expect(clearSessionsFor(cache, { item })).toBe(3);
    expect(clearSessionsFor(cache, { profile: "named" })).toBe(1);
    expect(cache.list().map((e) => e.entry.descriptor.item)).toEqual(["AWS other"]);
  });
});
