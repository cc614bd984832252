// The one Context builder of the unit tests. A test names what it needs (env, home, the op runner: in memory from
// op-in-memory.ts or the built double from test/fake-op/, and STS from fake-sts.ts); everything else gets a quiet
// default: Linux, no terminal, a fixed user, and IAM, exec's child runner and the prompter refusing to be used until
// a test hands in its own.
import type { Context } from "../../src/context.js";
import type { Prompter } from "../../src/ui/prompts.js";

type Required = Pick<Context, "env" | "home" | "runOp" | "sts">;

export function buildContext(parts: Required & Partial<Context>): Context {
  const unused = (what: string) => () => Promise.reject(new Error(`this test does not expect ${what}`));
  return {
    platform: "linux",
    now: () => new Date(),
    sleep: async () => undefined,
    stdout: () => undefined,
    stderr: () => undefined,
    isTTY: { stdin: false, stdout: false, stderr: false },
    iam: {
      listAccessKeys: unused("IAM ListAccessKeys"),
      createAccessKey: unused("IAM CreateAccessKey"),
      deleteAccessKey: unused("IAM DeleteAccessKey"),
      updateAccessKey: unused("IAM UpdateAccessKey"),
    },
    runChild: unused("a child process"),
    prompter: unused("a terminal prompt"),
    userName: "alice",
    ...parts,
  };
}

/** A prompter (Context.prompter) that gives these answers; any other question fails the test. */
export function answering(answers: Partial<Prompter>): Context["prompter"] {
  const unasked = (what: string) => () => Promise.reject(new Error(`this test does not expect ${what}`));
  return async () => ({
    search: unasked("a search question"),
    select: unasked("a select question"),
    input: unasked("an input question"),
    confirm: unasked("a confirmation"),
    ...answers,
  });
}
