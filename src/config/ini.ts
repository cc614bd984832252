// The lossless INI document behind ~/.aws/config and ~/.aws/credentials: parse, read, and edit in place.
//
// Hand-written on purpose: the INI packages on npm (ini, js-ini, ...) parse into plain objects and drop comments,
// blank lines, key order and spacing, so writing a file back through them would destroy what users keep in it.
// Here the document is the original text plus an index of its lines: toString() after parseIni() returns the input
// exactly, and an edit rewrites only the lines it has to.
//
// What the text *means* follows botocore, the parser of the AWS CLI and boto3: Python's configparser.RawConfigParser
// with its defaults, plus botocore's indented sub-sections (botocore/configloader.py). So:
// - a whole-line comment starts with "#" or ";"; there are no inline comments ("k = v # x" has the value "v # x");
// - "=" or ":" separates key and value, whichever comes first; keys are lower-cased; keys and values are stripped;
// - a line indented deeper than the key line above it continues that key's value (joined with "\n"), even across
//   blank and comment lines; a key with an empty value followed by such lines is a sub-section ("s3 =" then
//   "  max_concurrent_requests = 10"), whose keys keep their case and must each contain "=";
// - "whitespace" is Python's str.isspace(), and a lone "\r" ends a line (Python reads text with universal newlines).
// Deliberately more lenient than botocore, which rejects the whole file in these cases: duplicate sections (merged)
// and duplicate keys (the last one wins), keys before the first section (kept, readable as section ""), a UTF-8 BOM.
// Also different: section names are trimmed ("[ a ]" is "a" here, " a " for botocore), and keys of a [DEFAULT]
// section are not inherited by the other sections. Headers that botocore and the SDKs would read differently (these
// among them) are found by section-headers.ts, from the lines this document lists (lines(), bracketLines()).
//
// Parsing is one linear pass without regular expressions: it runs on every credential_process call.

/** The text is not an INI file the AWS CLI could read. The message never quotes the line: it may hold a secret. */
export class IniSyntaxError extends Error {
  override readonly name = "IniSyntaxError";
  /** 1-based line number. */
  readonly line: number;
  constructor(line: number, expected: string) {
    super(`line ${line}: expected ${expected}`);
    this.line = line;
  }
}

/** An edit was refused: the value or name cannot be written, or the edit would change how other lines are read. */
export class IniEditError extends Error {
  override readonly name = "IniEditError";
}

export interface IniDocument {
  /** Section names in order of first appearance, without duplicates. Keys before the first section are not listed. */
  sectionNames(): string[];
  /** Section "" is the text before the first header: it "exists" only if it holds a key. */
  hasSection(name: string): boolean;
  /** Keys and values (duplicate sections merged, the last key wins); keys holding a sub-section are left out. */
  getSection(name: string): Record<string, string> | undefined;
  /** The value of a key (case-insensitive); undefined if absent or if the key holds a sub-section. */
  get(section: string, key: string): string | undefined;
  /** The keys of an indented sub-section ("s3 =" followed by indented "key = value" lines). */
  getSubsection(section: string, key: string): Record<string, string> | undefined;
  /**
   * Every key line of the section (all its occurrences, in file order) as written: from the key's first character
   * through its last continuation line, the comment and blank lines among them and the line terminators included.
   */
  keyTexts(section: string): { key: string; text: string }[];
  /** True if the section has no key lines (only comments and blank lines), or does not exist. */
  isSectionEmpty(name: string): boolean;
  /**
   * Sets a single-line value: rewrites the effective (last) line of the key in place and removes its other
   * occurrences in the section, or adds the key after the section's last key, or appends the section to the file.
   */
  set(section: string, key: string, value: string): void;
  /** Applies several set/delete edits (undefined deletes), all or none. */
  setAll(section: string, entries: Readonly<Record<string, string | undefined>>): void;
  /** Removes every line of the key in the section, with its continuation lines. Returns whether anything changed. */
  delete(section: string, key: string): boolean;
  /** Removes every occurrence of the section: header and body up to the next header. Returns whether it existed. */
  removeSection(name: string): boolean;
  /** The document as text: byte-identical to the parsed input except for the edits made. */
  toString(): string;
  /**
   * What this parser merges but botocore's configparser (strict) refuses, failing the whole file: a section header
   * that appears more than once, a key that appears twice in one section (keys compared lower-cased).
   */
  duplicates(): { sections: string[]; keys: { section: string; key: string }[] };
  /** Every line as this parser reads it: for checks of how other parsers read the same text. */
  lines(): IniLine[];
  /**
   * The lines whose first character other than whitespace (or a BOM, which the JS SDK trims) is "[": what some
   * parser may take for a section header, whatever this one takes them for.
   */
  bracketLines(): IniLine[];
}

