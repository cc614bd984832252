// What a terminal must never receive from text aws-op did not write: control characters other than line breaks
// (C0, DEL, C1) and bidirectional overrides. Returns the first such character's code, or undefined.
export function firstControlCharacter(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return c;
  }
  return undefined;
}
