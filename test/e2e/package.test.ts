// aws-op as an npm package: `npm pack` on a copy of the project without dist/ builds it (prepack), the tarball holds
// dist/ and the documents and nothing else, and `npm install -g ./aws-op-X.tgz` into a temporary prefix gives an
// `aws-op` that serves credentials to the AWS CLI (every package it uses at run time is bundled into dist/, so the
// install fetches nothing). `npm install -g .` from the copy (prepare) works as well.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../fake-op/fixture.js";
import { requireTools, startAliceWorld, type Moto } from "../helpers/moto.js";
import { spawnAsync, type Sandbox } from "../helpers/sandbox.js";
import { testHookNames } from "../helpers/test-hooks.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

const tools = requireTools(["moto_server", "aws", "git"]);

/** The npm CLI that runs this test's Node (the npm of every CI pass). */
function npm(args: string[], cwd: string) {
  // vitest may run under npm (npm test): its npm_* settings must not reach these commands.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return spawnAsync(
    "sh",
    ["-c", 'cd "$1" && shift && exec npm "$@"', "sh", cwd, ...args, "--no-audit", "--no-fund", "--loglevel=error"],
    env,
    { timeoutMs: 120_000 },
  );
}

/** A tmpfs that is another file system than this checkout's node_modules, where this machine has one. */
const otherFileSystem = (() => {
  try {
    return statSync("/dev/shm").dev !== statSync(join(repoRoot, "node_modules")).dev ? "/dev/shm" : undefined;
  } catch {
    return undefined;
  }
})();

