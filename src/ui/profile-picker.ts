// The profile picker of `exec`, `env` and `login` when no profile is named: in a terminal, the aws-op profiles
// (those with op_item or op_source_profile) in a type-to-filter list, each with its vault and item or its role, and
// the pick runs as if it had been named; without a terminal, an error that names them. The environment's
// AWS_PROFILE is never the default here: exec and env remove it from the child on purpose (it would select another
// identity there), and login, which honours it, asks only when it is unset.
import { isAwsOpProfile, listProfileNames, readProfileValues, type AwsFiles } from "../config/profile.js";
import { shellWordForDisplay } from "../config/command-line.js";
import type { Context } from "../context.js";
import { UserError } from "../errors.js";
import type { Prompter, PromptChoice } from "./prompts.js";
import { escapeForTerminal } from "./terminal-text.js";

export interface PickableProfile {
  profile: string;
  vault?: string;
  item?: string;
  roleArn?: string;
  sourceProfile?: string;
}

/** The aws-op profiles, in the files' order. */
export function pickableProfiles(files: AwsFiles): PickableProfile[] {
  const result: PickableProfile[] = [];
  for (const profile of listProfileNames(files)) {
    const values = readProfileValues(files, profile) ?? {};
    if (!isAwsOpProfile(values)) continue;
    const entry: PickableProfile = { profile };
    const set = (key: Exclude<keyof PickableProfile, "profile">, value: string | undefined): void => {
      const trimmed = value?.trim();
      if (trimmed) entry[key] = trimmed;
    };
    set("vault", values.op_vault);
    set("item", values.op_item);
    set("roleArn", values.op_role_arn);
    set("sourceProfile", values.op_source_profile);
    result.push(entry);
  }
  return result;
}

/** What the list shows next to a profile: its vault and item, and its role (with the profile its keys come from). */
export function describeProfile(profile: PickableProfile): string {
  const parts: string[] = [];
  if (profile.item) parts.push(profile.vault ? `${profile.vault} / ${profile.item}` : profile.item);
  if (profile.roleArn) parts.push(profile.roleArn);
  if (profile.sourceProfile && !profile.item) parts.push(`via ${profile.sourceProfile}`);
  return parts.join("  ");
}

/** One line per profile, its vault and item or role in a column after the names; the answer shows the name. */
export function profileChoices(profiles: PickableProfile[]): PromptChoice[] {
  const names = profiles.map((p) => escapeForTerminal(p.profile));
  const width = Math.min(30, Math.max(0, ...names.map((n) => n.length)));
  return profiles.map((p, i) => {
    const name = names[i] ?? "";
    const about = escapeForTerminal(describeProfile(p));
    return { value: p.profile, name: about ? `${name.padEnd(width)}  ${about}` : name, short: name };
  });
}

/** How many profiles the error without a terminal names before "... and N more". */
export const NAMED_IN_ERROR = 5;

/** The error without a terminal: it names the profiles (a few), and how to name one. */
export function noProfileNamedError(command: string, usage: string, profiles: PickableProfile[]): UserError {
  if (profiles.length === 0) {
    return new UserError(`aws-op ${command} needs a profile, and no profile uses aws-op yet.`, {
      hint: 'Run "aws-op setup PROFILE" (or "aws-op import --all --vault VAULT"), then ' + usage + ".",
    });
  }
  const names = profiles.slice(0, NAMED_IN_ERROR).map((p) => shellWordForDisplay(p.profile));
  const more = profiles.length - names.length;
  const list = `${names.join(", ")}${more > 0 ? ` ... and ${more} more, see "aws-op list"` : ""}`;
  return new UserError(`aws-op ${command} needs a profile; the aws-op profiles are: ${list}.`, {
    hint: `${usage} (in a terminal, aws-op ${command} without one lists them to pick from).`,
  });
}

export interface PickOptions {
  /** The command, for the question and the error: "exec". */
  command: string;
  /** How to name a profile instead, for the error: "aws-op exec PROFILE -- COMMAND". */
  usage: string;
}

/**
 * The profile picked from the list when stdin and stderr are terminals (the question is on stderr: stdout may be
 * `eval "$(aws-op env)"`'s); otherwise the UserError that names the profiles.
 */
export async function pickProfile(
  files: AwsFiles,
  terminal: Pick<Context, "isTTY" | "prompter">,
  options: PickOptions,
): Promise<string> {
  const profiles = pickableProfiles(files);
  const interactive = terminal.isTTY.stdin && terminal.isTTY.stderr;
  if (!interactive || profiles.length === 0) throw noProfileNamedError(options.command, options.usage, profiles);
  const prompter: Prompter = await terminal.prompter();
  return prompter.search(`AWS profile for ${options.command} (type to filter)`, profileChoices(profiles));
}
