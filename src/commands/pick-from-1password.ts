// The account and vault pickers of `setup` and `import` in a terminal: the 1Password accounts (asked only when
// there are several and neither OP_ACCOUNT nor a service account names one) and the vaults, in type-to-filter lists.
// Each answer is what the config file will hold: a name when every AWS client reads it back unchanged, else the ID.
import { isPortableValue } from "../config/names.js";
import type { Context } from "../context.js";
import { UserError } from "../errors.js";
import { listAccounts, listVaults, type OpContext } from "../onepassword/client.js";
import type { Prompter } from "../ui/prompts.js";
import { escapeForTerminal } from "../ui/terminal-text.js";

/** A name for the config file when every AWS client reads it back unchanged, else the ID. */
export function portableOr(name: string, id: string): string {
  return isPortableValue(name) ? name : id;
}

/** The account to use, asked for when 1Password has several and nothing names one; undefined: op's default. */
export async function askForAccount(op: OpContext, prompter: Prompter, ctx: Context): Promise<string | undefined> {
  if (ctx.env.OP_ACCOUNT || ctx.env.OP_SERVICE_ACCOUNT_TOKEN) return undefined;
  const accounts = await listAccounts(op);
  if (accounts.length <= 1) return undefined;
  return prompter.select(
    "1Password account",
    accounts.map((a) => ({
      value: a.shorthand || a.account_uuid,
      name: escapeForTerminal(`${a.url} (${a.email})`),
    })),
  );
}

/** The vault, picked from the account's vaults (the only one without asking). */
export async function askForVault(
  op: OpContext,
  prompter: Prompter,
  locator: { account?: string },
  message = "1Password vault (type to filter)",
): Promise<string> {
  const vaults = await listVaults(op, locator);
  const only = vaults.length === 1 ? vaults[0] : undefined;
  if (vaults.length === 0) throw new UserError("This 1Password account has no vault aws-op can see.");
  if (only) return portableOr(only.name, only.id);
  return prompter.search(
    message,
    vaults.map((v) => ({ value: portableOr(v.name, v.id), name: escapeForTerminal(v.name) })),
  );
}
