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

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * `2026-05-01T11:45:00Z`. Built from the UTC fields rather than with toISOString(), which costs about 1 MB of memory
 * on first use (bench/, issue 14): this runs on every warm `aws-op process`.
 */
export function toIsoSeconds(date: Date): string {
  const year = date.getUTCFullYear();
  // Invalid dates throw as toISOString() does; years that need the extended format get it from toISOString().
  if (!(year >= 0 && year <= 9999)) return date.toISOString().replace(/\.\d{3}Z$/, "Z");
  return (
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}Z`
  );
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
