// argv -> options -> command. With the cached path's entry (cli-cached.ts) and what the two share (cli-io.ts), the
// only module that reads process.env, touches process.stdout/stderr directly, or calls process.exit. Commands other
// than `process` (the hot path) are loaded lazily to keep start-up small.
// `aws-op process` runs before every AWS command: a cache hit is served by cli-cached.ts (dist/cli.js) without
// loading this module (dist/main.js) at all; this one runs everything else, the cache misses included. The plain
// argv AWS tools pass skips commander here too (see fastProcessOptions); commander, the op runner and the stdio
// streams are only loaded or created when used.
import { fileURLToPath } from "node:url";
import type * as Commander from "commander";
import type { Command } from "commander";
import { sdkIam } from "./aws/iam.js";
import { preloadStsSdk, sdkSts } from "./aws/sts.js";
import type { CompletionFlag, CompletionOptions, CompletionSpec } from "./commands/completion.js";
import type { Context } from "./context.js";
import { InternalError, UserError } from "./errors.js";
import { redactSecrets } from "./redact.js";
import * as processCommand from "./commands/process.js";
import { exitAfterStdout, processClock, processHome, processUserName, writeStdout } from "./cli-io.js";
import { fastProcessOptions } from "./process-argv.js";
import { escapeForTerminal } from "./ui/terminal-text.js";
import type { ClearOptions } from "./commands/clear.js";
import type { DoctorOptions } from "./commands/doctor.js";
import type { EnvOptions } from "./commands/env.js";
import type { ExecOptions } from "./commands/exec.js";
import type { ImportOptions } from "./commands/import.js";
import type { ListOptions } from "./commands/list.js";
import type { LoginOptions } from "./commands/login.js";
import type { RotateAllOptions, RotateOptions } from "./commands/rotate.js";
import type { SetupOptions } from "./commands/setup.js";

declare const AWS_OP_VERSION: string | undefined;
const VERSION = typeof AWS_OP_VERSION === "string" ? AWS_OP_VERSION : "0.0.0-dev";

