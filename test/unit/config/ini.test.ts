import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it, expect } from "vitest";
import { IniEditError, IniSyntaxError, parseIni, type IniDocument } from "../../../src/config/ini.js";
import { configSectionName, credentialsSectionName, profileFromConfigSection } from "../../../src/config/names.js";
import { UserError } from "../../../src/errors.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";
import { thrownBy } from "../../helpers/thrown.js";

const realisticConfig = `# ~/.aws/config — managed partly by aws-op, partly by hand.
; Keep the region in the default profile.

[default]
region = eu-west-1
output = json  # inline comments are part of the value for botocore
cli_pager =

s3 =
  max_concurrent_requests = 20
  # a comment inside the sub-section
  multipart_threshold = 64MB

[profile work]
credential_process = aws-op process --item "AWS work" --vault Private
region=us-east-1
role_session_name : alice

# The admin role, assumed from work.
[profile admin]
source_profile = work
role_arn = arn:aws:iam::123456789012:role/Admin
  mfa_serial = arn:aws:iam::123456789012:mfa/alice

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_registration_scopes = sso:account:access

[services local-dynamo]
dynamodb =
  endpoint_url = http://localhost:8000
`;

const realisticCredentials = `[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

; legacy
[work]
aws_access_key_id=AKIAI44QH8DHBEXAMPLE
aws_secret_access_key=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY
aws_session_token =
`;

