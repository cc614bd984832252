// `aws-op env [PROFILE] [--format F]`: print the profile's credentials as environment variables for a shell
// (`eval "$(aws-op env work)"`), or in the credential_process JSON format. Goes through the one provider pipeline,
// so sessions and roles are cached exactly as for `process`.
import { credentialChainFor, readFilesFor, resolveProfileFor, type Context } from "../context.js";
import { UserError } from "../errors.js";
import { mfaCodePrompter } from "../ui/mfa-prompt.js";
import { pickProfile } from "../ui/profile-picker.js";
import { ENV_FORMATS, formatEnvironment, isEnvFormat } from "../aws/env-format.js";
import type { Command } from "commander";
import { addOpOptions, commandOptions, runWith, type Factory, type RunF } from "./factory.js";

export interface EnvOptions {
  /** Absent: picked in a terminal (ui/profile-picker.ts), never $AWS_PROFILE. */
  profile?: string;
  format?: string;
  opTimeout?: string;
  opCli?: string;
}

export function newCmdEnv(
  f: Factory,
  runF: RunF<EnvOptions> = async (options) => {
    f.ctx.stdout(await run(options, f.ctx));
    return 0;
  },
): Command {
  return addOpOptions(
    new f.commander.Command("env")
      .description("print the profile's credentials as environment variables for a shell")
      .argument("[profile]", "the AWS profile (in a terminal, picked from a list when absent)")
      .addOption(
        new f.commander.Option(
          "--format <format>",
          "the shell to set the variables in, or dotenv, or json (credential_process's format)",
        )
          .choices(ENV_FORMATS)
          .default("sh"),
      ),
  )
    .addHelpText(
      "after",
      '\nExamples:\n  eval "$(aws-op env work)"\n  aws-op env work --format fish | source\n  aws-op env work --format powershell | Invoke-Expression',
    )
    .action(async (profile: string | undefined, flags: Partial<EnvOptions>) =>
      runWith(f, runF, commandOptions<EnvOptions>(flags, { profile })),
    );
}

/** Returns the text to print on stdout. */
export async function run(options: EnvOptions, ctx: Context): Promise<string> {
  const format = options.format ?? "sh";
  if (!isEnvFormat(format)) {
    throw new UserError(`Unknown format "${format}".`, { hint: `Use one of: ${ENV_FORMATS.join(", ")}.` });
  }
  // Picked, never $AWS_PROFILE: the shell that evals the output would then hold another profile's keys under it.
  const profile =
    options.profile ?? (await pickProfile(readFilesFor(ctx), ctx, { command: "env", usage: "aws-op env PROFILE" }));
  const { files, flags, settings } = resolveProfileFor(ctx, { ...options, profile });
  const chain = credentialChainFor(ctx, settings, "session", files, {
    flags,
    promptMfaCode: mfaCodePrompter(ctx.env, ctx.platform),
  });
  const credentials = await chain.provider.retrieve();
  return formatEnvironment(credentials, format, settings.region);
}
