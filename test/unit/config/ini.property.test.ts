import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { IniSyntaxError, parseIni, type IniDocument } from "../../../src/config/ini.js";

/** Parses, turning IniSyntaxError into undefined and letting anything else fail the property. */
function tryParse(text: string): IniDocument | undefined {
  try {
    return parseIni(text);
  } catch (error) {
    if (error instanceof IniSyntaxError) return undefined;
    throw error;
  }
}

// Text that fits on one line wherever it goes: no line ends, and none of the characters Python's splitlines() breaks
// a sub-section value at (botocore refuses a sub-section piece without "=").
// eslint-disable-next-line no-control-regex -- these control characters are the point
const SPLITTERS = /[\r\n\v\f\u001c-\u001e\u0085\u2028\u2029]/g;
const lineText = fc.string({ unit: "binary", maxLength: 12 }).map((s) => s.replace(SPLITTERS, ""));
// Python's str.isspace(), which botocore strips values with.
// eslint-disable-next-line no-control-regex -- these control characters are the point
const EDGE_SPACE = /^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/g;
const value = lineText.map((s) => s.replace(EDGE_SPACE, ""));
const eol = fc.constantFrom("\n", "\r\n", "\r");
const space = fc.constantFrom("", " ", "  ", "\t", "\u3000", "\u001f", "\u00a0");
const indentation = fc.array(space, { maxLength: 3 }).map((parts) => parts.join(""));
const separator = fc.tuple(space, fc.constantFrom("=", ":"), space).map((parts) => parts.join(""));
const keyHead = fc.constantFrom("region", "Output", "s3", "role_arn", "x", "é", "__proto__");
const keyName = fc
  .oneof(
    keyHead,
    fc.tuple(keyHead, lineText).map(([head, tail]) => head + tail.replace(/[=:]/g, "")),
  )
  .map((k) => k.replace(EDGE_SPACE, ""));
const sectionName = fc.constantFrom("default", "profile a", "profile b", "sso-session corp", "services s", "plugins");

/** A line that is valid wherever it lands: as a key, as a continuation, or inside a sub-section. */
const line = fc.oneof(
  { arbitrary: indentation, weight: 1 },
  { arbitrary: fc.tuple(indentation, fc.constantFrom("#", ";"), lineText).map((p) => p.join("")), weight: 2 },
  // Not indented: such a key line is never a continuation line, so any separator and value will do.
  { arbitrary: fc.tuple(keyName, separator, lineText).map((p) => p.join("")), weight: 3 },
  { arbitrary: fc.tuple(keyName, space, fc.constant("=")).map((p) => p.join("")), weight: 1 },
  // Indented: maybe a continuation or sub-section line, so it keeps an "=".
  { arbitrary: fc.tuple(indentation, keyName, space, fc.constant("="), lineText).map((p) => p.join("")), weight: 3 },
);
const lines = fc.array(
  fc.tuple(line, eol).map(([text, end]) => text + end),
  { maxLength: 8 },
);

interface Generated {
  text: string;
  /** Section names in order; each appears once. */
  names: string[];
  /** Offset of each section's header line in text, then text.length. */
  starts: number[];
  /** Length of each header line. */
  headerLengths: number[];
}

/**
 * An INI-like document: maybe a BOM, lines before the first header, sections with unique names whose headers are
 * not indented (so they are headers wherever they land), any mix of line ends, maybe no final line end.
 */
const document: fc.Arbitrary<Generated> = fc
  .record({
    bom: fc.boolean(),
    preamble: lines,
    sections: fc.uniqueArray(
      fc.record({
        name: sectionName,
        // No "]" in a trailing comment: botocore reads a header's name up to the last "]" on the line.
        comment: fc.option(
          lineText.map((c) => c.replace(/]/g, "")),
          { nil: undefined },
        ),
        end: eol,
        body: lines,
      }),
      { selector: (s) => s.name, maxLength: 5 },
    ),
    finalNewline: fc.boolean(),
  })
  .map(({ bom, preamble, sections, finalNewline }) => {
    let text = (bom ? "\ufeff" : "") + preamble.join("");
    const starts: number[] = [];
    const headerLengths: number[] = [];
    for (const s of sections) {
      const headerLine = `[${s.name}]${s.comment === undefined ? "" : ` # ${s.comment}`}${s.end}`;
      starts.push(text.length);
      headerLengths.push(headerLine.length);
      text += headerLine + s.body.join("");
    }
    if (!finalNewline) text = text.replace(/(\r\n|\r|\n)$/, "");
    starts.push(text.length);
    return { text, names: sections.map((s) => s.name), starts, headerLengths };
  });

