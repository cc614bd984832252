// What every command's command-line definition is built from (the GitHub CLI's cmdutil.Factory and NewCmdX(f, runF)):
// each src/commands/<command>.ts exports `newCmdX(f, runF?)`, which returns commander's Command for it (arguments,
// flags, refused combinations, help and examples) and, once commander has parsed argv, hands the command's options
// to `runF`: by default the command's own run, in a test a stub that records them (test/unit/commands/command-line.test.ts).
// commander itself is loaded lazily by cli.ts (the fast path of `process` never needs it) and comes in through `f`:
// this module only names its types.
import type * as Commander from "commander";
import type { Command } from "commander";
import type { Context } from "../context.js";
import { UserError } from "../errors.js";

export interface Factory {
  /** commander, already loaded. */
  readonly commander: typeof Commander;
  readonly ctx: Context;
  /** The exit status of the command that ran: 0 unless its run returned another. */
  exitCode: number;
}

/** What a command does with its parsed options; it returns the exit status. */
export type RunF<T> = (options: T) => Promise<number>;

/** Run `runF` on the options and keep the exit status it returns. */
export async function runWith<T>(f: Factory, runF: RunF<T>, options: T): Promise<void> {
  f.exitCode = await runF(options);
}

/** Options that every command resolving a profile takes. */
export function addProfileOptions(command: Command): Command {
  return addOpOptions(
    command
      .option("--profile <name>", "AWS profile to read op_* settings from (default: $AWS_PROFILE or default)")
      .option("--item <item>", "1Password item title or ID (op_item)")
      .option("--vault <vault>", "1Password vault name or ID (op_vault)")
      .option("--account <account>", "1Password account shorthand, sign-in address or ID (op_account)")
      .option("--mfa-serial <arn>", "ARN of the MFA device (op_mfa_serial)")
      .option(
        "--session-duration <duration>",
        'STS session length, e.g. 1h, 12h, 3600, or "off" (op_session_duration)',
      ),
  );
}

/** The flags of every command that runs op. */
export function addOpOptions(command: Command): Command {
  return command
    .option("--op-timeout <seconds>", "give up on op after this many seconds (default 50; AWS_OP_TIMEOUT)")
    .option("--op-cli <path>", "the 1Password CLI executable, e.g. op.exe under WSL (AWS_OP_CLI, then op_cli)");
}

/**
 * The one way flags become a command's options: commander's parsed flags (camelCase keys; a flag not given is
 * absent) typed as the command's own options, plus the command's arguments, of which those not given are left out.
 */
export function commandOptions<T extends object>(
  flags: Partial<T>,
  args: { [K in keyof T]?: T[K] | undefined } = {},
): T {
  const options: Partial<T> = { ...flags };
  for (const [key, value] of Object.entries(args) as [keyof T, T[keyof T] | undefined][]) {
    if (value !== undefined) options[key] = value;
  }
  return options as T;
}

/**
 * What a command that changes things acts on: exactly what the user named, the profiles given or --all, never both
 * and never everything by default. Refused on the command line, before anything is read or changed.
 */
export function requireProfilesOrAll(
  command: string,
  given: { named: boolean; all: boolean | undefined },
  hint: string,
): void {
  if (given.all && given.named) throw new UserError("Give a profile or --all, not both.", { hint });
  if (!given.all && !given.named) throw new UserError(`aws-op ${command} needs a profile (or --all).`, { hint });
}
