// The AWS profile model: which files hold profiles, how their keys merge, and the aws-op settings (`op_*` keys)
// of one profile with command-line flags on top.
// Like the AWS SDKs, values come from AWS_CONFIG_FILE ([profile NAME] / [default]) and AWS_SHARED_CREDENTIALS_FILE
// ([NAME]); for a key present in both, the credentials file wins (as the JS SDK merges them).
import { maskKeyId } from "../aws/credential-output.js";
import { DEFAULT_OP_TIMEOUT_MS } from "../onepassword/client.js";
import { parseSessionDuration, requireDurationInRange, ROLE_MAX_SECONDS, ROLE_MIN_SECONDS } from "../aws/duration.js";
import type { ProfileEndpointSettings, ServicesSection } from "../aws/endpoints.js";
import { errnoCode, UserError } from "../errors.js";
import { MAX_AWS_FILE_BYTES, readRegularFile, type FileStamp } from "./bounded-read.js";
import { homePath, isAbsolutePath } from "./home.js";
import { didYouMean } from "../nearest-names.js";
import { shellWordForDisplay } from "./command-line.js";
import { IniSyntaxError, parseIni, type IniDocument } from "./ini.js";
import { configSectionName, profileFromConfigSection, servicesFromConfigSection } from "./names.js";
import { sectionHeaderProblems as findHeaderProblems, type HeaderProblem } from "./section-headers.js";

export interface AwsFilePaths {
  config: string;
  credentials: string;
}

/**
 * A path setting as botocore and the JS SDK read it, with a leading "~/" meaning the home directory; a path that is
 * still relative would be read from the directory an AWS tool runs in (a repository could plant one), so it is
 * refused.
 */
export function configuredPathOf(variable: string, value: string, home: string): string {
  const path = value === "~" || value.startsWith("~/") ? homePath(home, value.slice(2)) : value;
  if (!isAbsolutePath(path)) {
    throw new UserError(
      `${variable} = "${value}" is a relative path; aws-op reads configuration only from absolute paths.`,
      {
        hint: `Set ${variable} to an absolute path, or one starting with ~/.`,
      },
    );
  }
  return path;
}

export function awsFilePaths(env: NodeJS.ProcessEnv, home: string): AwsFilePaths {
  return {
    config: env.AWS_CONFIG_FILE
      ? configuredPathOf("AWS_CONFIG_FILE", env.AWS_CONFIG_FILE, home)
      : homePath(home, ".aws", "config"),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE
      ? configuredPathOf("AWS_SHARED_CREDENTIALS_FILE", env.AWS_SHARED_CREDENTIALS_FILE, home)
      : homePath(home, ".aws", "credentials"),
  };
}

export interface AwsFile {
  path: string;
  /** The file's text as read; undefined when the file does not exist (or is not a regular file). */
  text: string | undefined;
  /** The path names a FIFO, device or directory: read as absent (as botocore does), never written. */
  notRegular?: true;
  /** Which version of the file was read ("missing": none); what the hit index (cache/hit-index.ts) compares. */
  stamp?: FileStamp | "missing";
  doc: IniDocument;
}

/**
 * Read and parse one AWS file; a missing file is an empty document, an unparseable one a UserError with its line.
 * Like botocore, only a regular file is read: anything else (a FIFO, /dev/zero, a directory) is an empty document.
 */
export function readAwsFile(path: string): AwsFile {
  let read;
  try {
    read = readRegularFile(path);
  } catch (error) {
    const code = errnoCode(error);
    throw new UserError(`Could not read ${path} (${code ?? "error"}).`, { hint: "Check the file's permissions." });
  }
  if (read.kind === "too-large") {
    throw new UserError(`${path} is larger than ${MAX_AWS_FILE_BYTES / 1024 / 1024} MB: that is no AWS config file.`, {
      hint: "Check AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE if you set them.",
    });
  }
  const text = read.kind === "text" ? read.text : undefined;
  const stamp = read.kind === "text" ? read.stamp : read.kind === "missing" ? "missing" : undefined;
  try {
    return {
      path,
      text,
      doc: parseIni(text ?? ""),
      ...(read.kind === "not-regular" ? { notRegular: true } : {}),
      ...(stamp ? { stamp } : {}),
    };
  } catch (error) {
    if (error instanceof IniSyntaxError) {
      throw new UserError(`${path}, line ${error.line}: this line is not valid in an AWS config file.`, {
        hint: 'Each line must be a [section] header, "key = value", an indented sub-key, a comment or blank. aws-op changes nothing in a file it cannot read.',
        cause: error,
      });
    }
    throw error;
  }
}

