// Which section each AWS client reads each header line of ~/.aws/config and ~/.aws/credentials as, and which
// profiles a header they read differently leaves ambiguous: aws-op refuses to serve those (profile.ts), doctor lists
// the headers.
//
// aws-op reads headers as botocore does, except that it trims section names (ini.ts). The others, from their source:
// - botocore (configparser + configloader.py): the name runs from "[" to the LAST "]" of the stripped line and is
//   not trimmed; "default" is the default profile, a name starting with "profile" is shlex-split and is a profile
//   only as exactly two words; [DEFAULT] is configparser's defaults, whose keys every section of that file inherits;
//   when [default] and [profile default] both exist, the later one replaces the other. An indented line right after
//   a key continues its value, whatever it looks like.
// - the JS SDK v3 (@smithy/shared-ini-file-loader parseIni and getConfigData): lines end at "\n" or "\r\n" only;
//   each is cut at /(^|\s)[;#]/ and trimmed; it is a header only if it then starts with "[" and ends with "]"
//   (otherwise its lines stay in the section above). The name is matched with /^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$/
//   (one whitespace character; then "profile.NAME"), else taken whole; in the config file a section is a profile
//   only as "default" or "profile.NAME", so "[profile.x]" is the profile x and "[profile  x]" none; [profile default]
//   replaces [default] wherever it is.
// - the Go SDK v2 (Debian's 1.17, internal/ini: a tokenizer over the whole file): a "[" at the start of a statement
//   opens a section that ends at the next "]" token, even lines later; its name is trimmed, and "profile" followed by
//   spaces becomes "profile NAME"; a "#" or ";" where a token starts is a comment to the end of the line (inside a
//   header: a parse error, and the SDK reads nothing); a '"' where a token starts opens a string that runs to the
//   next unescaped '"', across lines and the headers on them. [default] in any case ([DEFAULT] too) is a profile of
//   that name; [profile default] replaces [default].
// - the Go SDK from config 1.25 (line based): a header is a line that, cut at its first "#" or ";" and right-trimmed
//   of spaces and tabs, starts with "[" and ends with "]"; an indented line is a continuation.
//
// So a header is taken as it stands only in one canonical form that all of them read alike: at the start of a line
// ended by "\n" or "\r\n" (as the line before it), "[default]", "[profile NAME]" (one space) or "[NAME]" in the
// credentials file, with NAME of characters every client reads alike (names.ts), maybe followed by spaces and a
// comment after a space. Any other line starting with "[" is compared reader by reader: the profiles any of them
// reads from it are ambiguous, and, when some reader may not take it for a header at all, so are the profiles of
// the sections above it whose lines it would then join.
import { clientsMisreadingProfileName, profileFromConfigSection } from "./names.js";
import { strip, type IniDocument, type IniLine } from "./ini.js";
import { splitPosix } from "./shell-split.js";

export type AwsFileKind = "config" | "credentials";

/** A header that the AWS clients read differently, and the profiles it leaves ambiguous. */
export interface HeaderProblem {
  path: string;
  /** 1-based. */
  line: number;
  /** The header as written (JSON-quoted, so that tabs and odd spaces show), or undefined when it may be a value. */
  shown: string | undefined;
  /** What each client makes of it. */
  why: string;
  fix: string;
  /** The profiles (as any client names them) that aws-op refuses because of it. */
  profiles: string[];
}

/**
 * A problem of a header in the canonical form: only one reader gives it a profile name the others do not ("[sso-session
 * x]" is the profile "sso-session.x" to the JS SDK). It matters only where aws-op has a profile of that name.
 */
interface FoundProblem extends HeaderProblem {
  canonical?: true;
}

type Reading =
  /** A header of this profile. */
  | { readonly kind: "profile"; readonly name: string }
  /** A header of a section that is no profile ([sso-session x], [plugins], ...): nothing below it joins a profile. */
  | { readonly kind: "section" }
  /** botocore's [DEFAULT]: its keys go to every section of the file that lacks them. */
  | { readonly kind: "defaults" }
  /** Not a header: the lines below it stay in the section above. */
  | { readonly kind: "none" };

const NONE: Reading = { kind: "none" };
const SECTION: Reading = { kind: "section" };
const DEFAULTS: Reading = { kind: "defaults" };
const profile = (name: string): Reading => ({ kind: "profile", name });