const corpus: Record<string, string> = {
  "a realistic config file": realisticConfig,
  "a realistic credentials file": realisticCredentials,
  "a config file with CRLF line ends": realisticConfig.replace(/\n/g, "\r\n"),
  "a config file with mixed line ends": realisticConfig.replace(/\n\[/g, "\r\n[").replace("eu-west-1\n", "eu-west-1\r"),
  "a config file with a UTF-8 BOM": `\ufeff${realisticConfig}`,
  "a credentials file without a final newline": realisticCredentials.trimEnd(),
  "an empty file": "",
  "a file that is only a BOM": "\ufeff",
  "a file of blank lines and comments": "\n\n# nothing here\n  ; really\n\r\n",
  "duplicate sections and keys": "[a]\nk = 1\nk = 2\n[b]\n[a]\nk = 3\n",
  "keys before any section": "top = level\n\n[a]\nk = v\n",
  "tabs and whitespace around separators": "[a]\n\tk\t=\tv\t\n  j :   w   \n",
  "a header with a trailing comment": "[profile x] # the x account\nk = v\n",
};

function doc(text: string): IniDocument {
  return parseIni(text);
}

describe("parseIni keeps every byte", () => {
  it.each(Object.entries(corpus))("returns %s unchanged from toString()", (_name, text) => {
    expect(parseIni(text).toString()).toBe(text);
  });
});

describe("parseIni reads values the way botocore does", () => {
  it("reads the realistic config file", () => {
    const d = doc(realisticConfig);
    expect(d.sectionNames()).toEqual([
      "default",
      "profile work",
      "profile admin",
      "sso-session corp",
      "services local-dynamo",
    ]);
    expect(d.getSection("default")).toEqual({
      region: "eu-west-1",
      output: "json  # inline comments are part of the value for botocore",
      cli_pager: "",
    });
    expect(d.getSubsection("default", "s3")).toEqual({ max_concurrent_requests: "20", multipart_threshold: "64MB" });
    expect(d.getSection("profile work")).toEqual({
      credential_process: 'aws-op process --item "AWS work" --vault Private',
      region: "us-east-1",
      role_session_name: "alice",
    });
    expect(d.get("profile admin", "role_arn")).toBe(
      "arn:aws:iam::123456789012:role/Admin\nmfa_serial = arn:aws:iam::123456789012:mfa/alice",
    );
    expect(d.getSubsection("services local-dynamo", "dynamodb")).toEqual({ endpoint_url: "http://localhost:8000" });
  });

  const cases: { name: string; text: string; section: string; expected: Record<string, string> | undefined }[] = [
    {
      name: "keeps inline comments in values",
      text: "[a]\nk = v # c\nj = w ; d\n",
      section: "a",
      expected: { k: "v # c", j: "w ; d" },
    },
    {
      name: "splits on the first = or :",
      text: "[a]\nk = b:c\nj: b=c\n",
      section: "a",
      expected: { k: "b:c", j: "b=c" },
    },
    {
      name: "lower-cases and strips key names",
      text: "[a]\n  Region  =  us-east-1  \n",
      section: "a",
      expected: { region: "us-east-1" },
    },
    { name: "reads an empty value", text: "[a]\nk =\nj=\n", section: "a", expected: { k: "", j: "" } },
    {
      name: "merges duplicate sections, later keys win",
      text: "[a]\nk = 1\nj = 1\n[b]\nx = 1\n[a]\nk = 2\n",
      section: "a",
      expected: { k: "2", j: "1" },
    },
    { name: "lets the last duplicate key win", text: "[a]\nk = 1\nk = 2\n", section: "a", expected: { k: "2" } },
    {
      name: "appends continuation lines with a newline",
      text: "[a]\nk = one\n  two\n\ttwo and a half\nj = 3\n",
      section: "a",
      expected: { k: "one\ntwo\ntwo and a half", j: "3" },
    },
    {
      name: "keeps blank lines inside a continuation and drops trailing ones",
      text: "[a]\nk = one\n\n  two\n\n\nj = 3\n",
      section: "a",
      expected: { k: "one\n\ntwo", j: "3" },
    },
    {
      name: "skips comment lines inside a continuation",
      text: "[a]\nk = one\n# note\n  two\n",
      section: "a",
      expected: { k: "one\ntwo" },
    },
    {
      name: "reads an indented header after a key as a continuation",
      text: "[a]\nk = v\n  [b]\nj = w\n",
      section: "a",
      expected: { k: "v\n[b]", j: "w" },
    },
    {
      name: "reads keys indented under their header",
      text: "[a]\n  k = 1\n  j = 2\n    more\n",
      section: "a",
      expected: { k: "1", j: "2\nmore" },
    },
    { name: "trims the section name", text: "[  a  ]\nk = v\n", section: "a", expected: { k: "v" } },
    { name: "allows text after the closing ]", text: "[a] # comment\nk = v\n", section: "a", expected: { k: "v" } },
    {
      name: "reads the section name up to the last ]",
      text: "[a]b] ; c\nk = v\n",
      section: "a]b",
      expected: { k: "v" },
    },
    {
      name: "indents sections by any amount",
      text: "[a]\nk = v\n[b]\n  [c]\nj = w\n",
      section: "c",
      expected: { j: "w" },
    },
    {
      name: "reads a line starting with [ and holding = as a key",
      text: "[a]\n[weird = x\n",
      section: "a",
      expected: { "[weird": "x" },
    },
    { name: "ignores a BOM", text: "\ufeff[a]\nk = v\n", section: "a", expected: { k: "v" } },
    { name: "ends lines at a lone CR", text: "[a]\rk = v\r  w\rj = x", section: "a", expected: { k: "v\nw", j: "x" } },
    {
      name: "leaves sub-section keys out of getSection",
      text: "[a]\ns3 =\n  x = 1\nk = v\n",
      section: "a",
      expected: { k: "v" },
    },
    {
      name: 'keeps keys before the first section under the name ""',
      text: "top = 1\n[a]\nk = v\n",
      section: "",
      expected: { top: "1" },
    },
    {
      name: 'has no section "" without keys before the first header',
      text: "# hi\n[a]\n",
      section: "",
      expected: undefined,
    },
    { name: "returns undefined for an absent section", text: "[a]\n", section: "b", expected: undefined },
    { name: "reads a section with only comments as empty", text: "[a]\n# k = v\n", section: "a", expected: {} },
    {
      name: "keeps a key named __proto__ as a key",
      text: "[a]\n__proto__ = x\n",
      section: "a",
      expected: { ["__proto__"]: "x" },
    },
  ];
  it.each(cases)("$name", ({ text, section, expected }) => {
    const d = doc(text);
    const read = d.getSection(section);
    expect(read === undefined ? undefined : { ...read }).toEqual(expected);
    if (expected !== undefined) expect(Object.keys(read ?? {})).toEqual(Object.keys(expected));
    expect(d.hasSection(section)).toBe(expected !== undefined);
  });

  it("looks up keys case-insensitively", () => {
    expect(doc("[a]\nRegion = x\n").get("a", "REGION")).toBe("x");
  });

  it("lists section names once, in order of first appearance, without the text before the first header", () => {
    expect(doc("top = 1\n[b]\n[a]\n[b]\n[c]\n").sectionNames()).toEqual(["b", "a", "c"]);
  });

  it("reads a sub-section like botocore: keys keep their case, later keys win, only = separates", () => {
    const d = doc("[a]\ns3 =\n\n  Max_Concurrent = 1\n  # comment\n  x = a:b\n  x = 2\n\n");
    expect(d.getSubsection("a", "S3")).toEqual({ Max_Concurrent: "1", x: "2" });
    expect(d.get("a", "s3")).toBeUndefined();
  });

  it("has no sub-section for a key with a value of its own", () => {
    const d = doc("[a]\nk = v\n  x = 1\n");
    expect(d.getSubsection("a", "k")).toBeUndefined();
    expect(d.get("a", "k")).toBe("v\nx = 1");
  });

  it("lets a later plain key replace an earlier sub-section", () => {
    const d = doc("[a]\ns3 =\n  x = 1\ns3 = plain\n");
    expect(d.getSubsection("a", "s3")).toBeUndefined();
    expect(d.get("a", "s3")).toBe("plain");
  });

  it("reads an empty key with only blank lines after it as an empty value", () => {
    expect(doc("[a]\nk =\n\n\n[b]\n").getSection("a")).toEqual({ k: "" });
  });

  it("gives each key line of a section as written, from the key through its continuation lines, in every duplicate", () => {
    const d = doc("[a]\n  k = v\n\n# c\ns3 =\n  x = 1\n  # c\n  y = 2\n\nm = a\r\n  b\r\n[b]\nj = 1\n[a]\nk = w");
    expect(d.keyTexts("a")).toEqual([
      { key: "k", text: "k = v\n" },
      { key: "s3", text: "s3 =\n  x = 1\n  # c\n  y = 2\n" },
      { key: "m", text: "m = a\r\n  b\r\n" },
      { key: "k", text: "k = w" },
    ]);
    expect(d.keyTexts("none")).toEqual([]);
  });

  it.each([
    ["no key lines", "[a]\n# comment\n\n[b]\nk = v\n", true],
    ["a key line", "[a]\nk = v\n", false],
    ["a key line in one of its duplicates", "[a]\n[b]\n[a]\nk = v\n", false],
    ["no such section", "[b]\nk = v\n", true],
  ])("reports isSectionEmpty for a section with %s", (_name, text, expected) => {
    expect(doc(text).isSectionEmpty("a")).toBe(expected);
  });
});

describe("parseIni refuses what botocore cannot read", () => {
  it.each([
    { name: "a line without a separator", text: "[a]\nk = v\ngarbage without equals\n", line: 3 },
    { name: "an unterminated header", text: "[a]\n[unterminated\n", line: 2 },
    { name: "an empty header", text: "[a]\nk = v\n[]\n", line: 3 },
    { name: "a header with a blank name", text: "[ ]\n", line: 1 },
    { name: "a key without a name", text: "[a]\n = v\n", line: 2 },
    { name: "a sub-section line without =", text: "[a]\ns3 =\n  x = 1\n  oops\n", line: 4 },
    { name: "a sub-section line without = after a vertical tab", text: "[a]\ns3 =\n  x = 1\u000boops\n", line: 3 },
    { name: "a bad line before any section", text: "nonsense\n[a]\n", line: 1 },
    { name: "a bad line after CRLF line ends", text: "[a]\r\nk = v\r\n\r\nbad\r\n", line: 4 },
    { name: "a bad line after lone CR line ends", text: "[a]\rk = v\rbad\r", line: 3 },
  ])("throws IniSyntaxError with the line number for $name", ({ text, line }) => {
    const error = thrownBy(() => parseIni(text));
    expect(error).toBeInstanceOf(IniSyntaxError);
    expect((error as IniSyntaxError).line).toBe(line);
    expect((error as IniSyntaxError).message).toMatch(new RegExp(`^line ${line}: expected `));
  });

  it("names what was expected", () => {
    expect(() => parseIni("[a]\nk = v\n\n\n\n\ngarbage without equals\n")).toThrow(
      'line 7: expected "key = value", a [section] header or a comment',
    );
  });

  it("never quotes the offending line, which could be a secret", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    for (const text of [`[a]\n${secret}\n`, `[${secret}\n`, `[a]\ns3 =\n  ${secret}\n`, ` = ${secret}`]) {
      expect(() => parseIni(text)).toThrow(IniSyntaxError);
      expect(String(thrownBy(() => parseIni(text)))).not.toContain(secret.slice(0, 8));
    }
  });
});

