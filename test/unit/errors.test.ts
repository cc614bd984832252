import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { errnoCode } from "../../src/errors.js";
import { thrownBy } from "../helpers/thrown.js";

describe("errnoCode", () => {
  it("is the code of a Node.js system error", () => {
    expect(errnoCode(thrownBy(() => readFileSync("/nonexistent/aws-op/errno")))).toBe("ENOENT");
  });

  it.each([
    ["a thrown string", "ENOENT"],
    ["null", null],
    ["undefined", undefined],
    ["an Error without a code", new Error("x")],
    ["a numeric code", Object.assign(new Error("x"), { code: 2 })],
  ])("is undefined for %s", (_name, thrown) => {
    expect(errnoCode(thrown)).toBeUndefined();
  });
});
