// The browsers --browser knows: which names it takes (an unknown one lists them), where each is looked for on each
// platform, and the arguments that give it a profile of its own (--isolate) or none.
import { describe, expect, it } from "vitest";
import {
  browserArguments,
  browserExecutables,
  browserFromEnvironment,
  browserLaunchCommands,
  BROWSER_NAMES,
  parseBrowser,
  requireIsolatable,
  type Browser,
} from "../../../src/browser/browsers.js";
import { UserError } from "../../../src/errors.js";
import { thrownBy as thrown } from "../../helpers/thrown.js";

const URL_ = "http://127.0.0.1:4242/abc";

describe("parseBrowser", () => {
  it.each<[string, NodeJS.Platform, Partial<Browser>]>([
    ["chromium", "linux", { name: "chromium", family: "chromium", profileKey: "chromium" }],
    ["chrome", "linux", { name: "chrome", label: "Google Chrome", family: "chromium", profileKey: "chrome" }],
    ["Brave", "win32", { name: "brave", family: "chromium", profileKey: "brave" }],
    [" edge ", "darwin", { name: "edge", label: "Microsoft Edge", family: "chromium" }],
    ["vivaldi", "linux", { name: "vivaldi", family: "chromium" }],
    ["firefox", "linux", { name: "firefox", family: "firefox", profileKey: "firefox" }],
    ["safari", "darwin", { name: "safari", family: "safari" }],
    ["/opt/google/chrome/chrome", "linux", { name: "/opt/google/chrome/chrome", family: "chromium" }],
    ["/usr/lib/firefox-esr/firefox-esr", "linux", { family: "firefox" }],
    ["/opt/librewolf/librewolf", "linux", { family: "firefox" }],
    ["C:\\Program Files\\Mozilla Firefox\\firefox.exe", "win32", { family: "firefox" }],
    ["/Applications/Safari.app/Contents/MacOS/Safari", "darwin", { family: "safari" }],
  ])("%j on %s", (text, platform, expected) => {
    expect(parseBrowser(text, platform)).toMatchObject(expected);
  });

  it("a path's profiles are kept apart from every other browser's: its file name and a digest of the whole path", () => {
    const a = parseBrowser("/opt/a/chrome", "linux").profileKey;
    const b = parseBrowser("/opt/b/chrome", "linux").profileKey;
    expect(a).toMatch(/^chrome-[0-9a-f]{12}$/);
    expect(b).toMatch(/^chrome-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
    expect(parseBrowser("/opt/My Browser/Browser Thing.exe", "linux").profileKey).toMatch(
      /^browser_thing-[0-9a-f]{12}$/,
    );
    expect(parseBrowser("C:\\B\\My Browser.exe", "win32").profileKey).toMatch(/^my_browser-[0-9a-f]{12}$/);
  });

  it("an unknown name is refused with the known ones listed", () => {
    const error = thrown(() => parseBrowser("netscape", "linux"));
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('Unknown browser "netscape".');
    expect((error as UserError).hint).toBe(
      "--browser takes chromium, chrome, brave, edge, vivaldi, firefox, safari (macOS), or the path of a browser's executable.",
    );
    expect(BROWSER_NAMES).toEqual(["chromium", "chrome", "brave", "edge", "vivaldi", "firefox", "safari"]);
  });

  it("Safari outside macOS, and a relative path, are refused", () => {
    expect(thrown(() => parseBrowser("safari", "linux"))).toMatchObject({ message: "Safari is only on macOS." });
    expect(thrown(() => parseBrowser("bin/chrome", "linux"))).toMatchObject({
      message: "--browser bin/chrome is a relative path.",
    });
    expect(thrown(() => parseBrowser(".\\chrome.exe", "win32"))).toBeInstanceOf(UserError);
  });
});

describe("browserExecutables: PATH first, then the usual app locations", () => {
  it("Linux: the commands on PATH", () => {
    const where = { env: {}, home: "/home/u", platform: "linux" as const };
    expect(browserExecutables(parseBrowser("chromium", "linux"), where)).toEqual(["chromium", "chromium-browser"]);
    expect(browserExecutables(parseBrowser("chrome", "linux"), where)).toEqual([
      "google-chrome",
      "google-chrome-stable",
    ]);
    expect(browserExecutables(parseBrowser("brave", "linux"), where)).toEqual(["brave-browser", "brave"]);
    expect(browserExecutables(parseBrowser("edge", "linux"), where)).toEqual([
      "microsoft-edge",
      "microsoft-edge-stable",
    ]);
    expect(browserExecutables(parseBrowser("firefox", "linux"), where)).toEqual(["firefox", "firefox-esr"]);
    expect(browserExecutables(parseBrowser("/opt/x/chrome", "linux"), where)).toEqual(["/opt/x/chrome"]);
  });

  it("macOS: then the app bundle in /Applications and ~/Applications", () => {
    const where = { env: {}, home: "/Users/u", platform: "darwin" as const };
    expect(browserExecutables(parseBrowser("chrome", "darwin"), where)).toEqual([
      "google-chrome",
      "google-chrome-stable",
      "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
      "/Users/u/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    ]);
    expect(browserExecutables(parseBrowser("firefox", "darwin"), where)).toContain(
      "/Applications/Firefox.app/Contents/MacOS/firefox",
    );
  });

  it("Windows: then below Program Files and %LOCALAPPDATA%, the variables read in any case, relative ones skipped", () => {
    const where = {
      env: { ProgramFiles: "C:\\Program Files", "PROGRAMFILES(X86)": "C:\\Program Files (x86)", LOCALAPPDATA: "rel" },
      home: "C:\\Users\\u",
      platform: "win32" as const,
    };
    expect(browserExecutables(parseBrowser("chrome", "win32"), where)).toEqual([
      "google-chrome",
      "google-chrome-stable",
      "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
      "C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe",
    ]);
    expect(browserExecutables(parseBrowser("edge", "win32"), where)).toEqual([
      "microsoft-edge",
      "microsoft-edge-stable",
      "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
      "C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe",
    ]);
  });
});

describe("browserArguments", () => {
  it.each<[Browser["family"], string | undefined, string[]]>([
    ["chromium", undefined, [URL_]],
    ["firefox", undefined, [URL_]],
    ["safari", undefined, [URL_]],
    [
      "chromium",
      "/d/chrome/work-1",
      ["--user-data-dir=/d/chrome/work-1", "--no-first-run", "--no-default-browser-check", URL_],
    ],
    ["firefox", "/d/firefox/work-1", ["-profile", "/d/firefox/work-1", URL_]],
  ])("%s in %s", (family, directory, args) => {
    expect(browserArguments(family, URL_, directory)).toEqual(args);
  });

  it("Safari cannot have a profile of its own: --isolate refuses it before anything starts", () => {
    const safari = parseBrowser("safari", "darwin");
    expect(thrown(() => requireIsolatable(safari))).toMatchObject({
      message: "Safari cannot be started with a browser profile of its own (--isolate).",
    });
    expect(() => requireIsolatable(parseBrowser("firefox", "darwin"))).not.toThrow();
  });

  it("Safari opens through `open -a Safari`; the others by their executables, the URL one argument of its own", () => {
    const where = { env: {}, home: "/Users/u", platform: "darwin" as const };
    expect(browserLaunchCommands(parseBrowser("safari", "darwin"), URL_, where)).toEqual([
      { command: "open", args: ["-a", "Safari", URL_] },
    ]);
    expect(browserLaunchCommands(parseBrowser("brave", "linux"), URL_, { ...where, platform: "linux" }, "/d")).toEqual(
      ["brave-browser", "brave"].map((command) => ({
        command,
        args: ["--user-data-dir=/d", "--no-first-run", "--no-default-browser-check", URL_],
      })),
    );
  });
});

describe("browserFromEnvironment: the browser --isolate uses without --browser", () => {
  it.each<[string | undefined, NodeJS.Platform, string | undefined]>([
    ["firefox", "linux", "firefox"],
    ["google-chrome", "linux", "chrome"],
    ["brave-browser:firefox", "linux", "brave"],
    ["/opt/google/chrome/chrome", "linux", "/opt/google/chrome/chrome"],
    ["firefox --new-window %s", "linux", undefined],
    ["xdg-open", "linux", undefined],
    ["safari", "linux", undefined],
    ["bin/chrome", "linux", undefined],
    ["", "linux", undefined],
    [undefined, "linux", undefined],
  ])("BROWSER=%j on %s: %s", (value, platform, name) => {
    expect(browserFromEnvironment(value, platform)?.name).toBe(name);
  });
});
