import { describe, expect, it } from "vitest";
import { cacheDirectory } from "../../../src/cache/paths.js";
import { UserError } from "../../../src/errors.js";

describe("cacheDirectory", () => {
  it("ignores a relative XDG_CACHE_HOME, as the XDG base directory spec says (regression: session files landed in the working tree)", () => {
    expect(cacheDirectory({ XDG_CACHE_HOME: "cache" }, "/home/u", "linux")).toBe("/home/u/.cache/aws-op");
    expect(cacheDirectory({ XDG_CACHE_HOME: "/var/cache/u" }, "/home/u", "linux")).toBe("/var/cache/u/aws-op");
  });

  it.each([
    [{ AWS_OP_CACHE_DIR: "rel/cache" }, "/home/u", "AWS_OP_CACHE_DIR"],
    [{}, "", "home directory"],
    [{ XDG_CACHE_HOME: "cache" }, "", "home directory"],
  ])(
    "never writes the cache into a relative location: %j with home %j is refused, naming %s (regression: an empty HOME wrote ./.cache)",
    (env, home, named) => {
      expect(() => cacheDirectory(env, home, "linux")).toThrow(UserError);
      expect(() => cacheDirectory(env, home, "linux")).toThrow(named);
    },
  );
});