describe("parseIni round trip", () => {
  it("returns any string unchanged, or refuses it with IniSyntaxError", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const doc = tryParse(text);
        if (doc !== undefined) expect(doc.toString()).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it("returns any string of INI-looking lines unchanged, or refuses it with IniSyntaxError", () => {
    const anyLine = fc.oneof(
      fc.string({ unit: "binary", maxLength: 10 }),
      fc
        .tuple(
          indentation,
          fc.constantFrom("[", "#", ";", "=", ":", "]", "k"),
          fc.string({ unit: "binary", maxLength: 8 }),
        )
        .map((p) => p.join("")),
    );
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(anyLine, fc.constantFrom("\n", "\r\n", "\r", "")), { maxLength: 12 }),
        (bom, parts) => {
          const text = (bom ? "\ufeff" : "") + parts.map(([t, e]) => t + e).join("");
          const doc = tryParse(text);
          if (doc !== undefined) expect(doc.toString()).toBe(text);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("returns generated INI documents unchanged, with every section readable", () => {
    fc.assert(
      fc.property(document, ({ text, names }) => {
        const doc = parseIni(text);
        expect(doc.toString()).toBe(text);
        expect(doc.sectionNames()).toEqual(names);
        for (const name of names) expect(doc.getSection(name)).toBeDefined();
      }),
      { numRuns: 1000 },
    );
  });

  it("never fails on arbitrary bytes with anything but IniSyntaxError", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom("utf-8", "latin1", "utf-16le"),
        (bytes, encoding) => {
          const text = new TextDecoder(encoding).decode(bytes);
          const doc = tryParse(text);
          if (doc === undefined) return;
          expect(doc.toString()).toBe(text);
          for (const name of doc.sectionNames()) doc.getSection(name);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

type Operation =
  { kind: "set"; key: string; value: string } | { kind: "delete"; key: string } | { kind: "removeSection" };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), key: keyName, value }),
  fc.record({ kind: fc.constant("delete" as const), key: keyName }),
  fc.constant({ kind: "removeSection" as const }),
);

function apply(doc: IniDocument, section: string, op: Operation): void {
  if (op.kind === "set") doc.set(section, op.key, op.value);
  else if (op.kind === "delete") doc.delete(section, op.key);
  else doc.removeSection(section);
}

/** What every section but one reads as, keys before the first header included. */
function readAllBut(doc: IniDocument, except: string): Map<string, [string, string][] | undefined> {
  const names = ["", ...doc.sectionNames()].filter((n) => n !== except);
  return new Map(names.map((n) => [n, entriesOf(doc.getSection(n))]));
}

function entriesOf(section: Record<string, string> | undefined): [string, string][] | undefined {
  return section === undefined ? undefined : Object.entries(section);
}

describe("editing one section", () => {
  it("leaves the text before and after that section byte-identical", () => {
    fc.assert(
      fc.property(
        document,
        fc.nat(),
        sectionName,
        operation,
        ({ text, names, starts, headerLengths }, pick, fresh, op) => {
          const doc = parseIni(text);
          const index = pick % (names.length + 1);
          const name = names[index] ?? fresh;
          if (index === names.length && names.includes(name)) return;
          const othersBefore = readAllBut(doc, name);
          apply(doc, name, op);
          const out = doc.toString();

          if (index === names.length) {
            // An absent section: only set changes anything, and only by appending.
            expect(out.startsWith(text)).toBe(true);
            if (op.kind !== "set") expect(out).toBe(text);
          } else {
            const start = starts[index] ?? 0;
            const before = text.slice(0, start);
            const after = text.slice(starts[index + 1]);
            if (op.kind === "removeSection") {
              expect(out).toBe(before + after);
            } else {
              expect(out.startsWith(text.slice(0, start + (headerLengths[index] ?? 0)))).toBe(true);
              expect(out.endsWith(after)).toBe(true);
            }
          }
          expect(readAllBut(doc, name)).toEqual(othersBefore);
          expect(readAllBut(parseIni(out), name)).toEqual(othersBefore);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("reads back what set wrote and what delete removed, keeping the other keys of the section", () => {
    fc.assert(
      fc.property(document, fc.nat(), operation, ({ text, names }, pick, op) => {
        const name = names[pick % Math.max(names.length, 1)];
        if (op.kind === "removeSection" || name === undefined) return;
        const doc = parseIni(text);
        const lowered = op.key.toLowerCase();
        const othersBefore = entriesOf(doc.getSection(name))?.filter(([k]) => k !== lowered);
        apply(doc, name, op);
        const reread = parseIni(doc.toString());
        expect(reread.get(name, op.key)).toBe(op.kind === "set" ? op.value : undefined);
        expect(reread.getSubsection(name, op.key)).toBeUndefined();
        expect(entriesOf(reread.getSection(name))?.filter(([k]) => k !== lowered)).toEqual(othersBefore);
      }),
      { numRuns: 1500 },
    );
  });
});
