// Secret hygiene of `process` (and `clear`), proven with canaries: items hold a canary long-term secret and a
// canary OTP seed; every run is recorded, every child logged; the last test scans it all.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStore, scriptRecipeItem, shellPluginItem } from "../../fake-op/fixture.js";
import {
  canaryAccessKeyId,
  canaryOtpSeed,
  canarySecretKey,
  createCanaryHarness,
  type CanaryHarness,
} from "../../helpers/canary.js";
import { freePort, requireTools, startMoto, type Moto } from "../../helpers/moto.js";
import { awsConfig } from "../../helpers/alice-world.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";

const tools = requireTools(["moto_server", "aws"]);

describe.skipIf(!tools.available)(
  "canaries: process never shows a long-term secret, seed or session anywhere else",
  () => {
    let moto: Moto;
    let sandbox: Sandbox;
    let canaries: CanaryHarness;
    const plain = { accessKeyId: canaryAccessKeyId(), secretAccessKey: canarySecretKey() };
    const mfa = { accessKeyId: canaryAccessKeyId(), secretAccessKey: canarySecretKey(), seed: canaryOtpSeed() };

    beforeAll(async () => {
      moto = await startMoto();
      canaries = createCanaryHarness();
      canaries.longTermSecrets.add(plain.secretAccessKey).add(mfa.secretAccessKey);
      canaries.otpSeeds.add(mfa.seed);
      sandbox = createSandbox(
        canaries.sandboxOptions({
          endpoint: moto.url,
          store: makeStore({
            vault: "Work",
            items: [
              scriptRecipeItem({ title: "AWS plain", ...plain }),
              shellPluginItem({
                title: "AWS mfa",
                accessKeyId: mfa.accessKeyId,
                secretAccessKey: mfa.secretAccessKey,
                totpSecret: mfa.seed,
                mfaSerial: "arn:aws:iam::123456789012:mfa/canary",
              }),
            ],
          }),
        }),
      );
      const fromPlainItem = { credential_process: true as const, op_vault: "Work", op_item: "AWS plain" };
      sandbox.writeConfig(
        awsConfig({
          session: fromPlainItem,
          off: { ...fromPlainItem, op_session_duration: "off" },
          mfa: { region: "us-east-1", credential_process: true, op_vault: "Work", op_item: "AWS mfa" },
          role: { ...fromPlainItem, op_role_arn: "arn:aws:iam::123456789012:role/canary" },
          missing: { op_vault: "Work", op_item: "No such item" },
        }),
      );
    }, 60_000);

    afterAll(async () => {
      await moto?.stop();
    });

    it("serves a session, long-term keys, an MFA session and a role", async () => {
      for (const profile of ["session", "off", "mfa", "role"]) {
        const result = await sandbox.run(["process", "--profile", profile]);
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
      }
      // Twice more from the cache, and once through the AWS CLI.
      expect((await sandbox.run(["process", "--profile", "session"])).status).toBe(0);
      expect((await sandbox.run(["process", "--profile", "role", "--debug"])).status).toBe(0);
      const cli = await sandbox.exec("aws", ["sts", "get-caller-identity", "--profile", "mfa"]);
      expect(cli.stderr).toBe("");
      expect(cli.status).toBe(0);
    }, 60_000);

    it("fails without showing a secret: op failures, a missing item, bad settings, unreachable STS", async () => {
      const failures: [string[], Record<string, string>][] = [
        [["process", "--profile", "off", "--debug"], { FAKE_OP_FAIL: "not-signed-in" }],
        [["process", "--profile", "off", "--debug"], { FAKE_OP_FAIL: "garbage" }],
        [["process", "--profile", "off", "--debug"], { FAKE_OP_FAIL: "truncated" }],
        [["process", "--profile", "off", "--debug"], { FAKE_OP_FAIL: "exit0-stderr" }],
        [["process", "--profile", "mfa", "--debug", "--session-duration", "3h"], { FAKE_OP_FAIL: "crash" }],
        [["process", "--profile", "missing", "--debug"], {}],
        [["process", "--profile", "session", "--session-duration", "7"], {}],
        [["process", "--profile", "nope"], {}],
      ];
      for (const [args, env] of failures) {
        const result = await sandbox.run(args, { env });
        expect(result.status, args.join(" ")).toBe(1);
        expect(result.stdout).toBe("");
      }
      const closed = `http://127.0.0.1:${await freePort()}`;
      for (const profile of ["mfa", "role"]) {
        const result = await sandbox.run(["process", "--profile", profile, "--debug", "--session-duration", "2h"], {
          env: { AWS_ENDPOINT_URL: closed },
        });
        expect(result.status).toBe(1);
        expect(result.stderr).toMatch(/Could not reach AWS/);
      }
    }, 60_000);

    it("clears sessions", async () => {
      expect((await sandbox.run(["clear", "session"])).status).toBe(0);
      expect((await sandbox.run(["clear", "--all"])).status).toBe(0);
    });

    it("no canary appears in any stderr, non-credential stdout, written file, op argv or child argv/environment", () => {
      expect(canaries.transcript.entries.length).toBeGreaterThan(10);
      expect(canaries.scan(sandbox)).toEqual([]);
      // The scan saw real served sessions (learned from process output), so it checked for them too.
      expect(canaries.servedSecrets.size).toBeGreaterThan(0);
      // ... and the children's log really holds op's argv and environment.
      const children = readFileSync(canaries.shimLog, "utf8");
      expect(children).toMatch(/^argv: \S+\/op item get /m);
      expect(children).toMatch(/FAKE_OP_STORE/);
    });
  },
);
