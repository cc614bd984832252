// How botocore splits a credential_process line (and a section name) into words: Python's shlex.split on POSIX,
// its own _windows_shell_split (the Microsoft C runtime rules) on Windows. Hand-written: these must match Python's
// exact behaviour, which no npm shell-quote package promises; tests compare them with the real Python functions.

/** Python's shlex.split (POSIX mode, no comments). */
export function splitPosix(s: string): string[] | undefined {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < s.length) {
    const c = s.charAt(i++);
    if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (c === "\\") {
      if (i >= s.length) return undefined;
      word += s.charAt(i++);
      inWord = true;
    } else if (c === "'" || c === '"') {
      inWord = true;
      for (;;) {
        if (i >= s.length) return undefined;
        const q = s.charAt(i++);
        if (q === c) break;
        if (c === '"' && q === "\\") {
          if (i >= s.length) return undefined;
          const escaped = s.charAt(i++);
          word += escaped === '"' || escaped === "\\" ? escaped : `\\${escaped}`;
        } else {
          word += q;
        }
      }
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** botocore's _windows_shell_split (the Microsoft C runtime rules). */
export function splitWindows(s: string): string[] | undefined {
  const words: string[] = [];
  let buffer: string[] = [];
  let quoted = false;
  let backslashes = 0;
  for (const c of s) {
    if (c === "\\") {
      backslashes += 1;
    } else if (c === '"') {
      if (backslashes > 0) {
        buffer.push("\\".repeat(Math.floor(backslashes / 2)));
        const odd = backslashes % 2 === 1;
        backslashes = 0;
        if (odd) {
          buffer.push('"');
          continue;
        }
      }
      quoted = !quoted;
      buffer.push("");
    } else if ((c === " " || c === "\t") && !quoted) {
      if (backslashes > 0) buffer.push("\\".repeat(backslashes));
      backslashes = 0;
      if (buffer.length > 0) words.push(buffer.join(""));
      buffer = [];
    } else {
      if (backslashes > 0) buffer.push("\\".repeat(backslashes));
      backslashes = 0;
      buffer.push(c);
    }
  }
  if (quoted) return undefined;
  if (backslashes > 0) buffer.push("\\".repeat(backslashes));
  if (buffer.length > 0) words.push(buffer.join(""));
  return words;
}
