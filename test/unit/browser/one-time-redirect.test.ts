// The one-time loopback redirect: the first GET of its secret path is redirected, nothing else is, and the server
// stops listening after the redirect or at its timeout.
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { startOneTimeRedirect } from "../../../src/browser/one-time-redirect.js";

const TARGET = "https://signin.aws.amazon.com/federation?Action=login&SigninToken=secret-token";

function get(
  url: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<{ status?: number | undefined; location?: string | undefined; error?: string }> {
  return new Promise((resolve) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode, location: res.headers.location }));
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? "error" }));
    req.end();
  });
}

describe("startOneTimeRedirect", () => {
  it("gives a loopback URL with an unguessable path and no part of the target", async () => {
    const redirect = await startOneTimeRedirect(TARGET, { timeoutMs: 5_000 });
    try {
      expect(redirect.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}$/);
      expect(redirect.url).not.toContain("secret-token");
    } finally {
      redirect.close();
    }
    expect(await redirect.done).toBe("timeout");
  });

  it("redirects the first fetch, then stops listening: a second fetch is refused", async () => {
    const redirect = await startOneTimeRedirect(TARGET, { timeoutMs: 5_000 });
    const first = await get(redirect.url);
    expect(first).toEqual({ status: 302, location: TARGET });
    expect(await redirect.done).toBe("redirected");
    expect(await get(redirect.url)).toEqual({ error: "ECONNREFUSED" });
  });

  it("answers 404 to other paths, other methods and a foreign Host, and stays ready for the real fetch", async () => {
    const redirect = await startOneTimeRedirect(TARGET, { timeoutMs: 5_000 });
    const url = new URL(redirect.url);
    expect((await get(`${url.origin}/favicon.ico`)).status).toBe(404);
    expect((await get(`${redirect.url}x`)).status).toBe(404);
    expect((await get(redirect.url, {}, "POST")).status).toBe(404);
    expect((await get(redirect.url, { host: `attacker.example:${url.port}` })).status).toBe(404);
    expect(await get(redirect.url)).toEqual({ status: 302, location: TARGET });
    expect(await redirect.done).toBe("redirected");
  });

  it("ends at its timeout when nobody comes, and no longer listens", async () => {
    const started = Date.now();
    const redirect = await startOneTimeRedirect(TARGET, { timeoutMs: 200 });
    expect(await redirect.done).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await get(redirect.url)).toEqual({ error: "ECONNREFUSED" });
  });
});
