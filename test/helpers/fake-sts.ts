// The one fake STS of the unit tests (an StsApi in memory; test/helpers/fake-sts-server.ts is the HTTP one for fault
// injection). It records every call with its parameters and issues numbered credentials, so a test can tell which
// call made what it got: sessions ASIASESSION000000001, session-secret-1, session-token-1, ...; roles
// ASIAROLE000000000001 ... with the assumed-role ARN moto would give; federation tokens ASIAFEDERATED0000001 ...
import type { AwsCredentials } from "../../src/aws/credential-output.js";
import type { AwsEndpointOptions, CallerIdentity, CallerKeys, StsApi } from "../../src/aws/sts.js";

/** Everything a call was given. */
export interface StsCallParams extends AwsEndpointOptions {
  durationSeconds?: number;
  serialNumber?: string;
  tokenCode?: string;
  roleArn?: string;
  roleSessionName?: string;
  externalId?: string;
  name?: string;
  policy?: string;
}

export interface StsCall {
  op: "GetSessionToken" | "AssumeRole" | "GetCallerIdentity" | "GetFederationToken";
  accessKeyId: string;
  endpoint?: string;
  params: StsCallParams;
}

export interface FakeStsOptions {
  /** The clock credentials expire by (ms). */
  now?: () => number;
  /** Who a key is (default: user u-<last 4 characters of the key ID>). */
  identity?: (keys: CallerKeys) => CallerIdentity;
  /** Called with each call as it happens (for a test's event log). */
  onCall?: (call: StsCall) => void;
  /** Replace any operation. */
  overrides?: Partial<StsApi>;
}

export function perKeyIdentity(keys: CallerKeys): CallerIdentity {
  return {
    account: "123456789012",
    arn: `arn:aws:iam::123456789012:user/u-${keys.accessKeyId.slice(-4)}`,
    userId: "AIDA",
  };
}

export function fakeSts(options: FakeStsOptions = {}): { sts: StsApi; calls: StsCall[] } {
  const now = options.now ?? (() => Date.now());
  const calls: StsCall[] = [];
  const issued = { session: 0, role: 0, federation: 0 };
  /** The next numbered credentials of a kind; the access key ID is the prefix and the number, 20 characters. */
  const issue = (kind: keyof typeof issued, prefix: string, durationSeconds: number): AwsCredentials => {
    const n = (issued[kind] += 1);
    return {
      accessKeyId: `${prefix}${String(n).padStart(20 - prefix.length, "0")}`,
      secretAccessKey: `${kind}-secret-${n}`,
      sessionToken: `${kind}-token-${n}`,
      expiration: new Date(now() + durationSeconds * 1000),
    };
  };
  const record = (op: StsCall["op"], keys: CallerKeys, params: StsCallParams): void => {
    const call: StsCall = {
      op,
      accessKeyId: keys.accessKeyId,
      ...(params.endpoint ? { endpoint: params.endpoint } : {}),
      params,
    };
    calls.push(call);
    options.onCall?.(call);
  };
  const sts: StsApi = {
    async getSessionToken(keys, params) {
      record("GetSessionToken", keys, params);
      return issue("session", "ASIASESSION", params.durationSeconds);
    },
    async assumeRole(keys, params) {
      record("AssumeRole", keys, params);
      const [, , , , account = "123456789012", resource = "role/role"] = params.roleArn.split(":");
      return {
        ...issue("role", "ASIAROLE", params.durationSeconds),
        assumedRoleArn: `arn:aws:sts::${account}:assumed-role/${resource.split("/").at(-1) ?? ""}/${params.roleSessionName}`,
        accountId: account,
      };
    },
    async getCallerIdentity(keys, params) {
      record("GetCallerIdentity", keys, params);
      return (options.identity ?? perKeyIdentity)(keys);
    },
    async getFederationToken(keys, params) {
      record("GetFederationToken", keys, params);
      return issue("federation", "ASIAFEDERATED", params.durationSeconds);
    },
    ...options.overrides,
  };
  return { sts, calls };
}
