// The browser profiles of `login --isolate`: a safe folder name for every profile name, private directories that
// only aws-op makes (a marker names the AWS profile), never a symbolic link followed, and removal of only what aws-op
// made and no running browser holds.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ensureIsolatedProfile,
  isolatedProfilePath,
  MARKER_FILE,
  profileDirectoryName,
  removeIsolatedProfiles,
  runningBrowserPid,
} from "../../../src/browser/isolated-profiles.js";
import { UserError } from "../../../src/errors.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";
import { thrownBy } from "../../helpers/thrown.js";

const CHROME = { profileKey: "chrome", family: "chromium" as const };
const FIREFOX = { profileKey: "firefox", family: "firefox" as const };

function mode(path: string): number {
  return lstatSync(path).mode & 0o777;
}

function dataDir(): string {
  // Below a directory that does not exist yet: its parents are made too (as ~/.local/share may be missing).
  return join(makeTempDir("aws-op-data-"), "share", "aws-op");
}

describe("profileDirectoryName", () => {
  it.each([
    ["work", /^work-[0-9a-f]{16}$/],
    ["../../etc", /^______etc-[0-9a-f]{16}$/],
    ["a/b\\c", /^a_b_c-[0-9a-f]{16}$/],
    ["..", /^__-[0-9a-f]{16}$/],
    ["CON", /^con-[0-9a-f]{16}$/],
    ["prod eu-west-1", /^prod_eu-west-1-[0-9a-f]{16}$/],
  ])("%j -> %s", (name, pattern) => {
    expect(profileDirectoryName(name)).toMatch(pattern);
  });

  it("is one safe folder name for any profile name, and names differing only in case get different ones", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80, unit: "grapheme" }), (name) => {
        const folder = profileDirectoryName(name);
        // Lower case letters, digits, "_" and "-": no separator, no dot (so no ".."), nothing a file system folds.
        expect(folder).toMatch(/^[a-z0-9_-]{0,40}-[0-9a-f]{16}$/);
        expect(folder).toBe(profileDirectoryName(name));
        if (name.toUpperCase() !== name) expect(profileDirectoryName(name.toUpperCase())).not.toBe(folder);
      }),
    );
    expect(profileDirectoryName("Work")).not.toBe(profileDirectoryName("work"));
  });
});

