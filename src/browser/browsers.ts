// The browsers `aws-op login --browser NAME` knows: how each is found (commands on PATH, then the usual app
// locations on macOS and Windows) and how it is started, with or without a browser profile of its own (--isolate).
// Pure: the commands to try are built here, and open-browser.ts starts the first that is there (found on PATH by
// executables.ts, or an absolute path that can be run).
//
// A browser profile of its own, per family:
// - Chromium and its kin (Chrome, Brave, Edge, Vivaldi) take --user-data-dir=DIR: a separate profile directory,
//   cookies included, and a separate browser process; starting it again with the same DIR opens the URL in that
//   running instance. --no-first-run and --no-default-browser-check keep a fresh profile from showing its welcome
//   page and asking to become the default browser.
// - Firefox takes -profile DIR: a profile of its own, in a directory aws-op made. Without -no-remote (or
//   -new-instance): Firefox's remote service hands a URL to the instance already running on that profile, so the
//   same AWS profile opens a tab in its own window; with -no-remote, a second start on a profile in use would not
//   ask the running instance and fail with "Firefox is already running". Not containers: they would need a
//   third-party extension that takes a URL scheme (granted's), and they share one profile's extensions and history.
// - Safari has no way to start with a profile from the command line: it opens through `open -a Safari`, and
//   --isolate refuses it.
import { posix, win32 } from "node:path";
import { sha256Hex } from "../cache/sha256.js";
import { UserError } from "../errors.js";
import type { BrowserCommand } from "./open-browser.js";

export type BrowserFamily = "chromium" | "firefox" | "safari";

interface KnownBrowser {
  name: string;
  label: string;
  family: BrowserFamily;
  /** Commands on PATH, in order (Linux and the BSDs; tried first on macOS and Windows too). */
  commands: string[];
  /** macOS: the executable inside the app bundle, below /Applications or ~/Applications. */
  macApp?: string;
  /** Windows: the executable below these folders ("ProgramFiles" is an environment variable's name). */
  windows?: { under: ("ProgramFiles" | "ProgramFiles(x86)" | "LOCALAPPDATA")[]; path: string }[];
  /** Only on these platforms (Safari). */
  only?: NodeJS.Platform;
}

const KNOWN_BROWSERS: readonly KnownBrowser[] = [
  {
    name: "chromium",
    label: "Chromium",
    family: "chromium",
    commands: ["chromium", "chromium-browser"],
    macApp: "Chromium.app/Contents/MacOS/Chromium",
    windows: [{ under: ["LOCALAPPDATA", "ProgramFiles"], path: "Chromium\\Application\\chrome.exe" }],
  },
  {
    name: "chrome",
    label: "Google Chrome",
    family: "chromium",
    commands: ["google-chrome", "google-chrome-stable"],
    macApp: "Google Chrome.app/Contents/MacOS/Google Chrome",
    windows: [
      {
        under: ["ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"],
        path: "Google\\Chrome\\Application\\chrome.exe",
      },
    ],
  },
  {
    name: "brave",
    label: "Brave",
    family: "chromium",
    commands: ["brave-browser", "brave"],
    macApp: "Brave Browser.app/Contents/MacOS/Brave Browser",
    windows: [
      {
        under: ["ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"],
        path: "BraveSoftware\\Brave-Browser\\Application\\brave.exe",
      },
    ],
  },
  {
    name: "edge",
    label: "Microsoft Edge",
    family: "chromium",
    commands: ["microsoft-edge", "microsoft-edge-stable"],
    macApp: "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    windows: [{ under: ["ProgramFiles(x86)", "ProgramFiles"], path: "Microsoft\\Edge\\Application\\msedge.exe" }],
  },
  {
    name: "vivaldi",
    label: "Vivaldi",
    family: "chromium",
    commands: ["vivaldi", "vivaldi-stable"],
    macApp: "Vivaldi.app/Contents/MacOS/Vivaldi",
    windows: [{ under: ["LOCALAPPDATA", "ProgramFiles"], path: "Vivaldi\\Application\\vivaldi.exe" }],
  },
  {
    name: "firefox",
    label: "Firefox",
    family: "firefox",
    commands: ["firefox", "firefox-esr"],
    macApp: "Firefox.app/Contents/MacOS/firefox",
    windows: [{ under: ["ProgramFiles", "ProgramFiles(x86)"], path: "Mozilla Firefox\\firefox.exe" }],
  },
  { name: "safari", label: "Safari", family: "safari", commands: [], only: "darwin" },
];

/** The names --browser takes, for messages and help. */
export const BROWSER_NAMES: readonly string[] = KNOWN_BROWSERS.map((b) => b.name);

/** The names as a message lists them. */
export function knownBrowsersText(): string {
  return `${KNOWN_BROWSERS.map((b) => (b.only === "darwin" ? `${b.name} (macOS)` : b.name)).join(", ")}, or the path of a browser's executable`;
}

/** A browser to start: one of the known ones, or an executable named by its path. */
export interface Browser {
  /** The known name, or the path as given. */
  name: string;
  /** For messages: "Google Chrome", or the path. */
  label: string;
  family: BrowserFamily;
  /** Names the folder of this browser's isolated profiles: its name, or for a path its file name and a digest. */
  profileKey: string;
  known?: KnownBrowser;
}

function isPathLike(text: string, platform: NodeJS.Platform): boolean {
  return text.includes("/") || (platform === "win32" && text.includes("\\"));
}

function isAbsoluteFor(path: string, platform: NodeJS.Platform): boolean {
  return platform === "win32" ? win32.isAbsolute(path) : posix.isAbsolute(path);
}

