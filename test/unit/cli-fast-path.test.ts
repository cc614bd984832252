// The fast path of `aws-op process` (src/cli.ts fastProcessOptions): the argv that credential_process lines pass is
// parsed without commander. Wherever the fast path answers, it must give exactly the options commander would;
// anything unusual must fall back to commander.
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type * as ProcessCommand from "../../src/commands/process.js";
import type { ProcessOptions } from "../../src/commands/process.js";
import { parseArgv } from "./commands/argv-table.js";

// The fast path calls process.ts's run itself (no commander, no newCmdProcess): recorded here.
const received: ProcessOptions[] = [];
vi.mock("../../src/commands/process.js", async (importOriginal) => ({
  ...(await importOriginal<typeof ProcessCommand>()),
  run: async (options: ProcessOptions) => {
    received.push({ ...options });
    return "";
  },
}));

const { fastProcessOptions, main } = await import("../../src/cli.js");
const { newCmdProcess } = await import("../../src/commands/process.js");
type Context = Parameters<typeof main>[1];

function fakeContext(): Context {
  return { stdout: () => undefined, stderr: () => undefined } as unknown as Context;
}

/** The options commander hands to the `process` command's run for this argv (undefined: commander refused it). */
async function commanderOptions(argv: string[]): Promise<ProcessOptions | undefined> {
  const parsed = await parseArgv(newCmdProcess, argv);
  return parsed.error === undefined ? parsed.calls[0] : undefined;
}

describe("fastProcessOptions", () => {
  it.each([
    [["process", "--profile", "work"], { profile: "work" }],
    [["process", "--profile=work"], { profile: "work" }],
    [["process"], {}],
    [
      ["process", "--profile", "dev team", "--vault", 'Work & Play "Ω"', "--item", "AWS prod / eu"],
      { profile: "dev team", vault: 'Work & Play "Ω"', item: "AWS prod / eu" },
    ],
    [
      [
        "process",
        "--account=my",
        "--mfa-serial",
        "arn:aws:iam::123456789012:mfa/alice",
        "--session-duration",
        "12h",
        "--op-timeout=30",
        "--op-cli",
        "/mnt/c/op.exe",
      ],
      {
        account: "my",
        mfaSerial: "arn:aws:iam::123456789012:mfa/alice",
        sessionDuration: "12h",
        opTimeout: "30",
        opCli: "/mnt/c/op.exe",
      },
    ],
    [["process", "--item=a=b"], { item: "a=b" }],
  ])("%j gives %j, as commander does", async (argv, expected) => {
    expect(fastProcessOptions(argv)).toEqual(expected);
    expect(await commanderOptions(argv)).toEqual(expected);
  });

  it.each([
    [["process", "--help"]],
    [["process", "-h"]],
    [["--debug", "process", "--profile", "work"]],
    [["process", "--profile", "work", "--debug"]],
    [["process", "--profile"]],
    [["process", "--profile", "-x"]],
    [["process", "--profile="]],
    [["process", "--profile", "a", "--profile", "b"]],
    [["process", "work"]],
    [["process", "--region", "eu-west-1"]],
    [["process", "--Profile", "work"]],
    [["process", "--", "--profile", "work"]],
    [["process", "-V"]],
    [["list"]],
    [[]],
  ])("leaves %j to commander", (argv) => {
    expect(fastProcessOptions(argv)).toBeUndefined();
  });

  it("agrees with commander on every argv it accepts (property)", async () => {
    const flags = ["--profile", "--item", "--vault", "--account", "--mfa-serial", "--session-duration", "--op-timeout"];
    const value = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom("a=b", "x y", "-x", "", "ü"));
    const arg = fc.oneof(
      fc.tuple(fc.constantFrom(...flags), value).map(([flag, v]) => [flag, v]),
      fc.tuple(fc.constantFrom(...flags), value).map(([flag, v]) => [`${flag}=${v}`]),
      fc.constantFrom(["--debug"], ["extra"], ["--"], ["-h"]),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(arg, { maxLength: 4 }), async (parts) => {
        const argv = ["process", ...parts.flat()];
        const fast = fastProcessOptions(argv);
        if (fast !== undefined) expect(await commanderOptions(argv)).toEqual(fast);
      }),
      { numRuns: 300 },
    );
  });

  it("main serves the fast path through the same process command", async () => {
    received.length = 0;
    expect(await main(["process", "--profile", "work"], fakeContext())).toBe(0);
    expect(received).toEqual([{ profile: "work" }]);
  });
});
