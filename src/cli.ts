// Registers the commands and turns errors into messages and exit codes. Each command owns its command line
// (src/commands/<command>.ts: newCmdX(f, runF), see commands/factory.ts); this module only builds the program they
// share and registers them. With the cached path's entry (cli-cached.ts) and what the two share (cli-io.ts), the
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
import type { Factory } from "./commands/factory.js";
import type { Context } from "./context.js";
import { InternalError, UserError } from "./errors.js";
import { redactSecrets } from "./redact.js";
import { versionText } from "./version.js";
import * as processCommand from "./commands/process.js";
import {
  exitAfterStdout,
  isSingleExecutable,
  processClock,
  processHome,
  processUserName,
  writeStdout,
} from "./cli-io.js";
import { fastProcessOptions } from "./process-argv.js";
import { NODE_UPGRADE_HINT, unsupportedNodeWarning } from "./node-version.js";
import { escapeForTerminal } from "./ui/terminal-text.js";

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
    nodeVersion: process.version,
    ...(isSingleExecutable() ? { isExecutable: true } : { cliPath: fileURLToPath(import.meta.url) }),
  };
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

/**
 * A question that ended by Ctrl-C is a cancel wherever it was asked: prompts go through ui/prompts.ts, which says
 * so itself; one that did not still ends as "Cancelled." with 130, never as "a bug in aws-op".
 */
function asCancel(error: unknown): unknown {
  return error instanceof Error && error.name === "ExitPromptError"
    ? new UserError("Cancelled.", { exitCode: 130, cause: error })
    : error;
}

export { fastProcessOptions };

let commander: typeof Commander | undefined;

/** commander, loaded on first use: the fast path of `process` never needs it. */
async function loadCommander(): Promise<typeof Commander> {
  commander ??= await import("commander");
  return commander;
}

/** A command's definition (each command's newCmdX, with its own run). */
export type NewCmd = (f: Factory) => Command;

/**
 * aws-op's commands in the groups and the order --help lists them (as gh groups its own): what a newcomer runs first,
 * then the daily commands, the keys, and the plumbing that AWS tools and shells run. Each module is loaded only when
 * its definition is needed.
 */
const COMMANDS: Readonly<Record<string, { group: string; load: () => Promise<NewCmd> }>> = {
  setup: { group: "Getting started:", load: async () => (await import("./commands/setup.js")).newCmdSetup },
  import: { group: "Getting started:", load: async () => (await import("./commands/import.js")).newCmdImport },
  doctor: { group: "Getting started:", load: async () => (await import("./commands/doctor.js")).newCmdDoctor },
  list: { group: "Getting started:", load: async () => (await import("./commands/list.js")).newCmdList },
  exec: { group: "Daily:", load: async () => (await import("./commands/exec.js")).newCmdExec },
  env: { group: "Daily:", load: async () => (await import("./commands/env.js")).newCmdEnv },
  login: { group: "Daily:", load: async () => (await import("./commands/login.js")).newCmdLogin },
  rotate: { group: "Keys:", load: async () => (await import("./commands/rotate.js")).newCmdRotate },
  clear: { group: "Keys:", load: async () => (await import("./commands/clear.js")).newCmdClear },
  process: { group: "Plumbing:", load: async () => processCommand.newCmdProcess },
  completion: {
    group: "Plumbing:",
    load: async () => (await import("./commands/completion.js")).newCmdCompletion,
  },
};

/** Every command's definition. */
export async function allCommands(): Promise<NewCmd[]> {
  return Promise.all(Object.values(COMMANDS).map(({ load }) => load()));
}

/**
 * The definitions that parsing argv needs. A command named first (after --debug) needs only its own: loading every
 * command module loads what all of them use (node:http and node:crypto for exec --server and login, node:tty, ...),
 * about 20 ms of every command's start. The program's help, an unknown command (commander suggests the nearest
 * names) and the completion script (which lists every command) need all of them.
 */
async function commandsFor(argv: readonly string[]): Promise<NewCmd[]> {
  const name = argv.find((arg) => arg !== "--debug");
  if (name === undefined || name === "completion" || !Object.hasOwn(COMMANDS, name)) return allCommands();
  return [await (COMMANDS[name] as { load: () => Promise<NewCmd> }).load()];
}

/** The program with the given commands registered (by default all of aws-op's), and the factory they share. */
export async function buildProgram(
  ctx: Context,
  commands?: readonly NewCmd[],
): Promise<{ program: Command; factory: Factory }> {
  const factory: Factory = { commander: await loadCommander(), ctx, exitCode: 0 };
  const program = new factory.commander.Command("aws-op")
    .description("Serve AWS credentials from 1Password to every AWS tool through credential_process.")
    .version(
      versionText({
        isExecutable: !!ctx.isExecutable,
        nodeVersion: process.version,
        platform: ctx.platform,
        arch: process.arch,
      }),
      "-V, --version",
    )
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
  const definitions = commands ?? (await allCommands());
  // Each command gets the program's output, exit and help settings, as program.command() would give them.
  for (const newCmd of definitions) {
    const command = newCmd(factory).copyInheritedSettings(program);
    const group = Object.hasOwn(COMMANDS, command.name()) ? COMMANDS[command.name()]?.group : undefined;
    program.addCommand(group ? command.helpGroup(group) : command);
  }
  // `help [command]` goes with the plumbing, after the commands people run.
  program.commandsGroup("Plumbing:").helpCommand(true);
  return { program, factory };
}

/**
 * Once per run, on stderr (never stdout: `process`'s is protocol): the Node.js running aws-op is one it does not
 * support. doctor says it on a line of its own instead.
 */
function warnOfUnsupportedNode(argv: readonly string[], ctx: Context): void {
  const warning = ctx.nodeVersion === undefined ? undefined : unsupportedNodeWarning(ctx.nodeVersion);
  if (warning === undefined || argv.find((arg) => arg !== "--debug") === "doctor") return;
  ctx.stderr(`aws-op: warning: ${warning}\n  ${NODE_UPGRADE_HINT}\n`);
}

export async function main(argv: string[], ctx: Context): Promise<number> {
  const debug = argv.includes("--debug");
  warnOfUnsupportedNode(argv, ctx);
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
  const { program, factory } = await buildProgram(ctx, await commandsFor(argv));
  try {
    await program.parseAsync(argv, { from: "user" });
    return factory.exitCode;
  } catch (error) {
    if (error instanceof factory.commander.CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return error.exitCode;
    }
    const failure = asCancel(error);
    ctx.stderr(formatError(failure, debug));
    return failure instanceof UserError ? failure.exitCode : 1;
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
