// `aws-op login --isolate` with a real browser: Debian's Chromium, headless, follows the one-time loopback redirect
// to a stand-in of the federation endpoint (test/helpers/fake-federation.ts) that signs in by setting a cookie, and
// two AWS profiles' cookies end up in two user-data directories, the same profile's again in its own.
//
// Nothing may leave the machine: Chromium runs inside a network namespace that has only loopback. Every server the
// browser must reach (aws-op's one-time address, the federation stand-in, and moto behind aws-op) is on loopback, so
// the whole test runs in that namespace: this file re-runs itself under `unshare --net` (the outer test below), and
// there (AWS_OP_TEST_NETNS=1) moto, the stand-in, the built CLI and Chromium all start inside, where 127.0.0.1 is
// the namespace's own loopback and no other interface exists. About 15 s in all, so it runs on every Node pass of
// CI (what it checks is Chromium's and aws-op's, not Node's, but it is cheap enough not to need a skip).
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStore, makeVault, repoRoot, scriptRecipeItem } from "../fake-op/fixture.js";
import { awsConfig } from "../helpers/alice-world.js";
import { startFakeFederation, type FakeFederation } from "../helpers/fake-federation.js";
import { createIamUserWithKey, findExecutable, requireTools, startMoto, type Moto } from "../helpers/moto.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

const INSIDE = process.env.AWS_OP_TEST_NETNS === "1";
const THIS_FILE = fileURLToPath(import.meta.url);

describe.skipIf(INSIDE)("aws-op login --isolate with real Chromium, in a network namespace with only loopback", () => {
  // unshare and ip (util-linux, iproute2) are on every Debian; chromium comes from .ci/run's APT_PACKAGES.
  const tools = requireTools(["chromium", "unshare", "ip", "moto_server"]);

  it.skipIf(!tools.available)(
    "runs this file's inner test inside `unshare --net` with lo up, and it passes there",
    async () => {
      // NO_COLOR: the inner run's summary is read as plain text.
      const env: NodeJS.ProcessEnv = { ...process.env, AWS_OP_TEST_NETNS: "1", NO_COLOR: "1" };
      delete env.FORCE_COLOR;
      // The inner vitest is a run of its own: not a worker of this one, and not writing over .ci/run's JSON report.
      for (const key of Object.keys(env)) {
        if (key.startsWith("VITEST") || key === "AWS_OP_VITEST_JSON" || key === "NODE_OPTIONS") delete env[key];
      }
      // As root, a new network namespace; as anyone else, inside a user namespace of its own (where allowed).
      const unshare = process.getuid?.() === 0 ? ["--net"] : ["--map-root-user", "--net"];
      const vitest = join(repoRoot, "node_modules", "vitest", "vitest.mjs");
      const result = await new Promise<{ status: number | null; output: string }>((resolve, reject) => {
        const child = spawn(
          "unshare",
          [
            ...unshare,
            "sh",
            "-c",
            'ip link set lo up && exec "$@"',
            "sh",
            process.execPath,
            vitest,
            "run",
            THIS_FILE,
            "--reporter",
            "verbose",
          ],
          { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] },
        );
        let output = "";
        child.stdout.on("data", (c: Buffer) => (output += c.toString()));
        child.stderr.on("data", (c: Buffer) => (output += c.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), 170_000);
        child.on("error", reject);
        child.on("close", (status) => {
          clearTimeout(timer);
          resolve({ status, output });
        });
      });
      // eslint-disable-next-line no-control-regex -- the ANSI colour codes a terminal-minded reporter may still add
      const summary = result.output.replace(/\u001b\[[0-9;]*m/g, "");
      expect(summary, result.output).toMatch(/Tests\s+1 passed/);
      expect(result.status, result.output).toBe(0);
    },
    180_000,
  );
});

