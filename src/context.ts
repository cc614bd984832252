// What commands get from the outside world, gathered once by cli.ts (the GitHub CLI's cmdutil.Factory): Node's
// streams, clocks and runners, and lazily built members (the prompter, the IAM client, exec's child runner). Core
// code never reads process.env or the home directory itself, so tests can hand in a temp HOME, a fake clock and
// fake runners. The shared plumbing of commands is here too, built from a Context: the AWS files, one profile's
// settings, the op context, the item locator, the STS/IAM endpoint options, the provider chain.
import type { ChildRunner } from "./child.js";
import type { IamApi } from "./aws/iam.js";
import { configuredEndpoint } from "./aws/endpoints.js";
import { federationEndpoint } from "./aws/federation.js";
import { networkSettings, type NetworkSettings } from "./aws/network.js";
import type { AwsEndpointOptions, StsApi } from "./aws/sts.js";
import { cacheLocation } from "./cache/paths.js";
import { SessionCache } from "./cache/session-cache.js";
import {
  awsFilePaths,
  readAwsFiles,
  resolveProfileSettings,
  type AwsFiles,
  type SettingFlags,
  type ProfileSettings,
} from "./config/profile.js";
import type { ItemLocator } from "./onepassword/args.js";
import type { OpContext } from "./onepassword/client.js";
import type { OpRunner } from "./onepassword/run-op.js";
import { itemLocatorOf } from "./providers/item-keys.js";
import type { Prompter } from "./ui/prompts.js";
import { InternalError, UserError } from "./errors.js";
import { buildCredentialProcessLine, type AwsOpProgram } from "./config/command-line.js";
import { stableExecutablePath, stableNodePath, type PathHolder } from "./config/install-paths.js";
import { buildChain, type Chain, type ChainOptions, type ProviderDeps, type Purpose } from "./providers/chain.js";
import { escapeForTerminal } from "./ui/terminal-text.js";

export interface Context {
  env: NodeJS.ProcessEnv;
  home: string;
  platform: NodeJS.Platform;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Is stdin / stdout / stderr a terminal? */
  isTTY: { stdin: boolean; stdout: boolean; stderr: boolean };
  runOp: OpRunner;
  sts: StsApi;
  /** IAM calls (the SDK loads on first use). */
  iam: IamApi;
  /** Starts exec's child with inherited stdio and waits for it (child_process loads on first use). */
  runChild: ChildRunner;
  /** The terminal prompter (on stderr), built on first use; ask only when stdin and stderr are terminals. */
  prompter: () => Promise<Prompter>;
  userName: string;
  /**
   * Absolute path of the program running aws-op (process.execPath), for the credential_process line: the Node.js
   * binary, or the single executable itself (isExecutable).
   */
  execPath?: string;
  /** Absolute path of the running CLI script (dist/cli.js), for the credential_process line; not in the executable. */
  cliPath?: string;
  /** aws-op runs as a single executable (scripts/build-exe.mjs): execPath is all a credential_process line needs. */
  isExecutable?: boolean;
  /** The version of the Node.js running aws-op (process.version), for doctor's check; absent: not checked. */
  nodeVersion?: string;
}

export function sessionCacheFor(ctx: Context): SessionCache {
  const location = cacheLocation(ctx.env, ctx.home, ctx.platform);
  return new SessionCache(location.path, undefined, !location.chosenByUser, true);
}

export function readFilesFor(ctx: Context): AwsFiles {
  return readAwsFiles(awsFilePaths(ctx.env, ctx.home));
}

/**
 * What the credential_process lines that this aws-op writes start it with: its Node.js and CLI script (the npm
 * package), or the single executable. `what` names the action for the error when neither is known.
 */
export function awsOpProgramFor(ctx: Context, what: string): AwsOpProgram {
  if (ctx.isExecutable && ctx.execPath) {
    // An `aws-op` link on PATH to the executable outlives the versioned download it points at (install-paths.ts).
    return { executablePath: stableExecutablePath(ctx.execPath, ctx.env.PATH, ctx.platform, pathHolderFor(ctx)) };
  }
  if (!ctx.execPath || !ctx.cliPath) {
    throw new UserError(`aws-op cannot tell where it is installed, so it cannot ${what}.`, {
      hint: "Run aws-op through its installed script (dist/cli.js) or its single executable.",
    });
  }
  return { nodePath: nodePathFor(ctx, ctx.execPath), cliPath: ctx.cliPath };
}

/** The credential_process line for a profile, with the paths of the running aws-op (and its Node.js). */
export function credentialProcessLineFor(ctx: Context, profile: string): string {
  return buildCredentialProcessLine({ ...awsOpProgramFor(ctx, "write credential_process"), profile });
}

/** The path of the running Node.js to write into credential_process lines (setup, doctor --fix). */
function nodePathFor(ctx: Context, execPath: string): string {
  // A link on PATH to this Node.js (Homebrew's /opt/homebrew/bin/node) outlives the versioned path it points at,
  // when no one else can re-point it.
  return stableNodePath(execPath, ctx.env.PATH, ctx.platform, pathHolderFor(ctx));
}

