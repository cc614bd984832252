// `aws-op rotate` end to end against moto's IAM and the fake op's store. Moto accepts deleted keys, so which keys
// exist is checked with ListAccessKeys, and what the item holds by reading the store.
import { CreateAccessKeyCommand, ListAccessKeysCommand, type IAMClient } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  livedInItem,
  makeStore,
  readCallLog,
  readStore,
  runFakeOp,
  scriptRecipeItem,
  env as fakeOpEnv,
  writeStore,
  type StoreItem,
} from "../fake-op/fixture.js";
import { createIamUserWithKey, motoIam, requireTools, startMoto, type Moto } from "../helpers/moto.js";
import { expectCallsInCallerSession } from "../helpers/processes.js";
import { awsConfig, callerArn } from "../helpers/alice-world.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";

const tools = requireTools(["moto_server", "aws"]);

describe.skipIf(!tools.available)("aws-op rotate end to end", () => {
  let moto: Moto;
  let iam: IAMClient;

  beforeAll(async () => {
    moto = await startMoto();
    iam = await motoIam(moto.url);
  }, 60_000);

  afterAll(async () => {
    iam?.destroy();
    await moto?.stop();
  });

  let user: string;
  let original: { accessKeyId: string; secretAccessKey: string; arn: string };
  let sandbox: Sandbox;
  let counter = 0;

  beforeEach(async () => {
    counter += 1;
    user = `rotator${counter}`;
    original = await createIamUserWithKey(moto.url, user);
    sandbox = createSandbox({
      endpoint: moto.url,
      store: makeStore({
        vault: "Work",
        items: [
          scriptRecipeItem({
            title: "AWS work",
            accessKeyId: original.accessKeyId,
            secretAccessKey: original.secretAccessKey,
            mfaSerial: `arn:aws:iam::123456789012:mfa/${user}`,
            totpSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
          }),
        ],
      }),
    });
    sandbox.writeConfig(
      awsConfig({
        work: { region: "eu-west-1", credential_process: true, op_vault: "Work", op_item: "AWS work" },
        longterm: {
          region: "us-east-1",
          credential_process: true,
          op_vault: "Work",
          op_item: "AWS work",
          op_session_duration: "off",
        },
      }),
    );
  });

  async function keysOfUser(): Promise<string[]> {
    const out = await iam.send(new ListAccessKeysCommand({ UserName: user }));
    return (out.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId ?? "");
  }

  function storedItem(): StoreItem {
    const store = readStore(sandbox.store.storePath);
    const item = store.accounts[0]!.vaults[0]!.items.find((i) => i.title === "AWS work");
    if (!item) throw new Error("item gone");
    return item;
  }

  function valueOf(item: StoreItem, label: string): string | undefined {
    return item.fields?.find((f) => f.label === label)?.value;
  }

  /** `op item get` straight from the double (not logged, not through aws-op). */
  function printItem(id: string): { stdout: string } {
    return runFakeOp(["item", "get", id, "--vault", "Work", "--format", "json"], {
      env: fakeOpEnv({ store: sandbox.store.storePath }),
    });
  }

  const identityArn = (profile: string): Promise<string> => callerArn(sandbox, profile);

  it("cron form: rotate --all --older-than 90d leaves a fresh key alone; a key past the age is rotated once for both profiles on its item", async () => {
    const notDue = await sandbox.run(["rotate", "--all", "--older-than", "90d"]);
    expect(notDue.status).toBe(0);
    expect(notDue.stdout).toMatch(/^work +AWS work +not due$/m);
    expect(notDue.stdout).toMatch(/^longterm +AWS work +same item as work$/m);
    expect(await keysOfUser()).toEqual([original.accessKeyId]);

    // moto's CreateDate is the key's real creation time: any key is at least 0 s old.
    const due = await sandbox.run(["rotate", "--all", "--older-than", "0"]);
    expect(due.stderr).not.toContain(original.secretAccessKey);
    expect(due.status).toBe(0);
    expect(due.stdout).toMatch(/^work +AWS work +rotated$/m);
    const keys = await keysOfUser();
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toBe(original.accessKeyId);
    expect(valueOf(storedItem(), "aws_access_key_id")).toBe(keys[0]);
  });

  it("leaves exactly one key for the user (the new one), the item holding it, and the AWS CLI working with it", async () => {
    // A cached session made from the old key, which rotate must remove.
    expect((await sandbox.run(["process", "--profile", "work"])).status).toBe(0);
    expect(sandbox.cacheFiles().filter((f) => f.endsWith(".json"))).toHaveLength(1);
    const before = storedItem();

    const result = await sandbox.run(["rotate", "work", "--yes"]);
    expect(result.stderr).not.toContain(original.secretAccessKey);
    expect(result.status).toBe(0);

    const keys = await keysOfUser();
    expect(keys).toHaveLength(1);
    const newKey = keys[0]!;
    expect(newKey).not.toBe(original.accessKeyId);
    const after = storedItem();
    expect(valueOf(after, "aws_access_key_id")).toBe(newKey);
    expect(valueOf(after, "aws_secret_access_key")).not.toBe(original.secretAccessKey);
    // Every other field and section survives, the one-time password above all.
    const others = (item: StoreItem) =>
      (item.fields ?? [])
        .filter((f) => !f.label.startsWith("aws_"))
        .map((f) => ({ id: f.id, type: f.type, label: f.label, value: f.value, section: f.section?.id }));
    expect(others(after)).toEqual(others(before));
    expect(after.sections).toEqual(before.sections);
    expect(after.fields?.some((f) => f.type === "OTP")).toBe(true);

    expect(result.stdout).toContain(`${newKey.slice(0, 4)}`);
    expect(result.stdout).toMatch(/\(deleted\) -> AKIA\*+\w{4} \(active\)/);
    expect(result.stdout).not.toContain(newKey);
    expect(result.stdout).not.toContain(original.accessKeyId);
    expect(sandbox.cacheFiles().filter((f) => f.endsWith(".json"))).toHaveLength(0);

    expect(await identityArn("longterm")).toBe(original.arn);
    // The new key is what the AWS CLI got.
    const served = JSON.parse((await sandbox.run(["process", "--profile", "longterm"])).stdout) as {
      AccessKeyId: string;
    };
    expect(served.AccessKeyId).toBe(newKey);
  }, 60_000);

  // Whether real op replaces the item with an edit template or merges it in is not documented: rotate must be right
  // against both. "replace" is the strict double: whatever the template leaves out is gone.
  it.each(["replace", "merge"] as const)(
    "keeps a lived-in item exactly (urls, tags, notes, sections, built-in fields, DATE values) against a double that %ss",
    async (editMode) => {
      const store = readStore(sandbox.store.storePath);
      const vault = store.accounts[0]!.vaults[0]!;
      const item = livedInItem({
        title: "AWS work",
        accessKeyId: original.accessKeyId,
        secretAccessKey: original.secretAccessKey,
        mfaSerial: `arn:aws:iam::123456789012:mfa/${user}`,
        totpSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
      });
      vault.items = [item];
      writeStore(sandbox.store.storePath, store);
      const printedBefore = printItem(item.id);
      const before = storedItem();

      const result = await sandbox.run(["rotate", "work", "--yes"], { env: { FAKE_OP_EDIT: editMode } });
      expect(result.stderr).not.toContain(original.secretAccessKey);
      expect(result.status).toBe(0);

      const [newKey] = await keysOfUser();
      const after = storedItem();
      const newSecret = valueOf(after, "aws_secret_access_key");
      expect(valueOf(after, "aws_access_key_id")).toBe(newKey);
      expect(newSecret).not.toBe(original.secretAccessKey);
      // Exactly the item as it was, with only the two values (and what op bumps on a write) changed.
      const expected: StoreItem = {
        ...structuredClone(before),
        version: after.version,
        updated_at: after.updated_at,
        fields: before.fields!.map((f) =>
          f.label === "aws_access_key_id"
            ? { ...f, value: newKey! }
            : f.label === "aws_secret_access_key"
              ? { ...f, value: newSecret! }
              : f,
        ),
      };
      // The store may keep a field's section as just its ID (op prints the label from the item's sections).
      const stored = (x: StoreItem) => ({
        ...x,
        fields: x.fields?.map((f) => (f.section ? { ...f, section: { id: f.section.id } } : f)),
      });
      expect(stored(after)).toEqual(stored(expected));
      expect(after.version).toBe(before.version + 1);
      // The item as op prints it, too: everything but the two values, version and updated_at, byte for byte.
      const printedAfter = printItem(item.id);
      const comparable = (text: string) =>
        text
          .replace(/"version": \d+/, "")
          .replace(/"updated_at": "[^"]*"/, "")
          .replace(/"totp": "\d+"/g, "")
          .replace(original.accessKeyId, "KEY")
          .replace(newKey!, "KEY")
          .replace(original.secretAccessKey, "SECRET")
          .replace(newSecret!, "SECRET");
      expect(comparable(printedAfter.stdout)).toBe(comparable(printedBefore.stdout));
      // The edit: the item's ID or title, --vault, no "-", the template on a FIFO.
      const edit = readCallLog(sandbox.store.logPath).filter((c) => c.argv[1] === "edit");
      expect(edit).toHaveLength(1);
      expect(edit[0]!.argv).toEqual(["item", "edit", "AWS work", "--vault", "Work", "--format", "json"]);
      expect(edit[0]!.argv).not.toContain("-");
      expect(edit[0]!.stdin).toBe("fifo");
      // Every op call of the rotate ran in aws-op's (here: this test's) session and group, under one approval.
      expectCallsInCallerSession(sandbox.store.logPath);
    },
    60_000,
  );

  it("checks op --version first: an op older than 2.23 is refused before any key is made, naming the fix", async () => {
    const before = storedItem();
    const from = readCallLog(sandbox.store.logPath).length;
    const result = await sandbox.run(["rotate", "work", "--yes"], { env: { FAKE_OP_VERSION: "2.22.1" } });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /aws-op rotate needs 1Password CLI 2\.23 or later \(a template on stdin for op item edit\); op is 2\.22\.1\.[\s\S]*op update/,
    );
    expect(
      readCallLog(sandbox.store.logPath)
        .slice(from)
        .map((c) => c.argv),
    ).toEqual([["--version"]]);
    expect(await keysOfUser()).toEqual([original.accessKeyId]);
    expect(storedItem()).toEqual(before);
    // 2.23.0 itself is enough.
    const dry = await sandbox.run(["rotate", "work", "--dry-run"], { env: { FAKE_OP_VERSION: "2.23.0" } });
    expect(dry.status).toBe(0);
  });

  it("a rotate whose item write fails leaves the old key working and no new key behind", async () => {
    const before = storedItem();
    const result = await sandbox.run(["rotate", "work", "--yes"], {
      env: { FAKE_OP_FAIL: "dismissed", FAKE_OP_FAIL_ON: "item edit" },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/dismissed|approval/i);
    expect(result.stderr).toMatch(/Deleted the new key AKIA\*+\w{4} again/);
    expect(await keysOfUser()).toEqual([original.accessKeyId]);
    expect(storedItem()).toEqual(before);
    expect(await identityArn("longterm")).toBe(original.arn);
  }, 60_000);

  it("stops before creating anything when the user already has two keys, naming the other key masked", async () => {
    const second = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
    const otherId = second.AccessKey!.AccessKeyId!;
    const result = await sandbox.run(["rotate", "work", "--yes"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${otherId.slice(0, 4)}${"*".repeat(otherId.length - 8)}${otherId.slice(-4)}`);
    expect(result.stderr).not.toContain(otherId);
    expect((await keysOfUser()).sort()).toEqual([original.accessKeyId, otherId].sort());
  });

  it("refuses without --yes when not in a terminal, and --dry-run changes nothing", async () => {
    const before = storedItem();
    const refused = await sandbox.run(["rotate", "work"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/not a terminal/);
    expect(refused.stderr).toMatch(/--yes/);
    const dry = await sandbox.run(["rotate", "work", "--dry-run"]);
    expect(dry.status).toBe(0);
    expect(dry.stderr).toMatch(/Dry run: nothing was changed/);
    expect(dry.stderr).toContain(`IAM user ${user}`);
    expect(await keysOfUser()).toEqual([original.accessKeyId]);
    expect(storedItem()).toEqual(before);
  });
});
