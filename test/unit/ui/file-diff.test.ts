// The diffs of AWS files that setup --dry-run, import --dry-run and doctor --fix show.
import { describe, expect, it } from "vitest";
import { fileDiff, pathForDisplay } from "../../../src/ui/file-diff.js";

describe("fileDiff", () => {
  it("has plain ---/+++ headers: no Index: line, no ==== rule, no tab after the path (regression: jsdiff's defaults)", () => {
    const diff = fileDiff(
      "/home/ann/.aws/config",
      "[default]\nregion = eu-west-1\n",
      "[default]\nregion = eu-west-2\n",
      "/home/ann",
    );
    expect(diff).toBe(
      [
        "--- ~/.aws/config",
        "+++ ~/.aws/config",
        "@@ -1,2 +1,2 @@",
        " [default]",
        "-region = eu-west-1",
        "+region = eu-west-2",
        "",
      ].join("\n"),
    );
    expect(diff).not.toContain("Index:");
    expect(diff).not.toContain("====");
    expect(diff).not.toContain("\t");
  });

  it("keeps three lines of context and is empty when nothing changes", () => {
    const before = ["a", "b", "c", "d", "e", "f", "g", "h", ""].join("\n");
    const after = before.replace("h", "H");
    expect(fileDiff("/etc/aws/config", before, after, "/home/ann").split("\n").slice(0, 3)).toEqual([
      "--- /etc/aws/config",
      "+++ /etc/aws/config",
      "@@ -5,4 +5,4 @@",
    ]);
    expect(fileDiff("/etc/aws/config", before, before, "/home/ann")).toBe("");
  });
});

describe("pathForDisplay", () => {
  it.each([
    ["/home/ann/.aws/config", "/home/ann", "~/.aws/config"],
    ["/home/ann/.aws/config", "/home/ann/", "~/.aws/config"],
    // Only below the home directory itself: a sibling that shares the prefix keeps its path.
    ["/home/anna/.aws/config", "/home/ann", "/home/anna/.aws/config"],
    ["/srv/aws/config", "/home/ann", "/srv/aws/config"],
    ["/home/ann", "/home/ann", "/home/ann"],
    // No home directory to speak of (HOME=/ or unset): the path as it is.
    ["/.aws/config", "/", "/.aws/config"],
    ["/x/.aws/config", "", "/x/.aws/config"],
  ])("%s with home %j -> %s", (path, home, shown) => {
    expect(pathForDisplay(path, home)).toBe(shown);
  });
});
