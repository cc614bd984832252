// The federation endpoint client: partitions, endpoint and destination rules as tables; getSigninToken against the
// loopback fake endpoint, including every way it can fail.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  consoleDestination,
  FEDERATION_MAX_BODY_BYTES,
  federationEndpoint,
  issuerFor,
  loginUrl,
  partitionOf,
  requestSigninToken,
  toFederationCredentials,
} from "../../../src/aws/federation.js";
import { startFakeFederation, type FakeFederation } from "../../helpers/fake-federation.js";
import { freePort } from "../../helpers/moto.js";
import { listenOnLoopback } from "../../helpers/loopback-server.js";

const credentials = { accessKeyId: "ASIAEXAMPLE0000001", secretAccessKey: "secret/+=", sessionToken: "token+/=" };

describe("partitions", () => {
  it.each([
    [
      "us-east-1",
      "aws",
      "https://signin.aws.amazon.com/federation",
      "https://console.aws.amazon.com/console/home?region=us-east-1",
    ],
    [
      "eu-west-1",
      "aws",
      "https://signin.aws.amazon.com/federation",
      "https://console.aws.amazon.com/console/home?region=eu-west-1",
    ],
    [
      "ap-southeast-4",
      "aws",
      "https://signin.aws.amazon.com/federation",
      "https://console.aws.amazon.com/console/home?region=ap-southeast-4",
    ],
    [
      "cn-north-1",
      "aws-cn",
      "https://signin.amazonaws.cn/federation",
      "https://console.amazonaws.cn/console/home?region=cn-north-1",
    ],
    [
      "cn-northwest-1",
      "aws-cn",
      "https://signin.amazonaws.cn/federation",
      "https://console.amazonaws.cn/console/home?region=cn-northwest-1",
    ],
    [
      "us-gov-west-1",
      "aws-us-gov",
      "https://signin.amazonaws-us-gov.com/federation",
      "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1",
    ],
    [
      "us-gov-east-1",
      "aws-us-gov",
      "https://signin.amazonaws-us-gov.com/federation",
      "https://console.amazonaws-us-gov.com/console/home?region=us-gov-east-1",
    ],
  ])("%s is in %s", (region, partition, endpoint, destination) => {
    expect(partitionOf(region).name).toBe(partition);
    expect(federationEndpoint({}, region)).toBe(endpoint);
    expect(consoleDestination(region)).toBe(destination);
    expect(issuerFor(region)).toBe(`https://${new URL(destination).host}/`);
  });

  it.each(["us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1"])("%s (isolated) has no console sign-in", (region) => {
    expect(() => partitionOf(region)).toThrow(/no console sign-in/);
  });

  it.each(["", "EU-WEST-1", "eu west 1", "../x"])("%j is no region", (region) => {
    expect(() => partitionOf(region)).toThrow(/is not an AWS region name/);
  });
});

describe("federationEndpoint", () => {
  it.each([
    [{ AWS_ENDPOINT_URL_SIGNIN: "http://127.0.0.1:9000" }, "http://127.0.0.1:9000/federation"],
    [{ AWS_ENDPOINT_URL_SIGNIN: "http://127.0.0.1:9000/" }, "http://127.0.0.1:9000/federation"],
    [{ AWS_ENDPOINT_URL_SIGNIN: "https://signin.example/base/" }, "https://signin.example/base/federation"],
    // The rule of every endpoint variable: the service's own first, then AWS_ENDPOINT_URL.
    [{ AWS_ENDPOINT_URL: "http://127.0.0.1:9001" }, "http://127.0.0.1:9001/federation"],
    [{ AWS_ENDPOINT_URL: "http://a", AWS_ENDPOINT_URL_SIGNIN: "http://b" }, "http://b/federation"],
    [{ AWS_ENDPOINT_URL_STS: "http://sts" }, "https://signin.aws.amazon.com/federation"],
    [{}, "https://signin.aws.amazon.com/federation"],
  ])("%j -> %s", (env, endpoint) => {
    expect(federationEndpoint(env, "eu-west-1")).toBe(endpoint);
  });

  it.each([
    [
      { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true", AWS_ENDPOINT_URL_SIGNIN: "http://b" },
      {},
      "https://signin.aws.amazon.com/federation",
    ],
    [
      { AWS_ENDPOINT_URL: "http://a" },
      { ignoreConfiguredEndpointUrls: "true" },
      "https://signin.aws.amazon.com/federation",
    ],
    [{ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "false", AWS_ENDPOINT_URL_SIGNIN: "http://b" }, {}, "http://b/federation"],
    [{}, { endpointUrl: "http://profile.example" }, "http://profile.example/federation"],
  ])("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS and the profile's settings: %j %j -> %s", (env, profile, endpoint) => {
    expect(federationEndpoint(env, "eu-west-1", profile)).toBe(endpoint);
  });
});

describe("consoleDestination", () => {
  it.each([
    [{ path: "/s3/home" }, "https://console.aws.amazon.com/s3/home?region=eu-west-1"],
    [{ path: "/ec2/home#Instances:" }, "https://console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:"],
    [{ path: "/s3/home?region=us-west-2" }, "https://console.aws.amazon.com/s3/home?region=us-west-2"],
    [{ path: "/cloudwatch/home?x=1" }, "https://console.aws.amazon.com/cloudwatch/home?x=1&region=eu-west-1"],
    [
      { destination: "https://eu-west-1.console.aws.amazon.com/lambda/home" },
      "https://eu-west-1.console.aws.amazon.com/lambda/home",
    ],
  ])("%j -> %s", (options, destination) => {
    expect(consoleDestination("eu-west-1", options)).toBe(destination);
  });

  it.each([
    [{ path: "s3/home" }, /is not a path on the console/],
    [{ path: "//evil.example/x" }, /is not a path on the console/],
    [{ destination: "http://console.aws.amazon.com/" }, /is not an https URL/],
    [{ destination: "javascript:alert(1)" }, /is not an https URL/],
    [{ destination: "not a url" }, /is not an https URL/],
    [{ path: "/s3/home", destination: "https://x.example/" }, /cannot be used together/],
  ])("%j is refused", (options, message) => {
    expect(() => consoleDestination("eu-west-1", options)).toThrow(message);
  });
});

describe("loginUrl", () => {
  it("carries Action=login, the Issuer, the Destination and the SigninToken, all encoded", () => {
    const url = new URL(
      loginUrl({
        endpoint: "https://signin.aws.amazon.com/federation",
        signinToken: "tok+/=&x",
        destination: "https://console.aws.amazon.com/s3/home?region=eu-west-1",
        issuer: "https://console.aws.amazon.com/",
      }),
    );
    expect(url.origin + url.pathname).toBe("https://signin.aws.amazon.com/federation");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: "login",
      Issuer: "https://console.aws.amazon.com/",
      Destination: "https://console.aws.amazon.com/s3/home?region=eu-west-1",
      SigninToken: "tok+/=&x",
    });
  });
});

