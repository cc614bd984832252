// What aws-op's own bundles share, for scripts/build.mjs (the npm package's dist/) and scripts/build-exe.mjs (the
// single executables' entry): the esbuild options and the plugin that keeps the cached path's entry small.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What a build of aws-op's own code is: a digest of its sources and version. The hit index records it, so that an
 * entry written by another build (an upgrade that resolves profiles differently) is never served by this one; the
 * npm package's two bundles and the single executables built from the same sources carry the same one.
 */
export function sourceBuildId(root, version) {
  const hash = createHash("sha256").update(`${version}\0`);
  const files = readdirSync(join(root, "src"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of files)
    hash
      .update(`${file.slice(root.length)}\0`)
      .update(readFileSync(file))
      .update("\0");
  return hash.digest("hex").slice(0, 16);
}

/** What aws-op's own bundles are: one minified CommonJS file each (see scripts/build.mjs's header). */
export function ownBundle(buildId) {
  return {
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    mainFields: ["module", "main"],
    minify: true,
    legalComments: "linked",
    logLevel: "warning",
    define: { AWS_OP_BUILD: JSON.stringify(buildId) },
  };
}

/**
 * The plugin for the cached path's entry (src/cli-cached.ts): its `require("./cli.js")`, the hand-over to the full
 * CLI, resolves to `handover` (an esbuild resolve result: dist/main.js next to it, or the executable's loader), and
 * what src/ loads with `await import()`, never needed on the (synchronous) cached path, is left out.
 */
export function cachedPathOnly(handover) {
  return {
    name: "cached-path-only",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "require-call" && args.path === "./cli.js" && args.importer.endsWith("cli-cached.ts")) {
          return handover;
        }
        if (args.kind === "dynamic-import") return { path: args.path, namespace: "not-on-cached-path" };
        return undefined;
      });
      b.onLoad({ filter: /.*/, namespace: "not-on-cached-path" }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is not part of dist/cli.js: the cached path never loads it`)});`,
        loader: "js",
      }));
    },
  };
}