interface Reader {
  readonly client: string;
  read(line: IniLine, file: AwsFileKind): Reading;
}

/** The profile aws-op reads from a section name (ini.ts trims it). */
function awsOpReadingOf(section: string, file: AwsFileKind): Reading {
  if (file === "credentials") return profile(section);
  const name = profileFromConfigSection(section);
  return name === undefined ? SECTION : profile(name);
}

const AWS_OP: Reader = {
  client: "aws-op",
  read: (line, file) => (line.kind === "section" ? awsOpReadingOf(line.section, file) : NONE),
};

const BOTOCORE: Reader = {
  client: "botocore",
  read(line, file) {
    // ini.ts finds headers where configparser does; only the name differs (configparser does not trim it).
    if (line.kind !== "section") return NONE;
    const value = strip(line.text);
    const name = value.slice(1, value.lastIndexOf("]"));
    if (name === "DEFAULT") return DEFAULTS;
    if (file === "credentials") return profile(name);
    if (name.startsWith("profile")) {
      const words = splitPosix(name);
      return words?.length === 2 && words[1] !== undefined ? profile(words[1]) : SECTION;
    }
    return name === "default" ? profile("default") : SECTION;
  },
};

const JS_SECTION_TYPES = ["profile", "sso-session", "services"];
const JS_PREFIXED_NAME = /^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$/;

/** parseIni throws on these section names, and loadSharedConfigFiles then reads the file as empty. */
const JS_BLOCKED = ["__proto__", "profile __proto__"];

