// The `credential_process` line that `aws-op setup` and `aws-op import` write, and its reading back (doctor).
//
// Four parsers run this line, and it must mean the same argument list to each of them:
// - botocore (AWS CLI, boto3) on POSIX: shlex.split, no shell;
// - botocore on Windows: a split on spaces/tabs where only double quotes quote and backslashes escape only a quote;
// - the AWS SDKs for JavaScript, Go and Java: `/bin/sh -c LINE` on POSIX, `cmd.exe /C LINE` on Windows (cmd expands
//   %VAR% even inside quotes, treats & | < > ^ ( ) as operators outside quotes, then the program splits the rest with
//   the Windows rules).
// The one quoting all four agree on is a double-quoted word holding no `"`, `$`, backtick, `%`, `!`, control
// character, and no backslash that is doubled, ends the word or stands before a quote; or a bare word of characters
// that no parser treats specially. `~` and `$HOME` are never written: botocore does not expand them.
// Before any of them runs it, each SDK's INI parser reads the value, and the AWS SDK for Go is the strict one:
// - aws-sdk-go-v2 config >= 1.25 (Terraform today) cuts a value at the first `#` or `;` anywhere, and strips the
//   quotes of a value that both starts and ends with one;
// - older releases (aws-sdk-go v1, aws-sdk-go-v2 config < 1.25, Debian's 1.17: checked by test/e2e/go-ruby-sdks)
//   read a value that starts with `"` as one quoted string and silently drop the rest of the line, so the line ran
//   `node` alone, which printed nothing and exited 0.
// So the line never contains `#` or `;`, and on POSIX it never starts with a quote: paths are bare words when they
// can be, else quoted after their leading `/` (`/"opt/aws op/cli.js"`), which every parser above reads alike.
// Absolute paths of the Node.js binary and the CLI script make the line work where `node` is not on PATH (nvm
// users, GUI apps and IDEs started with a thin PATH).
import { UserError } from "../errors.js";
import { splitPosix, splitWindows } from "./shell-split.js";

/** Characters every parser reads literally outside quotes. */
const BARE_WORD = /^[A-Za-z0-9_.,:=@+/-]+$/;

/** Why `value` cannot be written double-quoted for all four parsers, or undefined if it can. */
export function unsafeQuotingReason(value: string): string | undefined {
  if (value === "") return "it is empty";
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029) {
      return "it contains a control character or line break";
    }
    if (c === '"') return 'it contains a double quote (")';
    if (c === "$" || c === "`") return `it contains "${c}", which /bin/sh expands inside quotes`;
    if (c === "%" || c === "!") return `it contains "${c}", which cmd.exe expands inside quotes`;
    if (c === "#" || c === ";") return `it contains "${c}", where the AWS SDK for Go cuts the line as a comment`;
    if (c === "\\") {
      const next = value.charAt(i + 1);
      if (next === "" || next === "\\" || next === '"') {
        return "it contains a backslash that shells read as an escape (doubled, or at the end)";
      }
      // The newer Go INI reader unescapes \' and \n. A Windows path (`C:\...\nodejs`) keeps its \n: Windows
      // cannot be tested here, and refusing it would refuse Node's default install folder.
      if (next === "'" || (next === "n" && !isWindowsPath(value))) {
        return `it contains "\\${next}", which the AWS SDK for Go reads as an escape`;
      }
    }
  }
  return undefined;
}

/** One word of the line: bare when safe, else double-quoted; throws when no quoting is safe for all parsers. */
export function quoteWord(value: string, what: string): string {
  if (BARE_WORD.test(value)) return value;
  const reason = unsafeQuotingReason(value);
  if (reason !== undefined) {
    throw new UserError(`${what} cannot be written into credential_process safely: ${reason}.`);
  }
  return `"${value}"`;
}

/**
 * What a credential_process line starts aws-op with: Node.js and the npm package's CLI script, or the single
 * executable (Node.js's single executable application), which is both.
 */
export type AwsOpProgram = { nodePath: string; cliPath: string } | { executablePath: string };

export type CredentialProcessParts = AwsOpProgram & { profile: string };

