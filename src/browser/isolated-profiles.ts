// The browser profiles of `aws-op login --isolate`: one directory per browser and AWS profile, so that two AWS
// accounts stay signed in side by side and the same AWS profile finds its own console session again.
//
//   <data directory>/browser-profiles/<browser>/<profile name, made safe>/
//
// They hold the AWS console's cookies, i.e. its sign-in state, so every level from the data directory down is a
// real directory (never followed through a symbolic link), owned by the user and 0700. aws-op made every directory
// it uses or removes: a profile directory is made under a temporary name with a marker file naming its AWS profile,
// then renamed into place, so a directory without that marker (or with another profile's) is never used or deleted.
// A profile name becomes a folder name that is safe everywhere: lower case letters, digits, "_" and "-" from the
// name (no dot, so no "..", and no separator), then 16 hex digits of the name's SHA-256, so that "Work" and "work"
// get two folders even where the file system ignores case (macOS, Windows).
import { chmodSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { readPrivateJson, writeFileAtomic } from "../cache/private-files.js";
import { sha256Hex } from "../cache/sha256.js";
import { errnoCode, UserError } from "../errors.js";
import type { BrowserFamily } from "./browsers.js";

const isPosix = process.platform !== "win32";

/** The file in each profile directory that says aws-op made it, and for which AWS profile. */
export const MARKER_FILE = "aws-op-browser-profile.json";

interface Marker {
  madeBy: "aws-op";
  profile: string;
}

function isMarker(value: unknown): value is Marker {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Partial<Marker>).madeBy === "aws-op" &&
    typeof (value as Partial<Marker>).profile === "string"
  );
}

/** The folder name of an AWS profile's browser profile (see the header). */
export function profileDirectoryName(profile: string): string {
  const readable = profile
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "_")
    .slice(0, 40);
  return `${readable}-${sha256Hex(profile).slice(0, 16)}`;
}

export function browserProfilesRoot(dataDirectory: string): string {
  return join(dataDirectory, "browser-profiles");
}

/** Where the AWS profile's browser profile for this browser lives (whether or not it exists). */
export function isolatedProfilePath(dataDirectory: string, browserKey: string, profile: string): string {
  return join(browserProfilesRoot(dataDirectory), browserKey, profileDirectoryName(profile));
}

/** A directory of aws-op's own: a real directory (not a link), the user's, private (made so again if it was not). */
function requireOwnDirectory(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink() || !stat.isDirectory()) {
    throw new UserError(
      `${path} is a symbolic link or not a directory; aws-op keeps browser profiles only in directories of its own.`,
      {
        hint: `Remove it (aws-op makes it again, private) and try again.`,
      },
    );
  }
  if (!isPosix) return;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new UserError(
      `${path} belongs to another user; aws-op keeps browser profiles only in directories of yours.`,
      {
        hint: "Remove it (aws-op makes it again), or set XDG_DATA_HOME to a directory of your own.",
      },
    );
  }
  // aws-op names this directory: made private again, as the cache's own directories are.
  if ((stat.mode & 0o077) !== 0) chmodSync(path, 0o700);
}

function makeOwnDirectory(path: string): void {
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    if (errnoCode(error) !== "EEXIST") throw error;
  }
  requireOwnDirectory(path);
}

/** Why `path` is not a browser profile aws-op made for `profile`, or undefined when it is one. */
function markerProblem(path: string, profile: string): string | undefined {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return "it is gone";
  }
  if (stat.isSymbolicLink() || !stat.isDirectory()) return "it is a symbolic link or not a directory";
  const marker = readPrivateJson(join(path, MARKER_FILE), isMarker, undefined, { repair: false, maxBytes: 64 * 1024 });
  if (!marker) return `aws-op did not make it (it has no ${MARKER_FILE} of aws-op's)`;
  if (marker.profile !== profile) return `aws-op made it for another profile ("${marker.profile}")`;
  return undefined;
}

/**
 * Firefox's preferences that keep a fresh profile quiet: no default-browser question, no welcome or "what's new"
 * page, no data-reporting notice (as geckodriver's and mozprofile's defaults set them for a fresh profile).
 */
const FIREFOX_USER_JS = `// Written by aws-op for a browser profile of its own (aws-op login --isolate).
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.aboutwelcome.enabled", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("startup.homepage_welcome_url", "");
user_pref("startup.homepage_welcome_url.additional", "");
user_pref("datareporting.policy.dataSubmissionPolicyBypassNotification", true);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
`;

