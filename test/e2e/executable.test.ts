// The single executables (npm run build:exe) on what only they have: what --version says, no Node.js on PATH,
// a cache hit that loads no more than dist/cli.js does, the credential_process lines they write beside the npm
// package's, NODE_OPTIONS ignored, and the arm64 executable under qemu-user. Runs in the executable's pass of
// .ci/run (AWS_OP_TEST_EXE names dist-exe/aws-op-linux-x64), where the end-to-end files that start aws-op through
// the sandbox (process, exec, exec --server, env, setup, login) run against the executable too; skipped elsewhere,
// as there is no executable to test.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { exeNodeDirectory } from "../../scripts/exe-node.mjs";
import { buildCredentialProcessLine } from "../../src/config/command-line.js";
import { awsConfig, callerArn, useAliceWorld } from "../helpers/alice-world.js";
import { findExecutable, requireTools } from "../helpers/moto.js";
import { cliPath, testExecutable, type RunResult, type Sandbox } from "../helpers/sandbox.js";
import { testHookNames } from "../helpers/test-hooks.js";

const tools = requireTools(["moto_server", "aws"]);
/** Debian's qemu-user-static and the arm64 C libraries it runs the arm64 Node.js with (libc6-arm64-cross & co). */
const QEMU = "qemu-aarch64-static";
const ARM64_SYSROOT = "/usr/aarch64-linux-gnu";

const WORK = { region: "eu-west-1", op_vault: "Work", op_item: "AWS work" } as const;

/** The Node.js version the executable embeds, from its --version ("embedded Node.js v26.12.1"). */
function embeddedNodeVersion(versionText: string): string {
  const version = /embedded Node\.js v(\d+\.\d+\.\d+)/.exec(versionText)?.[1];
  if (!version) throw new Error(`no embedded Node.js version in: ${versionText}`);
  return version;
}

/** The Node.js built-ins a run loaded, as NODE_DEBUG=module reports them ("load built-in module fs"). */
function builtinsLoaded(result: RunResult): Set<string> {
  return new Set([...result.stderr.matchAll(/load built-in module (\S+)/g)].map((m) => m[1] ?? ""));
}

interface DoctorCheck {
  title: string;
  ok: boolean;
  detail: string;
}

function lineCheck(result: RunResult, profile: string): DoctorCheck | undefined {
  const report = JSON.parse(result.stdout) as { checks: DoctorCheck[] };
  return report.checks.find((check) => check.title === `[${profile}] credential_process runnable`);
}

