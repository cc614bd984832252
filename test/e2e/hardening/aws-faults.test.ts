// Faults of AWS, through the built `process` against a scripted STS on loopback: every failure is exit 1, empty
// stdout and a message that names the cause and the fix; retries are bounded; time is bounded; a reused MFA code
// is never sent.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { scriptRecipeItem } from "../../fake-op/fixture.js";
import { awsConfig } from "../../helpers/alice-world.js";
import type { StoreItem } from "../../fake-op/store.js";
import { decodeBase32, hotp } from "../../fake-op/totp.js";
import { freePort } from "../../helpers/moto.js";
import type { Sandbox } from "../../helpers/sandbox.js";
import { canaryOtpSeed, canarySecretKey, type CanaryHarness } from "../../helpers/canary.js";
import { expectCleanFailure, sessionKeyFor, stsError, useFakeStsWorld, type FakeSts } from "./fake-sts.js";

const KEY = { accessKeyId: "AKIAFAULTS0000000001", secretAccessKey: canarySecretKey() };
const MFA_KEY = { accessKeyId: "AKIAFAULTS0000000002", secretAccessKey: canarySecretKey() };
const SEED = canaryOtpSeed();
const SERIAL = "arn:aws:iam::123456789012:mfa/faults";

/** The item with parameters added to its otpauth URI (e.g. a period AWS does not use). */
function withOtpParameters(item: StoreItem, extra: string): StoreItem {
  for (const field of item.fields ?? []) if (field.type === "OTP") field.value = `${field.value ?? ""}${extra}`;
  return item;
}

/** The MFA state file of a device (src/cache/mfa-state.ts: sha256 of the serial). */
function mfaStatePath(sandbox: Sandbox, serial: string): string {
  const name = `${createHash("sha256").update(serial).digest("hex").slice(0, 32)}.json`;
  return join(sandbox.cacheDir, "aws-op", "mfa", name);
}

