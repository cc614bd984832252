// The credential_process line must give the same argument list to every parser that runs it: botocore's POSIX
// shlex split, botocore's Windows split, /bin/sh -c (JS, Go, Java SDKs) and cmd.exe /C. The splitters below are
// small independent references written from the parsers' documentation; POSIX results are also checked against
// real python3 shlex and a real `sh -c`, Windows results against botocore's own _windows_shell_split. Before any
// split, the AWS SDK for Go's INI reader reads the value: both of its generations are modelled below (the older one
// also runs for real in test/e2e/go-ruby-sdks.test.ts).
import { spawnSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildCredentialProcessLine,
  parseCredentialProcessLine,
  requireQuotableProfileName,
  shellWordForDisplay,
} from "../../../src/config/command-line.js";
import { splitPosix, splitWindows } from "../../../src/config/shell-split.js";
import { UserError } from "../../../src/errors.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

/** Reference: POSIX shell / shlex word splitting (no expansions: the lines we accept contain none). */
function referencePosix(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? "";
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && (line[i + 1] === '"' || line[i + 1] === "\\")) word = (word ?? "") + (line[++i] ?? "");
      else word += c;
    } else if (c === " " || c === "\t") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= "";
    } else if (c === "\\") {
      word = (word ?? "") + (line[++i] ?? "");
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote) throw new Error("unclosed quote");
  if (word !== undefined) words.push(word);
  return words;
}

/** Reference: the Microsoft C runtime rules (2N backslashes + quote = N backslashes and a quote toggle, ...). */
function referenceWindows(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quoted = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i] ?? "";
    if (c === "\\") {
      let n = 0;
      while (line[i] === "\\") {
        n++;
        i++;
      }
      if (line[i] === '"') {
        word = (word ?? "") + "\\".repeat(Math.floor(n / 2));
        if (n % 2 === 1) {
          word += '"';
          i++;
        }
      } else {
        word = (word ?? "") + "\\".repeat(n);
      }
      continue;
    }
    if (c === '"') {
      quoted = !quoted;
      word ??= "";
    } else if ((c === " " || c === "\t") && !quoted) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + c;
    }
    i++;
  }
  if (quoted) throw new Error("unclosed quote");
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * Reference: cmd.exe /C as Node's exec and the SDKs start it (`cmd.exe /d /s /c "LINE"`: the outer quotes are
 * stripped). cmd then expands %VAR% anywhere and !VAR! with delayed expansion, treats & | < > ^ ( ) as operators
 * outside quotes, and hands the line to the program, which splits it with the C runtime rules.
 */
function referenceCmd(line: string): string[] {
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    if (c === "%" || c === "!") throw new Error(`cmd expands ${c}`);
    if (!quoted && "&|<>^()".includes(c)) throw new Error(`cmd operator ${c} outside quotes`);
  }
  return referenceWindows(line);
}

/**
 * Reference: the value the AWS SDK for Go v2's INI reader (config >= 1.25, internal/ini tokenize.go + strings.go)
 * hands to `sh -c`: cut at the first `#` or `;`, trailing blanks trimmed, one layer of surrounding quotes removed,
 * then `\"`, `\'` and `\n` unescaped.
 */
function referenceGoValue(line: string): string {
  let value = line.split("#")[0] ?? "";
  value = (value.split(";")[0] ?? "").replace(/[ \t]+$/, "");
  const wrapped = value.length > 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0];
  if (wrapped) value = value.slice(1, -1);
  return value.replaceAll('\\"', '"').replaceAll("\\'", "'").replaceAll("\\n", "\n");
}

/**
 * Reference: the older Go INI lexer (aws-sdk-go v1, aws-sdk-go-v2 config < 1.25): a value that starts with `"` is
 * one quoted-string token, and the rest of the line is dropped.
 */
function referenceOldGoValue(line: string): string {
  if (!line.startsWith('"')) return line;
  const end = line.indexOf('"', 1);
  return end < 0 ? line : line.slice(1, end);
}

const awkwardChar = fc.constantFrom(..." _-.@+=,:/'&|;<>()[]{}*?~#^ñΩé中\\\"$`%!\t".split(""), "a", "b", "Z", "0");
const awkwardString = fc.array(awkwardChar, { minLength: 1, maxLength: 16 }).map((cs) => cs.join(""));

function tryBuild(
  profile: string,
  nodePath = "/usr/bin/node",
  cliPath = "/opt/aws op/dist/cli.js",
): string | undefined {
  try {
    return buildCredentialProcessLine({ nodePath, cliPath, profile });
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return undefined;
  }
}

