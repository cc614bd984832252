// Text that aws-op did not write itself (item titles, field labels and values, profile names and values from the
// AWS files, names in error messages) is shown with its control characters escaped, so it cannot move the cursor,
// clear the screen, set the window title, or fake a "✓" line. Escaped: C0 controls (line breaks and tabs too: each
// value is shown on its line), DEL, C1 controls (U+009B is a CSI to many terminals) and the bidirectional
// overrides and isolates that reorder what is shown (U+202A-U+202E, U+2066-U+2069).

function isUnsafe(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

function escapeChar(c: number): string {
  if (c === 0x0a) return "\\n";
  if (c === 0x0d) return "\\r";
  if (c === 0x09) return "\\t";
  return c < 0x100 ? `\\x${c.toString(16).padStart(2, "0")}` : `\\u${c.toString(16).padStart(4, "0")}`;
}

/** The text with every control character written as a visible escape (\x1b, \r, \u202e ...). */
export function escapeForTerminal(text: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isUnsafe(c)) continue;
    out += text.slice(from, i) + escapeChar(c);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * A name aws-op did not choose (an item title, an item reference or a vault from the AWS files) as a message quotes
 * it: once, in double quotes, with its quotes and backslashes escaped as JSON escapes them, so that one holding
 * quotes stays unambiguous (`"AWS \"prod\" / eu"`, not `"AWS "prod" / eu"`). Control characters are left to
 * escapeForTerminal, which every message goes through when shown (as `\x1b`, `\n`, like the rest of the text; a
 * backslash of the name itself shows doubled, so the two cannot be confused).
 */
export function quoted(name: string): string {
  return `"${name.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** JSON.stringify escapes C0 controls; this escapes C1 controls and bidi overrides as well (still valid JSON). */
export function jsonForTerminal(value: unknown): string {
  let out = "";
  const json = JSON.stringify(value, null, 2);
  let from = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    // Raw line breaks are JSON.stringify's own indentation; those inside strings are escaped already.
    if (c === 0x0a || !isUnsafe(c)) continue;
    out += `${json.slice(from, i)}\\u${c.toString(16).padStart(4, "0")}`;
    from = i + 1;
  }
  return from === 0 ? json : out + json.slice(from);
}
