// The transport of aws-op's own calls against loopback doubles: the proxy double (CONNECT, credentials, refusals)
// and the TLS front with the test CA, through the real STS SDK where the error messages matter.
import { createServer } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { networkSettings, type NetworkSettings } from "../../../src/aws/network.js";
import { sdkSts } from "../../../src/aws/sts.js";
import { closeConnections, plainRequest, warmConnections } from "../../../src/aws/transport.js";
import { redactSecrets } from "../../../src/redact.js";
import { listenOnLoopback, type LoopbackServer } from "../../helpers/loopback-server.js";
import { startProxyDouble, type ProxyDouble } from "../../helpers/proxy-double.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";
import { startTlsFront, testCa, type TlsFront } from "../../helpers/tls-front.js";

let upstream: LoopbackServer;
let front: TlsFront;
let proxy: ProxyDouble;
const home = makeTempDir("aws-op-transport-");

beforeAll(async () => {
  upstream = await listenOnLoopback(createServer((_req, res) => res.end("ok")));
  front = await startTlsFront(upstream.url);
  proxy = await startProxyDouble();
});
afterAll(async () => {
  await Promise.all([front.stop(), upstream.stop(), proxy.stop()]);
});
afterEach(() => {
  closeConnections();
  front.resetCounts();
  proxy.connects.length = 0;
  proxy.authorizations.length = 0;
  proxy.options = {};
});

const network = (env: NodeJS.ProcessEnv): NetworkSettings => networkSettings(env, home, undefined);

