import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/cache/sha256.js";

const reference = (text: string) => createHash("sha256").update(text).digest("hex");

describe("sha256Hex (cache file names without loading node:crypto)", () => {
  it("gives node:crypto's SHA-256 for the FIPS 180-4 examples and every padding boundary", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    for (const length of [1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]) {
      for (const char of ["a", "é", "😀"]) expect(sha256Hex(char.repeat(length))).toBe(reference(char.repeat(length)));
    }
  });

  it("agrees with node:crypto on any string (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => sha256Hex(text) === reference(text)),
      { numRuns: 500 },
    );
  });
});