type Edit = (d: IniDocument) => void;
interface EditCase {
  name: string;
  before: string;
  edit: Edit;
  after: string;
}

function runEditCases(cases: EditCase[]): void {
  it.each(cases)("$name", ({ before, edit, after }) => {
    const d = doc(before);
    edit(d);
    expect(d.toString()).toBe(after);
    expect(parseIni(after).toString()).toBe(after);
  });
}

describe("set", () => {
  runEditCases([
    {
      name: "replaces a value, keeping the comments and other lines",
      before: "# top\n[a]\nk = old # c\nj = 1\n",
      edit: (d) => d.set("a", "k", "new"),
      after: "# top\n[a]\nk = new\nj = 1\n",
    },
    {
      name: "keeps indentation, key spelling and separator spacing",
      before: "[a]\n  Region:\tus-east-1  \n",
      edit: (d) => d.set("a", "region", "eu-west-1"),
      after: "[a]\n  Region:\teu-west-1  \n",
    },
    {
      name: "keeps the line's CRLF line end",
      before: "[a]\r\nk = old\r\n",
      edit: (d) => d.set("a", "k", "new"),
      after: "[a]\r\nk = new\r\n",
    },
    {
      name: "fills an empty value with a space when the separator has one before it",
      before: "[a]\nk =\nj=\n",
      edit: (d) => {
        d.set("a", "k", "1");
        d.set("a", "j", "2");
      },
      after: "[a]\nk = 1\nj=2\n",
    },
    {
      name: "empties a value without leaving trailing spaces",
      before: "[a]\nk = v\n",
      edit: (d) => d.set("a", "k", ""),
      after: "[a]\nk =\n",
    },
    {
      name: "replaces the last occurrence and removes the other duplicates, across duplicate sections",
      before: "[a]\nk = 1\nx = 1\n[b]\nk = b\n[a]\nk = 2\ny = 1\nK = 3\n",
      edit: (d) => d.set("a", "k", "new"),
      after: "[a]\nx = 1\n[b]\nk = b\n[a]\ny = 1\nK = new\n",
    },
    {
      name: "replaces a value with continuation lines, removing them",
      before: "[a]\nk = one\n  two\n# kept? no: inside the block\n  three\n# after\nj = 1\n",
      edit: (d) => d.set("a", "k", "v"),
      after: "[a]\nk = v\n# after\nj = 1\n",
    },
    {
      name: "replaces a sub-section with a plain value",
      before: "[a]\ns3 =\n  x = 1\nj = 1\n",
      edit: (d) => d.set("a", "s3", "v"),
      after: "[a]\ns3 = v\nj = 1\n",
    },
    {
      name: "adds a key after the last key line, before the section's trailing comments and blank lines",
      before: "[a]\nk = 1\n\n# about b\n[b]\nx = 1\n",
      edit: (d) => d.set("a", "new", "v"),
      after: "[a]\nk = 1\nnew = v\n\n# about b\n[b]\nx = 1\n",
    },
    {
      name: "adds a key after the continuation lines of the last key",
      before: "[a]\ns3 =\n  x = 1\n\n[b]\n",
      edit: (d) => d.set("a", "region", "us-east-1"),
      after: "[a]\ns3 =\n  x = 1\nregion = us-east-1\n\n[b]\n",
    },
    {
      name: "adds a key with the indentation of the section's last key",
      before: "[a]\n    k = 1\n",
      edit: (d) => d.set("a", "j", "2"),
      after: "[a]\n    k = 1\n    j = 2\n",
    },
    {
      name: "adds a key right after the header of an empty section",
      before: "[a]\n# nothing yet\n\n[b]\n",
      edit: (d) => d.set("a", "k", "v"),
      after: "[a]\nk = v\n# nothing yet\n\n[b]\n",
    },
    {
      name: "adds a key to the last occurrence of a duplicated section",
      before: "[a]\nk = 1\n[a]\nj = 1\n",
      edit: (d) => d.set("a", "new", "v"),
      after: "[a]\nk = 1\n[a]\nj = 1\nnew = v\n",
    },
    {
      name: "adds a key at the end of a file without a final newline",
      before: "[a]\nk = 1",
      edit: (d) => d.set("a", "j", "2"),
      after: "[a]\nk = 1\nj = 2\n",
    },
    {
      name: "adds a key with the file's CRLF line end",
      before: "[a]\r\nk = 1\r\n[b]\r\n",
      edit: (d) => d.set("a", "j", "2"),
      after: "[a]\r\nk = 1\r\nj = 2\r\n[b]\r\n",
    },
    {
      name: "indents a key added to an empty section so that an indented next header stays a header",
      before: "[a]\n  [b]\nx = 1\n",
      edit: (d) => d.set("a", "k", "v"),
      after: "[a]\n  k = v\n  [b]\nx = 1\n",
    },
    {
      name: "appends a missing section after a blank line",
      before: "[a]\nk = 1\n",
      edit: (d) => d.set("profile b", "region", "us-east-1"),
      after: "[a]\nk = 1\n\n[profile b]\nregion = us-east-1\n",
    },
    {
      name: "appends a missing section to a file without a final newline",
      before: "[a]\nk = 1",
      edit: (d) => d.set("b", "k", "v"),
      after: "[a]\nk = 1\n\n[b]\nk = v\n",
    },
    {
      name: "appends a missing section with CRLF line ends in a CRLF file",
      before: "[a]\r\nk = 1\r\n",
      edit: (d) => d.set("b", "k", "v"),
      after: "[a]\r\nk = 1\r\n\r\n[b]\r\nk = v\r\n",
    },
    {
      name: "appends a missing section to an empty file without a blank line",
      before: "",
      edit: (d) => d.set("default", "region", "us-east-1"),
      after: "[default]\nregion = us-east-1\n",
    },
    {
      name: "appends a missing section after a BOM-only file, keeping the BOM",
      before: "\ufeff",
      edit: (d) => d.set("a", "k", "v"),
      after: "\ufeff[a]\nk = v\n",
    },
    {
      name: "does not add a second blank line when the file ends with one",
      before: "[a]\nk = 1\n\n",
      edit: (d) => d.set("b", "k", "v"),
      after: "[a]\nk = 1\n\n[b]\nk = v\n",
    },
    {
      name: "appends after a file of comments only",
      before: "# my config",
      edit: (d) => d.set("a", "k", "v"),
      after: "# my config\n\n[a]\nk = v\n",
    },
    {
      name: "writes an empty value as 'key ='",
      before: "",
      edit: (d) => d.set("a", "k", ""),
      after: "[a]\nk =\n",
    },
    {
      name: "changes nothing when the value is already set",
      before: "[a]\nk=v # c\n",
      edit: (d) => d.set("a", "k", "v # c"),
      after: "[a]\nk=v # c\n",
    },
  ]);

  it("reads back what it wrote", () => {
    const d = doc(realisticConfig);
    d.set("profile work", "region", "ap-south-1");
    d.set("profile new", "credential_process", "aws-op process --profile new");
    expect(d.get("profile work", "region")).toBe("ap-south-1");
    expect(d.get("profile new", "credential_process")).toBe("aws-op process --profile new");
    expect(d.getSubsection("default", "s3")).toEqual({ max_concurrent_requests: "20", multipart_threshold: "64MB" });
  });

  it.each([
    ["a line feed", "a\nb"],
    ["a carriage return", "a\rb"],
    ["a CRLF at the end", "a\r\n"],
    ["leading whitespace", " a"],
    ["trailing whitespace", "a\t"],
  ])("refuses a value with %s, changing nothing", (_name, value) => {
    const d = doc("[a]\nk = v\n");
    expect(() => d.set("a", "k", value)).toThrow(IniEditError);
    expect(d.toString()).toBe("[a]\nk = v\n");
  });

  it("names the key but never the refused value", () => {
    expect(() => doc("").set("a", "aws_secret_access_key", "s3cr3t\n")).toThrow(/"aws_secret_access_key"/);
    expect(String(thrownBy(() => doc("").set("a", "aws_secret_access_key", "s3cr3t\n")))).not.toContain("s3cr3t");
  });

  it.each(["", " k", "k=", "a:b", "#k", ";k", "[k", "k\nj"])("refuses the key name %j", (key) => {
    expect(() => doc("[a]\n").set("a", key, "v")).toThrow(IniEditError);
  });

  it.each(["", " a", "a\n", "a\r"])("refuses the section name %j", (section) => {
    expect(() => doc("[a]\n").set(section, "k", "v")).toThrow(IniEditError);
  });

  it("writes a section name holding ] and [ that reads back as itself", () => {
    const d = doc("");
    expect(() => d.set("a] x [b", "k", "v")).not.toThrow();
    expect(d.get("a] x [b", "k")).toBe("v");
  });
});

