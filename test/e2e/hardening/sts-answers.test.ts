// STS answers trusted less (issue 13, item 8) and --debug output that never shows a secret (item 7): the built
// `process` / `exec` against a loopback STS that answers with expired or far-future credentials, a 200 MB body,
// or bodies that quote tokens, and 1Password items whose secrets hold odd bytes.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scriptRecipeItem } from "../../fake-op/fixture.js";
import { awsConfig } from "../../helpers/alice-world.js";
import { canarySecretKey, type CanaryHarness } from "../../helpers/canary.js";
import type { Sandbox } from "../../helpers/sandbox.js";
import { expectCleanFailure, sessionKeyFor, useFakeStsWorld, type FakeSts } from "./fake-sts.js";

const KEY = { accessKeyId: "AKIASTSTRUST00000001", secretAccessKey: canarySecretKey() };
/** An item secret with a NUL in the middle: both halves are canaries (Node prints it as `\x00`). */
const NUL_HALVES = [canarySecretKey().slice(0, 20), canarySecretKey().slice(0, 20)] as const;
const NUL_KEY = { accessKeyId: "AKIASTSTRUST00000002", secretAccessKey: `${NUL_HALVES[0]}\u0000${NUL_HALVES[1]}` };
/** Token-shaped canaries that a hostile or broken STS quotes back. */
const TOKEN = `FwoGZXIvYXdzECanaryToken${"Q".repeat(8)}${canarySecretKey()}${canarySecretKey()}${canarySecretKey()}`;
const SESSION_SECRET = canarySecretKey();

function credentialsBody(fields: { secret?: string; token?: string; expiration: string }): string {
  return `<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult><Credentials><AccessKeyId>ASIASTSTRUSTX0000001</AccessKeyId><SecretAccessKey>${fields.secret ?? SESSION_SECRET}</SecretAccessKey><SessionToken>${fields.token ?? TOKEN}</SessionToken><Expiration>${fields.expiration}</Expiration></Credentials></GetSessionTokenResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GetSessionTokenResponse>`;
}

