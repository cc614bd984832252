// `aws-op completion bash|zsh|fish`: a completion script for the shell, completing aws-op's commands, their flags,
// the values of an argument or a flag that takes one of a few (commander's choices: the shells here, env --format),
// and profile names where a command takes a profile (its first argument, or the value of --profile and
// --source-profile). The commands, flags and values come from the CLI's own definitions (each command's newCmdX, as
// cli.ts registers them), read off the program, so the script cannot drift from them. Profile names change, so the
// script asks `aws-op completion --profiles` for them each time: that reads the AWS config files only
// (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE honoured), never op, never the network.
import { listProfileNames } from "../config/profile.js";
import { readFilesFor, type Context } from "../context.js";
import { UserError } from "../errors.js";
import type { Command } from "commander";
import { runWith, type Factory, type RunF } from "./factory.js";

export const COMPLETION_SHELLS = ["bash", "zsh", "fish"] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

export interface CompletionFlag {
  /** `--vault`, or `-y` */
  name: string;
  description: string;
  takesValue: boolean;
  /** The values the flag takes (commander's choices), completed after it. */
  choices?: readonly string[];
}

export interface CompletionCommand {
  name: string;
  description: string;
  flags: CompletionFlag[];
  /** Whether the command's first argument (or every argument, for import) is a profile name. */
  profileArguments: "none" | "first" | "all";
  /** The values the first argument takes (commander's choices), completed in its place. */
  argumentChoices?: readonly string[];
}

export interface CompletionSpec {
  commands: CompletionCommand[];
  /** Flags of aws-op itself (--help, --version, --debug). */
  globalFlags: CompletionFlag[];
}

/**
 * Install lines for each shell, as the README shows them: the directories do not exist in a fresh home, and zsh's
 * ${fpath[1]} is usually a system directory, so the zsh script goes into ~/.zfunc (which the user adds to fpath).
 */
const BASH_INSTALL =
  "mkdir -p ~/.local/share/bash-completion/completions && aws-op completion bash > ~/.local/share/bash-completion/completions/aws-op";
const ZSH_INSTALL = "mkdir -p ~/.zfunc && aws-op completion zsh > ~/.zfunc/_aws-op";
const FISH_INSTALL =
  "mkdir -p ~/.config/fish/completions && aws-op completion fish > ~/.config/fish/completions/aws-op.fish";

/** Flags whose value is a profile name. */
export const PROFILE_FLAGS = ["--profile", "--source-profile"];

/** The script for a shell, or (--profiles, which the scripts run) the profile names. */
export type CompletionOptions = { shell: CompletionShell; profiles?: never } | { profiles: true; shell?: never };

export function newCmdCompletion(f: Factory, runF?: RunF<CompletionOptions>): Command {
  const command: Command = new f.commander.Command("completion")
    .description("print a completion script for bash, zsh or fish (commands, flags, their values and profile names)")
    .addArgument(new f.commander.Argument("[shell]", "the shell").choices(COMPLETION_SHELLS))
    .addOption(new f.commander.Option("--profiles", "print the profile names (for the script)").hideHelp())
    .addHelpText(
      "after",
      `
Examples:
  ${BASH_INSTALL}
  ${ZSH_INSTALL}
  (zsh: add "fpath=(~/.zfunc $fpath)" to ~/.zshrc before compinit)
  ${FISH_INSTALL}`,
    );
  // What it completes: the program it is registered in.
  const runCompletion: RunF<CompletionOptions> = async (options) => {
    f.ctx.stdout(run(options, completionSpecOf(command.parent ?? command), f.ctx));
    return 0;
  };
  return command.action(async (shell: string | undefined, { profiles }: { profiles?: boolean }) => {
    if (profiles) return runWith(f, runF ?? runCompletion, { profiles });
    if (!isCompletionShell(shell)) {
      // Only a missing shell gets here: commander refuses a value that is not one of the argument's choices.
      throw new UserError("Which shell? Say bash, zsh or fish.", {
        hint: `For example: ${BASH_INSTALL}`,
      });
    }
    return runWith(f, runF ?? runCompletion, { shell });
  });
}

/** What the completion scripts complete, read off the program so that they cannot drift from it. */
export function completionSpecOf(program: Command): CompletionSpec {
  const flagsOf = (command: Command): CompletionFlag[] =>
    command.options
      .filter((option) => !option.hidden)
      .flatMap((option) =>
        [option.long, option.short]
          .filter((name): name is string => !!name)
          .map((name) => ({
            name,
            description: option.description,
            takesValue: option.required || option.optional,
            ...(option.argChoices ? { choices: option.argChoices } : {}),
          })),
      );
  return {
    commands: program.commands.map((command) => {
      const first = command.registeredArguments[0];
      return {
        name: command.name(),
        description: command.description(),
        flags: flagsOf(command),
        profileArguments: first?.name() === "profile" ? "first" : first?.name() === "profiles" ? "all" : "none",
        ...(first?.argChoices ? { argumentChoices: first.argChoices } : {}),
      };
    }),
    globalFlags: [...flagsOf(program), { name: "--help", description: "show help", takesValue: false }],
  };
}