export interface IsolatedProfile {
  path: string;
  /** Made by this call (the browser starts on a fresh profile). */
  created: boolean;
}

/**
 * The AWS profile's browser profile for this browser, made (private, with its marker) if it is not there yet. A
 * directory in its place that aws-op did not make is refused, never used.
 */
export function ensureIsolatedProfile(
  dataDirectory: string,
  browser: { profileKey: string; family: BrowserFamily },
  profile: string,
): IsolatedProfile {
  // The data directory's parents are the user's (XDG_DATA_HOME may well be a link to another disk): made if missing,
  // not checked. From the data directory down, every level is aws-op's.
  mkdirSync(dirname(dataDirectory), { recursive: true, mode: 0o700 });
  const root = browserProfilesRoot(dataDirectory);
  const browserDirectory = join(root, browser.profileKey);
  for (const directory of [dataDirectory, root, browserDirectory]) makeOwnDirectory(directory);
  const path = join(browserDirectory, profileDirectoryName(profile));
  const existing = verifiedProfile(path, profile);
  if (existing) return existing;

  // Made whole under a name no profile has (a leading dot), then renamed into place: a directory under the final
  // name always has its marker. Two logins at once: one rename wins, the other finds its directory.
  const temporary = join(browserDirectory, `.new-${process.pid}-${randomBytes(6).toString("hex")}`);
  mkdirSync(temporary, { mode: 0o700 });
  try {
    writeFileAtomic(
      join(temporary, MARKER_FILE),
      `${JSON.stringify({ madeBy: "aws-op", profile } satisfies Marker)}\n`,
    );
    if (browser.family === "firefox") writeFileAtomic(join(temporary, "user.js"), FIREFOX_USER_JS);
    renameSync(temporary, path);
    return { path, created: true };
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    const raced = verifiedProfile(path, profile);
    if (raced) return raced;
    throw error;
  }
}

/** The existing browser profile at `path` when aws-op made it for `profile`; undefined when there is none. */
function verifiedProfile(path: string, profile: string): IsolatedProfile | undefined {
  try {
    lstatSync(path);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw error;
  }
  const problem = markerProblem(path, profile);
  if (problem) {
    throw new UserError(
      `${path} is in the place of profile "${profile}"'s browser profile, but ${problem}; aws-op does not use it.`,
      {
        hint: "Move it away or remove it, and aws-op makes a browser profile of its own there.",
      },
    );
  }
  requireOwnDirectory(path);
  return { path, created: false };
}

/**
 * The process of a browser running on this profile directory, from its lock: Chromium's SingletonLock and Firefox's
 * lock (on Linux) are symbolic links whose target ends in the browser's pid ("host-1234", "127.0.0.1:+1234").
 */
export function runningBrowserPid(path: string): number | undefined {
  for (const name of ["SingletonLock", "lock"]) {
    let target: string;
    try {
      target = readlinkSync(join(path, name));
    } catch {
      continue;
    }
    const pid = Number(/[-+](\d+)$/.exec(target)?.[1]);
    if (Number.isSafeInteger(pid) && pid > 0 && isRunning(pid)) return pid;
  }
  return undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return errnoCode(error) === "EPERM";
  }
}

export interface Removal {
  /** The browser profile directories removed. */
  removed: string[];
  /** Those left where they are, with the reason. */
  refused: { path: string; reason: string }[];
}

/** Remove the AWS profile's browser profiles, for every browser; only those aws-op made for it, none in use. */
export function removeIsolatedProfiles(dataDirectory: string, profile: string): Removal {
  const result: Removal = { removed: [], refused: [] };
  const root = browserProfilesRoot(dataDirectory);
  let browsers;
  try {
    requireOwnDirectory(dataDirectory);
    requireOwnDirectory(root);
    browsers = readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return result;
    throw error;
  }
  const name = profileDirectoryName(profile);
  for (const entry of browsers) {
    // Dirent does not follow links: a link in place of a browser's folder is not aws-op's and is not entered.
    if (!entry.isDirectory()) continue;
    const path = join(root, entry.name, name);
    try {
      lstatSync(path);
    } catch {
      continue;
    }
    const problem = markerProblem(path, profile);
    const pid = problem ? undefined : runningBrowserPid(path);
    if (problem || pid !== undefined) {
      result.refused.push({ path, reason: problem ?? `a browser (pid ${pid}) has it open: close its windows first` });
      continue;
    }
    // rmSync does not follow links inside the tree: it removes the links.
    rmSync(path, { recursive: true, maxRetries: 2 });
    result.removed.push(path);
  }
  return result;
}
