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

/** What readline reports for a key (node:readline emitKeypressEvents). */
interface Keypress {
  name?: string;
  ctrl?: boolean;
}

/**
 * A question answered with Ctrl-C or Ctrl-D (or whose input ends) changes nothing and ends aws-op with 130
 * (128 + SIGINT), as a shell reports it. @inquirer/prompts holds the terminal in raw mode, so no signal comes: it
 * rejects with an ExitPromptError on Ctrl-C. Ctrl-D is only a key in raw mode; readline closes on it (on an empty
 * line) and the question would then wait until the process ends for lack of work, or for ever while anything else
 * is open (a connection, a timer): here it aborts the question through the prompt's signal.
 */
async function cancellable<T>(input: Readable, ask: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onKeypress = (_text: unknown, key: Keypress | undefined) => {
    if (key?.ctrl && key.name === "d") controller.abort();
  };
  const onEnd = () => controller.abort();
  input.on("keypress", onKeypress);
  input.once("end", onEnd);
  try {
    return await ask(controller.signal);
  } catch (error) {
    const name = error instanceof Error ? error.name : undefined;
    if (name === "ExitPromptError" || (name === "AbortPromptError" && controller.signal.aborted)) {
      throw new UserError("Cancelled.", { exitCode: 130, cause: error });
    }
    throw error;
  } finally {
    input.off("keypress", onKeypress);
    input.off("end", onEnd);
  }
}

/** A Prompter on a terminal: `input` is the keyboard, `output` the screen (stderr). */
export function terminalPrompter(input: Readable, output: Writable): Prompter {
  const contextWith = (signal: AbortSignal) => ({ input, output, clearPromptOnDone: false, signal });
  const prompts = import("@inquirer/prompts");
  return {
    search: (message, choices) =>
      cancellable(input, async (signal) => {
        const { search } = await prompts;
        return search<string>(
          {
            message,
            pageSize: 12,
            source: (term) => filterChoices(choices, term).map((c) => ({ ...c })),
          },
          contextWith(signal),
        );
      }),
    select: (message, choices) =>
      cancellable(input, async (signal) => {
        const { select } = await prompts;
        return select<string>({ message, choices: choices.map((c) => ({ ...c })) }, contextWith(signal));
      }),
    input: (message, options = {}) =>
      cancellable(input, async (signal) => {
        const { input: ask } = await prompts;
        return ask(
          {
            message,
            ...(options.default !== undefined ? { default: options.default } : {}),
            ...(options.validate ? { validate: options.validate } : {}),
          },
          contextWith(signal),
        );
      }),
    confirm: (message, defaultValue) =>
      cancellable(input, async (signal) => {
        const { confirm } = await prompts;
        return confirm({ message, default: defaultValue }, contextWith(signal));
      }),
  };
}
