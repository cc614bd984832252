// Turns the 1Password CLI's stderr into errors that say what failed and what to do.
// op prints `[ERROR] YYYY/MM/DD HH:MM:SS <message>` (1Password's own Go code parses it with the same pattern),
// sometimes with unprefixed hint lines before or after it. Most failures exit 1, but exit 4 was seen for some API
// errors and 2 for a crash: any non-zero exit is a failure, classified by its text (facts: op-cli.md).
import { UserError } from "../errors.js";
import { quoted } from "../ui/terminal-text.js";

const ERROR_LINE = /^\[ERROR\] (\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}) (.+)$/m;

/** The message of op's first `[ERROR]` line, without the timestamp, or undefined when there is none. */
export function readOpErrorMessage(stderr: string): string | undefined {
  const match = ERROR_LINE.exec(stderr);
  return match?.[2]?.trim();
}

export interface OpErrorContext {
  /** What aws-op was doing, e.g. `reading item "AWS work"`. */
  action: string;
  item?: string;
  vault?: string;
  account?: string;
}

/** Lines of op's output can be long; keep an unrecognised message readable and bounded. */
function clip(text: string, max = 300): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}...` : oneLine;
}

/** How op ended, when it failed. */
export interface OpExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** Map a failed op run to a UserError. `stderr` is op's own text; it never holds item values. */
export function toOpError(stderr: string, context: OpErrorContext, exit?: OpExit): UserError {
  const message = readOpErrorMessage(stderr) ?? stderr.trim().split("\n")[0]?.trim() ?? "";
  const signin = context.account ? `op signin --account ${context.account}` : "op signin";
  const vaultText = context.vault ? ` in vault ${quoted(context.vault)}` : "";

  if (/not currently signed in|account is not signed in|session expired|you are not signed in/i.test(message)) {
    return new UserError(`Not signed in to 1Password (while ${context.action}).`, {
      hint: `Run "${signin}" and try again, or unlock the 1Password app with "Integrate with 1Password CLI" turned on.`,
    });
  }
  // op 2.38 prints the hint lines first, then `[ERROR] ... error initializing client:` with nothing after the
  // colon; older ones put the text on the [ERROR] line; `whoami` says `no account found for filter ` (empty).
  if (/No accounts configured/i.test(stderr) || /^no account found for filter\s*$/i.test(message)) {
    return new UserError("The 1Password CLI has no account set up.", {
      hint: 'Turn on "Integrate with 1Password CLI" in the 1Password app (Settings > Developer), or run "op account add".',
    });
  }
  const noMatch = /found no accounts for filter "(.*)"/i.exec(message);
  if (noMatch) {
    const filter = noMatch[1] ?? "";
    // --account (from op_account or --account) beats OP_ACCOUNT, so when aws-op passed it, it is the culprit.
    const source =
      context.account !== undefined && context.account === filter
        ? `op_account (or --account) is "${filter}"`
        : `OP_ACCOUNT is "${filter}"`;
    return new UserError(`No 1Password account matches "${filter}": ${source}.`, {
      hint: `Set it to the shorthand, sign-in address, account ID or user ID of an account "op account list" shows${context.account === filter ? "" : " (or unset OP_ACCOUNT)"}, or add the account with "op account add".`,
    });
  }
  if (/authorization prompt dismissed/i.test(message)) {
    return new UserError(`The 1Password approval prompt was dismissed (while ${context.action}).`, {
      hint: "Run the command again and approve access in the 1Password prompt; unlock 1Password first if it is locked.",
    });
  }
  if (/authorization timeout/i.test(message)) {
    return new UserError(`The 1Password approval timed out (while ${context.action}).`, {
      hint: "Run the command again and approve access in the 1Password prompt promptly.",
    });
  }
  if (/cannot connect to 1Password app|connection reset|LostConnectionToApp/i.test(stderr)) {
    return new UserError(`Lost the connection to the 1Password app (while ${context.action}).`, {
      hint: 'Make sure the 1Password app is running and unlocked, with "Integrate with 1Password CLI" on (Settings > Developer); if it just restarted or updated, run the command again.',
    });
  }
  if (/connecting to desktop app/i.test(message)) {
    return new UserError("Could not reach the 1Password app.", {
      hint: 'Make sure the 1Password app is running and unlocked, with "Integrate with 1Password CLI" on (Settings > Developer).',
    });
  }
  if (/\(403\)|Forbidden/i.test(message)) {
    return new UserError(`1Password refused access (403 Forbidden) while ${context.action}.`, {
      hint: `Check that this account${context.vault ? ` (or service account) can read vault ${quoted(context.vault)}` : " can read the vault"}; service accounts must name the vault with op_vault.`,
    });
  }
  if (/\(429\)|Too Many Requests|rate-limited/i.test(message)) {
    return new UserError(`1Password is rate limiting requests (while ${context.action}).`, {
      hint: "Wait a minute and try again. Service accounts have hourly and daily read limits: cached sessions save reads, so check that the aws-op cache directory is writable and op_session_duration is not off.",
    });
  }
  if (/vault query must be provided .*service account/i.test(message)) {
    return new UserError(`1Password service accounts must name the vault (while ${context.action}).`, {
      hint: "Set op_vault in the profile (or pass --vault) to the vault the service account can read.",
    });
  }
  if (/isn't a vault/i.test(message)) {
    return new UserError(`1Password vault ${quoted(context.vault ?? "?")} was not found.`, {
      hint: 'Check op_vault (or --vault): run "op vault list" to see the vault names and IDs.',
    });
  }
  if (/isn't an item/i.test(message)) {
    return new UserError(`1Password item ${quoted(context.item ?? "?")} was not found${vaultText}.`, {
      hint: `Check op_item (or --item): run "op item list${context.vault ? ` --vault '${context.vault}'` : ""}" to see item titles and IDs.`,
    });
  }
  if (/More than one item matches/i.test(message)) {
    const ids = [...stderr.matchAll(/\* for the item "(.*)" in vault (.*): ([a-z0-9]+)\s*$/gm)].map(
      (m) => `${m[3] ?? ""} (vault ${m[2] ?? ""})`,
    );
    return new UserError(`More than one 1Password item matches ${quoted(context.item ?? "?")}${vaultText}.`, {
      hint: `Set op_item to the item's ID${ids.length > 0 ? `: ${ids.join(", ")}` : ""}, or set op_vault to the right vault.`,
    });
  }
  if (/no account found|account .* not found|isn't an account/i.test(message)) {
    return new UserError(`1Password account "${context.account ?? "?"}" was not found.`, {
      hint: 'Check op_account (or --account): run "op account list" to see the accounts.',
    });
  }
  const code = unusualExitCode(exit);
  const api = /^\((\d{3})\) ([^:]+)/.exec(message);
  if (api) {
    return new UserError(
      `1Password's server refused the request (${api[1]} ${api[2]}) while ${context.action}${code ? ` (op exit code ${code})` : ""}.`,
      {
        hint: 'Check op_item and op_vault (their IDs, from "op item list", work best); if they are right, update op ("op update") and try again.',
      },
    );
  }
  if (exit?.signal) {
    return new UserError(`The 1Password CLI was killed by ${exit.signal} while ${context.action}.`, {
      hint: "Something outside aws-op ended op (low memory, or another program). Run the command again.",
    });
  }
  if (/^panic: /m.test(stderr)) {
    const first = clip(stderr.trim().split("\n")[0] ?? "", 120);
    return new UserError(
      `The 1Password CLI failed while ${context.action}: it crashed (${code ? `exit code ${code}, ` : ""}${first}).`,
      {
        hint: 'Update op ("op update") and try again; if it keeps crashing, report it to 1Password with "op --version".',
      },
    );
  }
  return new UserError(
    `The 1Password CLI failed while ${context.action}${code ? ` (exit code ${code})` : ""}: ${clip(message) || "no error message"}.`,
    { hint: 'Run the same "op" command by hand to see the full error, or run "aws-op doctor".' },
  );
}

/** An exit code other than the usual 1 (which says nothing more than "failed"), to show in the message. */
function unusualExitCode(exit: OpExit | undefined): number | undefined {
  const code = exit?.exitCode;
  return code === null || code === undefined || code === 0 || code === 1 ? undefined : code;
}
