// The cached path of `aws-op process` (issue 5): with a warm session cache it must not run op, must not load the
// AWS SDK, and must not load the code that spawns processes or parses other commands. Not timed: the benchmark
// (npm run bench) measures time; this pins what is loaded.
//
// Detector: node runs the built CLI with two preloads that append every module request to a log file: a CommonJS
// hook on Module._load (dist/cli.js is CommonJS; Node built-ins such as child_process come through it) and an ES
// module resolve hook (the SDK, commander, prompts and the lock library are ES module files under dist/vendor/).
// The cold run proves that the detector sees the SDK and child_process when they are loaded.
// dist/cli.js is the cached path's own small entry (src/cli-cached.ts); it loads the full CLI (dist/main.js) for
// anything but a hit in the hit index (cache/hit-index.ts): a warm run must never load it once the full CLI has
// indexed its inputs; a cold run, the first run of an argv, and a run after the config changed do.
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { awsConfig, useAliceWorld } from "../helpers/alice-world.js";
import { requireTools, type Moto } from "../helpers/moto.js";
import { cliPath, type RunResult, type Sandbox } from "../helpers/sandbox.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

const tools = requireTools(["moto_server"]);

/** Module requests that must not happen on the cached path. */
const FORBIDDEN_ON_WARM_PATH = [
  /@aws-sdk|aws-sdk-client/, // the AWS SDK (node_modules or dist/vendor)
  /child_process/, // the op runner and anything else that spawns
  /commander/, // argv parsing beyond the fast path
  /proper-lockfile/, // locks are for fetching, not for reading the cache
  /inquirer/,
  /\/dist\/vendor\//,
  // Loading node:crypto costs a quarter of Node.js start-up on Node 24 (issue 14): cache file names use sha256Hex.
  /(^| |node:)crypto$/,
  // The full CLI: a hit is served by dist/cli.js alone.
  /(^|\/)main\.js$/,
];

const CJS_HOOK = `
const { appendFileSync } = require("node:fs");
const Module = require("node:module");
const load = Module._load;
Module._load = function (request, ...rest) {
  appendFileSync(process.env.AWS_OP_TEST_LOAD_LOG, "require " + request + "\\n");
  return load.call(this, request, ...rest);
};
`;
// Node 26 deprecates module.register() (DEP0205, a warning on stderr) for the in-thread module.registerHooks()
// (Node 22.15+); the image's Node 20 has only register().
const ESM_REGISTER = `
import * as module from "node:module";
import { appendFileSync } from "node:fs";
const log = process.env.AWS_OP_TEST_LOAD_LOG;
if (module.registerHooks) {
  module.registerHooks({
    resolve(specifier, context, next) {
      const result = next(specifier, context);
      appendFileSync(log, "import " + result.url + "\\n");
      return result;
    },
  });
} else {
  module.register(new URL("./esm-hooks.mjs", import.meta.url), { data: { log } });
}
`;
const ESM_HOOKS = `
import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, "import " + result.url + "\\n");
  return result;
}
`;

