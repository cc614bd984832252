// The aws-op benchmark (`npm run bench`): what a credential process costs, side by side in one run, on the fake
// `op` and a local moto STS. Wall times are taken around each child from this process (the same spawn cost for
// every row); peak memory comes from the child's rusage (GNU time, or python3's os.wait4 where time is missing).
// Rows that are compared are measured interleaved, so drifting machine load hits both alike.
// aws-op's own cold cost is a cold run minus what it waits on that is not aws-op: the op test double (timed alone,
// right after) and the STS server (moto behind the counting proxy, which times each answer).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, arch, totalmem } from "node:os";
import { join } from "node:path";
import { exeNodeDirectory } from "../scripts/exe-node.mjs";
import { makeStore, makeVault, repoRoot, scriptRecipeItem } from "../test/fake-op/fixture.js";
import { measureWarmEndpoint } from "./endpoint.js";
import { measureNetwork } from "./network.js";
import { createIamUserWithKey, findExecutable, requireTools, startMoto, type Moto } from "../test/helpers/moto.js";
import {
  cliPath,
  createSandbox,
  credentialProcessLine,
  type RunResult,
  type Sandbox,
} from "../test/helpers/sandbox.js";

/** Run counts, chosen so that the whole benchmark takes about two minutes on a 2-core machine. */
const COUNTS = {
  warmup: 3,
  // The warm ratio is a few per cent from its target: 60 alternating pairs keep its median steady on a shared machine.
  wall: 60,
  memory: 10,
  cold: 15,
  /** Cold runs with the op double waiting REALISTIC_OP_LATENCY_MS, as a real op call does. */
  coldRealisticOp: 8,
  sequentialAwsCalls: 50,
  concurrent: 20,
  concurrentRounds: 3,
  /** Cold runs of each profile with STS one RTT away; warm pairs with the network variables set. */
  networkCold: 8,
  networkWarmPairs: 30,
};
/** The round-trip time to STS of the network rows (--rtt=MS). */
const DEFAULT_RTT_MS = 100;
/** A realistic `op` call (0.5-1.5 s in real use). */
const REALISTIC_OP_LATENCY_MS = 800;
/** Issue 14: on every supported Node.js, against `node -e 0` of the same Node.js. */
const TARGETS = {
  warmWallRatio: 1.1,
  warmMemoryRatio: 1.1,
  coldOwnRatio: 1.5,
  /** Network rows, op at 800 ms: aws-op's own cost at most this many RTT plus this many ms. */
  networkUser: { rtts: 1, ms: 150 },
  networkRole: { rtts: 2, ms: 200 },
};

const VAULT = "Bench";
const ITEM = "AWS bench";

export interface Stats {
  runs: number;
  median: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
  samples: number[];
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    runs: samples.length,
    median: round(quantile(sorted, 0.5)),
    p10: round(quantile(sorted, 0.1)),
    p90: round(quantile(sorted, 0.9)),
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
    samples: samples.map(round),
  };
}

