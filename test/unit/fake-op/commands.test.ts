// The built double (test-dist/bin/op), command by command, against a temp store.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  RFC6238_SECRET_BASE32,
  type TempStore,
  createTempStore,
  ensureFakeOpBuilt,
  env,
  makeAccount,
  makeStore,
  makeVault,
  readCallLog,
  readStore,
  runFakeOp,
  runFakeOpAsync,
  livedInItem,
  scriptRecipeItem,
  shellPluginItem,
} from "../../fake-op/fixture.js";

const ERROR_LINE = /^\[ERROR\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} (.*)$/m;

function errorMessage(stderr: string): string | undefined {
  return ERROR_LINE.exec(stderr)?.[1];
}

const WORK_ID = "kdqgvy7alfiw3r6yd5ccfg2ieq";
const WORK_VAULT_ID = "zcxd5i4w2nbyrxm6l2rq3ysy3u";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

function standardStore(): ReturnType<typeof makeStore> {
  return makeStore({
    vaults: [
      makeVault(
        "Work",
        [
          scriptRecipeItem({
            id: WORK_ID,
            title: "AWS work",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE",
            secretAccessKey: SECRET,
            mfaSerial: "arn:aws:iam::123456789012:mfa/dev",
            totpSecret: RFC6238_SECRET_BASE32,
            version: 3,
          }),
          shellPluginItem({
            title: "AWS plugin",
            accessKeyId: "AKIAPLUGIN0000000000",
            secretAccessKey: "pluginsecret",
            mfaSerial: "arn:aws:iam::123456789012:mfa/plugin",
            totpSecret: RFC6238_SECRET_BASE32,
          }),
          scriptRecipeItem({ title: "Old key", accessKeyId: "AKIAOLD", secretAccessKey: "old", archived: true }),
          scriptRecipeItem({
            id: "dupaaaaaaaaaaaaaaaaaaaaaaa",
            title: "Shared",
            accessKeyId: "A1",
            secretAccessKey: "s1",
          }),
        ],
        WORK_VAULT_ID,
      ),
      makeVault("Private", [
        scriptRecipeItem({
          id: "dupbbbbbbbbbbbbbbbbbbbbbbb",
          title: "shared",
          accessKeyId: "A2",
          secretAccessKey: "s2",
        }),
      ]),
    ],
  });
}

let temp: TempStore;
let fakeEnv: Record<string, string>;

function op(argv: string[], extra: Record<string, string> = {}, input = ""): ReturnType<typeof runFakeOp> {
  return runFakeOp(argv, { env: { ...fakeEnv, ...extra }, input });
}

function json<T = Record<string, unknown>>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

beforeAll(async () => {
  await ensureFakeOpBuilt();
});

function setUp(store = standardStore()): void {
  temp = createTempStore(store);
  fakeEnv = env({ store: temp.storePath, log: temp.logPath, now: 59 });
}

afterEach(() => {
  if (temp) rmSync(temp.dir, { recursive: true, force: true });
});

