// How the fake op is bundled, in one place for scripts/build.mjs (npm run build) and ensureFakeOpBuilt in
// fixture.ts (tests of the double, which run even while the product bundle does not build). Plain JavaScript:
// scripts/build.mjs runs on Node without a TypeScript loader.

/** ESM bundles of CommonJS code still call require() for Node built-ins: this gives them one. */
export const requireShim =
  "import { createRequire as __awsOpCreateRequire } from 'node:module'; const require = __awsOpCreateRequire(import.meta.url);";

/**
 * esbuild options for the double: one ES module file, with an absolute interpreter path so that it runs even where
 * PATH holds no `node`.
 */
export function fakeOpBuildOptions(entry, outfile) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    banner: { js: `#!${process.execPath}\n${requireShim}` },
    logLevel: "warning",
  };
}