export function createContext(): Context {
  // Children (op, exec'd commands) get the environment exactly as aws-op received it.
  const env = { ...process.env };
  // aws-op runs its own STS/IAM clients; the SDK's notice about future Node.js versions is noise on stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  let userName: string | undefined;
  return {
    env,
    home: processHome(),
    platform: process.platform,
    now: processClock(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    stdout: writeStdout,
    stderr: (text) => void process.stderr.write(text),
    // Getters: asking creates the stream, and the cached path of `process` needs none of them.
    isTTY: {
      get stdin() {
        return !!process.stdin.isTTY;
      },
      get stdout() {
        return !!process.stdout.isTTY;
      },
      get stderr() {
        return !!process.stderr.isTTY;
      },
    },
    // child_process is loaded only when op really runs. op takes 0.5-1.5 s, and nearly every command that runs it
    // calls STS next: the SDK loads meanwhile.
    runOp: async (options) => {
      const running = (await import("./onepassword/run-op.js")).runOp(options);
      preloadStsSdk();
      return running;
    },
    sts: sdkSts,
    iam: sdkIam,
    runChild: async (command, args, env) => (await import("./child.js")).spawnChild(command, args, env),
    prompter: async () => (await import("./ui/prompts.js")).terminalPrompter(process.stdin, process.stderr),
    // A user database lookup (NSS), needed only to name role sessions.
    get userName() {
      return (userName ??= processUserName());
    },
    execPath: process.execPath,
    cliPath: fileURLToPath(import.meta.url),
  };
}

/** Options that every command resolving a profile takes. */
function addProfileOptions(command: Command): Command {
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
function addOpOptions(command: Command): Command {
  return command
    .option("--op-timeout <seconds>", "give up on op after this many seconds (default 50; AWS_OP_TIMEOUT)")
    .option("--op-cli <path>", "the 1Password CLI executable, e.g. op.exe under WSL (AWS_OP_CLI, then op_cli)");
}

/**
 * The one way flags become a command's options: commander's parsed flags (camelCase keys; a flag not given is
 * absent) typed as the command's own options, plus the command's arguments, of which those not given are left out.
 * The table test test/unit/cli-options.test.ts pins argv -> options for every command.
 */
function commandOptions<T extends object>(flags: Partial<T>, args: { [K in keyof T]?: T[K] | undefined } = {}): T {
  const options: Partial<T> = { ...flags };
  for (const [key, value] of Object.entries(args) as [keyof T, T[keyof T] | undefined][]) {
    if (value !== undefined) options[key] = value;
  }
  return options as T;
}

export interface CliResult {
  exitCode: number;
}

/** The message for an error, with its stack trace under --debug; never a secret (see redact.ts). */
function formatError(error: unknown, debug: boolean): string {
  return redactSecrets(formatErrorText(error, debug));
}

function formatErrorText(error: unknown, debug: boolean): string {
  if (error instanceof UserError) {
    // Messages quote item, vault and profile names: their control characters are escaped.
    const lines = [`aws-op: ${escapeForTerminal(error.message)}`];
    if (error.hint) lines.push(`  ${escapeForTerminal(error.hint)}`);
    if (debug && error.cause instanceof Error && error.cause.stack) lines.push(error.cause.stack);
    return `${lines.join("\n")}\n`;
  }
  const err = error instanceof Error ? error : new InternalError(String(error));
  const lines = [
    `aws-op: unexpected error (${err.name}). This is a bug in aws-op: please report it with the output of --debug.`,
  ];
  if (debug && err.stack) lines.push(err.stack);
  return `${lines.join("\n")}\n`;
}

export { fastProcessOptions };

let commander: typeof Commander | undefined;

/** commander, loaded on first use: the fast path of `process` never needs it. */
export async function loadCommander(): Promise<typeof Commander> {
  commander ??= await import("commander");
  return commander;
}

function loadedCommander(): typeof Commander {
  if (!commander) throw new InternalError("buildProgram() needs `await loadCommander()` first");
  return commander;
}

/** Needs `await loadCommander()` first. */
export function buildProgram(ctx: Context, result: CliResult): Command {
  const program = new (loadedCommander().Command)("aws-op")
    .description("Serve AWS credentials from 1Password to every AWS tool through credential_process.")
    .version(VERSION, "-V, --version")
    .option("--debug", "show stack traces on errors")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout(text),
      writeErr: (text) => ctx.stderr(text),
    })
    .showHelpAfterError('(run "aws-op --help" for usage)')
    .addHelpText(
      "after",
      `
Examples:
  aws-op import --all --vault Private           (move plain-text keys from ~/.aws/credentials to 1Password)
  aws-op setup work --vault Work --item "AWS work"
  aws sts get-caller-identity --profile work    (AWS tools run "aws-op process" through credential_process)
  aws-op exec work -- terraform plan
  aws-op doctor

Run "aws-op <command> --help" for a command's options and examples.`,
    );

  addProfileOptions(
    program
      .command("process")
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
  ).action(async (flags: Partial<processCommand.ProcessOptions>) => {
    const options = commandOptions<processCommand.ProcessOptions>(flags);
    try {
      ctx.stdout(await processCommand.run(options, ctx));
    } catch (error) {
      await processCommand.noticeFailure(options, error, ctx);
      throw error;
    }
  });

  program
    .command("clear")
    .description("delete cached sessions for a profile, or all of them")
    .argument("[profile]", "the profile whose cached sessions to delete")
    .option("--all", "delete every cached session")
    .addHelpText("after", "\nExamples:\n  aws-op clear work\n  aws-op clear --all")
    .action(async (profile: string | undefined, flags: Partial<ClearOptions>) => {
      const clear = await import("./commands/clear.js");
      await clear.run(commandOptions<ClearOptions>(flags, { profile }), ctx);
    });

  addOpOptions(
    program
      .command("exec")
      .description("run a command (default: your shell) with the profile's credentials in its environment")
      .argument("<profile>", "the AWS profile")
      .argument("[command...]", "the command and its arguments, after --")
      .option("--force", "run even inside another aws-op exec")
      .option("--no-session", "give the long-term keys instead of a session (less safe)")
      .option(
        "--server",
        "serve credentials that renew themselves from a loopback endpoint instead of fixed keys (long-running commands, containers)",
      ),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  aws-op exec work -- aws sts get-caller-identity\n  aws-op exec work            (a shell with the credentials)\n  aws-op exec admin -- terraform plan\n  aws-op exec work --server -- terraform apply\n  aws-op exec work --server -- docker run --network host -e AWS_CONTAINER_CREDENTIALS_FULL_URI -e AWS_CONTAINER_AUTHORIZATION_TOKEN IMAGE",
    )
    .action(
      async (
        profile: string,
        command: string[],
        // commander names the negated flag --no-session "session" (true unless given).
        { session, ...flags }: Partial<ExecOptions> & { session: boolean },
      ) => {
        const exec = await import("./commands/exec.js");
        const noSession = session ? undefined : true;
        result.exitCode = await exec.run(commandOptions<ExecOptions>(flags, { profile, command, noSession }), ctx);
      },
    );

  addOpOptions(
    program
      .command("env")
      .description("print the profile's credentials as environment variables for a shell")
      .argument("<profile>", "the AWS profile")
      .option("--format <format>", "sh, fish, powershell, cmd, dotenv or json (credential_process format)", "sh"),
  )
    .addHelpText(
      "after",
      '\nExamples:\n  eval "$(aws-op env work)"\n  aws-op env work --format fish | source\n  aws-op env work --format powershell | Invoke-Expression',
    )
    .action(async (profile: string, flags: Partial<EnvOptions>) => {
      const env = await import("./commands/env.js");
      ctx.stdout(await env.run(commandOptions<EnvOptions>(flags, { profile }), ctx));
    });

  addOpOptions(
    program
      .command("login")
      .description("open the AWS console in your browser, signed in with the profile's credentials")
      .argument("[profile]", "the AWS profile (default: $AWS_PROFILE or default)")
      .option("--region <region>", "the console's region (default: the profile's region)")
      .option("--path <path>", "a console page to open, e.g. /s3/home")
      .option("--destination <url>", "a complete https URL to open instead of a console page")
      .option("--duration <duration>", "console session length: 15m to 12h for a role, 15m to 36h for a user")
      .option("--stdout", "print the sign-in URL instead of opening a browser (it signs in whoever opens it)"),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  aws-op login work\n  aws-op login admin --path /s3/home --duration 2h\n  aws-op login work --stdout | xclip -selection clipboard",
    )
    .action(async (profile: string | undefined, flags: Partial<LoginOptions>) => {
      const login = await import("./commands/login.js");
      ctx.stdout(await login.run(commandOptions<LoginOptions>(flags, { profile }), ctx));
    });

  addOpOptions(
    program
      .command("rotate")
      .description("replace the access key in the profile's 1Password item with a new one, then delete the old key")
      .argument("[profile]", "the AWS profile whose item holds the key")
      .option("--all", "every profile with an item of its own, each item once, without questions (for cron)")
      .option("--older-than <age>", "only a key at least this old, e.g. 90d")
      .option("--dry-run", "show what would happen; change nothing")
      .option("-y, --yes", "do not ask for confirmation"),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  aws-op rotate work\n  aws-op rotate work --dry-run\n  aws-op rotate work --yes\n  aws-op rotate --all --older-than 90d    (cron: every key older than 90 days)",
    )
    .action(async (profile: string | undefined, { all, ...flags }: Partial<RotateOptions> & { all?: boolean }) => {
      const rotate = await import("./commands/rotate.js");
      if (all === (profile !== undefined)) {
        throw new UserError(all ? "Give a profile or --all, not both." : "rotate needs a profile (or --all).", {
          hint: "aws-op rotate work, or aws-op rotate --all --older-than 90d",
        });
      }
      if (profile !== undefined) await rotate.run(commandOptions<RotateOptions>(flags, { profile }), ctx);
      else if (!(await rotate.runAll(commandOptions<RotateAllOptions>(flags), ctx))) result.exitCode = 1;
    });

  addOpOptions(
    program
      .command("setup")
      .description("write or update [profile PROFILE] in ~/.aws/config to get its keys from a 1Password item")
      .argument("[profile]", "the AWS profile to set up (asked for in a terminal when missing)")
      .option("--vault <vault>", "1Password vault name or ID (op_vault)")
      .option("--item <item>", "1Password item title or ID holding the access key (op_item)")
      .option("--account <account>", "1Password account shorthand, sign-in address or ID (op_account)")
      .option("--region <region>", "region to write into the profile")
      .option("--mfa-serial <arn>", "ARN of the MFA device (op_mfa_serial)")
      .option("--session-duration <duration>", 'STS session length, e.g. 1h, 12h, or "off" (op_session_duration)')
      .option("--role-arn <arn>", "role to assume (op_role_arn)")
      .option(
        "--source-profile <profile>",
        "aws-op profile whose keys assume the role; no item needed (op_source_profile)",
      )
      .option("--role-session-name <name>", "role session name (op_role_session_name)")
      .option("--external-id <id>", "external ID for the role (op_external_id)")
      .option("--role-duration <duration>", "role session length, 15m to 12h (op_role_duration)")
      .option("--dry-run", "print the change as a diff; write nothing")
      .option("-y, --yes", "write without asking for confirmation")
      .option("--offline", "do not check the keys with AWS STS"),
  )
    .addHelpText(
      "after",
      `
Examples:
  aws-op setup                                  (in a terminal: pick vault and item from lists)
  aws-op setup work --vault Work --item "AWS work" --region eu-west-1
  aws-op setup work --vault Work --item "AWS work" --mfa-serial arn:aws:iam::123456789012:mfa/alice
  aws-op setup admin --role-arn arn:aws:iam::123456789012:role/Admin --source-profile work
  aws-op setup work --dry-run                   (show the diff, write nothing)`,
    )
    .action(async (profile: string | undefined, flags: Partial<SetupOptions>) => {
      const setup = await import("./commands/setup.js");
      await setup.run(commandOptions<SetupOptions>(flags, { profile }), ctx);
    });

  addOpOptions(
    program
      .command("import")
      .description("move plain-text keys from ~/.aws/credentials into 1Password items")
      .argument("[profiles...]", "the profiles to import")
      .option("--all", "import every profile with plain-text keys")
      .option("--vault <vault>", "1Password vault to create the items in (required)")
      .option("--account <account>", "1Password account shorthand, sign-in address or ID")
      .option("--dry-run", "show the plan and the file diffs (secrets masked); change nothing")
      .option("--keep-plaintext", "leave the keys in the credentials file (they keep winning over credential_process)")
      .option("--json", "print the results as JSON"),
  )
    .addHelpText(
      "after",
      `
Examples:
  aws-op import --all --vault Private --dry-run
  aws-op import --all --vault Private
  aws-op import work personal --vault Private`,
    )
    .action(async (profiles: string[], flags: Partial<ImportOptions>) => {
      const importCommand = await import("./commands/import.js");
      const outcomes = await importCommand.run(commandOptions<ImportOptions>(flags, { profiles }), ctx);
      if (outcomes.some((o) => o.status === "failed")) result.exitCode = 1;
    });

  program
    .command("list")
    .description("list the profiles served by aws-op, with their items and cached sessions")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  aws-op list\n  aws-op list --json")
    .action(async (flags: Partial<ListOptions>) => {
      const list = await import("./commands/list.js");
      list.run(commandOptions<ListOptions>(flags), ctx);
    });

  addOpOptions(
    program
      .command("doctor")
      .description("check op, 1Password, each aws-op profile, its item, AWS STS and the cache; ✓ or ✗ with the fix")
      .argument("[profile]", "check only this profile")
      .option("--json", "print JSON")
      .option("--offline", "skip the AWS STS check")
      .option("--fix", "first point credential_process lines whose Node.js or aws-op is gone at this install"),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  aws-op doctor\n  aws-op doctor work --offline\n  aws-op doctor --json\n  aws-op doctor --fix   (after a Node.js upgrade)",
    )
    .action(async (profile: string | undefined, flags: Partial<DoctorOptions>) => {
      const doctor = await import("./commands/doctor.js");
      result.exitCode = await doctor.run(commandOptions<DoctorOptions>(flags, { profile }), ctx);
    });

  program
    .command("completion")
    .description("print a completion script for bash, zsh or fish (commands, flags and profile names)")
    .argument("[shell]", "bash, zsh or fish")
    .addOption(new (loadedCommander().Option)("--profiles", "print the profile names (for the script)").hideHelp())
    .addHelpText(
      "after",
      `
Examples:
  aws-op completion bash > ~/.local/share/bash-completion/completions/aws-op
  aws-op completion zsh > "\${fpath[1]}/_aws-op"
  aws-op completion fish > ~/.config/fish/completions/aws-op.fish`,
    )
    .action(async (shell: string | undefined, flags: Partial<CompletionOptions>) => {
      const completion = await import("./commands/completion.js");
      ctx.stdout(completion.run(commandOptions<CompletionOptions>(flags, { shell }), completionSpecOf(program), ctx));
    });

  return program;
}

