// Bounded reads (issue 13, item 9): AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE naming a FIFO with no writer, a
// device that never ends, or a huge file. botocore reads only regular files (configloader.raw_config_parse skips
// anything os.path.isfile rejects, as if the file were missing); aws-op does the same, never hangs, never grows
// its memory without bound, refuses a file far larger than any AWS config, and never writes over such a path.
import { spawnSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeStore, scriptRecipeItem } from "../../fake-op/fixture.js";
import { canarySecretKey } from "../../helpers/canary.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

const KEY = { accessKeyId: "AKIABOUNDED000000001", secretAccessKey: canarySecretKey() };
const CONFIG = "[profile work]\nop_vault = Work\nop_item = AWS work\nop_session_duration = off\n";

function sandbox(): Sandbox {
  const box = createSandbox({
    store: makeStore({ vault: "Work", items: [scriptRecipeItem({ title: "AWS work", ...KEY })] }),
  });
  box.writeConfig(CONFIG);
  return box;
}

function fifo(): string {
  const path = join(makeTempDir("aws-op-fifo-"), "credentials");
  expect(spawnSync("mkfifo", [path]).status).toBe(0);
  return path;
}

/** A 96 MB heap: a read that grows without bound aborts instead of eating the machine. */
const SMALL_HEAP = { NODE_OPTIONS: "--max-old-space-size=96" };

describe("bounded reads of the AWS files", () => {
  it("AWS_SHARED_CREDENTIALS_FILE naming a FIFO with no writer: skipped as botocore does, no hang", async () => {
    const box = sandbox();
    const started = Date.now();
    const result = await box.run(["process", "--profile", "work"], {
      env: { AWS_SHARED_CREDENTIALS_FILE: fifo() },
      timeoutMs: 15_000,
    });
    expect(result.signal).toBeNull();
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty("AccessKeyId", KEY.accessKeyId);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 20_000);

  it("AWS_CONFIG_FILE naming a FIFO: read as empty (profile not found), a clean error at once", async () => {
    const box = sandbox();
    const path = fifo();
    const result = await box.run(["process", "--profile", "work"], {
      env: { AWS_CONFIG_FILE: path },
      timeoutMs: 15_000,
    });
    expect(result.signal).toBeNull();
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^aws-op: AWS profile "work" was not found/);
    expect(result.status).toBe(1);
  }, 20_000);

  it("doctor fails the AWS files check for a config path that is a FIFO or a directory, and names it", async () => {
    // Before: a ✓ for "AWS config files readable" (the path was read as empty, as it should be, and not reported).
    for (const path of [fifo(), makeTempDir("aws-op-config-dir-")]) {
      const box = sandbox();
      const result = await box.run(["doctor"], { env: { AWS_CONFIG_FILE: path }, timeoutMs: 15_000 });
      expect(result.signal).toBeNull();
      const line = result.stdout.split("\n").find((l) => l.includes("AWS config files readable")) ?? "";
      expect(line).toMatch(/^✗/);
      expect(result.stdout).toContain(
        `${path} is ${path.includes("config-dir") ? "a directory" : "a FIFO"}, not a file`,
      );
      expect(result.stdout).toMatch(/Point AWS_CONFIG_FILE \/ AWS_SHARED_CREDENTIALS_FILE at the file itself/);
      expect(result.status).not.toBe(0);
    }
  }, 30_000);

  it("doctor takes AWS_SHARED_CREDENTIALS_FILE=/dev/null as meant: no credentials file, the check passes", async () => {
    const box = sandbox();
    const result = await box.run(["doctor"], { env: { AWS_SHARED_CREDENTIALS_FILE: "/dev/null" }, timeoutMs: 15_000 });
    const line = result.stdout.split("\n").find((l) => l.includes("AWS config files readable")) ?? "";
    expect(line).toMatch(/^✓/);
  }, 20_000);

  it("AWS_SHARED_CREDENTIALS_FILE=/dev/zero: skipped, memory bounded, no hang", async () => {
    const box = sandbox();
    const result = await box.run(["process", "--profile", "work"], {
      env: { AWS_SHARED_CREDENTIALS_FILE: "/dev/zero", ...SMALL_HEAP },
      timeoutMs: 15_000,
    });
    expect(result.signal).toBeNull();
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  }, 20_000);

  it("a config file far larger than any AWS config (20 MB) is a clean error naming the file and the variable", async () => {
    const box = sandbox();
    const big = join(makeTempDir("aws-op-big-"), "config");
    writeFileSync(big, `${CONFIG}${"# padding padding padding padding padding padding\n".repeat(400_000)}`);
    const result = await box.run(["process", "--profile", "work"], {
      env: { AWS_CONFIG_FILE: big, ...SMALL_HEAP },
      timeoutMs: 15_000,
    });
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`aws-op: ${big} is larger than 10 MB`);
    expect(result.stderr).toMatch(/AWS_CONFIG_FILE/);
    expect(result.status).toBe(1);
  }, 20_000);

  it("setup never writes over a config path that is a FIFO: refused, the FIFO left in place", async () => {
    const box = sandbox();
    const path = fifo();
    const result = await box.run(["setup", "other", "--vault", "Work", "--item", "AWS work", "--yes", "--offline"], {
      env: { AWS_CONFIG_FILE: path },
      timeoutMs: 15_000,
    });
    expect(result.signal).toBeNull();
    expect(result.stderr).toMatch(/is not a regular file/);
    expect(result.status).toBe(1);
    expect(statSync(path).isFIFO()).toBe(true);
  }, 20_000);
});
