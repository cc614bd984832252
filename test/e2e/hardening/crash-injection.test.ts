// Kill import, setup and rotate at every step (SIGKILL from inside, via test/e2e/hardening/crash-hook.mjs: before
// and after each `op` call and each atomic file commit) and show: the AWS files are always either the old or the
// new text, never half-written; no key is lost (it is in the credentials file or in 1Password); the item always
// holds a key IAM accepts; and running import/setup/rotate again finishes the job (rotate deletes a key it created
// but could not store, whose secret died with the process).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStore, readStore, repoRoot, scriptRecipeItem } from "../../fake-op/fixture.js";
import { createIamUserWithKey, motoIam, requireTools, startMoto, type Moto } from "../../helpers/moto.js";
import { createSandbox, type RunResult, type Sandbox } from "../../helpers/sandbox.js";

const tools = requireTools(["moto_server"]);
const HOOK = join(repoRoot, "test", "e2e", "hardening", "crash-hook.mjs");

const CONFIG = "# my settings\n[profile legacy]\nregion = us-east-1 ; keep me\n\n[profile other]\noutput = json\n";
const SECRET = "crashSecret0000000000000000000000000000x";
const CREDENTIALS = `[legacy]\naws_access_key_id = AKIACRASH00000000001\naws_secret_access_key = ${SECRET}\n[other]\nregion = x\n`;

let logCounter = 0;

/** Run with the crash hook; crashAt 0 only records the steps. */
async function runWithHook(
  sandbox: Sandbox,
  args: string[],
  crashAt: number,
): Promise<{ result: RunResult; steps: string[] }> {
  logCounter += 1;
  const log = join(sandbox.home, `crash-steps-${logCounter}.log`);
  const result = await sandbox.run(args, {
    env: {
      NODE_OPTIONS: `--import ${HOOK}`,
      AWS_OP_TEST_CRASH_LOG: log,
      AWS_OP_TEST_CRASH_AT: String(crashAt),
    },
  });
  let steps: string[] = [];
  try {
    steps = readFileSync(log, "utf8").trim().split("\n");
  } catch {
    // no step reached
  }
  return { result, steps };
}

function fileText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "<missing>";
  }
}

function itemsHolding(sandbox: Sandbox, secret: string): number {
  const store = readStore(sandbox.store.storePath);
  return store.accounts
    .flatMap((a) => a.vaults)
    .flatMap((v) => v.items)
    .filter((item) => JSON.stringify(item).includes(secret)).length;
}