/** The script for `shell`, or (with --profiles) the profile names, one a line. */
export function run(options: CompletionOptions, spec: CompletionSpec, ctx: Context): string {
  if (options.profiles) {
    const names = listProfileNames(readFilesFor(ctx));
    // A name with a line break cannot be completed (and no AWS tool can use it through the shell either).
    return names
      .filter((name) => !/[\r\n]/.test(name))
      .map((name) => `${name}\n`)
      .join("");
  }
  const shell = options.shell;
  if (shell === "bash") return bashScript(spec);
  if (shell === "zsh") return zshScript(spec);
  return fishScript(spec);
}

function isCompletionShell(value: string | undefined): value is CompletionShell {
  return (COMPLETION_SHELLS as readonly string[]).includes(value ?? "");
}

/** Words in a shell's single quotes. */
function singleQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The command's flags for bash, one a line (the completion function splits words on line breaks only). */
function flagNames(command: CompletionCommand): string {
  return [...command.flags.map((f) => f.name), "--help"].join("\\n");
}

function valueFlags(spec: CompletionSpec): string[] {
  const names = new Set<string>();
  for (const command of spec.commands) {
    for (const flag of command.flags) if (flag.takesValue && !PROFILE_FLAGS.includes(flag.name)) names.add(flag.name);
  }
  return [...names].sort();
}

/** Each command's flags that take one of a few values, with those values. */
function choiceFlags(spec: CompletionSpec): { command: string; flag: string; choices: readonly string[] }[] {
  return spec.commands.flatMap((command) =>
    command.flags.flatMap((flag) =>
      flag.choices ? [{ command: command.name, flag: flag.name, choices: flag.choices }] : [],
    ),
  );
}

/** Lines for bash's $'...': one value a line. */
function bashLines(values: readonly string[]): string {
  return `$${singleQuoted(values.join("\\n"))}`;
}

function bashScript(spec: CompletionSpec): string {
  const commands = spec.commands.map((c) => c.name).join(" ");
  const cases = spec.commands
    .map(
      (c) =>
        `    ${c.name}) flags=$${singleQuoted(flagNames(c))}; profiles=${c.profileArguments}${c.argumentChoices ? `; choices=${bashLines(c.argumentChoices)}` : ""} ;;`,
    )
    .join("\n");
  // A flag's values depend on the command (env --format): matched on "COMMAND FLAG".
  const valueCases = choiceFlags(spec)
    .map(
      (c) =>
        `    ${singleQuoted(`${c.command} ${c.flag}`)}) _aws_op_reply "$cur" <<<${bashLines(c.choices)}; return ;;\n`,
    )
    .join("");
  return `# aws-op completion for bash (aws-op completion bash). Profile names come from \`aws-op completion --profiles\`.
# Replies with each line of stdin that starts with the word being completed ($1), as a shell word (readline inserts
# a reply as it is). Matched as plain text: compgen -W would expand every name as shell code ($(...), \`...\`,
# \${...}), and profile names come from config files, which are often generated or shared.
_aws_op_reply() {
  local candidate word
  COMPREPLY=()
  while IFS= read -r candidate; do
    printf -v word '%q' "$candidate"
    if [[ "$candidate" == "$1"* || "$word" == "$1"* ]]; then COMPREPLY+=("$word"); fi
  done
}
_aws_op() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} IFS=$'\\n'
  if [ "$COMP_CWORD" -eq 1 ]; then
    _aws_op_reply "$cur" < <(printf '%s\\n' ${commands} ${spec.globalFlags.map((f) => f.name).join(" ")})
    return
  fi
  case "\${COMP_WORDS[1]} $prev" in
${valueCases}  esac
  case "$prev" in
    ${PROFILE_FLAGS.join("|")})
      _aws_op_reply "$cur" < <("\${COMP_WORDS[0]}" completion --profiles 2>/dev/null)
      return ;;
    ${valueFlags(spec).join("|")})
      COMPREPLY=()
      return ;;
  esac
  local flags= profiles=none choices= word i args=0
  case "\${COMP_WORDS[1]}" in
${cases}
    *) return ;;
  esac
  # Arguments before this word (flags and their values not counted); after -- comes a command of its own.
  for ((i = 2; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    case "$word" in
      --) COMPREPLY=(); return ;;
      ${PROFILE_FLAGS.join("|")}|${valueFlags(spec).join("|")}) ((i++)) ;;
      -*) ;;
      *) ((args++)) ;;
    esac
  done
  if [[ "$cur" == -* ]]; then
    _aws_op_reply "$cur" <<<"$flags"
  elif [ -n "$choices" ] && [ "$args" -eq 0 ]; then
    _aws_op_reply "$cur" <<<"$choices"
  elif [ "$profiles" = all ] || { [ "$profiles" = first ] && [ "$args" -eq 0 ]; }; then
    _aws_op_reply "$cur" < <("\${COMP_WORDS[0]}" completion --profiles 2>/dev/null)
  fi
}
complete -F _aws_op aws-op
`;
}