describe("fake op: read-only commands", () => {
  it("--version prints 2.32.0", () => {
    setUp();
    expect(op(["--version"])).toEqual({ stdout: "2.32.0\n", stderr: "", status: 0 });
  });

  it("whoami --format json describes the default account", () => {
    setUp();
    const result = op(["whoami", "--format", "json"]);
    expect(result.status).toBe(0);
    expect(json(result.stdout)).toEqual({
      url: "https://my.1password.com",
      email: "dev@example.com",
      user_uuid: "JQ5EXAMPLEUSERUUID7ABCDEFG",
      account_uuid: "ZR3EXAMPLEACCOUNTUUID2ABCD",
      user_type: "HUMAN",
    });
  });

  it("account list and vault list print JSON arrays", () => {
    setUp();
    expect(json(op(["account", "list", "--format=json"]).stdout)).toEqual([
      {
        url: "my.1password.com",
        email: "dev@example.com",
        user_uuid: "JQ5EXAMPLEUSERUUID7ABCDEFG",
        account_uuid: "ZR3EXAMPLEACCOUNTUUID2ABCD",
        shorthand: "my",
      },
    ]);
    const vaults = json<{ id: string; name: string }[]>(op(["vault", "list"], { OP_FORMAT: "json" }).stdout);
    expect(vaults.map((vault) => vault.name)).toEqual(["Work", "Private"]);
    expect(vaults[0]?.id).toBe(WORK_VAULT_ID);
  });

  it("item list gives overviews without fields and skips archived items", () => {
    setUp();
    const items = json<Record<string, unknown>[]>(op(["item", "list", "--vault", "Work", "--format", "json"]).stdout);
    expect(items.map((item) => item.title)).toEqual(["AWS work", "AWS plugin", "Shared"]);
    expect(Object.keys(items[0] ?? {})).toEqual([
      "id",
      "title",
      "version",
      "vault",
      "category",
      "created_at",
      "updated_at",
    ]);
    expect(items[0]?.vault).toEqual({ id: WORK_VAULT_ID, name: "Work" });
  });

  it("item get returns the full item with references and the current TOTP code", () => {
    setUp();
    const result = op(["item", "get", "aws WORK", "--vault", "Work", "--format", "json"]);
    expect(result.stderr).toBe("");
    const item = json<{ id: string; version: number; fields: Record<string, unknown>[] }>(result.stdout);
    expect(item.id).toBe(WORK_ID);
    expect(item.version).toBe(3);
    const byLabel = Object.fromEntries(item.fields.map((field) => [field.label, field]));
    expect(byLabel.notesPlain).toEqual({
      id: "notesPlain",
      type: "STRING",
      purpose: "NOTES",
      label: "notesPlain",
      reference: "op://Work/AWS work/notesPlain",
    });
    expect(byLabel.aws_secret_access_key).toMatchObject({
      type: "CONCEALED",
      value: SECRET,
      section: { label: "AWS" },
      reference: "op://Work/AWS work/AWS/aws_secret_access_key",
    });
    expect(byLabel["one-time password"]).toMatchObject({
      type: "OTP",
      section: { id: "add more" },
      totp: "287082",
      reference: "op://Work/AWS work/add more/one-time password",
    });
  });

  it("item get serves the shell-plugin layout too", () => {
    setUp();
    const item = json<{ fields: Record<string, unknown>[] }>(
      op(["item", "get", "AWS plugin", "--format", "json"]).stdout,
    );
    const byLabel = Object.fromEntries(item.fields.map((field) => [field.label, field]));
    expect(byLabel["Access Key ID"]).toMatchObject({ type: "STRING", value: "AKIAPLUGIN0000000000" });
    expect(byLabel["Access Key ID"]).not.toHaveProperty("section");
    expect(byLabel["One-Time Password"]).toMatchObject({ type: "OTP", totp: "287082" });
    expect(byLabel["MFA Serial"]).toMatchObject({ value: "arn:aws:iam::123456789012:mfa/plugin" });
  });

  it("item get --otp prints the code; the clock comes from FAKE_OP_NOW", () => {
    setUp();
    expect(op(["item", "get", WORK_ID, "--otp"]).stdout).toBe("287082\n");
    expect(op(["item", "get", WORK_ID, "--otp"], { FAKE_OP_NOW: "1111111109" }).stdout).toBe("081804\n");
  });

  it("item get --fields selects fields (one: an object, several: an array)", () => {
    setUp();
    const one = json(op(["item", "get", WORK_ID, "--fields", "label=aws_access_key_id", "--format", "json"]).stdout);
    expect(one).toMatchObject({ label: "aws_access_key_id", value: "AKIAIOSFODNN7EXAMPLE" });
    const several = op(["item", "get", WORK_ID, "--fields", "label=aws_access_key_id,label=mfa_serial"]);
    expect(several.stdout).toBe("AKIAIOSFODNN7EXAMPLE,arn:aws:iam::123456789012:mfa/dev\n");
  });

  it("archived items are found only by ID or with --include-archive", () => {
    setUp();
    expect(errorMessage(op(["item", "get", "Old key"]).stderr)).toBe(
      `"Old key" isn't an item. Specify the item with its UUID, name, or domain.`,
    );
    expect(op(["item", "get", "Old key", "--include-archive", "--format", "json"]).status).toBe(0);
  });

  it("--account and OP_ACCOUNT select the account; --account wins", () => {
    const personal = makeAccount();
    const work = makeAccount({
      shorthand: "acme",
      url: "acme.1password.com",
      email: "dev@acme.example",
      user_uuid: "USERACMEUSERACMEUSERACME12",
      account_uuid: "ACCTACMEACCTACMEACCTACME12",
    });
    setUp(makeStore({ accounts: [personal, work] }));
    const email = (argv: string[], extra: Record<string, string> = {}): unknown =>
      json(op([...argv, "whoami", "--format", "json"], extra).stdout).email;
    expect(email([])).toBe("dev@example.com");
    expect(email(["--account", "acme"])).toBe("dev@acme.example");
    expect(email(["--account", "https://acme.1password.com/"])).toBe("dev@acme.example");
    expect(email(["--account", "USERACMEUSERACMEUSERACME12"])).toBe("dev@acme.example");
    expect(email([], { OP_ACCOUNT: "ACCTACMEACCTACMEACCTACME12" })).toBe("dev@acme.example");
    expect(email(["--account", "my"], { OP_ACCOUNT: "acme" })).toBe("dev@example.com");
    const unknown = op(["whoami", "--account", "nope"]);
    expect(unknown.status).toBe(1);
    expect(errorMessage(unknown.stderr)).toBe('error initializing client: found no accounts for filter "nope"');
  });
});

