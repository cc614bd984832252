// What commands get from the outside world, gathered once by cli.ts. Core code never reads process.env or the
// home directory itself, so tests can hand in a temp HOME, a fake clock and fake runners.
import type { IamApi } from "./aws/iam.js";
import type { StsApi } from "./aws/sts.js";
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
import type { OpRunner } from "./onepassword/run-op.js";
import { buildChain, type Chain, type ChainOptions, type ProviderDeps, type Purpose } from "./providers/chain.js";

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
  /** IAM for doctor's key-age check; absent: the SDK client (loaded when used). */
  iam?: IamApi;
  userName: string;
  /** Absolute path of the Node.js binary running aws-op (process.execPath), for the credential_process line. */
  execPath?: string;
  /** Absolute path of the running CLI script (dist/cli.js), for the credential_process line. */
  cliPath?: string;
}

export function sessionCacheFor(ctx: Context): SessionCache {
  const location = cacheLocation(ctx.env, ctx.home, ctx.platform);
  return new SessionCache(location.path, undefined, !location.chosenByUser);
}

export function readFilesFor(ctx: Context): AwsFiles {
  return readAwsFiles(awsFilePaths(ctx.env, ctx.home));
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
    now: ctx.now,
    runOp: ctx.runOp,
    sts: ctx.sts,
    cache: sessionCacheFor(ctx),
    warn: (message) => ctx.stderr(`${message}\n`),
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
