// findExecutable: the lookup behind every helper aws-op starts by itself, which is then spawned by the path found.
// The working directory is never searched: not through an empty PATH entry, a relative entry or a relative name.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findExecutable } from "../../src/executables.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

function tool(dir: string, name: string, mode = 0o755): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), "#!/bin/sh\n", { mode });
  chmodSync(join(dir, name), mode);
  return join(dir, name);
}

describe("findExecutable", () => {
  it("skips empty and relative PATH entries and finds the first runnable file in order", () => {
    const root = makeTempDir("aws-op-find-");
    const first = tool(join(root, "a"), "zenity", 0o644); // not executable: passed over
    const second = tool(join(root, "b"), "zenity");
    tool(join(root, "c"), "zenity");
    expect(first).not.toBe(second);
    const env = { PATH: `::rel:${join(root, "a")}:${join(root, "b")}:${join(root, "c")}:` };
    expect(findExecutable("zenity", env, "linux")).toBe(second);
    expect(findExecutable("zenity", { PATH: ":" }, "linux")).toBeUndefined();
    expect(findExecutable("zenity", {}, "linux")).toBeUndefined();
  });

  it("takes an absolute name as it is when it can run, and never a relative path or an empty name", () => {
    const root = makeTempDir("aws-op-find-");
    const path = tool(root, "op");
    expect(findExecutable(path, {}, "linux")).toBe(path);
    expect(findExecutable(join(root, "missing"), {}, "linux")).toBeUndefined();
    for (const name of ["./op", "bin/op", "..\\op", ""]) {
      expect(findExecutable(name, { PATH: root }, "linux")).toBeUndefined();
    }
  });

  it("on Windows tries PATHEXT's extensions, unless the name has one of them", () => {
    const root = makeTempDir("aws-op-find-");
    const exe = tool(root, "op.EXE");
    const rundll = tool(root, "rundll32.exe");
    expect(findExecutable("op", { PATH: `;${root}`, PATHEXT: ".COM;.EXE" }, "win32")).toBe(exe);
    expect(findExecutable("rundll32.exe", { PATH: root, PATHEXT: ".COM;.EXE" }, "win32")).toBe(rundll);
  });
});
