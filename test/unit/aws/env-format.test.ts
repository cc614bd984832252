import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseWithDotenv } from "dotenv";
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
} from "../../../src/aws/env-format.js";
import { UserError } from "../../../src/errors.js";
import { parseCmd, parseDotenv, parseFish, parsePowerShell } from "../../helpers/shell-parsers.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

const pythonDotenv = spawnSync("python3", ["-c", "import dotenv"]).status === 0;

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

  it("fish and PowerShell: any string parses back to itself (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (value) => {
        const credentials = { ...SESSION, secretAccessKey: value };
        expect(parseFish(formatEnvironment(credentials, "fish")).set.AWS_SECRET_ACCESS_KEY).toBe(value);
        expect(parsePowerShell(formatEnvironment(credentials, "powershell")).set.AWS_SECRET_ACCESS_KEY).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it("dotenv: a value is either refused or read back unchanged by the dotenv parsers (dotenv for Node, python-dotenv) and by a real sh running `set -a; . ./.env`, which never runs anything in it (regression: $(...) and backticks in double quotes ran) (property)", () => {
    const dir = makeTempDir("aws-op-dotenv-");
    const marker = join(dir, "ran");
    const payloads = [`$(touch ${marker})`, `\`touch ${marker}\``, `it's $(touch ${marker})`, `'; touch ${marker}; '`];
    const accepted: string[] = [];
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...NASTY, ...payloads), fc.string({ unit: "binary", maxLength: 40 })),
        (value) => {
          let text: string;
          try {
            text = formatEnvironment({ ...SESSION, secretAccessKey: value }, "dotenv");
          } catch (error) {
            expect(error).toBeInstanceOf(UserError);
            return;
          }
          accepted.push(value);
          expect(parseDotenv(text).set.AWS_SECRET_ACCESS_KEY).toBe(value);
          // dotenv for Node, the real parser.
          expect(parseWithDotenv(text).AWS_SECRET_ACCESS_KEY).toBe(value);
          const envFile = join(dir, ".env");
          writeFileSync(envFile, text);
          const result = spawnSync(
            "sh",
            ["-c", 'set -a; . "$1"; printf "%s" "$AWS_SECRET_ACCESS_KEY"', "sh", envFile],
            {
              encoding: "utf8",
            },
          );
          expect(result.stdout).toBe(value);
          expect(existsSync(marker)).toBe(false);
        },
      ),
      { numRuns: 150, examples: payloads.map((p) => [p]) },
    );
    expect(accepted.length).toBeGreaterThan(20);
    if (pythonDotenv) {
      const script =
        "import io, json, sys\nfrom dotenv import dotenv_values\n" +
        "print(json.dumps([dotenv_values(stream=io.StringIO(t))['AWS_SECRET_ACCESS_KEY'] for t in json.load(sys.stdin)]))";
      const texts = accepted.map((value) => formatEnvironment({ ...SESSION, secretAccessKey: value }, "dotenv"));
      const result = spawnSync("python3", ["-c", script], { input: JSON.stringify(texts), encoding: "utf8" });
      expect(result.stderr).toBe("");
      expect(JSON.parse(result.stdout)).toEqual(accepted);
    }
  });

  it("quotes each shell's way", () => {
    expect(quoteSh("a'b")).toBe(`'a'\\''b'`);
    expect(quoteFish("a'b\\c")).toBe(`'a\\'b\\\\c'`);
    expect(quotePowerShell("a'b\u2019c")).toBe(`'a''b\u2019\u2019c'`);
    expect(quoteDotenv("plain$x")).toBe(`'plain$x'`);
    expect(quoteCmdAssignment("X", "a&b|c<d>e^f")).toBe(`set "X=a&b|c<d>e^f"`);
  });

  it.each(["it's", "back\\slash", "line\nbreak", "cr\r"])(
    "dotenv refuses %j: no quoting means the same to sh and the dotenv parsers",
    (value) => {
      expect(() => quoteDotenv(value)).toThrow(UserError);
      expect(() => quoteDotenv(value)).toThrow("--format dotenv refuses it");
      expect(() => quoteDotenv(value)).toThrow(
        expect.objectContaining({ hint: expect.stringContaining("--format sh") }),
      );
    },
  );

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
        // No account known: a stale one from an earlier export must not stay next to these keys.
        "unset AWS_ACCOUNT_ID",
        "",
      ].join("\n"),
    );
  });

  it("exports AWS_ACCOUNT_ID when the account is known", () => {
    const sh = formatEnvironment({ ...SESSION, accountId: "123456789012" }, "sh", "eu-west-1");
    expect(sh).toContain("export AWS_ACCOUNT_ID='123456789012'\n");
    expect(sh).not.toContain("unset AWS_ACCOUNT_ID");
    expect(JSON.parse(formatEnvironment({ ...SESSION, accountId: "123456789012" }, "json"))).toHaveProperty(
      "AccountId",
      "123456789012",
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
