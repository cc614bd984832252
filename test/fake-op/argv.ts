// Command-line tokenizing the way cobra/pflag does it for `op`: flags anywhere, `--flag value`, `--flag=value`,
// short flags (`-n`, `-i FILE`), `--` ends flags and a lone `-` is an argument.
import { flagNeedsArgument, unknownFlag, unknownShorthandFlag } from "./errors.js";

interface FlagSpec {
  takesValue: boolean;
  short?: string;
}

/** Every flag the fake knows; which command accepts which is checked by `verifyFlagsAllowed`. */
const FLAGS: Record<string, FlagSpec> = {
  // Global (persistent) flags.
  account: { takesValue: true },
  format: { takesValue: true },
  config: { takesValue: true },
  session: { takesValue: true },
  encoding: { takesValue: true },
  cache: { takesValue: false },
  debug: { takesValue: false },
  "iso-timestamps": { takesValue: false },
  "no-color": { takesValue: false },
  help: { takesValue: false, short: "h" },
  // Root only.
  version: { takesValue: false },
  // Item and vault commands.
  vault: { takesValue: true },
  template: { takesValue: true },
  title: { takesValue: true },
  category: { takesValue: true },
  categories: { takesValue: true },
  fields: { takesValue: true },
  tags: { takesValue: true },
  url: { takesValue: true },
  otp: { takesValue: false },
  reveal: { takesValue: false },
  "include-archive": { takesValue: false },
  archive: { takesValue: false },
  long: { takesValue: false },
  "dry-run": { takesValue: false },
  // read / inject.
  "no-newline": { takesValue: false, short: "n" },
  "in-file": { takesValue: true, short: "i" },
  "out-file": { takesValue: true, short: "o" },
  "file-mode": { takesValue: true },
  force: { takesValue: false, short: "f" },
};

export const GLOBAL_FLAGS: readonly string[] = [
  "account",
  "format",
  "config",
  "session",
  "encoding",
  "cache",
  "debug",
  "iso-timestamps",
  "no-color",
  "help",
];

export interface ParsedArgs {
  positionals: string[];
  values: Map<string, string>;
  booleans: Map<string, boolean>;
  /** Long names of the flags given, in order (for the per-command check). */
  seen: string[];
}

function shortToLong(letter: string): string | undefined {
  return Object.keys(FLAGS).find((name) => FLAGS[name]?.short === letter);
}

function parseBoolean(text: string, flag: string): boolean {
  if (/^(1|t|true|TRUE|True)$/.test(text)) return true;
  if (/^(0|f|false|FALSE|False)$/.test(text)) return false;
  throw flagNeedsArgument(flag);
}

export function parseArgv(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], values: new Map(), booleans: new Map(), seen: [] };
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index] ?? "";
    if (token === "--") {
      parsed.positionals.push(...argv.slice(index + 1));
      break;
    }
    if (token.startsWith("--")) {
      const equals = token.indexOf("=");
      const name = equals === -1 ? token.slice(2) : token.slice(2, equals);
      const spec = FLAGS[name];
      if (!spec) throw unknownFlag(`--${name}`);
      parsed.seen.push(name);
      if (spec.takesValue) {
        let value: string | undefined;
        if (equals !== -1) value = token.slice(equals + 1);
        else {
          value = argv[index + 1];
          index++;
        }
        if (value === undefined) throw flagNeedsArgument(`--${name}`);
        parsed.values.set(name, value);
      } else {
        parsed.booleans.set(name, equals === -1 ? true : parseBoolean(token.slice(equals + 1), `--${name}`));
      }
      continue;
    }
    if (token.startsWith("-") && token !== "-") {
      const letters = token.slice(1);
      for (let position = 0; position < letters.length; position++) {
        const letter = letters[position] ?? "";
        const name = shortToLong(letter);
        const spec = name === undefined ? undefined : FLAGS[name];
        if (name === undefined || !spec) throw unknownShorthandFlag(letter, token);
        parsed.seen.push(name);
        if (spec.takesValue) {
          let value: string | undefined = letters.slice(position + 1);
          if (value.startsWith("=")) value = value.slice(1);
          if (value === "") {
            value = argv[index + 1];
            index++;
          }
          if (value === undefined) throw flagNeedsArgument(`'${letter}' in -${letter}`);
          parsed.values.set(name, value);
          break;
        }
        parsed.booleans.set(name, true);
      }
      continue;
    }
    parsed.positionals.push(token);
  }
  return parsed;
}

/** pflag reports a flag the command does not define exactly like an unknown one. */
export function verifyFlagsAllowed(parsed: ParsedArgs, allowed: readonly string[]): void {
  for (const name of parsed.seen) {
    if (!GLOBAL_FLAGS.includes(name) && !allowed.includes(name)) throw unknownFlag(`--${name}`);
  }
}
