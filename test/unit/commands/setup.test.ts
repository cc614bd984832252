// aws-op setup against the fake op and a fake STS, in a temp HOME.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { firstControlCharacter } from "../../helpers/terminal.js";
import { run } from "../../../src/commands/setup.js";
import { parseIni } from "../../../src/config/ini.js";
import { UserError } from "../../../src/errors.js";
import type { Prompter } from "../../../src/ui/prompts.js";
import { ensureFakeOpBuilt, makeStore, makeVault, scriptRecipeItem } from "../../fake-op/fixture.js";
import { credentialProcessOf, makeContext, NODE_PATH, servedWorkProfile } from "./context-fixture.js";

const KEY = "AKIAIOSFODNN7SETUP01";
const SECRET = "setup-secret/+Zq9";

function store() {
  return makeStore({
    vaults: [
      makeVault("Work", [
        scriptRecipeItem({ title: "AWS work", accessKeyId: KEY, secretAccessKey: SECRET }),
        scriptRecipeItem({ title: "AWS other", accessKeyId: "AKIAOTHER00000000001", secretAccessKey: "o" }),
      ]),
      makeVault("Private"),
    ],
  });
}

const EXISTING = [
  "# my config; keep me",
  "[default]",
  "region = eu-central-1",
  "",
  "[profile work]",
  "; team profile",
  "region = eu-west-1",
  "output = json",
  "",
  "[sso-session corp]",
  "sso_start_url = https://example.awsapps.com/start",
  "",
].join("\n");