describe.skipIf(!tools.available)("aws-op process: the cached path", () => {
  let moto: Moto;
  let sandbox: Sandbox;
  let hooksDir: string;

  useAliceWorld(
    {
      config: awsConfig({
        work: {
          region: "eu-west-1",
          credential_process: true,
          op_vault: "Work",
          op_item: "AWS work",
          op_session_duration: "2h",
        },
      }),
    },
    (world) => {
      ({ moto, sandbox } = world);
      hooksDir = makeTempDir("aws-op-load-hooks-");
      writeFileSync(join(hooksDir, "cjs-hook.cjs"), CJS_HOOK);
      writeFileSync(join(hooksDir, "esm-register.mjs"), ESM_REGISTER);
      writeFileSync(join(hooksDir, "esm-hooks.mjs"), ESM_HOOKS);
    },
  );

  afterAll(() => {
    if (hooksDir) rmSync(hooksDir, { recursive: true, force: true });
  });

  /**
   * Run `aws-op process` (default `--profile work`) as credential_process does, recording every module it loads and
   * how many times it ran op; moto counts STS calls from here. It must succeed with nothing on stderr.
   */
  async function processWithLoadLog(
    name: string,
    args: readonly string[] = ["process", "--profile", "work"],
    env: Record<string, string> = {},
  ): Promise<{ result: RunResult; loaded: string[]; opRuns: number }> {
    const log = join(hooksDir, `${name}.log`);
    writeFileSync(log, "");
    moto.resetCalls();
    const opBefore = sandbox.opCalls().length;
    const result = await sandbox.exec(
      process.execPath,
      ["--require", join(hooksDir, "cjs-hook.cjs"), "--import", join(hooksDir, "esm-register.mjs"), cliPath, ...args],
      { env: { ...env, AWS_OP_TEST_LOAD_LOG: log }, stdoutMayHoldCredentials: true },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const loaded = readFileSync(log, "utf8").split("\n").filter(Boolean);
    return { result, loaded, opRuns: sandbox.opCalls().length - opBefore };
  }

  const forbiddenIn = (loaded: string[]) => loaded.filter((line) => FORBIDDEN_ON_WARM_PATH.some((re) => re.test(line)));

  it("a cold run loads the AWS SDK and child_process, runs op once and calls STS once (the detector works)", async () => {
    await sandbox.run(["clear", "--all"]);
    const { loaded, opRuns } = await processWithLoadLog("cold");
    expect(opRuns).toBe(1);
    expect(moto.calls("GetSessionToken")).toBe(1);
    // The session's AccountId: one GetCallerIdentity, on the cold path only.
    expect(moto.calls("GetCallerIdentity")).toBe(1);
    expect(loaded.some((line) => /aws-sdk-client-sts|@aws-sdk\/client-sts/.test(line))).toBe(true);
    expect(loaded.some((line) => /child_process/.test(line))).toBe(true);
    expect(loaded).toContain("require ./main.js");
    expect(sandbox.cacheFiles()).toHaveLength(1);
  });

  it("a warm run spawns no op, calls no STS and loads neither the AWS SDK nor child_process nor commander", async () => {
    await sandbox.filesSettled();
    // Primes the cache if the cold test did not run; otherwise already served from it.
    const reference = await sandbox.run(["process", "--profile", "work"]);
    expect(reference.status).toBe(0);
    const { result, loaded, opRuns } = await processWithLoadLog("warm");
    expect(opRuns).toBe(0);
    expect(moto.calls("GetSessionToken")).toBe(0);
    expect(moto.calls("GetCallerIdentity")).toBe(0);
    expect(moto.calls("AssumeRole")).toBe(0);
    expect(forbiddenIn(loaded)).toEqual([]);
    // The served session is the cached one.
    const served = JSON.parse(result.stdout) as { AccessKeyId: string; Expiration: string; AccountId?: string };
    expect(served).toEqual(JSON.parse(reference.stdout));
    expect(served.AccountId).toBe("123456789012");
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("with HTTPS_PROXY and AWS_CA_BUNDLE set, a warm run stays on the cached path: no node:https, no proxy, no CA read", async () => {
    await sandbox.filesSettled();
    const reference = await sandbox.run(["process", "--profile", "work"]);
    expect(reference.status).toBe(0);
    // Neither is an input of the hit index (they select no credentials): the entry written without them serves. A
    // proxy that does not answer and a bundle that does not exist would fail any call that used them.
    const { result, loaded, opRuns } = await processWithLoadLog("network", ["process", "--profile", "work"], {
      HTTPS_PROXY: "http://user:secret-proxy-password@127.0.0.1:9",
      AWS_CA_BUNDLE: join(hooksDir, "no-such-bundle.pem"),
    });
    expect(opRuns).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(reference.stdout));
    expect(forbiddenIn(loaded)).toEqual([]);
    expect(loaded.filter((line) => /(^| |node:)(https|tls|http|net)$/.test(line))).toEqual([]);
  });

  it("a warm run through the AWS CLI's argv forms (--profile=NAME, AWS_PROFILE) stays on the cached path", async () => {
    await sandbox.filesSettled();
    for (const [args, env] of [
      [["process", "--profile=work"], {}],
      [["process"], { AWS_PROFILE: "work" }],
    ] as const) {
      // Each form's first run resolves the profile in the full CLI (a cache hit there) and indexes it.
      const first = await processWithLoadLog("forms-first", args, env);
      expect(first.opRuns).toBe(0);
      expect(first.loaded).toContain("require ./main.js");
      const { loaded, opRuns } = await processWithLoadLog("forms", args, env);
      expect(opRuns).toBe(0);
      expect(forbiddenIn(loaded)).toEqual([]);
    }
  });

  it("a config edited in place (same size, mtime set back) is resolved again: the old session is not served", async () => {
    await sandbox.filesSettled();
    await sandbox.run(["process", "--profile", "work"]);
    const warm = await processWithLoadLog("before-edit");
    expect(forbiddenIn(warm.loaded)).toEqual([]);
    const before = statSync(sandbox.configPath);
    const edited = readFileSync(sandbox.configPath, "utf8").replace(
      "op_session_duration = 2h",
      "op_session_duration = 3h",
    );
    writeFileSync(sandbox.configPath, edited);
    utimesSync(sandbox.configPath, before.atime, before.mtime);
    expect(statSync(sandbox.configPath).size).toBe(before.size);

    const { result, loaded, opRuns } = await processWithLoadLog("after-edit");
    expect(loaded).toContain("require ./main.js");
    // A new chain (a 3-hour session): op runs again and STS gives a new session.
    expect(opRuns).toBe(1);
    expect(moto.calls("GetSessionToken")).toBe(1);
    const expiresInMs = (document: string) =>
      Date.parse((JSON.parse(document) as { Expiration: string }).Expiration) - Date.now();
    expect(expiresInMs(result.stdout)).toBeGreaterThan(2.5 * 3600_000);
    expect(expiresInMs(warm.result.stdout)).toBeLessThan(2 * 3600_000 + 60_000);
  });

  it("a config whose mtime is old but ctime recent (cp -p, touch -d, a restored backup) is not indexed", async () => {
    await sandbox.filesSettled();
    await sandbox.run(["process", "--profile", "work"]);
    expect(forbiddenIn((await processWithLoadLog("settled")).loaded)).toEqual([]);
    // Rewritten with the same bytes and its mtime set a day back: only ctime says it changed just now. On a file
    // system with 1 s stamps, a same-size edit in this second would leave every stamp as recorded.
    const text = readFileSync(sandbox.configPath, "utf8");
    const aDayAgo = new Date(Date.now() - 86_400_000);
    writeFileSync(sandbox.configPath, text);
    utimesSync(sandbox.configPath, aDayAgo, aDayAgo);
    for (const name of ["recent-1", "recent-2"]) {
      const { loaded, opRuns } = await processWithLoadLog(name);
      expect(loaded).toContain("require ./main.js");
      expect(opRuns).toBe(0);
    }
  });
});
