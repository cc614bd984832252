// GetFederationToken: the item's long-term keys exchanged for a federated-user session, for console sign-in of an
// IAM user profile (the federation endpoint refuses GetSessionToken credentials). aws-vault's federationtokenprovider.go.
// It takes no MFA: the session lacks aws:MultiFactorAuthPresent, so rights the user's policies grant only with MFA
// are missing from the console; a profile with an MFA device is told so, and pointed at a role profile. The policy
// passed allows everything: the session's rights are the intersection of it and the user's own policies.
import type { StsApi } from "../aws/sts.js";
import type { CacheDescriptor } from "../cache/session-cache.js";
import type { ItemKeysProvider } from "./item-keys.js";
import {
  stsCallOptions,
  warmSts,
  type CredentialProvider,
  type FetchBudget,
  type ServedCredentials,
  type StsTarget,
} from "./provider.js";

/** The session policy that keeps the user's own rights (the intersection with it is the user's policies). */
export const PASS_THROUGH_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
});

/** The federated user's name: 2 to 32 characters of [\w+=,.@-]. */
export function federatedUserName(userName: string): string {
  const clean = `aws-op-${userName}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 32);
  return clean.length >= 2 ? clean : "aws-op";
}

export class FederationTokenProvider implements CredentialProvider {
  readonly descriptor: CacheDescriptor;

  constructor(
    private readonly item: ItemKeysProvider,
    private readonly options: StsTarget & { durationSeconds: number; name: string },
    private readonly deps: { sts: StsApi; now: () => Date; warn: (message: string) => void },
  ) {
    this.descriptor = {
      kind: "federation",
      source: item.descriptor,
      name: options.name,
      duration: options.durationSeconds,
      endpoint: options.endpoint,
    };
  }

  async retrieve(budget: FetchBudget = { startedAt: this.deps.now().getTime() }): Promise<ServedCredentials> {
    const release = warmSts(this.deps, this.options, budget, ["GetFederationToken"]);
    try {
      return await this.federate(budget);
    } finally {
      release();
    }
  }

  private async federate(budget: FetchBudget): Promise<ServedCredentials> {
    // The keys only: an MFA code would be wasted (and a prompt for one pointless).
    const fields = await this.item.readFields();
    const mfaSerial = this.item.source.mfaSerial ?? fields.mfaSerial;
    if (mfaSerial) {
      this.deps.warn(
        `aws-op: GetFederationToken takes no MFA, so this console session is signed in without MFA (${mfaSerial}): rights that your policies grant only with aws:MultiFactorAuthPresent are missing. For those, sign in with a role profile (op_role_arn + op_source_profile), whose session is made with MFA.`,
      );
    }
    const { federatedUserArn, ...credentials } = await this.deps.sts.getFederationToken(
      { accessKeyId: fields.accessKeyId, secretAccessKey: fields.secretAccessKey },
      {
        ...stsCallOptions(this.options, budget, this.deps.now()),
        name: this.options.name,
        policy: PASS_THROUGH_POLICY,
        durationSeconds: this.options.durationSeconds,
      },
    );
    return {
      ...credentials,
      ...(fields.accountId && !credentials.accountId ? { accountId: fields.accountId } : {}),
      ...(federatedUserArn ? { arn: federatedUserArn } : {}),
      source: "sts",
    };
  }
}
