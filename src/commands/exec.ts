// `aws-op exec [PROFILE] [-- COMMAND [ARGS...]]`: run a command (default: the user's shell) with the profile's
// credentials in its environment, like `aws-vault exec`; without a profile, one is picked from a list in a terminal
// (ui/profile-picker.ts). The secret reaches the child only through the environment, never argv. Inherited
// variables that could make the child resolve another identity are removed.
// With --server the child gets no keys at all, but the address and token of a loopback credentials endpoint
// (src/server/) that serves the profile's sessions and renews them while the command runs, and a profile of its own
// that holds no credentials (config/server-child-profile.ts), so that no SDK takes [default]'s instead.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { exitCodeOf } from "../child.js";
import { writePrivateTempFile } from "../cache/private-files.js";
import { readRegularFile } from "../config/bounded-read.js";
import type { AwsFiles } from "../config/profile.js";
import {
  botoConfigPaths,
  botoFilesWithKeys,
  childProfileConfig,
  type ChildProfileConfig,
} from "../config/server-child-profile.js";
import { credentialChainFor, readFilesFor, resolveProfileFor, type Context } from "../context.js";
import { errnoCode, UserError } from "../errors.js";
import { newAuthorizationToken, startCredentialServer } from "../server/credential-server.js";
import { mfaCodePrompter } from "../ui/mfa-prompt.js";
import { pickProfile } from "../ui/profile-picker.js";
import { credentialVariables, regionVariables } from "../aws/env-format.js";
import type { Command } from "commander";
import { addOpOptions, commandOptions, runWith, type Factory, type RunF } from "./factory.js";
import { escapeForTerminal } from "../ui/terminal-text.js";
import { shellWordForDisplay } from "../config/command-line.js";
import { nearestNames } from "../nearest-names.js";

export interface ExecOptions {
  /** Absent: picked in a terminal (ui/profile-picker.ts), never $AWS_PROFILE. */
  profile?: string;
  /** The command and its arguments; empty: the user's shell. */
  command: string[];
  force?: boolean;
  noSession?: boolean;
  /** Serve credentials from a loopback endpoint that renews them, instead of fixed keys in the environment. */
  server?: boolean;
  opTimeout?: string;
  opCli?: string;
}

export function newCmdExec(f: Factory, runF: RunF<ExecOptions> = (options) => run(options, f.ctx)): Command {
  return (
    addOpOptions(
      new f.commander.Command("exec")
        .description("run a command (default: your shell) with the profile's credentials in its environment")
        .argument("[profile]", "the AWS profile (in a terminal, picked from a list when absent)")
        .argument("[command...]", "the command and its arguments, after --")
        .option("--force", "run even inside another aws-op exec")
        .option("--no-session", "give the long-term keys instead of a session (less safe)")
        .option(
          "--server",
          "serve credentials that renew themselves from a loopback endpoint instead of fixed keys (long-running commands, containers)",
        ),
    )
      // An option exec does not know is refused in the action (requireCommandAfterDoubleDash), which can say where the
      // command goes: commander's own refusal cannot.
      .allowUnknownOption()
      .addHelpText(
        "after",
        "\nExamples:\n  aws-op exec work -- aws sts get-caller-identity\n  aws-op exec work            (a shell with the credentials)\n  aws-op exec -- terraform plan   (pick the profile from a list)\n  aws-op exec admin -- terraform plan\n  aws-op exec work --server -- terraform apply\n  aws-op exec work --server -- docker run --network host -e AWS_CONTAINER_CREDENTIALS_FULL_URI -e AWS_CONTAINER_AUTHORIZATION_TOKEN IMAGE",
      )
      .action(
        async (
          first: string | undefined,
          rest: string[],
          // commander names the negated flag --no-session "session" (true unless given).
          { session, ...flags }: Partial<ExecOptions> & { session: boolean },
          self: Command,
        ) => {
          requireCommandAfterDoubleDash(self);
          const noSession = session ? undefined : true;
          // `exec -- aws s3 ls`: commander drops the "--", so "aws" would pass for the profile.
          const named = first !== undefined && operandsBeforeDoubleDash(self) !== 0;
          const profile = named ? first : undefined;
          const command = named || first === undefined ? rest : [first, ...rest];
          await runWith(f, runF, commandOptions<ExecOptions>(flags, { profile, command, noSession }));
        },
      )
  );
}

