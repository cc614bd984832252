import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeLeftovers } from "../../setup/private-tmpdir.js";
import { makeTempDir, removeTempDirs } from "../../helpers/temp-dirs.js";

describe("a test file's temporary directories", () => {
  it("are made under the run's own TMPDIR, never straight in the machine's temp directory", () => {
    const dir = makeTempDir("aws-op-probe-");
    expect(dirname(dir)).toBe(tmpdir());
    expect(tmpdir()).toMatch(/aws-op-test-run-[A-Za-z0-9]{6}$/);
  });

  it("are all removed, even one a test made unreadable and unwritable", () => {
    const first = makeTempDir("aws-op-probe-");
    const second = makeTempDir("aws-op-probe-");
    mkdirSync(join(second, "locked", "deeper"), { recursive: true });
    writeFileSync(join(second, "locked", "deeper", "file"), "x");
    chmodSync(join(second, "locked", "deeper"), 0o000);
    chmodSync(join(second, "locked"), 0o000);
    expect(removeTempDirs()).toEqual([]);
    expect(existsSync(first)).toBe(false);
    expect(existsSync(second)).toBe(false);
  });
});

describe("what a run left in its TMPDIR", () => {
  it("is counted by name without the random ending, most first", () => {
    expect(describeLeftovers([])).toBe("0 left");
    expect(describeLeftovers(["fake-op-AbC123", "aws-op-home-x1Y2z3", "fake-op-QqQqQq", "tmp.l8Cnt7Vokk", "odd"])).toBe(
      "5 left: 2 fake-op-*, 1 aws-op-home-*, 1 tmp.*, 1 odd",
    );
  });
});
