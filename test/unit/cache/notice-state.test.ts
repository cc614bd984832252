import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claimNotice } from "../../../src/cache/notice-state.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

const MIN = 60_000;
const T0 = Date.parse("2026-12-01T12:00:00Z");

function root(): string {
  return join(makeTempDir("aws-op-notice-"), "aws-op");
}

describe("claimNotice: at most one notice per profile per interval", () => {
  it("claims once, refuses within the interval, claims again after it", () => {
    const dir = root();
    expect(claimNotice(dir, "work", new Date(T0), 5 * MIN)).toBe(true);
    expect(claimNotice(dir, "work", new Date(T0 + 1_000), 5 * MIN)).toBe(false);
    expect(claimNotice(dir, "work", new Date(T0 + 5 * MIN - 1), 5 * MIN)).toBe(false);
    expect(claimNotice(dir, "work", new Date(T0 + 5 * MIN), 5 * MIN)).toBe(true);
    expect(claimNotice(dir, "work", new Date(T0 + 6 * MIN), 5 * MIN)).toBe(false);
  });

  it("keeps profiles apart", () => {
    const dir = root();
    expect(claimNotice(dir, "work", new Date(T0), 5 * MIN)).toBe(true);
    expect(claimNotice(dir, "personal", new Date(T0), 5 * MIN)).toBe(true);
    expect(claimNotice(dir, "personal", new Date(T0), 5 * MIN)).toBe(false);
  });

  it("a record from the future (the clock was set back) does not silence the profile for good", () => {
    const dir = root();
    expect(claimNotice(dir, "work", new Date(T0 + 24 * 60 * MIN), 5 * MIN)).toBe(true);
    expect(claimNotice(dir, "work", new Date(T0), 5 * MIN)).toBe(true);
  });

  it("keeps its state private, named by a hash, holding a time only", () => {
    const dir = root();
    claimNotice(dir, "work", new Date(T0), 5 * MIN);
    const files = readdirSync(join(dir, "notices"));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{32}\.json$/);
    expect(statSync(join(dir, "notices")).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "notices", files[0]!)).mode & 0o777).toBe(0o600);
  });
});