async function timed(run: () => Promise<RunResult>): Promise<{ ms: number; result: RunResult }> {
  const start = process.hrtime.bigint();
  const result = await run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

function requireSuccess(what: string, result: RunResult): RunResult {
  if (result.status !== 0) {
    throw new Error(`${what} failed (exit ${String(result.status ?? result.signal)}): ${result.stderr.trim()}`);
  }
  return result;
}

const RSS_MARK = "AWS_OP_BENCH_MAXRSS_KB=";
// Fallback where GNU time is not installed: the child's ru_maxrss from wait4 (python3 is needed for moto anyway).
const PY_RUSAGE = [
  "import os, sys",
  "pid = os.fork()",
  "if pid == 0:",
  "    os.execvp(sys.argv[1], sys.argv[1:])",
  "_, status, usage = os.wait4(pid, 0)",
  `sys.stderr.write("${RSS_MARK}%d\\n" % usage.ru_maxrss)`,
  "sys.exit(os.waitstatus_to_exitcode(status))",
].join("\n");

function rssWrapper(): { command: string; args: string[]; tool: string } {
  if (existsSync("/usr/bin/time")) return { command: "/usr/bin/time", args: ["-f", `${RSS_MARK}%M`], tool: "GNU time" };
  const python = findExecutable("python3");
  if (!python) throw new Error("peak memory needs /usr/bin/time or python3");
  return { command: python, args: ["-c", PY_RUSAGE], tool: "python3 os.wait4" };
}

function parseMaxRssKb(stderr: string): number {
  const match = new RegExp(`${RSS_MARK}(\\d+)`).exec(stderr);
  if (!match) throw new Error(`no peak memory figure in: ${stderr.trim()}`);
  return Number(match[1]);
}

/**
 * Nothing cached: no session (and no lock). Node's compile cache (compile-cache.ts) stays, as it does between a
 * user's cold runs; only the first cold run after installing or upgrading aws-op or Node.js compiles without it.
 */
function clearSessions(sandbox: Sandbox): void {
  rmSync(join(sandbox.cacheDir, "aws-op", "sessions"), { recursive: true, force: true });
}

interface Setup {
  moto: Moto;
  sandbox: Sandbox;
  processArgs: string[];
}

async function setUp(): Promise<Setup> {
  const moto = await startMoto();
  const user = await createIamUserWithKey(moto.url, "bench");
  const sandbox = createSandbox({
    endpoint: moto.url,
    store: makeStore({
      vaults: [
        makeVault(VAULT, [
          scriptRecipeItem({ title: ITEM, accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey }),
        ]),
      ],
    }),
    fakeOp: { latencyMs: 0 },
    // No canary harness: its logging shell shim in front of `op` would add a shell start-up to every op call.
    canaryScan: false,
  });
  // The plain shell-script recipe: op inject fills a credential_process JSON template on every call.
  const templatePath = join(sandbox.home, ".aws", "op-template.json");
  writeFileSync(
    templatePath,
    JSON.stringify({
      Version: 1,
      AccessKeyId: `{{ op://${VAULT}/${ITEM}/AWS/aws_access_key_id }}`,
      SecretAccessKey: `{{ op://${VAULT}/${ITEM}/AWS/aws_secret_access_key }}`,
    }),
    { mode: 0o600 },
  );
  sandbox.writeConfig(
    [
      "[profile bench]",
      "region = us-east-1",
      `credential_process = ${credentialProcessLine("bench")}`,
      `op_vault = ${VAULT}`,
      `op_item = ${ITEM}`,
      "",
      "[profile benchrole]",
      "region = us-east-1",
      `credential_process = ${credentialProcessLine("benchrole")}`,
      "op_source_profile = bench",
      "op_role_arn = arn:aws:iam::123456789012:role/bench",
      "",
      "[profile recipe]",
      "region = us-east-1",
      `credential_process = sh -c "op inject -i '${templatePath}'"`,
      "",
    ].join("\n"),
  );
  // A user's config is older than the hit index's margin for recent files (cache/hit-index.ts).
  await sandbox.filesSettled();
  return { moto, sandbox, processArgs: ["process", "--profile", "bench"] };
}

interface WarmResults {
  floorWall: Stats;
  warmWall: Stats;
  floorRssKb: Stats;
  warmRssKb: Stats;
  warmOpCalls: number;
  rssTool: string;
}

/** What the warm rows compare: a program's `node -e 0` and aws-op's `process` on it, as argument arrays. */
interface WarmCommands {
  floor: [string, ...string[]];
  warm: [string, ...string[]];
}

/** The npm package: dist/cli.js on the Node.js running the benchmark. */
const npmWarmCommands = (processArgs: string[]): WarmCommands => ({
  floor: [process.execPath, "-e", "0"],
  warm: [process.execPath, cliPath, ...processArgs],
});

async function measureWarm(
  { sandbox, processArgs }: Setup,
  commands: WarmCommands = npmWarmCommands(processArgs),
): Promise<WarmResults> {
  const execute = (argv: readonly [string, ...string[]]) => sandbox.exec(argv[0], argv.slice(1));
  clearSessions(sandbox);
  // The miss writes the hit index (through the program measured: the executable's own full CLI for its rows).
  requireSuccess("priming the cache", await execute(commands.warm));
  // The warm rows measure what users' AWS commands take: the cached path through the hit index, which the priming
  // run wrote (the sandbox's config is older than the margin, like a user's: cache/hit-index.ts indexes no recent file).
  const index = join(sandbox.cacheDir, "aws-op", "index");
  if (!existsSync(index) || readdirSync(index).length === 0) throw new Error(`the priming run wrote no ${index}`);
  const opBefore = sandbox.opCalls().length;
  const floor = () => execute(commands.floor);
  const warm = () => execute(commands.warm);
  for (let i = 0; i < COUNTS.warmup; i++) {
    await floor();
    requireSuccess("warm aws-op process", await warm());
  }
  const floorWall: number[] = [];
  const warmWall: number[] = [];
  for (let i = 0; i < COUNTS.wall; i++) {
    // Alternate which goes first, so neither always follows the other.
    const order = i % 2 === 0 ? ([floor, warm] as const) : ([warm, floor] as const);
    for (const run of order) {
      const { ms, result } = await timed(run);
      requireSuccess(run === floor ? "node -e 0" : "warm aws-op process", result);
      (run === floor ? floorWall : warmWall).push(ms);
    }
  }
  const wrapper = rssWrapper();
  const floorRss: number[] = [];
  const warmRss: number[] = [];
  for (let i = 0; i < COUNTS.memory; i++) {
    const f = requireSuccess(
      "node -e 0 (memory)",
      await execute([wrapper.command, ...wrapper.args, ...commands.floor]),
    );
    floorRss.push(parseMaxRssKb(f.stderr));
    const w = requireSuccess(
      "warm aws-op process (memory)",
      await execute([wrapper.command, ...wrapper.args, ...commands.warm]),
    );
    warmRss.push(parseMaxRssKb(w.stderr));
  }
  return {
    floorWall: stats(floorWall),
    warmWall: stats(warmWall),
    floorRssKb: stats(floorRss),
    warmRssKb: stats(warmRss),
    warmOpCalls: sandbox.opCalls().length - opBefore,
    rssTool: wrapper.tool,
  };
}

interface ColdResults {
  wall: Stats;
  /** The op test double alone, with the same arguments: a Node.js process of its own, not aws-op's cost. */
  opDoubleWall: Stats;
  /**
   * What the STS calls of each cold run waited on the server side, summed: moto's answer (a Python server) plus the
   * counting proxy's hop, timed by that proxy (test/helpers/moto.ts). With AWS this is the network's and AWS's time.
   */
  stsServerWall: Stats;
  /** Each cold run minus the op double run that follows it (what this row meant before the STS server was timed). */
  minusOpWall: Stats;
  /** Each cold run minus its op double run and its STS server time: aws-op's own cost. */
  ownWall: Stats;
  opCallsPerRun: number[];
  stsCallsPerRun: number[];
}

/**
 * Cold runs with the op double answering after `opLatencyMs`. At 0 ms (the default row) the SDK's start-up, which
 * aws-op overlaps with the op call, barely fits inside the double's own ~50 ms; at a real op call's 800 ms it fits
 * inside the wait, so this row is what a user's cold run costs beyond op and STS.
 */
async function measureCold(
  { sandbox, moto, processArgs }: Setup,
  opLatencyMs = 0,
  runs = COUNTS.cold,
): Promise<ColdResults> {
  const wall: number[] = [];
  const opDoubleWall: number[] = [];
  const stsServerWall: number[] = [];
  const opCallsPerRun: number[] = [];
  const stsCallsPerRun: number[] = [];
  const env = { FAKE_OP_LATENCY_MS: String(opLatencyMs) };
  for (let i = 0; i < runs + 1; i++) {
    clearSessions(sandbox);
    const opBefore = sandbox.opCalls().length;
    moto.resetCalls();
    const { ms, result } = await timed(() => sandbox.run(processArgs, { env }));
    requireSuccess("cold aws-op process", result);
    const serverMs = moto.allCalls().reduce((total, call) => total + (call.serverMs ?? 0), 0);
    const opCalls = sandbox.opCalls();
    const opArgv = opCalls[opCalls.length - 1] ?? [];
    const op = await timed(() => sandbox.exec("op", opArgv, { env }));
    requireSuccess("the op test double alone", op.result);
    if (i === 0) continue; // the first run warms moto and the file system cache
    wall.push(ms);
    opDoubleWall.push(op.ms);
    stsServerWall.push(serverMs);
    opCallsPerRun.push(opCalls.length - opBefore);
    stsCallsPerRun.push(moto.calls("GetSessionToken"));
  }
  return {
    wall: stats(wall),
    opDoubleWall: stats(opDoubleWall),
    stsServerWall: stats(stsServerWall),
    minusOpWall: stats(wall.map((w, i) => w - (opDoubleWall[i] ?? 0))),
    ownWall: stats(wall.map((w, i) => w - (opDoubleWall[i] ?? 0) - (stsServerWall[i] ?? 0))),
    opCallsPerRun,
    stsCallsPerRun,
  };
}

interface SequentialResult {
  calls: number;
  totalMs: number;
  opCalls: number;
}

async function sequentialAwsCalls(sandbox: Sandbox, endpoint: string, profile: string): Promise<SequentialResult> {
  const opBefore = sandbox.opCalls().length;
  const start = process.hrtime.bigint();
  for (let i = 0; i < COUNTS.sequentialAwsCalls; i++) {
    const result = requireSuccess(
      `aws sts get-caller-identity --profile ${profile}`,
      // The endpoint on the command line as well: an AWS CLI that ignores AWS_ENDPOINT_URL (Debian's v2 2.9) must
      // still talk to moto on loopback, never to AWS.
      await sandbox.exec(
        "aws",
        ["sts", "get-caller-identity", "--profile", profile, "--endpoint-url", endpoint, "--output", "json"],
        {
          env: { FAKE_OP_LATENCY_MS: String(REALISTIC_OP_LATENCY_MS) },
        },
      ),
    );
    const identity = JSON.parse(result.stdout) as { Account?: string };
    if (identity.Account !== "123456789012") throw new Error(`unexpected identity: ${result.stdout}`);
  }
  return {
    calls: COUNTS.sequentialAwsCalls,
    totalMs: Math.round(Number(process.hrtime.bigint() - start) / 1e6),
    opCalls: sandbox.opCalls().length - opBefore,
  };
}

interface ConcurrentRound {
  wallMs: number;
  opCalls: number;
  stsCalls: number;
}

async function measureConcurrent({ sandbox, moto, processArgs }: Setup): Promise<ConcurrentRound[]> {
  const rounds: ConcurrentRound[] = [];
  for (let r = 0; r < COUNTS.concurrentRounds; r++) {
    clearSessions(sandbox);
    moto.resetCalls();
    const opBefore = sandbox.opCalls().length;
    const start = process.hrtime.bigint();
    const results = await Promise.all(
      Array.from({ length: COUNTS.concurrent }, () =>
        sandbox.run(processArgs, { env: { FAKE_OP_LATENCY_MS: String(REALISTIC_OP_LATENCY_MS) } }),
      ),
    );
    const wallMs = Math.round(Number(process.hrtime.bigint() - start) / 1e6);
    results.forEach((result) => requireSuccess("concurrent cold aws-op process", result));
    const keys = new Set(results.map((result) => (JSON.parse(result.stdout) as { AccessKeyId: string }).AccessKeyId));
    if (keys.size !== 1) throw new Error(`concurrent runs served ${keys.size} different sessions`);
    rounds.push({ wallMs, opCalls: sandbox.opCalls().length - opBefore, stsCalls: moto.calls("GetSessionToken") });
  }
  return rounds;
}

// --- Report ---

const ms = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${n.toFixed(1)} ms`);
const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

function spread(s: Stats, unit: (n: number) => string): string {
  return `${unit(s.p10)} – ${unit(s.p90)} (min ${unit(s.min)}, max ${unit(s.max)})`;
}

/** One row of the table: label, runs, median, spread, and the ratio column. */
function statRow(label: string, s: Stats, unit: (n: number) => string, ratioText = ""): string[] {
  return [label, String(s.runs), unit(s.median), spread(s, unit), ratioText];
}

/** The ratio column against the floor, empty when the floor was not measured. */
function versus(s: Stats, floor: Stats | undefined): string {
  return floor ? `${ratio(s.median, floor.median).toFixed(2)}× floor` : "";
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length)));
  return rows
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/**
 * Drops these files' pages from the page cache (posix_fadvise DONTNEED, through GNU dd: this file only, no root),
 * so that the warm-up runs bring them back as executing them does. Peak RSS counts the clean file pages a process
 * maps, and how many depends on how the pages came into the cache: after one sequential read of the binary (the
 * build writing and hashing it, `sha256sum -c`, a copy) the kernel holds it in large folios and maps them 2 MB at a
 * time (FilePmdMapped in smaps), which on this machine's Linux 6.18 took `node -e 0` itself from 42 to 75 MB. The
 * executable has just been built and hashed and its Node.js has only been run: without this they would be
 * compared in different states.
 */
function evictFromPageCache(files: string[]): void {
  for (const file of files) {
    const result = spawnSync("dd", [`if=${file}`, "iflag=nocache", "count=0", "status=none"], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`dd iflag=nocache ${file}: ${result.stderr.trim()}`);
  }
}

/**
 * The single executable of the executable rows (--exe=PATH, default dist-exe/aws-op-linux-x64 from
 * `npm run build:exe`) and the Node.js it embeds, the one build:exe fetched into .tmp/exe-node: its `node -e 0` is
 * the floor, as each Node.js's own is for the npm package's rows. Absent: the rows are left out, with why.
 */
function executableToMeasure(
  argv: string[],
): { path: string; embeddedNode: string; nodeVersion: string } | { missing: string } {
  const path =
    argv.find((a) => a.startsWith("--exe="))?.slice("--exe=".length) ?? join(repoRoot, "dist-exe", "aws-op-linux-x64");
  if (!existsSync(path))
    return { missing: `No single executable at ${path} (npm run build:exe): its rows are left out.` };
  const version = spawnSync(path, ["--version"], { encoding: "utf8", env: { PATH: "/nonexistent" } }).stdout;
  const nodeVersion = /embedded Node\.js (v\d+\.\d+\.\d+)/.exec(version)?.[1];
  if (!nodeVersion) return { missing: `${path} --version names no embedded Node.js: ${version.trim()}` };
  const embeddedNode = join(exeNodeDirectory(process.arch, nodeVersion.slice(1), repoRoot), "bin", "node");
  if (!existsSync(embeddedNode)) return { missing: `No ${embeddedNode} (npm run build:exe fetches it).` };
  return { path, embeddedNode, nodeVersion };
}

export async function runBenchmark(argv: string[]): Promise<number> {
  const write = !argv.includes("--no-write");
  // bench/run.mjs runs this once per Node.js and names the file for each run's results.
  const out = argv.find((a) => a.startsWith("--out="))?.slice("--out=".length);
  const only = argv
    .find((a) => a.startsWith("--only="))
    ?.slice("--only=".length)
    .split(",");
  const wants = (section: string) => !only || only.includes(section);
  const tools = requireTools(["moto_server", "aws", "python3"]);
  if (!tools.available) {
    console.error(`The benchmark needs ${tools.missing.join(", ")} on PATH.`);
    return 1;
  }
  if (!existsSync(cliPath)) {
    console.error(`${cliPath} is missing: run "npm run build" first.`);
    return 1;
  }
  // The IAM client that sets moto up would warn about future Node.js versions on stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const startedAt = new Date();
  const loadBefore = loadavg();
  const setup = await setUp();
  const started = Date.now();
  const progress = (text: string) => console.error(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${text}`);
  try {
    if (wants("warm")) progress("warm path vs node -e 0");
    const warm = wants("warm") ? await measureWarm(setup) : undefined;
    if (wants("cold")) progress("cold path");
    const cold = wants("cold") ? await measureCold(setup) : undefined;
    if (wants("cold")) progress(`cold path, op double at ${REALISTIC_OP_LATENCY_MS} ms`);
    const coldRealistic = wants("cold")
      ? await measureCold(setup, REALISTIC_OP_LATENCY_MS, COUNTS.coldRealisticOp)
      : undefined;
    let viaAwsOp: SequentialResult | undefined;
    let viaRecipe: SequentialResult | undefined;
    if (wants("sequential")) {
      progress(`${COUNTS.sequentialAwsCalls} AWS CLI calls through aws-op`);
      clearSessions(setup.sandbox);
      viaAwsOp = await sequentialAwsCalls(setup.sandbox, setup.moto.url, "bench");
      progress(`${COUNTS.sequentialAwsCalls} AWS CLI calls through the op inject recipe`);
      viaRecipe = await sequentialAwsCalls(setup.sandbox, setup.moto.url, "recipe");
    }
    if (wants("concurrent")) progress("concurrent cold runs");
    const concurrent = wants("concurrent") ? await measureConcurrent(setup) : undefined;
    const rtt = Number(argv.find((a) => a.startsWith("--rtt="))?.slice("--rtt=".length) ?? DEFAULT_RTT_MS);
    if (wants("network")) progress(`network: STS ${rtt} ms away through HTTPS_PROXY, AWS_CA_BUNDLE set`);
    const network = wants("network")
      ? await measureNetwork(
          {
            moto: setup.moto,
            sandbox: setup.sandbox,
            userArgs: setup.processArgs,
            roleArgs: ["process", "--profile", "benchrole"],
            opLatencyMs: REALISTIC_OP_LATENCY_MS,
            coldRuns: COUNTS.networkCold,
            warmPairs: COUNTS.networkWarmPairs,
          },
          rtt,
        )
      : undefined;
    const found = wants("executable") ? executableToMeasure(argv) : undefined;
    if (found && "missing" in found) console.error(found.missing);
    const executable = found && "path" in found ? found : undefined;
    if (executable) {
      progress(`single executable ${executable.path} vs node -e 0 of its Node.js`);
      evictFromPageCache([executable.path, executable.embeddedNode]);
    }
    const exeWarm = executable
      ? await measureWarm(setup, {
          floor: [executable.embeddedNode, "-e", "0"],
          warm: [executable.path, ...setup.processArgs],
        })
      : undefined;
    if (wants("endpoint")) progress("exec --server endpoint, warm requests");
    const endpoint = wants("endpoint") ? await measureWarmEndpoint(setup.sandbox, "bench") : undefined;
    const loadAfter = loadavg();

    const rows: string[][] = [["measurement", "runs", "median", "spread p10 – p90", "ratio"]];
    const floor = warm?.floorWall;
    if (warm) {
      rows.push(statRow("node -e 0 (floor), wall", warm.floorWall, ms, "1.00×"));
      rows.push(statRow("aws-op process, warm cache, wall", warm.warmWall, ms, versus(warm.warmWall, floor)));
      rows.push(statRow("node -e 0 (floor), peak RSS", warm.floorRssKb, mb, "1.00×"));
      rows.push(
        statRow("aws-op process, warm cache, peak RSS", warm.warmRssKb, mb, versus(warm.warmRssKb, warm.floorRssKb)),
      );
    }
    if (exeWarm && executable) {
      const node = `node -e 0 of the executable's Node.js ${executable.nodeVersion}`;
      rows.push(statRow(`${node} (floor), wall`, exeWarm.floorWall, ms, "1.00×"));
      rows.push(
        statRow(
          "single executable process, warm cache, wall",
          exeWarm.warmWall,
          ms,
          versus(exeWarm.warmWall, exeWarm.floorWall),
        ),
      );
      rows.push(statRow(`${node} (floor), peak RSS`, exeWarm.floorRssKb, mb, "1.00×"));
      rows.push(
        statRow(
          "single executable process, warm cache, peak RSS",
          exeWarm.warmRssKb,
          mb,
          versus(exeWarm.warmRssKb, exeWarm.floorRssKb),
        ),
      );
    }
    const ownCost = "  aws-op's own cost (cold minus op double and STS server)";
    if (cold) {
      rows.push(statRow("aws-op process, cold (op 0 ms, moto STS), wall", cold.wall, ms, versus(cold.wall, floor)));
      rows.push(statRow("  of which the op test double alone, wall", cold.opDoubleWall, ms));
      rows.push(statRow("  of which the STS server (moto + proxy hop), wall", cold.stsServerWall, ms));
      rows.push(
        statRow("  cold minus op double (STS server included)", cold.minusOpWall, ms, versus(cold.minusOpWall, floor)),
      );
      rows.push(statRow(ownCost, cold.ownWall, ms, versus(cold.ownWall, floor)));
    }
    if (coldRealistic) {
      rows.push(
        statRow(`aws-op process, cold (op ${REALISTIC_OP_LATENCY_MS} ms, moto STS), wall`, coldRealistic.wall, ms),
      );
      rows.push(statRow(ownCost, coldRealistic.ownWall, ms, versus(coldRealistic.ownWall, floor)));
    }
    if (viaAwsOp && viaRecipe) {
      rows.push([
        `${viaAwsOp.calls} × aws sts get-caller-identity via aws-op (op 800 ms)`,
        "1",
        ms(viaAwsOp.totalMs),
        `op calls: ${viaAwsOp.opCalls}`,
        "1.00×",
      ]);
      rows.push([
        `${viaRecipe.calls} × aws sts get-caller-identity via op inject recipe (op 800 ms)`,
        "1",
        ms(viaRecipe.totalMs),
        `op calls: ${viaRecipe.opCalls}`,
        `${ratio(viaRecipe.totalMs, viaAwsOp.totalMs).toFixed(2)}× aws-op`,
      ]);
    }
    if (concurrent) {
      const wall = stats(concurrent.map((r) => r.wallMs));
      rows.push([
        `${COUNTS.concurrent} concurrent cold aws-op process (op 800 ms), wall`,
        String(concurrent.length),
        ms(wall.median),
        `min ${ms(wall.min)}, max ${ms(wall.max)}; op calls ${concurrent.map((r) => r.opCalls).join("/")}, STS calls ${concurrent.map((r) => r.stsCalls).join("/")}`,
        "",
      ]);
    }

    const limitMs = (target: { rtts: number }, n: NonNullable<typeof network>) => target.rtts * n.rttMs;
    if (network) {
      const label = (what: string) => `${what} (RTT ${network.rttMs} ms, op ${REALISTIC_OP_LATENCY_MS} ms)`;
      for (const [name, r, target] of [
        ["user profile", network.user, TARGETS.networkUser],
        ["role profile", network.role, TARGETS.networkRole],
      ] as const) {
        rows.push(statRow(label(`aws-op process, cold, ${name}, via proxy, wall`), r.wall, ms));
        rows.push(statRow("  of which the op test double alone", r.opDoubleWall, ms));
        rows.push(statRow("  of which moto's own time (counting proxy)", r.stsServerWall, ms));
        rows.push(
          statRow(
            "  aws-op's own cost (wall - op double - node -e 0)",
            r.ownWall,
            ms,
            `limit ${limitMs(target, network)} ms + CPU; target ≤ ${limitMs(target, network) + target.ms} ms`,
          ),
        );
      }
      rows.push(
        statRow(
          "aws-op process, warm, HTTPS_PROXY + AWS_CA_BUNDLE set, wall",
          network.warmWall,
          ms,
          versus(network.warmWall, network.floorWall),
        ),
      );
    }

    if (endpoint) {
      rows.push([
        "exec --server endpoint, warm request (in-process client), wall",
        String(endpoint.warmRequestMs.runs),
        ms(endpoint.warmRequestMs.median),
        spread(endpoint.warmRequestMs, ms),
        `op calls: ${endpoint.opCalls}`,
      ]);
    }

    const checks: { name: string; ok: boolean; detail: string }[] = [];
    if (warm) {
      const wallRatio = ratio(warm.warmWall.median, warm.floorWall.median);
      const rssRatio = ratio(warm.warmRssKb.median, warm.floorRssKb.median);
      checks.push({
        name: `warm wall ≤ ${TARGETS.warmWallRatio.toFixed(2)}× node -e 0`,
        ok: wallRatio <= TARGETS.warmWallRatio,
        detail: `${wallRatio.toFixed(2)}×`,
      });
      checks.push({
        name: `warm peak RSS ≤ ${TARGETS.warmMemoryRatio.toFixed(2)}× node -e 0`,
        ok: rssRatio <= TARGETS.warmMemoryRatio,
        detail: `${rssRatio.toFixed(2)}×`,
      });
      checks.push({
        name: "warm path: no op call",
        ok: warm.warmOpCalls === 0,
        detail: `${warm.warmOpCalls} op calls`,
      });
    }
    if (exeWarm) {
      const wallRatio = ratio(exeWarm.warmWall.median, exeWarm.floorWall.median);
      const rssRatio = ratio(exeWarm.warmRssKb.median, exeWarm.floorRssKb.median);
      checks.push({
        name: `single executable, warm wall ≤ ${TARGETS.warmWallRatio.toFixed(2)}× node -e 0 of its Node.js`,
        ok: wallRatio <= TARGETS.warmWallRatio,
        detail: `${wallRatio.toFixed(2)}×`,
      });
      checks.push({
        name: `single executable, warm peak RSS ≤ ${TARGETS.warmMemoryRatio.toFixed(2)}× node -e 0 of its Node.js`,
        ok: rssRatio <= TARGETS.warmMemoryRatio,
        detail: `${rssRatio.toFixed(2)}×`,
      });
      checks.push({
        name: "single executable, warm path: no op call",
        ok: exeWarm.warmOpCalls === 0,
        detail: `${exeWarm.warmOpCalls} op calls`,
      });
    }
    if (cold && warm) {
      const ownRatio = ratio(cold.ownWall.median, warm.floorWall.median);
      checks.push({
        name: `cold own cost (minus the op double and the STS server) ≤ ${TARGETS.coldOwnRatio.toFixed(2)}× node -e 0`,
        ok: ownRatio <= TARGETS.coldOwnRatio,
        detail: `${ownRatio.toFixed(2)}×: ${ms(cold.ownWall.median)} (whole cold run ${ms(cold.wall.median)})`,
      });
    }
    if (cold) {
      checks.push({
        name: "cold: 1 op call and 1 STS call per run",
        ok: cold.opCallsPerRun.every((n) => n === 1) && cold.stsCallsPerRun.every((n) => n === 1),
        detail: `op ${sum(cold.opCallsPerRun)}, STS ${sum(cold.stsCallsPerRun)} in ${cold.wall.runs} runs`,
      });
    }
    if (viaAwsOp && viaRecipe) {
      checks.push({
        name: `${COUNTS.sequentialAwsCalls} AWS CLI calls: 1 op call via aws-op, ${COUNTS.sequentialAwsCalls} via the recipe`,
        ok: viaAwsOp.opCalls === 1 && viaRecipe.opCalls === COUNTS.sequentialAwsCalls,
        detail: `${viaAwsOp.opCalls} vs ${viaRecipe.opCalls}`,
      });
    }
    if (concurrent) {
      checks.push({
        name: `${COUNTS.concurrent} concurrent cold runs: 1 op call and 1 STS call`,
        ok: concurrent.every((r) => r.opCalls === 1 && r.stsCalls === 1),
        detail: concurrent.map((r) => `${r.opCalls}/${r.stsCalls}`).join(", "),
      });
    }

    if (network) {
      for (const [name, r, target, expected] of [
        ["user", network.user, TARGETS.networkUser, { GetSessionToken: 1, GetCallerIdentity: 1 }],
        ["role", network.role, TARGETS.networkRole, { GetSessionToken: 1, GetCallerIdentity: 1, AssumeRole: 1 }],
      ] as const) {
        const limit = limitMs(target, network) + target.ms;
        checks.push({
          name: `network, ${name} profile: own cost ≤ ${target.rtts} RTT + ${target.ms} ms (${limit} ms)`,
          ok: r.ownWall.median <= limit,
          detail: `${ms(r.ownWall.median)} (wall ${ms(r.wall.median)}, op double ${ms(r.opDoubleWall.median)}, moto ${ms(r.stsServerWall.median)}; ${r.connections.join("/")} connections)`,
        });
        checks.push({
          name: `network, ${name} profile: STS calls per run ${JSON.stringify(expected)}`,
          ok: r.calls.every(
            (c) => JSON.stringify(Object.entries(c).sort()) === JSON.stringify(Object.entries(expected).sort()),
          ),
          detail: r.calls.map((c) => JSON.stringify(c)).join(" "),
        });
      }
      const warmRatio = ratio(network.warmWall.median, network.floorWall.median);
      checks.push({
        name: `network, warm with HTTPS_PROXY and AWS_CA_BUNDLE: ≤ ${TARGETS.warmWallRatio.toFixed(2)}× node -e 0`,
        ok: warmRatio <= TARGETS.warmWallRatio,
        detail: `${warmRatio.toFixed(2)}×`,
      });
      checks.push({
        name: "network, warm: no op call and no STS call",
        ok: network.warmOpCalls === 0 && network.warmStsCalls === 0,
        detail: `${network.warmOpCalls} op calls, ${network.warmStsCalls} STS calls`,
      });
    }

    const cpu = cpus();
    const machine = {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? "unknown",
      memoryGb: Math.round(totalmem() / 1024 ** 3),
      platform: `${platform()} ${arch()}`,
      node: process.version,
      awsCli: (await setup.sandbox.exec("aws", ["--version"])).stdout.trim() || undefined,
      loadAverageBefore: loadBefore.map((n) => Math.round(n * 100) / 100),
      loadAverageAfter: loadAfter.map((n) => Math.round(n * 100) / 100),
    };
    const durationSeconds = Math.round((Date.now() - started) / 1000);
    console.log(
      `\naws-op benchmark, ${startedAt.toISOString()}: ${machine.cpus} × ${machine.cpuModel}, ${machine.platform}, Node ${machine.node}, load average ${machine.loadAverageBefore.join(" ")} -> ${machine.loadAverageAfter.join(" ")}\n`,
    );
    console.log(table(rows));
    console.log("");
    for (const check of checks) console.log(`${check.ok ? "ok  " : "MISS"}  ${check.name}: ${check.detail}`);
    console.log(`\nfinished in ${durationSeconds} s`);

    if (write || out) {
      const dir = join(repoRoot, "bench", "results");
      mkdirSync(dir, { recursive: true });
      const file = out ?? join(dir, `${startedAt.toISOString().slice(0, 19).replace(/:/g, "-")}Z.json`);
      const version = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;
      const document = {
        awsOpVersion: version,
        startedAt: startedAt.toISOString(),
        durationSeconds,
        machine,
        counts: COUNTS,
        opLatencyMs: {
          cold: 0,
          coldRealisticOp: REALISTIC_OP_LATENCY_MS,
          sequential: REALISTIC_OP_LATENCY_MS,
          concurrent: REALISTIC_OP_LATENCY_MS,
        },
        targets: TARGETS,
        results: {
          ...(warm
            ? {
                floorWallMs: warm.floorWall,
                warmWallMs: warm.warmWall,
                floorPeakRssKb: warm.floorRssKb,
                warmPeakRssKb: warm.warmRssKb,
                peakRssTool: warm.rssTool,
                warmOpCalls: warm.warmOpCalls,
              }
            : {}),
          ...(cold
            ? {
                coldWallMs: cold.wall,
                coldOpDoubleWallMs: cold.opDoubleWall,
                coldStsServerWallMs: cold.stsServerWall,
                coldMinusOpWallMs: cold.minusOpWall,
                coldOwnWallMs: cold.ownWall,
                ...(coldRealistic
                  ? {
                      coldRealisticOpWallMs: coldRealistic.wall,
                      coldRealisticOpOwnWallMs: coldRealistic.ownWall,
                      coldRealisticOpStsServerWallMs: coldRealistic.stsServerWall,
                    }
                  : {}),
                coldOpCalls: cold.opCallsPerRun,
                coldStsCalls: cold.stsCallsPerRun,
              }
            : {}),
          ...(exeWarm && executable
            ? {
                executable: {
                  path: executable.path,
                  embeddedNode: executable.nodeVersion,
                  floorWallMs: exeWarm.floorWall,
                  warmWallMs: exeWarm.warmWall,
                  floorPeakRssKb: exeWarm.floorRssKb,
                  warmPeakRssKb: exeWarm.warmRssKb,
                  warmOpCalls: exeWarm.warmOpCalls,
                },
              }
            : {}),
          ...(viaAwsOp && viaRecipe ? { sequentialViaAwsOp: viaAwsOp, sequentialViaRecipe: viaRecipe } : {}),
          ...(concurrent ? { concurrent } : {}),
          ...(endpoint ? { endpointWarmRequestMs: endpoint.warmRequestMs, endpointOpCalls: endpoint.opCalls } : {}),
          ...(network ? { network } : {}),
        },
        ratios: {
          ...(warm
            ? {
                warmWallToFloor: ratio(warm.warmWall.median, warm.floorWall.median),
                warmPeakRssToFloor: ratio(warm.warmRssKb.median, warm.floorRssKb.median),
              }
            : {}),
          ...(warm && cold
            ? {
                coldWallToFloor: ratio(cold.wall.median, warm.floorWall.median),
                coldMinusOpToFloor: ratio(cold.minusOpWall.median, warm.floorWall.median),
                coldOwnToFloor: ratio(cold.ownWall.median, warm.floorWall.median),
                ...(coldRealistic
                  ? { coldRealisticOpOwnToFloor: ratio(coldRealistic.ownWall.median, warm.floorWall.median) }
                  : {}),
              }
            : {}),
          ...(exeWarm
            ? {
                executableWarmWallToFloor: ratio(exeWarm.warmWall.median, exeWarm.floorWall.median),
                executableWarmPeakRssToFloor: ratio(exeWarm.warmRssKb.median, exeWarm.floorRssKb.median),
              }
            : {}),
          ...(viaAwsOp && viaRecipe ? { recipeToAwsOpSequential: ratio(viaRecipe.totalMs, viaAwsOp.totalMs) } : {}),
        },
        checks,
      };
      writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
      console.log(`results: ${file}`);
    }
    // Wrong call counts mean aws-op is broken, not slow: fail the run. Missed timing targets are reported only.
    const broken = checks.filter((c) => !c.ok && /call/.test(c.name));
    return broken.length > 0 ? 1 : 0;
  } finally {
    await setup.moto.stop();
    rmSync(setup.sandbox.home, { recursive: true, force: true });
    rmSync(setup.sandbox.store.dir, { recursive: true, force: true });
  }
}