function zshScript(spec: CompletionSpec): string {
  const described = (name: string, description: string) => singleQuoted(`${name.replace(/:/g, "\\:")}:${description}`);
  const commands = spec.commands.map((c) => `    ${described(c.name, c.description)}`).join("\n");
  const cases = spec.commands
    .map(
      (c) =>
        `    ${c.name}) flags=(${[...c.flags, { name: "--help", description: "show help", takesValue: false }]
          .map((f) => described(f.name, f.description))
          .join(
            " ",
          )}); profiles=${c.profileArguments}${c.argumentChoices ? `; choices=(${c.argumentChoices.map(singleQuoted).join(" ")})` : ""} ;;`,
    )
    .join("\n");
  const valueCases = choiceFlags(spec)
    .map(
      (c) =>
        `    ${singleQuoted(`${c.command} ${c.flag}`)}) compadd -- ${c.choices.map(singleQuoted).join(" ")}; return ;;\n`,
    )
    .join("");
  return `#compdef aws-op
# aws-op completion for zsh (aws-op completion zsh). Profile names come from \`aws-op completion --profiles\`.
_aws_op() {
  local -a commands flags names choices
  local profiles=none i args=0
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'aws-op command' commands
    return
  fi
  case "\${words[2]} \${words[CURRENT-1]}" in
${valueCases}  esac
  names=(\${(f)"$(\${words[1]} completion --profiles 2>/dev/null)"})
  case \${words[CURRENT-1]} in
    ${PROFILE_FLAGS.join("|")}) compadd -a names; return ;;
    ${valueFlags(spec).join("|")}) return ;;
  esac
  case \${words[2]} in
${cases}
    *) return ;;
  esac
  for (( i = 3; i < CURRENT; i++ )); do
    case \${words[i]} in
      --) return ;;
      ${PROFILE_FLAGS.join("|")}|${valueFlags(spec).join("|")}) (( i++ )) ;;
      -*) ;;
      *) (( args++ )) ;;
    esac
  done
  if [[ $PREFIX == -* ]]; then
    _describe -t flags 'flag' flags
  elif (( \${#choices} )) && [[ $args == 0 ]]; then
    compadd -a choices
  elif [[ $profiles == all ]] || [[ $profiles == first && $args == 0 ]]; then
    compadd -a names
  fi
}
if [[ "\${funcstack[1]}" == _aws_op ]]; then _aws_op "$@"; else compdef _aws_op aws-op; fi
`;
}

function fishScript(spec: CompletionSpec): string {
  const lines = [
    "# aws-op completion for fish (aws-op completion fish). Profile names come from `aws-op completion --profiles`.",
    "complete -c aws-op -f",
    "function __aws_op_profiles",
    "    command aws-op completion --profiles 2>/dev/null",
    "end",
    // The first argument after the command that is not a flag (or a flag's value) yet: a profile (or one of the
    // argument's choices) goes there.
    "function __aws_op_wants_first_argument",
    "    set -l words (commandline -opc)",
    "    set -e words[1..2]",
    `    set -l value_flags ${[...PROFILE_FLAGS, ...valueFlags(spec)].join(" ")}`,
    "    set -l skip 0",
    "    for word in $words",
    "        if test $skip = 1",
    "            set skip 0",
    "        else if contains -- $word $value_flags",
    "            set skip 1",
    "        else if string match -q -- '-*' $word",
    "            continue",
    "        else",
    "            return 1",
    "        end",
    "    end",
    "    return 0",
    "end",
  ];
  const names = spec.commands.map((c) => c.name).join(" ");
  for (const command of spec.commands) {
    lines.push(
      `complete -c aws-op -n 'not __fish_seen_subcommand_from ${names}' -a ${command.name} -d ${singleQuoted(command.description)}`,
    );
  }
  for (const flag of spec.globalFlags) {
    lines.push(`complete -c aws-op -n 'not __fish_seen_subcommand_from ${names}' ${fishFlag(flag)}`);
  }
  for (const command of spec.commands) {
    const when = `__fish_seen_subcommand_from ${command.name}`;
    for (const flag of command.flags) {
      const profile = PROFILE_FLAGS.includes(flag.name)
        ? " -x -a '(__aws_op_profiles)'"
        : flag.choices
          ? ` -x -a ${singleQuoted(flag.choices.join(" "))}`
          : flag.takesValue
            ? " -x"
            : "";
      lines.push(`complete -c aws-op -n '${when}' ${fishFlag(flag)}${profile}`);
    }
    if (command.profileArguments === "all") {
      lines.push(`complete -c aws-op -n '${when}' -a '(__aws_op_profiles)'`);
    } else if (command.profileArguments === "first") {
      lines.push(`complete -c aws-op -n '${when}; and __aws_op_wants_first_argument' -a '(__aws_op_profiles)'`);
    }
    if (command.argumentChoices) {
      lines.push(
        `complete -c aws-op -n '${when}; and __aws_op_wants_first_argument' -a ${singleQuoted(command.argumentChoices.join(" "))}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

function fishFlag(flag: CompletionFlag): string {
  const name = flag.name.startsWith("--") ? `-l ${flag.name.slice(2)}` : `-s ${flag.name.slice(1)}`;
  return `${name} -d ${singleQuoted(flag.description)}`;
}
