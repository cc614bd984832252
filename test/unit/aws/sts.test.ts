// The real SDK-backed STS client against a scripted loopback STS.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { primeStsSdk, sdkSts } from "../../../src/aws/sts.js";
import { startFakeSts, type FakeSts } from "../../e2e/hardening/fake-sts.js";

describe("sdkSts", () => {
  let sts: FakeSts;
  beforeAll(async () => {
    sts = await startFakeSts();
  });
  afterAll(async () => {
    await sts?.stop();
  });
  beforeEach(() => {
    sts.reply = () => ({ kind: "credentials" });
  });

  it("primes every operation through to a parsed answer, sending nothing (the warm-up while op runs)", async () => {
    // Each canned answer must get through the SDK's deserializer: one it could not parse would leave the XML parser
    // and the operation's deserializer to compile after the real answer arrives.
    const operations = ["GetSessionToken", "GetCallerIdentity", "AssumeRole", "GetFederationToken"] as const;
    sts.requests.length = 0;
    await expect(primeStsSdk({ region: "us-east-1", endpoint: sts.url }, operations)).resolves.toEqual(operations);
    expect(sts.requests).toEqual([]);
  });

  it("refuses a GetCallerIdentity answer without an identity (regression: doctor showed an empty ARN as a pass)", async () => {
    const keys = { accessKeyId: "AKIAEXAMPLE000000001", secretAccessKey: "s" };
    sts.reply = () => ({
      kind: "raw",
      status: 200,
      body: '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult></GetCallerIdentityResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
    });
    await expect(sdkSts.getCallerIdentity(keys, { region: "us-east-1", endpoint: sts.url })).rejects.toThrow(
      /GetCallerIdentity returned an answer without an identity/,
    );
    expect(sts.requests.map((r) => r.action)).toEqual(["GetCallerIdentity"]);
  });

  it("gets the identity of the keys", async () => {
    sts.users.set("AKIAEXAMPLE000000009", "alice");
    const keys = { accessKeyId: "AKIAEXAMPLE000000009", secretAccessKey: "s" };
    await expect(sdkSts.getCallerIdentity(keys, { region: "us-east-1", endpoint: sts.url })).resolves.toMatchObject({
      account: "123456789012",
      arn: "arn:aws:iam::123456789012:user/alice",
    });
  });

  it("gets session credentials with explicit keys, sending the MFA serial and code", async () => {
    const keys = { accessKeyId: "AKIAEXAMPLE000000002", secretAccessKey: "s" };
    const creds = await sdkSts.getSessionToken(keys, {
      region: "us-east-1",
      endpoint: sts.url,
      durationSeconds: 900,
      serialNumber: "arn:aws:iam::123456789012:mfa/alice",
      tokenCode: "123456",
    });
    expect(creds.sessionToken).toBeTruthy();
    expect(creds.expiration!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    const request = sts.requests.at(-1)!;
    expect(request).toMatchObject({ action: "GetSessionToken", accessKeyId: keys.accessKeyId, tokenCode: "123456" });
    expect(request.params.get("DurationSeconds")).toBe("900");
  });
  it("gets a federation token with the long-term keys, the name, the policy and the duration (no MFA)", async () => {
    const keys = { accessKeyId: "AKIAEXAMPLE000000003", secretAccessKey: "s" };
    const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
    const creds = await sdkSts.getFederationToken(keys, {
      region: "us-east-1",
      endpoint: sts.url,
      name: "aws-op-alice",
      policy,
      durationSeconds: 7200,
    });
    expect(creds.sessionToken).toBeTruthy();
    const request = sts.requests.at(-1)!;
    expect(request).toMatchObject({ action: "GetFederationToken", accessKeyId: keys.accessKeyId });
    expect(request.params.get("Name")).toBe("aws-op-alice");
    expect(request.params.get("Policy")).toBe(policy);
    expect(request.params.get("DurationSeconds")).toBe("7200");
    expect(request.params.has("TokenCode")).toBe(false);
  });
});