describe("fake op: error texts", () => {
  it("item not found, with and without --vault", () => {
    setUp();
    const withVault = op(["item", "get", "Missing", "--vault", "Work", "--format", "json"]);
    expect(withVault).toMatchObject({ status: 1, stdout: "" });
    expect(errorMessage(withVault.stderr)).toBe(
      `"Missing" isn't an item in the "Work" vault. Specify the item with its UUID, name, or domain.`,
    );
    expect(errorMessage(op(["item", "get", "Missing"]).stderr)).toBe(
      `"Missing" isn't an item. Specify the item with its UUID, name, or domain.`,
    );
  });

  it("vault not found", () => {
    setUp();
    expect(errorMessage(op(["item", "list", "--vault", "Nope"]).stderr)).toBe(
      `"Nope" isn't a vault in this account. Specify the vault with its ID or name.`,
    );
  });

  it("more than one match lists every candidate on unprefixed lines", () => {
    setUp();
    const result = op(["item", "get", "Shared", "--format", "json"]);
    expect(result.status).toBe(1);
    const lines = result.stderr.split("\n");
    expect(lines[0]).toMatch(ERROR_LINE);
    expect(errorMessage(lines[0] ?? "")).toBe(
      `More than one item matches "Shared". Try again and specify the item by its ID:`,
    );
    expect(lines.slice(1)).toEqual([
      `\t* for the item "Shared" in vault Work: dupaaaaaaaaaaaaaaaaaaaaaaa`,
      `\t* for the item "shared" in vault Private: dupbbbbbbbbbbbbbbbbbbbbbbb`,
      "",
    ]);
  });

  it("unknown commands and flags", () => {
    setUp();
    expect(errorMessage(op(["itme", "get"]).stderr)).toBe(`unknown command "itme" for "op"`);
    expect(errorMessage(op(["item", "fetch"]).stderr)).toBe(`unknown command "fetch" for "op item"`);
    const flag = op(["item", "get", "x", "--no-such-flag"]);
    expect(flag).toMatchObject({ status: 1, stdout: "" });
    expect(errorMessage(flag.stderr)).toBe("unknown flag: --no-such-flag");
    expect(errorMessage(op(["whoami", "--vault", "Work"]).stderr)).toBe("unknown flag: --vault");
  });

  it("prints the error time in local time", () => {
    setUp();
    const before = Date.now();
    const result = op(["item", "get", "Missing"], { TZ: "Pacific/Kiritimati" });
    const [date = "", time = ""] = result.stderr.split(" ").slice(1, 3);
    const shown = new Date(`${date.replaceAll("/", "-")}T${time}+14:00`).getTime();
    expect(Math.abs(shown - before)).toBeLessThan(60_000);
  });

  it("a missing FAKE_OP_STORE is an [ERROR], but --version still answers", () => {
    const result = runFakeOp(["item", "get", "x"], { env: {} });
    expect(result).toMatchObject({ status: 1, stdout: "" });
    expect(errorMessage(result.stderr)).toMatch(/FAKE_OP_STORE/);
    expect(runFakeOp(["--version"], { env: {} }).stdout).toBe("2.32.0\n");
  });
});

