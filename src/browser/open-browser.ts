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

/** Starts a command and resolves once it runs (true) or could not be found (false); it is never waited for. */
export type CommandStarter = (command: BrowserCommand, env: NodeJS.ProcessEnv) => Promise<boolean>;

export const startDetached: CommandStarter = (command, env) =>
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
  });

/** Opens `url` with the first command that starts; the UserError names the way out when none does. */
export async function openBrowser(
  url: string,
  options: { env: NodeJS.ProcessEnv; platform: NodeJS.Platform; start?: CommandStarter },
): Promise<BrowserCommand> {
  const commands = browserCommands(url, options.env, options.platform);
  const start = options.start ?? startDetached;
  for (const command of commands) {
    if (await start(command, options.env)) return command;
  }
  const tried = commands.map((c) => c.command).join(", ") || "none";
  throw new UserError(`Could not start a browser (tried: ${tried}).`, {
    hint: 'Set BROWSER to your browser\'s command (e.g. BROWSER=firefox), or run "aws-op login --stdout" and open the URL yourself.',
  });
}
