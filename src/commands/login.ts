// `aws-op login [PROFILE]`: open the AWS console signed in with the profile's credentials, like `aws-vault login`.
// The credentials come from the profile's provider chain for console sign-in: a role profile's (cached) role
// credentials, or for a user profile a (cached) GetFederationToken session made from the item's keys; the
// federation endpoint turns them into a sign-in token (aws/federation.ts). The sign-in URL is a bearer credential:
// with --stdout it is the only thing printed; otherwise the browser gets a one-time loopback URL that redirects to
// it once (browser/), so it is on no command line and in no log.
// --browser NAME starts that browser (browser/browsers.ts) instead of $BROWSER or the system's opener; --isolate (or
// op_login_isolate = true) starts it in a browser profile of the AWS profile's own (browser/isolated-profiles.ts),
// so several accounts' consoles stay signed in side by side.
// Which profile: the one named, else $AWS_PROFILE (or $AWS_DEFAULT_PROFILE), else [default] when it is an aws-op
// profile (as AWS tools do), else one picked from a list in a terminal (ui/profile-picker.ts).
import {
  CONSOLE_SESSION_MAX_SECONDS,
  CONSOLE_SESSION_MIN_SECONDS,
  consoleDestination,
  issuerFor,
  loginUrl,
  requestSigninToken,
  toFederationCredentials,
} from "../aws/federation.js";
import { formatDuration, parseDurationSeconds, SESSION_MAX_SECONDS, SESSION_MIN_SECONDS } from "../aws/duration.js";
import {
  browserFromEnvironment,
  browserLaunchCommands,
  knownBrowsersText,
  parseBrowser,
  requireIsolatable,
  type Browser,
} from "../browser/browsers.js";
import { ensureIsolatedProfile } from "../browser/isolated-profiles.js";
import { openBrowser, startFirst, type OpenedBrowser } from "../browser/open-browser.js";
import { startOneTimeRedirect } from "../browser/one-time-redirect.js";
import { dataDirectory } from "../cache/paths.js";
import { isAwsOpProfile, loginIsolateSetting, readProfileValues, type AwsFiles } from "../config/profile.js";
import {
  credentialChainFor,
  federationEndpointFor,
  networkFor,
  readFilesFor,
  resolveProfileFor,
  type Context,
} from "../context.js";
import { UserError } from "../errors.js";
import { mfaCodePrompter } from "../ui/mfa-prompt.js";
import { pickProfile } from "../ui/profile-picker.js";
import type { Command } from "commander";
import { addOpOptions, commandOptions, runWith, type Factory, type RunF } from "./factory.js";

export interface LoginOptions {
  profile?: string;
  region?: string;
  path?: string;
  destination?: string;
  duration?: string;
  stdout?: boolean;
  /** A known browser's name or an executable's path (browser/browsers.ts). */
  browser?: string;
  /** A browser profile of the AWS profile's own; absent: op_login_isolate, else no. */
  isolate?: boolean;
  opTimeout?: string;
  opCli?: string;
}

export function newCmdLogin(
  f: Factory,
  runF: RunF<LoginOptions> = async (options) => {
    f.ctx.stdout(await run(options, f.ctx));
    return 0;
  },
): Command {
  return addOpOptions(
    new f.commander.Command("login")
      .description("open the AWS console in your browser, signed in with the profile's credentials")
      .argument(
        "[profile]",
        "the AWS profile (default: $AWS_PROFILE, else default if it is an aws-op profile, else picked from a list in a terminal)",
      )
      .option("--region <region>", "the console's region (default: the profile's region)")
      .option("--path <path>", "a console page to open, e.g. /s3/home")
      .option("--destination <url>", "a complete https URL to open instead of a console page")
      .option("--duration <duration>", "console session length: 15m to 12h for a role, 15m to 36h for a user")
      .option("--stdout", "print the sign-in URL instead of opening a browser (it signs in whoever opens it)")
      .option(
        "--browser <name>",
        "chromium, chrome, brave, edge, vivaldi, firefox, safari (macOS) or a browser's path (default: $BROWSER, else the system's)",
      )
      .option(
        "--isolate",
        "open the console in a browser profile of this AWS profile's own, so several stay signed in (op_login_isolate)",
      ),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  aws-op login work\n  aws-op login admin --path /s3/home --duration 2h\n  aws-op login work --browser firefox --isolate     (its own Firefox profile: stays signed in next to others)\n  aws-op login prod --browser chrome --isolate\n  aws-op login work --stdout | xclip -selection clipboard",
    )
    .action(async (profile: string | undefined, flags: Partial<LoginOptions>) => {
      if (flags.stdout && (flags.browser !== undefined || flags.isolate)) {
        throw new UserError(
          `--stdout prints the sign-in URL and starts no browser: ${flags.browser !== undefined ? "--browser" : "--isolate"} does not go with it.`,
          { hint: "Leave out --stdout to open the console, or --browser and --isolate to print the URL." },
        );
      }
      await runWith(f, runF, commandOptions<LoginOptions>(flags, { profile }));
    });
}

