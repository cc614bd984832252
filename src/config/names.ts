// Which INI section holds a profile, as botocore decides it (botocore/configloader.py, build_profile_map), and which
// profile names every other AWS client reads as the same section.
//
// ~/.aws/config: "[default]" and "[profile NAME]"; the rest of the section name is split like a shell command line
// (shlex.split), so "[profile "my profile"]" is the profile "my profile", and only exactly two words make a profile.
// "[profile default]" is the default profile too. Other sections ("[sso-session x]", "[services x]", "[plugins]")
// are not profiles. ~/.aws/credentials: the section name is the profile name, with no prefix.
// When both "[default]" and "[profile default]" exist, botocore uses the one that comes later in the file.

import { UserError } from "../errors.js";
import { profileNameQuotingReason, requireQuotableProfileName } from "./command-line.js";
import { parseIni } from "./ini.js";
import { splitPosix } from "./shell-split.js";

/**
 * How the other AWS clients read a profile name that aws-op writes as botocore expects it ([profile NAME] in the
 * config file, [NAME] in the credentials file; quoted when shlex needs it). Each entry says whether that client finds
 * the same profile under that header. A header a client misreads is worse than a missing profile: when the JS SDK
 * or the Ruby SDK does not see a header at all, the keys below it land in the profile above.
 */
