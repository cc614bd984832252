// The terminal prompter on stream doubles: Ctrl-C, Ctrl-D and the end of the input each end a question with the
// UserError "Cancelled." (exit 130), also while something else keeps the process alive (here the test runner), so
// nothing waits for the process to run out of work; an answer is still an answer.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import { terminalPrompter, type Prompter } from "../../../src/ui/prompts.js";

/** A keyboard and a screen for the prompter: what is written to `keyboard` is typed. */
function doubles(): { keyboard: PassThrough; screen: PassThrough; prompter: Prompter } {
  const keyboard = new PassThrough();
  const screen = new PassThrough();
  screen.resume();
  return { keyboard, screen, prompter: terminalPrompter(keyboard, screen) };
}

/** Type `keys` once the question is on the screen. */
function typeWhenAsked(keyboard: PassThrough, screen: PassThrough, keys: string | "end"): void {
  screen.once("data", () =>
    setImmediate(() => {
      if (keys === "end") keyboard.end();
      else keyboard.write(keys);
    }),
  );
}

async function cancellation(question: Promise<unknown>): Promise<UserError> {
  const error: unknown = await question.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe("terminalPrompter", () => {
  it.each([
    ["Ctrl-C", "\u0003"],
    ["Ctrl-D", "\u0004"],
    ["the end of the input", "end"],
  ] as const)("%s at a question is Cancelled. with exit status 130", async (_name, keys) => {
    for (const ask of [
      (p: Prompter) => p.input("AWS profile name", { default: "default" }),
      (p: Prompter) => p.confirm("Rotate now?", false),
      (p: Prompter) => p.search("AWS profile", [{ value: "work", name: "work" }]),
      (p: Prompter) => p.select("Account", [{ value: "a", name: "a" }]),
    ]) {
      const { keyboard, screen, prompter } = doubles();
      typeWhenAsked(keyboard, screen, keys);
      const error = await cancellation(ask(prompter));
      expect(error.message).toBe("Cancelled.");
      expect(error.exitCode).toBe(130);
    }
  });

  it("Ctrl-D after some text still cancels, and an answer typed with Enter is the answer", async () => {
    const first = doubles();
    typeWhenAsked(first.keyboard, first.screen, "wor\u0004");
    expect((await cancellation(first.prompter.input("AWS profile name"))).exitCode).toBe(130);

    const second = doubles();
    typeWhenAsked(second.keyboard, second.screen, "work\r");
    await expect(second.prompter.input("AWS profile name")).resolves.toBe("work");
  });
});