/** The absolute paths that start aws-op, each with what it is called in messages. */
function programPaths(program: AwsOpProgram): [path: string, what: string][] {
  return "executablePath" in program
    ? [[program.executablePath, "The aws-op executable path"]]
    : [
        [program.nodePath, "The Node.js path"],
        [program.cliPath, "The aws-op script path"],
      ];
}

/** Why a profile name cannot go on the line safely, or undefined if it can. */
export function profileNameQuotingReason(profile: string): string | undefined {
  return profile.startsWith("-")
    ? 'it starts with "-", which would read as an option'
    : BARE_WORD.test(profile)
      ? undefined
      : unsafeQuotingReason(profile);
}

/** Refuse a profile name that cannot go on the line safely (with the fix in the hint). */
export function requireQuotableProfileName(profile: string): void {
  const reason = profileNameQuotingReason(profile);
  if (reason !== undefined) {
    throw new UserError(`The profile name ${JSON.stringify(profile)} cannot be used with aws-op: ${reason}.`, {
      hint: "credential_process is parsed by shlex, /bin/sh, cmd.exe, botocore's Windows split and the AWS SDK for Go's INI reader; rename the profile using letters, digits and . _ - (spaces are fine).",
    });
  }
}

/**
 * One word of a command shown to the user to copy into a POSIX shell (hints, "Try it"): bare when safe, else
 * single-quoted, so a profile named "my carol" is one argument and a `$` in a name is not expanded.
 */
export function shellWordForDisplay(value: string): string {
  return BARE_WORD.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A path as one word of the line: bare when safe, else double-quoted after a leading `/` (never a quote first,
 * for the older Go SDK's parser; see the header). Windows paths keep the whole-word quotes cmd.exe expects.
 */
function pathWord(path: string): string {
  if (BARE_WORD.test(path)) return path;
  return path.startsWith("/") && path.length > 1 ? `/"${path.slice(1)}"` : `"${path}"`;
}

function isWindowsPath(path: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\\\");
}

function isAbsolutePath(path: string): boolean {
  return path.startsWith("/") || isWindowsPath(path);
}

/**
 * `NODE CLI process --profile NAME` (or `EXECUTABLE process --profile NAME`), the same argument list under shlex,
 * sh -c, cmd.exe and the Windows split.
 */
export function buildCredentialProcessLine(parts: CredentialProcessParts): string {
  requireQuotableProfileName(parts.profile);
  const paths = programPaths(parts);
  for (const [path, what] of paths) {
    if (!isAbsolutePath(path)) throw new UserError(`${what} "${path}" is not absolute.`);
    const reason = unsafeQuotingReason(path);
    if (reason !== undefined) {
      throw new UserError(`${what} "${path}" cannot be written into credential_process safely: ${reason}.`, {
        hint: "Install Node.js and aws-op under a path without those characters.",
      });
    }
  }
  const profile = quoteWord(parts.profile, "The profile name");
  return `${paths.map(([path]) => pathWord(path)).join(" ")} process --profile ${profile}`;
}

/**
 * Split a credential_process line as botocore does on this platform (shlex on POSIX, the Windows rules on
 * Windows). Returns undefined for a line botocore could not split (an unclosed quote).
 */
export function splitCommandLine(line: string, platform: NodeJS.Platform): string[] | undefined {
  return platform === "win32" ? splitWindows(line) : splitPosix(line);
}

/** What doctor needs to know about an existing credential_process line. */
export interface ParsedCredentialProcess {
  argv: string[];
  /** True when the line runs `aws-op process` (by script path or by the `aws-op` command). */
  isAwsOp: boolean;
  /** The --profile value on the line, if any. */
  profile?: string;
}

export function parseCredentialProcessLine(
  line: string,
  platform: NodeJS.Platform,
): ParsedCredentialProcess | undefined {
  const argv = splitCommandLine(line, platform);
  if (!argv || argv.length === 0) return undefined;
  const processAt = argv.indexOf("process");
  const isAwsOp = processAt >= 1 && argv.slice(0, processAt).some((a) => /aws-op|cli\.js$/.test(a));
  const parsed: ParsedCredentialProcess = { argv, isAwsOp };
  for (let i = processAt + 1; processAt >= 0 && i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--profile" && argv[i + 1] !== undefined) parsed.profile = argv[i + 1] ?? "";
    else if (a.startsWith("--profile=")) parsed.profile = a.slice("--profile=".length);
  }
  return parsed;
}
