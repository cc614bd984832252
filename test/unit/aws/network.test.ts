import { describe, expect, it } from "vitest";
import { caBundleFor, isProxyBypassed, networkSettings, proxyFor } from "../../../src/aws/network.js";
import { redactSecrets } from "../../../src/redact.js";
import { thrownBy } from "../../helpers/thrown.js";

const STS = "https://sts.eu-west-1.amazonaws.com";

describe("proxyFor: the proxy as botocore (urllib) chooses it", () => {
  it.each<[string, NodeJS.ProcessEnv, string, string | undefined]>([
    ["HTTPS_PROXY for an https endpoint", { HTTPS_PROXY: "http://p:3128" }, STS, "HTTPS_PROXY"],
    ["https_proxy as well", { https_proxy: "http://p:3128" }, STS, "https_proxy"],
    ["lower case wins", { https_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:1" }, STS, "https_proxy"],
    ["HTTP_PROXY for an http endpoint", { HTTP_PROXY: "http://p:3128" }, "http://127.0.0.1:5000", "HTTP_PROXY"],
    ["never HTTP_PROXY for an https endpoint", { HTTP_PROXY: "http://p:3128" }, STS, undefined],
    ["never HTTPS_PROXY for an http endpoint", { HTTPS_PROXY: "http://p:3128" }, "http://127.0.0.1:5000", undefined],
    ["nothing set", {}, STS, undefined],
  ])("%s", (_name, env, endpoint, variable) => {
    expect(proxyFor(endpoint, env)?.variable).toBe(variable);
  });

  it("an empty lower-case variable turns the proxy off, as in urllib", () => {
    expect(proxyFor(STS, { https_proxy: "", HTTPS_PROXY: "http://p:3128" })).toBeUndefined();
  });

  it("a proxy without a scheme is http:// (botocore's _fix_proxy_url)", () => {
    expect(proxyFor(STS, { HTTPS_PROXY: "proxy.corp:3128" })).toMatchObject({ url: "http://proxy.corp:3128/" });
    expect(proxyFor(STS, { HTTPS_PROXY: "//proxy.corp:3128" })).toMatchObject({ url: "http://proxy.corp:3128/" });
  });

  it("shows the proxy without its password, and the password never reaches a message", () => {
    const route = proxyFor(STS, { HTTPS_PROXY: "http://alice:s3cret-pa55word@proxy.corp:3128" });
    expect(route?.shown).toBe("http://alice@proxy.corp:3128");
    expect(route?.url).toBe("http://alice:s3cret-pa55word@proxy.corp:3128/");
    expect(redactSecrets("password s3cret-pa55word, pair alice:s3cret-pa55word")).not.toMatch(/s3cret/);
  });

  it("an unusable proxy URL names its variable and masks the credentials", () => {
    const error = thrownBy(() => proxyFor(STS, { https_proxy: "ftp://bob:hunter2hunter2@proxy:21" })) as Error;
    expect(error.message).toContain("https_proxy");
    expect(error.message).not.toContain("hunter2");
  });
});

describe("NO_PROXY: urllib's proxy_bypass_environment", () => {
  const env = (noProxy: string): NodeJS.ProcessEnv => ({ HTTPS_PROXY: "http://p:3128", NO_PROXY: noProxy });
  it.each<[string, string, boolean]>([
    ["amazonaws.com", STS, true],
    [".amazonaws.com", STS, true],
    ["sts.eu-west-1.amazonaws.com", STS, true],
    ["example.com, amazonaws.com", STS, true],
    ["*", STS, true],
    ["aws.com", STS, false],
    ["127.0.0.1", "https://127.0.0.1:4443", true],
    ["127.0.0.1:4443", "https://127.0.0.1:4443", true],
    ["127.0.0.1:9999", "https://127.0.0.1:4443", false],
    ["", STS, false],
  ])("NO_PROXY=%j, %s: direct %s", (noProxy, endpoint, direct) => {
    expect(isProxyBypassed(new URL(endpoint), noProxy)).toBe(direct);
    expect(proxyFor(endpoint, env(noProxy)) === undefined).toBe(direct);
  });

  it("no_proxy wins over NO_PROXY", () => {
    expect(
      proxyFor(STS, { HTTPS_PROXY: "http://p:1", no_proxy: "example.com", NO_PROXY: "amazonaws.com" }),
    ).toBeDefined();
  });
});

describe("caBundleFor: AWS_CA_BUNDLE, else the profile's ca_bundle", () => {
  const profile = { path: "/etc/corp.pem", profile: "work" };
  it("AWS_CA_BUNDLE wins", () => {
    expect(caBundleFor(networkSettings({ AWS_CA_BUNDLE: "/x.pem" }, "/home/a", profile))).toEqual({
      path: "/x.pem",
      source: "AWS_CA_BUNDLE",
    });
  });
  it("then the profile's", () => {
    expect(caBundleFor(networkSettings({}, "/home/a", profile))).toEqual({
      path: "/etc/corp.pem",
      source: 'ca_bundle of profile "work"',
    });
  });
  it("none: Node's own CAs", () => {
    expect(caBundleFor(networkSettings({ AWS_CA_BUNDLE: " " }, "/home/a", undefined))).toBeUndefined();
  });
});
