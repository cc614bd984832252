// AssumeRole: a role assumed with the credentials of a source provider (a session, another role, or straight from
// the item's long-term keys, then with MFA when configured). aws-vault's assumeroleprovider.go. Its descriptor holds
// the whole source chain under `source`, with role ARN, session name, external ID, duration and STS endpoint.
import type { StsApi } from "../aws/sts.js";
import type { CacheDescriptor } from "../cache/session-cache.js";
import { ItemKeysProvider, type MfaCode } from "./item-keys.js";
import {
  stsCallOptions,
  withAccountId,
  type CredentialProvider,
  type FetchBudget,
  type ServedCredentials,
  type StsTarget,
} from "./provider.js";

export interface AssumeRoleOptions extends StsTarget {
  roleArn: string;
  roleSessionName: string;
  externalId?: string | undefined;
  durationSeconds: number;
}

export class AssumeRoleProvider implements CredentialProvider {
  readonly descriptor: CacheDescriptor;

  constructor(
    private readonly source: CredentialProvider,
    private readonly options: AssumeRoleOptions,
    private readonly deps: { sts: StsApi; now: () => Date },
  ) {
    this.descriptor = {
      kind: "role",
      source: source.descriptor,
      roleArn: options.roleArn,
      externalId: options.externalId,
      sessionName: options.roleSessionName,
      duration: options.durationSeconds,
      endpoint: options.endpoint,
    };
  }

  async retrieve(budget: FetchBudget = { startedAt: this.deps.now().getTime() }): Promise<ServedCredentials> {
    let keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    let mfa: MfaCode | undefined;
    if (this.source instanceof ItemKeysProvider) {
      // Straight from the long-term keys: MFA goes with AssumeRole.
      ({ keys, mfa } = await this.source.readKeysAndMfa(budget));
    } else {
      // A session was obtained with MFA, so aws:MultiFactorAuthPresent holds for the role without a new code.
      const source = await this.source.retrieve(budget);
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
      ...(mfa ? { serialNumber: mfa.serialNumber, tokenCode: mfa.tokenCode } : {}),
    });
    // The account is in the assumed-role ARN (sts.ts reads it); GetCallerIdentity only if it was not.
    const served = await withAccountId(credentials, { sts: this.deps.sts, target: o, budget, now: this.deps.now });
    return { ...served, ...(assumedRoleArn ? { arn: assumedRoleArn } : {}), source: "sts" };
  }
}