describe("setAll", () => {
  runEditCases([
    {
      name: "sets and deletes in one call, in order",
      before: "[a]\nk = 1\nold = x\n",
      edit: (d) => d.setAll("a", { k: "2", old: undefined, j: "3" }),
      after: "[a]\nk = 2\nj = 3\n",
    },
    {
      name: "creates a missing section with all its keys",
      before: "[a]\n",
      edit: (d) => d.setAll("b", { x: "1", y: "2" }),
      after: "[a]\n\n[b]\nx = 1\ny = 2\n",
    },
    {
      name: "does not create a section to delete from it",
      before: "[a]\n",
      edit: (d) => d.setAll("b", { x: undefined }),
      after: "[a]\n",
    },
  ]);

  it("changes nothing when one of the values is refused", () => {
    const d = doc("[a]\nk = 1\n");
    expect(() => d.setAll("a", { k: "2", j: "bad\nvalue" })).toThrow(IniEditError);
    expect(d.toString()).toBe("[a]\nk = 1\n");
    expect(d.get("a", "k")).toBe("1");
  });
});

describe("delete", () => {
  runEditCases([
    {
      name: "removes the key line, keeping comments around it",
      before: "[a]\n# about k\nk = 1\n# after\nj = 2\n",
      edit: (d) => d.delete("a", "k"),
      after: "[a]\n# about k\n# after\nj = 2\n",
    },
    {
      name: "removes every occurrence, in every duplicate of the section, case-insensitively",
      before: "[a]\nK = 1\n[b]\nk = b\n[a]\nk = 2\n",
      edit: (d) => d.delete("a", "k"),
      after: "[a]\n[b]\nk = b\n[a]\n",
    },
    {
      name: "removes continuation lines and a sub-section",
      before: "[a]\ns3 =\n  x = 1\n\n  y = 2\nk = v\n  more\n[b]\n",
      edit: (d) => {
        d.delete("a", "s3");
        d.delete("a", "k");
      },
      after: "[a]\n[b]\n",
    },
    {
      name: "removes the last line of a file without a final newline",
      before: "[a]\nk = 1\nj = 2",
      edit: (d) => d.delete("a", "j"),
      after: "[a]\nk = 1\n",
    },
    {
      name: "removes a key before the first section",
      before: "\ufefftop = 1\n[a]\n",
      edit: (d) => d.delete("", "top"),
      after: "\ufeff[a]\n",
    },
    {
      name: "changes nothing for an absent key or section",
      before: "[a]\nk = 1\n",
      edit: (d) => {
        expect(d.delete("a", "j")).toBe(false);
        expect(d.delete("b", "k")).toBe(false);
      },
      after: "[a]\nk = 1\n",
    },
  ]);

  it("reports whether it removed something", () => {
    expect(doc("[a]\nk = 1\n").delete("a", "k")).toBe(true);
  });
});

