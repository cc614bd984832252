// Small parsers for the output of `aws-op env --format fish|powershell|dotenv|cmd`, written from each shell's
// documented quoting rules (fish and PowerShell are not installed everywhere the tests run). They accept exactly
// the statements aws-op writes and throw on anything else, so a quoting mistake shows up as a parse failure or a
// changed value.

export interface ParsedEnv {
  set: Record<string, string>;
  unset: string[];
}

/** What a quoted value's reader returns: the value, and where the text goes on after its closing quote. */
interface QuotedValue {
  value: string;
  end: number;
}

/**
 * Output made of statements on lines of their own: blank lines, `unset` statements (the name in group 1), and
 * `head` (the name in group 1) followed by a quoted value that `readQuoted` reads from where `head` ends; nothing
 * may follow the closing quote on its line. A value may hold line breaks, so the text is read, not split into lines.
 */
function parseQuotedStatements(
  shell: string,
  text: string,
  unset: RegExp,
  head: RegExp,
  readQuoted: (text: string, start: number) => QuotedValue,
): ParsedEnv {
  const out: ParsedEnv = { set: {}, unset: [] };
  let i = 0;
  while (i < text.length) {
    if (text[i] === "\n") {
      i++;
      continue;
    }
    const removed = unset.exec(text.slice(i));
    if (removed) {
      out.unset.push(removed[1]!);
      i += removed[0].length;
      continue;
    }
    const set = head.exec(text.slice(i));
    if (!set) throw new Error(`${shell}: unexpected statement at ${i}: ${JSON.stringify(text.slice(i, i + 30))}`);
    const { value, end } = readQuoted(text, i + set[0].length);
    if (text[end] !== "\n") throw new Error(`${shell}: text after the closing quote`);
    out.set[set[1]!] = value;
    i = end;
  }
  return out;
}

/** fish: `set -gx NAME 'value'` (inside single quotes only \\ and \' are escapes) and `set -e NAME`. */
export function parseFish(text: string): ParsedEnv {
  return parseQuotedStatements("fish", text, /^set -e ([A-Z_]+)\n/, /^set -gx ([A-Z_]+) '/, (text, start) => {
    let value = "";
    for (let i = start; ;) {
      const c = text[i];
      if (c === undefined) throw new Error("fish: unterminated quote");
      if (c === "\\" && (text[i + 1] === "\\" || text[i + 1] === "'")) {
        value += text[i + 1];
        i += 2;
      } else if (c === "'") {
        return { value, end: i + 1 };
      } else {
        value += c;
        i++;
      }
    }
  });
}

const PS_QUOTES = "'\u2018\u2019\u201a\u201b";

/** PowerShell: `$Env:NAME = 'value'` (verbatim; any of ' ‘ ’ ‚ ‛ doubled is one literal quote) and Remove-Item. */
export function parsePowerShell(text: string): ParsedEnv {
  return parseQuotedStatements(
    "powershell",
    text,
    /^Remove-Item Env:([A-Z_]+) -ErrorAction SilentlyContinue\n/,
    /^\$Env:([A-Z_]+) = '/,
    (text, start) => {
      let value = "";
      for (let i = start; ;) {
        const c = text[i];
        if (c === undefined) throw new Error("powershell: unterminated quote");
        if (PS_QUOTES.includes(c)) {
          if (text[i + 1] !== undefined && PS_QUOTES.includes(text[i + 1]!)) {
            value += c;
            i += 2;
            continue;
          }
          return { value, end: i + 1 };
        }
        value += c;
        i++;
      }
    },
  );
}

/** dotenv: NAME='literal' or NAME="with \\ \" \n \r escapes". */
export function parseDotenv(text: string): ParsedEnv {
  const out: ParsedEnv = { set: {}, unset: [] };
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const single = /^([A-Z_]+)='([^']*)'$/.exec(line);
    if (single) {
      out.set[single[1]!] = single[2]!;
      continue;
    }
    const double = /^([A-Z_]+)="((?:[^"\\]|\\.)*)"$/.exec(line);
    if (!double) throw new Error(`dotenv: unexpected line ${JSON.stringify(line.slice(0, 30))}`);
    out.set[double[1]!] = double[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : c));
  }
  return out;
}

/** cmd.exe: `set "NAME=value"`; `set "NAME="` removes the variable. */
export function parseCmd(text: string): ParsedEnv {
  const out: ParsedEnv = { set: {}, unset: [] };
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const match = /^set "([A-Z_]+)=([^"%!]*)"$/.exec(line);
    if (!match) throw new Error(`cmd: unexpected line ${JSON.stringify(line.slice(0, 30))}`);
    if (match[2] === "") out.unset.push(match[1]!);
    else out.set[match[1]!] = match[2]!;
  }
  return out;
}