export interface AwsFiles {
  config: AwsFile;
  credentials: AwsFile;
}

export function readAwsFiles(paths: AwsFilePaths): AwsFiles {
  return { config: readAwsFile(paths.config), credentials: readAwsFile(paths.credentials) };
}

/** Profile name -> merged keys, built in one pass over both files and kept per pair of documents. */
interface ProfileIndex {
  configText: string;
  credentialsText: string;
  values: Map<string, Record<string, string>>;
}

const indexes = new WeakMap<IniDocument, ProfileIndex>();

/**
 * Every profile's keys, in one pass (list and doctor ask for every profile: a pass per profile made them quadratic,
 * 16 s for 4,000 profiles). Rebuilt if either document was edited since.
 */
function profileIndex(files: AwsFiles): Map<string, Record<string, string>> {
  const configText = files.config.doc.toString();
  const credentialsText = files.credentials.doc.toString();
  const cached = indexes.get(files.config.doc);
  if (cached && cached.configText === configText && cached.credentialsText === credentialsText) return cached.values;
  const values = new Map<string, Record<string, string>>();
  const merge = (profile: string, section: Record<string, string> | undefined): void => {
    if (!section) return;
    const into = values.get(profile);
    if (into) Object.assign(into, section);
    else values.set(profile, { ...section });
  };
  // Every config section that botocore reads as a profile ([profile x], [profile "x"], [default] ...), in order;
  // then the credentials file, whose keys win.
  for (const name of files.config.doc.sectionNames()) {
    const profile = profileFromConfigSection(name);
    if (profile !== undefined) merge(profile, files.config.doc.getSection(name));
  }
  for (const name of files.credentials.doc.sectionNames()) merge(name, files.credentials.doc.getSection(name));
  indexes.set(files.config.doc, { configText, credentialsText, values });
  return values;
}

const headerProblemCache = new WeakMap<
  IniDocument,
  { configText: string; credentialsText: string; problems: HeaderProblem[] }
>();

/**
 * The section headers of both files that botocore, the JS SDK and the Go SDK read differently (section-headers.ts),
 * each with the profiles it leaves ambiguous. Computed once per pair of documents.
 */
export function sectionHeaderProblems(files: AwsFiles): HeaderProblem[] {
  const configText = files.config.doc.toString();
  const credentialsText = files.credentials.doc.toString();
  const cached = headerProblemCache.get(files.config.doc);
  if (cached && cached.configText === configText && cached.credentialsText === credentialsText) return cached.problems;
  const problems = findHeaderProblems(files);
  headerProblemCache.set(files.config.doc, { configText, credentialsText, problems });
  return problems;
}

/**
 * Refuses a profile that some section header leaves ambiguous: serving it would give some AWS client the item of
 * other lines than the ones it runs credential_process from.
 */
