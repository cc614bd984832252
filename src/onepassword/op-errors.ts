// Turns the 1Password CLI's stderr into errors that say what failed and what to do.
// op prints `[ERROR] YYYY/MM/DD HH:MM:SS <message>` (1Password's own Go code parses it with the same pattern),
// sometimes with unprefixed hint lines around it, and exits 1 on every failure.
import { UserError } from "../errors.js";

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

/** Map a failed op run to a UserError. `stderr` is op's own text; it never holds item values. */
export function toOpError(stderr: string, context: OpErrorContext): UserError {
  const message = readOpErrorMessage(stderr) ?? stderr.trim().split("\n")[0]?.trim() ?? "";
  const signin = context.account ? `op signin --account ${context.account}` : "op signin";
  const vaultText = context.vault ? ` in vault "${context.vault}"` : "";

  if (/not currently signed in|account is not signed in|session expired|you are not signed in/i.test(message)) {
    return new UserError(`Not signed in to 1Password (while ${context.action}).`, {
      hint: `Run "${signin}" and try again, or unlock the 1Password app with "Integrate with 1Password CLI" turned on.`,
    });
  }
  if (/No accounts configured/i.test(stderr)) {
    return new UserError("The 1Password CLI has no account set up.", {
      hint: 'Turn on "Integrate with 1Password CLI" in the 1Password app (Settings > Developer), or run "op account add".',
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
  if (/connecting to desktop app/i.test(message)) {
    return new UserError("Could not reach the 1Password app.", {
      hint: 'Make sure the 1Password app is running and unlocked, with "Integrate with 1Password CLI" on (Settings > Developer).',
    });
  }
  if (/\(403\)|Forbidden/i.test(message)) {
    return new UserError(`1Password refused access (403 Forbidden) while ${context.action}.`, {
      hint: `Check that this account${context.vault ? ` (or service account) can read vault "${context.vault}"` : " can read the vault"}; service accounts must name the vault with op_vault.`,
    });
  }
  if (/\(429\)|Too Many Requests/i.test(message)) {
    return new UserError("1Password is rate limiting requests (429 Too Many Requests).", {
      hint: "Wait a minute and try again. Cached sessions make this rare: check that the aws-op cache directory is writable.",
    });
  }
  if (/isn't a vault/i.test(message)) {
    return new UserError(`1Password vault "${context.vault ?? "?"}" was not found.`, {
      hint: 'Check op_vault (or --vault): run "op vault list" to see the vault names and IDs.',
    });
  }
  if (/isn't an item/i.test(message)) {
    return new UserError(`1Password item "${context.item ?? "?"}" was not found${vaultText}.`, {
      hint: `Check op_item (or --item): run "op item list${context.vault ? ` --vault '${context.vault}'` : ""}" to see item titles and IDs.`,
    });
  }
  if (/More than one item matches/i.test(message)) {
    const ids = [...stderr.matchAll(/\* for the item "(.*)" in vault (.*): ([a-z0-9]+)\s*$/gm)].map(
      (m) => `${m[3] ?? ""} (vault ${m[2] ?? ""})`,
    );
    return new UserError(`More than one 1Password item matches "${context.item ?? "?"}"${vaultText}.`, {
      hint: `Set op_item to the item's ID${ids.length > 0 ? `: ${ids.join(", ")}` : ""}, or set op_vault to the right vault.`,
    });
  }
  if (/no account found|account .* not found|isn't an account/i.test(message)) {
    return new UserError(`1Password account "${context.account ?? "?"}" was not found.`, {
      hint: 'Check op_account (or --account): run "op account list" to see the accounts.',
    });
  }
  return new UserError(`The 1Password CLI failed while ${context.action}: ${clip(message) || "no error message"}.`, {
    hint: 'Run the same "op" command by hand to see the full error, or run "aws-op doctor".',
  });
}
