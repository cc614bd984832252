// `aws-op process`: the credential_process command. Its stdout is protocol: exactly one JSON document on success,
// nothing at all on failure (cli.ts prints the error on stderr).
import { formatCredentialProcessOutput } from "../aws/credential-output.js";
import { resolveProfileSettings, type SettingFlags } from "../config/profile.js";
import { credentialChainFor, readFilesFor, type Context } from "../context.js";

export type ProcessOptions = SettingFlags;

/** Returns the JSON document to print. */
export async function run(options: ProcessOptions, ctx: Context): Promise<string> {
  const files = readFilesFor(ctx);
  const settings = resolveProfileSettings({ env: ctx.env, files, flags: options });
  const chain = credentialChainFor(ctx, settings, "session", files, {
    flags: options,
    // stdout and stderr belong to the AWS tool that runs us: a question goes to the terminal device.
    promptMfaCode: async (serialNumber, item) => {
      const { askMfaCodeOnTerminal, TERMINAL_ANSWER_TIMEOUT_MS } = await import("../ui/tty-prompt.js");
      return askMfaCodeOnTerminal(serialNumber, item, {
        platform: ctx.platform,
        timeoutMs: TERMINAL_ANSWER_TIMEOUT_MS,
      });
    },
  });
  return formatCredentialProcessOutput(await chain.provider.retrieve());
}
