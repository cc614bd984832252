// Which `node` link setup and doctor --fix may write into credential_process: only one that no one but the user and
// root can re-point (the link, every link on its way, every directory looked in and the file at the end), checked on
// real files. Another user's link, or a link in a directory others can write (a 1777 one like /tmp), would let that
// user run code as this one on every AWS call. The ownership cases need root (lchown to nobody), as CI runs.
import { chmodSync, lchownSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import {
  isPathHeldBy,
  missingInstallPart,
  repointedLine,
  stableExecutablePath,
  stableNodePath,
  type PathHolder,
} from "../../../src/config/install-paths.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)("the node link aws-op writes into credential_process", () => {
  let root: string;
  let node: string;
  let holder: PathHolder;

  /** A directory of the given mode (mkdir applies the umask, so the mode is set afterwards). */
  function dir(path: string, mode = 0o755): string {
    mkdirSync(path, { recursive: true });
    chmodSync(path, mode);
    return path;
  }

  function link(target: string, path: string, uid = 0): string {
    symlinkSync(target, path);
    if (uid !== 0) lchownSync(path, uid, uid);
    return path;
  }

  beforeEach(() => {
    root = makeTempDir("aws-op-node-link-");
    chmodSync(root, 0o755);
    dir(join(root, "versions/v24/bin"));
    // Any file does: only where the links lead matters.
    node = join(root, "versions/v24/bin/node");
    writeFileSync(node, "#!/bin/sh\n", { mode: 0o755 });
    holder = { uid: 0, home: dir(join(root, "home"), 0o700) };
  });

  it("takes a link of the user's or root's in a directory only they can write", () => {
    const bin = dir(join(root, "opt/bin"));
    link(node, join(bin, "node"));
    expect(isPathHeldBy(join(bin, "node"), holder)).toBe(true);
    expect(stableNodePath(node, `${bin}`, "linux", holder)).toBe(join(bin, "node"));
  });

  it("refuses another user's link in a 1777 directory, and takes the next safe one on PATH", () => {
    const shared = dir(join(root, "shared"), 0o1777);
    link(node, join(shared, "node"), NOBODY);
    const bin = dir(join(root, "opt/bin"));
    link(node, join(bin, "node"));
    expect(isPathHeldBy(join(shared, "node"), holder)).toBe(false);
    expect(stableNodePath(node, shared, "linux", holder)).toBe(node);
    expect(stableNodePath(node, `${shared}:${bin}`, "linux", holder)).toBe(join(bin, "node"));
  });

  it("refuses a root-owned link in a sticky or group- or other-writable directory", () => {
    for (const [name, mode] of [
      ["sticky", 0o1777],
      ["sticky-only", 0o1755],
      ["group", 0o775],
      ["other", 0o757],
    ] as const) {
      const d = dir(join(root, name), mode);
      link(node, join(d, "node"));
      expect(isPathHeldBy(join(d, "node"), holder), name).toBe(false);
    }
  });

  it("refuses another user's link, or a link in another user's directory, whatever the modes", () => {
    const safe = dir(join(root, "safe"));
    link(node, join(safe, "node"), NOBODY);
    expect(isPathHeldBy(join(safe, "node"), holder)).toBe(false);
    const theirs = dir(join(root, "theirs"));
    lchownSync(theirs, NOBODY, NOBODY);
    link(node, join(theirs, "node"));
    expect(isPathHeldBy(join(theirs, "node"), holder)).toBe(false);
    // Further down too: a directory above the link that another user owns.
    const below = dir(join(theirs, "bin"));
    link(node, join(below, "node"));
    expect(isPathHeldBy(join(below, "node"), holder)).toBe(false);
  });

  it("follows every link on the way: a safe link to another user's link, or through their directory link", () => {
    const shared = dir(join(root, "shared"), 0o1777);
    link(node, join(shared, "node"), NOBODY);
    const bin = dir(join(root, "opt/bin"));
    link(join(shared, "node"), join(bin, "node"));
    expect(isPathHeldBy(join(bin, "node"), holder)).toBe(false);
    expect(stableNodePath(node, bin, "linux", holder)).toBe(node);
    // A PATH directory that is itself another user's link to a safe directory.
    const safe = dir(join(root, "safe/bin"));
    link(node, join(safe, "node"));
    link(safe, join(root, "their-bin"), NOBODY);
    expect(isPathHeldBy(join(root, "their-bin/node"), holder)).toBe(false);
    // A relative link resolves in its own directory.
    const relative = dir(join(root, "rel/bin"));
    link("../../versions/v24/bin/node", join(relative, "node"));
    expect(isPathHeldBy(join(relative, "node"), holder)).toBe(true);
  });

  it("does not check the directories above the home directory on the way into it (as OpenSSH does), only there", () => {
    const homes = dir(join(root, "homes"), 0o1777);
    const home = dir(join(homes, "alice"), 0o755);
    const bin = dir(join(home, ".local/bin"));
    link(node, join(bin, "node"));
    expect(isPathHeldBy(join(bin, "node"), { uid: 0, home })).toBe(true);
    link(node, join(homes, "node"));
    expect(isPathHeldBy(join(homes, "node"), { uid: 0, home })).toBe(false);
  });

  it("the single executable: takes an aws-op link to it on PATH the same way, never a node link", () => {
    const exe = join(root, "versions/v24/bin/node");
    const shared = dir(join(root, "shared"), 0o1777);
    link(exe, join(shared, "aws-op"), NOBODY);
    const bin = dir(join(root, "home/.local/bin"));
    link(exe, join(bin, "node"));
    expect(stableExecutablePath(exe, `${shared}:${bin}`, "linux", holder)).toBe(exe);
    link(exe, join(bin, "aws-op"));
    expect(stableExecutablePath(exe, `${shared}:${bin}`, "linux", holder)).toBe(join(bin, "aws-op"));
  });

  it("refuses a node binary that others can write, and never writes a link where there is no uid (Windows)", () => {
    const bin = dir(join(root, "opt/bin"));
    link(node, join(bin, "node"));
    expect(stableNodePath(node, bin, "linux", { ...holder, uid: undefined })).toBe(node);
    chmodSync(node, 0o777);
    expect(isPathHeldBy(join(bin, "node"), holder)).toBe(false);
  });
});