/** Who may hold a link that goes into credential_process: the user running aws-op (and root). */
function pathHolderFor(ctx: Context): PathHolder {
  return { uid: process.getuid?.(), home: ctx.home };
}

/** How op runs for these settings (op_cli and the timeout resolved by resolveOpSettings). */
export function opContextFor(ctx: Context, settings: { opCli: string; opTimeoutMs: number }): OpContext {
  return { run: ctx.runOp, cli: settings.opCli, env: ctx.env, timeoutMs: settings.opTimeoutMs };
}

/** The profile's item as op finds it. */
export function itemLocatorFor(settings: ProfileSettings): ItemLocator {
  if (!settings.item) throw new InternalError("itemLocatorFor: the profile has no op_item");
  return itemLocatorOf({ item: settings.item, vault: settings.vault, account: settings.account });
}

/** Proxies and CA bundle of aws-op's own calls for a profile's settings (aws/network.ts). */
export function networkFor(ctx: Context, settings: Pick<ProfileSettings, "caBundle">): NetworkSettings {
  return networkSettings(ctx.env, ctx.home, settings.caBundle);
}

/**
 * Region, endpoint and network of aws-op's own STS or IAM calls for a profile's settings: AWS_ENDPOINT_URL_<SERVICE>,
 * AWS_ENDPOINT_URL, the profile's services section and endpoint_url, as aws/endpoints.ts orders them; its
 * proxies and CA bundle.
 */
export function awsCallOptions(
  ctx: Context,
  settings: Pick<ProfileSettings, "region" | "endpoints" | "caBundle">,
  service: "STS" | "IAM" = "STS",
): AwsEndpointOptions {
  const endpoint = configuredEndpoint(service, ctx.env, settings.endpoints);
  return { region: settings.region, ...(endpoint ? { endpoint } : {}), network: networkFor(ctx, settings) };
}

/** The federation endpoint of console sign-in for a profile's settings (AWS_ENDPOINT_URL_SIGNIN, ...). */
export function federationEndpointFor(ctx: Context, settings: Pick<ProfileSettings, "region" | "endpoints">): string {
  return federationEndpoint(ctx.env, settings.region, settings.endpoints);
}

/** The options of commands that act on one profile (exec, env, rotate, login). */
export interface ProfileCommandOptions {
  /** Absent: $AWS_PROFILE, else "default". */
  profile?: string | undefined;
  region?: string | undefined;
  opTimeout?: string | undefined;
  opCli?: string | undefined;
}

/** Read the AWS files and resolve one profile's settings, with the op flags of a profile command on top. */
export function resolveProfileFor(
  ctx: Context,
  options: ProfileCommandOptions,
): { files: AwsFiles; flags: SettingFlags; settings: ProfileSettings } {
  const flags: SettingFlags = {
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.opTimeout ? { opTimeout: options.opTimeout } : {}),
    ...(options.opCli ? { opCli: options.opCli } : {}),
  };
  const files = readFilesFor(ctx);
  return { files, flags, settings: resolveProfileSettings({ env: ctx.env, files, flags }) };
}

/** Dependencies of the credential pipeline, with profiles resolved from the given files. */
export function providerDepsFor(
  ctx: Context,
  files: AwsFiles,
  options: { flags?: SettingFlags; promptMfaCode?: ProviderDeps["promptMfaCode"] } = {},
): ProviderDeps {
  const flags = options.flags ?? {};
  return {
    promptMfaCode: options.promptMfaCode,
    env: ctx.env,
    home: ctx.home,
    now: ctx.now,
    runOp: ctx.runOp,
    sts: ctx.sts,
    cache: sessionCacheFor(ctx),
    // Warnings quote paths and item text (an MFA serial): their control characters are escaped.
    warn: (message) => ctx.stderr(`${escapeForTerminal(message)}\n`),
    sleep: ctx.sleep,
    // A source profile inherits the op executable and timeout flags, not the item flags.
    loadProfile: (name) =>
      resolveProfileSettings({
        env: ctx.env,
        files,
        flags: {
          profile: name,
          ...(flags.opCli ? { opCli: flags.opCli } : {}),
          ...(flags.opTimeout ? { opTimeout: flags.opTimeout } : {}),
        },
      }),
    // A user database lookup: only role session names need it, so only they pay for it.
    get userName() {
      return ctx.userName;
    },
  };
}

/** The provider chain for a profile's settings and a purpose, with its dependencies from the context. */
export function credentialChainFor(
  ctx: Context,
  settings: ProfileSettings,
  purpose: Purpose,
  files: AwsFiles,
  options: { flags?: SettingFlags; promptMfaCode?: ProviderDeps["promptMfaCode"] } & ChainOptions = {},
): Chain {
  // Not spread: userName is a getter (a user database lookup only role session names need).
  return buildChain(settings, purpose, providerDepsFor(ctx, files, options), options);
}
