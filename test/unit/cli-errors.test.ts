// How main() ends a command that failed: a question cancelled with Ctrl-C is "Cancelled." with 130 even when the
// prompt's ExitPromptError did not come through ui/prompts.ts (which converts it itself); anything else unexpected
// is the bug report text with exit 1.
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { answering, buildContext } from "../helpers/context.js";

function terminalContext(input: () => Promise<string>) {
  let stderr = "";
  const ctx = buildContext({
    env: {},
    home: "/nonexistent/home",
    runOp: () => Promise.reject(new Error("this test runs no op")),
    sts: {} as never,
    isTTY: { stdin: true, stdout: true, stderr: true },
    prompter: answering({ input }),
    stderr: (text) => void (stderr += text),
  });
  return { ctx, stderr: () => stderr };
}

describe("main", () => {
  it("an ExitPromptError from a question is Cancelled., exit 130, not a bug", async () => {
    const t = terminalContext(() =>
      Promise.reject(Object.assign(new Error("User force closed the prompt with SIGINT"), { name: "ExitPromptError" })),
    );
    expect(await main(["setup"], t.ctx)).toBe(130);
    expect(t.stderr()).toBe("aws-op: Cancelled.\n");
  });

  it("any other unexpected error is still reported as a bug, exit 1", async () => {
    const t = terminalContext(() => Promise.reject(new TypeError("boom")));
    expect(await main(["setup"], t.ctx)).toBe(1);
    expect(t.stderr()).toMatch(/^aws-op: unexpected error \(TypeError\)\. This is a bug in aws-op/);
  });
});