export function requireUnambiguousProfile(files: AwsFiles, profile: string): void {
  const problems = sectionHeaderProblems(files).filter((p) => p.profiles.includes(profile));
  const first = problems[0];
  if (first === undefined) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more header${problems.length > 2 ? "s" : ""})` : "";
  throw new UserError(
    `AWS profile ${JSON.stringify(profile)} is ambiguous: ${first.path}, line ${first.line}${first.shown ? `, ${first.shown}` : ""}${more}: ${first.why}.`,
    {
      hint: `${first.fix} aws-op serves a profile only when botocore, the JS SDK and the Go SDK read the same sections for it; "aws-op doctor" lists every such header.`,
    },
  );
}

/** Every key of a profile, from both files, lower-cased keys; undefined when neither file has the profile. */
export function readProfileValues(files: AwsFiles, profile: string): Record<string, string> | undefined {
  const values = profileIndex(files).get(profile);
  return values === undefined ? undefined : { ...values };
}

/**
 * Where long-term keys for the profile are kept: its sections in either file holding aws_access_key_id. The JS SDK
 * merges both files and uses such keys instead of credential_process; botocore prefers the credentials file's.
 */
export function staticKeyLocations(files: AwsFiles, profile: string): { path: string; section: string }[] {
  const found: { path: string; section: string }[] = [];
  if (files.credentials.doc.get(profile, "aws_access_key_id") !== undefined) {
    found.push({ path: files.credentials.path, section: profile });
  }
  for (const name of files.config.doc.sectionNames()) {
    if (profileFromConfigSection(name) === profile && files.config.doc.get(name, "aws_access_key_id") !== undefined) {
      found.push({ path: files.config.path, section: name });
    }
  }
  return found;
}

const SECRET_KEYS = new Set(["aws_secret_access_key", "aws_session_token", "aws_security_token"]);

/**
 * Text of either AWS file (or a diff of it) with every key ID and secret that either file holds, in any section,
 * replaced by a mask: for diffs that are shown, context lines included.
 */
export function maskAwsSecrets(text: string, files: AwsFiles): string {
  const replacements: [string, string][] = [];
  for (const doc of [files.config.doc, files.credentials.doc]) {
    for (const name of ["", ...doc.sectionNames()]) {
      for (const [key, value] of Object.entries(doc.getSection(name) ?? {})) {
        // Shorter values are not worth masking and would garble the rest of the text.
        if (value.length < 4) continue;
        if (key === "aws_access_key_id") replacements.push([value, maskKeyId(value)]);
        else if (SECRET_KEYS.has(key)) replacements.push([value, "****************"]);
      }
    }
  }
  replacements.sort((a, b) => b[0].length - a[0].length);
  let masked = text;
  for (const [value, mask] of replacements) masked = masked.split(value).join(mask);
  return masked;
}

/** The config section that holds the profile today (any spelling botocore accepts), else the canonical one. */
export function findConfigSection(files: AwsFiles, profile: string): { name: string; exists: boolean } {
  const names = files.config.doc.sectionNames().filter((n) => profileFromConfigSection(n) === profile);
  const last = names.at(-1);
  return last !== undefined ? { name: last, exists: true } : { name: configSectionName(profile), exists: false };
}

/** Every profile name in both files, config order first. */
export function listProfileNames(files: AwsFiles): string[] {
  const names = new Set<string>();
  for (const section of files.config.doc.sectionNames()) {
    const name = profileFromConfigSection(section);
    if (name !== undefined) names.add(name);
  }
  for (const section of files.credentials.doc.sectionNames()) names.add(section);
  return [...names];
}

/** Flags that override profile keys. */
export interface SettingFlags {
  profile?: string;
  item?: string;
  vault?: string;
  account?: string;
  mfaSerial?: string;
  sessionDuration?: string;
  opTimeout?: string;
  opCli?: string;
  region?: string;
}

/** op_mfa_prompt: where to ask for an MFA code when the item has no one-time password (see ui/mfa-prompt.ts). */
export const MFA_PROMPT_DRIVERS = ["terminal", "zenity", "kdialog", "osascript", "ykman"] as const;
export type MfaPromptDriver = (typeof MFA_PROMPT_DRIVERS)[number];

export interface RoleSettings {
  roleArn: string;
  roleSessionName?: string;
  externalId?: string;
  durationSeconds: number;
  /** op_role_tags: session tags, in the order written. */
  tags?: [key: string, value: string][];
  /** op_role_transitive_tags: tag keys that pass on to roles this role assumes. */
  transitiveTagKeys?: string[];
  /** op_source_identity */
  sourceIdentity?: string;
}

export interface ProfileSettings {
  /** The profile name ("default" when none was given), or undefined when flags alone define the item. */
  profile: string | undefined;
  /** The 1Password item; absent only for a role profile whose keys come from op_source_profile. */
  item?: string;
  vault?: string;
  account?: string;
  mfaSerial?: string;
  /** op_mfa_prompt; absent: the terminal if there is one, else a desktop dialog. */
  mfaPrompt?: MfaPromptDriver;
  /** op_mfa_process: a command line whose stdout is the MFA code (split like a shell would, run without one). */
  mfaProcess?: string;
  sessionDuration: number | "off";
  region: string;
  opCli: string;
  opTimeoutMs: number;
  role?: RoleSettings;
  /** Another aws-op profile whose session is the source for the role. */
  sourceProfile?: string;
  /** The profile's endpoint_url / ignore_configured_endpoint_urls / services section, for aws/endpoints.ts. */
  endpoints?: ProfileEndpointSettings;
  /** ca_bundle: the profile's own, else its op_source_profile's (see caBundleOf); AWS_CA_BUNDLE wins over it. */
  caBundle?: CaBundleSetting;
}

/** A ca_bundle key as written, and the profile it was read from (errors name both). */
export interface CaBundleSetting {
  path: string;
  profile: string;
}

/**
 * The `[services NAME]` section of the config file: the endpoint_url under each service key (`sts =` followed by
 * indented `endpoint_url = ...`). Like botocore, the last section of that name counts, service keys are lower-cased
 * (configparser) and the sub-section's keys are taken as written.
 */
export function readServicesSection(files: AwsFiles, name: string): ServicesSection {
  const doc = files.config.doc;
  const section = doc
    .sectionNames()
    .filter((s) => servicesFromConfigSection(s) === name)
    .at(-1);
  if (section === undefined) return { name, endpointUrls: {}, missingIn: files.config.path };
  const endpointUrls: Record<string, string> = {};
  for (const service of ["sts", "iam", "signin"]) {
    const url = doc.getSubsection(section, service)?.endpoint_url;
    if (url !== undefined) endpointUrls[service] = url;
  }
  return { name, endpointUrls };
}

/** The endpoint settings among a profile's values (lower-cased keys), as the SDKs read them. */
export function endpointSettingsOf(values: Record<string, string>, files: AwsFiles): ProfileEndpointSettings {
  const services = nonEmpty(values.services);
  return {
    ...(values.ignore_configured_endpoint_urls !== undefined
      ? { ignoreConfiguredEndpointUrls: values.ignore_configured_endpoint_urls }
      : {}),
    ...(values.endpoint_url !== undefined ? { endpointUrl: values.endpoint_url } : {}),
    ...(services !== undefined ? { services: readServicesSection(files, services) } : {}),
  };
}

/**
 * The CA bundle of a profile: its ca_bundle, else that of its op_source_profile (and so on). botocore reads
 * ca_bundle from the profile the session selected and uses it for every client of the session, the STS calls of a
 * role chain included (session.create_client); a source profile's own key is never read there. For an aws-op role
 * profile the source's calls are aws-op's own too, and the source is a profile users also select by itself (with
 * its own ca_bundle), so its key is the fallback: a trust anchor, never an identity. A loop ends the walk.
 */
export function caBundleOf(files: AwsFiles, profile: string): CaBundleSetting | undefined {
  const seen = new Set<string>();
  for (let name: string | undefined = profile; name !== undefined && !seen.has(name);) {
    seen.add(name);
    const values = readProfileValues(files, name);
    const path = nonEmpty(values?.ca_bundle);
    if (path !== undefined) return { path, profile: name };
    name = nonEmpty(values?.op_source_profile);
  }
  return undefined;
}

/** The aws-op keys. All start with op_: AWS SDKs act on keys like role_arn by themselves. */
export const OP_KEYS = [
  "op_item",
  "op_vault",
  "op_account",
  "op_mfa_serial",
  "op_mfa_prompt",
  "op_mfa_process",
  "op_session_duration",
  "op_cli",
  "op_role_arn",
  "op_role_session_name",
  "op_external_id",
  "op_role_duration",
  "op_role_tags",
  "op_role_transitive_tags",
  "op_source_identity",
  "op_source_profile",
  "op_login_isolate",
] as const;

/** The profiles aws-op serves: those with op_item or op_source_profile (list, the profile picker). */
export function isAwsOpProfile(values: Record<string, string>): boolean {
  return nonEmpty(values.op_item) !== undefined || nonEmpty(values.op_source_profile) !== undefined;
}

/**
 * op_login_isolate: "true" or "false" in any case, as botocore reads a boolean key. Only `login` reads it, so a typo
 * here fails a login, never an AWS tool's `process`.
 */
export function loginIsolateSetting(values: Record<string, string>): boolean | undefined {
  const text = nonEmpty(values.op_login_isolate);
  if (text === undefined) return undefined;
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  throw new UserError(`op_login_isolate = "${text}" is neither true nor false.`, {
    hint: "Write op_login_isolate = true (each login in a browser profile of its own) or false.",
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

const ROLE_OPTION_KEYS = ["op_role_tags", "op_role_transitive_tags", "op_source_identity"] as const;

/** AWS: tag keys 1-128 and values 0-256 characters of letters, digits, spaces and _ . : / = + - @; 50 tags at most. */
function isTagText(text: string): boolean {
  // A literal here, not at the top of the module: creating a regular expression with Unicode property classes costs
  // about 0.2 ms, on every warm `aws-op process` if done when the module loads; only op_role_tags needs it.
  return /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(text);
}
const MAX_SESSION_TAGS = 50;

/** op_role_tags (key=value,...), op_role_transitive_tags (key,...) and op_source_identity, checked as STS would. */
export function parseRoleOptions(
  values: Record<string, string | undefined>,
): Pick<RoleSettings, "tags" | "transitiveTagKeys" | "sourceIdentity"> {
  const result: Pick<RoleSettings, "tags" | "transitiveTagKeys" | "sourceIdentity"> = {};
  const tagsText = nonEmpty(values.op_role_tags);
  const tagHint = 'Write tags as key=value pairs separated by commas, e.g. "op_role_tags = team=data, project=x".';
  if (tagsText) {
    const tags: [string, string][] = [];
    for (const pair of tagsText.split(",")) {
      const equals = pair.indexOf("=");
      const key = (equals === -1 ? pair : pair.slice(0, equals)).trim();
      const value = equals === -1 ? "" : pair.slice(equals + 1).trim();
      if (equals === -1 || key.length < 1 || key.length > 128 || value.length > 256) {
        throw new UserError(`op_role_tags: "${pair.trim()}" is not a key=value tag.`, { hint: tagHint });
      }
      if (!isTagText(key) || !isTagText(value)) {
        throw new UserError(`op_role_tags: "${pair.trim()}" has a character AWS does not allow in session tags.`, {
          hint: "Use letters, digits, spaces and _ . : / = + - @ only.",
        });
      }
      // STS compares tag keys ignoring case: two that differ only in case are refused.
      if (tags.some(([k]) => k.toLowerCase() === key.toLowerCase())) {
        throw new UserError(`op_role_tags: the key "${key}" is there twice.`, { hint: tagHint });
      }
      tags.push([key, value]);
    }
    if (tags.length > MAX_SESSION_TAGS) {
      throw new UserError(`op_role_tags has ${tags.length} tags; AWS allows ${MAX_SESSION_TAGS}.`);
    }
    result.tags = tags;
  }
  const transitiveText = nonEmpty(values.op_role_transitive_tags);
  if (transitiveText) {
    const keys = transitiveText
      .split(",")
      .map((k) => k.trim())
      .filter(Boolean);
    for (const key of keys) {
      if (!result.tags?.some(([k]) => k.toLowerCase() === key.toLowerCase())) {
        throw new UserError(`op_role_transitive_tags names "${key}", which is not a key of op_role_tags.`, {
          hint: "Transitive tags must be session tags too: add it to op_role_tags, or remove it here.",
        });
      }
    }
    result.transitiveTagKeys = keys;
  }
  const sourceIdentity = nonEmpty(values.op_source_identity);
  if (sourceIdentity) {
    if (!/^[\w+=,.@-]{2,64}$/.test(sourceIdentity) || /^aws:/i.test(sourceIdentity)) {
      throw new UserError(`op_source_identity = "${sourceIdentity}" is not a source identity AWS accepts.`, {
        hint: 'Use 2 to 64 letters, digits and _ + = , . @ - (not starting with "aws:"), e.g. your user name.',
      });
    }
    result.sourceIdentity = sourceIdentity;
  }
  return result;
}

function requireMfaPromptDriver(text: string): MfaPromptDriver {
  const driver = MFA_PROMPT_DRIVERS.find((d) => d === text);
  if (!driver) {
    throw new UserError(`op_mfa_prompt = "${text}" is not a prompt aws-op knows.`, {
      hint: `Use one of ${MFA_PROMPT_DRIVERS.join(", ")} (or op_mfa_process = COMMAND).`,
    });
  }
  return driver;
}

export function parseOpTimeoutMs(text: string | undefined, source: string): number {
  if (text === undefined || text.trim() === "") return DEFAULT_OP_TIMEOUT_MS;
  const seconds = Number(text.trim());
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UserError(`${source} = "${text.trim()}" is not a number of seconds.`, {
      hint: "Use a number of seconds between 1 and 3600 (default 50).",
    });
  }
  return Math.round(seconds * 1000);
}

/**
 * The op executable: --op-cli, else AWS_OP_CLI, else op_cli, else "op". Only a bare command name (looked up on
 * PATH) or an absolute path: a relative one would run whatever file of that name is in the directory an AWS tool
 * runs in, and a config file a repository planted could name one.
 */
export function opCliFrom(flag: string | undefined, env: string | undefined, profile?: string): string {
  for (const [source, value] of [
    ["--op-cli", flag],
    ["AWS_OP_CLI", env],
    ["op_cli", profile],
  ] as const) {
    const cli = nonEmpty(value);
    if (cli === undefined) continue;
    if (!isAbsolutePath(cli) && /[/\\]/.test(cli)) {
      throw new UserError(
        `${source} = "${cli}" is neither a bare command name (looked up on PATH) nor an absolute path.`,
        { hint: `Use "op" (or "op.exe") to find it on PATH, or its absolute path.` },
      );
    }
    return cli;
  }
  return "op";
}

/**
 * The one precedence of every setting, in every command (as the AWS CLI has it): flag > environment > profile key >
 * default. Values are trimmed; empty counts as unset.
 */
export function firstSetting(...candidates: (string | undefined)[]): string | undefined {
  for (const candidate of candidates) {
    const value = nonEmpty(candidate);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The region of aws-op's own calls: --region > AWS_REGION > AWS_DEFAULT_REGION > the profile's region > us-east-1. */
export function resolveRegion(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  profileValue: string | undefined,
): string {
  return firstSetting(flag, env.AWS_REGION, env.AWS_DEFAULT_REGION, profileValue) ?? "us-east-1";
}

/** How op runs: --op-cli > AWS_OP_CLI > op_cli > "op"; --op-timeout > AWS_OP_TIMEOUT > 50 s. */
export function resolveOpSettings(
  flags: Pick<SettingFlags, "opCli" | "opTimeout">,
  env: NodeJS.ProcessEnv,
  profileValues: Record<string, string> = {},
): { opCli: string; opTimeoutMs: number } {
  return {
    opCli: opCliFrom(flags.opCli, env.AWS_OP_CLI, profileValues.op_cli),
    opTimeoutMs: parseOpTimeoutMs(
      flags.opTimeout ?? env.AWS_OP_TIMEOUT,
      flags.opTimeout !== undefined ? "--op-timeout" : "AWS_OP_TIMEOUT",
    ),
  };
}

export interface ResolveOptions {
  env: NodeJS.ProcessEnv;
  files: AwsFiles;
  flags: SettingFlags;
  /** The command takes --item and --vault (process): an unknown profile's hint may offer them. */
  itemFlags?: boolean;
}

/** Where a profile name not given on the command line came from: the variable that named it, else the default. */
function profileSource(env: NodeJS.ProcessEnv): string {
  if (nonEmpty(env.AWS_PROFILE)) return "from AWS_PROFILE";
  if (nonEmpty(env.AWS_DEFAULT_PROFILE)) return "from AWS_DEFAULT_PROFILE";
  return "used when no profile is named";
}

/**
 * The error for a profile that is in neither AWS file: it names the nearest profiles aws-op serves ("Did you
 * mean ...?"), where to see them all, and how to create this one; --item and --vault only for a command that takes
 * them (`itemFlags`). `source`: where the name came from when not from the command line ("from AWS_PROFILE").
 */
export function unknownProfileError(
  files: AwsFiles,
  profile: string,
  options: { itemFlags?: boolean; source?: string } = {},
): UserError {
  const from = options.source ? ` (${options.source})` : "";
  const served = listProfileNames(files).filter((name) => isAwsOpProfile(readProfileValues(files, name) ?? {}));
  const setup = `"aws-op setup ${shellWordForDisplay(profile)}"`;
  const orItem = options.itemFlags ? ", or pass --item (and --vault)" : "";
  const hint =
    served.length === 0
      ? `No profile uses aws-op yet: run ${setup} to create this one${orItem}, or "aws-op import --all --vault VAULT" to move the keys in ${files.credentials.path} to 1Password.`
      : `${didYouMean(profile, served)} Run "aws-op list" to see the profiles aws-op serves, or ${setup} to create this one${orItem}.`.trimStart();
  return new UserError(
    `AWS profile "${profile}"${from} was not found in ${files.config.path} or ${files.credentials.path}.`,
    { hint },
  );
}

/** The name of the profile to use: --profile, else AWS_PROFILE, else "default". */
export function selectedProfileName(flags: SettingFlags, env: NodeJS.ProcessEnv): string {
  return nonEmpty(flags.profile) ?? nonEmpty(env.AWS_PROFILE) ?? nonEmpty(env.AWS_DEFAULT_PROFILE) ?? "default";
}

/** Profile keys with flags on top, validated. Throws a UserError that names the file and the fix. */
export function resolveProfileSettings({ env, files, flags, itemFlags }: ResolveOptions): ProfileSettings {
  const profile = selectedProfileName(flags, env);
  requireUnambiguousProfile(files, profile);
  const values = readProfileValues(files, profile);
  const flagsDefineItem = nonEmpty(flags.item) !== undefined;
  if (!values && !flagsDefineItem) {
    throw unknownProfileError(files, profile, {
      ...(itemFlags ? { itemFlags: true } : {}),
      ...(nonEmpty(flags.profile) === undefined ? { source: profileSource(env) } : {}),
    });
  }
  const v = values ?? {};
  const item = nonEmpty(flags.item) ?? nonEmpty(v.op_item);
  const sourceProfile = nonEmpty(v.op_source_profile);
  if (!item && !sourceProfile) {
    throw new UserError(`AWS profile "${profile}" has no op_item setting.`, {
      hint: `Add "op_item = <1Password item title or ID>" to [${profile === "default" ? "default" : `profile ${profile}`}] in ${files.config.path}, or run "aws-op setup ${profile}".`,
    });
  }
  const durationText = flags.sessionDuration ?? v.op_session_duration;
  const settings: ProfileSettings = {
    profile: values ? profile : undefined,
    sessionDuration: parseSessionDuration(
      durationText,
      flags.sessionDuration !== undefined ? "--session-duration" : "op_session_duration",
    ),
    region: resolveRegion(flags.region, env, v.region),
    ...resolveOpSettings(flags, env, v),
  };
  const vault = nonEmpty(flags.vault) ?? nonEmpty(v.op_vault);
  const account = nonEmpty(flags.account) ?? nonEmpty(v.op_account);
  const mfaSerial = nonEmpty(flags.mfaSerial) ?? nonEmpty(v.op_mfa_serial);
  if (item) settings.item = item;
  if (vault) settings.vault = vault;
  if (account) settings.account = account;
  if (mfaSerial) settings.mfaSerial = mfaSerial;
  const mfaPrompt = nonEmpty(v.op_mfa_prompt)?.toLowerCase();
  if (mfaPrompt) settings.mfaPrompt = requireMfaPromptDriver(mfaPrompt);
  const mfaProcess = nonEmpty(v.op_mfa_process);
  if (mfaProcess) settings.mfaProcess = mfaProcess;
  const roleArn = nonEmpty(v.op_role_arn);
  if (roleArn) {
    settings.role = {
      roleArn,
      durationSeconds: v.op_role_duration
        ? requireDurationInRange(v.op_role_duration, "op_role_duration", ROLE_MIN_SECONDS, ROLE_MAX_SECONDS)
        : 3600,
    };
    const sessionName = nonEmpty(v.op_role_session_name);
    const externalId = nonEmpty(v.op_external_id);
    if (sessionName) settings.role.roleSessionName = sessionName;
    if (externalId) settings.role.externalId = externalId;
    Object.assign(settings.role, parseRoleOptions(v));
  } else {
    const stray = ROLE_OPTION_KEYS.find((key) => nonEmpty(v[key]) !== undefined);
    if (stray) {
      throw new UserError(`AWS profile "${profile}" sets ${stray} but no op_role_arn.`, {
        hint: "Session tags and source identity go with the role they are passed to: add op_role_arn, or remove the key.",
      });
    }
  }
  if (sourceProfile) settings.sourceProfile = sourceProfile;
  const endpoints = endpointSettingsOf(v, files);
  if (Object.keys(endpoints).length > 0) settings.endpoints = endpoints;
  const caBundle = values ? caBundleOf(files, profile) : undefined;
  if (caBundle) settings.caBundle = caBundle;
  return settings;
}
