import { describe, expect, it } from "vitest";
import { formatCredentialProcessOutput, maskKeyId } from "../../../src/aws/credential-output.js";

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