describe("credential_process line", () => {
  it("is the node path, the script path, then process --profile NAME, each bare when it can be", () => {
    expect(buildCredentialProcessLine({ nodePath: "/usr/bin/node", cliPath: "/x/cli.js", profile: "work" })).toBe(
      "/usr/bin/node /x/cli.js process --profile work",
    );
    expect(buildCredentialProcessLine({ nodePath: "/n", cliPath: "/c.js", profile: "my team's prod" })).toBe(
      '/n /c.js process --profile "my team\'s prod"',
    );
  });

  it("regression: never starts with a quote (the older Go SDK read the line as the node path alone)", () => {
    const line = buildCredentialProcessLine({
      nodePath: "/Users/Ann Lee/.nvm/versions/node/v24.1.0/bin/node",
      cliPath: "/Users/Ann Lee/lib/node_modules/aws-op/dist/cli.js",
      profile: "work",
    });
    expect(line).toBe(
      '/"Users/Ann Lee/.nvm/versions/node/v24.1.0/bin/node" /"Users/Ann Lee/lib/node_modules/aws-op/dist/cli.js" ' +
        "process --profile work",
    );
    expect(referenceOldGoValue(line)).toBe(line);
    expect(referenceGoValue(line)).toBe(line);
  });

  it("gives the same argument list to shlex, sh, the Windows split and cmd.exe for every name it accepts", () => {
    fc.assert(
      fc.property(awkwardString, awkwardString, (profile, dir) => {
        const cliPath = `/home/${dir}/cli.js`;
        const line = tryBuild(profile, "/usr/bin/node", cliPath);
        if (line === undefined) return;
        const expected = ["/usr/bin/node", cliPath, "process", "--profile", profile];
        expect(referencePosix(line)).toEqual(expected);
        expect(splitPosix(line)).toEqual(expected);
        expect(referenceWindows(line)).toEqual(expected);
        expect(splitWindows(line)).toEqual(expected);
        expect(referenceCmd(line)).toEqual(expected);
        // Both Go INI readers hand sh the line unchanged.
        expect(referenceGoValue(line)).toBe(line);
        expect(referenceOldGoValue(line)).toBe(line);
      }),
      { numRuns: 3000 },
    );
  });

  it("accepts Windows paths with single backslashes and spaces, and they split the same everywhere", () => {
    const nodePath = "C:\\Program Files\\nodejs\\node.exe";
    const cliPath = "C:\\Users\\Ann Lee\\AppData\\Roaming\\npm\\node_modules\\aws-op\\dist\\cli.js";
    const line = buildCredentialProcessLine({ nodePath, cliPath, profile: "dev team" });
    const expected = [nodePath, cliPath, "process", "--profile", "dev team"];
    expect(referenceWindows(line)).toEqual(expected);
    expect(referenceCmd(line)).toEqual(expected);
    expect(referencePosix(line)).toEqual(expected);
  });

  it.each([
    ['a"b', "double quote"],
    ["a$b", "/bin/sh expands"],
    ["a`b", "/bin/sh expands"],
    ["a%PATH%", "cmd.exe expands"],
    ["a!b", "cmd.exe expands"],
    ["a#b", "AWS SDK for Go"],
    ["a;b", "AWS SDK for Go"],
    ["team #2", "AWS SDK for Go"],
    ["a\\'b", "AWS SDK for Go"],
    ["a\\nb", "AWS SDK for Go"],
    ["a\\\\b", "backslash"],
    ["trailing\\", "backslash"],
    ["line\nbreak", "control character"],
    ["tab\there", "control character"],
    ["-x", 'starts with "-"'],
  ])("refuses the profile name %j with a UserError naming why (%s)", (profile, why) => {
    expect(() => requireQuotableProfileName(profile)).toThrow(UserError);
    expect(() => requireQuotableProfileName(profile)).toThrow(why);
  });

  it("the single executable's line is its path alone, then process --profile NAME", () => {
    expect(buildCredentialProcessLine({ executablePath: "/usr/local/bin/aws-op", profile: "work" })).toBe(
      "/usr/local/bin/aws-op process --profile work",
    );
    const spaced = buildCredentialProcessLine({ executablePath: "/home/Ann Lee/bin/aws-op", profile: "a b" });
    expect(spaced).toBe('/"home/Ann Lee/bin/aws-op" process --profile "a b"');
    const expected = ["/home/Ann Lee/bin/aws-op", "process", "--profile", "a b"];
    expect(referencePosix(spaced)).toEqual(expected);
    expect(referenceWindows(spaced)).toEqual(expected);
    expect(referenceOldGoValue(spaced)).toBe(spaced);
    expect(parseCredentialProcessLine(spaced, "linux")).toEqual({ argv: expected, isAwsOp: true, profile: "a b" });
    expect(() => buildCredentialProcessLine({ executablePath: "aws-op", profile: "w" })).toThrow(
      'The aws-op executable path "aws-op" is not absolute.',
    );
    expect(() => buildCredentialProcessLine({ executablePath: "/a$b/aws-op", profile: "w" })).toThrow(UserError);
  });

  it("refuses a relative node path and a path with a double quote", () => {
    expect(() => buildCredentialProcessLine({ nodePath: "node", cliPath: "/c.js", profile: "w" })).toThrow(
      "not absolute",
    );
    expect(() => buildCredentialProcessLine({ nodePath: '/a"b/node', cliPath: "/c.js", profile: "w" })).toThrow(
      UserError,
    );
  });

  it("reads back the profile and paths of a line it wrote, on POSIX and Windows", () => {
    const line = buildCredentialProcessLine({ nodePath: "/usr/bin/node", cliPath: "/x/dist/cli.js", profile: "a b" });
    expect(parseCredentialProcessLine(line, "linux")).toEqual({
      argv: ["/usr/bin/node", "/x/dist/cli.js", "process", "--profile", "a b"],
      isAwsOp: true,
      profile: "a b",
    });
    expect(parseCredentialProcessLine("aws-op process --profile=w", "win32")?.profile).toBe("w");
    expect(parseCredentialProcessLine('"/x', "linux")).toBeUndefined();
  });
});

