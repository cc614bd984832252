// Writing AWS files: atomic, mode kept, new files private, symlinks kept, and a concurrent edit never overwritten.
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeAwsFile, writeAwsFiles } from "../../../src/config/aws-file-writer.js";
import { readAwsFile } from "../../../src/config/profile.js";
import { UserError } from "../../../src/errors.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

function tempDir(): string {
  return makeTempDir("aws-op-writer-");
}

describe("writeAwsFile", () => {
  it("keeps the mode of an existing file and leaves no temp file behind", () => {
    const dir = tempDir();
    const path = join(dir, "config");
    writeFileSync(path, "[default]\nregion = eu-west-1\n");
    chmodSync(path, 0o640);
    const file = readAwsFile(path);
    expect(writeAwsFile(file, "[default]\nregion = us-east-1\n")).toBe(true);
    expect(readFileSync(path, "utf8")).toBe("[default]\nregion = us-east-1\n");
    expect(lstatSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(["config"]);
  });

  it("creates a missing file 0600 in a new 0700 directory", () => {
    const dir = join(tempDir(), ".aws");
    const file = readAwsFile(join(dir, "config"));
    writeAwsFile(file, "[profile a]\nregion = x\n");
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(dir, "config")).mode & 0o777).toBe(0o600);
  });

  it("refuses to overwrite a file that changed since it was read, and leaves the other program's text", () => {
    const dir = tempDir();
    const path = join(dir, "credentials");
    writeFileSync(path, "[a]\nx = 1\n");
    const file = readAwsFile(path);
    writeFileSync(path, "[a]\nx = 1\n[b]\ny = 2\n");
    expect(() => writeAwsFile(file, "[a]\nx = 3\n")).toThrow(/changed by another program/);
    expect(readFileSync(path, "utf8")).toBe("[a]\nx = 1\n[b]\ny = 2\n");
  });

  it("refuses when a file that did not exist was created meanwhile", () => {
    const path = join(tempDir(), "config");
    const file = readAwsFile(path);
    writeFileSync(path, "[mine]\n");
    expect(() => writeAwsFile(file, "[x]\na = b\n")).toThrow(UserError);
    expect(readFileSync(path, "utf8")).toBe("[mine]\n");
  });

  it("writes through a symlink (dotfile managers) and keeps the link", () => {
    const dir = tempDir();
    const real = join(dir, "real-config");
    writeFileSync(real, "[default]\n", { mode: 0o600 });
    symlinkSync(real, join(dir, "config"));
    const file = readAwsFile(join(dir, "config"));
    writeAwsFile(file, "[default]\nregion = a\n");
    expect(lstatSync(join(dir, "config")).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, "utf8")).toBe("[default]\nregion = a\n");
  });

  it("does not touch a file whose text would not change", () => {
    const path = join(tempDir(), "config");
    writeFileSync(path, "[a]\n");
    const before = lstatSync(path).mtimeMs;
    expect(writeAwsFile(readAwsFile(path), "[a]\n")).toBe(false);
    expect(lstatSync(path).mtimeMs).toBe(before);
  });
});

describe("writeAwsFiles", () => {
  it("checks every file before the first write: one changed file means nothing is written", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "config"), "[profile a]\n");
    writeFileSync(join(dir, "credentials"), "[a]\nk = v\n");
    const config = readAwsFile(join(dir, "config"));
    const credentials = readAwsFile(join(dir, "credentials"));
    writeFileSync(join(dir, "credentials"), "[a]\nk = edited\n");
    expect(() =>
      writeAwsFiles([
        { file: config, text: "[profile a]\nx = 1\n" },
        { file: credentials, text: "" },
      ]),
    ).toThrow(UserError);
    expect(readFileSync(join(dir, "config"), "utf8")).toBe("[profile a]\n");
    expect(readFileSync(join(dir, "credentials"), "utf8")).toBe("[a]\nk = edited\n");
  });

  it("puts the first file back when the second write fails", () => {
    const dir = tempDir();
    const sub = join(dir, "locked");
    writeFileSync(join(dir, "config"), "[profile a]\n");
    const config = readAwsFile(join(dir, "config"));
    // A credentials path whose directory cannot be created: the write fails after config was written.
    writeFileSync(sub, "a file, not a directory");
    const credentials = readAwsFile(join(sub, "credentials"));
    expect(() =>
      writeAwsFiles([
        { file: config, text: "[profile a]\nx = 1\n" },
        { file: credentials, text: "[a]\n" },
      ]),
    ).toThrow(UserError);
    expect(readFileSync(join(dir, "config"), "utf8")).toBe("[profile a]\n");
    expect(existsSync(join(sub, "credentials"))).toBe(false);
  });
});
