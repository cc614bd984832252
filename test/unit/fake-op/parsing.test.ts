import { describe, expect, it } from "vitest";
import { parseArgv } from "../../fake-op/argv.js";
import { formatErrorLine, formatLogTime } from "../../fake-op/errors.js";
import { parseSecretReference } from "../../fake-op/secret-reference.js";

describe("argv parsing (pflag rules)", () => {
  it.each([
    [["item", "get", "AWS work", "--format", "json"], ["item", "get", "AWS work"], { format: "json" }],
    [["item", "get", "--vault=Work", "x"], ["item", "get", "x"], { vault: "Work" }],
    [["inject", "-i", "in.tpl", "-oout"], ["inject"], { "in-file": "in.tpl", "out-file": "out" }],
    [["item", "create", "-", "--vault", "V"], ["item", "create", "-"], { vault: "V" }],
    [["read", "--", "--not-a-flag"], ["read", "--not-a-flag"], {}],
  ] as const)("%j", (argv, positionals, values) => {
    const parsed = parseArgv(argv);
    expect(parsed.positionals).toEqual(positionals);
    expect(Object.fromEntries(parsed.values)).toEqual(values);
  });

  it("reads boolean flags, short and long", () => {
    const parsed = parseArgv(["read", "-n", "--force=false", "op://a/b/c"]);
    expect(Object.fromEntries(parsed.booleans)).toEqual({ "no-newline": true, force: false });
  });

  it.each([
    [["item", "get", "--bogus"], "unknown flag: --bogus"],
    [["read", "-z"], "unknown shorthand flag: 'z' in -z"],
    [["item", "get", "x", "--vault"], "flag needs an argument: --vault"],
  ])("%j fails with %s", (argv, message) => {
    expect(() => parseArgv(argv)).toThrow(message);
  });
});

describe("secret references", () => {
  it("splits vault, item, optional section and field", () => {
    expect(parseSecretReference("op://Work/AWS work/AWS/aws_access_key_id")).toMatchObject({
      vault: "Work",
      item: "AWS work",
      section: "AWS",
      field: "aws_access_key_id",
    });
    expect(parseSecretReference("op://Work/AWS work/one-time password?attribute=otp")).toMatchObject({
      field: "one-time password",
      attribute: "otp",
    });
  });

  it.each([
    ["op://Work/Bob's key/password", "'"],
    ["op://Work/R&D/password", "&"],
    ["op://Work/Clé/password", "é"],
  ])("rejects %s at the character %s", (reference, character) => {
    expect(() => parseSecretReference(reference)).toThrow(
      `invalid secret reference '${reference}': invalid character in secret reference: '${character}'`,
    );
  });

  it("rejects references with too few parts", () => {
    expect(() => parseSecretReference("op://Work/item")).toThrow(/invalid secret reference/);
  });
});

describe("error lines", () => {
  it("use Go's log format in local time", () => {
    const date = new Date(2026, 2, 4, 9, 5, 7);
    expect(formatLogTime(date)).toBe("2026/03/04 09:05:07");
    expect(formatErrorLine("boom", date)).toBe("[ERROR] 2026/03/04 09:05:07 boom\n");
  });
});
