// Argument lists for op, built by pure functions so that tests can compare them by equality.
// Names (item, vault, account) are passed as separate arguments, so any title works: quotes, slashes, `&`, unicode.

export interface ItemLocator {
  item: string;
  vault?: string;
  account?: string;
}

function scope(locator: { vault?: string; account?: string }): string[] {
  const args: string[] = [];
  if (locator.vault) args.push("--vault", locator.vault);
  if (locator.account) args.push("--account", locator.account);
  return args;
}

/** `op item get ITEM [--vault V] [--account A] --format json`; a title starting with "-" goes after "--". */
export function itemGetArgs(locator: ItemLocator): string[] {
  const flags = [...scope(locator), "--format", "json"];
  return locator.item.startsWith("-")
    ? ["item", "get", ...flags, "--", locator.item]
    : ["item", "get", locator.item, ...flags];
}

export function itemListArgs(locator: { vault?: string; account?: string }): string[] {
  return ["item", "list", ...scope(locator), "--format", "json"];
}

export function vaultListArgs(locator: { account?: string }): string[] {
  return ["vault", "list", ...scope(locator), "--format", "json"];
}

export function accountListArgs(): string[] {
  return ["account", "list", "--format", "json"];
}

export function whoamiArgs(locator: { account?: string }): string[] {
  return ["whoami", ...scope(locator), "--format", "json"];
}

/** The template itself comes on stdin (a FIFO): secrets never go on the command line. */
export function itemCreateArgs(locator: { vault: string; account?: string }): string[] {
  return ["item", "create", ...scope(locator), "--format", "json", "-"];
}

/**
 * `op item edit ITEM --vault V --format json`, the template on stdin (a FIFO). No `-`: unlike `item create`, edit
 * parses every operand after ITEM as an assignment statement and refuses a lone `-` ("\"-\" isn't a valid
 * assignment statement"). 1Password's Terraform provider calls it the same way.
 */
export function itemEditArgs(locator: ItemLocator): string[] {
  const flags = [...scope(locator), "--format", "json"];
  return locator.item.startsWith("-")
    ? ["item", "edit", ...flags, "--", locator.item]
    : ["item", "edit", locator.item, ...flags];
}
