// Builds the product bundle (dist/) and the 1Password CLI test double (test-dist/).
// `aws-op process` runs before every AWS command, so start-up time is the product (bench/, issue 5):
// - dist/cli.js (src/cli-cached.ts) is the entry: a small CommonJS file holding only the cached path of
//   `aws-op process` (argv check, profile resolution, the chain's cache key, the cache read, the output). Node
//   reads, pre-parses and sets up every byte of the entry on every AWS command: this one is a third of the full CLI.
//   On anything else it loads dist/main.js, which runs as if it had been the entry.
// - dist/main.js (src/cli.ts) is ONE CommonJS file holding all of aws-op's own code. Node starts a CommonJS entry
//   faster than an ES module (no ES loader, no per-file async loads), and code that is not run is only pre-parsed.
//   Modules that src/ loads with `await import()` are still only evaluated when imported.
// - The packages src/ loads with `await import()` (commander, AWS SDK, prompts, lock library) are ES module bundles in
//   dist/vendor/, which dist/cli.js imports at run time: the cached path never reads them.
// dist/package.json marks dist/*.js as CommonJS; the vendor files are .mjs.
import { spawnSync } from "node:child_process";
import { build } from "esbuild";
import { builtinModules } from "node:module";
import { chmodSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// ESM bundles of CommonJS dependencies still call require() for Node built-ins: requireShim gives them one.
import { fakeOpBuildOptions, requireShim } from "../test/fake-op/build-options.mjs";
import { cachedPathOnly, ownBundle, sourceBuildId } from "./bundle-options.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
/** The commit dist/ is built from, for `aws-op --version` ("-dirty" with uncommitted changes; none outside git). */
function gitCommit() {
  const git = (...args) => spawnSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  // Only this project's own repository: a copy of it inside another one (an unpacked tarball) has no commit.
  const top = git("rev-parse", "--show-toplevel");
  if (top.status !== 0 || realpathSync(top.stdout.trim()) !== realpathSync(root)) return undefined;
  const head = git("rev-parse", "--short=12", "HEAD");
  if (head.status !== 0) return undefined;
  const changed = git("status", "--porcelain", "--untracked-files=no");
  return `${head.stdout.trim()}${changed.status === 0 && changed.stdout.trim() !== "" ? "-dirty" : ""}`;
}
const commit = gitCommit();

// What this build of aws-op's own code is (bundle-options.mjs): the hit index records it.
const buildId = sourceBuildId(root, version);

/** Packages that src/ must load with `await import()`, and how each exposes its API (cjs: as `default`). */
const LAZY_PACKAGES = {
  // Every command but the fast path of `process` (src/cli.ts) parses its argv with commander.
  commander: "esm",
  "@aws-sdk/client-sts": "esm",
  "@aws-sdk/client-iam": "esm",
  "@inquirer/prompts": "esm",
  "proper-lockfile": "cjs",
};
// An ES module import of a Node built-in (`import { request } from "node:http"`) makes Node build the built-in's ES
// module facade, which reads every export, lazy getters included: on Node 22-26 importing node:http that way loads
// undici (http.WebSocket), node:fs loads fs/promises and readline, node:crypto webcrypto: 20-30 ms that the cold path
// paid before its STS call. The vendor bundles get their built-ins through require() (the shim in the banner)
// instead, and read each export when used.
const builtinPattern = new RegExp(`^(node:)?(${builtinModules.map((m) => m.replace(/[/.]/g, "\\$&")).join("|")})$`);
const builtinsThroughRequire = {
  name: "builtins-through-require",
  setup(b) {
    // proper-lockfile's graceful-fs queues and retries on EMFILE, which one lock directory per process never meets;
    // loading it patches node:fs and loads its streams (about 5 ms of the cold path before op starts). Plain node:fs
    // has every call the lock library makes (mkdir, rmdir, stat, utimes, realpath).
    b.onResolve({ filter: /^graceful-fs$/ }, () => ({ path: "fs", namespace: "builtin-through-require" }));
    b.onResolve({ filter: builtinPattern }, (args) =>
      args.kind === "require-call"
        ? { path: args.path, external: true }
        : { path: args.path.replace(/^node:/, ""), namespace: "builtin-through-require" },
    );
    b.onLoad({ filter: /.*/, namespace: "builtin-through-require" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: "js",
    }));
  },
};
const vendorFile = (name) => `${name.replace(/^@/, "").replace(/\//g, "-")}.mjs`;

