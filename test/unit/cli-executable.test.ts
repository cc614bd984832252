// How the single executable serves its embedded files to Node's module loaders (src/cli-executable.ts): relative
// specifiers of embedded code resolve to assets it holds, built-ins go to Node, and anything else is refused rather
// than looked up on disk. The executable itself is run by test/e2e/executable.test.ts.
import { isBuiltin } from "node:module";
import { describe, expect, it } from "vitest";
import { assetFormat, embeddedModuleHooks, resolveEmbedded } from "../../src/cli-executable.js";

const ROOT = "file:///usr/local/bin/aws-op/";
const KEYS = new Set(["main.js", "vendor/commander.mjs", "vendor/chunks/chunk-AB12.mjs"]);
const hasAsset = (key: string) => KEYS.has(key);
const resolve = (specifier: string, parent = `${ROOT}main.js`) =>
  resolveEmbedded(specifier, parent, ROOT, isBuiltin, hasAsset);

describe("the single executable's embedded modules", () => {
  it("resolves relative specifiers of embedded code to the assets it holds", () => {
    expect(resolve("./vendor/commander.mjs")).toEqual({
      kind: "asset",
      url: `${ROOT}vendor/commander.mjs`,
      key: "vendor/commander.mjs",
    });
    expect(resolve("./chunks/chunk-AB12.mjs", `${ROOT}vendor/commander.mjs`)).toMatchObject({
      key: "vendor/chunks/chunk-AB12.mjs",
    });
    expect(resolve("../main.js", `${ROOT}vendor/commander.mjs`)).toMatchObject({ key: "main.js" });
  });

  it("hands built-ins to Node.js, with or without the node: prefix", () => {
    for (const specifier of ["node:fs", "fs", "node:sea", "node:module"]) {
      expect(resolve(specifier)).toEqual({ kind: "builtin" });
    }
  });

  it.each([
    ["a package name (no node_modules lookup on disk)", "proper-lockfile"],
    ["an absolute path", "/etc/passwd"],
    ["a file URL", "file:///tmp/evil.mjs"],
    ["a path out of the executable", "../../../tmp/evil.mjs"],
    ["a file it does not hold", "./vendor/missing.mjs"],
  ])("refuses %s", (_what, specifier) => {
    expect(resolve(specifier)).toMatchObject({ kind: "refused" });
  });

  it("bundles are CommonJS .js files and ES module .mjs files", () => {
    expect(assetFormat("main.js")).toBe("commonjs");
    expect(assetFormat("vendor/chunks/chunk-AB12.mjs")).toBe("module");
  });

  it("the hooks serve assets under the root and pass everything else on", () => {
    const read: string[] = [];
    const hooks = embeddedModuleHooks(ROOT, isBuiltin, hasAsset, (key) => {
      read.push(key);
      return `/* ${key} */`;
    });
    const nextResolve = (specifier: string) => ({ url: `next:${specifier}` });
    const nextLoad = (url: string) => ({ format: "next", source: url });
    // A module that is not embedded (nothing is, outside the executable) resolves as usual.
    expect(hooks.resolve("./x.js", { parentURL: "file:///home/u/x.js" }, nextResolve)).toEqual({ url: "next:./x.js" });
    expect(hooks.resolve("node:fs", { parentURL: `${ROOT}main.js` }, nextResolve)).toEqual({ url: "next:node:fs" });
    expect(hooks.resolve("./vendor/commander.mjs", { parentURL: `${ROOT}main.js` }, nextResolve)).toEqual({
      url: `${ROOT}vendor/commander.mjs`,
      format: "module",
      shortCircuit: true,
    });
    expect(() => hooks.resolve("lodash", { parentURL: `${ROOT}main.js` }, nextResolve)).toThrow(
      /Cannot find module "lodash".*only its own files and Node.js built-ins/,
    );
    expect(hooks.load(`${ROOT}main.js`, {}, nextLoad)).toEqual({
      format: "commonjs",
      source: "/* main.js */",
      shortCircuit: true,
    });
    expect(hooks.load("node:fs", {}, nextLoad)).toEqual({ format: "next", source: "node:fs" });
    expect(read).toEqual(["main.js"]);
  });
});
