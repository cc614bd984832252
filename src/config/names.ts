// Which INI section holds a profile, as botocore decides it (botocore/configloader.py, build_profile_map).
//
// ~/.aws/config: "[default]" and "[profile NAME]"; the rest of the section name is split like a shell command line
// (shlex.split), so "[profile "my profile"]" is the profile "my profile", and only exactly two words make a profile.
// "[profile default]" is the default profile too. Other sections ("[sso-session x]", "[services x]", "[plugins]")
// are not profiles. ~/.aws/credentials: the section name is the profile name, with no prefix.
// When both "[default]" and "[profile default]" exist, botocore uses the one that comes later in the file.

import { UserError } from "../errors.js";
import { parseIni } from "./ini.js";
import { splitPosix } from "./shell-split.js";

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