/**
 * A browser given by path: Firefox's family when its file name says so (Firefox and the forks that keep its
 * command line), Safari's for Safari, else Chromium's, as nearly every other desktop browser is.
 */
function familyOfExecutable(path: string, platform: NodeJS.Platform): BrowserFamily {
  const base = (platform === "win32" ? win32.basename(path) : posix.basename(path)).toLowerCase().replace(/\.exe$/, "");
  if (/^(firefox|librewolf|waterfox|floorp|iceweasel)/.test(base)) return "firefox";
  return base === "safari" ? "safari" : "chromium";
}

/** The file name of an executable, safe as part of a folder name. */
function executableKey(path: string, platform: NodeJS.Platform): string {
  const base = platform === "win32" ? win32.basename(path) : posix.basename(path);
  return base
    .toLowerCase()
    .replace(/\.exe$/, "")
    .replace(/[^a-z0-9_-]/g, "_")
    .slice(0, 32);
}

/**
 * --browser's value as a browser: a known name (any case), or an absolute path. Anything else is a UserError that
 * lists the known names; checked before 1Password is asked anything.
 */
export function parseBrowser(text: string, platform: NodeJS.Platform): Browser {
  const trimmed = text.trim();
  if (isPathLike(trimmed, platform)) {
    if (!isAbsoluteFor(trimmed, platform)) {
      throw new UserError(`--browser ${trimmed} is a relative path.`, {
        hint: "Give the browser's executable as an absolute path, or one of the names: " + knownBrowsersText() + ".",
      });
    }
    return {
      name: trimmed,
      label: trimmed,
      family: familyOfExecutable(trimmed, platform),
      profileKey: `${executableKey(trimmed, platform) || "browser"}-${sha256Hex(trimmed).slice(0, 12)}`,
    };
  }
  const known = KNOWN_BROWSERS.find((b) => b.name === trimmed.toLowerCase());
  if (!known) {
    throw new UserError(`Unknown browser "${trimmed}".`, { hint: `--browser takes ${knownBrowsersText()}.` });
  }
  if (known.only && known.only !== platform) {
    throw new UserError(`${known.label} is only on macOS.`, { hint: `--browser takes ${knownBrowsersText()}.` });
  }
  return { name: known.name, label: known.label, family: known.family, profileKey: known.name, known };
}

/**
 * The browser BROWSER names, when it is one command word without arguments that is a known browser's name or
 * command (BROWSER=firefox, BROWSER=google-chrome) or an absolute path: what --isolate uses when --browser is absent.
 */
export function browserFromEnvironment(value: string | undefined, platform: NodeJS.Platform): Browser | undefined {
  const first = value?.split(platform === "win32" ? ";" : ":")[0]?.trim();
  if (!first || /\s/.test(first)) return undefined;
  if (isPathLike(first, platform)) return isAbsoluteFor(first, platform) ? parseBrowser(first, platform) : undefined;
  const byCommand = KNOWN_BROWSERS.find((b) => b.name === first || b.commands.includes(first));
  if (!byCommand || (byCommand.only && byCommand.only !== platform)) return undefined;
  return parseBrowser(byCommand.name, platform);
}

/** Where to look for a browser: the variables of Windows' install folders, and the home directory. */
export interface BrowserLocations {
  env: NodeJS.ProcessEnv;
  home: string;
  platform: NodeJS.Platform;
}

/** An environment variable by name in any case (Windows' own are case-insensitive; a copied env object is not). */
function variable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : env[key];
}

/** The executables to try for a browser, in order. */
export function browserExecutables(browser: Browser, where: BrowserLocations): string[] {
  const known = browser.known;
  if (!known) return [browser.name];
  const found = [...known.commands];
  if (where.platform === "darwin" && known.macApp) {
    found.push(posix.join("/Applications", known.macApp));
    if (posix.isAbsolute(where.home)) found.push(posix.join(where.home, "Applications", known.macApp));
  }
  if (where.platform === "win32") {
    for (const { under, path } of known.windows ?? []) {
      for (const name of under) {
        const root = variable(where.env, name);
        if (root && win32.isAbsolute(root)) found.push(win32.join(root, path));
      }
    }
  }
  return [...new Set(found)];
}

/** The arguments that start the browser on `url`, in its own profile directory when one is given. */
export function browserArguments(family: BrowserFamily, url: string, profileDirectory?: string): string[] {
  if (profileDirectory === undefined) return [url];
  switch (family) {
    case "chromium":
      return [`--user-data-dir=${profileDirectory}`, "--no-first-run", "--no-default-browser-check", url];
    case "firefox":
      return ["-profile", profileDirectory, url];
    case "safari":
      throw cannotIsolate();
  }
}

function cannotIsolate(): UserError {
  return new UserError("Safari cannot be started with a browser profile of its own (--isolate).", {
    hint: "Use --isolate with chrome, brave, edge, vivaldi, chromium or firefox, or leave --isolate out.",
  });
}

/** The commands that may start the browser on `url`, in the order to try them. */
export function browserLaunchCommands(
  browser: Browser,
  url: string,
  where: BrowserLocations,
  profileDirectory?: string,
): BrowserCommand[] {
  const args = browserArguments(browser.family, url, profileDirectory);
  // `open -a Safari URL`: Safari is an app bundle that Launch Services starts.
  if (browser.family === "safari" && browser.known) return [{ command: "open", args: ["-a", "Safari", ...args] }];
  return browserExecutables(browser, where).map((command) => ({ command, args }));
}

/** Refused before anything else: a browser that cannot be given a profile of its own, with --isolate. */
export function requireIsolatable(browser: Browser): void {
  if (browser.family === "safari") throw cannotIsolate();
}