/** How long the one-time loopback address waits for the browser (AWS_OP_LOGIN_TIMEOUT, seconds). */
export const DEFAULT_BROWSER_WAIT_MS = 120_000;

/** --duration, checked against what AWS allows for the kind of credentials that sign in. */
function requireConsoleDuration(text: string, seconds: number | undefined, isRole: boolean): number {
  const [min, max, what] = isRole
    ? [CONSOLE_SESSION_MIN_SECONDS, CONSOLE_SESSION_MAX_SECONDS, "a console session from role credentials"]
    : [SESSION_MIN_SECONDS, SESSION_MAX_SECONDS, "a federation token (the console session of an IAM user profile)"];
  if (seconds === undefined || seconds < min || seconds > max) {
    throw new UserError(
      `--duration ${text.trim()} is ${seconds === undefined ? "not a duration" : "outside what AWS allows"}: ${what} lasts ${formatDuration(min)} to ${formatDuration(max)}.`,
      { hint: `Pass --duration between ${formatDuration(min)} and ${formatDuration(max)}, e.g. --duration 1h.` },
    );
  }
  return seconds;
}

function browserWaitMs(env: NodeJS.ProcessEnv): number {
  const text = env.AWS_OP_LOGIN_TIMEOUT?.trim();
  if (!text) return DEFAULT_BROWSER_WAIT_MS;
  const seconds = Number(text);
  // The sign-in token lives 15 minutes: waiting longer for the browser could only hand it a dead one.
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 900) {
    throw new UserError(`AWS_OP_LOGIN_TIMEOUT = "${text}" is not a number of seconds from 1 to 900.`, {
      hint: "Set it to how long to wait for the browser, e.g. 120 (the default), or unset it.",
    });
  }
  return Math.round(seconds * 1000);
}

/**
 * The profile to sign in with when none is named: $AWS_PROFILE or $AWS_DEFAULT_PROFILE (undefined: resolved as
 * every profile command resolves it), else [default] when aws-op serves it, else picked in a terminal.
 */
async function loginProfile(options: LoginOptions, ctx: Context, files: AwsFiles): Promise<string | undefined> {
  if (options.profile) return options.profile;
  if (ctx.env.AWS_PROFILE?.trim() || ctx.env.AWS_DEFAULT_PROFILE?.trim()) return undefined;
  if (isAwsOpProfile(readProfileValues(files, "default") ?? {})) return "default";
  return pickProfile(files, ctx, { command: "login", usage: "aws-op login PROFILE" });
}

/** The browser to start and whether in a profile of its own; checked before 1Password is asked anything. */
function browserPlan(
  options: LoginOptions,
  ctx: Context,
  profileValues: Record<string, string>,
): { browser: Browser | undefined; isolate: boolean } {
  const named = options.browser === undefined ? undefined : parseBrowser(options.browser, ctx.platform);
  const fromProfile = options.isolate === undefined ? loginIsolateSetting(profileValues) : undefined;
  const isolate = options.isolate ?? fromProfile ?? false;
  if (!isolate) return { browser: named, isolate };
  const browser = named ?? browserFromEnvironment(ctx.env.BROWSER, ctx.platform);
  if (!browser) {
    throw new UserError(
      `${fromProfile ? "op_login_isolate = true" : "--isolate"} needs to know the browser, to give it a profile of its own.`,
      { hint: `Pass --browser NAME (${knownBrowsersText()}), or set BROWSER to one of those names.` },
    );
  }
  requireIsolatable(browser);
  return { browser, isolate };
}

