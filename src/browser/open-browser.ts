// Opening a URL in the person's browser: the only code that starts a browser. It is only ever handed the one-time
// loopback URL (one-time-redirect.ts), never the sign-in URL: process arguments are readable by other local users.
// Which browser: BROWSER when set, read as xdg-open and Python's webbrowser read it (a list of commands separated
// by the path separator, each split like a shell would, "%s" replaced by the URL or the URL appended), else the
// platform's opener. Always an argument array, never a shell. Hand-written rather than the `open` package: `open`
// ignores BROWSER and, on Windows and WSL, runs PowerShell with the URL inside a command string.
import { spawn } from "node:child_process";
import { splitCommandLine } from "../config/command-line.js";
import { UserError } from "../errors.js";
import { findExecutable } from "../executables.js";

export interface BrowserCommand {
  command: string;
  args: string[];
}

/** The platform's openers, tried in order. */
function platformOpeners(platform: NodeJS.Platform): BrowserCommand[] {
  if (platform === "darwin") return [{ command: "open", args: [] }];
  // rundll32's URL handler opens the default browser without cmd.exe (whose `start` would parse the URL).
  if (platform === "win32") return [{ command: "rundll32.exe", args: ["url.dll,FileProtocolHandler"] }];
  // wslview (wslu) opens the Windows browser from WSL, where xdg-open is often missing.
  return [
    { command: "xdg-open", args: [] },
    { command: "wslview", args: [] },
  ];
}

/** The commands that may open `url`, in the order to try them. */
export function browserCommands(url: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): BrowserCommand[] {
  const browser = env.BROWSER?.trim();
  if (!browser) {
    return platformOpeners(platform).map((opener) => ({ command: opener.command, args: [...opener.args, url] }));
  }
  const commands: BrowserCommand[] = [];
  for (const entry of browser.split(platform === "win32" ? ";" : ":")) {
    const words = splitCommandLine(entry.trim(), platform);
    const [command, ...args] = words ?? [];
    if (!command) continue;
    const substituted = args.some((a) => a.includes("%s"));
    commands.push({
      command,
      args: substituted ? args.map((a) => a.replaceAll("%s", url)) : [...args, url],
    });
  }
  return commands;
}

/**
 * Starts a command and resolves once it runs (true) or could not be found (false); it is never waited for, but
 * `onExit`, when given, hears how it ended if it ends while aws-op runs.
 */
export type CommandStarter = (
  command: BrowserCommand,
  env: NodeJS.ProcessEnv,
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void,
) => Promise<boolean>;

export const startDetached: CommandStarter = (command, env, onExit) =>
  new Promise((resolve, reject) => {
    // By the absolute path on PATH, never from the working directory (see executables.ts).
    const path = findExecutable(command.command, env, process.platform);
    if (path === undefined) {
      resolve(false);
      return;
    }
    const child = spawn(path, command.args, { env, stdio: "ignore", detached: true });
    child.once("spawn", () => {
      child.unref();
      resolve(true);
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "EACCES") resolve(false);
      else reject(error);
    });
    if (onExit) child.once("exit", onExit);
  });

const NO_BROWSER_HINT =
  'Set BROWSER to your browser\'s command (e.g. BROWSER=firefox), or run "aws-op login --stdout" and open the URL yourself.';

/** A browser opener that started, and how to hear that every one failed after all. */
export interface OpenedBrowser {
  command: BrowserCommand;
  /**
   * Resolves with the error to report when every opener failed after starting (exited non-zero or by a signal);
   * never settles while one may still be opening the page.
   */
  allFailed: Promise<UserError>;
}

/**
 * Starts the first of `commands` that is there; undefined when none is. An opener that then exits non-zero or by a
 * signal did not open the page (xdg-open exits 3 when it finds no browser and 4 when the one it ran failed; a
 * BROWSER command or a browser can fail the same way): the next command is tried, and when none is left
 * `allFailed` says so, so that login need not wait the whole time for a page that no browser will open. An opener
 * that exits 0 or keeps running (a browser itself, or one that handed the URL to its running instance) is taken as
 * opening it.
 */
export async function startFirst(
  commands: BrowserCommand[],
  env: NodeJS.ProcessEnv,
  start: CommandStarter = startDetached,
  hint: string = NO_BROWSER_HINT,
): Promise<OpenedBrowser | undefined> {
  const outcomes: string[] = [];
  let reportAllFailed: (error: UserError) => void = () => undefined;
  const allFailed = new Promise<UserError>((resolve) => (reportAllFailed = resolve));
  const startFrom = async (index: number): Promise<BrowserCommand | undefined> => {
    for (let i = index; i < commands.length; i++) {
      const command = commands[i] as BrowserCommand;
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        if (code === 0) return;
        outcomes.push(`${command.command} ${signal ? `was ended by ${signal}` : `exited with status ${code}`}`);
        startFrom(i + 1).then(
          (next) => {
            if (!next) reportAllFailed(noBrowserOpened(outcomes, hint));
          },
          () => reportAllFailed(noBrowserOpened(outcomes, hint)),
        );
      };
      if (await start(command, env, onExit)) return command;
      outcomes.push(`${command.command} was not found`);
    }
    return undefined;
  };
  const started = await startFrom(0);
  return started ? { command: started, allFailed } : undefined;
}

/** Opens `url` with the first command that starts ($BROWSER, else the system's opener); see startFirst. */
export async function openBrowser(
  url: string,
  options: { env: NodeJS.ProcessEnv; platform: NodeJS.Platform; start?: CommandStarter },
): Promise<OpenedBrowser> {
  const commands = browserCommands(url, options.env, options.platform);
  const opened = await startFirst(commands, options.env, options.start);
  if (opened) return opened;
  const tried = commands.map((c) => c.command).join(", ") || "none";
  throw new UserError(`Could not start a browser (tried: ${tried}).`, { hint: NO_BROWSER_HINT });
}

function noBrowserOpened(outcomes: string[], hint: string): UserError {
  return new UserError(`No browser could open the sign-in page: ${outcomes.join("; ")}.`, { hint });
}