describe.skipIf(!testExecutable || !tools.available)("the single executable end to end", () => {
  const exe = testExecutable ?? "";
  let sandbox: Sandbox;
  let versionText = "";
  /** The npm package's line for profile "npm": Node.js by absolute path, then dist/cli.js, as setup writes it. */
  const npmLine = buildCredentialProcessLine({ nodePath: process.execPath, cliPath, profile: "npm" });

  useAliceWorld(
    {
      config: awsConfig({
        work: WORK,
        npm: { ...WORK, credential_process: npmLine },
        gone: { ...WORK, credential_process: "/nonexistent/bin/aws-op process --profile gone" },
        arm: WORK,
      }),
    },
    async (world) => {
      sandbox = world.sandbox;
      const version = await sandbox.run(["--version"]);
      expect(version.status).toBe(0);
      versionText = version.stdout.trim();
    },
  );

  it("--version says it is the single executable for linux-x64, the Node.js it embeds, and its commit", () => {
    expect(versionText).toMatch(
      /^\d+\.\d+\.\d+\S* \(single executable for linux-x64, embedded Node\.js v\d+\.\d+\.\d+, commit [0-9a-f]{12}(-dirty)?\)$/,
    );
  });

  it("runs with no node on PATH, and so do the commands it starts", async () => {
    const shell = await sandbox.exec("/bin/sh", ["-c", "command -v node"]);
    expect(shell.status).not.toBe(0);
    const child = await sandbox.run(["exec", "work", "--", "/bin/sh", "-c", "command -v node || echo none"], {
      stdoutMayHoldCredentials: true,
    });
    expect(child.stderr).toBe("");
    expect(child.stdout).toBe("none\n");
  });

  it("a cache hit loads no Node.js built-in that dist/cli.js does not (on the same Node.js), and nothing embedded", async () => {
    const args = ["process", "--profile", "work"];
    const debug = { env: { NODE_DEBUG: "module" } };
    // A miss, which writes the hit index: it loads the embedded full CLI, so the detector sees embedded files.
    await sandbox.run(["clear", "--all"]);
    // The config must be old enough to be indexed, as a user's is (hit-index.ts's racy margin).
    await sandbox.filesSettled();
    const miss = await sandbox.run(args, debug);
    expect(miss.status).toBe(0);
    expect(miss.stderr).toContain("Module._load REQUEST ./main.js");
    // Served by the main script alone: its hit-index build id (AWS_OP_BUILD) is the embedded full CLI's, which wrote
    // the entry (a main script without it would be build "source" and miss every entry).
    const hit = await sandbox.run(args, debug);
    expect(hit.status).toBe(0);
    expect(JSON.parse(hit.stdout)).toHaveProperty("AccessKeyId");
    expect(hit.stderr).not.toContain("Module._load");
    // The npm package's entry on the Node.js the executable embeds, on the same hit.
    const node = join(exeNodeDirectory("x64", embeddedNodeVersion(versionText)), "bin", "node");
    expect(existsSync(node)).toBe(true);
    const npmHit = await sandbox.exec(node, [cliPath, ...args], { ...debug, stdoutMayHoldCredentials: true });
    expect(npmHit.status).toBe(0);
    expect(npmHit.stderr).toContain("Module._load REQUEST node:fs");
    // The npm package built from the same sources has the same build id: it serves the executable's entry too.
    expect(npmHit.stderr).not.toContain("./main.js");
    const extra = [...builtinsLoaded(hit)].filter((name) => !builtinsLoaded(npmHit).has(name));
    expect(extra).toEqual([]);
  });

  it("setup writes `EXECUTABLE process --profile NAME`, beside the npm package's line, and AWS tools run both", async () => {
    const setup = await sandbox.run([
      ...["setup", "fresh", "--vault", "Work", "--item", "AWS work", "--region", "eu-west-1", "--offline"],
    ]);
    expect(setup.status).toBe(0);
    const config = readFileSync(sandbox.configPath, "utf8");
    expect(config).toContain(`credential_process = ${exe} process --profile fresh\n`);
    expect(config).toContain(`credential_process = ${npmLine}\n`);
    await sandbox.run(["clear", "--all"]);
    expect(await callerArn(sandbox, "fresh")).toMatch(/^arn:aws:sts::123456789012:/);
    expect(await callerArn(sandbox, "npm")).toMatch(/^arn:aws:sts::123456789012:/);
  });

  it("doctor, from the executable or the npm package, checks both lines; --fix re-points only the one whose executable is gone", async () => {
    const fromExe = await sandbox.run(["doctor", "--offline", "--json"]);
    expect(lineCheck(fromExe, "fresh")).toMatchObject({ ok: true, detail: exe });
    expect(lineCheck(fromExe, "npm")).toMatchObject({ ok: true, detail: `${process.execPath} ${cliPath}` });
    expect(lineCheck(fromExe, "gone")).toMatchObject({ ok: false });
    expect(lineCheck(fromExe, "gone")?.detail).toContain("/nonexistent/bin/aws-op does not exist");
    const fromNpm = await sandbox.exec(process.execPath, [cliPath, "doctor", "--offline", "--json"]);
    expect(lineCheck(fromNpm, "fresh")).toMatchObject({ ok: true, detail: exe });

    const fix = await sandbox.run(["doctor", "--fix", "--offline", "--json"]);
    expect(fix.stderr).toContain("Pointed credential_process of [gone] at this aws-op");
    const config = readFileSync(sandbox.configPath, "utf8");
    expect(config).toContain(`credential_process = ${exe} process --profile gone\n`);
    expect(config).toContain(`credential_process = ${npmLine}\n`);
    expect(lineCheck(fix, "gone")).toMatchObject({ ok: true, detail: exe });
  });

  it("holds no test hook, for either architecture: no variable the tests or the fake op read, no test switch", () => {
    const names = testHookNames();
    expect(names).toContain("AWS_OP_TEST_EXE");
    const found: string[] = [];
    for (const file of [exe, join(dirname(exe), "aws-op-linux-arm64")]) {
      // The blob holds the main script and the assets as plain text (no code cache, no snapshot).
      const bytes = readFileSync(file);
      expect(bytes.includes("single executable for ")).toBe(true);
      for (const name of names) if (bytes.includes(name)) found.push(`${file}: ${name}`);
    }
    expect(found).toEqual([]);
  });

  it("ignores NODE_OPTIONS (set for the user's own Node.js programs, not for aws-op)", async () => {
    const result = await sandbox.run(["--version"], { env: { NODE_OPTIONS: "--require /nonexistent/hook.js" } });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe(versionText);
  });

  describe("the arm64 executable under qemu-user", () => {
    const arm64 = join(dirname(exe), "aws-op-linux-arm64");
    const qemu = findExecutable(QEMU);
    const underQemu = (args: string[]) =>
      sandbox.exec(qemu ?? QEMU, ["-L", ARM64_SYSROOT, arm64, ...args], {
        timeoutMs: 120_000,
        stdoutMayHoldCredentials: true,
      });

    beforeAll(() => {
      // Required, not skipped, in this pass: .ci/run installs qemu-user-static and builds both executables.
      expect(existsSync(arm64), `${arm64} (npm run build:exe builds it)`).toBe(true);
      expect(qemu, `${QEMU} (Debian's qemu-user-static)`).toBeDefined();
      expect(
        existsSync(join(ARM64_SYSROOT, "lib", "ld-linux-aarch64.so.1")),
        `${ARM64_SYSROOT} (libc6-arm64-cross)`,
      ).toBe(true);
    });

    it("--version says linux-arm64 and the same version, Node.js and commit", async () => {
      const result = await underQemu(["--version"]);
      expect(result.stderr).toBe("");
      expect(result.stdout.trim()).toBe(versionText.replace("linux-x64", "linux-arm64"));
    }, 120_000);

    it("process: a cold run fetches a session (one op call), the next is served from the cache (none)", async () => {
      // The profiles share one item, and so one session: none cached.
      expect((await sandbox.run(["clear", "--all"])).status).toBe(0);
      const opBefore = sandbox.opCalls().length;
      const cold = await underQemu(["process", "--profile", "arm"]);
      expect(cold.stderr).toBe("");
      expect(cold.status).toBe(0);
      expect(sandbox.opCalls().length - opBefore).toBe(1);
      const warm = await underQemu(["process", "--profile", "arm"]);
      expect(warm.stderr).toBe("");
      expect(warm.status).toBe(0);
      expect(sandbox.opCalls().length - opBefore).toBe(1);
      const [coldDoc, warmDoc] = [cold, warm].map((r) => JSON.parse(r.stdout) as Record<string, unknown>);
      expect(coldDoc).toHaveProperty("SessionToken");
      expect(warmDoc).toEqual(coldDoc);
    }, 240_000);
  });
});
