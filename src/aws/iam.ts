// IAM calls for `aws-op rotate`. Like sts.ts, the SDK is loaded lazily and the client always gets explicit
// credentials (the long-term keys from the item): the default chain could run aws-op again through AWS_PROFILE.
// The endpoint is chosen as the AWS SDKs choose it (endpoints.ts).
import { UserError } from "../errors.js";
import { registerSecret } from "../redact.js";
import { readSdkError, toCommonAwsError } from "./aws-errors.js";
import { maskKeyId } from "./credential-output.js";
import { configuredEndpoint, type ProfileEndpointSettings } from "./endpoints.js";
import { limitResponseSize, sdkClientConfig, type CallerKeys } from "./sts.js";

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

export function iamEndpoint(env: NodeJS.ProcessEnv, profile?: ProfileEndpointSettings): { endpoint?: string } {
  const endpoint = configuredEndpoint("IAM", env, profile);
  return endpoint ? { endpoint } : {};
}

async function makeClient(keys: CallerKeys, options: IamOptions) {
  const sdk = await import("@aws-sdk/client-iam");
  // IAM is a global service; the SDK signs for us-east-1 whatever region is given. Bounded time as for STS.
  const client = new sdk.IAMClient(sdkClientConfig(keys, options));
  limitResponseSize(client);
  return { sdk, client };
}

/** IAM SDK errors as UserErrors that name the fix. Only the error code and AWS's short message are shown. */
export function toIamError(error: unknown, operation: string, endpoint: string | undefined): UserError {
  if (error instanceof UserError) return error;
  const { name, message } = readSdkError(error);
  const op = `IAM ${operation}`;
  const common = toCommonAwsError(error, op, endpoint, "IAM");
  if (common) return common;
  if (name === "InvalidClientTokenId") {
    return new UserError(`AWS rejected the access key from 1Password (${op}: InvalidClientTokenId).`, {
      hint: "The key in the item is deleted, deactivated or mistyped: fix the item (or create a key in the AWS console and store it) before rotating.",
      cause: error,
    });
  }
  if (name === "AccessDenied" || name === "AccessDeniedException") {
    return new UserError(`AWS denied ${op}: ${message || "AccessDenied"}.`, {
      hint: "The IAM user needs iam:ListAccessKeys, iam:CreateAccessKey, iam:UpdateAccessKey and iam:DeleteAccessKey on itself (arn:aws:iam::ACCOUNT:user/${aws:username}); a policy that requires MFA for these calls is not supported by rotate.",
      cause: error,
    });
  }
  if (name === "LimitExceeded" || name === "LimitExceededException") {
    return new UserError(`AWS refused ${op}: the user already has the maximum number of access keys (2).`, {
      hint: "Delete the access key you no longer use (aws iam list-access-keys; aws iam delete-access-key), then run rotate again.",
      cause: error,
    });
  }
  if (name === "NoSuchEntity" || name === "NoSuchEntityException") {
    return new UserError(`AWS says the user or key does not exist (${op}: ${message || "NoSuchEntity"}).`, {
      cause: error,
    });
  }
  return new UserError(`${op} failed: ${name}${message ? `: ${message}` : ""}.`, { cause: error });
}

/** Did IAM refuse the call for lack of permission (the key may not call it)? */
export function isIamAccessDenied(error: unknown): boolean {
  const { name } = readSdkError(error instanceof UserError && error.cause !== undefined ? error.cause : error);
  return name === "AccessDenied" || name === "AccessDeniedException";
}

export const sdkIam: IamApi = {
  async listAccessKeys(keys, options) {
    const { sdk, client } = await makeClient(keys, options);
    try {
      const out = await client.send(
        new sdk.ListAccessKeysCommand(options.userName ? { UserName: options.userName } : {}),
      );
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
    } catch (error) {
      throw toIamError(error, "ListAccessKeys", options.endpoint);
    } finally {
      client.destroy();
    }
  },
  async createAccessKey(keys, options) {
    const { sdk, client } = await makeClient(keys, options);
    try {
      const out = await client.send(
        new sdk.CreateAccessKeyCommand(options.userName ? { UserName: options.userName } : {}),
      );
      const key = out.AccessKey;
      if (!key?.AccessKeyId || !key.SecretAccessKey) {
        throw new UserError("IAM CreateAccessKey returned an incomplete answer.", {
          hint: "Check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_IAM if you set them; otherwise look for a new key with aws iam list-access-keys and delete it.",
        });
      }
      registerSecret(key.SecretAccessKey);
      return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey, userName: key.UserName ?? "" };
    } catch (error) {
      throw toIamError(error, "CreateAccessKey", options.endpoint);
    } finally {
      client.destroy();
    }
  },
  async deleteAccessKey(keys, options) {
    const { sdk, client } = await makeClient(keys, options);
    try {
      await client.send(
        new sdk.DeleteAccessKeyCommand({
          AccessKeyId: options.accessKeyId,
          ...(options.userName ? { UserName: options.userName } : {}),
        }),
      );
    } catch (error) {
      throw toIamError(error, `DeleteAccessKey (${maskKeyId(options.accessKeyId)})`, options.endpoint);
    } finally {
      client.destroy();
    }
  },
  async updateAccessKey(keys, options) {
    const { sdk, client } = await makeClient(keys, options);
    try {
      await client.send(
        new sdk.UpdateAccessKeyCommand({
          AccessKeyId: options.accessKeyId,
          Status: options.status,
          ...(options.userName ? { UserName: options.userName } : {}),
        }),
      );
    } catch (error) {
      throw toIamError(error, `UpdateAccessKey (${maskKeyId(options.accessKeyId)})`, options.endpoint);
    } finally {
      client.destroy();
    }
  },
};
