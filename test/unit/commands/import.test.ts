// aws-op import against the fake op in a temp HOME: items created through a FIFO template, read back, files
// rewritten per profile all or nothing, secrets never printed, no backup copies.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "../../../src/commands/import.js";
import { listProfiles } from "../../../src/commands/list.js";
import { parseIni } from "../../../src/config/ini.js";
import type { Prompter } from "../../../src/ui/prompts.js";
import {
  ensureFakeOpBuilt,
  makeStore,
  makeVault,
  readStore,
  scriptRecipeItem,
  type FakeOpEnvOptions,
  type FakeOpStore,
} from "../../fake-op/fixture.js";
import { makeContext, servedWorkProfile } from "./context-fixture.js";

const SECRETS = { work: "work-secret/AAAA+1", personal: "personal-secret/BBBB+2", temp: "temp-secret/CCCC+3" };
/** Temporary credentials: import leaves them where they are. */
const TEMPORARY = [
  "[temp]",
  "aws_access_key_id = ASIATEMP000000000003",
  `aws_secret_access_key = ${SECRETS.temp}`,
  "aws_session_token = tok",
  "",
];
const CREDENTIALS = [
  "# keys; do not share",
  "[work]",
  "aws_access_key_id = AKIAWORK000000000001",
  `aws_secret_access_key = ${SECRETS.work}`,
  "region = eu-west-1",
  "",
  "[personal]",
  "; personal account",
  "aws_access_key_id = AKIAPERSONAL00000002",
  `aws_secret_access_key = ${SECRETS.personal}`,
  "",
  ...TEMPORARY,
].join("\n");
const CONFIG = "[profile work]\nregion = eu-west-1\noutput = json\n";

function setup(options: { store?: FakeOpStore; fakeOp?: Omit<FakeOpEnvOptions, "store" | "log"> } = {}) {
  const t = makeContext({
    store: options.store ?? makeStore({ vaults: [makeVault("Keys")] }),
    ...(options.fakeOp ? { fakeOp: options.fakeOp } : {}),
  });
  writeFileSync(t.credentialsPath, CREDENTIALS, { mode: 0o600 });
  writeFileSync(t.configPath, CONFIG, { mode: 0o600 });
  return t;
}

function expectNoSecret(text: string): void {
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  expect(text).not.toContain("AKIAWORK000000000001");
}