export type LineKind = "blank" | "comment" | "section" | "key" | "continuation";
export type Eol = "" | "\n" | "\r\n" | "\r";

export interface IniLine {
  /** 1-based. */
  readonly number: number;
  /** The line without its terminator (and without the BOM on the first line). */
  readonly text: string;
  readonly kind: LineKind;
  readonly eol: Eol;
  /** The terminator of the line before ("" for the first line). */
  readonly eolBefore: Eol;
  /** The section the line is in: a header line's own; "" before the first header. */
  readonly section: string;
}

/** Parses INI text, keeping every byte. Throws IniSyntaxError on a line the AWS CLI could not read either. */
export function parseIni(text: string): IniDocument {
  return new Document(parseState(text));
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

interface Line {
  /** Offset of the line's first character (after the BOM on the first line). */
  readonly start: number;
  /** Offset of the line terminator. */
  readonly contentEnd: number;
  /** Offset after the line terminator. */
  readonly end: number;
  readonly kind: LineKind;
}

interface KeyLine {
  /** Lower-cased name. */
  readonly key: string;
  readonly line: number;
  /** Offset of the first non-space character. */
  readonly first: number;
  /** Offset of the "=" or ":". */
  readonly delimiter: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** Index of the line after the last continuation line. */
  blockEnd: number;
  /** The stripped value, then one entry per continuation line ("" for a blank line), as configparser collects them. */
  readonly parts: string[];
  readonly partLines: number[];
}

interface Block {
  /** "" for the text before the first header. */
  readonly name: string;
  /** Line index of the header; -1 for the text before the first header. */
  readonly header: number;
  /** Index of the line after the block. */
  end: number;
  readonly keys: KeyLine[];
}

type Value =
  | { readonly kind: "value"; readonly value: string }
  | { readonly kind: "nested"; readonly entries: Map<string, string> };

/** Section name -> key -> value, duplicates merged. Always has "" for the text before the first header. */
type Merged = Map<string, Map<string, Value>>;

interface State {
  readonly text: string;
  readonly lines: readonly Line[];
  readonly blocks: readonly Block[];
  readonly merged: Merged;
  readonly eol: Exclude<Eol, "">;
  /** bracketLines(): [line index, index in blocks of the block the line is in]. */
  readonly brackets: readonly (readonly [number, number])[];
}

const EXPECTED_LINE = '"key = value", a [section] header or a comment';

const LF = 10;
const CR = 13;
const HASH = 35;
const COLON = 58;
const SEMICOLON = 59;
const EQUALS = 61;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const BOM = 0xfeff;

/** Python's str.isspace(), which configparser's strip() and \s use. */
export function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Python's str.strip(). */
export function strip(s: string): string {
  let from = 0;
  let to = s.length;
  while (from < to && isSpace(s.charCodeAt(from))) from++;
  while (to > from && isSpace(s.charCodeAt(to - 1))) to--;
  return from === 0 && to === s.length ? s : s.slice(from, to);
}

/** Python's str.splitlines() boundaries, minus "\r" and "\n", which never occur inside a line. */
function isLineBoundary(c: number): boolean {
  return (
    c === 0x0b || c === 0x0c || c === 0x1c || c === 0x1d || c === 0x1e || c === 0x85 || c === 0x2028 || c === 0x2029
  );
}

function parseState(text: string): State {
  const lines: Line[] = [];
  const preamble: Block = { name: "", header: -1, end: 0, keys: [] };
  const blocks: Block[] = [preamble];
  let block = preamble;
  // configparser's state: the key that indented lines continue, and the indentation of the last key or header line.
  let current: KeyLine | undefined;
  let indentLevel = 0;
  let lf = 0;
  let crlf = 0;
  let cr = 0;
  const brackets: [number, number][] = [];

  const n = text.length;
  let pos = text.charCodeAt(0) === BOM ? 1 : 0;
  while (pos < n) {
    const index = lines.length;
    let contentEnd = pos;
    while (contentEnd < n) {
      const c = text.charCodeAt(contentEnd);
      if (c === LF || c === CR) break;
      contentEnd++;
    }
    let end = contentEnd;
    if (end < n) {
      if (text.charCodeAt(end) === LF) {
        lf++;
        end += 1;
      } else if (text.charCodeAt(end + 1) === LF) {
        crlf++;
        end += 2;
      } else {
        cr++;
        end += 1;
      }
    }

    let first = pos;
    while (first < contentEnd && isSpace(text.charCodeAt(first))) first++;
    let bracket = first;
    while (bracket < contentEnd && (isSpace(text.charCodeAt(bracket)) || text.charCodeAt(bracket) === BOM)) bracket++;
    const isBracketLine = text.charCodeAt(bracket) === OPEN_BRACKET;
    let kind: LineKind;
    if (first === contentEnd) {
      kind = "blank";
      if (current !== undefined) {
        current.parts.push("");
        current.partLines.push(index);
      }
    } else if (text.charCodeAt(first) === HASH || text.charCodeAt(first) === SEMICOLON) {
      kind = "comment";
    } else {
      let last = contentEnd - 1;
      while (isSpace(text.charCodeAt(last))) last--;
      const indent = first - pos;
      if (current !== undefined && indent > indentLevel) {
        kind = "continuation";
        current.parts.push(text.slice(first, last + 1));
        current.partLines.push(index);
        current.blockEnd = index + 1;
      } else {
        indentLevel = indent;
        // configparser's section pattern is "\[(.+)\]" matched at the start: the name runs to the LAST "]".
        let close = -1;
        if (text.charCodeAt(first) === OPEN_BRACKET) {
          for (let i = last; i >= first + 2; i--) {
            if (text.charCodeAt(i) === CLOSE_BRACKET) {
              close = i;
              break;
            }
          }
        }
        if (close !== -1) {
          const name = strip(text.slice(first + 1, close));
          if (name === "") throw new IniSyntaxError(index + 1, 'a section name between "[" and "]"');
          kind = "section";
          block.end = index;
          block = { name, header: index, end: 0, keys: [] };
          blocks.push(block);
          current = undefined;
        } else {
          kind = "key";
          current = parseKeyLine(text, index, first, last);
          block.keys.push(current);
        }
      }
    }
    lines.push({ start: pos, contentEnd, end, kind });
    if (isBracketLine) brackets.push([index, blocks.length - 1]);
    pos = end;
  }
  block.end = lines.length;

  const merged: Merged = new Map();
  for (const b of blocks) {
    let values = merged.get(b.name);
    if (values === undefined) {
      values = new Map();
      merged.set(b.name, values);
    }
    for (const k of b.keys) values.set(k.key, valueOf(k));
  }
  const eol = crlf > 0 && crlf >= lf && crlf >= cr ? "\r\n" : cr > lf ? "\r" : "\n";
  return { text, lines, blocks, merged, eol, brackets };
}

function parseKeyLine(text: string, index: number, first: number, last: number): KeyLine {
  let delimiter = first;
  while (delimiter <= last) {
    const c = text.charCodeAt(delimiter);
    if (c === EQUALS || c === COLON) break;
    delimiter++;
  }
  if (delimiter > last) throw new IniSyntaxError(index + 1, EXPECTED_LINE);
  let nameEnd = delimiter;
  while (nameEnd > first && isSpace(text.charCodeAt(nameEnd - 1))) nameEnd--;
  if (nameEnd === first) throw new IniSyntaxError(index + 1, 'a key name before "=" or ":"');
  let valueStart = delimiter + 1;
  while (valueStart <= last && isSpace(text.charCodeAt(valueStart))) valueStart++;
  const valueEnd = Math.max(valueStart, last + 1);
  return {
    key: text.slice(first, nameEnd).toLowerCase(),
    line: index,
    first,
    delimiter,
    valueStart,
    valueEnd,
    blockEnd: index + 1,
    parts: [text.slice(valueStart, valueEnd)],
    partLines: [index],
  };
}

/** configparser joins the parts with "\n" and strips the end; botocore parses a value starting with "\n" as nested. */
function valueOf(k: KeyLine): Value {
  let count = k.parts.length;
  while (count > 1 && k.parts[count - 1] === "") count--;
  if (count === 1 || k.parts[0] !== "") return { kind: "value", value: k.parts.slice(0, count).join("\n") };
  const entries = new Map<string, string>();
  for (let p = 1; p < count; p++) {
    const part = k.parts[p] ?? "";
    let from = 0;
    for (let i = 0; i <= part.length; i++) {
      if (i < part.length && !isLineBoundary(part.charCodeAt(i))) continue;
      const piece = strip(part.slice(from, i));
      from = i + 1;
      if (piece === "") continue;
      const equals = piece.indexOf("=");
      // botocore: `key, value = line.split('=', 1)` raises, and the whole file is refused.
      if (equals === -1)
        throw new IniSyntaxError((k.partLines[p] ?? k.line) + 1, '"key = value" inside the sub-section');
      entries.set(strip(piece.slice(0, equals)), strip(piece.slice(equals + 1)));
    }
  }
  return { kind: "nested", entries };
}

// ---------------------------------------------------------------------------------------------------------------
// The document

class Document implements IniDocument {
  #state: State;

  constructor(state: State) {
    this.#state = state;
  }

  toString(): string {
    return this.#state.text;
  }

  sectionNames(): string[] {
    return [...this.#state.merged.keys()].filter((name) => name !== "");
  }

  duplicates(): { sections: string[]; keys: { section: string; key: string }[] } {
    const seen = new Set<string>();
    const sections = new Set<string>();
    const keys: { section: string; key: string }[] = [];
    for (const b of this.#state.blocks) {
      if (b.header === -1) continue;
      if (seen.has(b.name)) sections.add(b.name);
      seen.add(b.name);
      const inBlock = new Set<string>();
      for (const k of b.keys) {
        if (inBlock.has(k.key) && !keys.some((d) => d.section === b.name && d.key === k.key)) {
          keys.push({ section: b.name, key: k.key });
        }
        inBlock.add(k.key);
      }
    }
    return { sections: [...sections], keys };
  }

  lines(): IniLine[] {
    const state = this.#state;
    const out: IniLine[] = [];
    for (const block of state.blocks) {
      const from = block.header === -1 ? 0 : block.header;
      for (let i = from; i < block.end; i++) out.push(lineInfo(state, i, block.name));
    }
    return out;
  }

  bracketLines(): IniLine[] {
    const state = this.#state;
    return state.brackets.map(([line, block]) => lineInfo(state, line, state.blocks[block]?.name ?? ""));
  }

  hasSection(name: string): boolean {
    const values = this.#state.merged.get(name);
    return values !== undefined && (name !== "" || values.size > 0);
  }

  getSection(name: string): Record<string, string> | undefined {
    if (!this.hasSection(name)) return undefined;
    const entries: [string, string][] = [];
    for (const [key, value] of this.#state.merged.get(name) ?? []) {
      if (value.kind === "value") entries.push([key, value.value]);
    }
    // fromEntries defines own properties, so a key named "__proto__" stays a key.
    return Object.fromEntries(entries);
  }

  get(section: string, key: string): string | undefined {
    const value = this.#state.merged.get(section)?.get(key.toLowerCase());
    return value?.kind === "value" ? value.value : undefined;
  }

  getSubsection(section: string, key: string): Record<string, string> | undefined {
    const value = this.#state.merged.get(section)?.get(key.toLowerCase());
    return value?.kind === "nested" ? Object.fromEntries(value.entries) : undefined;
  }

  keyTexts(section: string): { key: string; text: string }[] {
    const { text, lines, blocks } = this.#state;
    return blocks
      .filter((b) => b.name === section)
      .flatMap((b) =>
        b.keys.map((k) => ({ key: k.key, text: text.slice(k.first, lines[k.blockEnd - 1]?.end ?? text.length) })),
      );
  }

  isSectionEmpty(name: string): boolean {
    return this.#state.blocks.every((b) => b.name !== name || b.keys.length === 0);
  }

  set(section: string, key: string, value: string): void {
    requireWritableSection(section);
    requireWritableKey(key);
    if (/[\r\n]/.test(value)) {
      throw new IniEditError(`The value of "${key}" contains a line break: AWS config values are single lines.`);
    }
    if (value !== strip(value)) {
      throw new IniEditError(`The value of "${key}" starts or ends with whitespace, which the AWS CLI would drop.`);
    }
    const state = this.#state;
    const { text, lines, eol } = state;
    const wanted = key.toLowerCase();
    const blocks = state.blocks.filter((b) => b.name === section);
    const found = blocks.flatMap((b) => b.keys.filter((k) => k.key === wanted));
    const effective = found.at(-1);
    const target = blocks.at(-1);
    const splices: Splice[] = [];

    if (effective !== undefined) {
      for (const k of found) {
        if (k !== effective) splices.push(removeLines(lines, k.line, k.blockEnd, text.length));
      }
      splices.push(replaceValue(text, effective, value));
      if (effective.blockEnd > effective.line + 1) {
        splices.push(removeLines(lines, effective.line + 1, effective.blockEnd, text.length));
      }
    } else if (target !== undefined) {
      const lastKey = target.keys.at(-1);
      let at: number;
      let indentation = "";
      if (lastKey !== undefined) {
        // Keys of a section never indent deeper than the key above them (that would be a continuation line), so the
        // last key's indentation keeps the lines after it reading as they did.
        at = lastKey.blockEnd;
        const keyLine = lines[lastKey.line];
        indentation = keyLine === undefined ? "" : text.slice(keyLine.start, lastKey.first);
      } else {
        // Only blank and comment lines follow the header; the next header may be indented, and must stay a header.
        at = target.header + 1;
        const next = lines[target.end];
        if (next !== undefined) {
          let first = next.start;
          while (isSpace(text.charCodeAt(first))) first++;
          indentation = text.slice(next.start, first);
        }
      }
      splices.push(insertLine(state, at, indentation + formatKeyLine(key, value)));
    } else {
      const last = lines.at(-1);
      let prefix = "";
      if (last !== undefined) {
        if (last.end === last.contentEnd) prefix += eol;
        if (last.kind !== "blank") prefix += eol;
      }
      splices.push({
        start: text.length,
        end: text.length,
        insert: `${prefix}[${section}]${eol}${formatKeyLine(key, value)}${eol}`,
      });
    }

    this.#commit(splices, `set "${key}" in [${section}]`, (after) => {
      const v = after.get(section)?.get(wanted);
      return v?.kind === "value" && v.value === value && sameExcept(state.merged, after, section, wanted);
    });
  }

  setAll(section: string, entries: Readonly<Record<string, string | undefined>>): void {
    const before = this.#state;
    try {
      for (const [key, value] of Object.entries(entries)) {
        if (value === undefined) this.delete(section, key);
        else this.set(section, key, value);
      }
    } catch (error) {
      this.#state = before;
      throw error;
    }
  }

  delete(section: string, key: string): boolean {
    const state = this.#state;
    const wanted = key.toLowerCase();
    const splices: Splice[] = [];
    for (const b of state.blocks) {
      if (b.name !== section) continue;
      for (const k of b.keys) {
        if (k.key === wanted) splices.push(removeLines(state.lines, k.line, k.blockEnd, state.text.length));
      }
    }
    if (splices.length === 0) return false;
    this.#commit(splices, `delete "${key}" from [${section}]`, (after) => {
      return after.get(section)?.get(wanted) === undefined && sameExcept(state.merged, after, section, wanted);
    });
    return true;
  }

  removeSection(name: string): boolean {
    if (name === "") throw new IniEditError("The text before the first [section] header is not a section.");
    const state = this.#state;
    const splices = state.blocks
      .filter((b) => b.name === name)
      .map((b) => removeLines(state.lines, b.header, b.end, state.text.length));
    if (splices.length === 0) return false;
    this.#commit(splices, `remove [${name}]`, (after) => !after.has(name) && sameExcept(state.merged, after, name));
    return true;
  }

  /** Applies the edit, re-parses and checks that it did what was meant and nothing else, or changes nothing. */
  #commit(splices: Splice[], what: string, isIntended: (after: Merged) => boolean): void {
    const text = applySplices(this.#state.text, splices);
    let next: State | undefined;
    try {
      next = parseState(text);
    } catch (error) {
      if (!(error instanceof IniSyntaxError)) throw error;
    }
    if (next === undefined || !isIntended(next.merged)) {
      throw new IniEditError(`Cannot ${what} without changing how the rest of the file is read: edit it by hand.`);
    }
    this.#state = next;
  }
}