describe("AWS faults through process", () => {
  let sts: FakeSts;
  let sandbox: Sandbox;
  let canaries: CanaryHarness;
  let run = 0;

  useFakeStsWorld(
    {
      items: [
        scriptRecipeItem({ title: "plain", ...KEY }),
        scriptRecipeItem({ title: "mfa", ...MFA_KEY, totpSecret: SEED, mfaSerial: SERIAL }),
        withOtpParameters(
          scriptRecipeItem({ title: "mfaday", ...MFA_KEY, totpSecret: SEED, mfaSerial: SERIAL }),
          "&period=86400",
        ),
      ],
      config: awsConfig({
        plain: { op_vault: "Work", op_item: "plain" },
        mfa: { op_vault: "Work", op_item: "mfa" },
        mfa2h: { op_vault: "Work", op_item: "mfa", op_session_duration: "2h" },
        mfaday: { op_vault: "Work", op_item: "mfaday" },
      }),
      secrets: [KEY.secretAccessKey, MFA_KEY.secretAccessKey],
      otpSeeds: [SEED],
    },
    (world) => {
      ({ sts, sandbox, canaries } = world);
    },
  );

  /** A cold `process` (each call a new session duration, so no cache entry or MFA state from before applies). */
  const processCold = (profile = "plain", env: Record<string, string> = {}) => {
    run += 1;
    return sandbox.run(["process", "--profile", profile, "--session-duration", `${3600 + run}`], {
      env,
      timeoutMs: 90_000,
    });
  };

  /** The GetSessionToken requests (a GetCallerIdentity for the session's AccountId goes out alongside). */
  const sessionRequests = () => sts.requests.filter((r) => r.action === "GetSessionToken");

  it("invalid or deactivated key (InvalidClientTokenId): one attempt, message names the key problem", async () => {
    sts.reply = () => stsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
    const result = await processCold();
    expectCleanFailure(result, /rejected the access key from 1Password.*InvalidClientTokenId/);
    expect(result.stderr).toMatch(/deleted, deactivated or mistyped/);
    expect(sessionRequests()).toHaveLength(1);
  });

  it("wrong MFA code (AccessDenied): says the MFA code was rejected and what to check", async () => {
    sts.reply = () =>
      stsError(403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.");
    const result = await processCold("mfa");
    expectCleanFailure(result, /AWS rejected the MFA code/);
    expect(result.stderr).toMatch(/op_mfa_serial/);
    expect(sessionRequests()[0]?.serialNumber).toBe(SERIAL);
  });

  it("throttling twice then success: retried with backoff, credentials served after 3 attempts", async () => {
    sts.reply = (_request, index) =>
      index < 2
        ? { kind: "error", status: 400, code: "Throttling", message: "Rate exceeded" }
        : { kind: "credentials" };
    const result = await processCold();
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty("AccessKeyId", sessionKeyFor(KEY.accessKeyId));
    // Three GetSessionToken attempts (and the GetCallerIdentity alongside, for its AccountId).
    expect(sessionRequests()).toHaveLength(3);
  });

  it("always throttled: gives up after a bounded number of attempts with a clear message", async () => {
    sts.reply = () => stsError(400, "Throttling", "Rate exceeded");
    const result = await processCold();
    expectCleanFailure(result, /AWS is throttling STS GetSessionToken \(gave up after 3 attempts\)/);
    expect(sessionRequests()).toHaveLength(3);
  });

  it("connection refused: clear message naming the endpoint", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const result = await processCold("plain", { AWS_ENDPOINT_URL: closed });
    expectCleanFailure(
      result,
      new RegExp(`Could not reach AWS for STS GetSessionToken at ${closed} \\(ECONNREFUSED\\)`),
    );
  });

  it("an endpoint that accepts the connection and never answers: gives up well inside the Go SDK's 60 s", async () => {
    sts.reply = () => ({ kind: "hang" });
    const started = Date.now();
    const result = await processCold();
    const elapsed = Date.now() - started;
    expectCleanFailure(result, /AWS did not answer STS GetSessionToken .* in time/);
    // Per attempt 10 s, the whole call capped at 25 s (src/aws/sts.ts): never the 60 s kill, never a hang.
    expect(elapsed).toBeLessThan(40_000);
    expect(sessionRequests().length).toBeGreaterThanOrEqual(2);
    expect(sessionRequests().length).toBeLessThanOrEqual(3);
  }, 60_000);

  it("clock skew (SignatureDoesNotMatch: Signature expired): the message names the clock", async () => {
    sts.reply = () =>
      stsError(
        403,
        "SignatureDoesNotMatch",
        "Signature expired: 20200101T000000Z is now earlier than 20260101T000000Z (20260101T000500Z - 5 min.)",
      );
    const result = await processCold();
    expectCleanFailure(result, /this computer's clock is wrong/);
    expect(result.stderr).toMatch(/Sync the system clock/);
  });

  it("clock skew (RequestExpired): the message names the clock", async () => {
    sts.reply = () => stsError(400, "RequestExpired", "Request has expired.");
    expectCleanFailure(await processCold(), /this computer's clock is wrong/);
  });

  it("AccessDenied on GetSessionToken: explains sts:GetSessionToken and suggests op_session_duration = off", async () => {
    sts.reply = () =>
      stsError(
        403,
        "AccessDenied",
        "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:GetSessionToken with an explicit deny",
      );
    const result = await processCold();
    expectCleanFailure(result, /AWS denied STS GetSessionToken/);
    expect(result.stderr).toMatch(/permission for sts:GetSessionToken/);
    expect(result.stderr).toMatch(/op_session_duration = off/);
    expect(sessionRequests()).toHaveLength(1);
  });

  it("MFA code reuse: two sessions in one 30 s window send different codes; the second waits instead of failing", async () => {
    const seed = decodeBase32(SEED);
    const used = new Set<string>();
    const acceptedSteps: number[] = [];
    // Like AWS: a code is valid for the current step (and one either side), and never twice.
    sts.reply = (request) => {
      const step = Math.floor(request.at / 30_000);
      const match = [step - 1, step, step + 1].find((s) => hotp(seed, s) === request.tokenCode);
      if (match === undefined || used.has(request.tokenCode ?? "")) {
        return {
          kind: "error",
          status: 403,
          code: "AccessDenied",
          message: "MultiFactorAuthentication failed, unable to validate MFA code.",
        };
      }
      used.add(request.tokenCode ?? "");
      acceptedSteps.push(match);
      return { kind: "credentials" };
    };
    // Start early in a window so both runs fall in the same one.
    const intoWindow = Date.now() % 30_000;
    if (intoWindow > 15_000) await new Promise((r) => setTimeout(r, 30_000 - intoWindow + 200));
    const first = await sandbox.run(["process", "--profile", "mfa"]);
    const second = await sandbox.run(["process", "--profile", "mfa2h"], { timeoutMs: 60_000 });
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/the current MFA code was already used; waiting \d+ s for the next one/);
    expect(sessionRequests()).toHaveLength(2);
    expect(sessionRequests()[0]?.tokenCode).not.toBe(sessionRequests()[1]?.tokenCode);
    expect(acceptedSteps[1]).toBe((acceptedSteps[0] ?? 0) + 1);
  }, 75_000);

  describe("MFA waits bounded (issue 13, item 5)", () => {
    it("an otpauth period of 86400 is refused at once, naming what AWS virtual MFA uses (it made process wait hours)", async () => {
      const started = Date.now();
      const first = await sandbox.run(["process", "--profile", "mfaday"], { timeoutMs: 20_000 });
      const second = await sandbox.run(["process", "--profile", "mfaday"], { timeoutMs: 20_000 });
      for (const result of [first, second]) {
        expectCleanFailure(result, /uses a period of 86400 s; AWS virtual MFA devices use 30-second codes of 6 digits/);
      }
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(sts.requests).toHaveLength(0);
    }, 30_000);

    it("a recorded future MFA step (the clock was fast) is ignored: no wait, the current step's code is sent", async () => {
      const path = mfaStatePath(sandbox, SERIAL);
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, JSON.stringify({ step: Math.floor(Date.now() / 30_000) + 1000 }), { mode: 0o600 });
      const started = Date.now();
      const result = await processCold("mfa");
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      const at = sessionRequests()[0]?.at ?? 0;
      const seed = decodeBase32(SEED);
      const near = [-1, 0, 1].map((d) => hotp(seed, Math.floor(at / 30_000) + d));
      expect(near).toContain(sessionRequests()[0]?.tokenCode);
    }, 30_000);

    it("clear --all removes the MFA state", async () => {
      await processCold("mfa");
      expect(existsSync(mfaStatePath(sandbox, SERIAL))).toBe(true);
      const cleared = await sandbox.run(["clear", "--all"]);
      expect(cleared.status).toBe(0);
      expect(existsSync(mfaStatePath(sandbox, SERIAL))).toBe(false);
    }, 30_000);
  });

  it("no canary leaked in any of these failures", () => {
    expect(canaries.scan(sandbox)).toEqual([]);
  });
});
