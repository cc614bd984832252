import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SessionCache } from "../../../src/cache/session-cache.js";
import type { ProfileSettings } from "../../../src/config/profile.js";
import { buildChain, getCredentials, type ProviderDeps } from "../../../src/providers/chain.js";
import { PASS_THROUGH_POLICY } from "../../../src/providers/federation-token.js";
import type { MfaCodeRequest } from "../../../src/providers/item-keys.js";
import { FETCH_BUDGET_MS, STS_MIN_BUDGET_MS } from "../../../src/providers/provider.js";
import { writeLastMfaStep } from "../../../src/cache/mfa-state.js";
import { generateTotp, parseOtpUri } from "../../../src/onepassword/totp.js";
import { fakeSts, type StsCall } from "../../helpers/fake-sts.js";
import { opInMemory, type FakeItem } from "../../helpers/op-in-memory.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

const OTP_URI = "otpauth://totp/aws?secret=JBSWY3DPEHPK3PXP";

function itemJson(extra: object[] = []): string {
  return JSON.stringify({
    id: "item1",
    title: "AWS work",
    vault: { id: "v1", name: "Work" },
    sections: [{ id: "s", label: "AWS" }],
    fields: [
      {
        id: "a",
        section: { id: "s", label: "AWS" },
        type: "STRING",
        label: "aws_access_key_id",
        value: "AKIALONGTERM00000001",
      },
      {
        id: "b",
        section: { id: "s", label: "AWS" },
        type: "CONCEALED",
        label: "aws_secret_access_key",
        value: "long-term-secret",
      },
      ...extra,
    ],
  });
}

interface Harness {
  deps: ProviderDeps;
  opCalls: string[][];
  /** STS calls but GetCallerIdentity. */
  sts: { calls: StsCall[] };
  /** The keys of each GetCallerIdentity call (kept apart from `sts.calls`: tests of other calls list those). */
  identityCalls: string[];
  clock: { now: number };
  profiles: Record<string, ProfileSettings>;
}