// Build into a fresh directory and swap it in, so a test or benchmark running meanwhile sees dist/ missing only
// for a moment. The directory is inside the project (.tmp/, ignored by git and the linters), on the file system dist/
// is on: node_modules may be a link to another one (the package test's copy, pnpm-style stores), and a rename
// across file systems fails with EXDEV.
const staging = join(root, ".tmp", `dist-build-${process.pid}`);
rmSync(staging, { recursive: true, force: true });
mkdirSync(dirname(staging), { recursive: true });
await build({
  entryPoints: Object.fromEntries(
    Object.keys(LAZY_PACKAGES).map((name) => [vendorFile(name).replace(/\.mjs$/, ""), `vendor-entry:${name}`]),
  ),
  outdir: join(staging, "vendor"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Prefer the ES module builds (the AWS SDK ships both): real named exports and better tree-shaking.
  mainFields: ["module", "main"],
  minify: true,
  legalComments: "linked",
  chunkNames: "chunks/[name]-[hash]",
  banner: { js: requireShim },
  logLevel: "warning",
  plugins: [
    builtinsThroughRequire,
    {
      name: "vendor-entries",
      setup(b) {
        b.onResolve({ filter: /^vendor-entry:/ }, (args) => ({
          path: args.path.slice("vendor-entry:".length),
          namespace: "vendor-entry",
        }));
        b.onLoad({ filter: /.*/, namespace: "vendor-entry" }, (args) => ({
          contents:
            LAZY_PACKAGES[args.path] === "cjs"
              ? `export { default } from ${JSON.stringify(args.path)};`
              : `export * from ${JSON.stringify(args.path)};`,
          resolveDir: root,
          loader: "js",
        }));
      },
    },
  ],
});
await build({
  ...ownBundle(buildId),
  entryPoints: [join(root, "src/cli.ts")],
  outfile: join(staging, "main.js"),
  define: {
    ...ownBundle(buildId).define,
    AWS_OP_VERSION: JSON.stringify(version),
    ...(commit ? { AWS_OP_COMMIT: JSON.stringify(commit) } : {}),
    "import.meta.url": "__awsOpModuleUrl",
  },
  // import.meta.url is dist/cli.js's: the path that setup writes into credential_process lines and doctor checks,
  // and what makes src/cli.ts start itself (dist/cli.js loads this file only to run it).
  banner: {
    js: `"use strict";const __awsOpModuleUrl=require("node:url").pathToFileURL(require("node:path").join(__dirname,"cli.js")).href;`,
  },
  plugins: [
    {
      name: "lazy-packages",
      setup(b) {
        const names = Object.keys(LAZY_PACKAGES).map((n) => n.replace(/[/.]/g, "\\$&"));
        b.onResolve({ filter: new RegExp(`^(${names.join("|")})$`) }, (args) => {
          if (args.kind !== "dynamic-import") {
            return {
              errors: [
                {
                  text: `${args.path} must be loaded with \`await import()\`: it is a separate file, kept off the cached path.`,
                },
              ],
            };
          }
          return { path: `./vendor/${vendorFile(args.path)}`, external: true };
        });
      },
    },
  ],
});
await build({
  ...ownBundle(buildId),
  entryPoints: [join(root, "src/cli-cached.ts")],
  outfile: join(staging, "cli.js"),
  banner: { js: `#!/usr/bin/env node\n"use strict";` },
  // The full CLI, loaded for anything but a cache hit, is the file next to it.
  plugins: [cachedPathOnly({ path: "./main.js", external: true })],
});
writeFileSync(join(staging, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
chmodSync(join(staging, "cli.js"), 0o755);
rmSync(join(root, "dist"), { recursive: true, force: true });
renameSync(staging, join(root, "dist"));

// The test double gets an absolute interpreter path so it runs even where PATH holds no `node`.
rmSync(join(root, "test-dist"), { recursive: true, force: true });
mkdirSync(join(root, "test-dist/bin"), { recursive: true });
await build(fakeOpBuildOptions(join(root, "test/fake-op/op.ts"), join(root, "test-dist/bin/op")));
chmodSync(join(root, "test-dist/bin/op"), 0o755);

// `npm run demo` runs this bundle (it uses the test double's fixtures, which are TypeScript).
await build({
  entryPoints: [join(root, "scripts/demo.ts")],
  outfile: join(root, "test-dist/demo.mjs"),
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  banner: { js: requireShim },
  logLevel: "warning",
});
