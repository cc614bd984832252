// The credential_process output contract: one JSON object with Version 1 on stdout.
// Expiration is RFC 3339 in UTC with "Z": botocore rejects a time without a zone.

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Absent for long-term keys, which AWS tools then never refresh. */
  expiration?: Date;
  accountId?: string;
}

export function toIsoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function formatCredentialProcessOutput(credentials: AwsCredentials): string {
  const output: Record<string, string | number> = {
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
  };
  if (credentials.sessionToken) output.SessionToken = credentials.sessionToken;
  if (credentials.expiration) output.Expiration = toIsoSeconds(credentials.expiration);
  if (credentials.accountId) output.AccountId = credentials.accountId;
  return `${JSON.stringify(output)}\n`;
}

/** `AKIA************ABCD`: enough to recognise a key, never enough to use it. */
export function maskKeyId(keyId: string): string {
  if (keyId.length <= 8) return "*".repeat(keyId.length);
  return `${keyId.slice(0, 4)}${"*".repeat(keyId.length - 8)}${keyId.slice(-4)}`;
}
