import { describe, expect, it } from "vitest";
import { redactSecrets, registerSecret } from "../../src/redact.js";

describe("redactSecrets (issue 13, item 7: --debug prints no secret)", () => {
  it("removes a registered secret, also its printable pieces when Node quotes it with odd bytes escaped", () => {
    registerSecret("abcdefghij\u0000klmnopqrst");
    const text = "Received 'abcdefghij\\x00klmnopqrst' and abcdefghij\u0000klmnopqrst";
    expect(redactSecrets(text)).toBe("Received '[redacted]\\x00[redacted]' and [redacted]");
  });

  it("removes what is shaped like a secret access key or a session token, in messages but not in stack frames", () => {
    const key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const token = `FwoGZXIvYXdzE${"Ab1+/".repeat(60)}==`;
    expect(redactSecrets(`bad key ${key} and token ${token}.`)).toBe("bad key [redacted] and token [redacted].");
    // A 40-character key may hold no digit at all.
    expect(redactSecrets("key wJalrXUtnFEMIKMDENGbPxRfiCYEXAMPLEKEYx/+z")).toBe("key [redacted]");
    const frame = "    at Object.run (/work/wt/aws-op/node_modules/@aws-sdk/client-sts/dist-cjs/index.js:1:2)";
    expect(redactSecrets(frame)).toBe(frame);
  });

  it("keeps what is not secret-shaped: ARNs, key IDs, paths, words", () => {
    const text =
      "aws-op: AWS denied assuming role arn:aws:iam::123456789012:role/Admin (AKIAIOSFODNN7EXAMPLE) in /home/alice/.aws/config: AccessDenied";
    expect(redactSecrets(text)).toBe(text);
  });
});
