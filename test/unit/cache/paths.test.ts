import { describe, expect, it } from "vitest";
import { cacheDirectory, dataDirectory } from "../../../src/cache/paths.js";
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

describe("dataDirectory", () => {
  it.each<[NodeJS.ProcessEnv, NodeJS.Platform, string]>([
    [{}, "linux", "/home/u/.local/share/aws-op"],
    [{ XDG_DATA_HOME: "/data/u" }, "linux", "/data/u/aws-op"],
    [{ XDG_DATA_HOME: "share" }, "linux", "/home/u/.local/share/aws-op"],
    [{ XDG_CACHE_HOME: "/var/cache/u" }, "linux", "/home/u/.local/share/aws-op"],
    [{}, "darwin", "/home/u/Library/Application Support/aws-op"],
    [{ XDG_DATA_HOME: "/data/u" }, "darwin", "/data/u/aws-op"],
    [{ LOCALAPPDATA: "C:/Users/u/AppData/Local" }, "win32", "C:/Users/u/AppData/Local/aws-op/Data"],
    [{ LOCALAPPDATA: "AppData" }, "win32", "/home/u/AppData/Local/aws-op/Data"],
  ])("%j on %s: %s (a relative XDG_DATA_HOME or LOCALAPPDATA is ignored)", (env, platform, expected) => {
    expect(dataDirectory(env, "/home/u", platform)).toBe(expected);
  });

  it("never a relative location: without an absolute home directory it is refused", () => {
    expect(() => dataDirectory({ XDG_DATA_HOME: "share" }, "", "linux")).toThrow(UserError);
    expect(() => dataDirectory({}, "", "darwin")).toThrow("home directory");
  });
});
