import { firstControlCharacter } from "../../helpers/terminal.js";
import { describe, expect, it } from "vitest";
import { escapeForTerminal, jsonForTerminal } from "../../../src/ui/terminal-text.js";

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
