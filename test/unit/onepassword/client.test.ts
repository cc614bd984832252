// The onepassword/ functions against the built fake op: argument arrays, FIFO templates, JSON parsing.
import { beforeAll, describe, expect, it } from "vitest";
import {
  createItem,
  editItem,
  listAccounts,
  listItems,
  listVaults,
  readItem,
  readOpVersion,
  type OpContext,
} from "../../../src/onepassword/client.js";
import { runOp } from "../../../src/onepassword/run-op.js";
import {
  createTempStore,
  ensureFakeOpBuilt,
  env as fakeOpEnv,
  fakeOpPath,
  makeStore,
  makeVault,
  readCallLog,
  scriptRecipeItem,
} from "../../fake-op/fixture.js";

const SECRET = "canary-secret-Zq9/+'\"$%";

function context(extraEnv: Record<string, string> = {}) {
  const store = createTempStore(
    makeStore({
      vaults: [
        makeVault("Work & Play", [
          scriptRecipeItem({ title: "Existing", accessKeyId: "AKIAEXISTING00000001", secretAccessKey: "x" }),
        ]),
      ],
    }),
  );
  const op: OpContext = {
    run: runOp,
    cli: fakeOpPath,
    env: { PATH: process.env.PATH, ...fakeOpEnv({ store: store.storePath, log: store.logPath }), ...extraEnv },
    timeoutMs: 20_000,
  };
  return { op, store };
}

const template = {
  title: 'AWS "new" / ü',
  category: "API_CREDENTIAL",
  sections: [{ id: "aws", label: "AWS" }],
  fields: [
    { section: { id: "aws" }, type: "STRING" as const, label: "aws_access_key_id", value: "AKIANEWKEY0000000001" },
    { section: { id: "aws" }, type: "CONCEALED" as const, label: "aws_secret_access_key", value: SECRET },
  ],
};

describe("onepassword client against the fake op", () => {
  beforeAll(async () => {
    await ensureFakeOpBuilt();
  }, 60_000);

  it("creates an item from a template passed through a FIFO, never in argv", async () => {
    const { op, store } = context();
    const created = await createItem(op, { vault: "Work & Play" }, template);
    expect(created.title).toBe(template.title);
    const read = await readItem(op, { item: created.id, vault: "Work & Play" });
    expect(read.fields.find((f) => f.label === "aws_secret_access_key")?.value).toBe(SECRET);
    const log = readCallLog(store.logPath);
    expect(log[0]?.stdin).toBe("fifo");
    expect(JSON.stringify(log)).not.toContain(SECRET);
  });

  it("edits an item with the item as printed on stdin (a FIFO), with no - in argv", async () => {
    const { op, store } = context();
    const created = await createItem(op, { vault: "Work & Play" }, template);
    const edited = await editItem(
      op,
      { item: created.id, vault: "Work & Play" },
      {
        ...created,
        fields: created.fields.map((f) =>
          f.label === "aws_secret_access_key" ? { ...f, value: "rotated-secret" } : f,
        ),
      },
    );
    expect(edited.fields.find((f) => f.label === "aws_secret_access_key")?.value).toBe("rotated-secret");
    const call = readCallLog(store.logPath).find((c) => c.argv[1] === "edit");
    expect(call?.argv).toEqual(["item", "edit", created.id, "--vault", "Work & Play", "--format", "json"]);
    expect(call?.stdin).toBe("fifo");
  });

  it("turns a failed create into a typed error and leaves no FIFO behind", async () => {
    const { op } = context({ FAKE_OP_FAIL: "dismissed" });
    await expect(createItem(op, { vault: "Work & Play" }, template)).rejects.toThrow(/approval prompt was dismissed/);
  });

  it("a service account (OP_SERVICE_ACCOUNT_TOKEN) without a vault gets a clear error and op is not run", async () => {
    const { op, store } = context({ OP_SERVICE_ACCOUNT_TOKEN: "ops_not-a-real-token" });
    await expect(readItem(op, { item: "Existing" })).rejects.toThrow(
      /service accounts must name the vault of item "Existing"/,
    );
    expect(readCallLog(store.logPath)).toEqual([]);
    expect((await readItem(op, { item: "Existing", vault: "Work & Play" })).title).toBe("Existing");
  });

  it("lists accounts, vaults and items, and reads the version", async () => {
    const { op } = context();
    expect((await listAccounts(op))[0]).toMatchObject({ shorthand: "my", email: "dev@example.com" });
    expect((await listVaults(op, {})).map((v) => v.name)).toEqual(["Work & Play"]);
    expect((await listItems(op, { vault: "Work & Play" })).map((i) => i.title)).toEqual(["Existing"]);
    expect(await readOpVersion(op)).toMatch(/^2\.\d+\.\d+$/);
  });
});
