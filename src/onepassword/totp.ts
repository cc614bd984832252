// RFC 6238 one-time codes from an item's otpauth:// URI. op already gives the current code ("totp"); aws-op only
// computes codes itself to wait for the *next* one when the current code was just used (AWS rejects a reused code).
// Hand-written: a dozen lines over node:crypto, where a library would add a dependency to the cold path. node:crypto
// is loaded when a code is computed (process.getBuiltinModule), not with aws-op: a warm `aws-op process` never needs it.
import { UserError } from "../errors.js";
import { quoted } from "../ui/terminal-text.js";

export interface TotpParameters {
  secret: Buffer;
  digits: number;
  period: number;
  algorithm: "sha1" | "sha256" | "sha512";
}

function base32Decode(text: string): Buffer | undefined {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const clean = text.toUpperCase().replace(/[\s=-]/g, "");
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = alphabet.indexOf(char);
    if (index < 0) return undefined;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out.length > 0 ? Buffer.from(out) : undefined;
}

/** Parameters of an otpauth://totp URI, or a bare base32 secret; undefined when it cannot be understood. */
export function parseOtpUri(uri: string): TotpParameters | undefined {
  let params: URLSearchParams;
  if (/^otpauth:/i.test(uri)) {
    try {
      params = new URL(uri).searchParams;
    } catch {
      return undefined;
    }
  } else {
    params = new URLSearchParams({ secret: uri });
  }
  const secret = base32Decode(params.get("secret") ?? "");
  if (!secret) return undefined;
  const algorithm = (params.get("algorithm") ?? "SHA1").toLowerCase();
  if (algorithm !== "sha1" && algorithm !== "sha256" && algorithm !== "sha512") return undefined;
  const digits = Number(params.get("digits") ?? 6);
  const period = Number(params.get("period") ?? 30);
  if (!Number.isInteger(digits) || digits < 6 || digits > 10 || !Number.isInteger(period) || period <= 0)
    return undefined;
  return { secret, digits, period, algorithm };
}

export function totpCounter(params: Pick<TotpParameters, "period">, epochMs: number): number {
  return Math.floor(epochMs / 1000 / params.period);
}

export function generateTotp(params: TotpParameters, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const { createHmac } = process.getBuiltinModule("node:crypto");
  const hmac = createHmac(params.algorithm, params.secret).update(message).digest();
  const offset = (hmac[hmac.length - 1] ?? 0) & 0x0f;
  const binary = hmac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** params.digits).padStart(params.digits, "0");
}

/** AWS virtual MFA devices (and AWS's check of a code) use RFC 6238's defaults: 30 s steps, 6 digits, HMAC-SHA1. */
export const AWS_TOTP = { period: 30, digits: 6, algorithm: "sha1" } as const;

/**
 * Refuse OTP parameters AWS never uses: codes made with them are rejected by AWS, and waiting one "period" for the
 * next code could take a day (period=86400). Names what was found and what AWS uses.
 */
export function requireAwsTotpParameters(params: TotpParameters, item: string): TotpParameters {
  const wrong = [
    params.period !== AWS_TOTP.period ? `a period of ${params.period} s` : undefined,
    params.digits !== AWS_TOTP.digits ? `${params.digits} digits` : undefined,
    params.algorithm !== AWS_TOTP.algorithm ? params.algorithm.toUpperCase() : undefined,
  ].filter((w): w is string => w !== undefined);
  if (wrong.length === 0) return params;
  throw new UserError(
    `The one-time password of 1Password item ${quoted(item)} uses ${wrong.join(", ")}; AWS virtual MFA devices use 30-second codes of 6 digits (SHA1).`,
    {
      hint: "Put the secret (or QR code) AWS showed when the MFA device was assigned into the item's one-time password field, without period, digits or algorithm parameters.",
    },
  );
}
