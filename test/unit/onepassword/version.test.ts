import { describe, expect, it } from "vitest";
import { isAtLeast, parseOpVersion, ROTATE_NEEDS } from "../../../src/onepassword/version.js";

describe("op versions", () => {
  it.each([
    ["2.32.0\n", { major: 2, minor: 32, patch: 0 }],
    ["2.30.0-beta.01", { major: 2, minor: 30, patch: 0 }],
    ["v2.23.1", { major: 2, minor: 23, patch: 1 }],
    ["1.12.4", { major: 1, minor: 12, patch: 4 }],
    ["garbage", undefined],
    ["", undefined],
  ])("parses %j", (text, expected) => {
    expect(parseOpVersion(text)).toEqual(expected);
  });

  it.each([
    ["2.23.0", true],
    ["2.23.1", true],
    ["2.100.0", true],
    ["3.0.0", true],
    ["2.22.9", false],
    ["1.99.99", false],
  ])("%s is enough for rotate (>= 2.23): %s", (text, expected) => {
    expect(isAtLeast(parseOpVersion(text)!, ROTATE_NEEDS.min)).toBe(expected);
  });
});
