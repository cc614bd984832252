// AWS failures that the loopback STS cannot produce safely (DNS) or that come from aws-op's own call cap.
import { describe, expect, it } from "vitest";
import { toAwsError } from "../../../src/aws/aws-errors.js";

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
