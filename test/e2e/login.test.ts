// `aws-op login` end to end: the built CLI against moto (GetFederationToken, AssumeRole), a loopback federation
// endpoint (test/helpers/fake-federation.ts) and a fake browser started through BROWSER. The secret scan at the end
// proves that sign-in tokens reach only stdout of `login --stdout`, and session secrets only the cache.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStore, scriptRecipeItem } from "../fake-op/fixture.js";
import { createCanaryHarness, DEFAULT_SHIMS, type CanaryHarness } from "../helpers/canary.js";
import { existsSync, lstatSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createFakeBrowser, type BrowserVisit, type FakeBrowser } from "../helpers/fake-browser.js";
import { startFakeFederation, type FakeFederation } from "../helpers/fake-federation.js";
import { createIamUserWithKey, freePort, requireTools, startMoto, type Moto } from "../helpers/moto.js";
import { awsConfig } from "../helpers/alice-world.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";

const tools = requireTools(["moto_server"]);
/** Stand-ins on PATH named as the real browsers' commands (the first aws-op looks for on Linux). */
const STAND_INS = ["chromium", "google-chrome", "brave-browser", "microsoft-edge", "firefox"];
const ADMIN = "arn:aws:iam::123456789012:role/admin";
const PASS_THROUGH = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

