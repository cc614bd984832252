// The credentials endpoint against a stub provider: who may ask, what the answer looks like, one retrieval for
// many concurrent requests, failures as HTTP 500 with the fix and no credential.
import { request } from "node:http";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { AwsCredentials } from "../../../src/aws/credential-output.js";
import { UserError } from "../../../src/errors.js";
import {
  CREDENTIALS_PATH,
  isAuthorized,
  newAuthorizationToken,
  singleFlight,
  startCredentialServer,
  type CredentialServer,
  type CredentialServerOptions,
} from "../../../src/server/credential-server.js";
import { createHash } from "node:crypto";

const SESSION: AwsCredentials = {
  accessKeyId: "ASIASTUBSESSION00001",
  secretAccessKey: "stub-session-secret-0123456789",
  sessionToken: "stub-session-token-0123456789",
  expiration: new Date("2026-12-01T13:00:00.000Z"),
  accountId: "123456789012",
};

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function ask(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; host?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "GET",
        path: options.path ?? CREDENTIALS_PATH,
        headers: { Host: options.host ?? `127.0.0.1:${port}`, ...options.headers },
        agent: false,
      },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const servers: CredentialServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(
  retrieve: CredentialServerOptions["retrieve"] = async () => SESSION,
  extra: Partial<CredentialServerOptions> = {},
) {
  const token = newAuthorizationToken();
  const server = await startCredentialServer({ retrieve, token, ...extra });
  servers.push(server);
  const authorized = (options: Parameters<typeof ask>[1] = {}) =>
    ask(server.port, { ...options, headers: { Authorization: token, ...options.headers } });
  return { server, token, authorized };
}

function expectNoCredential(answer: Answer): void {
  for (const secret of [SESSION.accessKeyId, SESSION.secretAccessKey, SESSION.sessionToken!]) {
    expect(answer.body).not.toContain(secret);
  }
}