describe("removeSection", () => {
  runEditCases([
    {
      name: "removes the header and body up to the next header, keeping what precedes it",
      before: "# top\n[a]\nk = 1\n\n[b]\n# about b\nx = 1\n\n[c]\ny = 1\n",
      edit: (d) => d.removeSection("b"),
      after: "# top\n[a]\nk = 1\n\n[c]\ny = 1\n",
    },
    {
      name: "removes every occurrence",
      before: "[a]\nk = 1\n[b]\n[a]\nj = 2\n",
      edit: (d) => d.removeSection("a"),
      after: "[b]\n",
    },
    {
      name: "removes the last section of a file without a final newline",
      before: "[a]\r\nk = 1\r\n\r\n[b]\r\nx = 1",
      edit: (d) => d.removeSection("b"),
      after: "[a]\r\nk = 1\r\n\r\n",
    },
    {
      name: "removes a header with a trailing comment",
      before: "[a] # old\nk = 1\n",
      edit: (d) => d.removeSection("a"),
      after: "",
    },
    {
      name: "changes nothing for an absent section",
      before: "[a]\n",
      edit: (d) => expect(d.removeSection("b")).toBe(false),
      after: "[a]\n",
    },
  ]);

  it("refuses to remove a section when an indented header after it would become a continuation line", () => {
    const before = "[a]\nk = 1\n[b]\n  [c]\nx = 1\n";
    const d = doc(before);
    expect(() => d.removeSection("b")).toThrow(IniEditError);
    expect(d.toString()).toBe(before);
  });

  it("refuses the text before the first header", () => {
    expect(() => doc("k = 1\n[a]\n").removeSection("")).toThrow(IniEditError);
  });
});