/** Starts the named browser (in its own profile directory when given); the UserError names the way out. */
async function startBrowser(
  browser: Browser,
  url: string,
  ctx: Context,
  profileDirectory: string | undefined,
): Promise<OpenedBrowser> {
  const commands = browserLaunchCommands(
    browser,
    url,
    { env: ctx.env, home: ctx.home, platform: ctx.platform },
    profileDirectory,
  );
  const hint = `Install it, or pass the path of its executable (--browser /path/to/browser), or one of: ${knownBrowsersText()}; or run "aws-op login --stdout" and open the URL yourself.`;
  const opened = await startFirst(commands, ctx.env, undefined, hint);
  if (opened) return opened;
  throw new UserError(`Could not find ${browser.label} (looked for ${commands.map((c) => c.command).join(", ")}).`, {
    hint,
  });
}

/** Returns the text for stdout: the sign-in URL under --stdout, else nothing. */
export async function run(options: LoginOptions, ctx: Context): Promise<string> {
  const profile = await loginProfile(options, ctx, readFilesFor(ctx));
  const { files, flags, settings } = resolveProfileFor(ctx, { ...options, profile });
  const region = settings.region;
  // Everything that can be checked without 1Password is checked first.
  const destination = consoleDestination(region, { path: options.path, destination: options.destination });
  const plan = options.stdout
    ? { browser: undefined, isolate: false }
    : browserPlan(options, ctx, readProfileValues(files, settings.profile ?? "") ?? {});
  // The profile's own browser directory, made (private) now: a refusal (a planted directory) comes before op runs.
  const isolated =
    plan.isolate && plan.browser && settings.profile !== undefined
      ? ensureIsolatedProfile(dataDirectory(ctx.env, ctx.home, ctx.platform), plan.browser, settings.profile)
      : undefined;
  const endpoint = federationEndpointFor(ctx, settings);
  const waitMs = options.stdout ? 0 : browserWaitMs(ctx.env);
  const asked = options.duration === undefined ? undefined : parseDurationSeconds(options.duration);
  const chain = credentialChainFor(ctx, settings, "console", files, {
    flags,
    promptMfaCode: mfaCodePrompter(ctx.env, ctx.platform),
    federationDurationSeconds: asked,
  });
  // A role signs in with the role's credentials and a SessionDuration; a user with a federation token that lasts
  // as long as the console session.
  const isRole = chain.provider.descriptor.kind === "role";
  const durationSeconds =
    options.duration === undefined ? undefined : requireConsoleDuration(options.duration, asked, isRole);
  const credentials = await chain.provider.retrieve();
  const signinToken = await requestSigninToken({
    endpoint,
    credentials: toFederationCredentials(credentials),
    network: networkFor(ctx, settings),
    // SessionDuration goes with role credentials only; a federation token's session lasts as long as the token.
    ...(isRole && durationSeconds !== undefined ? { sessionDurationSeconds: durationSeconds } : {}),
  });
  const url = loginUrl({ endpoint, signinToken, destination, issuer: issuerFor(region) });
  if (options.stdout) return `${url}\n`;

  const redirect = await startOneTimeRedirect(url, { timeoutMs: waitMs });
  let opened;
  try {
    opened = plan.browser
      ? await startBrowser(plan.browser, redirect.url, ctx, isolated?.path)
      : await openBrowser(redirect.url, { env: ctx.env, platform: ctx.platform });
  } catch (error) {
    redirect.close();
    throw error;
  }
  const where = plan.browser
    ? `${plan.browser.label}${isolated ? `, in the browser profile of "${settings.profile ?? ""}" (${isolated.path})` : ""}`
    : "your browser";
  ctx.stderr(
    `aws-op: opening the AWS console in ${where} (${redirect.url}, once, within ${Math.round(waitMs / 1000)} s).\n`,
  );
  // Every opener failing (xdg-open exiting 3, a BROWSER that fails) ends the wait at once.
  const outcome = await Promise.race([redirect.done, opened.allFailed]);
  if (outcome instanceof UserError) {
    redirect.close();
    throw outcome;
  }
  if (outcome === "timeout") {
    throw new UserError(
      `The browser did not open the one-time sign-in address within ${Math.round(waitMs / 1000)} s.`,
      {
        hint: 'Set BROWSER to your browser\'s command, or run "aws-op login --stdout" and open the printed URL yourself (it signs in whoever opens it, for 15 minutes).',
      },
    );
  }
  return "";
}
