// `npm run bench`: bundles bench/main.ts (which reuses the test helpers: fake op store, moto with a counting
// proxy, sandbox HOME) with esbuild and runs it. The bundle lives under node_modules/.cache (so packages resolve
// and no linter sees it); the fake-op fixture finds the repository from import.meta.url, so that is pinned to its
// source file.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "node_modules", ".cache", "aws-op-bench", "main.mjs");

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
const { runBenchmark } = await import(pathToFileURL(outfile).href);
process.exitCode = await runBenchmark(process.argv.slice(2));
