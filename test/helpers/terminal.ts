// Terminals in tests: what one shows (a program in a pty, typed at like a person would) and what must never reach one.
import type { IPty } from "@lydell/node-pty";
import type { Sandbox } from "./sandbox.js";

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b[()][A-Za-z0-9]|\r/g;

/** A program in a pseudo-terminal (@lydell/node-pty): what it showed, keys typed at it, its exit code. */
export class Terminal {
  raw = "";
  private exit: Promise<number>;
  constructor(readonly pty: IPty) {
    pty.onData((data) => (this.raw += data));
    this.exit = new Promise((resolve) => pty.onExit(({ exitCode }) => resolve(exitCode)));
  }
  /** Everything shown so far, without escape sequences. */
  screen(): string {
    return this.raw.replace(ANSI, "");
  }
  async waitFor(text: string | RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const found = (): boolean => (typeof text === "string" ? this.screen().includes(text) : text.test(this.screen()));
    while (!found()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; screen:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  async type(keys: string): Promise<void> {
    for (const key of keys) {
      this.pty.write(key);
      await new Promise((r) => setTimeout(r, 15));
    }
  }
  exitCode(): Promise<number> {
    return this.exit;
  }
  /**
   * The end of a test: what the terminal showed (what stderr, and a command's stdout, would) goes into the
   * sandbox's transcript, scanned for secrets like any other output; the program is killed if it still runs.
   */
  endIn(sandbox: Pick<Sandbox, "recordOutput">, args: string[]): void {
    sandbox.recordOutput("aws-op (in a pty)", args, { stderr: this.raw });
    try {
      this.pty.kill();
    } catch {
      // already gone
    }
  }
}

// What a terminal must never receive from text aws-op did not write: control characters other than line breaks
// (C0, DEL, C1) and bidirectional overrides. Returns the first such character's code, or undefined.
export function firstControlCharacter(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return c;
  }
  return undefined;
}
