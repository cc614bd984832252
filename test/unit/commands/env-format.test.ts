import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AwsCredentials } from "../../../src/aws/credential-output.js";
import {
  formatEnvironment,
  quoteCmdAssignment,
  quoteDotenv,
  quoteFish,
  quotePowerShell,
  quoteSh,
} from "../../../src/commands/env-format.js";
import { UserError } from "../../../src/errors.js";
import { parseCmd, parseDotenv, parseFish, parsePowerShell } from "./shell-parsers.js";

const SESSION: AwsCredentials = {
  accessKeyId: "ASIAEXAMPLE000000001",
  secretAccessKey: "secret/with+base64=",
  sessionToken: "token",
  expiration: new Date("2026-11-25T13:00:00.000Z"),
};
const NASTY = [
  "a'b",
  'a"b',
  "$HOME",
  "%PATH%",
  "`id`",
  "back\\slash\\",
  "line\nbreak",
  "cr\r\nlf",
  "\u2019typographic\u2018",
  "''",
  "\\'",
  "",
  " leading and trailing ",
  "$(touch /tmp/x)",
  "!event",
];

describe("quoting: every value round-trips", () => {
  it.each(NASTY)("sh: %j survives a real sh", (value) => {
    const result = spawnSync("sh", ["-c", `x=${quoteSh(value)}; printf '%s' "$x"`], { encoding: "utf8" });
    expect(result.stdout).toBe(value);
  });

  it("sh: any string survives a real sh (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !s.includes("\0")),
        (value) => {
          const result = spawnSync("sh", ["-c", `x=${quoteSh(value)}; printf '%s' "$x"`], { encoding: "utf8" });
          return result.stdout === value;
        },
      ),
      { numRuns: 60 },
    );
  });

  it("fish, PowerShell and dotenv: any string parses back to itself (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (value) => {
        const credentials = { ...SESSION, secretAccessKey: value };
        expect(parseFish(formatEnvironment(credentials, "fish")).set.AWS_SECRET_ACCESS_KEY).toBe(value);
        expect(parsePowerShell(formatEnvironment(credentials, "powershell")).set.AWS_SECRET_ACCESS_KEY).toBe(value);
        expect(parseDotenv(formatEnvironment(credentials, "dotenv")).set.AWS_SECRET_ACCESS_KEY).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it("quotes each shell's way", () => {
    expect(quoteSh("a'b")).toBe(`'a'\\''b'`);
    expect(quoteFish("a'b\\c")).toBe(`'a\\'b\\\\c'`);
    expect(quotePowerShell("a'b\u2019c")).toBe(`'a''b\u2019\u2019c'`);
    expect(quoteDotenv("plain$x")).toBe(`'plain$x'`);
    expect(quoteDotenv("it's\n")).toBe(`"it's\\n"`);
    expect(quoteCmdAssignment("X", "a&b|c<d>e^f")).toBe(`set "X=a&b|c<d>e^f"`);
  });

  it.each(['a"b', "50%", "wow!", "a\nb"])("cmd refuses %j instead of mangling it", (value) => {
    expect(() => quoteCmdAssignment("AWS_SECRET_ACCESS_KEY", value)).toThrow(UserError);
  });
});

describe("formatEnvironment", () => {
  it("sh: the export-credentials names, region, and unsets the profile selectors", () => {
    expect(formatEnvironment(SESSION, "sh", "eu-west-1")).toBe(
      [
        "export AWS_ACCESS_KEY_ID='ASIAEXAMPLE000000001'",
        "export AWS_SECRET_ACCESS_KEY='secret/with+base64='",
        "export AWS_SESSION_TOKEN='token'",
        "export AWS_CREDENTIAL_EXPIRATION='2026-11-25T13:00:00Z'",
        "export AWS_REGION='eu-west-1'",
        "export AWS_DEFAULT_REGION='eu-west-1'",
        "unset AWS_PROFILE",
        "unset AWS_DEFAULT_PROFILE",
        "",
      ].join("\n"),
    );
  });

  it("long-term keys unset any stale session token and expiration", () => {
    const longTerm = { accessKeyId: "AKIA0000000000000001", secretAccessKey: "s" };
    const sh = formatEnvironment(longTerm, "sh");
    expect(sh).toContain("unset AWS_SESSION_TOKEN\n");
    expect(sh).toContain("unset AWS_CREDENTIAL_EXPIRATION\n");
    expect(parseFish(formatEnvironment(longTerm, "fish")).unset).toContain("AWS_SESSION_TOKEN");
    expect(parsePowerShell(formatEnvironment(longTerm, "powershell")).unset).toContain("AWS_SESSION_TOKEN");
    expect(parseCmd(formatEnvironment(longTerm, "cmd")).unset).toContain("AWS_SESSION_TOKEN");
  });

  it("json is the credential_process document", () => {
    expect(JSON.parse(formatEnvironment(SESSION, "json"))).toEqual({
      Version: 1,
      AccessKeyId: "ASIAEXAMPLE000000001",
      SecretAccessKey: "secret/with+base64=",
      SessionToken: "token",
      Expiration: "2026-11-25T13:00:00Z",
    });
  });

  it("cmd output parses back", () => {
    expect(parseCmd(formatEnvironment(SESSION, "cmd", "us-east-1")).set).toMatchObject({
      AWS_ACCESS_KEY_ID: "ASIAEXAMPLE000000001",
      AWS_SECRET_ACCESS_KEY: "secret/with+base64=",
      AWS_REGION: "us-east-1",
    });
  });
});