describe.runIf(INSIDE)("inside the network namespace", () => {
  let moto: Moto;
  let federation: FakeFederation;
  let sandbox: Sandbox;
  let wrapperDir: string;
  let runsDir: string;
  let shortTmp: string | undefined;

  beforeAll(async () => {
    moto = await startMoto();
    federation = await startFakeFederation();
    const alice = await createIamUserWithKey(moto.url, "alice");
    const bob = await createIamUserWithKey(moto.url, "bob");
    sandbox = createSandbox({
      endpoint: moto.url,
      env: { AWS_ENDPOINT_URL_SIGNIN: federation.url },
      store: makeStore({
        vaults: [
          makeVault("Work", [
            scriptRecipeItem({ title: "AWS alice", ...alice }),
            scriptRecipeItem({ title: "AWS bob", ...bob }),
          ]),
        ],
      }),
    });
    sandbox.writeConfig(
      awsConfig({
        alice: { region: "eu-west-1", op_vault: "Work", op_item: "AWS alice" },
        bob: { region: "eu-west-1", op_vault: "Work", op_item: "AWS bob" },
      }),
    );
    // `chromium` as aws-op finds it on PATH: Debian's, headless and quiet on a closed network (no GPU, QUIC,
    // background fetches, component updates, sync or keyring), with --dump-dom: it loads the page, follows the redirects, prints the
    // DOM and exits, and a clean exit writes the cookies to the profile's Cookies database. As root it needs
    // --no-sandbox. Each run leaves its exit status in runs/ for the test to wait on.
    const real = findExecutable("chromium");
    wrapperDir = makeTempDir("aws-op-chromium-");
    runsDir = join(wrapperDir, "runs");
    // Chromium's singleton socket lives in TMPDIR and a Unix socket path has at most 107 bytes: this run's TMPDIR
    // (nested below the outer run's) is too deep for it ("Socket path too long"), so Chromium gets a short one.
    shortTmp = mkdtempSync("/tmp/aws-op-cr-");
    const wrapper = join(wrapperDir, "chromium");
    writeFileSync(
      wrapper,
      [
        "#!/bin/sh",
        `TMPDIR='${shortTmp}' '${real}' --headless --no-sandbox --disable-gpu --disable-quic \\`,
        "  --disable-background-networking --disable-component-update --disable-sync --password-store=basic \\",
        `  --dump-dom "$@" > "${wrapperDir}/dom-$$.html" 2> "${wrapperDir}/stderr-$$.txt"`,
        `status=$?; mkdir -p "${runsDir}" && echo "$status" > "${runsDir}/$$"`,
        "",
      ].join("\n"),
    );
    chmodSync(wrapper, 0o755);
  }, 60_000);

  afterAll(async () => {
    if (shortTmp) rmSync(shortTmp, { recursive: true, force: true });
    await federation?.stop();
    await moto?.stop();
  });

  /** aws-op login PROFILE --browser chromium --isolate, then the (detached) Chromium run it started, to its end. */
  async function login(profile: string): Promise<string> {
    const before = existsSync(runsDir) ? readdirSync(runsDir).length : 0;
    const result = await sandbox.run(["login", profile, "--browser", "chromium", "--isolate"], {
      env: { PATH: `${wrapperDir}:${sandbox.env().PATH ?? ""}`, AWS_OP_LOGIN_TIMEOUT: "60" },
    });
    expect(result.stderr).toMatch(/opening the AWS console in Chromium, in the browser profile of/);
    expect(result.status).toBe(0);
    const deadline = Date.now() + 60_000;
    while ((existsSync(runsDir) ? readdirSync(runsDir).length : 0) <= before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const runs = readdirSync(runsDir);
    expect(runs.length).toBe(before + 1);
    const last = runs.map((name) => readFileSync(join(runsDir, name), "utf8").trim());
    expect(last.every((status) => status === "0")).toBe(true);
    const dir = /in the browser profile of "[^"]+" \(([^)]+)\)/.exec(result.stderr)?.[1];
    expect(dir).toBeDefined();
    return dir!;
  }

  /** Cookie names in a profile's Cookies database (SQLite keeps a cookie's name as plain text; values encrypted). */
  function cookieNames(userDataDir: string): string[] {
    const db = readFileSync(join(userDataDir, "Default", "Cookies")).toString("latin1");
    return [...new Set(db.match(/aws_op_console_\d+/g) ?? [])].sort();
  }

  it("two profiles' console cookies live in two user-data directories; the same profile signs in to its own again", async () => {
    // Only loopback here: nothing Chromium does can leave the machine.
    expect(Object.keys(networkInterfaces())).toEqual(["lo"]);

    const alice = await login("alice");
    const bob = await login("bob");
    const aliceAgain = await login("alice");
    expect(bob).not.toBe(alice);
    expect(aliceAgain).toBe(alice);

    // The browser followed each one-time address to the stand-in's sign-in, which set one cookie per sign-in.
    expect(federation.signins.map((s) => s.cookie)).toEqual([
      "aws_op_console_1",
      "aws_op_console_2",
      "aws_op_console_3",
    ]);
    // A fresh profile sends nothing; alice's second sign-in came with alice's cookie, and not bob's.
    expect(federation.signins[0]!.sent).toBeUndefined();
    expect(federation.signins[1]!.sent).toBeUndefined();
    expect(federation.signins[2]!.sent).toBe("aws_op_console_1=signed-in");
    // And on disk: each profile directory holds its own profile's sign-ins only.
    expect(cookieNames(alice)).toEqual(["aws_op_console_1", "aws_op_console_3"]);
    expect(cookieNames(bob)).toEqual(["aws_op_console_2"]);
  }, 150_000);
});
