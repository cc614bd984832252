// `aws-op --help` and `aws-op <command> --help` show examples (issue: help with examples for every command).
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";
import type { Context } from "../../src/context.js";

async function helpOf(argv: string[]): Promise<string> {
  let out = "";
  const ctx = { stdout: (t: string) => void (out += t), stderr: () => undefined } as unknown as Context;
  const { program } = await buildProgram(ctx);
  await expect(program.parseAsync([...argv, "--help"], { from: "user" })).rejects.toMatchObject({ exitCode: 0 });
  return out;
}

describe("help", () => {
  it("aws-op --help shows examples (regression: only the commands had them)", async () => {
    const help = await helpOf([]);
    expect(help).toContain("Examples:");
    expect(help).toContain("aws-op import --all --vault");
  });

  it("aws-op --help lists the commands in gh-style groups, getting started first and the plumbing last (regression: process came first, setup and import 7th and 8th)", async () => {
    const help = await helpOf([]);
    const groups = [...help.matchAll(/^(\S[^\n]*):\n((?: {2}\S[^\n]*\n)+)/gm)]
      .filter(([, heading]) => heading !== "Usage" && heading !== "Options" && heading !== "Examples")
      .map(([, heading, lines]) => [
        heading,
        (lines ?? "")
          .split("\n")
          .filter(Boolean)
          .map((l) => l.trim().split(" ")[0]),
      ]);
    expect(groups).toEqual([
      ["Getting started", ["setup", "import", "doctor", "list"]],
      ["Daily", ["exec", "env", "login"]],
      ["Keys", ["rotate", "clear"]],
      ["Plumbing", ["process", "completion", "help"]],
    ]);
  });

  it.each(["process", "setup", "import", "list", "clear", "doctor", "exec", "env", "rotate", "login"])(
    "aws-op %s --help shows examples of that command",
    async (command) => {
      const help = await helpOf([command]);
      expect(help).toContain("Examples:");
      expect(help).toContain(command === "process" ? "process --profile" : `aws-op ${command}`);
    },
  );
});
