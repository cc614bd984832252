// A cache that cannot be turned against the user: the built `process` against a loopback STS, with the cache
// corrupted, aged, planted, opened up, made unwritable, locked by a dead process, and hammered by 50 callers.
import { spawn } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStore, makeVault, scriptRecipeItem } from "../../fake-op/fixture.js";
import { canarySecretKey, createCanaryHarness, type CanaryHarness } from "../../helpers/canary.js";
import { cliPath, createSandbox, type RunResult, type Sandbox } from "../../helpers/sandbox.js";
import { sessionKeyFor, startFakeSts, type FakeSts } from "./fake-sts.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

const PROFILES = ["alpha", "beta", "gamma"] as const;
const KEYS = Object.fromEntries(
  PROFILES.map((p, i) => [
    p,
    { accessKeyId: `AKIACACHE${String(i).padStart(11, "0")}`, secretAccessKey: canarySecretKey() },
  ]),
) as Record<(typeof PROFILES)[number], { accessKeyId: string; secretAccessKey: string }>;

interface CacheEntryFile {
  obtainedAt: string;
  credentials: { AccessKeyId: string; Expiration: string };
}

describe("cache attacks through process", () => {
  let sts: FakeSts;
  let canaries: CanaryHarness;
  const sandboxes: Sandbox[] = [];

  beforeAll(async () => {
    sts = await startFakeSts();
    canaries = createCanaryHarness();
    for (const key of Object.values(KEYS)) canaries.longTermSecrets.add(key.secretAccessKey);
  });

  afterAll(async () => {
    await sts?.stop();
  });

  /** A fresh HOME with the three profiles; every run recorded for the canary scan. */
  function fresh(env: Record<string, string> = {}): Sandbox {
    const sandbox = createSandbox(
      canaries.sandboxOptions({
        endpoint: sts.url,
        env,
        store: makeStore({
          vaults: [
            makeVault(
              "Work",
              PROFILES.map((p) => scriptRecipeItem({ title: `AWS ${p}`, ...KEYS[p] })),
            ),
          ],
        }),
      }),
    );
    sandbox.writeConfig(PROFILES.map((p) => `[profile ${p}]\nop_vault = Work\nop_item = AWS ${p}\n`).join(""));
    sandboxes.push(sandbox);
    return sandbox;
  }

  const sessionsDir = (sandbox: Sandbox) => join(sandbox.cacheDir, "aws-op", "sessions");
  const onlyEntry = (sandbox: Sandbox) => {
    const names = sandbox.cacheFiles().filter((n) => n.endsWith(".json") && !n.startsWith("."));
    expect(names).toHaveLength(1);
    return join(sessionsDir(sandbox), names[0] ?? "");
  };
  const served = (result: RunResult) => {
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout) as { AccessKeyId: string; SessionToken: string; Expiration: string };
  };

  /** Run once to create the entry, change it, run again: did the second run ask 1Password again? */
  async function tamperAndRerun(tamper: (path: string, entry: CacheEntryFile) => void) {
    const sandbox = fresh();
    const first = served(await sandbox.run(["process", "--profile", "alpha"]));
    const path = onlyEntry(sandbox);
    tamper(path, JSON.parse(readFileSync(path, "utf8")) as CacheEntryFile);
    const second = await sandbox.run(["process", "--profile", "alpha"]);
    return { sandbox, first, second, path, opCalls: sandbox.opCalls().length };
  }

  it("a corrupt cache file is ignored and replaced", async () => {
    const { second, path, opCalls, first } = await tamperAndRerun((p) =>
      writeFileSync(p, "{ not json", { mode: 0o600 }),
    );
    expect(served(second).SessionToken).not.toBe(first.SessionToken);
    expect(opCalls).toBe(2);
    expect(JSON.parse(readFileSync(path, "utf8"))).toHaveProperty(
      "credentials.SessionToken",
      served(second).SessionToken,
    );
  });

  it("a truncated cache file is ignored and replaced", async () => {
    const { second, path, opCalls } = await tamperAndRerun((p) => {
      const text = readFileSync(p, "utf8");
      writeFileSync(p, text.slice(0, text.length >> 1), { mode: 0o600 });
    });
    served(second);
    expect(opCalls).toBe(2);
    expect(() => JSON.parse(readFileSync(path, "utf8")) as unknown).not.toThrow();
  });

  it("a session inside the 20-minute refresh margin is never served", async () => {
    const { second, opCalls } = await tamperAndRerun((p, entry) => {
      entry.obtainedAt = new Date(Date.now() - 50 * 60_000).toISOString();
      entry.credentials.Expiration = new Date(Date.now() + 10 * 60_000).toISOString();
      writeFileSync(p, JSON.stringify(entry), { mode: 0o600 });
    });
    expect(Date.parse(served(second).Expiration) - Date.now()).toBeGreaterThan(20 * 60_000);
    expect(opCalls).toBe(2);
  });

  it("an expired session is never served", async () => {
    const { second, opCalls } = await tamperAndRerun((p, entry) => {
      entry.obtainedAt = new Date(Date.now() - 2 * 3600_000).toISOString();
      entry.credentials.Expiration = new Date(Date.now() - 3600_000).toISOString();
      writeFileSync(p, JSON.stringify(entry), { mode: 0o600 });
    });
    served(second);
    expect(opCalls).toBe(2);
  });

  it("after the clock jumps back (an entry obtained 'in the future'), the entry is not trusted", async () => {
    const { second, opCalls } = await tamperAndRerun((p, entry) => {
      entry.obtainedAt = new Date(Date.now() + 2 * 3600_000).toISOString();
      entry.credentials.Expiration = new Date(Date.now() + 3 * 3600_000).toISOString();
      writeFileSync(p, JSON.stringify(entry), { mode: 0o600 });
    });
    served(second);
    expect(opCalls).toBe(2);
  });

  it("a cache file owned by another user is not served, and is replaced", async () => {
    const { second, path, opCalls } = await tamperAndRerun((p) => chownSync(p, 65534, 65534));
    served(second);
    expect(opCalls).toBe(2);
    expect(statSync(path).uid).toBe(process.getuid?.());
  });

  it("a cache file that is a symlink to a planted entry is not served", async () => {
    const { second, opCalls, first } = await tamperAndRerun((p) => {
      const planted = join(makeTempDir("aws-op-planted-"), "entry.json");
      writeFileSync(planted, readFileSync(p), { mode: 0o600 });
      rmSync(p);
      symlinkSync(planted, p);
    });
    expect(served(second).SessionToken).not.toBe(first.SessionToken);
    expect(opCalls).toBe(2);
  });

  it("a cache file and directory readable by others are made private again, with a message", async () => {
    const sandbox = fresh();
    served(await sandbox.run(["process", "--profile", "alpha"]));
    const path = onlyEntry(sandbox);
    chmodSync(path, 0o644);
    chmodSync(sessionsDir(sandbox), 0o755);
    const again = await sandbox.run(["process", "--profile", "alpha"]);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/could be read by other users; its permissions were reset to private/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // The sessions directory is checked when the cache is next written; a run that needs the lock repairs it.
    const beta = await sandbox.run(["process", "--profile", "beta"]);
    expect(beta.status).toBe(0);
    expect(beta.stderr).toMatch(/sessions could be read by other users; its permissions were reset to private/);
    expect(statSync(sessionsDir(sandbox)).mode & 0o777).toBe(0o700);
  });

  it("a cache directory that is a symlink is refused with a message naming the fix", async () => {
    const sandbox = fresh();
    const elsewhere = makeTempDir("aws-op-elsewhere-");
    mkdirSync(sandbox.cacheDir, { recursive: true });
    symlinkSync(elsewhere, join(sandbox.cacheDir, "aws-op"));
    const result = await sandbox.run(["process", "--profile", "alpha"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/cache directory .* is a symbolic link or not a directory; refusing to use it/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it("a cache directory owned by another user is refused with a message naming the fix", async () => {
    const sandbox = fresh();
    const root = join(sandbox.cacheDir, "aws-op");
    mkdirSync(root, { recursive: true, mode: 0o700 });
    chownSync(root, 65534, 65534);
    const result = await sandbox.run(["process", "--profile", "alpha"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/belongs to another user; refusing to use it/);
    expect(result.stderr).toMatch(/AWS_OP_CACHE_DIR/);
  });

  describe("AWS_OP_CACHE_DIR on a directory aws-op did not make (issue 13, item 6)", () => {
    it("an existing shared directory (mode 1777) is refused naming the fix, and its mode (sticky bit) is left alone", async () => {
      // A stand-in for the system's shared temporary directory: never the real /tmp.
      const shared = makeTempDir("aws-op-shared-");
      chmodSync(shared, 0o1777);
      const sandbox = fresh({ AWS_OP_CACHE_DIR: shared });
      const result = await sandbox.run(["process", "--profile", "alpha"]);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/can be used by other users \(mode 1777\)/);
      expect(result.stderr).toMatch(/Point AWS_OP_CACHE_DIR at a new path/);
      expect(statSync(shared).mode & 0o7777).toBe(0o1777);
      expect(readdirSync(shared)).toEqual([]);
      expect(sandbox.opCalls()).toHaveLength(0);
    });

    it("an existing directory of mine open to others (0755) is refused naming chmod 700, not changed", async () => {
      const mine = makeTempDir("aws-op-mine-");
      chmodSync(mine, 0o755);
      const sandbox = fresh({ AWS_OP_CACHE_DIR: mine });
      const result = await sandbox.run(["process", "--profile", "alpha"]);
      expect(result.stderr).toMatch(/can be used by other users \(mode 0755\)/);
      expect(result.stderr).toMatch(/chmod 700/);
      expect(result.status).toBe(1);
      expect(statSync(mine).mode & 0o7777).toBe(0o755);
      // Nothing made in it either (dist/cli.js's compile cache on a miss waits for a root that is private already).
      expect(readdirSync(mine)).toEqual([]);
    });

    it("a private directory of mine, or a path that does not exist yet, is used (the new one created 0700)", async () => {
      const mine = makeTempDir("aws-op-mine-");
      chmodSync(mine, 0o700);
      const created = join(makeTempDir("aws-op-new-"), "a", "cache");
      canaries.cacheRoots.push(mine, created);
      for (const root of [mine, created]) {
        const sandbox = fresh({ AWS_OP_CACHE_DIR: root });
        served(await sandbox.run(["process", "--profile", "alpha"]));
        expect(statSync(root).mode & 0o7777).toBe(0o700);
        expect(readdirSync(join(root, "sessions")).filter((n) => n.endsWith(".json"))).toHaveLength(1);
      }
    });
  });

  it("a cache directory that cannot be created (ENOTDIR) still serves fresh credentials and warns", async () => {
    const blocker = join(makeTempDir("aws-op-blocker-"), "file");
    writeFileSync(blocker, "");
    const sandbox = fresh({ AWS_OP_CACHE_DIR: join(blocker, "cache") });
    for (let i = 0; i < 2; i++) {
      const result = await sandbox.run(["process", "--profile", "alpha"]);
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toHaveProperty("AccessKeyId", sessionKeyFor(KEYS.alpha.accessKeyId));
      expect(result.stderr).toMatch(/cannot lock the session cache \(ENOTDIR\); continuing without it/);
      expect(result.stderr).toMatch(/could not write the session cache/);
    }
    expect(sandbox.opCalls()).toHaveLength(2);
  });

  // Root ignores permission bits, so a read-only or full disk is made real with a small tmpfs.
  const mountable = (() => {
    if (process.platform !== "linux") return false;
    const dir = makeTempDir("aws-op-mnt-probe-");
    const ok = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]).status === 0;
    if (ok) spawnSync("umount", [dir]);
    if (!ok) console.warn("Skipping read-only/full disk tests: cannot mount a tmpfs here.");
    return ok;
  })();

  describe.skipIf(!mountable)("on a real read-only or full file system", () => {
    const mounts: string[] = [];
    afterAll(() => {
      for (const dir of mounts) spawnSync("umount", ["-l", dir]);
    });
    const mountTmpfs = (options: string) => {
      const dir = makeTempDir("aws-op-mnt-");
      expect(spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir]).status).toBe(0);
      mounts.push(dir);
      return dir;
    };

    it("a read-only cache file system (EROFS) still serves fresh credentials and warns", async () => {
      const dir = mountTmpfs("size=256k,mode=0700");
      mkdirSync(join(dir, "aws-op", "sessions"), { recursive: true, mode: 0o700 });
      expect(spawnSync("mount", ["-o", "remount,ro", dir]).status).toBe(0);
      const sandbox = fresh({ AWS_OP_CACHE_DIR: join(dir, "aws-op") });
      const result = await sandbox.run(["process", "--profile", "alpha"]);
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toHaveProperty("AccessKeyId", sessionKeyFor(KEYS.alpha.accessKeyId));
      expect(result.stderr).toMatch(/\(EROFS\)/);
    });

    it("a full cache file system (ENOSPC) still serves fresh credentials, warns, and leaves no partial file", async () => {
      const dir = mountTmpfs("size=64k,mode=0700");
      // Fill it up, leaving room for directories but not for a session file.
      spawnSync("dd", ["if=/dev/zero", `of=${join(dir, "filler")}`, "bs=4k", "count=100"], { stdio: "ignore" });
      const sandbox = fresh({ AWS_OP_CACHE_DIR: join(dir, "aws-op") });
      const result = await sandbox.run(["process", "--profile", "alpha"]);
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toHaveProperty("AccessKeyId", sessionKeyFor(KEYS.alpha.accessKeyId));
      expect(result.stderr).toMatch(/\(ENOSPC\)/);
      const sessions = join(dir, "aws-op", "sessions");
      const left = existsSync(sessions) ? readdirSync(sessions).filter((n) => !n.endsWith(".lock")) : [];
      expect(left).toEqual([]);
    });
  });

  describe("Node's compile cache (kept in the cache directory for cold runs, issue 14)", () => {
    const compileCache = (sandbox: Sandbox) => join(sandbox.cacheDir, "aws-op", "compile-cache");
    /** Every file under dir with its size and mtime: what a run wrote there. */
    const snapshot = (dir: string) =>
      (readdirSync(dir, { recursive: true }) as string[])
        .sort()
        .map((name) => `${name} ${statSync(join(dir, name)).size} ${statSync(join(dir, name)).mtimeMs}`);

    it("a cold run keeps it in a private directory; a cached run writes nothing there", async () => {
      const sandbox = fresh();
      // The cached path (dist/cli.js alone) needs an index entry, which a config changed in the last 3 s never gets.
      await sandbox.filesSettled();
      served(await sandbox.run(["process", "--profile", "alpha"]));
      const dir = compileCache(sandbox);
      expect(statSync(dir).mode & 0o7777).toBe(0o700);
      const versions = readdirSync(dir);
      expect(versions).toHaveLength(1);
      expect(versions[0]).toContain(process.version);
      expect(readdirSync(join(dir, versions[0] ?? "")).length).toBeGreaterThan(0);
      const before = snapshot(dir);
      served(await sandbox.run(["process", "--profile", "alpha"]));
      expect(sandbox.opCalls()).toHaveLength(1);
      expect(snapshot(dir)).toEqual(before);
      // The next cold run reads it, and serves as before.
      served(await sandbox.run(["process", "--profile", "beta"]));
      expect(sandbox.opCalls()).toHaveLength(2);
    });

    it("a miss loads the full CLI (dist/main.js) through it once the cache directory exists", async () => {
      // Before: dist/cli.js loaded dist/main.js (230 kB) before anything enabled the cache, and every cold run
      // compiled it from source (Node's own log of the compile cache names each module it reads or writes).
      const sandbox = fresh();
      const debug = { env: { NODE_DEBUG_NATIVE: "COMPILE_CACHE" } };
      // Served (stderr holds Node's log, nothing of aws-op's: every line of it is the compile cache's).
      const servedWithLog = (result: RunResult) => {
        expect(result.status).toBe(0);
        expect(result.stderr.split("\n").filter((line) => line && !line.startsWith("[compile cache] "))).toEqual([]);
        expect(JSON.parse(result.stdout)).toHaveProperty("AccessKeyId");
      };
      const mainThroughCache = /\[compile cache\] reading cache from \S+ for CommonJS \S*\/main\.js\b/;
      // The first run of all makes the cache directory (the full CLI does, checking it): dist/cli.js leaves it alone.
      const first = await sandbox.run(["process", "--profile", "alpha"], debug);
      servedWithLog(first);
      expect(first.stderr).not.toMatch(mainThroughCache);
      const second = await sandbox.run(["process", "--profile", "beta"], debug);
      servedWithLog(second);
      expect(second.stderr).toMatch(mainThroughCache);
      const third = await sandbox.run(["process", "--profile", "gamma"], debug);
      servedWithLog(third);
      // Node 24 and later say "V8 code cache for CommonJS …/main.js was accepted", Node 22 "cache for …/main.js was
      // accepted".
      expect(third.stderr).toMatch(/\] (?:V8 code )?cache for (?:CommonJS )?\S*\/main\.js was accepted\b/);
      expect(sandbox.opCalls()).toHaveLength(3);
    });

    it("a compile-cache that is a symlink is not used: credentials are served and nothing is written where it points", async () => {
      const sandbox = fresh();
      const elsewhere = makeTempDir("aws-op-elsewhere-");
      mkdirSync(join(sandbox.cacheDir, "aws-op"), { recursive: true, mode: 0o700 });
      symlinkSync(elsewhere, compileCache(sandbox));
      served(await sandbox.run(["process", "--profile", "alpha"]));
      expect(readdirSync(elsewhere)).toEqual([]);
    });

    it("NODE_DISABLE_COMPILE_CACHE=1 turns it off", async () => {
      const sandbox = fresh({ NODE_DISABLE_COMPILE_CACHE: "1" });
      served(await sandbox.run(["process", "--profile", "alpha"]));
      const dir = compileCache(sandbox);
      expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    });
  });

  it("a lock left by a killed aws-op is taken over within seconds", async () => {
    const sandbox = fresh();
    // The first caller holds the lock while op "waits for approval"; then it is killed with SIGKILL.
    const child = spawn(process.execPath, [cliPath, "process", "--profile", "alpha"], {
      env: sandbox.env({ FAKE_OP_LATENCY_MS: "30000" }),
      stdio: "ignore",
    });
    const deadline = Date.now() + 15_000;
    const lockDir = () => sandbox.cacheFiles().find((n) => n.endsWith(".lock"));
    while (!lockDir() || sandbox.opCalls().length === 0) {
      if (Date.now() > deadline) throw new Error("the first caller never took the lock");
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    try {
      // op ran in aws-op's process group (not detached): end it by its pid, as aws-op would have.
      const opPid = readOpPid(sandbox);
      if (opPid > 0) process.kill(opPid, "SIGKILL");
    } catch {
      // op is gone already
    }
    const started = Date.now();
    const result = await sandbox.run(["process", "--profile", "alpha"]);
    served(result);
    // STALE_LOCK_MS is 5 s; allow for a loaded machine, but far from the op timeout (50 s) or lock wait (70 s).
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(sandbox.opCalls()).toHaveLength(2);
  }, 60_000);

  it("a lock directory with an old mtime (from a crash long ago) does not delay anyone", async () => {
    const sandbox = fresh();
    served(await sandbox.run(["process", "--profile", "alpha"]));
    const path = onlyEntry(sandbox);
    rmSync(path);
    mkdirSync(`${path}.lock`);
    const old = new Date(Date.now() - 3600_000);
    utimesSync(`${path}.lock`, old, old);
    served(await sandbox.run(["process", "--profile", "alpha"]));
    expect(sandbox.opCalls()).toHaveLength(2);
  });

  it("stress: 50 concurrent callers over 3 profiles with clear --all in between: right credentials, one op call per profile", async () => {
    const sandbox = fresh();
    const wave = async () => {
      const profiles = Array.from({ length: 50 }, (_, i) => PROFILES[i % 3] ?? "alpha");
      const results = await Promise.all(
        profiles.map((p) => sandbox.run(["process", "--profile", p], { timeoutMs: 120_000 })),
      );
      results.forEach((result, i) => {
        const profile = profiles[i] ?? "alpha";
        expect(served(result).AccessKeyId).toBe(sessionKeyFor(KEYS[profile].accessKeyId));
      });
      return results;
    };
    const opCallsPerProfile = (from: number) => {
      const counts: Record<string, number> = {};
      for (const argv of sandbox.opCalls().slice(from)) {
        const item = argv[argv.indexOf("get") + 1] ?? "";
        counts[item] = (counts[item] ?? 0) + 1;
      }
      return counts;
    };
    const expectOnePerProfile = (from: number) =>
      expect(opCallsPerProfile(from)).toEqual({ "AWS alpha": 1, "AWS beta": 1, "AWS gamma": 1 });

    // Wave 1, cold: exactly one op call per profile.
    await wave();
    expectOnePerProfile(0);

    // Wave 2, warm, with `clear --all` racing it: every caller still gets its own profile's credentials; a profile
    // is fetched again only if the clear removed its entry before some caller read it, and then only once.
    let mark = sandbox.opCalls().length;
    const [, clear] = await Promise.all([wave(), sandbox.run(["clear", "--all"])]);
    expect(clear?.status).toBe(0);
    for (const count of Object.values(opCallsPerProfile(mark))) expect(count).toBeLessThanOrEqual(1);

    // Wave 3, after a completed clear: exactly one op call per profile again.
    expect((await sandbox.run(["clear", "--all"])).status).toBe(0);
    mark = sandbox.opCalls().length;
    await wave();
    expectOnePerProfile(mark);
  }, 240_000);

  it("no canary leaked in any of these runs", () => {
    for (const sandbox of sandboxes) expect(canaries.scan(sandbox)).toEqual([]);
  });
});

function readOpPid(sandbox: Sandbox): number {
  const log = readFileSync(sandbox.store.logPath, "utf8").trim().split("\n");
  return (JSON.parse(log[log.length - 1] ?? "{}") as { pid?: number }).pid ?? 0;
}