describe("AWS section names", () => {
  it.each([
    ["default", "default", "default"],
    ["work", "profile work", "work"],
    ["my profile", 'profile "my profile"', "my profile"],
    ['quo"te\\s', 'profile "quo\\"te\\\\s"', 'quo"te\\s'],
  ])(
    "puts the profile %j in the config section %j and the credentials section of the same name",
    (profile, config, creds) => {
      expect(configSectionName(profile)).toBe(config);
      expect(credentialsSectionName(profile)).toBe(creds);
      expect(profileFromConfigSection(configSectionName(profile))).toBe(profile);
    },
  );

  it.each(["", " x", "x ", "a\nb", "a\rb"])("refuses the profile name %j", (profile) => {
    expect(() => configSectionName(profile)).toThrow(UserError);
    expect(() => credentialsSectionName(profile)).toThrow(UserError);
  });

  it.each([
    ["default", "default"],
    ["profile work", "work"],
    ["profile default", "default"],
    ["profile   spaced  ", "spaced"],
    ['profile "my profile"', "my profile"],
    ["profile 'single'", "single"],
    // botocore only checks the prefix before splitting the name into words.
    ["profiles work", "work"],
    ["profile", undefined],
    ["profile a b", undefined],
    ['profile "unclosed', undefined],
    ["sso-session corp", undefined],
    ["services local", undefined],
    ["plugins", undefined],
    ["Default", undefined],
    ["work", undefined],
  ])("reads the config section %j as the profile %j", (section, profile) => {
    expect(profileFromConfigSection(section)).toBe(profile);
  });
});