/** The words commander parsed for `command` (after its name), off commander's rawArgs; undefined if unknown. */
function commandWords(command: Command): string[] | undefined {
  let root = command;
  while (root.parent) root = root.parent;
  const raw: unknown = (root as unknown as { rawArgs?: unknown }).rawArgs;
  if (!Array.isArray(raw)) return undefined;
  const words = raw.filter((w): w is string => typeof w === "string");
  // The program's own options take no value (--debug, --version, --help): the first other word names the command.
  const start = words.findIndex((w) => !w.startsWith("-"));
  if (start < 0 || words[start] !== command.name()) return undefined;
  return words.slice(start + 1);
}

/** The option of `command` (or of the program, or help) that `word` names, by its long or short flag. */
function knownOption(command: Command, word: string): { takesValue: boolean } | undefined {
  const name = word.includes("=") ? word.slice(0, word.indexOf("=")) : word;
  if (name === "--help" || name === "-h") return { takesValue: false };
  for (let c: Command | null = command; c; c = c.parent) {
    const option = c.options.find((o) => o.long === name || o.short === name);
    if (option) return { takesValue: (option.required || option.optional) && !word.includes("=") };
  }
  return undefined;
}

/**
 * Refuse an option exec does not take, before a "--". After the profile and a command word it was meant for the
 * command (`aws-op exec work aws sts get-caller-identity --query Arn`): the error says the command goes after "--"
 * and shows the line so written. Otherwise it is refused as commander refuses an unknown option.
 */
function requireCommandAfterDoubleDash(command: Command): void {
  const words = commandWords(command);
  if (!words) return;
  const own: string[] = [];
  const operands: string[] = [];
  let unknown: string | undefined;
  let afterCommandWord = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    if (word === "--") {
      // An explicit "--" after the unknown option: it was not meant for the command.
      afterCommandWord = false;
      break;
    }
    const isOption = word.length > 1 && word.startsWith("-");
    const option = isOption ? knownOption(command, word) : undefined;
    if (option) {
      own.push(word);
      if (option.takesValue && i + 1 < words.length) own.push(words[++i] ?? "");
      continue;
    }
    if (isOption && unknown === undefined) {
      unknown = word;
      afterCommandWord = operands.length >= 2;
      if (!afterCommandWord) break;
    }
    operands.push(word);
  }
  if (unknown === undefined) return;
  if (!afterCommandWord) {
    const longs = command.options.flatMap((o) => (o.long ? [o.long] : []));
    const near = unknown.startsWith("--") ? nearestNames(unknown, longs) : [];
    command.error(`error: unknown option '${unknown}'${near[0] ? `\n(Did you mean ${near[0]}?)` : ""}`, {
      code: "commander.unknownOption",
      exitCode: 1,
    });
  }
  const [profile, ...rest] = operands;
  const corrected = ["aws-op", "exec", ...own, profile ?? "", "--", ...rest].map(shellWordForDisplay).join(" ");
  throw new UserError(`${unknown} is not an option of aws-op exec: the command to run goes after "--".`, {
    hint: `Write it as: ${corrected}`,
  });
}

/**
 * How many of the command's operands came before a "--" in the argv commander parsed (undefined: no "--"), read
 * off commander's rawArgs (kept by every commander release, though not in its types), walking the command's own
 * options as commander does: an option that takes a value consumes the next word unless written --option=value.
 */
export function operandsBeforeDoubleDash(command: Command): number | undefined {
  const words = commandWords(command);
  if (!words) return undefined;
  let operands = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    if (word === "--") return operands;
    if (word.length > 1 && word.startsWith("-")) {
      const option = command.options.find((o) => o.long === word || o.short === word);
      if (option && (option.required || option.optional)) i++;
      continue;
    }
    operands++;
  }
  return undefined;
}

/** The marker exec sets in the child, so that a nested exec can refuse. */
export const MARKER_VARIABLE = "AWS_OP_PROFILE";

/**
 * Variables that carry credentials or select them. Removed from the child's environment: the AWS SDKs prefer
 * AWS_PROFILE-selected or container/web-identity credentials in some orders, and a stale session token next to
 * new keys fails every call. Config files (AWS_CONFIG_FILE ...) stay: they hold regions, endpoints and more (under
 * --server the child reads a copy of the config, with a profile of its own).
 */
export const CREDENTIAL_VARIABLES = [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_ACCOUNT_ID",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
  // botocore's OriginalEC2Provider reads keys from the file this names, before the container endpoint.
  "AWS_CREDENTIAL_FILE",
];

