// npm's `prepare` (npm ci / npm install in a clone, `npm install -g .`) and `prepack` (npm pack, npm publish): build
// dist/, so that neither route needs a separate build step. Every package aws-op uses at run time is bundled into
// dist/ (scripts/build.mjs), so package.json lists them all as devDependencies and the installed package needs none.
// `npm install -g .` in a fresh clone links the folder and runs this without installing the devDependencies the
// build needs: then they are installed first, from the lockfile, without running scripts.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

if (!existsSync(join(root, "node_modules", "esbuild", "package.json"))) {
  // The outer npm's settings (npm_config_global, npm_config_prefix, ...) must not turn this into a global install.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  const npm = process.env.npm_execpath;
  const [command, args] = npm ? [process.execPath, [npm]] : ["npm", []];
  console.error("aws-op: installing the build tools (npm ci --include=dev --ignore-scripts) to build dist/");
  const result = spawnSync(command, [...args, "ci", "--include=dev", "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: root,
    env,
    stdio: ["ignore", 2, 2],
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

await import("./build.mjs");
