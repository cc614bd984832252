// `aws-op exec PROFILE [-- COMMAND [ARGS...]]`: run a command (default: the user's shell) with the profile's
// credentials in its environment, like `aws-vault exec`. The secret reaches the child only through the environment,
// never argv. Inherited variables that could make the child resolve another identity are removed.
// With --server the child gets no keys at all, but the address and token of a loopback credentials endpoint
// (src/server/) that serves the profile's sessions and renews them while the command runs.
import { exitCodeOf } from "../child.js";
import { credentialChainFor, resolveProfileFor, type Context } from "../context.js";
import { UserError } from "../errors.js";
import { newAuthorizationToken, startCredentialServer } from "../server/credential-server.js";
import { mfaCodePrompter } from "../ui/mfa-prompt.js";
import { credentialVariables, regionVariables } from "../aws/env-format.js";

export interface ExecOptions {
  profile: string;
  /** The command and its arguments; empty: the user's shell. */
  command: string[];
  force?: boolean;
  noSession?: boolean;
  /** Serve credentials from a loopback endpoint that renews them, instead of fixed keys in the environment. */
  server?: boolean;
  opTimeout?: string;
  opCli?: string;
}

/** The marker exec sets in the child, so that a nested exec can refuse. */
export const MARKER_VARIABLE = "AWS_OP_PROFILE";

/**
 * Variables that carry credentials or select them. Removed from the child's environment: the AWS SDKs prefer
 * AWS_PROFILE-selected or container/web-identity credentials in some orders, and a stale session token next to
 * new keys fails every call. Config files (AWS_CONFIG_FILE ...) stay: they hold regions, endpoints and more.
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
 * The child's environment under --server: the endpoint and its token, region and marker, and no keys and no
 * AWS_PROFILE: in every SDK's default chain those win over the endpoint.
 */
export function serverChildEnvironment(
  env: NodeJS.ProcessEnv,
  profile: string,
  endpoint: { url: string; token: string },
  region: string,
): NodeJS.ProcessEnv {
  return environmentWith(env, profile, [
    [ENDPOINT_URI_VARIABLE, endpoint.url],
    [ENDPOINT_TOKEN_VARIABLE, endpoint.token],
    ...regionVariables(region),
  ]);
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
export async function run(options: ExecOptions, ctx: Context): Promise<number> {
  const outer = ctx.env[MARKER_VARIABLE];
  if (outer && !options.force) {
    throw new UserError(`This shell already runs inside "aws-op exec ${outer}".`, {
      hint: "Exit that shell first, or pass --force to nest (the inner profile's credentials replace the outer ones).",
    });
  }
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
  if (options.noSession && chain.provider === chain.item) {
    ctx.stderr(
      "aws-op: --no-session: the command gets the long-term access keys from 1Password, which never expire. Prefer a session unless the command needs them.\n",
    );
  }
  // First, while aws-op still owns the terminal: a 1Password approval or an MFA question comes now.
  const credentials = await chain.provider.retrieve();
  const [command = "/bin/sh", ...args] =
    options.command.length > 0 ? options.command : [defaultCommand(ctx.env, ctx.platform)];
  if (!options.server) {
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
      if (message !== lastReported) ctx.stderr(`aws-op: ${message}\n`);
      lastReported = message;
    },
  });
  try {
    const env = serverChildEnvironment(ctx.env, options.profile, { url: server.url, token }, settings.region);
    return exitCodeOf(await ctx.runChild(command, args, env));
  } finally {
    await server.close();
  }
}
