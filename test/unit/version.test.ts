// What `aws-op --version` says for each build: the npm package on its Node.js, or the single executable and the
// Node.js it embeds; the commit (unknown from source: scripts/build.mjs defines it).
import { describe, expect, it } from "vitest";
import { versionText } from "../../src/version.js";

describe("aws-op --version", () => {
  it("names the npm package and the Node.js running it", () => {
    expect(versionText({ isExecutable: false, nodeVersion: "v24.22.3", platform: "linux", arch: "x64" })).toBe(
      "0.0.0-dev (npm package, Node.js v24.22.3 linux-x64, commit unknown)",
    );
  });

  it("names the single executable, its platform and the Node.js it embeds", () => {
    expect(versionText({ isExecutable: true, nodeVersion: "v26.12.1", platform: "linux", arch: "arm64" })).toBe(
      "0.0.0-dev (single executable for linux-arm64, embedded Node.js v26.12.1, commit unknown)",
    );
  });
});