describe("fake op: read and inject", () => {
  it("read prints the value and a newline; -n drops it", () => {
    setUp();
    expect(op(["read", "op://Work/AWS work/AWS/aws_access_key_id"]).stdout).toBe("AKIAIOSFODNN7EXAMPLE\n");
    expect(op(["read", "-n", "op://work/aws work/aws_secret_access_key"]).stdout).toBe(SECRET);
    expect(op(["read", "op://Work/AWS work/one-time password?attribute=otp"]).stdout).toBe("287082\n");
  });

  it("read rejects characters outside the reference alphabet", () => {
    setUp();
    const reference = "op://Work/Bob's AWS/password";
    expect(errorMessage(op(["read", reference]).stderr)).toBe(
      `invalid secret reference '${reference}': invalid character in secret reference: '''`,
    );
  });

  it("read wraps lookup failures", () => {
    setUp();
    const reference = "op://Work/AWS work/nope";
    expect(errorMessage(op(["read", reference]).stderr)).toBe(
      `could not read secret '${reference}': item 'Work/AWS work' does not have a field 'nope'`,
    );
  });

  it("inject replaces references from stdin, or from -i into -o", () => {
    setUp();
    const template = "[default]\naws_access_key_id = {{ op://Work/AWS work/AWS/aws_access_key_id }}\nregion = x\n";
    expect(op(["inject"], {}, template).stdout).toBe(
      "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\nregion = x\n",
    );
    const inFile = join(temp.dir, "in.tpl");
    const outFile = join(temp.dir, "out.ini");
    writeFileSync(inFile, "secret={{op://Work/AWS work/AWS/aws_secret_access_key}}\n");
    expect(op(["inject", "-i", inFile, "-o", outFile]).status).toBe(0);
    expect(readFileSync(outFile, "utf8")).toBe(`secret=${SECRET}\n`);
  });
});

