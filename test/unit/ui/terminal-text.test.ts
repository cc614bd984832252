import { firstControlCharacter } from "../../helpers/terminal.js";
import { describe, expect, it } from "vitest";
import { escapeForTerminal, jsonForTerminal, quoted } from "../../../src/ui/terminal-text.js";

describe("text from items and config shown on a terminal", () => {
  it.each([
    ["\u001b[2J", "\\x1b[2J"],
    ["a\rb", "a\\rb"],
    ["tab\there", "tab\\there"],
    ["bell\u0007", "bell\\x07"],
    ["csi\u009b31m", "csi\\x9b31m"],
    ["del\u007f", "del\\x7f"],
    ["bidi\u202eevil", "bidi\\u202eevil"],
    ["line\nbreak", "line\\nbreak"],
  ])("escapes %j as %j", (raw, shown) => {
    expect(escapeForTerminal(raw)).toBe(shown);
  });

  it("leaves ordinary text alone, non-ASCII letters and ✓ included", () => {
    for (const text of ["AWS work", 'Work & Play "Ω"', "ünï 中文 ✓", "arn:aws:iam::123456789012:mfa/ann"]) {
      expect(escapeForTerminal(text)).toBe(text);
    }
  });

  it("JSON for a terminal escapes C1 controls and bidi overrides too, and still parses back", () => {
    const value = { a: "x\u009b2J\u202e\u001b" };
    const json = jsonForTerminal(value);
    expect(firstControlCharacter(json)).toBeUndefined();
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe("quoted: a name aws-op did not choose, as a message quotes it", () => {
  it.each([
    ["AWS work", '"AWS work"'],
    // Once, and unambiguous when the name holds quotes or backslashes (regression: "AWS "prod" / eu").
    ['AWS "prod" / eu', '"AWS \\"prod\\" / eu"'],
    ["C:\\keys", '"C:\\\\keys"'],
    ['"', '"\\""'],
  ])("%s -> %s", (name, shown) => {
    expect(quoted(name)).toBe(shown);
  });

  it("still reaches the terminal through escapeForTerminal: no control character survives, a backslash of the name shows doubled", () => {
    const shown = escapeForTerminal(`item ${quoted("AWS \u001b]0;x\u0007 \u009b2J \u202eprod\nnext \\x1b")}`);
    expect(firstControlCharacter(shown)).toBeUndefined();
    expect(shown).toBe('item "AWS \\x1b]0;x\\x07 \\x9b2J \\u202eprod\\nnext \\\\x1b"');
  });
});
