// Which command opens the browser: BROWSER as xdg-open and Python's webbrowser read it, else the platform's
// opener; always an argument array (never a shell), the URL one argument of its own.
import { describe, expect, it } from "vitest";
import { browserCommands, openBrowser, type BrowserCommand } from "../../../src/browser/open-browser.js";

const URL_ = "http://127.0.0.1:4242/abc";

describe("browserCommands", () => {
  it.each([
    [
      {},
      "linux",
      [
        { command: "xdg-open", args: [URL_] },
        { command: "wslview", args: [URL_] },
      ],
    ],
    [
      {},
      "freebsd",
      [
        { command: "xdg-open", args: [URL_] },
        { command: "wslview", args: [URL_] },
      ],
    ],
    [{}, "darwin", [{ command: "open", args: [URL_] }]],
    [{}, "win32", [{ command: "rundll32.exe", args: ["url.dll,FileProtocolHandler", URL_] }]],
    [{ BROWSER: "" }, "darwin", [{ command: "open", args: [URL_] }]],
    [{ BROWSER: "firefox" }, "linux", [{ command: "firefox", args: [URL_] }]],
    [{ BROWSER: "firefox --new-window %s" }, "linux", [{ command: "firefox", args: ["--new-window", URL_] }]],
    [
      { BROWSER: "'/opt/My Browser/bin' --url=%s:chromium" },
      "linux",
      [
        { command: "/opt/My Browser/bin", args: [`--url=${URL_}`] },
        { command: "chromium", args: [URL_] },
      ],
    ],
    [{ BROWSER: "firefox; $(rm -rf ~)" }, "linux", [{ command: "firefox;", args: ["$(rm", "-rf", "~)", URL_] }]],
    [
      { BROWSER: '"C:\\Program Files\\Firefox\\firefox.exe";chrome' },
      "win32",
      [
        { command: "C:\\Program Files\\Firefox\\firefox.exe", args: [URL_] },
        { command: "chrome", args: [URL_] },
      ],
    ],
  ] as [NodeJS.ProcessEnv, NodeJS.Platform, BrowserCommand[]][])("%j on %s", (env, platform, commands) => {
    expect(browserCommands(URL_, env, platform)).toEqual(commands);
  });
});

describe("openBrowser", () => {
  it("tries the commands in order until one starts", async () => {
    const tried: string[] = [];
    const used = await openBrowser(URL_, {
      env: { BROWSER: "missing:found" },
      platform: "linux",
      start: async (command) => {
        tried.push(command.command);
        return command.command === "found";
      },
    });
    expect(tried).toEqual(["missing", "found"]);
    expect(used.command).toEqual({ command: "found", args: [URL_] });
  });

  it("an opener that exits non-zero did not open the page: the next is tried; when none is left, allFailed says so", async () => {
    const tried: string[] = [];
    const exits: ((code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
    const opened = await openBrowser(URL_, {
      env: {},
      platform: "linux",
      start: async (command, _env, onExit) => {
        tried.push(command.command);
        if (onExit) exits.push(onExit);
        return true;
      },
    });
    expect(opened.command.command).toBe("xdg-open");
    let failure: Error | undefined;
    void opened.allFailed.then((error) => (failure = error));
    // xdg-open finds no browser (exit 3): wslview is started next.
    exits[0]?.(3, null);
    await new Promise((r) => setImmediate(r));
    expect(tried).toEqual(["xdg-open", "wslview"]);
    expect(failure).toBeUndefined();
    exits[1]?.(null, "SIGTERM");
    await new Promise((r) => setImmediate(r));
    expect(failure).toMatchObject({
      message: "No browser could open the sign-in page: xdg-open exited with status 3; wslview was ended by SIGTERM.",
      hint: expect.stringMatching(/BROWSER.*aws-op login --stdout/),
    });
  });

  it("an opener that exits 0 opened it: nothing more is tried and allFailed never settles", async () => {
    const tried: string[] = [];
    const opened = await openBrowser(URL_, {
      env: {},
      platform: "linux",
      start: async (command, _env, onExit) => {
        tried.push(command.command);
        onExit?.(0, null);
        return true;
      },
    });
    const settled = await Promise.race([
      opened.allFailed.then(() => true),
      new Promise((r) => setTimeout(r, 20, false)),
    ]);
    expect(settled).toBe(false);
    expect(tried).toEqual(["xdg-open"]);
  });

  it("a real opener that exits 1 (BROWSER=false) is heard: allFailed says so", async () => {
    const failing = await openBrowser(URL_, { env: { BROWSER: "false", PATH: process.env.PATH }, platform: "linux" });
    await expect(failing.allFailed).resolves.toMatchObject({
      message: "No browser could open the sign-in page: false exited with status 1.",
    });
  });

  it("names BROWSER and --stdout when nothing starts", async () => {
    await expect(openBrowser(URL_, { env: {}, platform: "linux", start: async () => false })).rejects.toMatchObject({
      message: "Could not start a browser (tried: xdg-open, wslview).",
      hint: expect.stringMatching(/BROWSER.*aws-op login --stdout/),
    });
  });

  it("starts a real command detached, with the URL as one argument", async () => {
    const used = await openBrowser(URL_, { env: { BROWSER: "true", PATH: process.env.PATH }, platform: "linux" });
    expect(used.command).toEqual({ command: "true", args: [URL_] });
    await expect(
      openBrowser(URL_, { env: { BROWSER: "/nonexistent/browser", PATH: process.env.PATH }, platform: "linux" }),
    ).rejects.toThrow(/Could not start a browser/);
  });
});