describe("aws-op import", () => {
  beforeAll(async () => {
    await ensureFakeOpBuilt();
  }, 60_000);

  it("moves both key pairs into items, rewrites both files, and skips temporary credentials", async () => {
    const t = setup();
    const outcomes = await run({ profiles: [], all: true, vault: "Keys" }, t.ctx);
    expect(outcomes.map((o) => [o.profile, o.status])).toEqual([
      ["temp", "skipped"],
      ["work", "imported"],
      ["personal", "imported"],
    ]);
    expect(outcomes[0]?.detail).toContain("aws_session_token");

    const items = readStore(t.store.storePath).accounts[0]?.vaults[0]?.items ?? [];
    expect(items.map((i) => [i.title, i.category])).toEqual([
      ["AWS work", "API_CREDENTIAL"],
      ["AWS personal", "API_CREDENTIAL"],
    ]);
    const awsSection = items[0]?.sections?.find((s) => s.label === "AWS");
    const work = (items[0]?.fields ?? []).filter((f) => f.purpose !== "NOTES");
    expect(work.map((f) => [f.label, f.type, f.value, f.section?.id === awsSection?.id ? "AWS" : "?"])).toEqual([
      ["aws_access_key_id", "STRING", "AKIAWORK000000000001", "AWS"],
      ["aws_secret_access_key", "CONCEALED", SECRETS.work, "AWS"],
    ]);

    const credentials = readFileSync(t.credentialsPath, "utf8");
    expect(credentials).toBe(
      [
        "# keys; do not share",
        "[work]",
        "region = eu-west-1",
        "",
        "[personal]",
        "; personal account",
        "",
        ...TEMPORARY,
      ].join("\n"),
    );
    const config = parseIni(readFileSync(t.configPath, "utf8"));
    expect(config.getSection("profile work")).toEqual(servedWorkProfile("Keys"));
    expect(config.get("profile personal", "op_item")).toBe("AWS personal");
    // No backup or temp copy anywhere next to the files.
    expect(readdirSync(`${t.home}/.aws`).sort()).toEqual(["config", "credentials"]);
    expectNoSecret(t.out() + t.err());
    // Secrets never on op's command line: list, then per profile create + read back.
    const calls = t.opCalls();
    expectNoSecret(JSON.stringify(calls));
    expect(calls.map((c) => c.slice(0, 2).join(" "))).toEqual([
      "item list",
      "item create",
      "item get",
      "item create",
      "item get",
    ]);
  });

  it("a second import finds nothing to do and calls op not at all", async () => {
    const t = setup();
    await run({ profiles: [], all: true, vault: "Keys" }, t.ctx);
    const config = readFileSync(t.configPath, "utf8");
    const credentials = readFileSync(t.credentialsPath, "utf8");
    const calls = t.opCalls().length;
    const again = await run({ profiles: ["work", "personal"], vault: "Keys" }, t.ctx);
    expect(again.map((o) => o.status)).toEqual(["skipped", "skipped"]);
    expect(t.opCalls().length).toBe(calls);
    expect(readFileSync(t.configPath, "utf8")).toBe(config);
    expect(readFileSync(t.credentialsPath, "utf8")).toBe(credentials);
  });

  it("reuses an item that already holds the same access key, and refuses one holding a different secret", async () => {
    const store = makeStore({
      vaults: [
        makeVault("Keys", [
          scriptRecipeItem({
            title: "AWS old work",
            accessKeyId: "AKIAWORK000000000001",
            secretAccessKey: SECRETS.work,
          }),
          scriptRecipeItem({ title: "AWS stale", accessKeyId: "AKIAPERSONAL00000002", secretAccessKey: "rotated" }),
        ]),
      ],
    });
    const t = setup({ store });
    const outcomes = await run({ profiles: ["work", "personal"], vault: "Keys" }, t.ctx);
    expect(outcomes.map((o) => [o.profile, o.status, o.item])).toEqual([
      ["work", "reused", "AWS old work"],
      ["personal", "failed", "AWS stale"],
    ]);
    expect(t.opCalls().filter((c) => c[1] === "create")).toEqual([]);
    expect(parseIni(readFileSync(t.configPath, "utf8")).get("profile work", "op_item")).toBe("AWS old work");
    // personal is untouched.
    expect(readFileSync(t.credentialsPath, "utf8")).toContain(`aws_secret_access_key = ${SECRETS.personal}`);
  });

  it("when op item create fails, both files stay byte-identical and the report says what to do", async () => {
    const t = setup({ fakeOp: { fail: "locked", failOn: "item create" } });
    const outcomes = await run({ profiles: [], all: true, vault: "Keys" }, t.ctx);
    expect(outcomes.filter((o) => o.status === "failed").map((o) => o.profile)).toEqual(["work", "personal"]);
    expect(outcomes[1]?.detail).toContain("Files for this profile were not changed.");
    expect(readFileSync(t.credentialsPath, "utf8")).toBe(CREDENTIALS);
    expect(readFileSync(t.configPath, "utf8")).toBe(CONFIG);
  });

  it("when the credentials file changes during the import, nothing is overwritten", async () => {
    const t = setup();
    // Another editor appends a profile after aws-op read the file (simulated through the op runner's first call).
    const runOp = t.ctx.runOp;
    let first = true;
    t.ctx.runOp = async (options) => {
      if (first) {
        first = false;
        writeFileSync(t.credentialsPath, `${CREDENTIALS}[added]\nregion = x\n`);
      }
      return runOp(options);
    };
    const outcomes = await run({ profiles: ["work"], vault: "Keys" }, t.ctx);
    expect(outcomes[0]?.status).toBe("failed");
    expect(outcomes[0]?.detail).toContain("changed by another program");
    expect(readFileSync(t.credentialsPath, "utf8")).toBe(`${CREDENTIALS}[added]\nregion = x\n`);
    expect(readFileSync(t.configPath, "utf8")).toBe(CONFIG);
  });

  it("--dry-run shows the plan and the diffs with secrets masked, and changes nothing", async () => {
    const t = setup();
    await run({ profiles: [], all: true, vault: "Keys", dryRun: true }, t.ctx);
    expect(t.out()).toContain("-aws_access_key_id = AKIA************0001");
    expect(t.out()).toContain("-aws_secret_access_key = ****************");
    expect(t.out()).toContain("+op_item = AWS personal");
    expect(t.out()).toMatch(/work\s+AWS work\s+planned: would create item "AWS work"/);
    expectNoSecret(t.out() + t.err());
    expect(readFileSync(t.credentialsPath, "utf8")).toBe(CREDENTIALS);
    expect(readFileSync(t.configPath, "utf8")).toBe(CONFIG);
    expect(t.opCalls().map((c) => c.slice(0, 2).join(" "))).toEqual(["item list"]);
  });

  it("--keep-plaintext leaves the keys where they are but sets up the profile", async () => {
    const t = setup();
    await run({ profiles: ["work"], vault: "Keys", keepPlaintext: true }, t.ctx);
    expect(readFileSync(t.credentialsPath, "utf8")).toBe(CREDENTIALS);
    expect(parseIni(readFileSync(t.configPath, "utf8")).get("profile work", "op_item")).toBe("AWS work");
  });

  it("puts the profile's mfa_serial into the new item and op_mfa_serial into the config, so list shows MFA yes", async () => {
    const t = setup();
    const mfa = "arn:aws:iam::123456789012:mfa/work";
    writeFileSync(t.configPath, `${CONFIG}mfa_serial = ${mfa}\n`);
    await run({ profiles: ["work"], vault: "Keys" }, t.ctx);
    const item = readStore(t.store.storePath).accounts[0]?.vaults[0]?.items[0];
    const field = item?.fields?.find((f) => f.label === "mfa_serial");
    expect([field?.type, field?.value]).toEqual(["STRING", mfa]);
    expect(parseIni(readFileSync(t.configPath, "utf8")).get("profile work", "op_mfa_serial")).toBe(mfa);
    expect(listProfiles(t.ctx).map((p) => [p.profile, p.mfa])).toEqual([["work", true]]);
  });

  // Neither profiles nor --all (or both) is refused on the command line: command-line.test.ts.
  it("needs --vault without a terminal", async () => {
    const t = setup();
    await expect(run({ profiles: ["work"] }, t.ctx)).rejects.toThrow("Missing --vault");
  });

  it("in a terminal without --vault, offers the vaults as setup does and imports into the one picked; asks nothing when there is nothing to import", async () => {
    const t = setup({ store: makeStore({ vaults: [makeVault("Keys"), makeVault("Private")] }) });
    const asked: string[] = [];
    const prompter: Prompter = {
      async search(message, choices) {
        asked.push(`${message}: ${choices.map((c) => c.name).join(", ")}`);
        return "Private";
      },
      async select() {
        throw new Error("one account: no question");
      },
      async input() {
        throw new Error("no free text");
      },
      async confirm() {
        throw new Error("no confirmation");
      },
    };
    const ctx = { ...t.ctx, isTTY: { stdin: true, stdout: true, stderr: true }, prompter: async () => prompter };
    const outcomes = await run({ profiles: ["work"] }, ctx);
    expect(asked).toEqual(["1Password vault to put the keys in: Keys, Private"]);
    expect(outcomes.map((o) => [o.profile, o.status])).toEqual([["work", "imported"]]);
    expect(parseIni(readFileSync(t.configPath, "utf8")).get("profile work", "op_vault")).toBe("Private");
    expect(readStore(t.store.storePath).accounts[0]?.vaults.map((v) => v.items.map((i) => i.title))).toEqual([
      [],
      ["AWS work"],
    ]);
    // [work] has no keys left: nothing to put anywhere, so no vault to pick.
    asked.length = 0;
    const again = await run({ profiles: ["work"] }, ctx);
    expect(again.map((o) => o.status)).toEqual(["skipped"]);
    expect(asked).toEqual([]);
  });

  it("skips a profile whose name some AWS client reads differently, naming them, and imports the rest (regression: [;prod] moved its keys into the profile above for the JS SDK)", async () => {
    const t = setup();
    writeFileSync(
      t.credentialsPath,
      `${CREDENTIALS}\n[;prod]\naws_access_key_id = AKIAPROD000000000004\naws_secret_access_key = prod-secret\n`,
    );
    const outcomes = await run({ profiles: [";prod", "work"], vault: "Keys" }, t.ctx);
    expect(outcomes.map((o) => [o.profile, o.status])).toEqual([
      [";prod", "skipped"],
      ["work", "imported"],
    ]);
    expect(outcomes[0]?.detail).toContain("the JS SDK v3");
    expect(readFileSync(t.configPath, "utf8")).not.toContain(";prod");
  });

  it("skips a profile that a section header leaves ambiguous, naming the line, and imports the rest (its keys stay where they are)", async () => {
    const t = setup();
    writeFileSync(t.configPath, `${CONFIG}[ profile personal]\nregion = eu-west-1\n`);
    const outcomes = await run({ profiles: ["personal", "work"], vault: "Keys" }, t.ctx);
    expect(outcomes.map((o) => [o.profile, o.status])).toEqual([
      ["personal", "skipped"],
      ["work", "imported"],
    ]);
    expect(outcomes[0]?.detail).toContain('AWS profile "personal" is ambiguous');
    expect(outcomes[0]?.detail).toContain('line 4, "[ profile personal]"');
    expect(readFileSync(t.credentialsPath, "utf8")).toContain(`aws_secret_access_key = ${SECRETS.personal}`);
  });

  it('refuses a --vault that some AWS client would read differently before creating any item (regression: values were cut at " ;")', async () => {
    const t = setup({ store: makeStore({ vaults: [makeVault("Team ;ops")] }) });
    await expect(run({ profiles: ["work"], vault: "Team ;ops" }, t.ctx)).rejects.toThrow("the Ruby SDK");
    expect(t.opCalls()).toEqual([]);
    expect(readFileSync(t.credentialsPath, "utf8")).toBe(CREDENTIALS);
  });

  it("--dry-run masks every secret in every diff line, context lines of the config included (regression: long-term keys kept in ~/.aws/config were printed as diff context)", async () => {
    const t = setup();
    const configSecret = "config-secret/DDDD+4";
    writeFileSync(
      t.configPath,
      `[profile work]\nregion = eu-west-1\naws_access_key_id = AKIACONFIG0000000005\naws_secret_access_key = ${configSecret}\naws_session_token = config-token-EEEE\n`,
    );
    await run({ profiles: [], all: true, vault: "Keys", dryRun: true }, t.ctx);
    expect(t.out()).toContain("+op_item = AWS work");
    expect(t.out()).toContain(" aws_access_key_id = AKIA************0005");
    expectNoSecret(t.out() + t.err());
    expect(t.out() + t.err()).not.toContain(configSecret);
    expect(t.out() + t.err()).not.toContain("config-token-EEEE");
    expect(t.out() + t.err()).not.toContain("AKIACONFIG0000000005");
  });
});
