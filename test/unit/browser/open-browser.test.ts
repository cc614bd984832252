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
    expect(used).toEqual({ command: "found", args: [URL_] });
  });

  it("names BROWSER and --stdout when nothing starts", async () => {
    await expect(openBrowser(URL_, { env: {}, platform: "linux", start: async () => false })).rejects.toMatchObject({
      message: "Could not start a browser (tried: xdg-open, wslview).",
      hint: expect.stringMatching(/BROWSER.*aws-op login --stdout/),
    });
  });

  it("starts a real command detached, with the URL as one argument", async () => {
    const used = await openBrowser(URL_, { env: { BROWSER: "true", PATH: process.env.PATH }, platform: "linux" });
    expect(used).toEqual({ command: "true", args: [URL_] });
    await expect(
      openBrowser(URL_, { env: { BROWSER: "/nonexistent/browser", PATH: process.env.PATH }, platform: "linux" }),
    ).rejects.toThrow(/Could not start a browser/);
  });
});