function isCredentialVariable(name: string): boolean {
  return (
    CREDENTIAL_VARIABLES.includes(name) ||
    name.startsWith("AWS_CONTAINER_CREDENTIALS_") ||
    name.startsWith("AWS_CONTAINER_AUTHORIZATION_TOKEN")
  );
}

export function defaultCommand(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (platform === "win32") return env.COMSPEC || "cmd.exe";
  return env.SHELL || "/bin/sh";
}

/** Ours, minus every credential variable, plus the given ones and the marker. */
function environmentWith(env: NodeJS.ProcessEnv, profile: string, set: [string, string][]): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (!isCredentialVariable(name)) result[name] = value;
  }
  for (const [name, value] of set) result[name] = value;
  result[MARKER_VARIABLE] = profile;
  return result;
}

/** The child's environment: ours, minus credential variables, plus the profile's credentials and region. */
export function childEnvironment(
  env: NodeJS.ProcessEnv,
  profile: string,
  credentials: Parameters<typeof credentialVariables>[0],
  region: string,
): NodeJS.ProcessEnv {
  return environmentWith(env, profile, credentialVariables(credentials, region).set);
}

/** The variables SDKs read to find a credentials endpoint (the value of the second is the Authorization header). */
export const ENDPOINT_URI_VARIABLE = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
export const ENDPOINT_TOKEN_VARIABLE = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/**
 * The child's environment under --server: the endpoint and its token, region and marker, no keys (in every SDK's
 * default chain they win over the endpoint), and AWS_PROFILE and AWS_CONFIG_FILE naming the child's own profile in
 * its copy of the config (without them, the chains would take [default]'s credentials before the endpoint).
 */
export function serverChildEnvironment(
  env: NodeJS.ProcessEnv,
  profile: string,
  endpoint: { url: string; token: string },
  region: string,
  child: { profile: string; configFile: string },
): NodeJS.ProcessEnv {
  return environmentWith(env, profile, [
    [ENDPOINT_URI_VARIABLE, endpoint.url],
    [ENDPOINT_TOKEN_VARIABLE, endpoint.token],
    ["AWS_PROFILE", child.profile],
    ["AWS_CONFIG_FILE", child.configFile],
    ...regionVariables(region),
  ]);
}

/**
 * The child's own profile and config for --server, or a refusal (before anything is asked of 1Password) where some
 * client would still find other credentials before the endpoint.
 */
function serverChildProfile(ctx: Context, files: AwsFiles, profile: string): ChildProfileConfig {
  const [boto] = botoFilesWithKeys(botoConfigPaths(ctx.env, ctx.home));
  if (boto !== undefined) {
    throw new UserError(
      `${boto} holds AWS keys ([Credentials] aws_access_key_id), which the AWS CLI and boto3 take before the credentials endpoint: under --server they would act as those keys, not as profile "${profile}".`,
      {
        hint: `Remove aws_access_key_id and aws_secret_access_key from [Credentials] in ${boto} (boto 2's configuration), or run "aws-op exec ${profile}" without --server.`,
      },
    );
  }
  return childProfileConfig(files, profile, () => randomBytes(4).toString("hex"));
}

/** The child's copy of the config, in a new private directory of its own. */
function writeChildConfig(text: string): { dir: string; path: string } {
  const root = tmpdir();
  try {
    return writePrivateTempFile(root, "aws-op-exec-", "config", text);
  } catch (error) {
    throw new UserError(
      `Could not write the command's private AWS config in ${root} (${errnoCode(error) ?? "error"}).`,
      { hint: "Check that TMPDIR names a directory you can write.", cause: error },
    );
  }
}

/**
 * Remove the child's config when exec ends. A copy the command changed is kept, and aws-op says where: what
 * `aws configure set` or `aws-op setup` wrote in the child went to the copy, not to the user's file.
 */
function releaseChildConfig(
  ctx: Context,
  written: { dir: string; path: string },
  text: string,
  userConfig: string,
): void {
  let changed: boolean;
  try {
    const read = readRegularFile(written.path);
    changed = read.kind !== "missing" && !(read.kind === "text" && read.text === text);
  } catch {
    changed = true;
  }
  if (changed) {
    ctx.stderr(
      `${escapeForTerminal(`aws-op: the command changed its copy of the AWS config, ${written.path}, not ${userConfig}. The copy is kept: take what you need from it, then remove ${written.dir}.`)}\n`,
    );
    return;
  }
  try {
    rmSync(written.dir, { recursive: true, force: true });
  } catch (error) {
    ctx.stderr(`${escapeForTerminal(`aws-op: could not remove ${written.dir} (${errnoCode(error) ?? "error"}).`)}\n`);
  }
}

