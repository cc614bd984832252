import { describe, expect, it } from "vitest";
import { toIamError } from "../../../src/aws/iam.js";
import { UserError } from "../../../src/errors.js";

describe("toIamError", () => {
  const cases: [string, object, RegExp][] = [
    ["connection refused", { code: "ECONNREFUSED" }, /Could not reach AWS for IAM CreateAccessKey at http:\/\/x/],
    ["timeout", { name: "TimeoutError", message: "" }, /did not answer IAM CreateAccessKey/],
    ["unknown key", { name: "InvalidClientTokenId", message: "nope" }, /rejected the access key from 1Password/],
    ["bad secret", { name: "SignatureDoesNotMatch", message: "" }, /rejected the secret access key/],
    ["denied", { name: "AccessDenied", message: "not allowed" }, /AWS denied IAM CreateAccessKey: not allowed/],
    ["two keys", { name: "LimitExceeded", message: "" }, /maximum number of access keys \(2\)/],
    ["no user", { name: "NoSuchEntity", message: "user x" }, /does not exist/],
    ["throttled", { name: "Throttling", message: "" }, /throttling/],
    ["other", { name: "Weird", message: "odd" }, /IAM CreateAccessKey failed: Weird: odd/],
  ];
  it.each(cases)("%s becomes a UserError naming the fix", (_name, error, message) => {
    const mapped = toIamError(error, "CreateAccessKey", { endpoint: "http://x" });
    expect(mapped).toBeInstanceOf(UserError);
    expect(`${mapped.message} ${mapped.hint ?? ""}`).toMatch(message);
  });

  it("passes a UserError through unchanged", () => {
    const original = new UserError("already clear");
    expect(toIamError(original, "ListAccessKeys")).toBe(original);
  });

  it("names the IAM permissions needed when access is denied", () => {
    expect(toIamError({ name: "AccessDenied" }, "ListAccessKeys").hint).toMatch(
      /iam:ListAccessKeys, iam:CreateAccessKey/,
    );
  });
});
