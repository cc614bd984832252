// The network at work, end to end: the built CLI reaches moto (and the fake federation endpoint) only through the
// TLS front with the test run's private CA (test/helpers/tls-front.ts) and, where the test says so, through the
// proxy double (test/helpers/proxy-double.ts), as a company network has it. NODE_EXTRA_CA_CERTS is unset for every
// run (these machines set it to the system bundle): only AWS_CA_BUNDLE or ca_bundle make the private CA trusted.
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeStore, readStore, scriptRecipeItem } from "../fake-op/fixture.js";
import { awsConfig } from "../helpers/alice-world.js";
import { clockOffsetEnv } from "../helpers/clock.js";
import { startFakeFederation, type FakeFederation } from "../helpers/fake-federation.js";
import { createIamUserWithKey, freePort, requireTools, startMoto, type Moto } from "../helpers/moto.js";
import { startProxyDouble, type ProxyDouble } from "../helpers/proxy-double.js";
import { createSandbox, type RunResult, type Sandbox } from "../helpers/sandbox.js";
import { makeTempDir } from "../helpers/temp-dirs.js";
import { startTlsFront, testCa, type TlsFront } from "../helpers/tls-front.js";

const tools = requireTools(["moto_server"]);
const ROLE = "arn:aws:iam::123456789012:role/admin";
const PASSWORD = "pr0xy-Pa55word-only-here";

// A child of `exec --server` that asks the endpoint, waits for "go", and asks again.
const ASK_TWICE = `
import { existsSync, writeFileSync } from "node:fs";
const [dir] = process.argv.slice(2);
const ask = async () => (await (await fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, {
  headers: { Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN },
})).json()).Expiration;
const first = await ask();
writeFileSync(dir + "/ready", first);
while (!existsSync(dir + "/go")) await new Promise((r) => setTimeout(r, 20));
console.log(JSON.stringify([first, await ask()]));
`;

