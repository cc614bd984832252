// Builds the product bundle (dist/) and the 1Password CLI test double (test-dist/).
// The CLI is bundled with code splitting so that the cached path of `aws-op process` loads one small file,
// while the AWS SDK, prompts and the other commands sit in chunks loaded only when needed.
import { build } from "esbuild";
import { chmodSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// ESM bundles of CommonJS dependencies still call require() for Node built-ins.
const requireShim =
  "import { createRequire as __awsOpCreateRequire } from 'node:module'; const require = __awsOpCreateRequire(import.meta.url);";

const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

rmSync(join(root, "dist"), { recursive: true, force: true });
await build({
  entryPoints: [join(root, "src/cli.ts")],
  outdir: join(root, "dist"),
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
  define: { AWS_OP_VERSION: JSON.stringify(version) },
  banner: { js: `#!/usr/bin/env node\n${requireShim}` },
  logLevel: "warning",
});
chmodSync(join(root, "dist/cli.js"), 0o755);

// The test double gets an absolute interpreter path so it runs even where PATH holds no `node`.
rmSync(join(root, "test-dist"), { recursive: true, force: true });
mkdirSync(join(root, "test-dist/bin"), { recursive: true });
await build({
  entryPoints: [join(root, "test/fake-op/op.ts")],
  outfile: join(root, "test-dist/bin/op"),
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  banner: { js: `#!${process.execPath}\n${requireShim}` },
  logLevel: "warning",
});
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