describe("crash at every step", () => {
  describe("import", () => {
    const fresh = () => {
      const sandbox = createSandbox({ store: makeStore({ vault: "Work", items: [] }) });
      sandbox.writeConfig(CONFIG);
      sandbox.writeCredentials(CREDENTIALS);
      return sandbox;
    };
    const args = ["import", "--all", "--vault", "Work"];
    let steps: string[] = [];
    let finalConfig = "";
    let finalCredentials = "";

    beforeAll(async () => {
      const reference = fresh();
      const run = await runWithHook(reference, args, 0);
      expect(run.result.status).toBe(0);
      steps = run.steps;
      finalConfig = fileText(reference.configPath);
      finalCredentials = fileText(reference.credentialsPath);
      expect(finalCredentials).not.toContain(SECRET);
      expect(finalConfig).toContain("op_item");
    });

    it("records the steps it will crash at (op calls and file commits)", () => {
      expect(steps.some((s) => s.includes("before op item create"))).toBe(true);
      expect(steps.some((s) => s.includes("rename .aws/config"))).toBe(true);
      expect(steps.some((s) => s.includes("rename .aws/credentials"))).toBe(true);
    });

    it("after a crash at any step the files are old or new, the key is somewhere, and a rerun finishes", async () => {
      for (let at = 1; at <= steps.length; at++) {
        const sandbox = fresh();
        const crashed = await runWithHook(sandbox, args, at);
        const where = `crash at step ${at} (${steps[at - 1] ?? "?"})`;
        expect(crashed.result.signal, where).toBe("SIGKILL");
        const config = fileText(sandbox.configPath);
        const credentials = fileText(sandbox.credentialsPath);
        expect([CONFIG, finalConfig], where).toContain(config);
        expect([CREDENTIALS, finalCredentials], where).toContain(credentials);
        // Never both gone: the secret is in the credentials file or in a 1Password item.
        expect(credentials.includes(SECRET) || itemsHolding(sandbox, SECRET) > 0, where).toBe(true);
        // Keys removed from the credentials file only after the config points at the item.
        if (!credentials.includes(SECRET)) expect(config, where).toBe(finalConfig);

        const rerun = await sandbox.run(args);
        expect(rerun.status, `${where}: rerun ${rerun.stderr}`).toBe(0);
        expect(fileText(sandbox.configPath), where).toBe(finalConfig);
        expect(fileText(sandbox.credentialsPath), where).toBe(finalCredentials);
        // The rerun reuses an item the crashed run created: one item per key, never two.
        expect(itemsHolding(sandbox, SECRET), where).toBe(1);
      }
    }, 240_000);
  });

  describe("setup", () => {
    const fresh = () => {
      const sandbox = createSandbox({
        store: makeStore({
          vault: "Work",
          items: [
            scriptRecipeItem({ title: "AWS work", accessKeyId: "AKIACRASH00000000002", secretAccessKey: SECRET }),
          ],
        }),
      });
      sandbox.writeConfig(CONFIG);
      return sandbox;
    };
    const args = ["setup", "work", "--vault", "Work", "--item", "AWS work", "--yes", "--offline"];

    it("after a crash at any step the config is old or new, and a rerun finishes", async () => {
      const reference = fresh();
      const { result, steps } = await runWithHook(reference, args, 0);
      expect(result.status).toBe(0);
      const finalConfig = fileText(reference.configPath);
      expect(steps.some((s) => s.includes("rename .aws/config"))).toBe(true);
      for (let at = 1; at <= steps.length; at++) {
        const sandbox = fresh();
        const crashed = await runWithHook(sandbox, args, at);
        const where = `crash at step ${at} (${steps[at - 1] ?? "?"})`;
        expect(crashed.result.signal, where).toBe("SIGKILL");
        expect([CONFIG, finalConfig], where).toContain(fileText(sandbox.configPath));
        expect((await sandbox.run(args)).status, where).toBe(0);
        expect(fileText(sandbox.configPath), where).toBe(finalConfig);
      }
    }, 120_000);
  });

  describe.skipIf(!tools.available)("rotate", () => {
    let moto: Moto;
    let users = 0;

    beforeAll(async () => {
      moto = await startMoto();
    }, 60_000);
    afterAll(async () => {
      await moto?.stop();
    });

    async function listKeys(userName: string): Promise<string[]> {
      const { ListAccessKeysCommand } = await import("@aws-sdk/client-iam");
      const iam = await motoIam(moto.url);
      try {
        const out = await iam.send(new ListAccessKeysCommand({ UserName: userName }));
        return (out.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId ?? "");
      } finally {
        iam.destroy();
      }
    }

    async function fresh() {
      users += 1;
      const userName = `crash${users}`;
      const key = await createIamUserWithKey(moto.url, userName);
      const sandbox = createSandbox({
        endpoint: moto.url,
        store: makeStore({ vault: "Work", items: [scriptRecipeItem({ title: "AWS rot", ...key })] }),
      });
      sandbox.writeConfig("[profile rot]\nregion = us-east-1\nop_vault = Work\nop_item = AWS rot\n");
      const itemKeyId = () => {
        const item = readStore(sandbox.store.storePath).accounts[0]?.vaults[0]?.items[0];
        return item?.fields?.find((f) => f.label === "aws_access_key_id")?.value ?? "";
      };
      return { sandbox, userName, oldKeyId: key.accessKeyId, itemKeyId };
    }

    it("after a crash at any step the item holds a working key, and the next rotate leaves exactly that one key", async () => {
      const reference = await fresh();
      const { result, steps } = await runWithHook(reference.sandbox, ["rotate", "rot", "--yes"], 0);
      expect(result.status).toBe(0);
      expect(await listKeys(reference.userName)).toEqual([reference.itemKeyId()]);
      const recovered: string[] = [];
      for (let at = 1; at <= steps.length; at++) {
        const run = await fresh();
        const crashed = await runWithHook(run.sandbox, ["rotate", "rot", "--yes"], at);
        const where = `crash at step ${at} (${steps[at - 1] ?? "?"})`;
        expect(crashed.result.signal, where).toBe("SIGKILL");
        const inIam = await listKeys(run.userName);
        const inItem = run.itemKeyId();
        // The item always holds a key that IAM still accepts: the user is never locked out.
        expect(inIam, where).toContain(inItem);
        // Whatever the step, the next rotate finishes the job (rotation journal): it deletes a key that was
        // created but never stored (its secret died with the process), or the old key of a rotation that stored
        // the new one; the user ends with exactly one key, the one in the item.
        const rerun = await run.sandbox.run(["rotate", "rot", "--yes"]);
        expect(rerun.status, `${where}: ${rerun.stderr}`).toBe(0);
        expect(await listKeys(run.userName), where).toEqual([run.itemKeyId()]);
        if (inIam.length === 2) recovered.push(steps[at - 1] ?? "?");
      }
      // The windows with two keys after the crash exist (between CreateAccessKey and deleting the old key).
      expect(recovered.length).toBeGreaterThan(0);
      expect(recovered).toContain(steps.find((s) => s.includes("before op item edit")));
    }, 300_000);
  });
});
