// AssumeRole: a role assumed with the credentials of a source provider (a session, another role, or straight from
// the item's long-term keys, then with MFA when configured). aws-vault's assumeroleprovider.go. Its descriptor holds
// the whole source chain under `source`, with role ARN, session name, external ID, duration, STS endpoint, session
// tags, transitive tag keys and source identity: each changes what the role's credentials may do.
import type { CacheDescriptor } from "../cache/session-cache.js";
import { ItemKeysProvider, type MfaCode } from "./item-keys.js";
import { OpGate, stsCallOptions, stsDescriptor, warmSts, withAccountId } from "./provider.js";
import type { CredentialProvider, FetchBudget, ServedCredentials, StsDeps, StsTarget } from "./provider.js";

export interface AssumeRoleOptions extends StsTarget {
  roleArn: string;
  roleSessionName: string;
  externalId?: string | undefined;
  durationSeconds: number;
  tags?: [key: string, value: string][] | undefined;
  transitiveTagKeys?: string[] | undefined;
  sourceIdentity?: string | undefined;
}

/** Session tags in a descriptor: in any order the same key (STS does not care about their order either). */
function tagsDescriptor(tags: [string, string][] | undefined): CacheDescriptor | undefined {
  return tags?.length ? Object.fromEntries(tags) : undefined;
}

export class AssumeRoleProvider implements CredentialProvider {
  readonly descriptor: CacheDescriptor;

  constructor(
    private readonly source: CredentialProvider,
    private readonly options: AssumeRoleOptions,
    private readonly deps: StsDeps,
  ) {
    this.descriptor = stsDescriptor("role", source, options, {
      roleArn: options.roleArn,
      externalId: options.externalId,
      sessionName: options.roleSessionName,
      tags: tagsDescriptor(options.tags),
      transitiveTagKeys: options.transitiveTagKeys?.length
        ? options.transitiveTagKeys
            .map((k) => k.toLowerCase())
            .sort()
            .join(",")
        : undefined,
      sourceIdentity: options.sourceIdentity,
    });
  }

  async retrieve(given: FetchBudget = { startedAt: this.deps.now().getTime() }): Promise<ServedCredentials> {
    // The connection for AssumeRole opens while the source's credentials are fetched (a session's calls reuse it,
    // and AssumeRole then one of theirs: kept alive), once op has been started (ItemKeysProvider.readKeysAndMfa
    // opens the gate), or the source has its credentials without op (assume() opens it). A gate that never opens
    // (the source failed first) starts nothing; release() closes what did.
    const budget: FetchBudget = given.opGate ? given : { ...given, opGate: new OpGate() };
    const release = warmSts(this.deps, this.options, budget, ["AssumeRole"]);
    try {
      return await this.assume(budget);
    } finally {
      release();
    }
  }

  private async assume(budget: FetchBudget): Promise<ServedCredentials> {
    let keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    let mfa: MfaCode | undefined;
    if (this.source instanceof ItemKeysProvider) {
      // Straight from the long-term keys: MFA goes with AssumeRole.
      ({ keys, mfa } = await this.source.readKeysAndMfa(budget));
    } else {
      // A session was obtained with MFA, so aws:MultiFactorAuthPresent holds for the role without a new code.
      const source = await this.source.retrieve(budget).finally(() => budget.opGate?.open());
      keys = {
        accessKeyId: source.accessKeyId,
        secretAccessKey: source.secretAccessKey,
        ...(source.sessionToken ? { sessionToken: source.sessionToken } : {}),
      };
    }
    const o = this.options;
    const { assumedRoleArn, ...credentials } = await this.deps.sts.assumeRole(keys, {
      ...stsCallOptions(o, budget, this.deps.now()),
      roleArn: o.roleArn,
      roleSessionName: o.roleSessionName,
      durationSeconds: o.durationSeconds,
      ...(o.externalId ? { externalId: o.externalId } : {}),
      ...(o.tags?.length ? { tags: o.tags } : {}),
      ...(o.transitiveTagKeys?.length ? { transitiveTagKeys: o.transitiveTagKeys } : {}),
      ...(o.sourceIdentity ? { sourceIdentity: o.sourceIdentity } : {}),
      ...(mfa ? { serialNumber: mfa.serialNumber, tokenCode: mfa.tokenCode } : {}),
    });
    // The account is in the assumed-role ARN (sts.ts reads it); GetCallerIdentity only if it was not.
    const served = await withAccountId(credentials, { sts: this.deps.sts, target: o, budget, now: this.deps.now });
    return { ...served, ...(assumedRoleArn ? { arn: assumedRoleArn } : {}), source: "sts" };
  }
}