describe.skipIf(!tools.available)("aws-op as an npm package", () => {
  let moto: Moto;
  let sandbox: Sandbox;
  let work: string;
  let copy: string;
  let tarball: string;

  beforeAll(async () => {
    ({ moto, sandbox } = await startAliceWorld());
    work = makeTempDir("aws-op-package-");
    // The project as a clone has it: the files git knows (committed or not, never ignored ones such as dist/),
    // with this checkout's node_modules for the build tools.
    copy = join(work, "aws-op");
    const listed = await spawnAsync(
      "git",
      ["-C", repoRoot, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
      process.env,
    );
    expect(listed.status).toBe(0);
    for (const file of listed.stdout.split("\0").filter(Boolean)) {
      if (!existsSync(join(repoRoot, file))) continue; // deleted in the work tree
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(repoRoot, file), join(copy, file));
    }
    symlinkSync(join(repoRoot, "node_modules"), join(copy, "node_modules"));
    expect(existsSync(join(copy, "dist"))).toBe(false);
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("npm pack builds dist/ (prepack) and packs dist/, docs/, README.md, CHANGELOG.md, SECURITY.md and package.json only", async () => {
    const packed = await npm(["pack", "--pack-destination", work], copy);
    expect(packed.status).toBe(0);
    tarball = join(work, packed.stdout.trim().split("\n").at(-1) ?? "");
    expect(tarball).toMatch(/aws-op-\d+\.\d+\.\d+.*\.tgz$/);
    const listing = await spawnAsync("tar", ["-tzf", tarball], process.env);
    const files = listing.stdout.trim().split("\n").sort();
    const outsideDist = files.filter((f) => !f.startsWith("package/dist/") && !f.startsWith("package/docs/"));
    expect(outsideDist).toEqual([
      "package/CHANGELOG.md",
      "package/README.md",
      "package/SECURITY.md",
      "package/package.json",
    ]);
    // The README's links into docs/ work in the installed package too.
    const docs = files.filter((f) => f.startsWith("package/docs/"));
    expect(docs).toContain("package/docs/configuration.md");
    expect(docs.filter((f) => !f.endsWith(".md"))).toEqual([]);
    expect(files).toContain("package/dist/cli.js");
    // The full CLI, which dist/cli.js (the cached path's entry) loads for everything else.
    expect(files).toContain("package/dist/main.js");
    expect(files).toContain("package/dist/package.json");
    expect(files.some((f) => f.startsWith("package/dist/vendor/") && f.endsWith(".mjs"))).toBe(true);
    // What the tests use (the fake op, the demo) is not the product.
    expect(files.filter((f) => /test-dist|fake-op|\.ts$/.test(f))).toEqual([]);
  });

  it("no test hook is reachable in the packed dist/: no variable the tests or the fake op read, no test switch", async () => {
    expect(tarball).toBeDefined();
    const names = testHookNames();
    expect(names).toContain("AWS_OP_TEST_CLOCK_OFFSET_FILE");
    const unpacked = join(work, "unpacked");
    mkdirSync(unpacked);
    expect((await spawnAsync("tar", ["-xzf", tarball, "-C", unpacked], process.env)).status).toBe(0);
    const dist = join(unpacked, "package", "dist");
    const found: string[] = [];
    for (const file of readdirSync(dist, { recursive: true }) as string[]) {
      if (!statSync(join(dist, file)).isFile()) continue;
      const text = readFileSync(join(dist, file), "utf8");
      for (const name of names) if (text.includes(name)) found.push(`${file}: ${name}`);
    }
    expect(found).toEqual([]);
  });

  it("the tarball installs with npm install -g into a new prefix and its aws-op serves the AWS CLI", async () => {
    expect(tarball).toBeDefined();
    const prefix = join(work, "prefix");
    const installed = await npm(["install", "-g", "--prefix", prefix, "--prefer-offline", tarball], work);
    expect(installed.status, installed.stderr).toBe(0);
    const bin = join(prefix, "bin", "aws-op");
    // Nothing but aws-op itself was installed: it needs no packages at run time.
    expect(existsSync(join(prefix, "lib", "node_modules", "aws-op", "node_modules"))).toBe(false);
    const version = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
    const shown = await sandbox.exec(bin, ["--version"]);
    // The build, the Node.js running it and the commit (none: the packed copy is not a git checkout).
    expect(shown.stdout.trim()).toBe(
      `${version.version} (npm package, Node.js ${process.version} ${process.platform}-${process.arch}, commit unknown)`,
    );

    sandbox.writeConfig(
      [
        "[profile work]",
        "region = us-east-1",
        `credential_process = ${process.execPath} ${join(prefix, "lib", "node_modules", "aws-op", "dist", "cli.js")} process --profile work`,
        "op_vault = Work",
        "op_item = AWS work",
        "",
      ].join("\n"),
    );
    const direct = await sandbox.exec(bin, ["process", "--profile", "work"], { stdoutMayHoldCredentials: true });
    expect(direct.stderr).toBe("");
    expect(JSON.parse(direct.stdout)).toMatchObject({ Version: 1, SessionToken: expect.any(String) });
    const identity = await sandbox.exec("aws", ["sts", "get-caller-identity", "--profile", "work", "--output", "json"]);
    expect(identity.stderr).toBe("");
    expect(JSON.parse(identity.stdout)).toHaveProperty("Account", "123456789012");
  });

  it.skipIf(!otherFileSystem)(
    "the build works when node_modules is on another file system than the project (regression: EXDEV)",
    async () => {
      // The build staged dist/ under node_modules/.cache and renamed it into place: across file systems (a linked
      // node_modules, as here and in pnpm-style stores) the rename failed with EXDEV and no dist/ was made.
      const elsewhere = mkdtempSync(join(otherFileSystem ?? "/dev/shm", "aws-op-build-"));
      try {
        const project = join(elsewhere, "aws-op");
        cpSync(copy, project, {
          recursive: true,
          filter: (source) => !/[/\\](node_modules|dist|test-dist|\.tmp)$/.test(source),
        });
        symlinkSync(join(repoRoot, "node_modules"), join(project, "node_modules"));
        const built = await spawnAsync(process.execPath, [join(project, "scripts", "build.mjs")], process.env, {
          timeoutMs: 120_000,
        });
        expect(built.status, built.stderr).toBe(0);
        expect(existsSync(join(project, "dist", "cli.js"))).toBe(true);
        expect(existsSync(join(project, "dist", "main.js"))).toBe(true);
      } finally {
        rmSync(elsewhere, { recursive: true, force: true });
      }
    },
    150_000,
  );

  it("npm install -g . from the project (prepare builds dist/) gives a working aws-op", async () => {
    rmSync(join(copy, "dist"), { recursive: true, force: true });
    const prefix = join(work, "prefix-from-clone");
    const installed = await npm(["install", "-g", "--prefix", prefix, "."], copy);
    expect(installed.status, installed.stderr).toBe(0);
    expect(existsSync(join(copy, "dist", "cli.js"))).toBe(true);
    const result = await sandbox.exec(join(prefix, "bin", "aws-op"), ["process", "--profile", "work"], {
      stdoutMayHoldCredentials: true,
    });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toHaveProperty("Version", 1);
  });
});
