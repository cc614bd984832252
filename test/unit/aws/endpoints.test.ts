import { describe, expect, it } from "vitest";
import { configuredEndpoint } from "../../../src/aws/endpoints.js";

// The SDKs' order (service-specific endpoints): AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (else the profile's
// ignore_configured_endpoint_urls) turns every configured endpoint off; otherwise AWS_ENDPOINT_URL_<SERVICE>, then
// AWS_ENDPOINT_URL, then the profile's endpoint_url.
describe("configuredEndpoint (issue 13, item 12)", () => {
  const ALL = { AWS_ENDPOINT_URL: "http://all.example", AWS_ENDPOINT_URL_STS: "http://sts.example" };
  it.each<
    [string, NodeJS.ProcessEnv, { ignoreConfiguredEndpointUrls?: string; endpointUrl?: string }, string | undefined]
  >([
    ["service variable first", ALL, {}, "http://sts.example"],
    ["then AWS_ENDPOINT_URL", { AWS_ENDPOINT_URL: "http://all.example" }, {}, "http://all.example"],
    ["then the profile's endpoint_url", {}, { endpointUrl: "http://profile.example" }, "http://profile.example"],
    ["nothing configured", {}, {}, undefined],
    [
      "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores the variables",
      { ...ALL, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" },
      {},
      undefined,
    ],
    [
      "... and the profile's endpoint_url",
      { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "TRUE" },
      { endpointUrl: "http://profile.example" },
      undefined,
    ],
    ["ignore_configured_endpoint_urls = true in the profile", ALL, { ignoreConfiguredEndpointUrls: "true" }, undefined],
    [
      "the variable wins over the profile (false)",
      { ...ALL, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "false" },
      { ignoreConfiguredEndpointUrls: "true" },
      "http://sts.example",
    ],
    ["anything but true is false", { ...ALL, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "yes" }, {}, "http://sts.example"],
  ])("%s", (_name, env, profile, expected) => {
    expect(configuredEndpoint("STS", env, profile)).toBe(expected);
  });

  it("IAM and SIGNIN read their own variables", () => {
    const env = { AWS_ENDPOINT_URL_IAM: "http://iam.example", AWS_ENDPOINT_URL_SIGNIN: "http://signin.example" };
    expect(configuredEndpoint("IAM", env)).toBe("http://iam.example");
    expect(configuredEndpoint("SIGNIN", env)).toBe("http://signin.example");
    expect(configuredEndpoint("STS", env)).toBeUndefined();
  });

  it("IAM prefers AWS_ENDPOINT_URL_IAM over AWS_ENDPOINT_URL, never takes STS's, and is unset without either", () => {
    expect(configuredEndpoint("IAM", { AWS_ENDPOINT_URL: "http://a", AWS_ENDPOINT_URL_IAM: "http://iam" })).toBe(
      "http://iam",
    );
    expect(configuredEndpoint("IAM", { AWS_ENDPOINT_URL: "http://a", AWS_ENDPOINT_URL_STS: "http://sts" })).toBe(
      "http://a",
    );
    expect(configuredEndpoint("IAM", {})).toBeUndefined();
  });
});