function eolOf(text: string, line: Line | undefined): Eol {
  return line === undefined ? "" : (text.slice(line.contentEnd, line.end) as Eol);
}

function lineInfo(state: State, index: number, section: string): IniLine {
  const line = state.lines[index];
  if (line === undefined) throw new RangeError(`no line ${index + 1}`);
  return {
    number: index + 1,
    text: state.text.slice(line.start, line.contentEnd),
    kind: line.kind,
    eol: eolOf(state.text, line),
    eolBefore: eolOf(state.text, state.lines[index - 1]),
    section,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Editing helpers

interface Splice {
  readonly start: number;
  readonly end: number;
  readonly insert: string;
}

function applySplices(text: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = "";
  let pos = 0;
  for (const s of sorted) {
    out += text.slice(pos, s.start) + s.insert;
    pos = Math.max(pos, s.end);
  }
  return out + text.slice(pos);
}

/** Removes lines [from, to) with their line terminators. */
function removeLines(lines: readonly Line[], from: number, to: number, textLength: number): Splice {
  return { start: lines[from]?.start ?? textLength, end: lines[to - 1]?.end ?? textLength, insert: "" };
}

/** Inserts a line before line `at`, ending it with the file's line terminator. */
function insertLine(state: State, at: number, line: string): Splice {
  const next = state.lines[at];
  if (next !== undefined) return { start: next.start, end: next.start, insert: line + state.eol };
  const last = state.lines.at(-1);
  const prefix = last !== undefined && last.end === last.contentEnd ? state.eol : "";
  return { start: state.text.length, end: state.text.length, insert: prefix + line + state.eol };
}

/** Replaces the value on a key line, keeping indentation, key spelling, separator spacing and what follows. */
function replaceValue(text: string, k: KeyLine, value: string): Splice {
  if (k.valueStart < k.valueEnd) {
    if (value !== "") return { start: k.valueStart, end: k.valueEnd, insert: value };
    return { start: k.delimiter + 1, end: k.valueEnd, insert: "" };
  }
  if (value === "") return { start: k.valueEnd, end: k.valueEnd, insert: "" };
  const spaced = isSpace(text.charCodeAt(k.delimiter - 1));
  return { start: k.delimiter + 1, end: k.delimiter + 1, insert: (spaced ? " " : "") + value };
}

function formatKeyLine(key: string, value: string): string {
  return value === "" ? `${key} =` : `${key} = ${value}`;
}

function requireWritableSection(name: string): void {
  if (name === "") throw new IniEditError("Keys cannot be written before the first [section] header.");
  if (/[\r\n]/.test(name) || name !== strip(name)) {
    throw new IniEditError(`${JSON.stringify(name)} cannot be written as a section name.`);
  }
}

function requireWritableKey(key: string): void {
  const c = key.charCodeAt(0);
  if (key === "" || key !== strip(key) || /[\r\n=:]/.test(key) || c === HASH || c === SEMICOLON || c === OPEN_BRACKET) {
    throw new IniEditError(`${JSON.stringify(key)} cannot be written as a key name.`);
  }
}

/** True if `after` reads like `before` everywhere except the given section (or only that key of that section). */
function sameExcept(before: Merged, after: Merged, section: string, key?: string): boolean {
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(name);
    const b = after.get(name);
    if (name === section) {
      if (key !== undefined && !sameValues(a ?? new Map(), b ?? new Map(), key)) return false;
    } else if (a === undefined || b === undefined || !sameValues(a, b)) {
      return false;
    }
  }
  return true;
}

function sameValues(a: Map<string, Value>, b: Map<string, Value>, except?: string): boolean {
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (k !== except && !sameValue(a.get(k), b.get(k))) return false;
  }
  return true;
}

function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind === "value") return b.kind === "value" && a.value === b.value;
  if (b.kind !== "nested" || a.entries.size !== b.entries.size) return false;
  for (const [k, v] of a.entries) if (b.entries.get(k) !== v) return false;
  return true;
}
