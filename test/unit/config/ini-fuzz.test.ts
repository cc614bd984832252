// The config/credentials parser against arbitrary bytes: it never crashes with anything but IniSyntaxError, whose
// line number points into the file; what it accepts it gives back byte for byte.
import fc from "fast-check";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { IniSyntaxError, parseIni } from "../../../src/config/ini.js";
import { readAwsFile } from "../../../src/config/profile.js";
import { UserError } from "../../../src/errors.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";
import { thrownBy } from "../../helpers/thrown.js";

/** Lines as AWS tools count them (\n, \r\n or a lone \r end a line). */
function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

function checkText(text: string): void {
  try {
    const doc = parseIni(text);
    expect(doc.toString()).toBe(text);
  } catch (error) {
    if (!(error instanceof IniSyntaxError)) throw error;
    expect(Number.isInteger(error.line)).toBe(true);
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.line).toBeLessThanOrEqual(lineCount(text));
  }
}

// Bytes biased towards what matters to an INI parser.
const interesting = fc.constantFrom(
  ..."[]=:#; \t\r\n\\\"'abcXYZ_-.",
  "\u00a0",
  "\u3000",
  "\ufeff",
  "\u2028",
  "\u0085",
  "\0",
);
const iniish = fc
  .array(fc.oneof(interesting, fc.string({ unit: "binary", maxLength: 3 })), { maxLength: 200 })
  .map((parts) => parts.join(""));

describe("parseIni fuzzing", () => {
  it("arbitrary bytes decoded as UTF-8: only IniSyntaxError, with a line inside the file", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => checkText(Buffer.from(bytes).toString("utf8"))),
      { numRuns: 3000 },
    );
  });

  it("arbitrary bytes decoded as Latin-1 (every byte a character): the same", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => checkText(Buffer.from(bytes).toString("latin1"))),
      { numRuns: 3000 },
    );
  });

  it("INI-like noise (brackets, separators, comments, odd spaces and line ends): the same", () => {
    fc.assert(fc.property(iniish, checkText), { numRuns: 5000 });
  });

  it("a file it cannot parse is reported with its path and line number, as a UserError", () => {
    const path = join(makeTempDir("aws-op-fuzz-"), "config");
    writeFileSync(path, "[profile a]\nregion = eu-west-1\nthis line is not ini\n");
    const caught = thrownBy(() => readAwsFile(path));
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).message).toBe(`${path}, line 3: this line is not valid in an AWS config file.`);
    expect((caught as UserError).hint).toMatch(/changes nothing in a file it cannot read/);
  });
});
