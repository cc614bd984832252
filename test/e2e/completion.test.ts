// `aws-op completion bash|zsh|fish`, tested by the shells themselves: bash through `complete -F` (the function
// the script registers, called as readline calls it), fish through `complete -C`, zsh by loading the script with
// compinit. Profile names come from the sandbox's AWS files; the fake op must never run.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENV_FORMATS } from "../../src/aws/env-format.js";
import { COMPLETION_SHELLS } from "../../src/commands/completion.js";
import { requireTools } from "../helpers/moto.js";
import { cliPath, createSandbox, spawnAsync, type Sandbox } from "../helpers/sandbox.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

const tools = requireTools(["bash", "fish", "zsh"]);
/** Debian's bash-completion (the package .ci/run installs): the loader that an interactive bash uses. */
const BASH_COMPLETION = "/usr/share/bash-completion/bash_completion";

describe.skipIf(!tools.available)("shell completion", () => {
  let sandbox: Sandbox;
  let bin: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    sandbox = createSandbox();
    sandbox.writeConfig(
      [
        "[default]",
        "region = eu-west-1",
        "",
        "[profile work]",
        "op_item = AWS work",
        "",
        '[profile "my prod"]',
        "",
      ].join("\n"),
    );
    sandbox.writeCredentials(["[personal]", "aws_access_key_id = AKIAEXAMPLE", ""].join("\n"));
    // `aws-op` on PATH, as an installed CLI is.
    bin = makeTempDir("aws-op-completion-");
    writeFileSync(join(bin, "aws-op"), `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`, { mode: 0o755 });
    env = sandbox.env({ PATH: `${bin}:${sandbox.env().PATH ?? ""}` });
  });

  afterAll(() => {
    rmSync(bin, { recursive: true, force: true });
  });

  /** Completions bash offers for the words (the last one is being completed), through the registered function. */
  async function bashCompletes(words: string[]): Promise<string[]> {
    const script = [
      "source <(aws-op completion bash) || exit 1",
      // The function `complete -p` names is the one readline would call.
      'function=$(complete -p aws-op | sed -n "s/.*-F \\([^ ]*\\) aws-op$/\\1/p")',
      '[ -n "$function" ] || { echo "no complete -F for aws-op" >&2; exit 1; }',
      'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
      '"$function" aws-op "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join("\n");
    const result = await spawnAsync("bash", ["-c", script, "bash", ...words], env);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    return result.stdout.split("\n").filter(Boolean);
  }

  async function fishCompletes(line: string): Promise<string[]> {
    const result = await spawnAsync(
      "fish",
      ["-c", 'aws-op completion fish | source; and complete -C "$argv[1]"', line],
      env,
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    return result.stdout
      .split("\n")
      .filter(Boolean)
      .map((entry) => entry.split("\t")[0] ?? "");
  }

  const allProfiles = ["default", "my prod", "personal", "work"];
  /** The same names as bash inserts them: each a shell word. */
  const allProfileWords = ["default", "my\\ prod", "personal", "work"];

  it("bash completes `aws-op ex` to exec and `aws-op exec ` to the profile names, through complete -F", async () => {
    expect(await bashCompletes(["aws-op", "ex"])).toEqual(["exec"]);
    expect((await bashCompletes(["aws-op", "exec", ""])).sort()).toEqual(allProfileWords);
    // Inserted as a shell word (readline inserts a reply as it is), as zsh and fish insert it.
    expect(await bashCompletes(["aws-op", "exec", "my"])).toEqual(["my\\ prod"]);
    expect(await bashCompletes(["aws-op", "exec", "my\\ p"])).toEqual(["my\\ prod"]);
    expect(await bashCompletes(["aws-op", "exec", "--f"])).toEqual(["--force"]);
    expect((await bashCompletes(["aws-op", "process", "--profile", ""])).sort()).toEqual(allProfileWords);
    // A profile is the first argument only; a flag's value is not a profile; after -- comes the command.
    expect(await bashCompletes(["aws-op", "exec", "work", ""])).toEqual([]);
    expect(await bashCompletes(["aws-op", "setup", "--vault", ""])).toEqual([]);
    expect((await bashCompletes(["aws-op", "setup", "--vault", "Work", ""])).sort()).toEqual(allProfileWords);
    expect(await bashCompletes(["aws-op", "exec", "work", "--", ""])).toEqual([]);
    expect(await bashCompletes(["aws-op", "comp"])).toEqual(["completion"]);
    expect(sandbox.opCalls()).toEqual([]);
  });

  it("bash completes the shells after `completion ` and the formats after `env work --format `, from the commands' choices", async () => {
    expect(await bashCompletes(["aws-op", "completion", ""])).toEqual([...COMPLETION_SHELLS]);
    expect(await bashCompletes(["aws-op", "completion", "z"])).toEqual(["zsh"]);
    expect(await bashCompletes(["aws-op", "completion", "zsh", ""])).toEqual([]);
    expect(await bashCompletes(["aws-op", "env", "work", "--format", ""])).toEqual([...ENV_FORMATS]);
    expect(await bashCompletes(["aws-op", "env", "--format", "p"])).toEqual(["powershell"]);
    // Another command's value flags still complete nothing; env's profile still comes first.
    expect(await bashCompletes(["aws-op", "setup", "--vault", ""])).toEqual([]);
    expect((await bashCompletes(["aws-op", "env", "--format", "fish", ""])).sort()).toEqual(allProfileWords);
  });

  it("bash never runs code from a profile name: names are matched literally and inserted as shell words", async () => {
    // Config files are generated and shared: a name is data. The script is installed where README says and loaded
    // by bash-completion's own loader, as the first Tab in an interactive bash loads it.
    const hostile = makeTempDir("aws-op-completion-hostile-");
    const home = join(hostile, "home");
    const cwd = join(hostile, "cwd");
    const completions = join(home, ".local/share/bash-completion/completions");
    mkdirSync(completions, { recursive: true });
    mkdirSync(cwd);
    const script = await spawnAsync(process.execPath, [cliPath, "completion", "bash"], env);
    expect(script.status).toBe(0);
    writeFileSync(join(completions, "aws-op"), script.stdout);
    const config = join(hostile, "config");
    const credentials = join(hostile, "credentials");
    writeFileSync(
      config,
      ["[profile x$(touch${IFS}pwned-dollar)]", "[profile y`touch${IFS}pwned-tick`]", ""].join("\n"),
    );
    writeFileSync(credentials, ["[z$(touch pwned-space) *]", "[safe]", ""].join("\n"));
    const hostileEnv = {
      ...env,
      HOME: home,
      XDG_DATA_HOME: join(home, ".local/share"),
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
    };
    const complete = async (words: string[]): Promise<string[]> => {
      const result = await spawnAsync(
        "bash",
        [
          "-c",
          [
            `source ${BASH_COMPLETION} || exit 1`,
            "_completion_loader aws-op",
            'function=$(complete -p aws-op | sed -n "s/.*-F \\([^ ]*\\) aws-op$/\\1/p")',
            '[ -n "$function" ] || { echo "bash-completion loaded no completion for aws-op" >&2; exit 1; }',
            'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
            '"$function" aws-op "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
            'printf "%s\\n" "${COMPREPLY[@]}"',
          ].join("\n"),
          "bash",
          ...words,
        ],
        hostileEnv,
        { cwd },
      );
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      return result.stdout.split("\n").filter(Boolean);
    };
    try {
      const words = ["safe", "x\\$\\(touch\\$\\{IFS\\}pwned-dollar\\)", "y\\`touch\\$\\{IFS\\}pwned-tick\\`"];
      expect((await complete(["aws-op", "exec", ""])).sort()).toEqual(
        [...words, "z\\$\\(touch\\ pwned-space\\)\\ \\*"].sort(),
      );
      expect(await complete(["aws-op", "exec", "x"])).toEqual([words[1]]);
      expect(await complete(["aws-op", "exec", "x$"])).toEqual([words[1]]);
      expect(await complete(["aws-op", "process", "--profile", "y"])).toEqual([words[2]]);
      // A typed word that is itself an expansion matches only a name that starts with it, and runs nothing either.
      expect(await complete(["aws-op", "exec", "$(touch pwned-typed)"])).toEqual([]);
      expect(readdirSync(cwd)).toEqual([]);
      expect(existsSync(join(home, "pwned-dollar"))).toBe(false);
    } finally {
      rmSync(hostile, { recursive: true, force: true });
    }
  });

  it("fish loads its script and completes commands, flags and profile names", async () => {
    expect(await fishCompletes("aws-op ex")).toEqual(["exec"]);
    expect((await fishCompletes("aws-op exec ")).sort()).toEqual(allProfiles);
    expect(await fishCompletes("aws-op exec work ")).toEqual([]);
    expect(await fishCompletes("aws-op exec --f")).toEqual(["--force"]);
    expect((await fishCompletes("aws-op process --profile ")).sort()).toEqual(allProfiles);
    expect(sandbox.opCalls()).toEqual([]);
  });

  it("fish completes the shells after `completion ` and the formats after `env work --format `", async () => {
    expect((await fishCompletes("aws-op completion ")).sort()).toEqual([...COMPLETION_SHELLS].sort());
    expect(await fishCompletes("aws-op completion zsh ")).toEqual([]);
    expect((await fishCompletes("aws-op env work --format ")).sort()).toEqual([...ENV_FORMATS].sort());
    expect(await fishCompletes("aws-op env work --format po")).toEqual(["powershell"]);
  });

  /**
   * What zsh's completion function offers for the words (CURRENT is the last one, PREFIX what is typed of it): the
   * script's own _aws_op, run by zsh, with the completion system's builtins it calls (compadd, _describe) replaced by
   * functions that print the candidates they are handed, one a line.
   */
  async function zshCompletes(words: string[]): Promise<string[]> {
    const script = [
      "compdef() { :; }",
      'compadd() { [[ $1 == -a ]] && { print -rl -- "${(@P)2}"; return; }; [[ $1 == -- ]] && shift; print -rl -- "$@"; }',
      '_describe() { local entry; for entry in "${(@P)4}"; do print -r -- "${entry%%:*}"; done; }',
      "source <(aws-op completion zsh) || exit 1",
      'words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}',
      "_aws_op",
    ].join("\n");
    const result = await spawnAsync("zsh", ["-f", "-c", script, "zsh", ...words], env);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    return result.stdout.split("\n").filter(Boolean);
  }

  it("zsh offers the shells after `completion `, the formats after `env work --format `, and profiles and flags as before", async () => {
    expect(await zshCompletes(["aws-op", "completion", ""])).toEqual([...COMPLETION_SHELLS]);
    expect(await zshCompletes(["aws-op", "completion", "zsh", ""])).toEqual([]);
    expect(await zshCompletes(["aws-op", "env", "work", "--format", ""])).toEqual([...ENV_FORMATS]);
    expect((await zshCompletes(["aws-op", "env", ""])).sort()).toEqual(allProfiles);
    expect(await zshCompletes(["aws-op", "setup", "--vault", ""])).toEqual([]);
    expect(await zshCompletes(["aws-op", "clear", "-"])).toEqual(["--all", "--browser", "--help"]);
    expect(sandbox.opCalls()).toEqual([]);
  });

  it("zsh loads its script with compinit and registers the completion function", async () => {
    const result = await spawnAsync(
      "zsh",
      [
        "-f",
        "-c",
        'autoload -U compinit && compinit -u -D && source <(aws-op completion zsh) && print -r -- "$_comps[aws-op]"',
      ],
      env,
    );
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("_aws_op");
  });

  it("the install lines of `completion --help` and its hint work as pasted in a fresh home (regression: no mkdir; zsh into ${fpath[1]})", async () => {
    const help = await sandbox.run(["completion", "--help"]);
    expect(help.status).toBe(0);
    const lines = help.stdout.split("\n").filter((l) => l.startsWith("  mkdir -p "));
    expect(lines).toHaveLength(3);
    const hint = await sandbox.run(["completion"]);
    expect(hint.stderr).toContain(`For example: ${lines[0]?.trim() ?? "?"}`);
    const fresh = makeTempDir("aws-op-completion-home-");
    try {
      for (const line of lines) {
        const result = await spawnAsync("sh", ["-c", line.trim()], { ...env, HOME: fresh });
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
      }
      expect(readFileSync(join(fresh, ".local/share/bash-completion/completions/aws-op"), "utf8")).toContain(
        "complete -F _aws_op aws-op",
      );
      expect(readFileSync(join(fresh, ".zfunc/_aws-op"), "utf8")).toMatch(/^#compdef aws-op\n/);
      expect(readFileSync(join(fresh, ".config/fish/completions/aws-op.fish"), "utf8")).toContain("complete -c aws-op");
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("completion --profiles lists every profile of both files, one a line; an unknown shell is an error", async () => {
    const listed = await sandbox.run(["completion", "--profiles"]);
    expect(listed.status).toBe(0);
    expect(listed.stdout.split("\n").filter(Boolean).sort()).toEqual(allProfiles);
    const unknown = await sandbox.run(["completion", "tcsh"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("Allowed choices are bash, zsh, fish.");
  });
});
