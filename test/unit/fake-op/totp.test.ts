import { describe, expect, it } from "vitest";
import { currentOtpCode, decodeBase32, encodeBase32, hotp, parseOtpValue, totp } from "../../fake-op/totp.js";

// RFC 6238 appendix B. The seeds are the ASCII strings the RFC's reference code uses for each algorithm.
const SEED_SHA1 = Buffer.from("12345678901234567890", "ascii");
const SEED_SHA256 = Buffer.from("12345678901234567890123456789012", "ascii");
const SEED_SHA512 = Buffer.from("1234567890123456789012345678901234567890123456789012345678901234", "ascii");

const RFC6238_VECTORS: [number, string, string, string][] = [
  // time, SHA1, SHA256, SHA512 (8 digits)
  [59, "94287082", "46119246", "90693936"],
  [1111111109, "07081804", "68084774", "25091201"],
  [1111111111, "14050471", "67062674", "99943326"],
  [1234567890, "89005924", "91819424", "93441116"],
  [2000000000, "69279037", "90698825", "38618901"],
  [20000000000, "65353130", "77737706", "47863826"],
];

describe("RFC 6238 TOTP", () => {
  it.each(RFC6238_VECTORS)("at T=%i gives the RFC's 8-digit codes", (time, sha1, sha256, sha512) => {
    expect(totp(SEED_SHA1, time, { digits: 8 })).toBe(sha1);
    expect(totp(SEED_SHA256, time, { digits: 8, algorithm: "SHA256" })).toBe(sha256);
    expect(totp(SEED_SHA512, time, { digits: 8, algorithm: "SHA512" })).toBe(sha512);
  });

  it.each(RFC6238_VECTORS)("at T=%i gives the last 6 digits in the default 6-digit SHA1 mode", (time, sha1) => {
    expect(totp(SEED_SHA1, time)).toBe(sha1.slice(-6));
  });

  it("keeps the same code for a whole 30 s step and changes at the boundary", () => {
    expect(totp(SEED_SHA1, 30)).toBe(totp(SEED_SHA1, 59));
    expect(totp(SEED_SHA1, 60)).not.toBe(totp(SEED_SHA1, 59));
  });
});

describe("RFC 4226 HOTP", () => {
  it("matches appendix D", () => {
    const expected = [
      "755224",
      "287082",
      "359152",
      "969429",
      "338314",
      "254676",
      "287922",
      "162583",
      "399871",
      "520489",
    ];
    expect(expected.map((_, counter) => hotp(SEED_SHA1, counter))).toEqual(expected);
  });
});

describe("base32", () => {
  it("round-trips and ignores case, spaces and padding", () => {
    expect(encodeBase32(SEED_SHA1)).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    expect(decodeBase32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq====")).toEqual(SEED_SHA1);
  });

  it("rejects characters outside the alphabet", () => {
    expect(() => decodeBase32("GEZ1")).toThrow();
  });
});

describe("OTP field values", () => {
  it("reads otpauth URIs with their parameters", () => {
    const parsed = parseOtpValue(
      "otpauth://totp/AWS:dev?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA256&digits=8&period=60",
    );
    expect(parsed).toMatchObject({ algorithm: "SHA256", digits: 8, periodSeconds: 60 });
    expect(parsed?.secret).toEqual(SEED_SHA1);
  });

  it("accepts a bare base32 secret, as 1Password does", () => {
    expect(currentOtpCode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59)).toBe("287082");
  });

  it("computes the 6-digit code of an otpauth URI", () => {
    expect(currentOtpCode("otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 1111111109)).toBe("081804");
  });

  it("gives nothing for unusable values", () => {
    expect(currentOtpCode("otpauth://hotp/x?secret=GEZDGNBV", 59)).toBeUndefined();
    expect(currentOtpCode("otpauth://totp/x", 59)).toBeUndefined();
    expect(currentOtpCode("not base32!", 59)).toBeUndefined();
    expect(currentOtpCode("", 59)).toBeUndefined();
  });
});