describe("aws-op setup", () => {
  beforeAll(async () => {
    await ensureFakeOpBuilt();
  }, 60_000);

  it("writes credential_process with absolute paths and the op_* keys, after reading the item once and checking STS", async () => {
    const t = makeContext({ store: store(), env: { AWS_ENDPOINT_URL: "http://127.0.0.1:9" } });
    writeFileSync(t.configPath, EXISTING);
    await run({ profile: "work", vault: "Work", item: "AWS work" }, t.ctx);
    const doc = parseIni(readFileSync(t.configPath, "utf8"));
    expect(doc.getSection("profile work")).toEqual(servedWorkProfile("Work"));
    expect(t.opCalls()).toEqual([["item", "get", "AWS work", "--vault", "Work", "--format", "json"]]);
    expect(t.stsCalls.map(({ op, accessKeyId, endpoint }) => ({ op, accessKeyId, endpoint }))).toEqual([
      { op: "GetCallerIdentity", accessKeyId: KEY, endpoint: "http://127.0.0.1:9" },
    ]);
    expect(t.err()).toContain("AKIA************UP01");
    expect(t.err()).toContain("arn:aws:iam::123456789012:user/u-UP01");
    expect(t.err()).not.toContain(SECRET);
    expect(t.err()).not.toContain(KEY);
  });

  it("run from the single executable, writes `EXECUTABLE process --profile NAME`: no Node.js on the line", async () => {
    const t = makeContext({ store: store() });
    t.ctx.execPath = "/opt/aws-op/aws-op-linux-x64";
    delete t.ctx.cliPath;
    t.ctx.isExecutable = true;
    await run({ profile: "work", vault: "Work", item: "AWS work", offline: true }, t.ctx);
    const doc = parseIni(readFileSync(t.configPath, "utf8"));
    expect(doc.get("profile work", "credential_process")).toBe("/opt/aws-op/aws-op-linux-x64 process --profile work");
  });

  it("is idempotent: a second run leaves one identical block and every other byte as it was", async () => {
    const t = makeContext({ store: store() });
    writeFileSync(t.configPath, EXISTING);
    await run({ profile: "work", vault: "Work", item: "AWS work", region: "eu-west-1" }, t.ctx);
    const first = readFileSync(t.configPath, "utf8");
    await run({ profile: "work", vault: "Work", item: "AWS work", region: "eu-west-1" }, t.ctx);
    expect(readFileSync(t.configPath, "utf8")).toBe(first);
    await run({ profile: "work" }, t.ctx);
    expect(readFileSync(t.configPath, "utf8")).toBe(first);
    expect(t.err()).toContain("already set up");
    expect(first.match(/credential_process/g)).toHaveLength(1);
    // Everything outside [profile work] is byte-identical.
    const start = EXISTING.indexOf("[profile work]");
    const end = EXISTING.indexOf("[sso-session corp]");
    expect(first.startsWith(EXISTING.slice(0, start))).toBe(true);
    expect(first.endsWith(EXISTING.slice(end))).toBe(true);
  });

  it("--dry-run prints a diff and writes nothing", async () => {
    const t = makeContext({ store: store() });
    writeFileSync(t.configPath, EXISTING);
    await run({ profile: "new", vault: "Work", item: "AWS work", dryRun: true, offline: true }, t.ctx);
    expect(readFileSync(t.configPath, "utf8")).toBe(EXISTING);
    expect(t.out()).toContain("+[profile new]");
    expect(t.out()).toContain(`+credential_process = ${NODE_PATH} `);
    expect(t.err()).toContain("Dry run");
    expect(t.stsCalls).toEqual([]);
  });

  it("without a terminal, a missing --item is an error naming the flag, and nothing is written", async () => {
    const t = makeContext({ store: store() });
    await expect(run({ profile: "work", vault: "Work" }, t.ctx)).rejects.toThrow("Missing --item");
    await expect(run({}, t.ctx)).rejects.toThrow("Missing the profile name");
    expect(readdirSync(`${t.home}/.aws`)).toEqual([]);
    expect(t.opCalls()).toEqual([]);
  });

  it("warns when ~/.aws/credentials still holds static keys for the profile, pointing at aws-op import", async () => {
    const t = makeContext({ store: store() });
    writeFileSync(t.credentialsPath, `[work]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`);
    await run({ profile: "work", vault: "Work", item: "AWS work", offline: true }, t.ctx);
    expect(t.err()).toContain("still holds static keys for [work]");
    expect(t.err()).toContain("aws-op import work --vault Work\n");
  });

  it("quotes the vault in the suggested import line for a POSIX shell: a $ or backtick in its name is not expanded", async () => {
    const vault = 'Team $(touch PWNED) `id` "q"';
    const t = makeContext({
      store: makeStore({
        vaults: [
          makeVault(vault, [scriptRecipeItem({ title: "AWS work", accessKeyId: KEY, secretAccessKey: SECRET })]),
        ],
      }),
    });
    writeFileSync(t.credentialsPath, `[work]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`);
    await run({ profile: "work", vault, item: "AWS work", offline: true }, t.ctx);
    const line = t
      .err()
      .split("\n")
      .find((l) => l.includes("aws-op import work --vault"));
    expect(line).toBeDefined();
    const suggested = line?.slice(line.indexOf("aws-op import")) ?? "";
    // The words sh makes of the line shown, pasted as it is: with PATH leading nowhere, a command substitution the
    // quoting let through finds no command and expands to nothing, so the words differ and nothing runs.
    const words = spawnSync("/bin/sh", ["-c", `eval "set -- $1"; printf '%s\\n' "$@"`, "sh", suggested], {
      encoding: "utf8",
      cwd: t.home,
      env: { PATH: "/nonexistent" },
    });
    expect(words.stdout.split("\n").slice(0, -1)).toEqual(["aws-op", "import", "work", "--vault", vault]);
  });

  it.each([
    [";prod", "the JS SDK v3"],
    ["a #b", "the JS SDK v3"],
    ["my work", "the Go SDK v2"],
  ])(
    "refuses the profile name %j before running op, naming %s (regression: the JS SDK lost [profile ;prod] and served its keys for the profile above)",
    async (profile, client) => {
      const t = makeContext({ store: store() });
      writeFileSync(t.configPath, EXISTING);
      const error = await run({ profile, vault: "Work", item: "AWS work", offline: true }, t.ctx).catch((e) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toContain(client);
      expect((error as UserError).hint).toContain("letters, digits and - _ . @ + : /");
      expect(readFileSync(t.configPath, "utf8")).toBe(EXISTING);
      expect(t.opCalls()).toEqual([]);
    },
  );

  it.each([
    [{ item: "AWS #1" }, "op_item", "the JS SDK v3"],
    [{ vault: "Team ;ops" }, "op_vault", "the Ruby SDK"],
    [{ region: "eu-west-1 #x" }, "region", "the Java SDK v2"],
    [{ roleArn: '"arn:aws:iam::1:role/x"', sourceProfile: "work" }, "op_role_arn", "the Go SDK v2"],
  ])(
    'refuses %j before running op: %s would be read differently by %s (regression: values were cut at " #")',
    async (flags, key, client) => {
      const t = makeContext({ store: store() });
      writeFileSync(t.configPath, EXISTING);
      const error = await run(
        { profile: "new", vault: "Work", item: "AWS work", offline: true, ...flags },
        t.ctx,
      ).catch((e) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toContain(key);
      expect((error as UserError).message).toContain(client);
      expect(readFileSync(t.configPath, "utf8")).toBe(EXISTING);
      expect(t.opCalls()).toEqual([]);
    },
  );

  it("writes role profiles with op_source_profile and no op_item, checked by assuming the role", async () => {
    const t = makeContext({ store: store() });
    await run({ profile: "work", vault: "Work", item: "AWS work", offline: true }, t.ctx);
    await run(
      {
        profile: "admin",
        roleArn: "arn:aws:iam::123456789012:role/Admin",
        sourceProfile: "work",
        roleSessionName: "ann",
        externalId: "ext-1",
        roleDuration: "2h",
      },
      t.ctx,
    );
    const section = parseIni(readFileSync(t.configPath, "utf8")).getSection("profile admin");
    expect(section).toEqual({
      credential_process: credentialProcessOf("admin"),
      op_role_arn: "arn:aws:iam::123456789012:role/Admin",
      op_source_profile: "work",
      op_role_session_name: "ann",
      op_external_id: "ext-1",
      op_role_duration: "2h",
    });
    // The source session learns its account once (cached with it); the role's is in its ARN; then setup's check.
    expect(t.stsCalls.map((c) => c.op)).toEqual([
      "GetSessionToken",
      "GetCallerIdentity",
      "AssumeRole",
      "GetCallerIdentity",
    ]);
    expect(t.err()).toContain("arn:aws:iam::123456789012:user/u-0001");
  });

  it("turning an item profile into a role profile with --source-profile drops its stale op_item", async () => {
    const t = makeContext({ store: store() });
    await run({ profile: "work", vault: "Work", item: "AWS work", offline: true }, t.ctx);
    await run({ profile: "admin", vault: "Work", item: "AWS other", offline: true }, t.ctx);
    await run(
      { profile: "admin", roleArn: "arn:aws:iam::123456789012:role/Admin", sourceProfile: "work", offline: true },
      t.ctx,
    );
    const section = parseIni(readFileSync(t.configPath, "utf8")).getSection("profile admin");
    expect(section?.op_item).toBeUndefined();
    expect(section?.op_source_profile).toBe("work");
  });

  it("refuses --source-profile without --role-arn, and profile names no parser can take", async () => {
    const t = makeContext({ store: store() });
    await expect(run({ profile: "a", sourceProfile: "work" }, t.ctx)).rejects.toThrow(
      "--source-profile needs --role-arn",
    );
    await expect(run({ profile: 'bad"name', item: "x" }, t.ctx)).rejects.toThrow("cannot be used with aws-op");
    await expect(run({ profile: "cost$HOME", item: "x" }, t.ctx)).rejects.toThrow("/bin/sh expands");
  });

  it("in a terminal, asks for the vault and item from 1Password's lists, shows the diff and asks before writing", async () => {
    const t = makeContext({ store: store(), tty: true });
    const asked: string[] = [];
    const prompter: Prompter = {
      async search(message, choices) {
        asked.push(`${message}: ${choices.map((c) => c.name).join(", ")}`);
        return message.startsWith("1Password vault")
          ? "Work"
          : (choices.find((c) => c.name === "AWS work")?.value ?? "");
      },
      async select() {
        throw new Error("one account: no question");
      },
      async input() {
        return "work";
      },
      async confirm(message) {
        asked.push(message);
        return true;
      },
    };
    await run({ offline: true }, { ...t.ctx, prompter: async () => prompter });
    expect(asked).toEqual([
      "1Password vault (type to filter): Work, Private",
      "1Password item holding the AWS key (type to filter): AWS other, AWS work",
      `Write these changes to ${t.configPath}?`,
    ]);
    expect(parseIni(readFileSync(t.configPath, "utf8")).getSection("profile work")).toMatchObject({
      op_item: "AWS work",
      op_vault: "Work",
    });
    expect(t.err()).toContain("+op_item = AWS work");
  });

  it("escapes terminal control sequences from the item (title, MFA serial, field labels) instead of printing them (regression: they could clear the screen or fake a ✓)", async () => {
    const item = scriptRecipeItem({
      title: "AWS \u001b[2Jwork",
      accessKeyId: KEY,
      secretAccessKey: SECRET,
      mfaSerial: "arn:aws:iam::123456789012:mfa/ann\r\u001b[32m✓ fake",
      totpSecret: "JBSWY3DPEHPK3PXP",
    });
    const otp = item.fields?.find((f) => f.type === "OTP");
    if (otp) otp.label = "otp\u009b2J\u202e";
    const t = makeContext({ store: makeStore({ vault: "Work", items: [item] }) });
    await run({ profile: "work", vault: "Work", item: item.id, offline: true, dryRun: true }, t.ctx);
    const shown = t.err() + t.out();
    expect(shown).toContain("\\x1b[2J");
    expect(firstControlCharacter(shown)).toBeUndefined();
  });

  it('quotes an item title holding quotes once, its quotes escaped (regression: "AWS "prod" / eu")', async () => {
    const item = scriptRecipeItem({ title: 'AWS "prod" / eu', accessKeyId: KEY, secretAccessKey: SECRET });
    const t = makeContext({ store: makeStore({ vault: "Work", items: [item] }) });
    await run({ profile: "work", vault: "Work", item: item.id, offline: true, dryRun: true }, t.ctx);
    expect(t.err()).toContain('Found in "AWS \\"prod\\" / eu":\n');
    expect(t.err()).not.toContain('"AWS "prod"');
  });

  it("warns about long-term keys kept in ~/.aws/config too, and --dry-run masks them in the diff context (regression: unnoticed, though the JS SDK uses them instead of credential_process, and printed unmasked)", async () => {
    const t = makeContext({ store: store() });
    const configKeys = `[profile work]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\nregion = eu-west-1\n`;
    writeFileSync(t.configPath, configKeys);
    await run({ profile: "work", vault: "Work", item: "AWS work", offline: true, dryRun: true }, t.ctx);
    expect(t.err()).toContain(`${t.configPath} still holds static keys for [profile work]`);
    expect(t.out()).toContain("+credential_process");
    expect(t.out()).toContain(" aws_access_key_id = AKIA************UP01");
    expect(t.out() + t.err()).not.toContain(SECRET);
    expect(t.out() + t.err()).not.toContain(KEY);
  });

  it("through 1Password Connect, the pickers refuse before calling op or asking anything, naming Connect", async () => {
    const t = makeContext({
      store: store(),
      tty: true,
      env: { OP_CONNECT_HOST: "http://127.0.0.1:9", OP_CONNECT_TOKEN: "token" },
    });
    const refuse = async (): Promise<never> => {
      throw new Error("asked a question");
    };
    const prompter: Prompter = { search: refuse, select: refuse, input: refuse, confirm: refuse };
    await expect(run({ profile: "work", offline: true }, { ...t.ctx, prompter: async () => prompter })).rejects.toThrow(
      /cannot list vaults and items through 1Password Connect \(OP_CONNECT_HOST is set\)/,
    );
    expect(t.opCalls()).toEqual([]);
  });
});