describe("the install a credential_process line names, and the line pointed at this one", () => {
  let dir: string;
  let node: string;
  let cli: string;
  let exe: string;

  beforeEach(() => {
    dir = makeTempDir("aws-op-install-");
    [node, cli, exe] = ["node", "cli.js", "aws-op"].map((name) => join(dir, name)) as [string, string, string];
    for (const path of [node, cli, exe]) writeFileSync(path, "#!/bin/sh\n", { mode: 0o755 });
  });

  it.each([
    ["the npm package's Node.js", () => `/gone/node ${cli} process --profile w`, "node"],
    ["the npm package's cli.js", () => `${node} /gone/cli.js process --profile w`, "cli.js"],
    ["the single executable", () => "/gone/aws-op process --profile w", "executable"],
    ["nothing (npm package)", () => `${node} ${cli} process --profile w`, undefined],
    ["nothing (single executable)", () => `${exe} process --profile w`, undefined],
  ])("missingInstallPart finds %s gone", (_what, line, part) => {
    expect(missingInstallPart(line(), "linux")).toBe(part);
  });

  it("repointedLine turns either kind of line into this install's, keeping the words after the program", () => {
    const toExe = { executablePath: "/usr/local/bin/aws-op" };
    const toNpm = { nodePath: "/usr/bin/node", cliPath: "/opt/aws-op/dist/cli.js" };
    expect(repointedLine("/gone/node /gone/cli.js process --profile w", "linux", toExe)).toBe(
      "/usr/local/bin/aws-op process --profile w",
    );
    expect(repointedLine("/gone/aws-op process --profile w", "linux", toNpm)).toBe(
      "/usr/bin/node /opt/aws-op/dist/cli.js process --profile w",
    );
    expect(repointedLine('/gone/aws-op --debug process --profile "a b"', "linux", toNpm)).toBe(
      '/usr/bin/node /opt/aws-op/dist/cli.js --debug process --profile "a b"',
    );
    expect(repointedLine("/gone/node /gone/cli.js process --profile w --region eu-west-1", "linux", toExe)).toBe(
      "/usr/local/bin/aws-op process --profile w --region eu-west-1",
    );
    expect(repointedLine("/opt/other-tool --profile w", "linux", toExe)).toBeUndefined();
  });
});