/** The section name parseIni reads from a line, or undefined when it is no header to it. */
function jsSectionName(text: string): string | undefined {
  const cut = (text.split(/(^|\s)[;#]/)[0] ?? "").trim();
  return cut.startsWith("[") && cut.endsWith("]") && cut.length >= 2 ? cut.slice(1, -1) : undefined;
}

const JS_SDK: Reader = {
  client: "the JS SDK v3",
  read(line, file) {
    const sectionName = jsSectionName(line.text);
    if (sectionName === undefined) return NONE;
    const match = JS_PREFIXED_NAME.exec(sectionName);
    let key: string | undefined = sectionName;
    if (match) key = JS_SECTION_TYPES.includes(match[1] ?? "") ? `${match[1]}.${match[3]}` : undefined;
    // JS_BLOCKED: the SDK reads nothing of this file (sectionHeaderProblems).
    if (!key || JS_BLOCKED.includes(sectionName)) return SECTION;
    if (file === "credentials") return profile(key);
    if (key === "default") return profile("default");
    const dot = key.indexOf(".");
    if (dot === -1 || !JS_SECTION_TYPES.includes(key.slice(0, dot))) return SECTION;
    // [sso-session x] and [services x] stay in the map of profiles as "sso-session.x" and "services.x".
    return profile(key.startsWith("profile.") ? key.slice(dot + 1) : key);
  },
};

/** Go's unicode.IsSpace. */
function isGoSpace(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Go's strings.TrimSpace. */
function goTrim(s: string): string {
  let from = 0;
  let to = s.length;
  while (from < to && isGoSpace(s.charAt(from))) from++;
  while (to > from && isGoSpace(s.charAt(to - 1))) to--;
  return s.slice(from, to);
}

/**
 * Where a literal token of the Go SDK's tokenizer ends: a plain one (getValue) at ":", "=", "[", "]", a space or the
 * line end; a number at any whitespace; a boolean right after "true" or "false". Ending every literal at the first
 * of all these finds each place where a new token (a quote, a comment) may start, and a few more.
 */
function goLiteralEnd(text: string, from: number): number {
  const c = text.charCodeAt(from) | 0x20;
  if (c === 0x74 /* t */ && /^true/i.test(text.slice(from, from + 4))) return from + 4;
  if (c === 0x66 /* f */ && /^false/i.test(text.slice(from, from + 5))) return from + 5;
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x3a || code === 0x3d || code === 0x5b || code === 0x5d || isGoSpace(text.charAt(i))) break;
    i++;
  }
  return Math.max(i, from + 1);
}

/** The end of a Go string token starting at `from` (a '"'): after its closing quote, or -1 if not on this line. */
function goStringEnd(text: string, from: number): number {
  const close = goStringClose(text, from + 1);
  return close === -1 ? -1 : close + 1;
}

/**
 * How the Go SDK v2 reads a line that starts a statement: the name of the last section it opens on the line, or
 * "none" (not a header, a header running on over lines, or one it cannot parse, when it reads nothing at all).
 */
function goSectionName(text: string): string | undefined {
  let i = 0;
  let name: string | undefined;
  let open: string | undefined;
  while (i < text.length) {
    const c = text.charAt(i);
    if (isGoSpace(c)) {
      if (open !== undefined) open += c;
      i++;
    } else if (c === "#" || c === ";") {
      // A comment: after a header it ends the line; inside one the SDK fails on the file.
      return open === undefined ? name : undefined;
    } else if (c === "[") {
      if (open !== undefined) return undefined;
      open = "";
      i++;
    } else if (c === "]") {
      if (open === undefined) return undefined;
      name = open;
      open = undefined;
      i++;
    } else if (c === '"') {
      const end = goStringEnd(text, i);
      if (end === -1) return undefined;
      if (open !== undefined) open += text.slice(i, end);
      i = end;
    } else if (c === ",") {
      if (open !== undefined) return undefined;
      i++;
    } else {
      const end = c === "=" || c === ":" ? i + 1 : goLiteralEnd(text, i);
      if (open === undefined && name === undefined) return undefined;
      if (open !== undefined) open += text.slice(i, end);
      i = end;
    }
  }
  return open === undefined ? name : undefined;
}

const GO_SDK: Reader = {
  client: "the Go SDK v2",
  read(line, file) {
    const raw = goSectionName(line.text);
    if (raw === undefined) return NONE;
    let name = goTrim(raw);
    if (name.startsWith("profile ")) name = `profile ${name.slice("profile ".length).replace(/^ +/, "")}`;
    if (file === "credentials") return name.startsWith("profile ") || name === "" ? SECTION : profile(name);
    if (name.startsWith("profile ")) return profile(name.slice("profile ".length));
    return name.toLowerCase() === "default" ? profile(name) : SECTION;
  },
};

const READERS: readonly Reader[] = [AWS_OP, BOTOCORE, JS_SDK, GO_SDK];

/** Section names that no client reads as a profile, written as AWS documents them. */
const OTHER_SECTION = /^(?:(?:sso-session|services) [A-Za-z0-9_\-@+.%:/]+|[A-Za-z0-9_-]+)$/;

const isPortableName = (name: string): boolean => name !== "" && clientsMisreadingProfileName(name).length === 0;

/** Is the header line in the one form every client reads alike (see the top of the file)? */
function isCanonical(line: IniLine, file: AwsFileKind): boolean {
  if (!isHeaderForAll(line)) return false;
  const inner = line.text.slice(1, line.text.indexOf("]"));
  if (file === "credentials") return inner !== "DEFAULT" && isPortableName(inner);
  if (inner === "default") return true;
  if (inner.startsWith("profile ")) return isPortableName(inner.slice("profile ".length));
  return OTHER_SECTION.test(inner) && !/^(profile|default$)/i.test(inner);
}

/**
 * Does every client take the line for a section header (of some name), so that the lines below it join no section
 * above? At the start of a line between "\n" or "\r\n" ends; no "[", "]", "#" or ";" inside the brackets (the Go SDK
 * cuts at "#" and ";", the JS SDK at " #" and " ;", botocore's name runs to the last "]"), no quote that the Go
 * SDK's string would carry past the line; after "]" only spaces and tabs, or a comment after them.
 */
function isHeaderForAll(line: IniLine): boolean {
  if (line.eol === "\r" || line.eolBefore === "\r") return false;
  if (!/^\[[^[\]#;]+\]([ \t]*|[ \t]+[#;][^\]]*)$/.test(line.text)) return false;
  return !line.text.includes('"') || goSectionName(line.text) !== undefined;
}

function nameOf(reading: Reading): string | undefined {
  return reading.kind === "profile" ? reading.name : undefined;
}

interface Analyzed {
  readonly line: IniLine;
  readonly readings: readonly Reading[];
  readonly canonical: boolean;
  readonly headerForAll: boolean;
}

/** The profile names any reader reads from the line. */
function namesRead(a: Analyzed): string[] {
  return a.readings.map(nameOf).filter((n): n is string => n !== undefined);
}

/**
 * The profiles whose sections a line that some client may not take for a header could join: those of the bracket
 * lines above it, back to the nearest one that every client takes for a header (the section all of them are in).
 */
function namesAbove(lines: readonly Analyzed[], index: number): string[] {
  const names: string[] = [];
  for (let i = index - 1; i >= 0; i--) {
    const above = lines[i];
    if (above === undefined) break;
    names.push(...namesRead(above));
    if (above.headerForAll) break;
  }
  return names;
}

function describeReading(reading: Reading, file: AwsFileKind, plural: boolean): string {
  const verb = plural ? "read" : "reads";
  switch (reading.kind) {
    case "profile":
      return `${verb} it as the profile ${JSON.stringify(reading.name)}`;
    case "section":
      return `${verb} it as no profile`;
    case "defaults":
      return `${verb} it as defaults for every section of the ${file} file`;
    case "none":
      return `${plural ? "do" : "does"} not take it for a header, so the lines below it join the section above`;
  }
}

/** "botocore reads it as no profile; aws-op and the Go SDK v2 read it as the profile "prod"; ..." */
function describeReadings(readings: readonly Reading[], file: AwsFileKind): string {
  const groups = new Map<string, { reading: Reading; clients: string[] }>();
  readings.forEach((reading, i) => {
    const key = `${reading.kind}\0${nameOf(reading) ?? ""}`;
    const group = groups.get(key) ?? { reading, clients: [] };
    group.clients.push(READERS[i]?.client ?? "");
    groups.set(key, group);
  });
  return [...groups.values()]
    .map(({ reading, clients }) => `${listOf(clients)} ${describeReading(reading, file, clients.length > 1)}`)
    .join("; ");
}

function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1) ?? ""}`;
}

/** What keeps the line from the canonical form, in words. */
function formProblem(line: IniLine, file: AwsFileKind): string {
  if (line.eol === "\r" || line.eolBefore === "\r") {
    return "a lone carriage return ends this line or the one before (botocore starts a new line there, the JS and Go SDKs do not)";
  }
  if (!line.text.startsWith("[")) return "it is indented";
  const close = line.text.indexOf("]");
  if (close === -1) return 'it has no closing "]"';
  const inner = line.text.slice(1, close);
  const rest = line.text.slice(close + 1);
  if (/[#;]/.test(inner)) return 'it has "#" or ";" inside the brackets';
  if (/["']/.test(inner)) return "its name is quoted";
  if (rest !== "" && !/^([ \t]*|[ \t]+[#;][^\]]*)$/.test(rest)) {
    return /^[#;]/.test(rest) ? 'a comment follows "]" without a space' : 'there is more after the closing "]"';
  }
  if (inner === "DEFAULT") return "[DEFAULT] is configparser's section of defaults to botocore";
  if (file === "credentials" && /\s/.test(inner)) return "it has spaces or tabs inside the brackets";
  if (/^\s|\s$|\s\s|[^\S ]/.test(inner)) return 'it has spaces or tabs other than the one after "profile"';
  const name = file === "credentials" ? inner : inner.startsWith("profile ") ? inner.slice("profile ".length) : inner;
  const misreading = clientsMisreadingProfileName(name);
  if (misreading.length > 0) return `the name is one that ${listOf(misreading)} read differently`;
  return "it is not in the form every AWS client reads alike";
}

/** The header to write instead, as far as one can be named. */
function fixFor(a: Analyzed, file: AwsFileKind): string {
  const where = "at the very start of its line, with any comment after a space (or on a line of its own)";
  if (a.readings.some((r) => r.kind === "defaults")) {
    return "Rename [DEFAULT] to [default] if it is meant as the default profile; else move its keys into the profiles that need them and remove it.";
  }
  const inner = strip(a.line.text).replace(/^\[|\].*$/g, "");
  const name =
    inner.trim().toLowerCase() === "default"
      ? "default"
      : (nameOf(a.readings[0] ?? NONE) ?? nameOf(a.readings[1] ?? NONE));
  if (a.line.kind !== "section") {
    return `If this line is meant as a section header, write it ${where}; if it continues a value, reword it so that the line does not start with "[".`;
  }
  if (name !== undefined && isPortableName(name)) {
    const header = file === "credentials" ? `[${name}]` : name === "default" ? "[default]" : `[profile ${name}]`;
    return `Write it as ${header}, ${where}.`;
  }
  return `Rename the profile (letters, digits and - _ . @ + : / only) and write its header as ${file === "credentials" ? "[NAME]" : "[profile NAME]"}, ${where}.`;
}

export interface HeaderFile {
  doc: IniDocument;
  path: string;
}

/**
 * Every header that botocore, the JS SDK v3 and the Go SDK v2 read differently in the two files, ordered by file
 * and line, each with the profiles it leaves ambiguous.
 */
export function sectionHeaderProblems(files: { config: HeaderFile; credentials: HeaderFile }): HeaderProblem[] {
  const config = analyzeFile(files.config, "config");
  const credentials = analyzeFile(files.credentials, "credentials");
  const awsOpNames = new Set([...config.lines, ...credentials.lines].map((a) => nameOf(a.readings[0] ?? NONE)));
  const problems: HeaderProblem[] = [...config.problems, ...credentials.problems]
    .filter((p) => !p.canonical || p.profiles.some((name) => awsOpNames.has(name)))
    .map(({ canonical: _, ...problem }) => problem);
  for (const [file, other] of [
    [config, credentials],
    [credentials, config],
  ] as const) {
    const unread = file.unread;
    if (unread === undefined) continue;
    // The client reads only the other file: a profile with sections in both is another profile to it.
    const inOther = new Set(other.lines.flatMap(namesRead));
    const profiles = [...new Set(file.lines.flatMap(namesRead))].filter((name) => inOther.has(name));
    if (profiles.length === 0) continue;
    problems.push({
      path: file.path,
      line: unread.line,
      shown: undefined,
      why: `${unread.why}, and then reads nothing of this file without a word: for it, these profiles have only their sections in ${other.path}`,
      fix: unread.fix,
      profiles,
    });
  }
  return problems.sort((x, y) => (x.path === y.path ? x.line - y.line : x.path === files.config.path ? -1 : 1));
}

interface FileAnalysis {
  path: string;
  lines: Analyzed[];
  problems: FoundProblem[];
  /** Where a client gives up on the file silently (it then reads none of it, and no error shows). */
  unread?: { line: number; why: string; fix: string };
}

function analyzeFile({ doc, path }: HeaderFile, file: AwsFileKind): FileAnalysis {
  const lines: Analyzed[] = doc.bracketLines().map((line) => {
    const canonical = isCanonical(line, file);
    // A canonical profile header reads alike in every client (the top of the file): no need to ask each.
    const reading = canonical ? AWS_OP.read(line, file) : undefined;
    const readings =
      reading?.kind === "profile" ? READERS.map(() => reading) : READERS.map((reader) => reader.read(line, file));
    return { line, readings, canonical, headerForAll: canonical || isHeaderForAll(line) };
  });
  const problems: FoundProblem[] = [];
  let served: Map<number, string> | undefined;
  const servedBelow = (a: Analyzed): string | undefined =>
    (served ??= profilesServedBelow(doc, new Set(lines.map((b) => b.line.number)))).get(a.line.number);
  lines.forEach((a, index) => {
    const names = new Set(a.readings.map(nameOf));
    if (a.canonical && names.size === 1) return;
    const profiles = new Set(namesRead(a));
    if (!a.headerForAll) for (const name of namesAbove(lines, index)) profiles.add(name);
    if (a.readings.some((r) => r.kind === "defaults")) {
      for (const name of profilesMissingDefaults(doc, file)) profiles.add(name);
    }
    // Whichever profile some client runs the credential_process line below this header for, that line asks aws-op
    // for the profile it names.
    const target = servedBelow(a);
    if (profiles.size > 0 && target !== undefined) profiles.add(target);
    if (profiles.size === 0) return;
    const readings = describeReadings(a.readings, file);
    problems.push({
      path,
      line: a.line.number,
      shown: a.line.kind === "section" ? JSON.stringify(a.line.text) : undefined,
      why: a.canonical ? readings : `${formProblem(a.line, file)} (${readings})`,
      fix: fixFor(a, file),
      profiles: [...profiles],
      ...(a.canonical ? { canonical: true as const } : {}),
    });
  });
  if (file === "config") problems.push(...defaultTwice(lines, path));
  problems.push(...loneCarriageReturns(doc, lines, path, servedBelow));
  const strings = goStrings(doc, lines, path, servedBelow);
  problems.push(...strings.problems);
  let unread: FileAnalysis["unread"];
  if (strings.unclosedAt !== undefined) {
    unread = {
      line: strings.unclosedAt,
      why: "the Go SDK v2 reads the quote on this line as the start of a string that never ends",
      fix: "Close the quote on the same line or remove it (values need no quotes in AWS config files).",
    };
  }
  const proto = lines.find((a) => JS_BLOCKED.includes(jsSectionName(a.line.text) ?? ""));
  if (proto !== undefined) {
    unread = {
      line: proto.line.number,
      why: "the JS SDK v3 refuses this header",
      fix: 'Rename the section: "__proto__" is no name the JS SDK accepts.',
    };
  }
  return { path, lines, problems: problems.sort((x, y) => x.line - y.line), ...(unread ? { unread } : {}) };
}

/**
 * For each bracket line, the profile that an aws-op credential_process line between it and the next bracket line
 * asks for (its --profile, else "default", the profile aws-op serves when AWS_PROFILE is unset too).
 */
function profilesServedBelow(doc: IniDocument, brackets: ReadonlySet<number>): Map<number, string> {
  const served = new Map<number, string>();
  let bracket: number | undefined;
  for (const line of doc.lines()) {
    if (brackets.has(line.number)) bracket = line.number;
    if (bracket === undefined || line.kind !== "key") continue;
    const equals = line.text.search(/[=:]/);
    if (strip(line.text.slice(0, equals)).toLowerCase() !== "credential_process") continue;
    const named = awsOpProfileOnLine(strip(line.text.slice(equals + 1)));
    if (named !== undefined) served.set(bracket, named);
  }
  return served;
}

/** The profile an aws-op credential_process line asks for, or undefined for another program's line. */
function awsOpProfileOnLine(line: string): string | undefined {
  const words = splitPosix(line) ?? [];
  const processAt = words.indexOf("process");
  if (processAt < 1 || !words.slice(0, processAt).some((w) => /aws-op|cli\.js$/.test(w))) return undefined;
  let named = "default";
  words.forEach((word, i) => {
    if (i <= processAt) return;
    if (word === "--profile" && words[i + 1] !== undefined) named = words[i + 1] ?? named;
    else if (word.startsWith("--profile=")) named = word.slice("--profile=".length);
  });
  return named;
}

/** botocore gives [DEFAULT]'s keys to every section that lacks them; aws-op and the SDKs do not. */
function profilesMissingDefaults(doc: IniDocument, file: AwsFileKind): string[] {
  const defaults = Object.keys(doc.getSection("DEFAULT") ?? {});
  const names: string[] = [];
  for (const section of doc.sectionNames()) {
    if (section === "DEFAULT") continue;
    const name = nameOf(awsOpReadingOf(section, file));
    if (name === undefined) continue;
    const keys = doc.getSection(section) ?? {};
    if (defaults.some((key) => !(key in keys))) names.push(name);
  }
  return names;
}

/**
 * A line ended by a lone "\r": botocore (Python's universal newlines) starts a new line there, the JS and Go SDKs
 * do not, so to them the next line is part of this one (a key line they do not see, another value). The profile of
 * the section it is in is read differently. (Next to a header, the header's own check covers it too.)
 */
function loneCarriageReturns(
  doc: IniDocument,
  bracketLines: readonly Analyzed[],
  path: string,
  servedBelow: (a: Analyzed) => string | undefined,
): HeaderProblem[] {
  if (!/\r(?!\n)/.test(doc.toString())) return [];
  const problems: HeaderProblem[] = [];
  const done = new Set<number>();
  let b = -1;
  for (const line of doc.lines()) {
    while (b + 1 < bracketLines.length && (bracketLines[b + 1]?.line.number ?? Infinity) <= line.number) b++;
    if (line.eol !== "\r" || done.has(b)) continue;
    done.add(b);
    const above = bracketLines[b];
    const profiles = new Set<string>();
    if (above !== undefined) {
      for (const name of namesRead(above)) profiles.add(name);
      if (!above.headerForAll) for (const name of namesAbove(bracketLines, b)) profiles.add(name);
      const target = servedBelow(above);
      if (target !== undefined) profiles.add(target);
    }
    if (profiles.size === 0) continue;
    problems.push({
      path,
      line: line.number,
      shown: undefined,
      why: 'this line ends with a lone carriage return ("\\r"): botocore starts a new line there, the JS and Go SDKs read the next line as part of this one',
      fix: 'Save the file with "\\n" (or "\\r\\n") line ends.',
      profiles: [...profiles],
    });
  }
  return problems;
}

/** [default] and [profile default] both: botocore uses the later, the SDKs [profile default]; aws-op would merge. */
function defaultTwice(lines: readonly Analyzed[], path: string): HeaderProblem[] {
  const headers = lines.filter((a) => a.canonical && nameOf(a.readings[0] ?? NONE) === "default");
  const plain = headers.find((a) => a.line.section === "default");
  const prefixed = headers.find((a) => a.line.section === "profile default");
  if (plain === undefined || prefixed === undefined) return [];
  const later = plain.line.number > prefixed.line.number ? plain : prefixed;
  return [
    {
      path,
      line: later.line.number,
      shown: JSON.stringify(later.line.text),
      why: "the file has both [default] and [profile default]: botocore uses only the later of the two, the JS and Go SDKs only [profile default]",
      fix: "Keep one [default] section: move the keys of [profile default] into [default] and remove it.",
      profiles: ["default"],
    },
  ];
}

/**
 * The Go SDK v2 (before config 1.25) reads a '"' where a token starts as a string that runs to the next '"', over
 * line ends: the keys and headers in between are lost to it, and the lines after the string's end stay in the
 * section where it started. The profiles of the sections from there to the string's end are ambiguous. A string that never ends
 * makes its tokenizer give up: it then reads the file as empty, silently (sectionHeaderProblems).
 */
function goStrings(
  doc: IniDocument,
  bracketLines: readonly Analyzed[],
  path: string,
  servedBelow: (a: Analyzed) => string | undefined,
): { problems: HeaderProblem[]; unclosedAt?: number } {
  if (!doc.toString().includes('"')) return { problems: [] };
  const problems: HeaderProblem[] = [];
  let opened: number | undefined;
  for (const line of doc.lines()) {
    let from = 0;
    if (opened !== undefined) {
      const close = goStringClose(line.text, 0);
      if (close === -1) continue;
      const problem = goStringProblem(bracketLines, path, opened, line.number, servedBelow);
      if (problem) problems.push(problem);
      opened = undefined;
      from = close + 1;
    }
    if (goOpensString(line.text, from)) opened = line.number;
  }
  return { problems, ...(opened !== undefined ? { unclosedAt: opened } : {}) };
}

function goStringProblem(
  bracketLines: readonly Analyzed[],
  path: string,
  first: number,
  last: number,
  servedBelow: (a: Analyzed) => string | undefined,
): HeaderProblem | undefined {
  const inside = bracketLines.filter((a) => a.line.number > first && a.line.number <= last);
  const profiles = new Set<string>();
  let before = -1;
  while (before + 1 < bracketLines.length && (bracketLines[before + 1]?.line.number ?? Infinity) <= first) before++;
  const above = bracketLines[before];
  if (above !== undefined) {
    for (const name of namesRead(above)) profiles.add(name);
    if (!above.headerForAll) for (const name of namesAbove(bracketLines, before)) profiles.add(name);
  }
  for (const a of inside) for (const name of namesRead(a)) profiles.add(name);
  for (const a of [...(above ? [above] : []), ...inside]) {
    const target = servedBelow(a);
    if (target !== undefined) profiles.add(target);
  }
  if (profiles.size === 0) return undefined;
  return {
    path,
    line: first,
    shown: undefined,
    why: `the Go SDK v2 reads the quote on this line as the start of a string that ends on line ${last}, so it does not see the keys and headers in between`,
    fix: "Close the quote on the same line or remove it (values need no quotes in AWS config files).",
    profiles: [...profiles],
  };
}

/** The index of the first unescaped '"' from `from`, or -1. */
function goStringClose(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text.charAt(i) === '"' && (i === 0 || text.charAt(i - 1) !== "\\")) return i;
  }
  return -1;
}

/** Does the Go SDK's tokenizer open a string on this line (from `from`) that the line does not close? */
function goOpensString(text: string, from: number): boolean {
  if (!text.includes('"', from)) return false;
  let i = from;
  while (i < text.length) {
    const c = text.charAt(i);
    if (isGoSpace(c) || c === "," || c === "[" || c === "]" || c === "=" || c === ":") {
      i++;
    } else if (c === "#" || c === ";") {
      return false;
    } else if (c === '"') {
      const close = goStringClose(text, i + 1);
      if (close === -1) return true;
      i = close + 1;
    } else {
      i = goLiteralEnd(text, i);
    }
  }
  return false;
}
