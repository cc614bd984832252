// RFC 6238 time-based one-time passwords (HMAC-SHA1/256/512 over RFC 4226 HOTP), as 1Password computes the `totp`
// value of an OTP field. Pure functions: the caller passes the clock.
import { createHmac } from "node:crypto";

export type TotpAlgorithm = "SHA1" | "SHA256" | "SHA512";

export interface TotpParameters {
  secret: Buffer;
  algorithm: TotpAlgorithm;
  digits: number;
  periodSeconds: number;
}

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32, case-insensitive, ignoring spaces, dashes and `=` padding (authenticator apps show secrets so). */
export function decodeBase32(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=-]/g, "");
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index === -1) throw new Error("invalid base32 character in OTP secret");
    buffer = (buffer << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

export function encodeBase32(data: Buffer): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** RFC 4226 HOTP with dynamic truncation. */
export function hotp(secret: Buffer, counter: number, digits = 6, algorithm: TotpAlgorithm = "SHA1"): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac(algorithm.toLowerCase(), secret).update(message).digest();
  const offset = (digest[digest.length - 1] ?? 0) & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** RFC 6238 TOTP at `epochSeconds` (T0 = 0). */
export function totp(
  secret: Buffer,
  epochSeconds: number,
  options: { digits?: number; periodSeconds?: number; algorithm?: TotpAlgorithm } = {},
): string {
  const period = options.periodSeconds ?? 30;
  return hotp(secret, Math.floor(epochSeconds / period), options.digits ?? 6, options.algorithm ?? "SHA1");
}

/**
 * Reads an OTP field value: an `otpauth://totp/...?secret=...` URI (with optional algorithm, digits, period) or,
 * as 1Password also accepts, a bare base32 secret. Returns undefined when the value holds no usable secret.
 */
export function parseOtpValue(value: string): TotpParameters | undefined {
  try {
    if (value.startsWith("otpauth://")) {
      const url = new URL(value);
      if (url.host.toLowerCase() !== "totp") return undefined;
      const secretText = url.searchParams.get("secret");
      if (!secretText) return undefined;
      const algorithmText = (url.searchParams.get("algorithm") ?? "SHA1").toUpperCase();
      const algorithm: TotpAlgorithm =
        algorithmText === "SHA256" || algorithmText === "SHA512" ? algorithmText : "SHA1";
      const digits = Number(url.searchParams.get("digits") ?? "6");
      const periodSeconds = Number(url.searchParams.get("period") ?? "30");
      const secret = decodeBase32(secretText);
      if (secret.length === 0 || !Number.isInteger(digits) || digits < 1 || digits > 10) return undefined;
      if (!Number.isInteger(periodSeconds) || periodSeconds < 1) return undefined;
      return { secret, algorithm, digits, periodSeconds };
    }
    const secret = decodeBase32(value);
    if (secret.length === 0) return undefined;
    return { secret, algorithm: "SHA1", digits: 6, periodSeconds: 30 };
  } catch {
    return undefined;
  }
}

/** The current code for an OTP field value, or undefined when the value is not a usable TOTP setup. */
export function currentOtpCode(value: string, epochSeconds: number): string | undefined {
  const parameters = parseOtpValue(value);
  if (!parameters) return undefined;
  return totp(parameters.secret, epochSeconds, parameters);
}
