// IAM calls for `aws-op rotate`. Like sts.ts, the SDK is loaded lazily and the client always gets explicit
// credentials (the long-term keys from the item): the default chain could run aws-op again through AWS_PROFILE.
// The endpoint is chosen as the AWS SDKs choose it (endpoints.ts).
import { UserError } from "../errors.js";
import { registerSecret } from "../redact.js";
import { isErrorNamed, readSdkError, toServiceError, type CallSite } from "./aws-errors.js";
import { maskKeyId } from "./credential-output.js";
import type { NetworkSettings } from "./network.js";
import { connectionFor, limitResponseSize, sdkClientConfig, type CallerKeys } from "./sts.js";

export interface IamAccessKey {
  accessKeyId: string;
  status: "Active" | "Inactive" | string;
  createDate?: Date;
}

export interface NewAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  userName: string;
}

export interface IamOptions {
  region: string;
  endpoint?: string;
  /** Proxies and CA bundle (network.ts), as for STS. */
  network?: NetworkSettings;
}

/** What rotate needs from IAM. Without `userName`, IAM acts on the user who owns the calling key. */
export interface IamApi {
  listAccessKeys(keys: CallerKeys, options: IamOptions & { userName?: string }): Promise<IamAccessKey[]>;
  createAccessKey(keys: CallerKeys, options: IamOptions & { userName?: string }): Promise<NewAccessKey>;
  deleteAccessKey(keys: CallerKeys, options: IamOptions & { accessKeyId: string; userName?: string }): Promise<void>;
  updateAccessKey(
    keys: CallerKeys,
    options: IamOptions & { accessKeyId: string; status: "Active" | "Inactive"; userName?: string },
  ): Promise<void>;
}

/** IAM SDK errors as UserErrors that name the fix. Only the error code and AWS's short message are shown. */
export function toIamError(error: unknown, operation: string, site: CallSite = {}): UserError {
  return toServiceError(error, "IAM", operation, site, ({ name, message, op }) => {
    if (name === "InvalidClientTokenId") {
      return new UserError(`AWS rejected the access key from 1Password (${op}: InvalidClientTokenId).`, {
        hint: "The key in the item is deleted, deactivated or mistyped: fix the item (or create a key in the AWS console and store it) before rotating.",
        cause: error,
      });
    }
    if (isErrorNamed(name, "AccessDenied")) {
      return new UserError(`AWS denied ${op}: ${message || "AccessDenied"}.`, {
        hint: "The IAM user needs iam:ListAccessKeys, iam:CreateAccessKey, iam:UpdateAccessKey and iam:DeleteAccessKey on itself (arn:aws:iam::ACCOUNT:user/${aws:username}); a policy that requires MFA for these calls is not supported by rotate.",
        cause: error,
      });
    }
    if (isErrorNamed(name, "LimitExceeded")) {
      return new UserError(`AWS refused ${op}: the user already has the maximum number of access keys (2).`, {
        hint: "Delete the access key you no longer use (aws iam list-access-keys; aws iam delete-access-key), then run rotate again.",
        cause: error,
      });
    }
    if (isErrorNamed(name, "NoSuchEntity")) {
      return new UserError(`AWS says the user or key does not exist (${op}: ${message || "NoSuchEntity"}).`, {
        cause: error,
      });
    }
    return undefined;
  });
}

/** Did IAM refuse the call for lack of permission (the key may not call it)? */
export function isIamAccessDenied(error: unknown): boolean {
  const { name } = readSdkError(error instanceof UserError && error.cause !== undefined ? error.cause : error);
  return isErrorNamed(name, "AccessDenied");
}

type IamSdk = typeof import("@aws-sdk/client-iam");

/**
 * One IAM call on a client of its own, destroyed after it; its SDK error as a UserError naming `operation`. The SDK
 * is loaded here, lazily. IAM is a global service: the SDK signs for us-east-1 whatever region is given. Bounded
 * time and answer size as for STS.
 */
async function callIam<T>(
  keys: CallerKeys,
  options: IamOptions,
  operation: string,
  call: (sdk: IamSdk, client: InstanceType<IamSdk["IAMClient"]>) => Promise<T>,
): Promise<T> {
  const site: CallSite = { endpoint: options.endpoint };
  let client: InstanceType<IamSdk["IAMClient"]> | undefined;
  try {
    const [sdk, connection] = await Promise.all([import("@aws-sdk/client-iam"), connectionFor("IAM", options, site)]);
    client = new sdk.IAMClient(sdkClientConfig(keys, options, connection));
    limitResponseSize(client);
    return await call(sdk, client);
  } catch (error) {
    throw toIamError(error, operation, site);
  } finally {
    client?.destroy();
  }
}

/** Without a user name, IAM acts on the user who owns the calling key. */
function userNameParameter(options: { userName?: string }): { UserName?: string } {
  return options.userName ? { UserName: options.userName } : {};
}

export const sdkIam: IamApi = {
  listAccessKeys: (keys, options) =>
    callIam(keys, options, "ListAccessKeys", async (sdk, client) => {
      const out = await client.send(new sdk.ListAccessKeysCommand(userNameParameter(options)));
      return (out.AccessKeyMetadata ?? []).flatMap((k) =>
        k.AccessKeyId
          ? [
              {
                accessKeyId: k.AccessKeyId,
                status: k.Status ?? "Active",
                ...(k.CreateDate ? { createDate: new Date(k.CreateDate) } : {}),
              },
            ]
          : [],
      );
    }),
  createAccessKey: (keys, options) =>
    callIam(keys, options, "CreateAccessKey", async (sdk, client) => {
      const out = await client.send(new sdk.CreateAccessKeyCommand(userNameParameter(options)));
      const key = out.AccessKey;
      if (!key?.AccessKeyId || !key.SecretAccessKey) {
        throw new UserError("IAM CreateAccessKey returned an incomplete answer.", {
          hint: "Check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_IAM if you set them; otherwise look for a new key with aws iam list-access-keys and delete it.",
        });
      }
      registerSecret(key.SecretAccessKey);
      return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey, userName: key.UserName ?? "" };
    }),
  deleteAccessKey: (keys, options) =>
    callIam(keys, options, `DeleteAccessKey (${maskKeyId(options.accessKeyId)})`, async (sdk, client) => {
      await client.send(
        new sdk.DeleteAccessKeyCommand({ AccessKeyId: options.accessKeyId, ...userNameParameter(options) }),
      );
    }),
  updateAccessKey: (keys, options) =>
    callIam(keys, options, `UpdateAccessKey (${maskKeyId(options.accessKeyId)})`, async (sdk, client) => {
      await client.send(
        new sdk.UpdateAccessKeyCommand({
          AccessKeyId: options.accessKeyId,
          Status: options.status,
          ...userNameParameter(options),
        }),
      );
    }),
};