describe("ensureIsolatedProfile", () => {
  it("makes every level private (0700), with the marker, and gives the same directory again for the same profile", () => {
    const data = dataDir();
    const first = ensureIsolatedProfile(data, CHROME, "work");
    expect(first).toEqual({ path: isolatedProfilePath(data, "chrome", "work"), created: true });
    expect(first.path).toBe(join(data, "browser-profiles", "chrome", profileDirectoryName("work")));
    for (const dir of [data, join(data, "browser-profiles"), join(data, "browser-profiles", "chrome"), first.path]) {
      expect(mode(dir)).toBe(0o700);
    }
    expect(JSON.parse(readFileSync(join(first.path, MARKER_FILE), "utf8"))).toEqual({
      madeBy: "aws-op",
      profile: "work",
    });
    expect(mode(join(first.path, MARKER_FILE))).toBe(0o600);
    expect(ensureIsolatedProfile(data, CHROME, "work")).toEqual({ path: first.path, created: false });
    const other = ensureIsolatedProfile(data, CHROME, "prod");
    expect(other.path).not.toBe(first.path);
    // Nothing left under a temporary name.
    expect(readdirSync(join(data, "browser-profiles", "chrome")).sort()).toEqual(
      [profileDirectoryName("work"), profileDirectoryName("prod")].sort(),
    );
  });

  it("one folder per browser: the same AWS profile in Firefox is another directory, with quiet first-run preferences", () => {
    const data = dataDir();
    const chrome = ensureIsolatedProfile(data, CHROME, "work").path;
    const firefox = ensureIsolatedProfile(data, FIREFOX, "work").path;
    expect(firefox).not.toBe(chrome);
    expect(existsSync(join(chrome, "user.js"))).toBe(false);
    const prefs = readFileSync(join(firefox, "user.js"), "utf8");
    expect(prefs).toContain('user_pref("browser.shell.checkDefaultBrowser", false);');
    expect(prefs).toContain('user_pref("browser.aboutwelcome.enabled", false);');
  });

  it("makes a directory of its own private again when it was opened to others", () => {
    const data = dataDir();
    const { path } = ensureIsolatedProfile(data, CHROME, "work");
    chmodSync(path, 0o755);
    chmodSync(data, 0o755);
    ensureIsolatedProfile(data, CHROME, "work");
    expect(mode(path)).toBe(0o700);
    expect(mode(data)).toBe(0o700);
  });

  it.each([
    ["the data directory", (data: string) => data],
    ["browser-profiles", (data: string) => join(data, "browser-profiles")],
    ["the browser's folder", (data: string) => join(data, "browser-profiles", "chrome")],
    ["the profile's directory", (data: string) => isolatedProfilePath(data, "chrome", "work")],
  ])("a symbolic link in place of %s is refused, never followed (nothing is made where it points)", (_what, at) => {
    const data = dataDir();
    const elsewhere = makeTempDir("aws-op-elsewhere-");
    const link = at(data);
    mkdirSync(join(link, ".."), { recursive: true, mode: 0o700 });
    symlinkSync(elsewhere, link);
    const error = thrownBy(() => ensureIsolatedProfile(data, CHROME, "work"));
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/symbolic link/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it("a directory aws-op did not make is refused, and so is one it made for another profile", () => {
    const data = dataDir();
    ensureIsolatedProfile(data, CHROME, "other");
    const planted = isolatedProfilePath(data, "chrome", "work");
    mkdirSync(planted, { mode: 0o700 });
    writeFileSync(join(planted, "Cookies"), "someone's");
    expect(thrownBy(() => ensureIsolatedProfile(data, CHROME, "work"))).toMatchObject({
      message: expect.stringMatching(/aws-op did not make it .*; aws-op does not use it/),
    });
    writeFileSync(join(planted, MARKER_FILE), JSON.stringify({ madeBy: "aws-op", profile: "Work" }), { mode: 0o600 });
    expect(thrownBy(() => ensureIsolatedProfile(data, CHROME, "work"))).toMatchObject({
      message: expect.stringMatching(/aws-op made it for another profile \("Work"\)/),
    });
    expect(readFileSync(join(planted, "Cookies"), "utf8")).toBe("someone's");
  });
});

describe("removeIsolatedProfiles", () => {
  it("removes the profile's directories of every browser, and nothing else", () => {
    const data = dataDir();
    const chrome = ensureIsolatedProfile(data, CHROME, "work").path;
    const firefox = ensureIsolatedProfile(data, FIREFOX, "work").path;
    const kept = ensureIsolatedProfile(data, CHROME, "prod").path;
    writeFileSync(join(chrome, "Cookies"), "x");
    const outside = makeTempDir("aws-op-outside-");
    writeFileSync(join(outside, "precious"), "x");
    // A link inside the profile directory is removed, not followed.
    symlinkSync(outside, join(chrome, "link"));
    expect(removeIsolatedProfiles(data, "work")).toEqual({ removed: [chrome, firefox].sort(), refused: [] });
    expect(existsSync(chrome)).toBe(false);
    expect(existsSync(firefox)).toBe(false);
    expect(existsSync(kept)).toBe(true);
    expect(readFileSync(join(outside, "precious"), "utf8")).toBe("x");
    expect(removeIsolatedProfiles(data, "work")).toEqual({ removed: [], refused: [] });
  });

  it("nothing to remove when aws-op never made a browser profile", () => {
    expect(removeIsolatedProfiles(dataDir(), "work")).toEqual({ removed: [], refused: [] });
  });

  it("refuses a directory aws-op did not make, and one a running browser holds (its lock names a live pid)", () => {
    const data = dataDir();
    const planted = isolatedProfilePath(data, "brave", "work");
    mkdirSync(planted, { recursive: true, mode: 0o700 });
    const running = ensureIsolatedProfile(data, CHROME, "work").path;
    symlinkSync(`somehost-${process.pid}`, join(running, "SingletonLock"));
    expect(runningBrowserPid(running)).toBe(process.pid);
    const result = removeIsolatedProfiles(data, "work");
    expect(result.removed).toEqual([]);
    expect(result.refused).toEqual([
      { path: planted, reason: expect.stringMatching(/aws-op did not make it/) },
      { path: running, reason: `a browser (pid ${process.pid}) has it open: close its windows first` },
    ]);
    expect(existsSync(planted) && existsSync(running)).toBe(true);
  });

  it("a stale lock (its pid gone) does not keep a profile from being removed", () => {
    const data = dataDir();
    const { path } = ensureIsolatedProfile(data, FIREFOX, "work");
    symlinkSync("127.0.0.1:+2147483646", join(path, "lock"));
    expect(runningBrowserPid(path)).toBeUndefined();
    expect(removeIsolatedProfiles(data, "work").removed).toEqual([path]);
  });
});
