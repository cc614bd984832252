// GetSessionToken: the item's long-term keys (with MFA when configured) exchanged for a session. aws-vault's
// sessiontokenprovider.go. Its descriptor holds the item's under `source`, the duration and the STS endpoint. The
// session carries its AccountId (the item's account field, else a GetCallerIdentity), cached with it.
// One round trip after op answers: the connections are opened while op runs, and the GetCallerIdentity goes out
// alongside GetSessionToken, signed with the same long-term keys (the user's account is the session's).
import type { CacheDescriptor } from "../cache/session-cache.js";
import type { ItemKeysProvider } from "./item-keys.js";
import { accountIdOfKeys, stsCallOptions, stsDescriptor, warmSts } from "./provider.js";
import type { CredentialProvider, FetchBudget, ServedCredentials, StsDeps, StsTarget } from "./provider.js";

export class SessionTokenProvider implements CredentialProvider {
  readonly descriptor: CacheDescriptor;

  constructor(
    private readonly item: ItemKeysProvider,
    private readonly options: StsTarget & { durationSeconds: number },
    private readonly deps: StsDeps,
  ) {
    this.descriptor = stsDescriptor("session", item, options);
  }

  async retrieve(budget: FetchBudget = { startedAt: this.deps.now().getTime() }): Promise<ServedCredentials> {
    // Two calls at once (unless the item says the account): a connection each.
    const release = warmSts(this.deps, this.options, budget, ["GetSessionToken", "GetCallerIdentity"]);
    try {
      const { keys, mfa, accountId } = await this.item.readKeysAndMfa(budget);
      const [credentials, account] = await Promise.all([
        this.deps.sts.getSessionToken(keys, {
          ...stsCallOptions(this.options, budget, this.deps.now()),
          durationSeconds: this.options.durationSeconds,
          ...(mfa ? { serialNumber: mfa.serialNumber, tokenCode: mfa.tokenCode } : {}),
        }),
        // GetSessionToken does not say the account: the item's account field does, else GetCallerIdentity.
        accountId ?? accountIdOfKeys(keys, { sts: this.deps.sts, target: this.options, budget, now: this.deps.now }),
      ]);
      return { ...credentials, ...(account ? { accountId: account } : {}), source: "sts" };
    } finally {
      release();
    }
  }
}
