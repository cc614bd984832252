import { describe, expect, it } from "vitest";
import { toAwsError } from "../../../src/aws/aws-errors.js";

function sdkError(name: string, message: string, code?: string) {
  return Object.assign(new Error(message), { name, ...(code ? { code } : {}), $metadata: { httpStatusCode: 403 } });
}

describe("AWS errors", () => {
  it.each([
    [
      sdkError("InvalidClientTokenId", "The security token included in the request is invalid."),
      "GetSessionToken",
      /rejected the access key[\s\S]*rotate/,
    ],
    [
      sdkError("SignatureDoesNotMatch", "The request signature we calculated does not match"),
      "GetSessionToken",
      /rejected the secret access key/,
    ],
    [
      sdkError("SignatureDoesNotMatch", "Signature expired: 20261125T000000Z is now earlier than ..."),
      "GetSessionToken",
      /clock is wrong[\s\S]*NTP/,
    ],
    [
      sdkError("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code."),
      "GetSessionToken",
      /rejected the MFA code/,
    ],
    [
      sdkError("AccessDenied", "User is not authorized to perform: sts:GetSessionToken"),
      "GetSessionToken",
      /sts:GetSessionToken[\s\S]*op_session_duration = off/,
    ],
    [sdkError("Throttling", "Rate exceeded"), "GetSessionToken", /throttling/],
    [
      sdkError("Error", "connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED"),
      "GetSessionToken",
      /Could not reach AWS[\s\S]*AWS_ENDPOINT_URL/,
    ],
    [
      sdkError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."),
      "AssumeRole",
      /duration[\s\S]*op_role_duration/,
    ],
    [
      sdkError("AccessDenied", "explicit deny in an identity-based policy (aws:MultiFactorAuthPresent)"),
      "GetFederationToken",
      /sts:GetFederationToken[\s\S]*takes no MFA[\s\S]*role profile/,
    ],
    [
      sdkError("ValidationError", "Value at 'durationSeconds' failed to satisfy constraint"),
      "GetFederationToken",
      /duration[\s\S]*--duration/,
    ],
  ])("%s", (error, operation, expected) => {
    const mapped = toAwsError(error, { operation, mfa: true });
    expect(`${mapped.message}\n${mapped.hint ?? ""}`).toMatch(expected);
  });
});

// AWS failures that the loopback STS cannot produce safely (DNS) or that come from aws-op's own call cap.

const ctx = { operation: "GetSessionToken", endpoint: "https://sts.example.invalid" };

describe("AWS errors that never reach a server", () => {
  it("DNS failure (ENOTFOUND) names the endpoint and the network settings to check", () => {
    const error = toAwsError(Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }), ctx);
    expect(error.message).toBe(
      "Could not reach AWS for STS GetSessionToken at https://sts.example.invalid (ENOTFOUND).",
    );
    expect(error.hint).toMatch(/AWS_ENDPOINT_URL/);
  });

  it("the whole-call cap (AbortError) is reported as AWS not answering in time", () => {
    const error = toAwsError(Object.assign(new Error("Request aborted"), { name: "AbortError" }), ctx);
    expect(error.message).toBe("AWS did not answer STS GetSessionToken at https://sts.example.invalid in time.");
  });

  it("a per-attempt timeout (TimeoutError) is reported the same way", () => {
    const error = toAwsError(Object.assign(new Error("socket timed out"), { name: "TimeoutError" }), ctx);
    expect(error.message).toMatch(/did not answer .* in time/);
  });
});
