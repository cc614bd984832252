// The single executable's hand-over to the full CLI (scripts/build-exe.mjs). The executable's main script is the
// cached path's entry (src/cli-cached.ts) built with this module in place of `require("./main.js")`; the npm
// package's dist/main.js and dist/vendor/** ride along as the executable's assets (node:sea), byte for byte. Only
// on a miss does this run: it serves those assets to Node's own module loaders through in-thread hooks
// (module.registerHooks, Node 22.15+), then requires dist/main.js, which runs as it does from the npm package and
// imports its vendor bundles (ES modules with relative imports of shared chunks) as it always does.
// The assets live at file URLs under the executable's own path (`file:///usr/local/bin/aws-op/main.js`): a path
// below a file, which nothing on disk can ever hold (ENOTDIR), and which stack traces show as aws-op's own. Embedded
// code may load only other assets (relative specifiers) and Node built-ins: any other specifier is refused rather
// than looked up in node_modules directories on disk, so the executable runs only the code it was built with.

/** The asset key of the embedded full CLI (dist/main.js); dist/vendor/x.mjs is "vendor/x.mjs". */
export const EMBEDDED_MAIN = "main.js";

interface ResolveContext {
  parentURL?: string | undefined;
}
interface ResolveResult {
  url: string;
  format?: string | null | undefined;
  shortCircuit?: boolean;
}
interface LoadResult {
  format?: string | null | undefined;
  source?: string | ArrayBuffer | Uint8Array | null | undefined;
  shortCircuit?: boolean;
}
/** What module.registerHooks (Node 22.15+) takes, as far as used here; @types/node 20 does not declare it. */
interface ModuleHooks {
  resolve(
    specifier: string,
    context: ResolveContext,
    next: (s: string, c: ResolveContext) => ResolveResult,
  ): ResolveResult;
  load(url: string, context: object, next: (u: string, c: object) => LoadResult): LoadResult;
}

/** How a specifier requested by embedded code is served: an asset (by URL and key), a built-in, or refused. */
export type EmbeddedResolution =
  { kind: "asset"; url: string; key: string } | { kind: "builtin" } | { kind: "refused"; reason: string };

/**
 * Where `specifier`, requested by the module at `parentURL` (under `root`, the assets' base URL ending in "/"),
 * comes from. `isBuiltin` is module.isBuiltin; `hasAsset` says whether the executable holds a key.
 */
export function resolveEmbedded(
  specifier: string,
  parentURL: string,
  root: string,
  isBuiltin: (specifier: string) => boolean,
  hasAsset: (key: string) => boolean,
): EmbeddedResolution {
  if (isBuiltin(specifier)) return { kind: "builtin" };
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) {
    return { kind: "refused", reason: "the single executable loads only its own files and Node.js built-ins" };
  }
  const url = new URL(specifier, parentURL).href;
  const key = url.startsWith(root) ? decodeURIComponent(url.slice(root.length)) : undefined;
  if (key === undefined || !hasAsset(key)) {
    return { kind: "refused", reason: "the single executable holds no such file" };
  }
  return { kind: "asset", url, key };
}

/** The module format of an asset: the bundles are CommonJS .js files and ES module .mjs files (dist/package.json). */
export function assetFormat(key: string): "module" | "commonjs" {
  return key.endsWith(".mjs") ? "module" : "commonjs";
}

/** The hooks that serve the executable's assets below `root` and refuse anything else embedded code asks for. */
export function embeddedModuleHooks(
  root: string,
  isBuiltin: (specifier: string) => boolean,
  hasAsset: (key: string) => boolean,
  readAsset: (key: string) => string,
): ModuleHooks {
  return {
    resolve(specifier, context, next) {
      const parent = context.parentURL;
      if (parent === undefined || !parent.startsWith(root)) return next(specifier, context);
      const resolution = resolveEmbedded(specifier, parent, root, isBuiltin, hasAsset);
      if (resolution.kind === "builtin") return next(specifier, context);
      if (resolution.kind === "refused") {
        throw Object.assign(new Error(`Cannot find module "${specifier}" from ${parent}: ${resolution.reason}`), {
          code: "ERR_MODULE_NOT_FOUND",
        });
      }
      return { url: resolution.url, format: assetFormat(resolution.key), shortCircuit: true };
    },
    load(url, context, next) {
      if (!url.startsWith(root)) return next(url, context);
      const key = decodeURIComponent(url.slice(root.length));
      return { format: assetFormat(key), source: readAsset(key), shortCircuit: true };
    },
  };
}

/** Run the embedded full CLI (dist/main.js) on this process's argv, as dist/cli.js hands over to it on a miss. */
export function runEmbeddedCli(): void {
  const sea = process.getBuiltinModule("node:sea");
  const nodeModule = process.getBuiltinModule("node:module") as typeof import("node:module") & {
    registerHooks?: (hooks: ModuleHooks) => unknown;
  };
  const { pathToFileURL } = process.getBuiltinModule("node:url");
  if (typeof nodeModule.registerHooks !== "function") {
    // scripts/build-exe.mjs embeds a Node.js that has it; this would be a build of the wrong Node.js.
    throw new Error("This aws-op executable was built with a Node.js without module.registerHooks (22.15+).");
  }
  const root = pathToFileURL(`${process.execPath}/`).href;
  // getAssetKeys is Node 24.8+; before it, getAsset itself throws for a key the executable does not hold.
  const keys = (sea as { getAssetKeys?: () => string[] }).getAssetKeys?.();
  const hasAsset = keys
    ? (key: string) => keys.includes(key)
    : (key: string) => {
        try {
          sea.getRawAsset(key);
          return true;
        } catch {
          return false;
        }
      };
  nodeModule.registerHooks(
    embeddedModuleHooks(root, nodeModule.isBuiltin, hasAsset, (key) => sea.getAsset(key, "utf8")),
  );
  nodeModule.createRequire(root)(`./${EMBEDDED_MAIN}`);
}
