// argv -> options through the real command line (the GitHub CLI's TestNewCmdX): the program of src/cli.ts (its root
// options, help and error settings) holding one command's definition, newCmdX(f, runF), with runF replaced by a
// recorder. What the recorder receives is exactly what the command's run would.
import type { Command } from "commander";
import { buildProgram } from "../../../src/cli.js";
import type { Factory, RunF } from "../../../src/commands/factory.js";
import { buildContext } from "../../helpers/context.js";

export type NewCmdWithRun<T> = (f: Factory, runF: RunF<T>) => Command;

export interface Parsed<T> {
  /** The options runF received, once per call. */
  calls: T[];
  /** What parsing or the definition threw (a usage error, a refused combination), if anything. */
  error: unknown;
  stdout: string;
  stderr: string;
}

export async function parseArgv<T>(newCmd: NewCmdWithRun<T>, argv: string[]): Promise<Parsed<T>> {
  const parsed: Parsed<T> = { calls: [], error: undefined, stdout: "", stderr: "" };
  const ctx = buildContext({
    env: {},
    home: "/nonexistent/home",
    runOp: () => Promise.reject(new Error("an argv table never runs op")),
    sts: {} as never,
    stdout: (text) => void (parsed.stdout += text),
    stderr: (text) => void (parsed.stderr += text),
  });
  const { program } = await buildProgram(ctx, [
    (f) =>
      newCmd(f, async (options) => {
        parsed.calls.push(options);
        return 0;
      }),
  ]);
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    parsed.error = error;
  }
  return parsed;
}

/** The options the command's run receives for argv; fails when parsing refuses argv. */
export async function optionsOf<T>(newCmd: NewCmdWithRun<T>, argv: string[]): Promise<T> {
  const parsed = await parseArgv(newCmd, argv);
  if (parsed.error !== undefined) throw parsed.error;
  if (parsed.calls.length !== 1) throw new Error(`run was called ${parsed.calls.length} times for ${argv.join(" ")}`);
  return parsed.calls[0] as T;
}

/** What argv is refused with (commander's usage error, or the definition's own), having run nothing. */
export async function refusalOf<T>(newCmd: NewCmdWithRun<T>, argv: string[]): Promise<Error> {
  const parsed = await parseArgv(newCmd, argv);
  if (parsed.calls.length > 0)
    throw new Error(`run was called for ${argv.join(" ")} with ${JSON.stringify(parsed.calls)}`);
  if (!(parsed.error instanceof Error)) throw new Error(`${argv.join(" ")} was not refused`);
  return parsed.error;
}
