// A repository (or any directory an AWS command runs in) that plants AWS configuration or expects session files:
// aws-op reads configuration and writes its cache only at absolute locations, expands "~/" in AWS_CONFIG_FILE as
// botocore and the JS SDK do, ignores a relative XDG_CACHE_HOME, and runs op_cli only as a bare name or an
// absolute path. (An empty HOME is covered by the unit tests of homeDirectory, awsFilePaths and cacheDirectory: here
// it would fall back to the real home of the user running the tests.)
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStore, scriptRecipeItem } from "../../fake-op/fixture.js";
import { cliPath, createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { startFakeSts, type FakeSts } from "./fake-sts.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

const KEY = { accessKeyId: "AKIAPLANTED000000001", secretAccessKey: "plantedSecret000000000000000000000000000" };

describe("planted configuration in the working directory", () => {
  let sandbox: Sandbox;
  let repo: string;
  let marker: string;
  let sts: FakeSts;

  beforeAll(async () => {
    sts = await startFakeSts();
    repo = makeTempDir("aws-op-repo-");
    marker = join(repo, "payload-ran");
    writeFileSync(join(repo, "payload.sh"), `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(join(repo, "payload.sh"), 0o755);
    const planted = "[default]\nop_item = AWS work\nop_vault = Work\nop_cli = ./payload.sh\n";
    for (const dir of [join(repo, "~", ".aws"), join(repo, ".aws")]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "config"), planted);
      writeFileSync(join(dir, "credentials"), planted);
    }
    sandbox = createSandbox({
      endpoint: sts.url,
      store: makeStore({ vault: "Work", items: [scriptRecipeItem({ title: "AWS work", ...KEY })] }),
    });
    sandbox.writeConfig("[default]\nop_item = AWS work\nop_vault = Work\n");
  });

  afterAll(async () => {
    await sts?.stop();
  });

  it("AWS_CONFIG_FILE='~/.aws/config' means the home directory's file, not ./~/.aws/config (regression: the planted op_cli ran)", async () => {
    const result = await sandbox.run(["process"], {
      cwd: repo,
      env: { AWS_CONFIG_FILE: "~/.aws/config", AWS_SHARED_CREDENTIALS_FILE: "~/.aws/credentials" },
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty("AccessKeyId");
    expect(existsSync(marker)).toBe(false);
  });

  it("a relative AWS_CONFIG_FILE is refused, naming the variable, and nothing from it runs", async () => {
    const result = await sandbox.run(["process"], { cwd: repo, env: { AWS_CONFIG_FILE: ".aws/config" } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('AWS_CONFIG_FILE = ".aws/config" is a relative path');
    expect(existsSync(marker)).toBe(false);
  });

  it("op_cli = ./payload.sh is refused: only a bare name on PATH or an absolute path runs", async () => {
    sandbox.writeConfig("[default]\nop_item = AWS work\nop_vault = Work\nop_cli = ./payload.sh\n");
    try {
      const result = await sandbox.run(["process"], { cwd: repo });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('op_cli = "./payload.sh" is neither a bare command name');
      expect(existsSync(marker)).toBe(false);
    } finally {
      sandbox.writeConfig("[default]\nop_item = AWS work\nop_vault = Work\n");
    }
  });

  it("a relative XDG_CACHE_HOME is ignored: sessions go to ~/.cache/aws-op, never into the working tree", async () => {
    const result = await sandbox.run(["process"], { cwd: repo, env: { XDG_CACHE_HOME: "cache" } });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(existsSync(join(repo, "cache"))).toBe(false);
    expect(readdirSync(join(sandbox.home, ".cache", "aws-op")).length).toBeGreaterThan(0);
  });
});

// An empty PATH entry (`a::b`, a leading or trailing ":", common in hand-edited shell files) is the working
// directory to the system's own search (execvp). aws-op finds each helper on PATH without it and must then run
// what it found, not the bare name: a repository's ./op, ./zenity, ./notify-send or ./<op_mfa_process word> never
// runs. Each planted one leaves a marker and prints a code of its own; the real ones are in a directory on PATH.
describe("helpers and op with an empty PATH entry, planted in the working directory", () => {
  const SERIAL = "arn:aws:iam::123456789012:mfa/alice";
  const PLANTED = ["op", "zenity", "notify-send", "mfa-helper"];
  let sandbox: Sandbox;
  let sts: FakeSts;
  let repo: string;
  let bin: string;
  let env: Record<string, string>;

  const ran = () => PLANTED.filter((name) => existsSync(join(repo, `ran-${name}`)));

  beforeAll(async () => {
    sts = await startFakeSts();
    repo = makeTempDir("aws-op-planted-helpers-");
    for (const name of PLANTED) {
      writeFileSync(join(repo, name), `#!/bin/sh\ntouch '${join(repo, `ran-${name}`)}'\necho 999999\n`);
      chmodSync(join(repo, name), 0o755);
    }
    bin = makeTempDir("aws-op-real-helpers-");
    const helpers = {
      zenity: "echo 111111",
      "mfa-helper": "echo 222222",
      "notify-send": `echo "$*" >> '${bin}/notices'`,
    };
    for (const [name, body] of Object.entries(helpers)) {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    }
    sandbox = createSandbox({
      endpoint: sts.url,
      store: makeStore({ vault: "Work", items: [scriptRecipeItem({ title: "AWS work", ...KEY })] }),
    });
    const item = "op_item = AWS work\nop_vault = Work\nop_mfa_serial = " + SERIAL;
    sandbox.writeConfig(
      [
        `[profile dialog]\n${item}\nop_mfa_prompt = zenity`,
        `[profile mfa-process]\n${item}\nop_mfa_process = mfa-helper --account alice`,
        "[profile missing]\nop_item = No such item\nop_vault = Work",
        "",
      ].join("\n"),
    );
    // The empty entry first: the system's search would look in the working directory before anything else.
    env = { PATH: `:${bin}:${sandbox.env().PATH ?? ""}`, DISPLAY: ":0" };
  });

  afterAll(async () => {
    await sts?.stop();
  });

  it("op and the zenity dialog run from PATH, never from the working directory", async () => {
    const result = await sandbox.run(["process", "--profile", "dialog"], { cwd: repo, env });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(sts.requests.filter((r) => r.action === "GetSessionToken").at(-1)?.tokenCode).toBe("111111");
    expect(ran()).toEqual([]);
  });

  it("op_mfa_process's command word runs from PATH, never from the working directory", async () => {
    await sandbox.run(["clear", "--all"]);
    const result = await sandbox.run(["process", "--profile", "mfa-process"], { cwd: repo, env });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(sts.requests.filter((r) => r.action === "GetSessionToken").at(-1)?.tokenCode).toBe("222222");
    expect(ran()).toEqual([]);
  });

  it("the failure notice's notify-send runs from PATH, never from the working directory", async () => {
    // No terminal (setsid): a failing process shows a desktop notice, started and left to run.
    const result = await sandbox.exec("setsid", ["-w", process.execPath, cliPath, "process", "--profile", "missing"], {
      cwd: repo,
      env,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('"No such item"');
    const notices = join(bin, "notices");
    for (let i = 0; i < 100 && !existsSync(notices) && ran().length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(ran()).toEqual([]);
    expect(readFileSync(notices, "utf8")).toContain('AWS profile "missing" has no credentials');
  });
});
