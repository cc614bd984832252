import { describe, expect, it } from "vitest";
import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { configuredEndpoint, defaultEndpoint, type ServicesSection } from "../../../src/aws/endpoints.js";

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

describe("configuredEndpoint: the profile's services section", () => {
  const services: ServicesSection = {
    name: "corp",
    endpointUrls: { sts: "https://vpce.sts.example", iam: "https://iam.corp.example" },
  };
  const profile = { services, endpointUrl: "https://profile.example" };
  it("after the variables, before the profile's endpoint_url (the SDKs' order)", () => {
    expect(configuredEndpoint("STS", {}, profile)).toBe("https://vpce.sts.example");
    expect(configuredEndpoint("IAM", {}, profile)).toBe("https://iam.corp.example");
    expect(configuredEndpoint("SIGNIN", {}, profile)).toBe("https://profile.example");
    expect(configuredEndpoint("STS", { AWS_ENDPOINT_URL: "http://all" }, profile)).toBe("http://all");
    expect(configuredEndpoint("STS", { AWS_ENDPOINT_URL_STS: "http://sts" }, profile)).toBe("http://sts");
  });
  it("ignore_configured_endpoint_urls turns it off too", () => {
    expect(configuredEndpoint("STS", { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }, profile)).toBeUndefined();
  });
  it("a services name without its section fails, naming both, when the lookup gets that far (as botocore)", () => {
    const missing = { services: { name: "corp", endpointUrls: {}, missingIn: "/home/a/.aws/config" } };
    expect(() => configuredEndpoint("STS", {}, missing)).toThrow(
      'The profile says "services = corp", but /home/a/.aws/config has no [services corp] section.',
    );
    expect(configuredEndpoint("STS", { AWS_ENDPOINT_URL_STS: "http://sts" }, missing)).toBe("http://sts");
  });
});

describe("defaultEndpoint: what the SDK calls when nothing is configured", () => {
  it.each(["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "cn-northwest-1", "us-gov-west-1"])(
    "%s: the SDK's own endpoint rules agree",
    (region) => {
      for (const [service, Client] of [
        ["STS", STSClient],
        ["IAM", IAMClient],
      ] as const) {
        const client = new Client({ region, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
        const resolved = client.config.endpointProvider({
          Region: region,
          UseFIPS: false,
          UseDualStack: false,
          UseGlobalEndpoint: false,
        } as never);
        expect(`${defaultEndpoint(service, region)}/`).toBe(resolved.url.href);
        client.destroy();
      }
    },
  );
});
