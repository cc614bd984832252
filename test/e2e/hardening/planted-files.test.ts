// A repository (or any directory an AWS command runs in) that plants AWS configuration or expects session files:
// aws-op reads configuration and writes its cache only at absolute locations, expands "~/" in AWS_CONFIG_FILE as
// botocore and the JS SDK do, ignores a relative XDG_CACHE_HOME, and runs op_cli only as a bare name or an
// absolute path. (An empty HOME is covered by the unit tests of homeDirectory, awsFilePaths and cacheDirectory: here
// it would fall back to the real home of the user running the tests.)
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStore, scriptRecipeItem } from "../../fake-op/fixture.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
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