const PROFILE_NAME_READERS: readonly { client: string; reads: (profile: string) => boolean }[] = [
  {
    // @smithy/shared-ini-file-loader parseIni: every line is cut at /(^|\s)[;#]/, a "[prefix NAME]" header counts
    // only when NAME matches [\w-@+.%:/]+ (ASCII \w, optionally in quotes), "__proto__" makes the whole file fail,
    // and profiles live in a plain object, where a name like "constructor" or "toString" is taken already.
    client: "the JS SDK v3",
    reads: (p) => /^[A-Za-z0-9_\-@+.%:/]+$/.test(p) && !(p in Object.prototype),
  },
  {
    // aws-sdk-go-v2 internal/ini: a header is cut at its first "#" or ";"; section names are never unquoted.
    client: "the Go SDK v2",
    reads: (p) => !/[#;\s"'\\]/.test(p),
  },
  {
    // Java SDK v2 ProfileFileReader: a header is cut at "#" or ";", and a profile whose name is not
    // [A-Za-z0-9_\-/.%@:+]+ is ignored (older releases allowed only [A-Za-z0-9_-]).
    client: "the Java SDK v2",
    reads: (p) => /^[A-Za-z0-9_\-/.%@:+]+$/.test(p),
  },
  {
    // aws-sdk-core IniParser: each line is cut at /\s;/, a header is /^\[([^\[\]]+)\]/, names are never unquoted.
    client: "the Ruby SDK",
    reads: (p) => !/[[\]\s"'\\]/.test(p),
  },
];

/** The clients (other than botocore, which aws-op follows) that would read this profile name differently. */
export function clientsMisreadingProfileName(profile: string): string[] {
  return PROFILE_NAME_READERS.filter((r) => !r.reads(profile)).map((r) => r.client);
}

function listClients(clients: string[]): string {
  return clients.length <= 1 ? (clients[0] ?? "") : `${clients.slice(0, -1).join(", ")} and ${clients.at(-1)}`;
}

/**
 * Which clients cut a section header short at "#" or ";" (and so read the keys below it as part of the section
 * above): JS at /(^|\s)[;#]/, Ruby at /\s;/, Go and Java at either character anywhere in a header.
 */
function clientsCuttingHeader(section: string): string[] {
  const cut: string[] = [];
  if (/\s[;#]/.test(section)) cut.push("the JS SDK v3");
  if (/[;#]/.test(section)) cut.push("the Go SDK v2", "the Java SDK v2");
  if (/\s;/.test(section)) cut.push("the Ruby SDK");
  return cut;
}

/** Why some AWS client reads this ~/.aws/config section differently from botocore, or undefined. */
export function configSectionProblem(section: string): string | undefined {
  const profile = profileFromConfigSection(section);
  if (profile === undefined) {
    // [sso-session NAME], [services NAME], [plugins]: only a header cut short matters.
    const cut = clientsCuttingHeader(section);
    return cut.length > 0 ? `${listClients(cut)} cut this header short at "#" or ";"` : undefined;
  }
  const misreading = clientsMisreadingProfileName(profile);
  if (misreading.length > 0) return `${listClients(misreading)} read it differently`;
  // "[profile  x]", "[profiles x]", "[profile 'x']": botocore's shlex split finds x, the other parsers do not.
  if (section !== "default" && section !== `profile ${profile}`) {
    return `only botocore reads this spelling; write it as [${configSectionName(profile)}]`;
  }
  return undefined;
}

/** Why some AWS client reads this ~/.aws/credentials section differently from botocore, or undefined. */
export function credentialsSectionProblem(section: string): string | undefined {
  const misreading = clientsMisreadingProfileName(section);
  return misreading.length > 0 ? `${listClients(misreading)} read it differently` : undefined;
}

export const PORTABLE_NAME_HINT =
  "Use a name of letters, digits and - _ . @ + : / only: every AWS client reads those alike.";

/**
 * The one gate for a profile name that aws-op is about to write (setup, import): botocore, the JS, Go, Java and Ruby
 * SDKs must all read it as the same section, and it must go on the credential_process line.
 */
export function requireUsableProfileName(profile: string): void {
  configSectionName(profile);
  const misreading = clientsMisreadingProfileName(profile);
  if (misreading.length > 0) {
    const quoting = profileNameQuotingReason(profile);
    throw new UserError(
      `The profile name ${JSON.stringify(profile)} cannot be used with aws-op: ${quoting ? `${quoting}; and ` : ""}${listClients(misreading)} would read it differently (a header they cut short or ignore hands its keys to another profile, or loses the profile).`,
      { hint: PORTABLE_NAME_HINT },
    );
  }
  requireQuotableProfileName(profile);
}

/**
 * How each client reads a value that aws-op writes as "key = VALUE" (botocore: the stripped rest of the line).
 * All of them split lines and trim the ends, so a value must be one line without control characters and without
 * whitespace at either end; the rest differs per client.
 */
const VALUE_READERS: readonly { client: string; reads: (value: string) => boolean }[] = [
  // parseIni cuts every line at /(^|\s)[;#]/ (the space after "=" counts), trims with String.prototype.trim.
  { client: "the JS SDK v3", reads: (v) => !/(^|\s)[;#]/.test(v) },
  // aws-sdk-go-v2 config >= 1.25 cuts a value at the first "#" or ";" anywhere, strips the quotes around a value
  // that starts and ends with one, and turns \" \' \n into ", ' and a line break; older releases (aws-sdk-go v1,
  // config < 1.25) read a value that starts with " as one quoted string and drop the rest of the line.
  {
    client: "the Go SDK v2",
    reads: (v) => !/[#;]/.test(v) && !/\\["'n]/.test(v) && !v.startsWith('"') && !/^'.+'$/s.test(v),
  },
  // ProfileFileReader cuts a property at " #", " ;", "\t#" or "\t;".
  { client: "the Java SDK v2", reads: (v) => !/(^|[ \t])[;#]/.test(v) },
  // IniParser cuts every line at /\s;/.
  { client: "the Ruby SDK", reads: (v) => !/(^|\s);/.test(v) },
];

/** C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the BOM that JavaScript's trim() drops. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff) return true;
  }
  return false;
}

/** Why no client could read the value back as written, or undefined. */
function unwritableValueReason(value: string): string | undefined {
  if (value === "") return "it is empty";
  if (hasControlCharacter(value)) return "it contains a control character";
  if (/^\s|\s$/.test(value)) return "it starts or ends with whitespace, which every client drops";
  return undefined;
}

/** The clients (other than botocore) that would read this value differently. */
export function clientsMisreadingValue(value: string): string[] {
  return VALUE_READERS.filter((r) => !r.reads(value)).map((r) => r.client);
}

/** Does every AWS client read the value back exactly as written? */
export function isPortableValue(value: string): boolean {
  return unwritableValueReason(value) === undefined && clientsMisreadingValue(value).length === 0;
}

/** Refuse a value that some AWS client would not read back exactly as written (setup, import). */
export function requirePortableValue(key: string, value: string): void {
  // buildCredentialProcessLine applies these rules to the line it builds (no "#", ";" or leading quote), except
  // that it keeps the "\n" of a Windows path such as C:\Program Files\nodejs (see command-line.ts).
  if (key === "credential_process") return;
  const reason = unwritableValueReason(value);
  const misreading = reason === undefined ? clientsMisreadingValue(value) : [];
  if (reason === undefined && misreading.length === 0) return;
  throw new UserError(
    reason !== undefined
      ? `The value for ${key} cannot be written: ${reason}.`
      : `The value for ${key} would be read differently by ${listClients(misreading)}: they take "#" or ";" for the start of a comment, or a leading quote or \\n for quoting.`,
    {
      hint:
        key === "op_item" || key === "op_vault"
          ? "Use the item's or vault's ID instead (op item get ... --format json shows it), or rename it in 1Password."
          : 'Write it without "#", ";" or a leading quote.',
    },
  );
}

/** The ~/.aws/config section of a profile: "default", "profile NAME", or "profile "NAME"" if NAME needs quoting. */
export function configSectionName(profile: string): string {
  requireSectionFor(profile, profile);
  let section = "default";
  if (profile !== "default") {
    const quoted = /[\s"'\\]/.test(profile) ? `"${profile.replace(/["\\]/g, (c) => `\\${c}`)}"` : profile;
    section = `profile ${quoted}`;
  }
  requireSectionFor(profile, section);
  if (profileFromConfigSection(section) !== profile) throw profileNameError(profile);
  return section;
}

/** The ~/.aws/credentials section of a profile: its name. */
export function credentialsSectionName(profile: string): string {
  requireSectionFor(profile, profile);
  return profile;
}

/** The profile a ~/.aws/config section defines, or undefined if it is not a profile section. */
export function profileFromConfigSection(sectionName: string): string | undefined {
  // botocore tests startswith("profile") before the word split, so "[profiles x]" is the profile "x" as well.
  if (sectionName.startsWith("profile")) {
    const words = splitPosix(sectionName);
    return words?.length === 2 ? words[1] : undefined;
  }
  return sectionName === "default" ? "default" : undefined;
}

/**
 * The name of a `[services NAME]` section of the config file (botocore: a section name starting with "services",
 * split like a profile's, exactly two words), else undefined. Profiles are tested first: "[profile x]" never is one.
 */
export function servicesFromConfigSection(sectionName: string): string | undefined {
  if (sectionName.startsWith("profile") || !sectionName.startsWith("services")) return undefined;
  const words = splitPosix(sectionName);
  return words?.length === 2 ? words[1] : undefined;
}

/** The section must read back as itself: no line breaks, no spaces at either end (the parser trims them). */
function requireSectionFor(profile: string, section: string): void {
  let names: string[] = [];
  try {
    names = parseIni(`[${section}]`).sectionNames();
  } catch {
    // A line break in the name: not representable.
  }
  if (profile === "" || names.length !== 1 || names[0] !== section) throw profileNameError(profile);
}

function profileNameError(profile: string): UserError {
  return new UserError(`${JSON.stringify(profile)} cannot be used as a profile name.`, {
    hint: "Use a name without line breaks or spaces at either end.",
  });
}