const python = spawnSync("python3", ["-c", "import botocore"], { encoding: "utf8" });
const hasPython = python.status === 0;

describe.skipIf(!hasPython)("against the real parsers", () => {
  const names = [
    "work",
    "my team's prod",
    "a&b|c",
    "x (y) <z>",
    "ünï Ω 中文",
    "tilde~ star* q?",
    "caret^ brace{}",
    "a\\b",
    "under_score.dot-dash@at+plus=eq,comma:colon/slash",
  ];
  const dir = makeTempDir("aws op 'quote' ");
  const lines = names.map((profile) => ({
    profile,
    line: buildCredentialProcessLine({ nodePath: join(dir, "argv-printer"), cliPath: join(dir, "cli.js"), profile }),
  }));

  it("python3 shlex.split and botocore's Windows split agree with the references", () => {
    const script =
      "import json,sys,shlex\nfrom botocore.compat import _windows_shell_split as w\n" +
      "lines=json.loads(sys.stdin.read())\nprint(json.dumps([[shlex.split(l), w(l)] for l in lines]))";
    const result = spawnSync("python3", ["-c", script], {
      input: JSON.stringify(lines.map((l) => l.line)),
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    const parsed = JSON.parse(result.stdout) as [string[], string[]][];
    lines.forEach(({ profile, line }, i) => {
      const expected = [join(dir, "argv-printer"), join(dir, "cli.js"), "process", "--profile", profile];
      expect(parsed[i]?.[0]).toEqual(expected);
      expect(parsed[i]?.[1]).toEqual(expected);
      expect(referencePosix(line)).toEqual(expected);
    });
  });

  it("a real sh -c runs the program with exactly these arguments", () => {
    const printer = join(dir, "argv-printer");
    writeFileSync(printer, '#!/bin/sh\nfor a in "$@"; do printf \'%s\\0\' "$a"; done\n');
    chmodSync(printer, 0o755);
    for (const { profile, line } of lines) {
      const result = spawnSync("/bin/sh", ["-c", line], { encoding: "utf8" });
      expect(result.status).toBe(0);
      expect(result.stdout.split("\0").slice(0, -1)).toEqual([join(dir, "cli.js"), "process", "--profile", profile]);
    }
  });
});

describe("commands shown to copy into a shell", () => {
  it("quote a profile name as one word that a real sh reads back unchanged (regression: 'my carol' was two words)", () => {
    expect(shellWordForDisplay("work")).toBe("work");
    expect(shellWordForDisplay("my carol")).toBe("'my carol'");
    for (const word of ["my carol", "bob's", "a&b;c", "$HOME `id`", "a\\b", "ünï"]) {
      const result = spawnSync("/bin/sh", ["-c", `printf '%s' ${shellWordForDisplay(word)}`], { encoding: "utf8" });
      expect(result.stdout).toBe(word);
    }
  });
});
