// Colour for human output: only when the stream is a terminal, never when NO_COLOR is set (no-color.org: any
// non-empty value). Plain ANSI codes: four styles do not need a dependency.
import { escapeForTerminal } from "./terminal-text.js";

export interface Colours {
  enabled: boolean;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

export function isColourWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return isTTY;
}

function style(enabled: boolean, open: number, close: number): (text: string) => string {
  return enabled ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
}

export function colours(enabled: boolean): Colours {
  return {
    enabled,
    green: style(enabled, 32, 39),
    red: style(enabled, 31, 39),
    yellow: style(enabled, 33, 39),
    bold: style(enabled, 1, 22),
    dim: style(enabled, 2, 22),
  };
}

/** Shown lines of a diff: control characters escaped, except the "\r" that ends a line of a CRLF file. */
function escapeDiffLine(line: string): string {
  return line.endsWith("\r") ? `${escapeForTerminal(line.slice(0, -1))}\r` : escapeForTerminal(line);
}

/** Colour a unified diff: additions green, removals red, headers bold. Control characters in it are escaped. */
export function colourDiff(givenDiff: string, c: Colours): string {
  const diff = givenDiff.split("\n").map(escapeDiffLine).join("\n");
  if (!c.enabled) return diff;
  return diff
    .split("\n")
    .map((line) =>
      line.startsWith("+++") || line.startsWith("---")
        ? c.bold(line)
        : line.startsWith("+")
          ? c.green(line)
          : line.startsWith("-")
            ? c.red(line)
            : line.startsWith("@@")
              ? c.dim(line)
              : line,
    )
    .join("\n");
}
