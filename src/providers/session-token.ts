// GetSessionToken: the item's long-term keys (with MFA when configured) exchanged for a session. aws-vault's
// sessiontokenprovider.go. Its descriptor holds the item's under `source`, the duration and the STS endpoint. The
// session carries its AccountId (the item's account field, else one GetCallerIdentity), cached with it.
import type { CacheDescriptor } from "../cache/session-cache.js";
import type { ItemKeysProvider } from "./item-keys.js";
import { stsCallOptions, stsDescriptor, withAccountId } from "./provider.js";
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
    const { keys, mfa, accountId } = await this.item.readKeysAndMfa(budget);
    const credentials = await this.deps.sts.getSessionToken(keys, {
      ...stsCallOptions(this.options, budget, this.deps.now()),
      durationSeconds: this.options.durationSeconds,
      ...(mfa ? { serialNumber: mfa.serialNumber, tokenCode: mfa.tokenCode } : {}),
    });
    // GetSessionToken does not say the account: the item's account field does, else GetCallerIdentity.
    const served = await withAccountId(
      { ...credentials, ...(accountId ? { accountId } : {}) },
      { sts: this.deps.sts, target: this.options, budget, now: this.deps.now },
    );
    return { ...served, source: "sts" };
  }
}
