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

  it.each(["process", "setup", "import", "list", "clear", "doctor", "exec", "env", "rotate", "login"])(
    "aws-op %s --help shows examples of that command",
    async (command) => {
      const help = await helpOf([command]);
      expect(help).toContain("Examples:");
      expect(help).toContain(command === "process" ? "process --profile" : `aws-op ${command}`);
    },
  );
});
