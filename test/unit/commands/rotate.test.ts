import { readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { IamApi } from "../../../src/aws/iam.js";
import { SessionCache } from "../../../src/cache/session-cache.js";
import {
  rotatedItem,
  run,
  runAll,
  userNameFromArn,
  VERIFY_ATTEMPTS,
  type RotateOptions,
  type RotateOutcome,
} from "../../../src/commands/rotate.js";
import type { Context } from "../../../src/context.js";
import { answering } from "../../helpers/context.js";
import type { OpItem } from "../../../src/onepassword/item.js";
import { ensureFakeOpBuilt, makeStore, makeVault, readStore, scriptRecipeItem } from "../../fake-op/fixture.js";
import { makeContext } from "./context-fixture.js";
import { awsItem, fakeWorld, type FakeWorld } from "./fake-context.js";

const OLD = { accessKeyId: "AKIAOLDKEY0000000001", secretAccessKey: "old-secret" };
const NEW = { accessKeyId: "AKIANEWKEY0000000002", secretAccessKey: "new-secret" };
const CONFIG = "[profile work]\nop_vault = Work\nop_item = AWS work\n";

function fakeIam(world: FakeWorld, options: { failDeleteOld?: number; keys?: string[] } = {}) {
  const keys = new Set(options.keys ?? [OLD.accessKeyId]);
  let failDeleteOld = options.failDeleteOld ?? 0;
  const iam: IamApi = {
    async listAccessKeys(_k, { userName }) {
      world.events.push(`iam ListAccessKeys ${userName}`);
      return [...keys].map((accessKeyId) => ({ accessKeyId, status: "Active" }));
    },
    async createAccessKey(_k, { userName }) {
      world.events.push(`iam CreateAccessKey ${userName}`);
      keys.add(NEW.accessKeyId);
      return { ...NEW, userName: userName ?? "" };
    },
    async deleteAccessKey(callerKeys, { accessKeyId }) {
      world.events.push(`iam DeleteAccessKey ${accessKeyId} as ${callerKeys.accessKeyId}`);
      if (accessKeyId === OLD.accessKeyId && failDeleteOld > 0) {
        failDeleteOld -= 1;
        throw new Error("throttled");
      }
      keys.delete(accessKeyId);
    },
    async updateAccessKey() {
      throw new Error("not used");
    },
  };
  return { iam, keys, confirm: async () => true };
}

/** rotate with this IAM and these answers to its question: the context's lazy members. */
function rotateWith(
  options: RotateOptions,
  ctx: Context,
  deps: { iam: IamApi; confirm?: (message: string, defaultValue: boolean) => Promise<boolean> },
): Promise<RotateOutcome> {
  return run(options, withDeps(ctx, deps));
}

/** The context with this IAM and these answers: its lazy members. */
function withDeps(
  ctx: Context,
  deps: { iam: IamApi; confirm?: (message: string, defaultValue: boolean) => Promise<boolean> },
): Context {
  return { ...ctx, iam: deps.iam, prompter: answering(deps.confirm ? { confirm: deps.confirm } : {}) };
}

function valueOf(world: FakeWorld, label: string): string | undefined {
  return world.item.fields.find((f) => f.label === label)?.value;
}

describe("rotate", () => {
  it("runs the steps in the safe order and leaves only the new key, in the item", async () => {
    const world = fakeWorld(CONFIG, awsItem(OLD.accessKeyId, OLD.secretAccessKey));
    const deps = fakeIam(world);
    await rotateWith({ profile: "work", yes: true }, world.ctx, deps);
    expect(world.events).toEqual([
      "op --version",
      "op item get",
      `sts GetCallerIdentity ${OLD.accessKeyId}`,
      "iam ListAccessKeys alice",
      "iam CreateAccessKey alice",
      "op item edit",
      "op item get",
      `sts GetCallerIdentity ${NEW.accessKeyId}`,
      `iam DeleteAccessKey ${OLD.accessKeyId} as ${NEW.accessKeyId}`,
    ]);
    expect([...deps.keys]).toEqual([NEW.accessKeyId]);
    expect(valueOf(world, "aws_access_key_id")).toBe(NEW.accessKeyId);
    expect(valueOf(world, "aws_secret_access_key")).toBe(NEW.secretAccessKey);
    expect(world.stdout.join("")).toBe(
      'Rotated the access key of IAM user alice in 1Password item "AWS work": AKIA************0001 (deleted) -> AKIA************0002 (active).\n',
    );
    const printed = world.stdout.join("") + world.stderr.join("");
    expect(printed).not.toContain(NEW.secretAccessKey);
    expect(printed).not.toContain(OLD.accessKeyId);
    // The secret went through the template on stdin, never argv.
    expect(world.opCalls.flat().join(" ")).not.toContain(NEW.secretAccessKey);
  });

  it("keeps every other field and section of the item, the one-time password above all", async () => {
    const world = fakeWorld(CONFIG, awsItem(OLD.accessKeyId, OLD.secretAccessKey));
    const before = structuredClone(world.item);
    await rotateWith({ profile: "work", yes: true }, world.ctx, fakeIam(world));
    const strip = (fields: typeof before.fields) => fields.filter((f) => !f.label.startsWith("aws_"));
    expect(strip(world.item.fields)).toEqual(strip(before.fields));
    expect(world.item.sections).toEqual(before.sections);
  });

  it("sends the item back exactly as op printed it (unknown keys too), only the key ID and secret changed", async () => {
    const printed = {
      ...awsItem(OLD.accessKeyId, OLD.secretAccessKey),
      version: 7,
      urls: [{ label: "console", primary: true, href: "https://example.signin.aws.amazon.com/console" }],
      tags: ["aws", "prod"],
      created_at: "2026-01-02T10:00:00Z",
      files: [{ id: "f", name: "policy.json", size: 10 }],
    };
    printed.fields.push({ id: "validFrom", type: "DATE", label: "valid from", value: "1767225600" });
    const world = fakeWorld(CONFIG, printed);
    world.applyEdit = (_item, template) => template;
    await rotateWith({ profile: "work", yes: true }, world.ctx, fakeIam(world));
    const expected = structuredClone(printed);
    for (const f of expected.fields) {
      if (f.label === "aws_access_key_id") f.value = NEW.accessKeyId;
      if (f.label === "aws_secret_access_key") f.value = NEW.secretAccessKey;
    }
    expect(world.editTemplates).toEqual([expected]);
    const editCall = world.opCalls.find((args) => args[1] === "edit");
    expect(editCall).toEqual(["item", "edit", "AWS work", "--vault", "Work", "--format", "json"]);
  });

  it("stops before deleting the old key when the item read back lost anything (a field, the tags)", async () => {
    const item = { ...awsItem(OLD.accessKeyId, OLD.secretAccessKey), tags: ["aws"] };
    const world = fakeWorld(CONFIG, item);
    // An op that drops what it does not know: the console URL field and the tags.
    world.applyEdit = (_item, template) => {
      const { tags: _tags, ...rest } = template as typeof item;
      return { ...rest, fields: template.fields.filter((f) => f.id !== "f4") };
    };
    const deps = fakeIam(world);
    const error = await rotateWith({ profile: "work", yes: true }, world.ctx, deps).catch((e: unknown) => e);
    expect(error).toMatchObject({
      message: expect.stringMatching(
        /read back differs from what was written \(the tags; field "console" is missing\)\. Both keys are still active/,
      ),
    });
    expect((error as Error).message).not.toContain(NEW.secretAccessKey);
    expect([...deps.keys].sort()).toEqual([OLD.accessKeyId, NEW.accessKeyId].sort());
  });

  it.each(["2.22.1", "1.12.4", "not a version"])(
    "checks op --version first: %s is refused before anything else, naming 2.23 and the fix",
    async (version) => {
      const world = fakeWorld(CONFIG, awsItem(OLD.accessKeyId, OLD.secretAccessKey));
      world.opVersion = version;
      const deps = fakeIam(world);
      const error = await rotateWith({ profile: "work", yes: true }, world.ctx, deps).catch((e: unknown) => e);
      expect(error).toMatchObject({
        message: expect.stringMatching(
          /^aws-op rotate needs 1Password CLI 2\.23 or later \(a template on stdin for op item edit\); op is /,
        ),
        hint: expect.stringMatching(/op update/),
      });
      expect(world.events).toEqual(["op --version"]);
      expect([...deps.keys]).toEqual([OLD.accessKeyId]);
    },
  );

  it("through 1Password Connect, refuses before calling op or AWS, naming Connect", async () => {
    const world = fakeWorld(CONFIG, awsItem(OLD.accessKeyId, OLD.secretAccessKey));
    world.ctx.env.OP_CONNECT_HOST = "http://127.0.0.1:8080";
    world.ctx.env.OP_CONNECT_TOKEN = "token";
    const deps = fakeIam(world);
    await expect(rotateWith({ profile: "work", yes: true }, world.ctx, deps)).rejects.toThrow(
      /aws-op rotate cannot run through 1Password Connect \(OP_CONNECT_HOST is set\)/,
    );
    expect(world.events).toEqual([]);
    expect(world.opCalls).toEqual([]);
  });

  it("retries the new key for a while, sleeping through ctx.sleep, until STS accepts it", async () => {
    let refusals = 3;
    const world = fakeWorld(CONFIG, awsItem(OLD.accessKeyId, OLD.secretAccessKey), {
      async getCallerIdentity(keys) {
        if (keys.accessKeyId === NEW.accessKeyId && refusals-- > 0) throw new Error("InvalidClientTokenId");
        return { account: "123456789012", arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDA" };
      },
    });
    const deps = fakeIam(world);
    await rotateWith({ profile: "work", yes: true }, world.ctx, deps);
    expect(world.sleeps).toEqual([2000, 2000, 2000]);
    expect([...deps.keys]).toEqual([NEW.accessKeyId]);
  });

  it("puts the old key back and deletes the new one when the new key never works within 20 s", async () => {
    let newKeyAttempts = 0;
    const world = fakeWorld(CONFIG, awsItem(OLD.accessKeyId, OLD.secretAccessKey), {
      async getCallerIdentity(keys) {
        if (keys.accessKeyId === NEW.accessKeyId) {
          newKeyAttempts += 1;
          throw new Error("InvalidClientTokenId");
        }
        return { account: "123456789012", arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDA" };
      },
    });
    const deps = fakeIam(world);
    await expect(rotateWith({ profile: "work", yes: true }, world.ctx, deps)).rejects.toThrow(
      /not accepted by AWS within 20 s/,
    );
    expect(newKeyAttempts).toBe(VERIFY_ATTEMPTS);
    expect(world.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20_000);
    expect([...deps.keys]).toEqual([OLD.accessKeyId]);
    expect(valueOf(world, "aws_access_key_id")).toBe(OLD.accessKeyId);
    expect(valueOf(world, "aws_secret_access_key")).toBe(OLD.secretAccessKey);
  });

  it("deletes the new key and changes nothing else when the item write fails", async () => {
    const world = fakeWorld(CONFIG, awsItem(OLD.accessKeyId, OLD.secretAccessKey));
    world.failEdit.next = true;
    const deps = fakeIam(world);
    const before = structuredClone(world.item);
    await expect(rotateWith({ profile: "work", yes: true }, world.ctx, deps)).rejects.toThrow(/dismissed/);
    expect([...deps.keys]).toEqual([OLD.accessKeyId]);
    expect(world.item).toEqual(before);
    expect(world.stderr.join("")).toMatch(/Deleted the new key AKIA\*+0002 again/);
  });

  it("says how to finish by hand when the old key cannot be deleted", async () => {
    const world = fakeWorld(CONFIG, awsItem(OLD.accessKeyId, OLD.secretAccessKey));
    const deps = fakeIam(world, { failDeleteOld: 99 });
    const error = await rotateWith({ profile: "work", yes: true }, world.ctx, deps).catch((e: unknown) => e);
    expect(error).toMatchObject({
      message: expect.stringMatching(/now holds AKIA\*+0002, but the old key AKIA\*+0001 could not be deleted/),
      hint: expect.stringMatching(
        /rotate work" again to finish, or by hand: .*aws iam delete-access-key --user-name alice/,
      ),
    });
    expect(world.events.filter((e) => e.startsWith(`iam DeleteAccessKey ${OLD.accessKeyId}`))).toHaveLength(3);
    expect(valueOf(world, "aws_access_key_id")).toBe(NEW.accessKeyId);
  });

  it("a second rotate finishes one that could not delete the old key (the journal remembers it)", async () => {
    const world = fakeWorld(CONFIG, awsItem(OLD.accessKeyId, OLD.secretAccessKey));
    const deps = fakeIam(world, { failDeleteOld: 3 });
    await rotateWith({ profile: "work", yes: true }, world.ctx, deps).catch(() => undefined);
    expect([...deps.keys].sort()).toEqual([OLD.accessKeyId, NEW.accessKeyId].sort());
    world.events.length = 0;
    await rotateWith({ profile: "work", yes: true }, world.ctx, deps);
    expect([...deps.keys]).toEqual([NEW.accessKeyId]);
    expect(world.events).not.toContain("iam CreateAccessKey alice");
    expect(world.stdout.join("")).toContain("Finished an interrupted rotation of IAM user alice");
  });

  it("deletes a key that an interrupted rotate created but never stored, then rotates", async () => {
    const world = fakeWorld(CONFIG, awsItem(OLD.accessKeyId, OLD.secretAccessKey));
    const deps = fakeIam(world);
    // The first rotate dies while writing the item: the new key exists in IAM, the item still holds the old one.
    const world2 = {
      ...world.ctx,
      runOp: async (o: Parameters<typeof world.ctx.runOp>[0]) => {
        if (o.args[1] === "edit") throw new Error("killed");
        return world.ctx.runOp(o);
      },
    };
    await rotateWith({ profile: "work", yes: true }, world2, {
      ...deps,
      iam: { ...deps.iam, deleteAccessKey: async () => Promise.reject(new Error("killed too")) },
    }).catch(() => undefined);
    expect([...deps.keys].sort()).toEqual([OLD.accessKeyId, NEW.accessKeyId].sort());
    expect(valueOf(world, "aws_access_key_id")).toBe(OLD.accessKeyId);
    world.events.length = 0;
    // The next rotate sees the journal: NEW is an orphan (its secret is gone), so it is deleted, and rotation goes on.
    const created: string[] = [];
    await rotateWith({ profile: "work", yes: true }, world.ctx, {
      ...deps,
      iam: {
        ...deps.iam,
        async createAccessKey(k, o) {
          const key = await deps.iam.createAccessKey(k, o);
          created.push(key.accessKeyId);
          return key;
        },
      },
    });
    expect(world.events.indexOf(`iam DeleteAccessKey ${NEW.accessKeyId} as ${OLD.accessKeyId}`)).toBeLessThan(
      world.events.indexOf("iam CreateAccessKey alice"),
    );
    expect(created).toHaveLength(1);
    expect([...deps.keys]).toEqual([NEW.accessKeyId]);
    expect(world.stderr.join("")).toContain("which an interrupted rotation created but never stored");
  });

  it("stops before creating a key when the user has two already", async () => {
    const world = fakeWorld(CONFIG, awsItem(OLD.accessKeyId, OLD.secretAccessKey));
    const deps = fakeIam(world, { keys: [OLD.accessKeyId, "AKIAOTHERKEY00000009"] });
    await expect(rotateWith({ profile: "work", yes: true }, world.ctx, deps)).rejects.toThrow(/AKIA\*+0009/);
    expect(world.events).not.toContain("iam CreateAccessKey alice");
  });

  it("refuses without --yes outside a terminal, and asks inside one", async () => {
    const world = fakeWorld(CONFIG, awsItem(OLD.accessKeyId, OLD.secretAccessKey));
    const deps = fakeIam(world);
    await expect(rotateWith({ profile: "work" }, world.ctx, deps)).rejects.toThrow(/not a terminal/);
    world.ctx.isTTY = { stdin: true, stdout: true, stderr: true };
    const asked: string[] = [];
    await rotateWith({ profile: "work" }, world.ctx, {
      ...deps,
      confirm: async (q) => {
        asked.push(q);
        return false;
      },
    });
    expect(asked).toEqual(["Rotate now?"]);
    expect(world.events).not.toContain("iam CreateAccessKey alice");
  });

  it("clears the cached sessions made from the item", async () => {
    const world = fakeWorld(CONFIG, awsItem(OLD.accessKeyId, OLD.secretAccessKey));
    const { run: exec } = await import("../../../src/commands/exec.js");
    await exec(
      { profile: "work", command: ["true"] },
      { ...world.ctx, runChild: async () => ({ exitCode: 0, signal: null }) },
    );
    const cache = new SessionCache(world.ctx.env.AWS_OP_CACHE_DIR!);
    expect(cache.list()).toHaveLength(1);
    await rotateWith({ profile: "work", yes: true }, world.ctx, fakeIam(world));
    expect(cache.list()).toHaveLength(0);
  });
});

describe("rotatedItem and userNameFromArn", () => {
  it("refuses when the fields holding the old key cannot be found", () => {
    const item = awsItem("AKIAOTHER", "x") as unknown as OpItem;
    expect(() => rotatedItem(item, OLD, NEW)).toThrow(/Could not find the access key fields/);
  });

  it.each([
    ["arn:aws:iam::123456789012:user/alice", "alice"],
    ["arn:aws:iam::123456789012:user/division/team/bob", "bob"],
    ["arn:aws-us-gov:iam::123456789012:user/carol", "carol"],
    ["arn:aws:iam::123456789012:root", undefined],
    ["arn:aws:sts::123456789012:assumed-role/admin/x", undefined],
  ])("%s -> %s", (arn, name) => {
    expect(userNameFromArn(arn)).toBe(name);
  });
});

describe("rotate --older-than and --all (a clock the test controls)", () => {
  const NOW = new Date("2026-12-01T12:00:00Z");
  const DAY = 86_400_000;
  /** Key IDs end in the same 4 characters before and after rotation: the fixture's STS names the user by them. */
  const oldKey = (tail: string) => `AKIAOLD000000000${tail}`;
  const newKey = (tail: string) => `AKIANEW000000000${tail}`;
  const AGES: Record<string, number> = { AAAA: 120, BBBB: 30, CCCC: 91 };

  beforeAll(async () => {
    await ensureFakeOpBuilt();
  }, 60_000);

  function world() {
    const t = makeContext({
      now: NOW,
      store: makeStore({
        vaults: [
          makeVault(
            "Work",
            Object.keys(AGES).map((tail) =>
              scriptRecipeItem({
                title: `AWS ${tail}`,
                accessKeyId: oldKey(tail),
                secretAccessKey: `old-secret-${tail}`,
              }),
            ),
          ),
        ],
      }),
    });
    const profile = (name: string, item: string) => [`[profile ${name}]`, "op_vault = Work", `op_item = ${item}`, ""];
    writeFileSync(
      t.configPath,
      [
        ...profile("a", "AWS AAAA"),
        ...profile("b", "AWS BBBB"),
        ...profile("c", "AWS CCCC"),
        ...profile("a-again", "AWS AAAA"),
        "[profile admin]",
        "op_source_profile = a",
        "op_role_arn = arn:aws:iam::123456789012:role/admin",
        "",
        "[profile plain]",
        "region = us-east-1",
        "",
      ].join("\n"),
    );
    // IAM: each user u-XXXX has the key ending in XXXX, created AGES[XXXX] days before NOW.
    const keys = new Map<string, { accessKeyId: string; createDate: Date }[]>(
      Object.entries(AGES).map(([tail, days]) => [
        `u-${tail}`,
        [{ accessKeyId: oldKey(tail), createDate: new Date(NOW.getTime() - days * DAY) }],
      ]),
    );
    const created: string[] = [];
    const iam: IamApi = {
      async listAccessKeys(_k, { userName }) {
        return (keys.get(userName ?? "") ?? []).map((k) => ({ ...k, status: "Active" }));
      },
      async createAccessKey(_k, { userName }) {
        const tail = (userName ?? "").slice(2);
        created.push(userName ?? "");
        keys.get(userName ?? "")?.push({ accessKeyId: newKey(tail), createDate: t.ctx.now() });
        return { accessKeyId: newKey(tail), secretAccessKey: `new-secret-${tail}`, userName: userName ?? "" };
      },
      async deleteAccessKey(_k, { userName, accessKeyId }) {
        keys.set(
          userName ?? "",
          (keys.get(userName ?? "") ?? []).filter((k) => k.accessKeyId !== accessKeyId),
        );
      },
      async updateAccessKey() {
        throw new Error("not used");
      },
    };
    const deps = {
      iam,
      confirm: async () => {
        throw new Error("--all and --yes never ask");
      },
    };
    const stored = (tail: string) =>
      readStore(t.store.storePath)
        .accounts[0]!.vaults[0]!.items.find((i) => i.title === `AWS ${tail}`)
        ?.fields?.find((f) => f.label === "aws_access_key_id")?.value;
    return { t, deps, created, stored };
  }

  it("rotate --all --older-than 90d rotates only the keys older than 90 days, each item once, asking nothing", async () => {
    const { t, deps, created, stored } = world();
    expect(await runAll({ olderThan: "90d" }, withDeps(t.ctx, deps))).toBe(true);
    expect(created).toEqual(["u-AAAA", "u-CCCC"]);
    expect([stored("AAAA"), stored("BBBB"), stored("CCCC")]).toEqual([newKey("AAAA"), oldKey("BBBB"), newKey("CCCC")]);
    expect(t.out()).toContain(
      [
        "PROFILE  ITEM      RESULT",
        "a        AWS AAAA  rotated",
        "b        AWS BBBB  not due",
        "c        AWS CCCC  rotated",
        "a-again  AWS AAAA  same item as a",
        "",
      ].join("\n"),
    );
    expect(t.err()).toContain("Not due: AKIA************BBBB is 30 days old (rotated when older than 90d).");

    // The next run the same day: the new keys are not due, the 30-day key still is not.
    expect(await runAll({ olderThan: "90d" }, withDeps(t.ctx, deps))).toBe(true);
    expect(created).toHaveLength(2);

    // 61 days later the 30-day key is 91 days old, the new ones 61: only b is due.
    t.ctx.now = () => new Date(NOW.getTime() + 61 * DAY);
    expect(await runAll({ olderThan: "90d" }, withDeps(t.ctx, deps))).toBe(true);
    expect(created).toEqual(["u-AAAA", "u-CCCC", "u-BBBB"]);
    expect(stored("BBBB")).toBe(newKey("BBBB"));
  });

  it("--dry-run changes nothing and says which keys are due", async () => {
    const { t, deps, created, stored } = world();
    expect(await runAll({ olderThan: "90d", dryRun: true }, withDeps(t.ctx, deps))).toBe(true);
    expect(created).toEqual([]);
    expect(stored("AAAA")).toBe(oldKey("AAAA"));
    expect(t.out()).toContain("a        AWS AAAA  dry run: would rotate\nb        AWS BBBB  not due\n");
  });

  it("one profile with --older-than: not due, then due on a later day", async () => {
    const { t, deps, created } = world();
    expect(await rotateWith({ profile: "b", olderThan: "90d", yes: true }, t.ctx, deps)).toBe("not-due");
    t.ctx.now = () => new Date(NOW.getTime() + 61 * DAY);
    expect(await rotateWith({ profile: "b", olderThan: "90d", yes: true }, t.ctx, deps)).toBe("rotated");
    expect(created).toEqual(["u-BBBB"]);
  });

  it("a failing profile does not stop the others; the result says so", async () => {
    const { t, deps, created } = world();
    writeFileSync(
      t.configPath,
      `${readFileSync(t.configPath, "utf8")}\n[profile gone]\nop_vault = Work\nop_item = AWS missing\n`,
    );
    expect(await runAll({ olderThan: "90d" }, withDeps(t.ctx, deps))).toBe(false);
    expect(created).toEqual(["u-AAAA", "u-CCCC"]);
    expect(t.out()).toMatch(/gone +AWS missing +failed: /);
  });

  it("refuses an age it cannot read", async () => {
    const { t, deps } = world();
    await expect(runAll({ olderThan: "soon" }, withDeps(t.ctx, deps))).rejects.toThrow(
      '--older-than "soon" is not an age.',
    );
  });
});
