// Finding things the way `op` does: the account from --account / OP_ACCOUNT (default: the first, i.e. the last
// signed-in), a vault by ID or name, an item by ID, title or domain, with the real CLI's error texts.
import {
  NO_ACCOUNTS,
  NO_ACCOUNTS_ERROR,
  NO_ACCOUNTS_HINT,
  OpError,
  accountNotFound,
  itemNotFound,
  moreThanOneItem,
  vaultNotFound,
} from "./errors.js";
import type { FakeOpStore, StoreAccount, StoreItem, StoreVault } from "./store.js";

/** op 2.38's layout: the hint lines first, then `[ERROR] ... error initializing client:` and nothing after it. */
export function noAccountsError(): OpError {
  return new OpError(NO_ACCOUNTS_ERROR, [], { leadingLines: [NO_ACCOUNTS, ...NO_ACCOUNTS_HINT] });
}

function normalizeAddress(address: string): string {
  return address
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/\/+$/, "");
}

/** `--account` beats `OP_ACCOUNT`; either takes a shorthand, sign-in address, email, account ID or user ID. */
export function selectAccount(store: FakeOpStore, filter: string | undefined): StoreAccount {
  const first = store.accounts[0];
  if (!first) throw noAccountsError();
  if (filter === undefined || filter === "") return first;
  const wanted = filter.toLowerCase();
  const match = store.accounts.find(
    (account) =>
      account.shorthand.toLowerCase() === wanted ||
      normalizeAddress(account.url) === normalizeAddress(filter) ||
      account.email.toLowerCase() === wanted ||
      account.account_uuid.toLowerCase() === wanted ||
      account.user_uuid.toLowerCase() === wanted,
  );
  if (!match) throw accountNotFound(filter);
  return match;
}

export function findVault(account: StoreAccount, query: string): StoreVault {
  const vault =
    account.vaults.find((candidate) => candidate.id === query) ??
    account.vaults.find((candidate) => candidate.name.toLowerCase() === query.toLowerCase());
  if (!vault) throw vaultNotFound(query);
  return vault;
}

export interface LocatedItem {
  vault: StoreVault;
  item: StoreItem;
}

function hasDomain(item: StoreItem, query: string): boolean {
  return (item.urls ?? []).some((url) => {
    try {
      return new URL(url.href).hostname.toLowerCase() === query.toLowerCase();
    } catch {
      return false;
    }
  });
}

/**
 * An ID matches exactly (archived items too); otherwise the title (ignoring case) or a URL's domain matches,
 * skipping archived items unless `includeArchive`.
 */
export function findItem(
  account: StoreAccount,
  query: string,
  options: { vault?: string; includeArchive?: boolean } = {},
): LocatedItem {
  const vaults = options.vault === undefined ? account.vaults : [findVault(account, options.vault)];
  const all = vaults.flatMap((vault) => vault.items.map((item) => ({ vault, item })));
  const byId = all.find(({ item }) => item.id === query);
  if (byId) return byId;
  const matches = all.filter(
    ({ item }) =>
      (options.includeArchive === true || item.archived !== true) &&
      (item.title.toLowerCase() === query.toLowerCase() || hasDomain(item, query)),
  );
  const [only, ...others] = matches;
  if (!only) throw itemNotFound(query, options.vault);
  if (others.length > 0) {
    throw moreThanOneItem(
      query,
      matches.map(({ vault, item }) => ({ title: item.title, vaultName: vault.name, id: item.id })),
    );
  }
  return only;
}