describe("STS answers and --debug output", () => {
  let sts: FakeSts;
  let sandbox: Sandbox;
  let canaries: CanaryHarness;
  let run = 0;

  useFakeStsWorld(
    {
      items: [scriptRecipeItem({ title: "plain", ...KEY }), scriptRecipeItem({ title: "nul", ...NUL_KEY })],
      config: awsConfig({
        plain: { op_vault: "Work", op_item: "plain" },
        nul: { op_vault: "Work", op_item: "nul" },
        nuloff: { op_vault: "Work", op_item: "nul", op_session_duration: "off" },
      }),
      secrets: [KEY.secretAccessKey, NUL_HALVES[0], NUL_HALVES[1]],
    },
    (world) => {
      ({ sts, sandbox, canaries } = world);
    },
  );

  /** A cold `process` with a duration of its own (no cache entry from before applies). */
  const processCold = (args: string[] = [], env: Record<string, string> = {}) => {
    run += 1;
    return sandbox.run(["process", "--profile", "plain", "--session-duration", `${3600 + run}`, ...args], {
      env,
      timeoutMs: 120_000,
    });
  };

  const sessionFiles = () => sandbox.cacheFiles().filter((n) => n.endsWith(".json") && !n.startsWith("."));

  describe("STS answers trusted less (item 8)", () => {
    it("an STS answer whose Expiration is already past is refused, not served or cached", async () => {
      sts.reply = () => ({ kind: "credentials", expiration: "2020-01-01T00:00:00Z" });
      const result = await processCold();
      expectCleanFailure(result, /STS GetSessionToken returned credentials that expired already/);
      expect(result.stderr).toMatch(/clock/);
      expect(sessionFiles()).toEqual([]);
    });

    it("an Expiration in 2099 is never served past the duration asked for, neither fresh nor from the cache", async () => {
      sts.reply = () => ({ kind: "credentials", expiration: "2099-01-01T00:00:00Z" });
      const before = Date.now();
      const result = await sandbox.run(["process", "--profile", "plain", "--session-duration", "1h"]);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      const served = JSON.parse(result.stdout) as { AccessKeyId: string; Expiration: string };
      expect(served.AccessKeyId).toBe(sessionKeyFor(KEY.accessKeyId));
      // Asked for 1 h: at most 1 h (and a small allowance for the clocks) from the request.
      expect(Date.parse(served.Expiration)).toBeLessThanOrEqual(before + 3600_000 + 5 * 60_000 + 5_000);
      const [file] = sessionFiles();
      const entry = JSON.parse(readFileSync(join(sandbox.cacheDir, "aws-op", "sessions", file ?? ""), "utf8")) as {
        credentials: { Expiration: string };
      };
      expect(Date.parse(entry.credentials.Expiration)).toBeLessThanOrEqual(before + 3600_000 + 5 * 60_000 + 5_000);
      const again = await sandbox.run(["process", "--profile", "plain", "--session-duration", "1h"]);
      expect(Date.parse((JSON.parse(again.stdout) as { Expiration: string }).Expiration)).toBeLessThanOrEqual(
        before + 3600_000 + 5 * 60_000 + 5_000,
      );
    });

    for (const chunked of [false, true]) {
      it(`a 200 MB STS body (${chunked ? "chunked" : "with Content-Length"}) ends quickly with a clean error and bounded memory, and the lock is released`, async () => {
        sts.reply = () => ({ kind: "huge", bytes: 200 * 1024 * 1024, chunked });
        const started = Date.now();
        // A 96 MB heap: reading the whole body into memory would abort.
        const result = await processCold([], { NODE_OPTIONS: "--max-old-space-size=96" });
        expect(Date.now() - started).toBeLessThan(20_000);
        expect(result.signal).toBeNull();
        expectCleanFailure(result, /STS GetSessionToken at http:\/\/127\.0\.0\.1:\d+ sent an answer larger than 1 MB/);
        expect(sts.requests.filter((r) => r.action === "GetSessionToken")).toHaveLength(1);
        const sessions = join(sandbox.cacheDir, "aws-op", "sessions");
        expect(existsSync(sessions) ? readdirSync(sessions).filter((n) => n.endsWith(".lock")) : []).toEqual([]);
        // The next call for the same key is not blocked by a lock left behind.
        sts.reply = () => ({ kind: "credentials" });
        const next = Date.now();
        run -= 1;
        const second = await processCold();
        expect(second.stderr).toBe("");
        expect(second.status).toBe(0);
        expect(Date.now() - next).toBeLessThan(4_000);
      }, 60_000);
    }
  });

  describe("--debug output redacts every secret (item 7)", () => {
    it("--debug never prints an item secret holding a NUL (exec --no-session, sessions off)", async () => {
      for (const args of [
        ["--debug", "exec", "--no-session", "nul", "--", "true"],
        ["--debug", "exec", "nuloff", "--", "true"],
        ["--debug", "env", "nuloff"],
      ]) {
        const result = await sandbox.run(args);
        expect(result.status).toBe(1);
        expect(result.stderr).toMatch(/secret access key in 1Password item "nul" holds a NUL character/);
        for (const half of NUL_HALVES) expect(result.stderr).not.toContain(half);
        expect(result.stderr).not.toMatch(/unexpected error/);
      }
    });

    it("--debug never prints a token an STS body holds (a malformed Expiration, an error message quoting it)", async () => {
      const replies = [
        { kind: "raw", status: 200, body: credentialsBody({ expiration: TOKEN }) },
        {
          kind: "raw",
          status: 400,
          body: `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameterValue</Code><Message>bad token ${TOKEN} for ${SESSION_SECRET}</Message></Error><RequestId>x</RequestId></ErrorResponse>`,
        },
        { kind: "raw", status: 200, body: credentialsBody({ expiration: "2020-01-01T00:00:00Z" }) },
      ] as const;
      for (const reply of replies) {
        sts.reply = () => reply;
        const result = await processCold(["--debug"]);
        expect(result.status).toBe(1);
        expect(result.stdout).toBe("");
        expect(result.stderr).not.toContain(TOKEN.slice(0, 40));
        expect(result.stderr).not.toContain(TOKEN.slice(-40));
        expect(result.stderr).not.toContain(SESSION_SECRET);
      }
    });
  });

  it("no canary leaked in any of these runs", () => {
    canaries.servedSecrets.add(SESSION_SECRET).add(TOKEN);
    expect(canaries.scan(sandbox)).toEqual([]);
  });
});
