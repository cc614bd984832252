// The AWS profile that the command of `exec --server` runs under: a profile of aws-op's own, written into a private
// copy of the user's config, holding the asked profile's settings and no credentials.
//
// Every SDK's default chain reads the shared files, for the profile AWS_PROFILE names or else [default], before the
// container endpoint: botocore (AWS CLI v1 and v2, boto3) tries the profile's role, web identity, SSO, the keys in the
// credentials file, a login session, credential_process and the keys in the config file, then AWS_CREDENTIAL_FILE
// and boto 2's files, and only then the container provider; the JS SDK v3 tries fromSSO, fromIni, fromProcess and
// fromTokenFile before remoteProvider; the Go SDK v2 (resolveCredsFromProfile) takes the endpoint only when the
// profile has no credentials of its own; the Ruby SDK tries shared_credentials and process_credentials before
// ECSCredentials; the Java SDK v2 tries ProfileCredentialsProvider before ContainerCredentialsProvider. So a child
// left on [default] acts as whatever [default] holds (keys, or another credential_process), silently.
//
// A profile that exists and holds no credential setting is passed by in each of those chains (each of its providers
// finds nothing and the chain goes on; the Go SDK falls through to the endpoint). It has to exist: botocore raises
// ProfileNotFound for a profile that is in neither file. The rest of the copy is the user's text as it is, so the
// child still reads every other profile and section (`aws --profile other` works), and the credentials file stays
// the user's own.
import { InternalError } from "../errors.js";
import { readRegularFile } from "./bounded-read.js";
import { homePath } from "./home.js";
import { parseIni } from "./ini.js";
import { profileFromConfigSection } from "./names.js";
import type { AwsFiles } from "./profile.js";

export const CHILD_PROFILE_PREFIX = "aws-op-exec-";

/**
 * Settings by which some SDK finds credentials for a profile (keys, roles, web identity, SSO, `aws login`
 * sessions, processes). With the prefixes below (aws_ for keys and tokens, sso_, and aws-op's own op_), they are left
 * out of the child's profile: any of them would be used before the endpoint.
 */
const CREDENTIAL_SETTINGS = new Set([
  "credential_process",
  "credential_source",
  "role_arn",
  "source_profile",
  "role_session_name",
  "external_id",
  "mfa_serial",
  "duration_seconds",
  "web_identity_token_file",
  "login_session",
]);

const CREDENTIAL_PREFIXES = ["aws_", "sso_", "op_"];

export function isCredentialSetting(key: string): boolean {
  const name = key.toLowerCase();
  return CREDENTIAL_SETTINGS.has(name) || CREDENTIAL_PREFIXES.some((prefix) => name.startsWith(prefix));
}

export interface ChildProfileConfig {
  /** The profile name for the child's AWS_PROFILE. */
  profile: string;
  /** The text for the child's AWS_CONFIG_FILE: the user's config, then the child's profile. */
  text: string;
}

function endsWithLineBreak(text: string): boolean {
  return text.endsWith("\n") || text.endsWith("\r");
}

/**
 * The child's config for `profile`: the user's config text unchanged, then `[profile aws-op-exec-<random>]` holding
 * the profile's settings from both files (their lines as written, the last of each key, as the SDKs merge them),
 * without any credential setting. The name is one that neither file mentions anywhere, in any spelling a parser
 * could read as it (a random part chosen now cannot be in a header written before).
 */
export function childProfileConfig(files: AwsFiles, profile: string, randomPart: () => string): ChildProfileConfig {
  const configText = files.config.text ?? "";
  const credentialsText = files.credentials.text ?? "";
  const taken = `${configText}\n${credentialsText}`.toLowerCase();
  let name: string | undefined;
  for (let attempt = 0; attempt < 5 && name === undefined; attempt++) {
    const candidate = `${CHILD_PROFILE_PREFIX}${randomPart()}`;
    if (!taken.includes(candidate.toLowerCase())) name = candidate;
  }
  if (name === undefined) throw new InternalError("exec --server: no unused profile name for the command");

  const keys: { key: string; text: string }[] = [];
  for (const section of files.config.doc.sectionNames()) {
    if (profileFromConfigSection(section) === profile) keys.push(...files.config.doc.keyTexts(section));
  }
  // The credentials file's keys win, as botocore and the JS SDK merge them.
  keys.push(...files.credentials.doc.keyTexts(profile));
  // One line per key, the last one: botocore refuses a whole file in which a section names a key twice.
  const last = new Map<string, string>();
  for (const { key, text } of keys) {
    last.delete(key);
    last.set(key, text);
  }
  // Each kept line starts at its key (no indentation, so it cannot read as the continuation of the line above);
  // its continuation lines stay indented and so stay its own.
  const body = [...last]
    .filter(([key]) => !isCredentialSetting(key))
    .map(([, text]) => (endsWithLineBreak(text) ? text : `${text}\n`))
    .join("");
  const separator = configText === "" ? "" : endsWithLineBreak(configText) ? "\n" : "\n\n";
  return { profile: name, text: `${configText}${separator}[profile ${name}]\n${body}` };
}

/**
 * The files of boto 2 that botocore's BotoProvider reads before the container endpoint: $BOTO_CONFIG, else
 * /etc/boto.cfg and ~/.boto.
 */
export function botoConfigPaths(env: NodeJS.ProcessEnv, home: string): string[] {
  const given = env.BOTO_CONFIG;
  if (given !== undefined) return [given === "~" || given.startsWith("~/") ? homePath(home, given.slice(2)) : given];
  return ["/etc/boto.cfg", homePath(home, ".boto")];
}

/**
 * Those of the files that hold `aws_access_key_id` in [Credentials], which botocore (AWS CLI, boto3) would use
 * before the endpoint. A file that cannot be read or parsed is not listed: botocore finds no keys in it either, or
 * fails.
 */
export function botoFilesWithKeys(paths: readonly string[]): string[] {
  return paths.filter((path) => {
    try {
      const read = readRegularFile(path);
      return read.kind === "text" && parseIni(read.text).get("Credentials", "aws_access_key_id") !== undefined;
    } catch {
      return false;
    }
  });
}