describe("duplicates, which botocore's configparser (strict) refuses", () => {
  const cases: [string, { sections: string[]; keys: { section: string; key: string }[] }][] = [
    ["[a]\nx = 1\n[b]\n[a]\ny = 2\n", { sections: ["a"], keys: [] }],
    ["[a]\nx = 1\nX = 2\n", { sections: [], keys: [{ section: "a", key: "x" }] }],
    ["[a]\nx = 1\n[a]\nx = 2\n", { sections: ["a"], keys: [] }],
    ['[profile a]\nx = 1\n[profile "a"]\nx = 2\n', { sections: [], keys: [] }],
    ["[a]\nx = 1\n  y = 2\n[b]\nx = 1\n", { sections: [], keys: [] }],
  ];

  it.each(cases)("finds them in %j", (text, expected) => {
    expect(parseIni(text).duplicates()).toEqual(expected);
  });

  it.skipIf(spawnSync("python3", ["-c", "import botocore"]).status !== 0)(
    "agrees with botocore: a file with duplicates is one it cannot parse",
    () => {
      const dir = makeTempDir("aws-op-dup-");
      const script =
        "import json, sys\nfrom botocore.configloader import raw_config_parse\nout = []\n" +
        "for p in json.load(sys.stdin):\n    try:\n        raw_config_parse(p); out.append(True)\n" +
        "    except Exception:\n        out.append(False)\nprint(json.dumps(out))";
      const paths = cases.map(([text], i) => {
        const path = join(dir, `c${i}`);
        writeFileSync(path, text);
        return path;
      });
      const result = spawnSync("python3", ["-c", script], { input: JSON.stringify(paths), encoding: "utf8" });
      expect(result.stderr).toBe("");
      expect(JSON.parse(result.stdout)).toEqual(cases.map(([, d]) => d.sections.length === 0 && d.keys.length === 0));
    },
  );
});

