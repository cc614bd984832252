// The error texts of the real `op` 2.x, from /work/shared/facts/op-cli.md, and the `[ERROR] <time> <message>` line
// format. Texts marked "fake" are not documented for the real CLI: they are plausible, and say so in their name.

/** An error the fake reports the way `op` does: `[ERROR] ...` on stderr, exit 1 (or `exitCode`), nothing on stdout. */
export class OpError extends Error {
  override readonly name = "OpError";
  /** Unprefixed lines printed after the `[ERROR]` line (hints, the list of matching items). */
  readonly extraLines: readonly string[];
  /** Unprefixed lines printed before it (op 2.38's no-accounts hint). */
  readonly leadingLines: readonly string[];
  /** Most failures exit 1; exit 4 was recorded for some API errors (facts). */
  readonly exitCode: number;
  constructor(
    message: string,
    extraLines: readonly string[] = [],
    options: { leadingLines?: readonly string[]; exitCode?: number } = {},
  ) {
    super(message);
    this.extraLines = extraLines;
    this.leadingLines = options.leadingLines ?? [];
    this.exitCode = options.exitCode ?? 1;
  }
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

/** Go's log timestamp in local time: `YYYY/MM/DD HH:MM:SS`. */
export function formatLogTime(date: Date): string {
  return (
    `${date.getFullYear()}/${pad(date.getMonth() + 1)}/${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

export function formatErrorLine(message: string, date: Date): string {
  return `[ERROR] ${formatLogTime(date)} ${message}\n`;
}

/** The whole stderr text for an OpError. */
export function formatOpError(error: OpError, date: Date): string {
  const lines = (list: readonly string[]) => list.map((line) => `${line}\n`).join("");
  return lines(error.leadingLines) + formatErrorLine(error.message, date) + lines(error.extraLines);
}

// --- Session and transport failures (facts: "Failure texts worth recognising") ---

export const NOT_SIGNED_IN =
  "error initializing client: You are not currently signed in. Please run `op signin --help` for instructions";
export const NO_ACCOUNTS = "No accounts configured for use with 1Password CLI.";
/**
 * No account configured (op 2.38): the unprefixed hint lines come first, then an `[ERROR]` line whose message
 * ends at the colon. NO_ACCOUNTS_HINT follows NO_ACCOUNTS (fake wording: the facts only say "hint lines").
 */
export const NO_ACCOUNTS_ERROR = "error initializing client:";
/** `op whoami` with nothing configured: the filter is empty. */
export const WHOAMI_NO_ACCOUNT = "no account found for filter ";
export const NO_ACCOUNTS_HINT = [
  "",
  "To add an account, run `op account add`, or turn on the 1Password desktop app integration:",
  "https://developer.1password.com/docs/cli/app-integration/",
];
export const PROMPT_DISMISSED = "authorization prompt dismissed, please try again";
export const AUTHORIZATION_TIMEOUT = "error initializing client: authorization timeout";
export const APP_UNREACHABLE = "connecting to desktop app: connecting to desktop app timed out";
export const FORBIDDEN = "(403) Forbidden: You aren't authorized to access this resource.";
export const RATE_LIMITED = "Too many requests. Your client has been rate-limited.";
/** The older wording (facts: "older texts carry `(429) Too Many Requests`"); the rest of the line is fake. */
export const RATE_LIMITED_429 =
  "(429) Too Many Requests: You've reached the maximum number of requests. Try again later.";
/** A lost desktop-app connection: the three texts the facts name; what follows each `...` is fake wording. */
export const APP_NOT_RUNNING =
  "connecting to desktop app: cannot connect to 1Password app, make sure it is running and CLI integration is on";
export const APP_CONNECTION_RESET =
  "connecting to desktop app: read unix @->/run/user/1000/1Password-BrowserSupport.sock: read: connection reset by peer";
export const APP_CONNECTION_LOST = "LostConnectionToApp: the connection to the 1Password app was lost";
export const SERVICE_ACCOUNT_NEEDS_VAULT =
  "a vault query must be provided when this command is called by a service account. Please specify one either through the --vault flag or through piped input";
/** An API error with op's exit code 4 (facts: "exit 4 was recorded for some (400)/(404) API errors"); fake tail. */
export const API_BAD_REQUEST = "(400) Bad Request: The request could not be understood.";
/** A text aws-op does not know (fake wording), to see how an unknown failure is reported. */
export const UNKNOWN_FAILURE = "something unexpected happened";

// --- Lookup failures ---

export function itemNotFound(item: string, vault?: string): OpError {
  return vault === undefined
    ? new OpError(`"${item}" isn't an item. Specify the item with its UUID, name, or domain.`)
    : new OpError(`"${item}" isn't an item in the "${vault}" vault. Specify the item with its UUID, name, or domain.`);
}

export function vaultNotFound(vault: string): OpError {
  return new OpError(`"${vault}" isn't a vault in this account. Specify the vault with its ID or name.`);
}

export function moreThanOneItem(
  query: string,
  matches: readonly { title: string; vaultName: string; id: string }[],
): OpError {
  return new OpError(
    `More than one item matches "${query}". Try again and specify the item by its ID:`,
    matches.map((match) => `\t* for the item "${match.title}" in vault ${match.vaultName}: ${match.id}`),
  );
}

/** `--account` / OP_ACCOUNT matching no account (facts: op 2.34). */
export function accountNotFound(filter: string): OpError {
  return new OpError(`error initializing client: found no accounts for filter "${filter}"`);
}

// --- Command line (cobra/pflag wording) ---

export function unknownCommand(command: string, parent: string): OpError {
  return new OpError(`unknown command "${command}" for "${parent}"`, [
    `Usage:  ${parent} [command] [flags]`,
    "",
    `Run '${parent} --help' for more information.`,
  ]);
}

export function unknownFlag(flag: string): OpError {
  return new OpError(`unknown flag: ${flag}`);
}

export function unknownShorthandFlag(letter: string, token: string): OpError {
  return new OpError(`unknown shorthand flag: '${letter}' in ${token}`);
}

export function flagNeedsArgument(flag: string): OpError {
  return new OpError(`flag needs an argument: ${flag}`);
}

export function wrongArgumentCount(expected: number, received: number): OpError {
  return new OpError(`accepts ${expected} arg(s), received ${received}`);
}

// --- Item writes ---

/** The misleading text the real CLI prints when a template on stdin is not a FIFO (diazoxide/charter#78). */
export const CREATE_NEEDS_CATEGORY = "provide the item category with '--category' flag";
/** `op item edit ITEM -`: the real text (edit takes no `-`; every operand after ITEM is an assignment). */
export const INVALID_ASSIGNMENT_DASH = '"-" isn\'t a valid assignment statement';
/** Fake wording: `item edit` with no readable template and nothing else to change. */
export const EDIT_NEEDS_CHANGES =
  "provide the item template with '--template' flag or piped on stdin, or at least one field assignment";

// --- Secret references (facts: "Secret references") ---

export function invalidReferenceCharacter(reference: string, character: string): OpError {
  return new OpError(`invalid secret reference '${reference}': invalid character in secret reference: '${character}'`);
}

export function couldNotReadSecret(reference: string, inner: string): OpError {
  return new OpError(`could not read secret '${reference}': ${inner}`);
}

/** Reasons the fake alone produces (misconfiguration of the double itself). */
export function fakeOpProblem(message: string): OpError {
  return new OpError(`fake-op: ${message}`);
}