describe.skipIf(!tools.available)("aws-op login end to end", () => {
  let moto: Moto;
  let federation: FakeFederation;
  let browser: FakeBrowser;
  let canaries: CanaryHarness;
  let sandbox: Sandbox;
  let alice: { accessKeyId: string; secretAccessKey: string };

  beforeAll(async () => {
    moto = await startMoto();
    federation = await startFakeFederation();
    browser = createFakeBrowser({ names: STAND_INS });
    alice = await createIamUserWithKey(moto.url, "alice");
    const bob = await createIamUserWithKey(moto.url, "bob");
    canaries = createCanaryHarness({
      shims: [
        ...DEFAULT_SHIMS,
        { name: "fake-browser", target: browser.path, recordEnv: true },
        // The stand-ins named as real browsers: their argv and environment are scanned for secrets too.
        ...STAND_INS.map((name) => ({ name, target: browser.named[name]!, recordEnv: true })),
      ],
    });
    canaries.longTermSecrets.add(alice.secretAccessKey).add(bob.secretAccessKey);
    sandbox = createSandbox(
      canaries.sandboxOptions({
        endpoint: moto.url,
        env: { AWS_ENDPOINT_URL_SIGNIN: federation.url, FAKE_BROWSER_LOG: browser.log },
        store: makeStore({
          vault: "Work",
          items: [
            scriptRecipeItem({ title: "AWS work", ...alice }),
            scriptRecipeItem({ title: "AWS mfa", ...bob, mfaSerial: "arn:aws:iam::123456789012:mfa/bob" }),
          ],
        }),
      }),
    );
    sandbox.writeConfig(
      awsConfig({
        work: { region: "eu-west-1", op_vault: "Work", op_item: "AWS work" },
        admin: { region: "eu-west-1", op_source_profile: "work", op_role_arn: ADMIN },
        mfa: { region: "us-east-1", op_vault: "Work", op_item: "AWS mfa" },
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await federation?.stop();
    await moto?.stop();
  });

  /** AWS refuses GetSessionToken credentials at the federation endpoint: so does the fake, for every one moto made. */
  function refuseSessionTokens(): void {
    for (const call of moto.recordedCalls("GetSessionToken")) {
      if (call.issued) federation.refuse.add(call.issued.sessionToken);
    }
  }

  function parseSigninUrl(text: string): URL {
    const url = new URL(text.trim());
    expect(`${url.origin}${url.pathname}`).toBe(`${federation.url}/federation`);
    expect(url.searchParams.get("Action")).toBe("login");
    return url;
  }

  it("user profile: GetFederationToken with the item's keys; its credentials go to the endpoint; the URL carries the token", async () => {
    // A GetSessionToken session for the same item is in the cache: login must not use it.
    expect((await sandbox.run(["process", "--profile", "work"])).status).toBe(0);
    refuseSessionTokens();
    expect(federation.refuse.size).toBeGreaterThan(0);
    moto.resetCalls();

    const result = await sandbox.run(["login", "work", "--stdout"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);

    const calls = moto.recordedCalls("GetFederationToken");
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.accessKeyId).toBe(alice.accessKeyId);
    expect(JSON.parse(call.params.get("Policy") ?? "{}")).toEqual(PASS_THROUGH);
    expect(call.params.get("DurationSeconds")).toBe("3600");
    expect(moto.calls("GetSessionToken")).toBe(0);

    const request = federation.requests.at(-1)!;
    expect(request).toMatchObject({ method: "POST", action: "getSigninToken", credentialsInUrl: false });
    expect(request.session).toEqual({
      sessionId: call.issued!.accessKeyId,
      sessionKey: call.issued!.secretAccessKey,
      sessionToken: call.issued!.sessionToken,
    });
    expect(federation.refuse.has(request.session!.sessionToken)).toBe(false);
    // SessionDuration goes with role credentials only.
    expect(request.sessionDuration).toBeNull();

    const url = parseSigninUrl(result.stdout);
    expect(url.searchParams.get("SigninToken")).toBe(federation.tokens.at(-1));
    expect(url.searchParams.get("Issuer")).toMatch(/^https:\/\//);
    expect(url.searchParams.get("Destination")).toBe("https://console.aws.amazon.com/console/home?region=eu-west-1");
  });

  it("a second login within the credentials' life makes no op call and no GetFederationToken", async () => {
    const opCalls = sandbox.opCalls().length;
    moto.resetCalls();
    const before = federation.requests.length;
    const result = await sandbox.run(["login", "work", "--stdout", "--path", "/s3/home"]);
    expect(result.status).toBe(0);
    expect(sandbox.opCalls().length).toBe(opCalls);
    expect(moto.calls("GetFederationToken")).toBe(0);
    // A sign-in token is good for one sign-in: each login asks for a new one, with the cached credentials.
    expect(federation.requests.length).toBe(before + 1);
    expect(federation.requests.at(-1)!.session).toEqual(federation.requests.at(-2)!.session);
    const url = parseSigninUrl(result.stdout);
    expect(url.searchParams.get("SigninToken")).toBe(federation.tokens.at(-1));
    expect(url.searchParams.get("Destination")).toBe("https://console.aws.amazon.com/s3/home?region=eu-west-1");
  });

  it("role profile: Session holds the assumed-role credentials and SessionDuration is what --duration asked", async () => {
    moto.resetCalls();
    const result = await sandbox.run(["login", "admin", "--stdout", "--duration", "2h", "--region", "us-gov-west-1"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const assumed = moto.recordedCalls("AssumeRole");
    expect(assumed).toHaveLength(1);
    expect(assumed[0]!.params.get("RoleArn")).toBe(ADMIN);
    const request = federation.requests.at(-1)!;
    expect(request.session).toEqual({
      sessionId: assumed[0]!.issued!.accessKeyId,
      sessionKey: assumed[0]!.issued!.secretAccessKey,
      sessionToken: assumed[0]!.issued!.sessionToken,
    });
    expect(request.sessionDuration).toBe("7200");
    const url = parseSigninUrl(result.stdout);
    expect(url.searchParams.get("Destination")).toBe(
      "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1",
    );
  });

  it("browser mode: the browser gets a one-time loopback URL; its first fetch is redirected, a second is not", async () => {
    const seen = (await browser.visits()).length;
    const started = Date.now();
    const result = await sandbox.run(["login", "admin"], {
      env: { BROWSER: "fake-browser", AWS_OP_LOGIN_TIMEOUT: "30" },
    });
    const elapsed = Date.now() - started;
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
    // It exits after the redirect, long before its timeout.
    expect(elapsed).toBeLessThan(15_000);
    const visit = (await browser.visits(seen + 1)).at(-1)!;
    expect(visit.argv).toHaveLength(1);
    const loopback = visit.argv[0]!;
    expect(loopback).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}$/);
    const token = federation.tokens.at(-1)!;
    expect(loopback).not.toContain(token);
    expect(visit.first.status).toBe(302);
    expect(parseSigninUrl(visit.first.location!).searchParams.get("SigninToken")).toBe(token);
    expect(visit.second.status).toBeUndefined();
    expect(visit.second.error).toBe("ECONNREFUSED");
    // The sign-in URL is on no command line and in no output.
    expect(result.stderr).not.toContain(token);
  });

  it("browser mode: a browser that never fetches ends aws-op at the timeout, with the fix named", async () => {
    const started = Date.now();
    const result = await sandbox.run(["login", "admin"], {
      env: { BROWSER: "fake-browser", FAKE_BROWSER_MODE: "ignore", AWS_OP_LOGIN_TIMEOUT: "1" },
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/did not open the one-time sign-in address within 1 s/);
    expect(result.stderr).toMatch(/aws-op login --stdout/);
  });

  it("a user whose item has an MFA device is told that GetFederationToken takes no MFA, and pointed at a role", async () => {
    const result = await sandbox.run(["login", "mfa", "--stdout"]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/GetFederationToken takes no MFA/);
    expect(result.stderr).toMatch(/aws:MultiFactorAuthPresent/);
    expect(result.stderr).toMatch(/op_role_arn/);
  });

  describe("errors exit 1 and name the fix", () => {
    it("the federation endpoint is unreachable", async () => {
      const port = await freePort();
      const result = await sandbox.run(["login", "admin", "--stdout"], {
        env: { AWS_ENDPOINT_URL_SIGNIN: `http://127.0.0.1:${port}` },
      });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/Could not reach the AWS sign-in endpoint .*ECONNREFUSED/);
      expect(result.stderr).toMatch(/AWS_ENDPOINT_URL_SIGNIN/);
    });

    it("the federation endpoint answers something that is not JSON", async () => {
      federation.reply = () => ({ kind: "text", status: 200, body: "<html>captive portal</html>" });
      try {
        const result = await sandbox.run(["login", "admin", "--stdout"]);
        expect(result.status).toBe(1);
        expect(result.stdout).toBe("");
        expect(result.stderr).toMatch(/answered HTTP 200 with something that is not JSON/);
        expect(result.stderr).toMatch(/AWS_ENDPOINT_URL_SIGNIN/);
        expect(result.stderr).not.toMatch(/captive portal/);
      } finally {
        federation.reply = () => ({ kind: "token" });
      }
    });

    it("the federation endpoint refuses the credentials", async () => {
      federation.reply = () => ({ kind: "refuse", status: 400 });
      try {
        const result = await sandbox.run(["login", "work", "--stdout"]);
        expect(result.status).toBe(1);
        expect(result.stderr).toMatch(/AWS sign-in refused the credentials \(HTTP 400/);
        expect(result.stderr).toMatch(/aws-op clear/);
      } finally {
        federation.reply = () => ({ kind: "token" });
      }
    });

    it("a duration outside what AWS allows for that kind of credentials, before any op call", async () => {
      const opCalls = sandbox.opCalls().length;
      const user = await sandbox.run(["login", "work", "--stdout", "--duration", "37h"]);
      expect(user.status).toBe(1);
      expect(user.stderr).toMatch(/--duration 37h is outside what AWS allows: a federation token .* 15m to 36h/);
      const role = await sandbox.run(["login", "admin", "--stdout", "--duration", "13h"]);
      expect(role.status).toBe(1);
      expect(role.stderr).toMatch(
        /--duration 13h is outside what AWS allows: a console session from role credentials lasts 15m to 12h/,
      );
      expect(sandbox.opCalls().length).toBe(opCalls);
    });

    it("--path and --destination together", async () => {
      const result = await sandbox.run([
        "login",
        "work",
        "--stdout",
        "--path",
        "/s3/home",
        "--destination",
        "https://x.example",
      ]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/--path and --destination cannot be used together/);
    });
  });

  it("no profile named: AWS_PROFILE as before; without it (and no aws-op [default]) and no terminal, an error naming the profiles", async () => {
    const named = await sandbox.run(["login", "--stdout"], { env: { AWS_PROFILE: "work" } });
    expect(named.status).toBe(0);
    expect(parseSigninUrl(named.stdout).searchParams.get("SigninToken")).toBe(federation.tokens.at(-1));
    const opCalls = sandbox.opCalls().length;
    const none = await sandbox.run(["login", "--stdout"]);
    expect(none.status).toBe(1);
    expect(none.stdout).toBe("");
    expect(none.stderr).toContain("aws-op login needs a profile; the aws-op profiles are: work, admin, mfa.");
    expect(sandbox.opCalls().length).toBe(opCalls);
  });

  describe("--browser and --isolate, with stand-ins on PATH named as the real browsers", () => {
    const dataDir = () => join(sandbox.home, ".local", "share", "aws-op");

    async function login(args: string[], env: Record<string, string> = {}): Promise<BrowserVisit> {
      const seen = (await browser.visits()).length;
      const result = await sandbox.run(["login", ...args], {
        // PATH starts with the canary harness's shims, which log and run the stand-ins.
        env: { AWS_OP_LOGIN_TIMEOUT: "30", ...env },
      });
      expect(result.stderr).toMatch(/opening the AWS console in /);
      expect(result.status).toBe(0);
      const visits = await browser.visits(seen + 1);
      expect(visits).toHaveLength(seen + 1);
      const visit = visits.at(-1)!;
      // Only the one-time loopback address, last, and it answered once: a redirect, then nobody.
      const loopback = visit.argv.at(-1)!;
      expect(loopback).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}$/);
      expect(visit.first.status).toBe(302);
      expect(parseSigninUrl(visit.first.location!).searchParams.get("SigninToken")).toBe(federation.tokens.at(-1));
      expect(visit.second.error).toBe("ECONNREFUSED");
      for (const token of federation.tokens) expect(visit.argv.join(" ")).not.toContain(token);
      return visit;
    }

    function userDataDir(visit: BrowserVisit): string {
      const flags = visit.argv.filter((a) => a.startsWith("--user-data-dir="));
      expect(flags).toHaveLength(1);
      return flags[0]!.slice("--user-data-dir=".length);
    }

    it.each([
      ["chromium", "chromium"],
      ["chrome", "google-chrome"],
      ["brave", "brave-browser"],
      ["edge", "microsoft-edge"],
    ])(
      "--browser %s --isolate: two AWS profiles get two --user-data-dir directories (0700, under the data directory), the same profile its own again",
      async (name, command) => {
        const work = await login(["work", "--browser", name, "--isolate"]);
        const admin = await login(["admin", "--browser", name, "--isolate"]);
        const again = await login(["work", "--browser", name, "--isolate"]);
        for (const visit of [work, admin, again]) {
          expect(visit.name).toBe(command);
          expect(visit.argv.slice(1)).toEqual(["--no-first-run", "--no-default-browser-check", visit.argv.at(-1)]);
        }
        expect(userDataDir(work)).not.toBe(userDataDir(admin));
        expect(userDataDir(again)).toBe(userDataDir(work));
        for (const dir of [userDataDir(work), userDataDir(admin)]) {
          expect(dir.startsWith(join(dataDir(), "browser-profiles", name) + "/")).toBe(true);
          expect(statSync(dir).mode & 0o777).toBe(0o700);
          expect(lstatSync(dir).isDirectory()).toBe(true);
        }
        for (const dir of [dataDir(), join(dataDir(), "browser-profiles")]) {
          expect(statSync(dir).mode & 0o777).toBe(0o700);
        }
      },
    );

    it("--browser firefox --isolate: a Firefox profile of its own per AWS profile (-profile DIR), with quiet first-run preferences", async () => {
      const work = await login(["work", "--browser", "firefox", "--isolate"]);
      const admin = await login(["admin", "--browser", "firefox", "--isolate"]);
      expect(work.name).toBe("firefox");
      expect(work.argv[0]).toBe("-profile");
      expect(work.argv).toHaveLength(3);
      const [workDir, adminDir] = [work.argv[1]!, admin.argv[1]!];
      expect(workDir).not.toBe(adminDir);
      expect(workDir.startsWith(join(dataDir(), "browser-profiles", "firefox") + "/")).toBe(true);
      expect(statSync(workDir).mode & 0o777).toBe(0o700);
      expect(readFileSync(join(workDir, "user.js"), "utf8")).toContain("browser.shell.checkDefaultBrowser");
      expect(work.argv.some((a) => a.startsWith("--user-data-dir"))).toBe(false);
    });

    it("without --isolate, no --user-data-dir (nor -profile): the browser gets only the one-time address", async () => {
      for (const name of ["chromium", "firefox"]) {
        const visit = await login(["admin", "--browser", name]);
        expect(visit.argv).toHaveLength(1);
      }
    });

    it("op_login_isolate = true in a profile isolates without the flag, in the browser BROWSER names", async () => {
      sandbox.writeConfig(
        readFileSync(sandbox.configPath, "utf8").replace(
          "[profile admin]\n",
          "[profile admin]\nop_login_isolate = true\n",
        ),
      );
      try {
        const visit = await login(["admin"], { BROWSER: "google-chrome" });
        expect(visit.name).toBe("google-chrome");
        expect(userDataDir(visit).startsWith(join(dataDir(), "browser-profiles", "chrome") + "/")).toBe(true);
      } finally {
        sandbox.writeConfig(readFileSync(sandbox.configPath, "utf8").replace("op_login_isolate = true\n", ""));
      }
    });

    it("clear PROFILE --browser removes that profile's browser profiles, every browser's, and no other's", async () => {
      const work = userDataDir(await login(["work", "--browser", "brave", "--isolate"]));
      const admin = userDataDir(await login(["admin", "--browser", "brave", "--isolate"]));
      const result = await sandbox.run(["clear", "work", "--browser"]);
      expect(result.status).toBe(0);
      expect(result.stderr).toContain(`Removed the browser profile ${work}.`);
      expect(existsSync(work)).toBe(false);
      expect(existsSync(admin)).toBe(true);
      // Sessions stay: the next login asks 1Password nothing.
      const opCalls = sandbox.opCalls().length;
      expect(userDataDir(await login(["work", "--browser", "brave", "--isolate"]))).toBe(work);
      expect(sandbox.opCalls().length).toBe(opCalls);
    });

    it("an unknown --browser is refused with the known ones named, before 1Password is asked and with no browser started", async () => {
      const opCalls = sandbox.opCalls().length;
      const seen = (await browser.visits()).length;
      const result = await sandbox.run(["login", "work", "--browser", "netscape"]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('Unknown browser "netscape".');
      expect(result.stderr).toContain(
        "--browser takes chromium, chrome, brave, edge, vivaldi, firefox, safari (macOS), or the path of a browser's executable.",
      );
      expect(sandbox.opCalls().length).toBe(opCalls);
      expect((await browser.visits()).length).toBe(seen);
    });

    it("a browser that is not installed is named, with what was looked for", async () => {
      const result = await sandbox.run(["login", "admin", "--browser", "vivaldi"]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("Could not find Vivaldi (looked for vivaldi, vivaldi-stable).");
    });
  });

  it("the secret scan: sign-in tokens only on stdout of login --stdout, session secrets only in the cache", () => {
    for (const token of federation.tokens) canaries.signinTokens.add(token);
    for (const request of federation.requests) {
      if (request.session) canaries.servedSecrets.add(request.session.sessionKey).add(request.session.sessionToken);
    }
    expect(canaries.signinTokens.size).toBeGreaterThan(3);
    expect(canaries.scan(sandbox)).toEqual([]);
  });
});