/** Every file under `dir`, for a search of what aws-op wrote. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe.skipIf(!tools.available)("the network at work: proxies, private CAs, services sections", () => {
  let moto: Moto;
  let federation: FakeFederation;
  let front: TlsFront;
  let signinFront: TlsFront;
  let proxy: ProxyDouble;
  let sandbox: Sandbox;
  let run = 0;

  beforeAll(async () => {
    [moto, federation, proxy] = await Promise.all([startMoto(), startFakeFederation(), startProxyDouble()]);
    [front, signinFront] = await Promise.all([startTlsFront(moto.url), startTlsFront(federation.url)]);
    const alice = await createIamUserWithKey(moto.url, "alice");
    sandbox = createSandbox({
      endpoint: front.url,
      env: { NODE_EXTRA_CA_CERTS: undefined, AWS_ENDPOINT_URL_SIGNIN: signinFront.url },
      store: makeStore({ vault: "Work", items: [scriptRecipeItem({ title: "AWS work", ...alice })] }),
    });
    const item = { op_vault: "Work", op_item: "AWS work" };
    sandbox.writeConfig(
      [
        awsConfig({
          work: { region: "eu-west-1", credential_process: true, ...item },
          admin: { region: "eu-west-1", op_source_profile: "work", op_role_arn: ROLE },
          bundled: { region: "eu-west-1", ...item, ca_bundle: testCa().caPath },
          // A role's bundle: its source's (bundled), its own (work has none), and its own over its source's.
          bundledadmin: { region: "eu-west-1", op_source_profile: "bundled", op_role_arn: ROLE },
          ownbundle: { region: "eu-west-1", op_source_profile: "work", op_role_arn: ROLE, ca_bundle: testCa().caPath },
          brokenbundle: {
            region: "eu-west-1",
            op_source_profile: "bundled",
            op_role_arn: ROLE,
            ca_bundle: "/nonexistent/aws-op-test/role-ca.pem",
          },
          corp: { region: "eu-west-1", ...item, services: "corp" },
          corpadmin: { region: "eu-west-1", op_source_profile: "corp", op_role_arn: ROLE, services: "corp" },
        }),
        "[services corp]",
        "sts =",
        `  endpoint_url = ${moto.url}`,
        "iam =",
        `  endpoint_url = ${moto.url}`,
        "",
      ].join("\n"),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all([front?.stop(), signinFront?.stop(), proxy?.stop()]);
    await Promise.all([federation?.stop(), moto?.stop()]);
  });

  beforeEach(() => {
    proxy.connects.length = 0;
    proxy.authorizations.length = 0;
    proxy.forwarded.length = 0;
    proxy.options = {};
    front.resetCounts();
    moto.resetCalls();
  });

  const frontTarget = () => `127.0.0.1:${front.port}`;
  const trusted = () => ({ AWS_CA_BUNDLE: testCa().caPath });

  /** A cold `process` (a session duration of its own, so nothing cached applies). */
  const processCold = (profile: string, env: Record<string, string | undefined>, extra: string[] = []) => {
    run += 1;
    return sandbox.run(["process", "--profile", profile, "--session-duration", `${3600 + run}`, ...extra], { env });
  };

  function expectServed(result: RunResult): void {
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ Version: 1, AccountId: "123456789012" });
  }

  function expectFailure(result: RunResult, message: RegExp): void {
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
  }

  it("process goes through HTTPS_PROXY with AWS_CA_BUNDLE: two calls on the two connections opened while op ran; the warm path then calls nothing", async () => {
    const env = { ...trusted(), HTTPS_PROXY: proxy.url };
    expectServed(await processCold("work", env));
    expect(
      moto
        .allCalls()
        .map((c) => c.action)
        .sort(),
    ).toEqual(["GetCallerIdentity", "GetSessionToken"]);
    expect(proxy.connects).toEqual([frontTarget(), frontTarget()]);
    expect(front.connections()).toBe(2);
    const opCalls = sandbox.opCalls().length;
    const warm = await sandbox.run(["process", "--profile", "work", "--session-duration", `${3600 + run}`], { env });
    expectServed(warm);
    expect(sandbox.opCalls().length).toBe(opCalls);
    expect(moto.allCalls()).toHaveLength(2);
  });

  it("a role through https_proxy: the session's two calls, then AssumeRole on a kept-alive connection", async () => {
    expectServed(await processCold("admin", { ...trusted(), https_proxy: proxy.url }));
    expect(moto.allCalls().map((c) => c.action)).toEqual(
      expect.arrayContaining(["GetSessionToken", "GetCallerIdentity", "AssumeRole"]),
    );
    expect(moto.allCalls()).toHaveLength(3);
    expect(front.connections()).toBe(2);
    expect(new Set(proxy.connects)).toEqual(new Set([frontTarget()]));
  });

  it("an authenticated proxy gets its credentials; a wrong password is a 407 naming the proxy, never the password", async () => {
    proxy.options = { credentials: `alice:${PASSWORD}` };
    const withPassword = (password: string) => proxy.url.replace("http://", `http://alice:${password}@`);
    expectServed(await processCold("work", { ...trusted(), HTTPS_PROXY: withPassword(PASSWORD) }));
    expect(proxy.authorizations).toEqual([`alice:${PASSWORD}`, `alice:${PASSWORD}`]);
    const debug = await processCold("work", { ...trusted(), HTTPS_PROXY: withPassword(PASSWORD) }, ["--debug"]);
    expect(debug.status).toBe(0);
    expect(debug.stderr).not.toContain(PASSWORD);

    const wrong = `${PASSWORD}-but-wrong`;
    const refused = await processCold("work", { ...trusted(), HTTPS_PROXY: withPassword(wrong) }, ["--debug"]);
    expectFailure(
      refused,
      new RegExp(
        `the proxy http://alice@127\\.0\\.0\\.1:${proxy.port} \\(from HTTPS_PROXY\\) refused to connect to 127\\.0\\.0\\.1:${front.port} \\(HTTP 407\\)`,
      ),
    );
    for (const file of filesUnder(sandbox.home)) expect(readFileSync(file, "utf8")).not.toContain(PASSWORD);
    expect(refused.stderr).not.toContain(PASSWORD);
  });

  it("NO_PROXY sends the endpoint direct (the proxy named would not even answer)", async () => {
    const env = { ...trusted(), HTTPS_PROXY: `http://127.0.0.1:${await freePort()}`, NO_PROXY: "localhost,127.0.0.1" };
    expectServed(await processCold("work", env));
    expect(proxy.connects).toEqual([]);
  });

  it("a proxy that refuses (403) or cannot be reached is named with its variable", async () => {
    proxy.options = { refuse: true };
    expectFailure(
      await processCold("work", { ...trusted(), HTTPS_PROXY: proxy.url }),
      /the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) refused to connect to .* \(HTTP 403\)/,
    );
    const closed = `127.0.0.1:${await freePort()}`;
    const unreachable = await processCold("work", { ...trusted(), https_proxy: `http://alice:${PASSWORD}@${closed}` }, [
      "--debug",
    ]);
    expectFailure(
      unreachable,
      new RegExp(
        `could not reach AWS through the proxy http://alice@${closed} \\(from https_proxy\\) \\(ECONNREFUSED\\)`,
      ),
    );
    expect(unreachable.stderr).not.toContain(PASSWORD);
  });

  it("HTTP_PROXY carries a call to an http endpoint", async () => {
    expectServed(await processCold("work", { AWS_ENDPOINT_URL: moto.url, HTTP_PROXY: proxy.url }));
    expect(proxy.forwarded.length).toBe(2);
    expect(proxy.forwarded.every((url) => url.startsWith(`${moto.url}/`))).toBe(true);
  });

  it("the profile's ca_bundle is trusted; without a bundle the certificate error names the endpoint, AWS_CA_BUNDLE and ca_bundle", async () => {
    expectServed(await processCold("bundled", {}));
    const untrusted = await processCold("work", {});
    expectFailure(untrusted, new RegExp(`the certificate of ${front.url} is not trusted`));
    expect(untrusted.stderr).toMatch(/Set AWS_CA_BUNDLE, or ca_bundle in the profile/);
    expect(untrusted.stderr).toMatch(/aws sts get-caller-identity/);
  });

  it("a role's ca_bundle is its own, else its source's; AWS_CA_BUNDLE wins over both", async () => {
    // The roles share the item and the role ARN, so their sessions would be served from the cache.
    const forgetSessions = () => rmSync(join(sandbox.cacheDir, "aws-op", "sessions"), { recursive: true, force: true });
    forgetSessions();
    expectServed(await processCold("bundledadmin", {}));
    expect(moto.calls("AssumeRole")).toBe(1);
    forgetSessions();
    expectServed(await processCold("ownbundle", {}));
    expect(moto.calls("AssumeRole")).toBe(2);
    forgetSessions();
    // Its own, though missing, is the one used: not its source's, which would work.
    expectFailure(
      await processCold("brokenbundle", {}),
      /Could not read the CA bundle \/nonexistent\/aws-op-test\/role-ca\.pem \(.*brokenbundle.*\): it does not exist/,
    );
    expectServed(await processCold("brokenbundle", trusted()));
    expect(moto.calls("AssumeRole")).toBe(3);
  });

  it("op fails after the connections were opened: they are dropped and aws-op ends with op's error, though the front would keep them for 30 s", async () => {
    const env = { ...trusted(), HTTPS_PROXY: proxy.url, FAKE_OP_LATENCY_MS: "600", FAKE_OP_FAIL: "not-signed-in" };
    // Killed at 15 s: a connection that kept aws-op alive would hold it until the front's 30 s.
    run += 1;
    const failed = await sandbox.run(["process", "--profile", "work", "--session-duration", `${3600 + run}`], {
      env,
      timeoutMs: 15_000,
    });
    expect(failed.signal).toBeNull();
    expectFailure(failed, /Not signed in to 1Password/);
    // Opened while op ran, through the proxy; nothing sent on them.
    expect(proxy.connects).toEqual([frontTarget(), frontTarget()]);
    expect(front.requests()).toBe(0);
    expect(moto.allCalls()).toEqual([]);
  });

  it("login: the federation token and the sign-in endpoint both go through the proxy", async () => {
    const result = await sandbox.run(["login", "work", "--stdout"], { env: { ...trusted(), HTTPS_PROXY: proxy.url } });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/federation\?Action=login/);
    expect(moto.calls("GetFederationToken")).toBe(1);
    expect(new Set(proxy.connects)).toEqual(new Set([frontTarget(), `127.0.0.1:${signinFront.port}`]));
  });

  it("doctor's key-age check (IAM) goes through the proxy", async () => {
    const result = await sandbox.run(["doctor", "work"], { env: { ...trusted(), HTTPS_PROXY: proxy.url } });
    expect(result.stdout).toMatch(/✓ \[work\] access key age: 0 days old/);
    expect(moto.calls("ListAccessKeys")).toBe(1);
    expect(proxy.connects).toContain(frontTarget());
  });

  it("exec --server: a renewal goes through the proxy too", async () => {
    const dir = makeTempDir("aws-op-network-server-");
    writeFileSync(join(dir, "ask.mjs"), ASK_TWICE);
    const clock = join(dir, "clock-offset");
    const running = sandbox.run(["exec", "work", "--server", "--", process.execPath, join(dir, "ask.mjs"), dir], {
      env: { ...trusted(), HTTPS_PROXY: proxy.url, ...clockOffsetEnv(clock) },
      stdoutIsEndpointOutput: true,
    });
    for (let i = 0; i < 1500 && !existsSync(join(dir, "ready")); i++) await new Promise((r) => setTimeout(r, 20));
    const firstExpiration = readFileSync(join(dir, "ready"), "utf8");
    proxy.connects.length = 0;
    moto.resetCalls();
    // aws-op's clock 10 minutes before the session expires: past its refresh point.
    writeFileSync(clock, String(Date.parse(firstExpiration) - Date.now() - 10 * 60_000));
    writeFileSync(join(dir, "go"), "");
    const result = await running;
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const [first, second] = JSON.parse(result.stdout) as [string, string];
    expect(Date.parse(second)).toBeGreaterThan(Date.parse(first));
    expect(moto.calls("GetSessionToken")).toBe(1);
    expect(proxy.connects.length).toBeGreaterThanOrEqual(1);
    expect(new Set(proxy.connects)).toEqual(new Set([frontTarget()]));
  });

  describe("STS and IAM endpoints set only in the profile's services section", () => {
    // No AWS_ENDPOINT_URL: without the services section these calls would go to AWS itself.
    const noEndpoint = { AWS_ENDPOINT_URL: undefined, AWS_ENDPOINT_URL_SIGNIN: undefined };

    it("process and a role use the section's STS endpoint", async () => {
      expectServed(await processCold("corp", noEndpoint));
      expect(moto.calls("GetSessionToken")).toBe(1);
      expectServed(await processCold("corpadmin", noEndpoint));
      expect(moto.calls("AssumeRole")).toBe(1);
    });

    it("doctor uses the section's IAM endpoint for the key age", async () => {
      const result = await sandbox.run(["doctor", "corp"], { env: noEndpoint });
      expect(result.stdout).toMatch(/✓ \[corp\] access key age: 0 days old/);
      expect(moto.calls("ListAccessKeys")).toBe(1);
    });

    it("rotate uses the section's IAM endpoint", async () => {
      const before = readStore(sandbox.store.storePath);
      const result = await sandbox.run(["rotate", "corp", "--yes"], { env: noEndpoint });
      expect(result.stderr).not.toMatch(/error/i);
      expect(result.status).toBe(0);
      expect(moto.calls("CreateAccessKey")).toBe(1);
      expect(moto.calls("DeleteAccessKey")).toBe(1);
      expect(readStore(sandbox.store.storePath)).not.toEqual(before);
    });

    it("a services name without its section is an error naming it", async () => {
      sandbox.writeConfig(
        `${readFileSync(sandbox.configPath, "utf8")}\n[profile lost]\nop_vault = Work\nop_item = AWS work\nservices = nowhere\n`,
      );
      expectFailure(
        await processCold("lost", noEndpoint),
        /"services = nowhere", but .*config has no \[services nowhere\] section/,
      );
    });
  });
});