async function get(env: NodeJS.ProcessEnv): Promise<number> {
  const { response } = plainRequest({
    url: `${front.url}/x`,
    method: "GET",
    headers: {},
    signal: AbortSignal.timeout(5000),
    maxBytes: 1024,
    network: network(env),
  });
  return (await response).status;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

const KEYS = { accessKeyId: "AKIAEXAMPLEEXAMPLE00", secretAccessKey: "secret" };

async function callerIdentityError(env: NodeJS.ProcessEnv, endpoint = front.url): Promise<Error> {
  const error = await sdkSts
    .getCallerIdentity(KEYS, { region: "us-east-1", endpoint, network: network(env), timeoutMs: 5000 })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return error as Error & { hint?: string };
}

describe("proxies", () => {
  it("https goes through HTTPS_PROXY (a CONNECT tunnel) with AWS_CA_BUNDLE trusted", async () => {
    expect(await get({ HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: testCa().caPath })).toBe(200);
    expect(proxy.connects).toEqual([`127.0.0.1:${front.port}`]);
  });

  it("NO_PROXY sends the endpoint direct", async () => {
    expect(await get({ HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1", AWS_CA_BUNDLE: testCa().caPath })).toBe(200);
    expect(proxy.connects).toEqual([]);
  });

  it("credentials in the proxy URL go as Basic authorization (percent-decoded)", async () => {
    proxy.options = { credentials: "al ice:p@ss word" };
    const url = proxy.url.replace("http://", "http://al%20ice:p%40ss%20word@");
    expect(await get({ HTTPS_PROXY: url, AWS_CA_BUNDLE: testCa().caPath })).toBe(200);
    expect(proxy.authorizations).toEqual(["al ice:p@ss word"]);
  });

  it("a 407 names the proxy (without its password) and the variable", async () => {
    proxy.options = { credentials: "alice:right-password" };
    const url = proxy.url.replace("http://", "http://alice:wrong-password-1@");
    const error = await callerIdentityError({ https_proxy: url, AWS_CA_BUNDLE: testCa().caPath });
    expect(error.message).toBe(
      `STS GetCallerIdentity: the proxy http://alice@127.0.0.1:${proxy.port} (from https_proxy) refused to connect to 127.0.0.1:${front.port} (HTTP 407).`,
    );
    expect((error as { hint?: string }).hint).toMatch(/USER:PASSWORD/);
    expect(
      redactSecrets(`${error.message} ${String(error.stack)} ${String((error.cause as Error).stack)}`),
    ).not.toContain("wrong-password-1");
  });

  it("a 403 says the proxy does not allow the endpoint", async () => {
    proxy.options = { refuse: true };
    const error = await callerIdentityError({ HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: testCa().caPath });
    expect(error.message).toMatch(/the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) refused .*\(HTTP 403\)/);
    expect((error as { hint?: string }).hint).toMatch(/NO_PROXY/);
  });

  it("a proxy that cannot be reached is named", async () => {
    const closed = await listenOnLoopback(createServer());
    await closed.stop();
    const error = await callerIdentityError({ HTTPS_PROXY: `http://u:pw-never-shown@127.0.0.1:${closed.port}` });
    expect(error.message).toBe(
      `STS GetCallerIdentity: could not reach AWS through the proxy http://u@127.0.0.1:${closed.port} (from HTTPS_PROXY) (ECONNREFUSED).`,
    );
  });
});

describe("CA bundles", () => {
  it("without one, a private CA's certificate is refused, naming the endpoint and AWS_CA_BUNDLE / ca_bundle", async () => {
    const error = await callerIdentityError({});
    expect(error.message).toMatch(
      new RegExp(`^STS GetCallerIdentity: the certificate of ${front.url} is not trusted \\(\\w+\\)\\.$`),
    );
    expect((error as { hint?: string }).hint).toMatch(/AWS_CA_BUNDLE, or ca_bundle in the profile/);
    expect((error as { hint?: string }).hint).toMatch(/aws sts get-caller-identity/);
  });

  it("a bundle without the CA names the bundle and where it was set", async () => {
    const other = join(home, "other.pem");
    writeFileSync(other, testCa().cert);
    const error = await callerIdentityError({ AWS_CA_BUNDLE: other });
    expect((error as { hint?: string }).hint).toContain(`${other} (AWS_CA_BUNDLE)`);
  });

  it.each<[string, (dir: string) => string, RegExp]>([
    ["missing", (dir) => join(dir, "absent.pem"), /it does not exist/],
    ["not PEM", (dir) => (writeFileSync(join(dir, "x.pem"), "hello"), join(dir, "x.pem")), /holds no PEM certificate/],
    ["a directory", (dir) => dir, /it is not a file/],
  ])("a bundle that is %s is an error naming the file", async (_name, make, why) => {
    const path = make(makeTempDir("aws-op-ca-bad-"));
    const error = await callerIdentityError({ AWS_CA_BUNDLE: path });
    expect(error.message).toContain(`CA bundle ${path} (AWS_CA_BUNDLE)`);
    expect(error.message).toMatch(why);
  });

  it("a relative path is refused", async () => {
    const error = await callerIdentityError({ AWS_CA_BUNDLE: "certs/ca.pem" });
    expect(error.message).toMatch(/relative path/);
  });
});

describe("early connections", () => {
  const env = { AWS_CA_BUNDLE: testCa().caPath };

  it("two connections opened ahead serve two requests at once: no connection more", async () => {
    const release = warmConnections(front.url, network(env), 2);
    await until(() => front.connections() === 2);
    expect(await Promise.all([get(env), get(env)])).toEqual([200, 200]);
    expect(await get(env)).toBe(200);
    expect(front.connections()).toBe(2);
    release();
  });

  it("through the proxy too", async () => {
    const proxied = { ...env, HTTPS_PROXY: proxy.url };
    const release = warmConnections(front.url, network(proxied), 1);
    await until(() => front.connections() === 1);
    expect(await get(proxied)).toBe(200);
    expect(front.connections()).toBe(1);
    expect(proxy.connects).toHaveLength(1);
    release();
  });

  it("asking again counts those not used yet", async () => {
    warmConnections(front.url, network(env), 1);
    warmConnections(front.url, network(env), 2);
    await until(() => front.connections() === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(front.connections()).toBe(2);
  });

  it("released before use, they are closed at once", async () => {
    const release = warmConnections(front.url, network(env), 2);
    await until(() => front.open() === 2);
    release();
    await until(() => front.open() === 0);
  });

  it("sdkSts.warm opens the connections and primes the SDK without sending anything; released, they close", async () => {
    const release = sdkSts.warm?.({ region: "us-east-1", endpoint: front.url, network: network(env) }, [
      "GetSessionToken",
      "GetCallerIdentity",
    ]);
    await until(() => front.open() === 2);
    // The primed GetCallerIdentity runs through a handler that sends nothing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(front.requests()).toBe(0);
    release?.();
    await until(() => front.open() === 0);
  });

  it("released at once, sdkSts.warm opens nothing", async () => {
    sdkSts.warm?.({ region: "us-east-1", endpoint: front.url, network: network(env) }, [
      "GetSessionToken",
      "GetCallerIdentity",
    ])();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(front.connections()).toBe(0);
  });

  it("one that failed is replaced by the request's own connection", async () => {
    const release = warmConnections(front.url, network({ ...env, HTTPS_PROXY: "http://127.0.0.1:1" }), 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await get(env)).toBe(200);
    release();
  });
});