function harness(options: { item?: string; cache?: boolean } = {}): Harness {
  const clock = { now: Date.parse("2026-11-25T12:00:10Z") };
  const op = opInMemory(JSON.parse(options.item ?? itemJson()) as FakeItem);
  const alice = { account: "123456789012", arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDA" };
  const { sts, calls } = fakeSts({ now: () => clock.now, identity: () => alice });
  const profiles: Record<string, ProfileSettings> = {};
  const deps: ProviderDeps = {
    env: {},
    home: "/nonexistent-home",
    now: () => new Date(clock.now),
    runOp: op.run,
    sts,
    cache: options.cache === false ? undefined : new SessionCache(join(makeTempDir("aws-op-cred-"), "aws-op")),
    warn: () => undefined,
    sleep: async (ms) => {
      clock.now += ms;
    },
    loadProfile: (name) => {
      const p = profiles[name];
      if (!p) throw new Error(`no profile ${name}`);
      return p;
    },
    userName: "alice",
  };
  return {
    deps,
    opCalls: op.calls,
    sts: {
      get calls() {
        return calls.filter((c) => c.op !== "GetCallerIdentity");
      },
    },
    get identityCalls() {
      return calls.filter((c) => c.op === "GetCallerIdentity").map((c) => c.accessKeyId);
    },
    clock,
    profiles,
  };
}

/** Settings of a profile; an override of `undefined` removes the key (item: undefined for a role via a source). */
function settings(overrides: { [K in keyof ProfileSettings]?: ProfileSettings[K] | undefined } = {}): ProfileSettings {
  const result: Record<string, unknown> = {
    profile: "work",
    item: "AWS work",
    vault: "Work",
    sessionDuration: 3600,
    region: "eu-west-1",
    opCli: "op",
    opTimeoutMs: 50_000,
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete result[key];
    else result[key] = value;
  }
  return result as unknown as ProfileSettings;
}

/** A role profile whose keys come from another profile (op_source_profile, no item of its own); 1 h by default. */
function roleVia(
  profile: string,
  sourceProfile: string,
  roleArn: string,
  role: Partial<NonNullable<ProfileSettings["role"]>> = {},
): ProfileSettings {
  return settings({ profile, item: undefined, sourceProfile, role: { roleArn, durationSeconds: 3600, ...role } });
}

describe("getCredentials: sessions", () => {
  it("exchanges the long-term keys for a session and serves it from the cache afterwards", async () => {
    const h = harness();
    const first = await getCredentials(settings(), h.deps);
    expect(first).toMatchObject({
      accessKeyId: "ASIASESSION000000001",
      sessionToken: "session-token-1",
      source: "sts",
    });
    expect(h.sts.calls[0]).toMatchObject({
      op: "GetSessionToken",
      accessKeyId: "AKIALONGTERM00000001",
      params: { durationSeconds: 3600, region: "eu-west-1" },
    });
    h.clock.now += 39 * 60_000;
    const second = await getCredentials(settings(), h.deps);
    expect(second).toMatchObject({ accessKeyId: "ASIASESSION000000001", source: "cache" });
    expect(h.opCalls).toHaveLength(1);
  });

  it("refreshes once fewer than 20 minutes are left", async () => {
    const h = harness();
    await getCredentials(settings(), h.deps);
    h.clock.now += 41 * 60_000;
    const again = await getCredentials(settings(), h.deps);
    expect(again.accessKeyId).toBe("ASIASESSION000000002");
    expect(again.expiration!.getTime() - h.clock.now).toBeGreaterThan(20 * 60_000);
    expect(h.opCalls).toHaveLength(2);
  });

  it("calls STS at AWS_ENDPOINT_URL_STS before AWS_ENDPOINT_URL, in the profile's region", async () => {
    const h = harness();
    h.deps.env = { AWS_ENDPOINT_URL: "http://all.example", AWS_ENDPOINT_URL_STS: "http://sts.example" };
    await getCredentials(settings(), h.deps);
    h.deps.env = { AWS_ENDPOINT_URL: "http://all.example" };
    await getCredentials(settings({ region: "us-east-1" }), h.deps);
    expect(h.sts.calls.map((c) => c.params)).toMatchObject([
      { endpoint: "http://sts.example", region: "eu-west-1" },
      { endpoint: "http://all.example", region: "us-east-1" },
    ]);
  });

  it("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or ignore_configured_endpoint_urls in the profile): the MFA code and the signed request never go to AWS_ENDPOINT_URL_STS (issue 13, item 12)", async () => {
    const item = itemJson([{ id: "TOTP_1", type: "OTP", label: "one-time password", value: OTP_URI, totp: "000000" }]);
    const h = harness({ item });
    const mfa = { mfaSerial: "arn:aws:iam::123456789012:mfa/alice" };
    h.deps.env = { AWS_ENDPOINT_URL_STS: "http://sts.example", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" };
    await getCredentials(settings(mfa), h.deps);
    h.deps.env = { AWS_ENDPOINT_URL: "http://all.example" };
    await getCredentials(
      settings({ ...mfa, sessionDuration: 7200, endpoints: { ignoreConfiguredEndpointUrls: "true" } }),
      h.deps,
    );
    expect(h.sts.calls).toHaveLength(2);
    for (const call of h.sts.calls) expect(call.params).not.toHaveProperty("endpoint");
  });

  it("keeps separate cache entries for different items, vaults and durations", async () => {
    const h = harness();
    await getCredentials(settings(), h.deps);
    await getCredentials(settings({ vault: "Other" }), h.deps);
    await getCredentials(settings({ sessionDuration: 7200 }), h.deps);
    await getCredentials(settings(), h.deps);
    expect(h.opCalls).toHaveLength(3);
  });

  it("serves the item's long-term keys with no expiration and writes nothing when sessions are off", async () => {
    const h = harness();
    const creds = await getCredentials(settings({ sessionDuration: "off" }), h.deps);
    expect(creds).toEqual({ accessKeyId: "AKIALONGTERM00000001", secretAccessKey: "long-term-secret", source: "item" });
    expect(h.sts.calls).toHaveLength(0);
    // Not even the cache directory (nor a lock or MFA state in it) is created.
    expect(existsSync(h.deps.cache!.root)).toBe(false);
  });

  it("sends the MFA serial and the item's current code", async () => {
    const item = itemJson([{ id: "TOTP_1", type: "OTP", label: "one-time password", value: OTP_URI, totp: "000000" }]);
    const h = harness({ item });
    await getCredentials(settings({ mfaSerial: "arn:aws:iam::123456789012:mfa/alice" }), h.deps);
    const params = parseOtpUri(OTP_URI)!;
    const expected = generateTotp(params, Math.floor(h.clock.now / 30_000));
    expect(h.sts.calls[0]!.params).toMatchObject({
      serialNumber: "arn:aws:iam::123456789012:mfa/alice",
      tokenCode: expected,
    });
  });

  it("waits for the next MFA code instead of reusing one AWS has already seen", async () => {
    const item = itemJson([{ id: "TOTP_1", type: "OTP", label: "one-time password", value: OTP_URI, totp: "000000" }]);
    const h = harness({ item });
    const mfa = { mfaSerial: "arn:aws:iam::123456789012:mfa/alice" };
    await getCredentials(settings(mfa), h.deps);
    await getCredentials(settings({ ...mfa, sessionDuration: 7200 }), h.deps);
    const [a, b] = h.sts.calls.map((c) => c.params.tokenCode);
    expect(a).not.toBe(b);
    const params = parseOtpUri(OTP_URI)!;
    expect(b).toBe(generateTotp(params, Math.floor(h.clock.now / 30_000)));
  });

  describe("MFA waits bounded (issue 13, item 5)", () => {
    const mfa = { mfaSerial: "arn:aws:iam::123456789012:mfa/alice" };
    const otpItem = (uri: string) =>
      itemJson([{ id: "TOTP_1", type: "OTP", label: "one-time password", value: uri, totp: "000000" }]);
    const sleeps = (h: Harness) => {
      const slept: number[] = [];
      const sleep = h.deps.sleep;
      h.deps.sleep = async (ms) => {
        slept.push(ms);
        await sleep(ms);
      };
      return slept;
    };

    it.each([
      ["period=86400", `${OTP_URI}&period=86400`, /86400 s/],
      ["digits=8", `${OTP_URI}&digits=8`, /8 digits/],
      ["algorithm=SHA256", `${OTP_URI}&algorithm=SHA256`, /SHA256/],
    ])("an otpauth URI with %s is refused at once, naming what AWS virtual MFA uses", async (_name, uri, detail) => {
      const h = harness({ item: otpItem(uri) });
      const slept = sleeps(h);
      const failure = getCredentials(settings(mfa), h.deps);
      await expect(failure).rejects.toThrow(detail);
      await expect(failure).rejects.toThrow(/AWS virtual MFA devices use 30-second codes of 6 digits \(SHA1\)/);
      // Not even on the second call (where the old code waited one period: 24 h here).
      await expect(getCredentials(settings({ ...mfa, sessionDuration: 7200 }), h.deps)).rejects.toThrow(detail);
      expect(slept).toEqual([]);
      expect(h.sts.calls).toHaveLength(0);
    });

    it("a recorded MFA step more than one period ahead (the clock was fast) is ignored: no wait, the current code", async () => {
      const h = harness({ item: otpItem(OTP_URI) });
      const slept = sleeps(h);
      const current = Math.floor(h.clock.now / 30_000);
      writeLastMfaStep(h.deps.cache!.root, mfa.mfaSerial, current + 2);
      await getCredentials(settings(mfa), h.deps);
      expect(slept).toEqual([]);
      expect(h.sts.calls[0]!.params.tokenCode).toBe(generateTotp(parseOtpUri(OTP_URI)!, current));
    });

    it("the wait for the next MFA code stays inside the fetch budget: after a slow approval it fails instead", async () => {
      const h = harness({ item: otpItem(OTP_URI) });
      const slept = sleeps(h);
      h.clock.now = Date.parse("2026-11-25T12:00:00.500Z");
      const started = h.clock.now;
      const runOp = h.deps.runOp;
      h.deps.runOp = async (options) => {
        h.clock.now += 40_000; // the person took 40 s to approve in 1Password
        return runOp(options);
      };
      // The code of the step we land in (12:00:30-12:01:00) was already used: the next one is 19.5 s away.
      writeLastMfaStep(h.deps.cache!.root, mfa.mfaSerial, Math.floor((started + 40_000) / 30_000));
      await expect(getCredentials(settings(mfa), h.deps)).rejects.toThrow(
        /The current MFA code was already used.*try again in 20 s/s,
      );
      expect(h.clock.now - started).toBeLessThanOrEqual(FETCH_BUDGET_MS);
      expect(slept.every((ms) => ms < 15_000)).toBe(true);
      expect(h.sts.calls).toHaveLength(0);
    });
  });

  it("says clearly when MFA is configured but the item has no one-time password", async () => {
    const h = harness();
    await expect(getCredentials(settings({ mfaSerial: "arn:aws:iam::1:mfa/x" }), h.deps)).rejects.toThrow(
      /no one-time password field/,
    );
  });
  it("without a one-time password, asks promptMfaCode with the profile's prompt settings and what is left of the fetch budget", async () => {
    const h = harness();
    const requests: MfaCodeRequest[] = [];
    const runOp = h.deps.runOp;
    // 1Password took 5 s to approve.
    h.deps.runOp = async (options) => {
      h.clock.now += 5_000;
      return runOp(options);
    };
    h.deps.promptMfaCode = async (request) => {
      requests.push(request);
      return "654321";
    };
    await getCredentials(
      settings({ mfaSerial: "arn:aws:iam::1:mfa/x", mfaPrompt: "ykman", mfaProcess: "otp --name x" }),
      h.deps,
    );
    expect(requests).toEqual([
      {
        serialNumber: "arn:aws:iam::1:mfa/x",
        item: "AWS work",
        prompt: "ykman",
        process: "otp --name x",
        timeoutMs: FETCH_BUDGET_MS - STS_MIN_BUDGET_MS - 5_000,
      },
    ]);
    expect(h.sts.calls[0]!.params.tokenCode).toBe("654321");
  });

  it("an answer from promptMfaCode that is not six digits never reaches STS", async () => {
    const h = harness();
    h.deps.promptMfaCode = async () => "12345\n";
    await expect(getCredentials(settings({ mfaSerial: "arn:aws:iam::1:mfa/x" }), h.deps)).rejects.toThrow(
      /not six digits/,
    );
    expect(h.sts.calls).toEqual([]);
  });
});

describe("getCredentials: roles", () => {
  it("assumes a role from the cached source session, once per role, with one op call in all", async () => {
    const h = harness();
    h.profiles.base = settings({ profile: "base" });
    const roleA = roleVia("a", "base", "arn:aws:iam::123456789012:role/A");
    const roleB = roleVia("b", "base", "arn:aws:iam::123456789012:role/B");
    const a = await getCredentials(roleA, h.deps);
    const b = await getCredentials(roleB, h.deps);
    const aAgain = await getCredentials(roleA, h.deps);
    expect(a.arn).toBe("arn:aws:sts::123456789012:assumed-role/A/aws-op-alice");
    expect(b.arn).toBe("arn:aws:sts::123456789012:assumed-role/B/aws-op-alice");
    expect(aAgain).toMatchObject({ source: "cache", accessKeyId: a.accessKeyId });
    expect(h.opCalls).toHaveLength(1);
    expect(h.sts.calls.map((c) => c.op)).toEqual(["GetSessionToken", "AssumeRole", "AssumeRole"]);
    expect(h.sts.calls[1]).toMatchObject({
      accessKeyId: "ASIASESSION000000001",
      params: { roleSessionName: "aws-op-alice" },
    });
  });

  it("refuses a chained role longer than one hour with a clear message", async () => {
    const h = harness();
    h.profiles.base = settings({
      profile: "base",
      role: { roleArn: "arn:aws:iam::1:role/Base", durationSeconds: 3600 },
    });
    const chained = roleVia("c", "base", "arn:aws:iam::1:role/C", { durationSeconds: 7200 });
    await expect(getCredentials(chained, h.deps)).rejects.toThrow(/limits chained roles to 1 hour/);
    expect(h.opCalls).toHaveLength(0);
  });

  it.each<[string, Partial<NonNullable<ProfileSettings["role"]>>, Partial<NonNullable<ProfileSettings["role"]>>]>([
    ["ARN (regression: keyed by source profile name only)", {}, { roleArn: "arn:aws:iam::1:role/OtherBase" }],
    [
      "session name (regression: left out of the chained role's key)",
      { roleSessionName: "first" },
      { roleSessionName: "second" },
    ],
  ])("a chained role's cache entry changes when its source role's %s changes", async (_what, before, after) => {
    const h = harness();
    h.profiles.work = settings({ profile: "work" });
    h.profiles.base = roleVia("base", "work", "arn:aws:iam::1:role/Base", before);
    const chained = roleVia("c", "base", "arn:aws:iam::1:role/C");
    const first = await getCredentials(chained, h.deps);
    h.profiles.base = roleVia("base", "work", "arn:aws:iam::1:role/Base", after);
    const second = await getCredentials(chained, h.deps);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    const assumed = h.sts.calls
      .filter((c) => c.op === "AssumeRole")
      .map((c) => [c.params.roleArn, c.params.roleSessionName]);
    const base = (role: typeof before) => [
      role.roleArn ?? "arn:aws:iam::1:role/Base",
      role.roleSessionName ?? "aws-op-alice",
    ];
    const c = ["arn:aws:iam::1:role/C", "aws-op-alice"];
    expect(assumed).toEqual([base(before), c, base(after), c]);
  });

  it("detects a loop of source profiles", async () => {
    const h = harness();
    h.profiles.x = roleVia("x", "y", "arn:aws:iam::1:role/X", { durationSeconds: 900 });
    h.profiles.y = roleVia("y", "x", "arn:aws:iam::1:role/Y", { durationSeconds: 900 });
    await expect(getCredentials(h.profiles.x, h.deps)).rejects.toThrow(/loop/);
  });
});

describe("AccountId: from the item, the assumed-role ARN, else one GetCallerIdentity on the cold path", () => {
  it("a session learns its account with one GetCallerIdentity (the item's keys, alongside GetSessionToken), cached with it", async () => {
    const h = harness();
    const first = await getCredentials(settings(), h.deps);
    expect(first).toMatchObject({ source: "sts", accountId: "123456789012" });
    expect(h.identityCalls).toEqual(["AKIALONGTERM00000001"]);
    const warm = await getCredentials(settings(), h.deps);
    expect(warm).toMatchObject({ source: "cache", accountId: "123456789012" });
    // The warm path adds nothing: no op call, no STS call of any kind.
    expect(h.identityCalls).toHaveLength(1);
    expect(h.sts.calls).toHaveLength(1);
    expect(h.opCalls).toHaveLength(1);
  });

  it("the item's account field wins, written with dashes or not: no GetCallerIdentity", async () => {
    const item = itemJson([{ id: "acct", type: "STRING", label: "aws_account_id", value: "2109-8765-4321" }]);
    const h = harness({ item });
    expect(await getCredentials(settings(), h.deps)).toMatchObject({ accountId: "210987654321" });
    expect(await getCredentials(settings({ sessionDuration: "off" }), h.deps)).toMatchObject({
      source: "item",
      accountId: "210987654321",
    });
    expect(h.identityCalls).toEqual([]);
  });

  it("a role's account comes from its assumed-role ARN, not from another call", async () => {
    const h = harness();
    h.profiles.base = settings({ profile: "base" });
    const role = roleVia("admin", "base", "arn:aws:iam::210987654321:role/admin");
    h.deps.sts.assumeRole = async (_keys, params) => ({
      accessKeyId: "ASIAROLE1",
      secretAccessKey: "role-secret",
      sessionToken: "role-token",
      expiration: new Date(h.clock.now + 3600_000),
      assumedRoleArn: `${params.roleArn.replace(":role/", ":assumed-role/")}/x`,
      accountId: "210987654321",
    });
    expect(await getCredentials(role, h.deps)).toMatchObject({ accountId: "210987654321" });
    // Only the source session asked (for its own entry), with the item's keys.
    expect(h.identityCalls).toEqual(["AKIALONGTERM00000001"]);
  });

  it("long-term keys without an account field carry none: no call is added to every use", async () => {
    const h = harness();
    const served = await getCredentials(settings({ sessionDuration: "off" }), h.deps);
    expect(served.accountId).toBeUndefined();
    expect(h.identityCalls).toEqual([]);
  });

  it("a failing GetCallerIdentity only leaves AccountId out", async () => {
    const h = harness();
    h.deps.sts.getCallerIdentity = async () => {
      throw new Error("throttled");
    };
    const served = await getCredentials(settings(), h.deps);
    expect(served.source).toBe("sts");
    expect(served.accountId).toBeUndefined();
  });
});

describe("the cache key: everything that selects the credentials", () => {
  it("regression: OP_ACCOUNT is part of the cache key (two accounts, two entries, two op calls)", async () => {
    const h = harness();
    h.deps.env = { OP_ACCOUNT: "personal" };
    const personal = await getCredentials(settings(), h.deps);
    h.deps.env = { OP_ACCOUNT: "work" };
    const work = await getCredentials(settings(), h.deps);
    expect(work.accessKeyId).not.toBe(personal.accessKeyId);
    expect(work.source).toBe("sts");
    expect(h.opCalls).toHaveLength(2);
    expect(h.deps.cache!.list()).toHaveLength(2);
    // Each account served again from its own entry.
    h.deps.env = { OP_ACCOUNT: "personal" };
    expect(await getCredentials(settings(), h.deps)).toMatchObject({
      source: "cache",
      accessKeyId: personal.accessKeyId,
    });
    expect(h.opCalls).toHaveLength(2);
  });

  it("--account / op_account wins over OP_ACCOUNT, as in op: the same account is the same entry", async () => {
    const h = harness();
    h.deps.env = { OP_ACCOUNT: "personal" };
    await getCredentials(settings({ account: "work" }), h.deps);
    h.deps.env = { OP_ACCOUNT: "work" };
    await getCredentials(settings(), h.deps);
    h.deps.env = {};
    await getCredentials(settings({ account: "work" }), h.deps);
    expect(h.opCalls).toHaveLength(1);
  });

  it("a service account token selects the entry by a one-way digest, never the token itself", async () => {
    const h = harness();
    const token = "ops_eyJzaWduSW5BZGRyZXNzIjoibXkuMXBhc3N3b3JkLmNvbSJ9TAIL";
    h.deps.env = { OP_SERVICE_ACCOUNT_TOKEN: token };
    await getCredentials(settings(), h.deps);
    h.deps.env = { OP_SERVICE_ACCOUNT_TOKEN: `${token}2` };
    await getCredentials(settings(), h.deps);
    h.deps.env = {};
    await getCredentials(settings(), h.deps);
    expect(h.opCalls).toHaveLength(3);
    const stored = JSON.stringify(h.deps.cache!.list().map((e) => e.entry.descriptor));
    expect(stored).toMatch(/"serviceAccount":"[0-9a-f]{32}"/);
    expect(stored).not.toContain("ops_eyJ");
    expect(stored).not.toContain("TAIL");
  });

  it("the op executable (op_cli) is part of the key", async () => {
    const h = harness();
    await getCredentials(settings(), h.deps);
    await getCredentials(settings({ opCli: "op.exe" }), h.deps);
    expect(h.opCalls).toHaveLength(2);
  });

  it("the STS endpoint and a role's external ID and duration are part of the key", async () => {
    const h = harness();
    const role = (extra: Partial<NonNullable<ProfileSettings["role"]>>): ProfileSettings =>
      settings({ role: { roleArn: "arn:aws:iam::1:role/R", durationSeconds: 3600, ...extra } });
    await getCredentials(role({}), h.deps);
    await getCredentials(role({ externalId: "x" }), h.deps);
    await getCredentials(role({ durationSeconds: 1800 }), h.deps);
    h.deps.env = { AWS_ENDPOINT_URL_STS: "http://127.0.0.1:1" };
    await getCredentials(role({}), h.deps);
    // One session per endpoint (two), one role entry per variant (four).
    expect(h.sts.calls.map((c) => c.op)).toEqual([
      "GetSessionToken",
      "AssumeRole",
      "AssumeRole",
      "AssumeRole",
      "GetSessionToken",
      "AssumeRole",
    ]);
  });
});

describe("role options: session tags, transitive tag keys, source identity", () => {
  function roleWith(options: Partial<NonNullable<ProfileSettings["role"]>>): ProfileSettings {
    return settings({
      profile: "admin",
      item: undefined,
      sourceProfile: "base",
      role: { roleArn: "arn:aws:iam::123456789012:role/admin", durationSeconds: 3600, ...options },
    });
  }

  it("reach AssumeRole", async () => {
    const h = harness();
    h.profiles.base = settings({ profile: "base" });
    await getCredentials(
      roleWith({
        tags: [
          ["team", "data"],
          ["project", "x"],
        ],
        transitiveTagKeys: ["team"],
        sourceIdentity: "alice",
      }),
      h.deps,
    );
    expect(h.sts.calls.find((c) => c.op === "AssumeRole")?.params).toMatchObject({
      tags: [
        ["team", "data"],
        ["project", "x"],
      ],
      transitiveTagKeys: ["team"],
      sourceIdentity: "alice",
    });
  });

  it("are part of the cache key: each change is a new entry, the tags' order is not", async () => {
    const h = harness();
    h.profiles.base = settings({ profile: "base" });
    const variants: Partial<NonNullable<ProfileSettings["role"]>>[] = [
      {},
      { tags: [["team", "data"]] },
      { tags: [["team", "ops"]] },
      {
        tags: [
          ["team", "ops"],
          ["project", "x"],
        ],
      },
      {
        tags: [
          ["team", "ops"],
          ["project", "x"],
        ],
        transitiveTagKeys: ["team"],
      },
      { sourceIdentity: "alice" },
      { sourceIdentity: "bob" },
    ];
    for (const variant of variants) await getCredentials(roleWith(variant), h.deps);
    const assumed = () => h.sts.calls.filter((c) => c.op === "AssumeRole").length;
    expect(assumed()).toBe(variants.length);
    // The same settings again, tags in another order: served from the cache.
    await getCredentials(
      roleWith({
        tags: [
          ["project", "x"],
          ["team", "ops"],
        ],
      }),
      h.deps,
    );
    await getCredentials(roleWith({ sourceIdentity: "bob" }), h.deps);
    expect(assumed()).toBe(variants.length);
  });
});

describe("purpose no-session (exec --no-session)", () => {
  it("a role profile assumes its role straight from the long-term keys, with MFA, and no GetSessionToken", async () => {
    const item = itemJson([{ id: "TOTP_1", type: "OTP", label: "one-time password", value: OTP_URI, totp: "000000" }]);
    const h = harness({ item });
    h.profiles.work = settings({ profile: "work", mfaSerial: "arn:aws:iam::123456789012:mfa/alice" });
    const admin = roleVia("admin", "work", "arn:aws:iam::123456789012:role/Admin");
    const creds = await getCredentials(admin, h.deps, "no-session");
    expect(creds.arn).toBe("arn:aws:sts::123456789012:assumed-role/Admin/aws-op-alice");
    expect(h.sts.calls.map((c) => c.op)).toEqual(["AssumeRole"]);
    expect(h.sts.calls[0]).toMatchObject({
      accessKeyId: "AKIALONGTERM00000001",
      params: { serialNumber: "arn:aws:iam::123456789012:mfa/alice" },
    });
    expect(h.sts.calls[0]!.params.tokenCode).toMatch(/^\d{6}$/);
  });

  it("a profile without a role gets the long-term keys, nothing cached", async () => {
    const h = harness();
    const creds = await getCredentials(settings(), h.deps, "no-session");
    expect(creds).toMatchObject({ accessKeyId: "AKIALONGTERM00000001", source: "item" });
    expect(h.sts.calls).toHaveLength(0);
    expect(h.deps.cache!.list()).toHaveLength(0);
  });
});

describe("purpose console (login)", () => {
  it("a user profile gets a cached GetFederationToken session from the item's keys, never its GetSessionToken session", async () => {
    const h = harness();
    const session = await getCredentials(settings(), h.deps, "session");
    const chain = buildChain(settings(), "console", h.deps);
    expect(chain.provider.descriptor.kind).toBe("federation");
    const first = await chain.provider.retrieve();
    expect(first.accessKeyId).not.toBe(session.accessKeyId);
    expect(h.sts.calls.map((c) => c.op)).toEqual(["GetSessionToken", "GetFederationToken"]);
    expect(h.sts.calls[1]).toMatchObject({
      accessKeyId: "AKIALONGTERM00000001",
      params: { name: "aws-op-alice", policy: PASS_THROUGH_POLICY, durationSeconds: 3600, region: "eu-west-1" },
    });
    expect(JSON.parse(PASS_THROUGH_POLICY)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    });
    // Cached like sessions: a second sign-in within its life asks neither op nor STS.
    h.clock.now += 30 * 60_000;
    const again = await buildChain(settings(), "console", h.deps).provider.retrieve();
    expect(again).toMatchObject({ source: "cache", accessKeyId: first.accessKeyId });
    expect(h.opCalls).toHaveLength(2);
    expect(h.sts.calls).toHaveLength(2);
  });

  it("the token lasts --duration, else the profile's session duration (1 h when sessions are off), each its own entry", async () => {
    const h = harness();
    await buildChain(settings(), "console", h.deps, { federationDurationSeconds: 7200 }).provider.retrieve();
    await buildChain(settings({ sessionDuration: 5400 }), "console", h.deps).provider.retrieve();
    await buildChain(settings({ sessionDuration: "off" }), "console", h.deps).provider.retrieve();
    expect(h.sts.calls.map((c) => c.params.durationSeconds)).toEqual([7200, 5400, 3600]);
    expect(h.deps.cache!.list()).toHaveLength(3);
  });

  it("takes no MFA code (GetFederationToken accepts none) and says what that means for the console", async () => {
    const item = itemJson([{ id: "TOTP_1", type: "OTP", label: "one-time password", value: OTP_URI, totp: "000000" }]);
    const h = harness({ item });
    const warnings: string[] = [];
    h.deps.warn = (message) => void warnings.push(message);
    h.deps.promptMfaCode = async () => {
      throw new Error("no MFA question for a federation token");
    };
    await buildChain(
      settings({ mfaSerial: "arn:aws:iam::123456789012:mfa/alice" }),
      "console",
      h.deps,
    ).provider.retrieve();
    expect(h.sts.calls[0]!.params.tokenCode).toBeUndefined();
    expect(warnings.join("\n")).toMatch(/GetFederationToken takes no MFA.*aws:MultiFactorAuthPresent.*role profile/s);
  });

  it("a role profile signs in with the role's credentials: the same cached entry that process serves", async () => {
    const h = harness();
    h.profiles.base = settings({ profile: "base" });
    const admin = roleVia("admin", "base", "arn:aws:iam::123456789012:role/Admin");
    const served = await getCredentials(admin, h.deps, "session");
    const chain = buildChain(admin, "console", h.deps);
    expect(chain.provider.descriptor.kind).toBe("role");
    expect(chain.cacheKey).toBe(buildChain(admin, "session", h.deps).cacheKey);
    expect(await chain.provider.retrieve()).toMatchObject({ source: "cache", accessKeyId: served.accessKeyId });
    expect(h.sts.calls.map((c) => c.op)).toEqual(["GetSessionToken", "AssumeRole"]);
  });

  it("a profile that only names a source profile signs in with a federation token of the source's item", async () => {
    const h = harness();
    h.profiles.base = settings({ profile: "base" });
    const alias = settings({ profile: "alias", item: undefined, sourceProfile: "base" });
    expect(buildChain(alias, "console", h.deps).provider.descriptor.kind).toBe("federation");
  });
});

describe("the cold path's round trips: connections opened while op runs, GetCallerIdentity alongside", () => {
  /** The harness with an event log of op calls, warmed connections, releases and each STS call's start and end. */
  function logged(options: { item?: string } = {}) {
    const h = harness(options);
    const events: string[] = [];
    const { sts, deps } = { sts: h.deps.sts, deps: h.deps };
    const runOp = deps.runOp;
    deps.runOp = async (o) => {
      events.push("op");
      return runOp(o);
    };
    const timed =
      <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        events.push(`${name} start`);
        await new Promise((resolve) => setImmediate(resolve));
        try {
          return await call(...args);
        } finally {
          events.push(`${name} end`);
        }
      };
    deps.sts = {
      ...sts,
      getSessionToken: timed("GetSessionToken", sts.getSessionToken),
      getCallerIdentity: timed("GetCallerIdentity", sts.getCallerIdentity),
      assumeRole: timed("AssumeRole", sts.assumeRole),
      // As sdkSts.warm schedules it: the warm-up starts at the next turn of the event loop, after `after` if given.
      warm: (target, calls, after) => {
        let released = false;
        const begin = () =>
          setImmediate(() => {
            if (!released) events.push(`warm ${calls.join("+")} ${target.region}`);
          });
        if (after) void after.then(begin);
        else begin();
        return () => {
          released = true;
          events.push("release");
        };
      },
    };
    return { h, events };
  }

  it("a session: ready for its 2 calls once op has started, both calls under way at once, released after", async () => {
    const { h, events } = logged();
    await getCredentials(settings(), h.deps);
    expect(events).toEqual([
      "op",
      "GetSessionToken start",
      "GetCallerIdentity start",
      "warm GetSessionToken+GetCallerIdentity eu-west-1",
      "GetSessionToken end",
      "GetCallerIdentity end",
      "release",
    ]);
  });

  it("a role from a session: AssumeRole's connection too, not before op has started, then only AssumeRole", async () => {
    // Before: AssumeRole's warm-up started while the session's lock was taken, and loading the network code and the
    // SDK held op's spawn up by 50-80 ms (bench, role profile).
    const { h, events } = logged();
    h.profiles.base = settings({ profile: "base" });
    await getCredentials(roleVia("admin", "base", "arn:aws:iam::123456789012:role/admin"), h.deps);
    expect(events).toEqual([
      "op",
      "GetSessionToken start",
      "GetCallerIdentity start",
      "warm AssumeRole eu-west-1",
      "warm GetSessionToken+GetCallerIdentity eu-west-1",
      "GetSessionToken end",
      "GetCallerIdentity end",
      "release",
      "AssumeRole start",
      "AssumeRole end",
      "release",
    ]);
  });

  it("a role from the item's own keys: AssumeRole's connection once op has started, then AssumeRole", async () => {
    const { h, events } = logged();
    const { accessKeyId } = await getCredentials(
      settings({
        sessionDuration: "off",
        role: { roleArn: "arn:aws:iam::123456789012:role/admin", durationSeconds: 3600 },
      }),
      h.deps,
    );
    expect(accessKeyId).toMatch(/^ASIA/);
    expect(events).toEqual(["op", "AssumeRole start", "warm AssumeRole eu-west-1", "AssumeRole end", "release"]);
  });

  it("op fails: the connections are released at once and nothing is called", async () => {
    const { h, events } = logged();
    h.deps.runOp = async () => {
      events.push("op");
      return {
        exitCode: 1,
        signal: null,
        stdout: "",
        stderr: "[ERROR] 2026/11/25 12:00:00 authorization prompt dismissed\n",
      };
    };
    await expect(getCredentials(settings(), h.deps)).rejects.toThrow();
    expect(events).toEqual(["op", "release"]);
  });

  it("a role from a cached session: AssumeRole's connection opens at once, without op", async () => {
    const { h, events } = logged();
    h.profiles.base = settings({ profile: "base" });
    await getCredentials(settings({ profile: "base" }), h.deps);
    events.length = 0;
    await getCredentials(roleVia("admin", "base", "arn:aws:iam::123456789012:role/admin"), h.deps);
    expect(events).toEqual(["AssumeRole start", "warm AssumeRole eu-west-1", "AssumeRole end", "release"]);
  });

  it("a cached session opens nothing", async () => {
    const { h, events } = logged();
    await getCredentials(settings(), h.deps);
    events.length = 0;
    expect(await getCredentials(settings(), h.deps)).toMatchObject({ source: "cache" });
    expect(events).toEqual([]);
  });

  it("the item's account field: GetSessionToken alone", async () => {
    const item = itemJson([{ id: "acct", type: "STRING", label: "aws_account_id", value: "210987654321" }]);
    const { h, events } = logged({ item });
    await getCredentials(settings(), h.deps);
    expect(events.filter((e) => e.startsWith("GetCallerIdentity"))).toEqual([]);
  });

  it("the run's network settings (the selected profile's CA bundle) reach every STS call, and no cache key", async () => {
    const h = harness();
    h.deps.env = { HTTPS_PROXY: "http://proxy.example:3128" };
    h.profiles.base = settings({ profile: "base" });
    const caBundle = { path: "/etc/corp-ca.pem", profile: "admin" };
    const role = { ...roleVia("admin", "base", "arn:aws:iam::123456789012:role/admin"), caBundle };
    const chain = buildChain(role, "session", h.deps);
    const { caBundle: _none, ...without } = role;
    expect(chain.cacheKey).toBe(buildChain(without, "session", { ...h.deps, env: {} }).cacheKey);
    await chain.provider.retrieve();
    expect(h.sts.calls.map((c) => c.op)).toEqual(["GetSessionToken", "AssumeRole"]);
    for (const call of h.sts.calls) {
      expect(call.params.network).toMatchObject({ env: { HTTPS_PROXY: "http://proxy.example:3128" }, caBundle });
    }
  });
});