describe("fake op: writes", () => {
  const template = {
    title: "AWS new",
    category: "API Credential",
    sections: [{ id: "aws", label: "AWS" }],
    fields: [
      { section: { id: "aws" }, type: "STRING", label: "aws_access_key_id", value: "AKIANEW" },
      { section: { id: "aws" }, type: "CONCEALED", label: "aws_secret_access_key", value: "newsecret" },
      { type: "OTP", label: "one-time password", value: `otpauth://totp/x?secret=${RFC6238_SECRET_BASE32}` },
    ],
  };

  it("item create --template FILE assigns ids, version 1 and the vault", () => {
    setUp();
    const file = join(temp.dir, "t.json");
    writeFileSync(file, JSON.stringify(template));
    const result = op(["item", "create", "--vault", "Work", "--template", file, "--format", "json"]);
    expect(result.stderr).toBe("");
    const item = json<{
      id: string;
      version: number;
      category: string;
      vault: unknown;
      fields: Record<string, unknown>[];
    }>(result.stdout);
    expect(item.id).toMatch(/^[a-z2-7]{26}$/);
    expect(item).toMatchObject({ version: 1, category: "API_CREDENTIAL", vault: { id: WORK_VAULT_ID, name: "Work" } });
    expect(item.fields.map((field) => field.label)).toEqual([
      "notesPlain",
      "aws_access_key_id",
      "aws_secret_access_key",
      "one-time password",
    ]);
    expect(item.fields[1]).toMatchObject({ section: { id: "aws", label: "AWS" }, value: "AKIANEW" });
    expect(item.fields[3]?.id).toMatch(/^TOTP_/);
    expect(item.fields[3]?.totp).toBe("287082");
    expect(op(["item", "get", item.id, "--format", "json"]).status).toBe(0);
  });

  it("item edit replaces fields and title and bumps the version", () => {
    setUp();
    const file = join(temp.dir, "edit.json");
    writeFileSync(file, JSON.stringify({ ...template, title: "AWS work renamed" }));
    const result = op(["item", "edit", WORK_ID, "--vault", "Work", "--template", file, "--format", "json"]);
    expect(result.stderr).toBe("");
    const item = json<{ title: string; version: number; category: string; fields: { label: string }[] }>(result.stdout);
    expect(item).toMatchObject({ title: "AWS work renamed", version: 4, category: "API_CREDENTIAL" });
    expect(item.fields.map((field) => field.label)).toEqual([
      "aws_access_key_id",
      "aws_secret_access_key",
      "one-time password",
    ]);
  });

  it("item edit with a template replaces the item strictly: what the template leaves out is gone", () => {
    setUp(
      makeStore({
        vaults: [
          makeVault(
            "Work",
            [
              livedInItem({
                id: WORK_ID,
                title: "AWS work",
                accessKeyId: "AKIAX",
                secretAccessKey: "s",
                totpSecret: RFC6238_SECRET_BASE32,
              }),
            ],
            WORK_VAULT_ID,
          ),
        ],
      }),
    );
    const printed = json<{ fields: { id: string }[]; tags?: string[]; urls?: unknown[] }>(
      op(["item", "get", WORK_ID, "--format", "json"]).stdout,
    );
    // The item as printed, minus the tags, the urls and every field but the two keys.
    const { tags: _tags, urls: _urls, ...rest } = printed;
    const file = join(temp.dir, "partial.json");
    writeFileSync(
      file,
      JSON.stringify({ ...rest, fields: printed.fields.filter((f) => f.id.length === 26).slice(0, 2) }),
    );
    const result = op(["item", "edit", WORK_ID, "--vault", "Work", "--template", file, "--format", "json"]);
    expect(result.stderr).toBe("");
    const after = json<{ fields: { label: string }[]; tags?: string[]; urls?: unknown[] }>(
      op(["item", "get", WORK_ID, "--format", "json"]).stdout,
    );
    expect(after.fields.map((f) => f.label)).toEqual(["aws_access_key_id", "aws_secret_access_key"]);
    expect(after.tags).toBeUndefined();
    expect(after.urls).toBeUndefined();
  });

  it("item edit with FAKE_OP_EDIT=merge keeps what the template leaves out and updates fields by ID", () => {
    setUp(
      makeStore({
        vaults: [
          makeVault(
            "Work",
            [livedInItem({ id: WORK_ID, title: "AWS work", accessKeyId: "AKIAX", secretAccessKey: "s" })],
            WORK_VAULT_ID,
          ),
        ],
      }),
    );
    const before = json<{ fields: { id: string; label: string; value?: string }[]; tags?: string[] }>(
      op(["item", "get", WORK_ID, "--format", "json"]).stdout,
    );
    const keyField = before.fields.find((f) => f.label === "aws_access_key_id")!;
    const file = join(temp.dir, "merge.json");
    writeFileSync(file, JSON.stringify({ title: "AWS work", fields: [{ ...keyField, value: "AKIANEW" }] }));
    const result = op(["item", "edit", WORK_ID, "--template", file, "--format", "json"], { FAKE_OP_EDIT: "merge" });
    expect(result.stderr).toBe("");
    const after = json<{ fields: { id: string; label: string; value?: string }[]; tags?: string[] }>(
      op(["item", "get", WORK_ID, "--format", "json"]).stdout,
    );
    expect(after.fields.map((f) => f.label)).toEqual(before.fields.map((f) => f.label));
    expect(after.fields.find((f) => f.id === keyField.id)?.value).toBe("AKIANEW");
    expect(after.tags).toEqual(before.tags);
  });

  it("item edit refuses a template that changes the category", () => {
    setUp();
    const file = join(temp.dir, "category.json");
    writeFileSync(file, JSON.stringify({ title: "AWS work", category: "LOGIN", fields: [] }));
    const result = op(["item", "edit", WORK_ID, "--template", file]);
    expect(result.status).toBe(1);
    expect(errorMessage(result.stderr)).toMatch(/category cannot be changed/);
  });

  it("item delete removes the item; --archive archives it", () => {
    setUp();
    expect(op(["item", "delete", "AWS plugin", "--vault", "Work"])).toEqual({ stdout: "", stderr: "", status: 0 });
    expect(op(["item", "get", "AWS plugin"]).status).toBe(1);
    expect(op(["item", "delete", WORK_ID, "--archive"]).status).toBe(0);
    expect(op(["item", "get", "AWS work"]).status).toBe(1);
    expect(op(["item", "get", WORK_ID]).status).toBe(0);
  });

  it("parallel creates all land in the store", async () => {
    setUp();
    const file = join(temp.dir, "t.json");
    writeFileSync(file, JSON.stringify(template));
    const runs = await Promise.all(
      Array.from({ length: 6 }, () =>
        runFakeOpAsync(["item", "create", "--vault", "Private", "--template", file], { env: fakeEnv, stdin: "ignore" }),
      ),
    );
    expect(runs.map((run) => run.status)).toEqual([0, 0, 0, 0, 0, 0]);
    const privateVault = readStore(temp.storePath).accounts[0]?.vaults.find((vault) => vault.name === "Private");
    expect(privateVault?.items).toHaveLength(7);
  });
});

describe("fake op: call log", () => {
  it("records argv, pid, time and the stdin kind per call, and no secret", async () => {
    setUp();
    op(["whoami", "--format", "json"]);
    await runFakeOpAsync(["--version"], { env: fakeEnv, stdin: "ignore" });
    op(["item", "get", WORK_ID, "--format", "json"]);
    const calls = readCallLog(temp.logPath);
    expect(calls.map((call) => call.argv)).toEqual([
      ["whoami", "--format", "json"],
      ["--version"],
      ["item", "get", WORK_ID, "--format", "json"],
    ]);
    expect(calls.map((call) => call.stdin)).toEqual(["socket", "none", "socket"]);
    expect(calls[0]?.pid).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(calls[0]?.time ?? ""))).toBe(false);
    expect(readFileSync(temp.logPath, "utf8")).not.toContain(SECRET);
  });
});
