import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCredentialProcessOutput, maskKeyId, toIsoSeconds } from "../../../src/aws/credential-output.js";

describe("credential_process output", () => {
  it("writes Version 1, the keys, and an RFC 3339 UTC Expiration with Z", () => {
    const text = formatCredentialProcessOutput({
      accessKeyId: "ASIA1",
      secretAccessKey: "s",
      sessionToken: "t",
      expiration: new Date("2026-11-25T12:34:56.789Z"),
      accountId: "123456789012",
    });
    expect(text.endsWith("\n")).toBe(true);
    expect(JSON.parse(text)).toEqual({
      Version: 1,
      AccessKeyId: "ASIA1",
      SecretAccessKey: "s",
      SessionToken: "t",
      Expiration: "2026-11-25T12:34:56Z",
      AccountId: "123456789012",
    });
  });

  it("leaves out SessionToken and Expiration for long-term keys", () => {
    expect(JSON.parse(formatCredentialProcessOutput({ accessKeyId: "AKIA1", secretAccessKey: "s" }))).toEqual({
      Version: 1,
      AccessKeyId: "AKIA1",
      SecretAccessKey: "s",
    });
  });

  it("masks key ids to their first and last four characters", () => {
    expect(maskKeyId("AKIAIOSFODNN7EXAMPLE")).toBe("AKIA************MPLE");
    expect(maskKeyId("short")).toBe("*****");
  });
});

describe("toIsoSeconds (without toISOString, on the warm path)", () => {
  it("is toISOString() without the milliseconds, for any date (property)", () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (date) => {
        expect(toIsoSeconds(date)).toBe(date.toISOString().replace(/\.\d{3}Z$/, "Z"));
      }),
      { numRuns: 1000 },
    );
    expect(toIsoSeconds(new Date("0001-02-03T04:05:06.789Z"))).toBe("0001-02-03T04:05:06Z");
  });

  it("throws for an invalid date, as toISOString() does", () => {
    expect(() => toIsoSeconds(new Date(Number.NaN))).toThrow(RangeError);
  });
});
