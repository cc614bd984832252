import { describe, expect, it } from "vitest";
import { generateTotp, parseOtpUri, totpCounter } from "../../../src/onepassword/totp.js";

// RFC 6238 appendix B: the SHA1 secret is the ASCII "12345678901234567890" (base32 below), 8 digits, 30 s steps.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

describe("TOTP", () => {
  it.each([
    [59, "94287082"],
    [1111111109, "07081804"],
    [1111111111, "14050471"],
    [1234567890, "89005924"],
    [2000000000, "69279037"],
    [20000000000, "65353130"],
  ])("RFC 6238 SHA1 vector at %i s", (seconds, code) => {
    const params = parseOtpUri(`otpauth://totp/x?secret=${RFC_SECRET}&digits=8`)!;
    expect(generateTotp(params, totpCounter(params, seconds * 1000))).toBe(code);
  });

  it("defaults to 6 digits and 30 s, and accepts a bare base32 secret", () => {
    const params = parseOtpUri("jbsw y3dp ehpk 3pxp")!;
    expect(params).toMatchObject({ digits: 6, period: 30, algorithm: "sha1" });
    expect(generateTotp(params, 1)).toMatch(/^\d{6}$/);
  });

  it.each([
    ["otpauth://totp/x"],
    ["otpauth://totp/x?secret=!!!"],
    ["otpauth://totp/x?secret=JBSWY3DP&algorithm=MD5"],
    ["otpauth://totp/x?secret=JBSWY3DP&digits=3"],
  ])("rejects %s", (uri) => {
    expect(parseOtpUri(uri)).toBeUndefined();
  });
});
