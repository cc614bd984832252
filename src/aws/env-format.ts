// Credentials as environment variables in the syntax of each shell, for `aws-op env`. The names and meanings are
// those of `aws configure export-credentials` (AWS CLI v2): AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION; aws-op adds AWS_ACCOUNT_ID (when known) and AWS_REGION /
// AWS_DEFAULT_REGION, as `exec` sets them.
// Hand-written because each shell quotes differently and no well-kept library covers sh, fish, PowerShell and cmd;
// every quoting rule here is tested by round-tripping values with ' " $ % ` \ and newlines.
import { formatCredentialProcessOutput, toIsoSeconds, type AwsCredentials } from "./credential-output.js";
import { UserError } from "../errors.js";

export const ENV_FORMATS = ["sh", "fish", "powershell", "cmd", "dotenv", "json"] as const;
export type EnvFormat = (typeof ENV_FORMATS)[number];

export function isEnvFormat(value: string): value is EnvFormat {
  return (ENV_FORMATS as readonly string[]).includes(value);
}

/** The variables to set (in order) and the ones to remove, because a stale value would override the new ones. */
export interface EnvAssignments {
  set: [name: string, value: string][];
  unset: string[];
}

export function credentialVariables(credentials: AwsCredentials, region?: string): EnvAssignments {
  const set: [string, string][] = [
    ["AWS_ACCESS_KEY_ID", credentials.accessKeyId],
    ["AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey],
  ];
  // A profile name left in the environment makes the JS SDK skip environment credentials, and an unknown one
  // makes the AWS CLI fail: the shell should use exactly these credentials, as `exec` does.
  const unset: string[] = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"];
  if (credentials.sessionToken) set.push(["AWS_SESSION_TOKEN", credentials.sessionToken]);
  else unset.push("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN");
  if (credentials.expiration) set.push(["AWS_CREDENTIAL_EXPIRATION", toIsoSeconds(credentials.expiration)]);
  else unset.push("AWS_CREDENTIAL_EXPIRATION");
  // Read by the SDKs for account-based endpoints, like AccountId in credential_process output.
  if (credentials.accountId) set.push(["AWS_ACCOUNT_ID", credentials.accountId]);
  else unset.push("AWS_ACCOUNT_ID");
  set.push(...regionVariables(region));
  return { set, unset };
}

/** The region for every client: AWS_REGION (SDKs) and AWS_DEFAULT_REGION (the AWS CLI). */
export function regionVariables(region: string | undefined): [string, string][] {
  return region
    ? [
        ["AWS_REGION", region],
        ["AWS_DEFAULT_REGION", region],
      ]
    : [];
}

/** POSIX sh: single quotes keep everything literal (newlines too); a ' becomes '\'' . */
export function quoteSh(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** fish: inside single quotes only \\ and \' are escapes; newlines are literal. */
export function quoteFish(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** PowerShell: single-quoted strings are verbatim; a quote is doubled. PowerShell also treats the typographic
 * quotes ‘ ’ ‚ ‛ as single quotes, so they are doubled too. */
export function quotePowerShell(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (c) => c + c)}'`;
}

/** cmd.exe: `set "NAME=value"` protects & | < > ^ and spaces. A % (variable expansion, which cannot be escaped the
 * same way at the prompt and in a batch file), ! (delayed expansion), " and line breaks cannot be written safely,
 * so such a value is refused rather than mangled. Real AWS keys and tokens never contain them. */
export function quoteCmdAssignment(name: string, value: string): string {
  if (/["%!\r\n\0]/.test(value)) {
    throw new UserError(
      `The value of ${name} contains a character that cmd.exe cannot take safely (" % ! or a line break).`,
      {
        hint: "Use --format powershell (or exec) instead.",
      },
    );
  }
  return `set "${name}=${value}"`;
}

/**
 * dotenv, for the dotenv parsers (dotenv for Node, python-dotenv, Docker Compose) and for `set -a; . ./.env` in sh.
 * The one quoting they all read literally is single quotes around a value without ', backslash or line break:
 * in double quotes sh runs $(...) and backticks, python-dotenv and Node's dotenv unescape differently, and a
 * backslash before the closing quote escapes it for both dotenv parsers. Such a value is refused rather than
 * written in a form that some reader would run or change. AWS keys, tokens, times and regions never contain them.
 */
export function quoteDotenv(value: string, name = "A value"): string {
  if (/['\\\r\n\0]/.test(value)) {
    throw new UserError(
      `${name} holds a ', a backslash or a line break: sh and the dotenv parsers cannot all read that back unchanged, so --format dotenv refuses it.`,
      { hint: "Use --format sh (or json, or exec) instead." },
    );
  }
  return `'${value}'`;
}

export function formatEnvironment(credentials: AwsCredentials, format: EnvFormat, region?: string): string {
  if (format === "json") return formatCredentialProcessOutput(credentials);
  const { set, unset } = credentialVariables(credentials, region);
  const lines: string[] = [];
  switch (format) {
    case "sh":
      for (const [name, value] of set) lines.push(`export ${name}=${quoteSh(value)}`);
      for (const name of unset) lines.push(`unset ${name}`);
      break;
    case "fish":
      for (const [name, value] of set) lines.push(`set -gx ${name} ${quoteFish(value)}`);
      for (const name of unset) lines.push(`set -e ${name}`);
      break;
    case "powershell":
      for (const [name, value] of set) lines.push(`$Env:${name} = ${quotePowerShell(value)}`);
      for (const name of unset) lines.push(`Remove-Item Env:${name} -ErrorAction SilentlyContinue`);
      break;
    case "cmd":
      for (const [name, value] of set) lines.push(quoteCmdAssignment(name, value));
      // `set "NAME="` removes the variable.
      for (const name of unset) lines.push(`set "${name}="`);
      break;
    case "dotenv":
      // A .env file cannot remove a variable: only the ones that are set.
      for (const [name, value] of set) lines.push(`${name}=${quoteDotenv(value, name)}`);
      break;
  }
  return `${lines.join("\n")}\n`;
}
