// `aws-op process`: the credential_process command. Its stdout is protocol: exactly one JSON document on success,
// nothing at all on failure (cli.ts prints the error on stderr; with no terminal, noticeFailure also tells the
// desktop, since the AWS tool may never show that stderr).
import { formatCredentialProcessOutput } from "../aws/credential-output.js";
import { recordResolution, writeHitIndex } from "../cache/hit-index.js";
import { resolveProfileSettings, selectedProfileName, type AwsFiles, type SettingFlags } from "../config/profile.js";
import { credentialChainFor, readFilesFor, type Context } from "../context.js";
import type { Chain } from "../providers/chain.js";
import { CachingProvider } from "../providers/cached.js";
import type { Command } from "commander";
import { addProfileOptions, commandOptions, runWith, type Factory, type RunF } from "./factory.js";

export type ProcessOptions = SettingFlags;

/**
 * `aws-op process`'s command line, for argv that is not the plain credential_process form (the fast path,
 * process-argv.ts, parses that one without commander and must agree with this definition).
 */
export function newCmdProcess(
  f: Factory,
  runF: RunF<ProcessOptions> = async (options) => {
    await runCli(options, f.ctx);
    return 0;
  },
): Command {
  return addProfileOptions(
    new f.commander.Command("process")
      .description("print credentials for credential_process (one JSON document on stdout)")
      .addHelpText(
        "after",
        `
Examples:
  In ~/.aws/config:
    [profile work]
    credential_process = "/usr/bin/node" "/usr/lib/node_modules/aws-op/dist/cli.js" process --profile work
    op_vault = Work
    op_item = AWS work

  Without a profile:
    aws-op process --vault Work --item "AWS work"`,
      ),
  ).action(async (flags: Partial<ProcessOptions>) => runWith(f, runF, commandOptions<ProcessOptions>(flags)));
}

/** What `process` does when commander parsed its argv: print the document, or tell the desktop of a failure. */
async function runCli(options: ProcessOptions, ctx: Context): Promise<void> {
  try {
    ctx.stdout(await run(options, ctx));
  } catch (error) {
    await noticeFailure(options, error, ctx);
    throw error;
  }
}

/**
 * Returns the JSON document to print. With `indexArgv` (the argv of the plain credential_process form, see
 * process-argv.ts), a session served from a caching chain is also entered in the hit index (cache/hit-index.ts),
 * so that the cached path (src/cli-cached.ts) serves the next run for the same inputs without resolving anything.
 */
export async function run(options: ProcessOptions, ctx: Context, indexArgv?: readonly string[]): Promise<string> {
  const recording = indexArgv ? recordResolution(ctx) : undefined;
  const { chain, files } = chainFor(options, recording?.ctx ?? ctx);
  const { provider } = chain;
  // The cache key is part of what is recorded: it is computed while recording.
  const target =
    provider instanceof CachingProvider && provider.cache
      ? { cache: provider.cache, key: provider.cacheKey }
      : undefined;
  const inputs = recording?.stop();
  const served = await provider.retrieve();
  if (indexArgv && inputs && target) {
    try {
      writeHitIndex({
        argv: indexArgv,
        env: ctx.env,
        inputs,
        files: [files.config, files.credentials],
        root: target.cache.root,
        key: target.key,
      });
    } catch {
      // Only a matter of speed: the next run resolves the profile again and tries to write it again.
    }
  }
  return formatCredentialProcessOutput(served);
}

function chainFor(options: ProcessOptions, ctx: Context): { chain: Chain; files: AwsFiles } {
  const files = readFilesFor(ctx);
  const settings = resolveProfileSettings({ env: ctx.env, files, flags: options, itemFlags: true });
  const chain = credentialChainFor(ctx, settings, "session", files, {
    flags: options,
    // stdout and stderr belong to the AWS tool that runs us: a question goes to the terminal device, else a
    // desktop dialog or op_mfa_process. Loaded only when asked: the cached path never needs it.
    promptMfaCode: async (request) =>
      (await import("../ui/mfa-prompt.js")).mfaCodePrompter(ctx.env, ctx.platform)(request),
  });
  return { chain, files };
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