/**
 * Under --server the command owns the terminal, so a renewal cannot ask there for a typed MFA code: it fails with
 * the fix. Renewals that need no typed code work: a role re-assumed from the cached session, an item with a
 * one-time password, op_mfa_process or a desktop dialog (op_mfa_prompt).
 */
export function serverMfaPrompter(
  profile: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): ReturnType<typeof mfaCodePrompter> {
  return mfaCodePrompter(env, platform, {
    noTerminalReason: `"aws-op exec --server" cannot ask on the terminal while the command runs (a new session for profile "${profile}")`,
  });
}

/** Runs the command; returns the exit code aws-op should exit with. */
export async function run(given: ExecOptions, ctx: Context): Promise<number> {
  const outer = ctx.env[MARKER_VARIABLE];
  if (outer && !given.force) {
    throw new UserError(`This shell already runs inside "aws-op exec ${outer}".`, {
      hint: "Exit that shell first, or pass --force to nest (the inner profile's credentials replace the outer ones).",
    });
  }
  const options = {
    ...given,
    profile:
      given.profile ??
      (await pickProfile(readFilesFor(ctx), ctx, { command: "exec", usage: "aws-op exec PROFILE -- COMMAND" })),
  };
  const { files, flags, settings } = resolveProfileFor(ctx, options);
  // --no-session as in aws-vault: no GetSessionToken. A role is then assumed straight from the long-term keys.
  const purpose = options.noSession ? "no-session" : "session";
  const chain = credentialChainFor(ctx, settings, purpose, files, {
    flags,
    promptMfaCode: mfaCodePrompter(ctx.env, ctx.platform),
  });
  if (options.server && chain.cacheKey === undefined) {
    throw new UserError(
      `Profile "${options.profile}" gives long-term keys here (--no-session, or op_session_duration = off), and the credentials endpoint serves only credentials that expire.`,
      { hint: "Use --server without --no-session, or set op_session_duration to a duration (e.g. 1h)." },
    );
  }
  // Before anything is asked: the child's own profile under --server, or the refusal.
  const child = options.server ? serverChildProfile(ctx, files, options.profile) : undefined;
  if (options.noSession && chain.provider === chain.item) {
    ctx.stderr(
      "aws-op: --no-session: the command gets the long-term access keys from 1Password, which never expire. Prefer a session unless the command needs them.\n",
    );
  }
  // First, while aws-op still owns the terminal: a 1Password approval or an MFA question comes now.
  const credentials = await chain.provider.retrieve();
  const [command = "/bin/sh", ...args] =
    options.command.length > 0 ? options.command : [defaultCommand(ctx.env, ctx.platform)];
  if (child === undefined) {
    const env = childEnvironment(ctx.env, options.profile, credentials, settings.region);
    return exitCodeOf(await ctx.runChild(command, args, env));
  }

  // The same chain (same cache key) for every request, but one that cannot ask on the terminal.
  const serving = credentialChainFor(ctx, settings, purpose, files, {
    flags,
    promptMfaCode: serverMfaPrompter(options.profile, ctx.env, ctx.platform),
  });
  // One message per run of failures: an SDK retries, and the child's output should not drown in copies.
  let lastReported: string | undefined;
  const token = newAuthorizationToken();
  const server = await startCredentialServer({
    token,
    retrieve: async () => {
      const served = await serving.provider.retrieve();
      lastReported = undefined;
      return served;
    },
    onRetrieveError: (_error, message) => {
      // On the command's terminal, while it runs: the message quotes item and profile names.
      if (message !== lastReported) ctx.stderr(`aws-op: ${escapeForTerminal(message)}\n`);
      lastReported = message;
    },
  });
  let written: { dir: string; path: string } | undefined;
  try {
    // Written last, right before the child starts (and the signal handlers that let this cleanup run with it).
    written = writeChildConfig(child.text);
    const env = serverChildEnvironment(ctx.env, options.profile, { url: server.url, token }, settings.region, {
      profile: child.profile,
      configFile: written.path,
    });
    return exitCodeOf(await ctx.runChild(command, args, env));
  } finally {
    await server.close();
    if (written) releaseChildConfig(ctx, written, child.text, files.config.path);
  }
}