describe("toFederationCredentials", () => {
  it("refuses long-term keys (no session token)", () => {
    expect(() => toFederationCredentials({ accessKeyId: "AKIA", secretAccessKey: "s" })).toThrow(/long-term keys/);
  });
});

describe("requestSigninToken", () => {
  let federation: FakeFederation;
  let endpoint: string;
  beforeAll(async () => {
    federation = await startFakeFederation();
    endpoint = `${federation.url}/federation`;
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it("POSTs the credentials as Session in the form body (never in the URL) and returns the SigninToken", async () => {
    federation.reply = () => ({ kind: "token" });
    const token = await requestSigninToken({ endpoint, credentials, sessionDurationSeconds: 7200 });
    expect(token).toBe(federation.tokens.at(-1));
    const request = federation.requests.at(-1)!;
    expect(request).toMatchObject({ method: "POST", action: "getSigninToken", credentialsInUrl: false });
    expect(request.session).toEqual({
      sessionId: credentials.accessKeyId,
      sessionKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    });
    expect(request.sessionDuration).toBe("7200");
  });

  it("sends no SessionDuration unless asked", async () => {
    federation.reply = () => ({ kind: "token" });
    await requestSigninToken({ endpoint, credentials });
    expect(federation.requests.at(-1)!.sessionDuration).toBeNull();
  });

  it.each([
    [{ kind: "refuse", status: 400 } as const, /refused the credentials \(HTTP 400/],
    [{ kind: "refuse", status: 403 } as const, /refused the credentials \(HTTP 403/],
    [{ kind: "text", status: 200, body: "<html>portal</html>" } as const, /HTTP 200 with something that is not JSON/],
    [{ kind: "text", status: 200, body: '{"nope":1}' } as const, /JSON without a SigninToken/],
    [{ kind: "text", status: 200, body: '{"SigninToken":""}' } as const, /JSON without a SigninToken/],
    [{ kind: "text", status: 302, body: "{}" } as const, /HTTP 302/],
    [{ kind: "text", status: 503, body: "busy" } as const, /failed \(HTTP 503\)/],
    [{ kind: "huge" } as const, new RegExp(`more than ${FEDERATION_MAX_BODY_BYTES} bytes`)],
  ])("%j is an error that names the fix", async (reply, message) => {
    federation.reply = () => reply;
    const error = await requestSigninToken({ endpoint, credentials }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "UserError", message: expect.stringMatching(message) });
    expect((error as { hint?: string }).hint).toBeTruthy();
    // Never the endpoint's answer (it could echo the session) and never the credentials.
    expect(JSON.stringify(error) + String(error)).not.toMatch(/portal|secret\/\+=|token\+\/=/);
  });

  it("a refusal of role credentials names --duration", async () => {
    federation.reply = () => ({ kind: "refuse", status: 400 });
    await expect(requestSigninToken({ endpoint, credentials, sessionDurationSeconds: 43200 })).rejects.toMatchObject({
      hint: expect.stringMatching(/--duration/),
    });
  });

  it("an endpoint that never answers is given up on in time", async () => {
    federation.reply = () => ({ kind: "hang" });
    const started = Date.now();
    await expect(requestSigninToken({ endpoint, credentials, timeoutMs: 300 })).rejects.toThrow(
      /did not answer in time/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("an unreachable endpoint names AWS_ENDPOINT_URL_SIGNIN", async () => {
    const port = await freePort();
    await expect(
      requestSigninToken({ endpoint: `http://127.0.0.1:${port}/federation`, credentials }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/Could not reach the AWS sign-in endpoint .*ECONNREFUSED/),
      hint: expect.stringMatching(/AWS_ENDPOINT_URL_SIGNIN/),
    });
  });

  it("does not follow a redirect (it would carry the credentials elsewhere)", async () => {
    let hits = 0;
    const elsewhere: Server = createServer((_req, res) => {
      hits += 1;
      res.end('{"SigninToken":"x"}');
    });
    const target = await listenOnLoopback(elsewhere);
    const redirecting: Server = createServer((_req, res) => {
      res.writeHead(307, { location: `${target.url}/federation` }).end();
    });
    const redirector = await listenOnLoopback(redirecting);
    try {
      await expect(requestSigninToken({ endpoint: `${redirector.url}/federation`, credentials })).rejects.toThrow(
        /HTTP 307/,
      );
      expect(hits).toBe(0);
    } finally {
      await target.stop();
      await redirector.stop();
    }
  });
});
