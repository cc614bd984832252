// `aws-op process`: the credential_process command. Its stdout is protocol: exactly one JSON document on success,
// nothing at all on failure (cli.ts prints the error on stderr; with no terminal, noticeFailure also tells the
// desktop, since the AWS tool may never show that stderr).
import { formatCredentialProcessOutput } from "../aws/credential-output.js";
import { resolveProfileSettings, selectedProfileName, type SettingFlags } from "../config/profile.js";
import { credentialChainFor, readFilesFor, type Context } from "../context.js";
import type { Chain } from "../providers/chain.js";
import { CachingProvider } from "../providers/cached.js";

export type ProcessOptions = SettingFlags;

/** Returns the JSON document to print. */
export async function run(options: ProcessOptions, ctx: Context): Promise<string> {
  return formatCredentialProcessOutput(await chainFor(options, ctx).provider.retrieve());
}

/**
 * The JSON document to print when the profile's chain serves a fresh cached session, else undefined (a miss, or a
 * chain that is never cached): then run() does the rest. Never runs op, never calls STS, never writes.
 */
export function runCached(options: ProcessOptions, ctx: Context): string | undefined {
  const { provider } = chainFor(options, ctx);
  const hit = provider instanceof CachingProvider ? provider.cached() : undefined;
  return hit ? formatCredentialProcessOutput(hit) : undefined;
}

function chainFor(options: ProcessOptions, ctx: Context): Chain {
  const files = readFilesFor(ctx);
  const settings = resolveProfileSettings({ env: ctx.env, files, flags: options });
  return credentialChainFor(ctx, settings, "session", files, {
    flags: options,
    // stdout and stderr belong to the AWS tool that runs us: a question goes to the terminal device, else a
    // desktop dialog or op_mfa_process. Loaded only when asked: the cached path never needs it.
    promptMfaCode: async (request) =>
      (await import("../ui/mfa-prompt.js")).mfaCodePrompter(ctx.env, ctx.platform)(request),
  });
}

/** After a failure: with no terminal, one desktop notice with the reason (ui/notify.ts). Never throws. */
export async function noticeFailure(options: ProcessOptions, error: unknown, ctx: Context): Promise<void> {
  try {
    // Loaded only on failure: the cached path never needs them.
    const [{ noticeProcessFailure }, { hasControllingTerminal }, { cacheDirectory }] = await Promise.all([
      import("../ui/notify.js"),
      import("../ui/tty-prompt.js"),
      import("../cache/paths.js"),
    ]);
    noticeProcessFailure(selectedProfileName(options, ctx.env), error, {
      env: ctx.env,
      platform: ctx.platform,
      cacheRoot: cacheDirectory(ctx.env, ctx.home, ctx.platform),
      now: ctx.now(),
      hasTerminal: () => hasControllingTerminal(ctx.platform),
    });
  } catch {
    // A notice is a courtesy; the failure itself is on stderr already.
  }
}