/** What the completion scripts complete, read off the program so that they cannot drift from it. */
function completionSpecOf(program: Command): CompletionSpec {
  const flagsOf = (command: Command): CompletionFlag[] =>
    command.options
      .filter((option) => !option.hidden)
      .flatMap((option) =>
        [option.long, option.short]
          .filter((name): name is string => !!name)
          .map((name) => ({ name, description: option.description, takesValue: option.required || option.optional })),
      );
  return {
    commands: program.commands.map((command) => {
      const first = command.registeredArguments[0];
      return {
        name: command.name(),
        description: command.description(),
        flags: flagsOf(command),
        profileArguments: first?.name() === "profile" ? "first" : first?.name() === "profiles" ? "all" : "none",
      };
    }),
    globalFlags: [...flagsOf(program), { name: "--help", description: "show help", takesValue: false }],
  };
}

export async function main(argv: string[], ctx: Context): Promise<number> {
  const result: CliResult = { exitCode: 0 };
  const debug = argv.includes("--debug");
  const fastOptions = fastProcessOptions(argv);
  if (fastOptions) {
    try {
      ctx.stdout(await processCommand.run(fastOptions, ctx, argv));
      return 0;
    } catch (error) {
      ctx.stderr(formatError(error, false));
      await processCommand.noticeFailure(fastOptions, error, ctx);
      return error instanceof UserError ? error.exitCode : 1;
    }
  }
  const { CommanderError } = await loadCommander();
  const program = buildProgram(ctx, result);
  try {
    await program.parseAsync(argv, { from: "user" });
    return result.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return error.exitCode;
    }
    ctx.stderr(formatError(error, debug));
    return error instanceof UserError ? error.exitCode : 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith("/cli.js");
if (invokedDirectly) {
  const ctx = createContext();
  main(process.argv.slice(2), ctx).then(
    (code) => exitAfterStdout(code),
    (error: unknown) => {
      process.stderr.write(formatError(error, true));
      process.exit(1);
    },
  );
}
