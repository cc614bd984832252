// Redaction of everything secret-shaped from text aws-op shows: error messages, hints and the stack traces of
// --debug. Two nets: the exact secrets this process handled (item secrets, OTP URIs, session secrets and tokens,
// registered where they enter aws-op), also in the escaped forms Node uses when it quotes a value in an error
// (`'abc\x00def'`); and, for secrets aws-op never got to hold (an STS body that failed to parse, quoted back by
// the SDK), anything shaped like an AWS secret access key or session token.

const REDACTED = "[redacted]";

/** Pieces of a secret shorter than this are not searched for on their own (too many false matches). */
const MIN_PIECE_LENGTH = 8;

const known = new Set<string>();

/** Remember a secret this process holds, so that no message or stack trace can show it. */
export function registerSecret(value: string | undefined): void {
  if (!value) return;
  known.add(value);
  // Node and the SDK quote values with odd bytes escaped (\x00, \u0001, \n): the printable runs are what shows.
  for (const piece of value.split(/[^\x20-\x7e]+/)) if (piece.length >= MIN_PIECE_LENGTH) known.add(piece);
}

/**
 * An AWS secret access key (40 characters of base64) or session token (hundreds): a long run of base64 (or
 * base64url) characters mixing upper and lower case (and, if shorter than 40, digits). Runs that start with "/"
 * are paths, not keys.
 */
const SECRET_SHAPED = /(?<![A-Za-z0-9+/=_-])(?!\/)[A-Za-z0-9+/=_-]{32,}/g;

function isSecretShaped(run: string): boolean {
  return /[A-Z]/.test(run) && /[a-z]/.test(run) && (run.length >= 40 || /[0-9]/.test(run));
}

/** `text` with every registered secret and every secret-shaped run replaced by "[redacted]". */
export function redactSecrets(text: string): string {
  let result = text;
  // Longest first: a secret's pieces must not leave the rest of it behind.
  for (const secret of [...known].sort((a, b) => b.length - a.length)) result = result.split(secret).join(REDACTED);
  return result
    .split("\n")
    .map((line) =>
      // Stack frames name functions and files, never values: leave them readable.
      /^\s+at /.test(line) ? line : line.replace(SECRET_SHAPED, (run) => (isSecretShaped(run) ? REDACTED : run)),
    )
    .join("\n");
}