describe("credentials endpoint", () => {
  it("answers GET /credentials with the token with the container-credentials JSON", async () => {
    const { server, authorized } = await serve();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/credentials`);
    const answer = await authorized();
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(answer.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(answer.body)).toEqual({
      AccessKeyId: SESSION.accessKeyId,
      SecretAccessKey: SESSION.secretAccessKey,
      Token: SESSION.sessionToken,
      Expiration: "2026-12-01T13:00:00Z",
      AccountId: "123456789012",
    });
  });

  it("refuses a request without the token (401) and with a wrong one (403), with no credential in the body", async () => {
    let retrievals = 0;
    const { server, token } = await serve(async () => {
      retrievals += 1;
      return SESSION;
    });
    const missing = await ask(server.port);
    expect(missing.status).toBe(401);
    expectNoCredential(missing);
    for (const wrong of ["wrong", `${token}x`, token.slice(0, -1), `Bearer ${token}`, token.toUpperCase(), ""]) {
      const answer = await ask(server.port, { headers: { Authorization: wrong } });
      expect(answer.status, wrong).toBe(403);
      expectNoCredential(answer);
    }
    expect(retrievals).toBe(0);
  });

  it("compares the token in constant time: both sides are hashed to equal length and compared with timingSafeEqual", () => {
    const token = newAuthorizationToken();
    const expected = createHash("sha256").update(token).digest();
    expect(isAuthorized(token, expected)).toBe(true);
    expect(isAuthorized(`${token}${token}`, expected)).toBe(false);
    expect(isAuthorized("", expected)).toBe(false);
    expect(isAuthorized(undefined, expected)).toBe(false);
    const source = readFileSync(new URL("../../../src/server/credential-server.ts", import.meta.url), "utf8");
    expect(source).toMatch(/timingSafeEqual\(digest\(header\), expectedDigest\)/);
    expect(source).not.toMatch(/===\s*(options\.)?token\b|\btoken\s*===/);
  });

  it("refuses another method (405), another path (404) and a foreign Host header (421), even with the token", async () => {
    let retrievals = 0;
    const { server, authorized } = await serve(async () => {
      retrievals += 1;
      return SESSION;
    });
    for (const method of ["POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"]) {
      const answer = await authorized({ method });
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow).toBe("GET");
    }
    for (const path of [
      "/",
      "/credentials/",
      "/credentials?x=1",
      "/Credentials",
      "/latest/meta-data/",
      "//credentials",
    ]) {
      expect((await authorized({ path })).status, path).toBe(404);
    }
    for (const host of [
      "evil.example",
      `evil.example:${server.port}`,
      `localhost:${server.port}`,
      `127.0.0.1:${server.port + 1}`,
      "127.0.0.1",
      `127.0.0.1:${server.port}.evil.example`,
    ]) {
      const answer = await authorized({ host });
      expect(answer.status, host).toBe(421);
      expectNoCredential(answer);
    }
    const browser = await authorized({ headers: { Origin: "http://evil.example" } });
    expect(browser.status).toBe(403);
    expectNoCredential(browser);
    expect(retrievals).toBe(0);
  });

  it("listens on 127.0.0.1 only", async () => {
    const { server } = await serve();
    const lines = readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1);
    const tcp6 = readFileSync("/proc/net/tcp6", "utf8").split("\n").slice(1);
    const hexPort = server.port.toString(16).toUpperCase().padStart(4, "0");
    const listening = [...lines, ...tcp6]
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A");
    expect(listening.map((f) => f[1])).toEqual([`0100007F:${hexPort}`]);
  });

  it("50 concurrent requests share one retrieval and all get the credentials", async () => {
    let retrievals = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const { authorized } = await serve(async () => {
      retrievals += 1;
      await gate;
      return SESSION;
    });
    const answers = Promise.all(Array.from({ length: 50 }, () => authorized()));
    await new Promise((r) => setTimeout(r, 100));
    release();
    const all = await answers;
    expect(all.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(new Set(all.map((a) => JSON.parse(a.body).Token))).toEqual(new Set([SESSION.sessionToken]));
    expect(retrievals).toBe(1);
    // Later requests ask the provider again (it serves its cache): the endpoint keeps no copy of its own.
    await authorized();
    expect(retrievals).toBe(2);
  });

  it("a failed retrieval is HTTP 500 with the fix, reported once to the caller, and no credential", async () => {
    const reported: string[] = [];
    const { authorized } = await serve(
      async () => {
        throw new UserError('Profile "work" needs a new MFA code.', { hint: "Add a one-time password field." });
      },
      { onRetrieveError: (_error, message) => reported.push(message) },
    );
    const answer = await authorized();
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({
      Code: "CredentialsUnavailable",
      Message: 'Profile "work" needs a new MFA code. Add a one-time password field.',
    });
    expect(reported).toEqual(['Profile "work" needs a new MFA code. Add a one-time password field.']);
  });

  it("an unexpected error says nothing of its text (it could hold anything)", async () => {
    const { authorized } = await serve(async () => {
      throw new Error(`boom ${SESSION.secretAccessKey}`);
    });
    const answer = await authorized();
    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain("boom");
    expectNoCredential(answer);
  });

  it("refuses to serve credentials without an expiry (long-term keys)", async () => {
    const { authorized } = await serve(async () => ({ accessKeyId: "AKIALONGTERM", secretAccessKey: "long-secret" }));
    const answer = await authorized();
    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain("long-secret");
  });

  it("close() stops listening and drops kept-alive connections", async () => {
    const { server, authorized } = await serve();
    expect((await authorized()).status).toBe(200);
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    await expect(authorized()).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("tokens are 32 random bytes, new every time", () => {
    const a = newAuthorizationToken();
    const b = newAuthorizationToken();
    expect(Buffer.from(a, "base64url")).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it("singleFlight starts a new call once the previous one settled, also after a failure", async () => {
    let calls = 0;
    const shared = singleFlight(async () => {
      calls += 1;
      if (calls === 1) throw new Error("first fails");
      return calls;
    });
    await expect(Promise.all([shared(), shared()])).rejects.toThrow("first fails");
    expect(await Promise.all([shared(), shared()])).toEqual([2, 2]);
    expect(calls).toBe(2);
  });
});
