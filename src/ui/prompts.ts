// Interactive questions, on stderr (stdout stays clean for --json and diffs), through @inquirer/prompts: arrow
// keys to move, typing to filter lists. Commands receive a Prompter, so tests can answer without a terminal.
import type { Readable, Writable } from "node:stream";
import { UserError } from "../errors.js";

export interface PromptChoice {
  value: string;
  name: string;
  /** Shown under the list for the highlighted choice. */
  description?: string;
  /** Shown as the answer once picked (default: the name). */
  short?: string;
}

export interface Prompter {
  /** Pick one of many; typing filters the list by name and description (case-insensitive). */
  search(message: string, choices: PromptChoice[]): Promise<string>;
  /** Pick one of a few. */
  select(message: string, choices: PromptChoice[]): Promise<string>;
  /** Free text, with a default and an optional validation returning an error text. */
  input(message: string, options?: { default?: string; validate?: (value: string) => string | true }): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
}

/** Choices whose name or description contains every word of the term. */
export function filterChoices(choices: PromptChoice[], term: string | undefined): PromptChoice[] {
  const words = (term ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return choices;
  return choices.filter((c) => {
    const text = `${c.name} ${c.description ?? ""}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/**
 * A question answered with Ctrl-C changes nothing and ends aws-op with 130 (128 + SIGINT), as a shell reports it.
 * @inquirer/prompts rejects with an ExitPromptError then (it holds the terminal in raw mode: no signal comes).
 */
async function cancellable<T>(question: Promise<T>): Promise<T> {
  try {
    return await question;
  } catch (error) {
    if (error instanceof Error && error.name === "ExitPromptError") {
      throw new UserError("Cancelled.", { exitCode: 130, cause: error });
    }
    throw error;
  }
}

/** A Prompter on a terminal: `input` is the keyboard, `output` the screen (stderr). */
export function terminalPrompter(input: Readable, output: Writable): Prompter {
  const context = { input, output, clearPromptOnDone: false };
  const prompts = import("@inquirer/prompts");
  const prompter: Prompter = {
    async search(message, choices) {
      const { search } = await prompts;
      return search<string>(
        {
          message,
          pageSize: 12,
          source: (term) => filterChoices(choices, term).map((c) => ({ ...c })),
        },
        context,
      );
    },
    async select(message, choices) {
      const { select } = await prompts;
      return select<string>({ message, choices: choices.map((c) => ({ ...c })) }, context);
    },
    async input(message, options = {}) {
      const { input: ask } = await prompts;
      return ask(
        {
          message,
          ...(options.default !== undefined ? { default: options.default } : {}),
          ...(options.validate ? { validate: options.validate } : {}),
        },
        context,
      );
    },
    async confirm(message, defaultValue) {
      const { confirm } = await prompts;
      return confirm({ message, default: defaultValue }, context);
    },
  };
  return {
    search: (message, choices) => cancellable(prompter.search(message, choices)),
    select: (message, choices) => cancellable(prompter.select(message, choices)),
    input: (message, options) => cancellable(prompter.input(message, options)),
    confirm: (message, defaultValue) => cancellable(prompter.confirm(message, defaultValue)),
  };
}