describe("lines and bracket lines (what section-headers.ts compares with other parsers)", () => {
  const text = "\ufeff; top\n[ a ]\r\nx = 1\n  [not a header]\r[b]\n\u00a0\ufeff[c] = 3\n";

  it("lists every line with its text, kind, line ends and section (the BOM is not part of line 1)", () => {
    expect(parseIni(text).lines()).toEqual([
      { number: 1, text: "; top", kind: "comment", eol: "\n", eolBefore: "", section: "" },
      { number: 2, text: "[ a ]", kind: "section", eol: "\r\n", eolBefore: "\n", section: "a" },
      { number: 3, text: "x = 1", kind: "key", eol: "\n", eolBefore: "\r\n", section: "a" },
      { number: 4, text: "  [not a header]", kind: "continuation", eol: "\r", eolBefore: "\n", section: "a" },
      { number: 5, text: "[b]", kind: "section", eol: "\n", eolBefore: "\r", section: "b" },
      { number: 6, text: "\u00a0\ufeff[c] = 3", kind: "key", eol: "\n", eolBefore: "\n", section: "b" },
    ]);
  });

  it("bracket lines are those starting with [ after whitespace or a BOM, whatever this parser takes them for", () => {
    expect(
      parseIni(text)
        .bracketLines()
        .map((l) => [l.number, l.kind]),
    ).toEqual([
      [2, "section"],
      [4, "continuation"],
      [5, "section"],
      [6, "key"],
    ]);
  });
});
