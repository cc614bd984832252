// aws-op list, doctor and clear against a temp HOME, the fake op and a fake STS.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { firstControlCharacter } from "../../helpers/terminal.js";
import { run as clear } from "../../../src/commands/clear.js";
import { run as doctor, type Check } from "../../../src/commands/doctor.js";
import { formatLocalTime, listProfiles, run as list } from "../../../src/commands/list.js";
import { parseIni, type IniDocument } from "../../../src/config/ini.js";
import { SessionCache, toCacheEntry } from "../../../src/cache/session-cache.js";
import { buildCredentialProcessLine } from "../../../src/config/command-line.js";
import { resolveProfileSettings } from "../../../src/config/profile.js";
import { credentialChainFor, readFilesFor } from "../../../src/context.js";
import { UserError } from "../../../src/errors.js";
import { ensureFakeOpBuilt, RFC6238_SECRET_BASE32, makeStore, scriptRecipeItem } from "../../fake-op/fixture.js";
import { makeContext, type TestContext } from "./context-fixture.js";

const NOW = new Date("2026-05-01T10:00:00Z");

function config(nodePath: string, cliPath: string): string {
  const line = (profile: string) => buildCredentialProcessLine({ nodePath, cliPath, profile });
  return [
    "[profile work]",
    `credential_process = ${line("work")}`,
    "op_vault = Work",
    "op_item = AWS work",
    "op_mfa_serial = arn:aws:iam::123456789012:mfa/alice",
    "",
    "[profile admin]",
    `credential_process = ${line("admin")}`,
    "op_role_arn = arn:aws:iam::123456789012:role/Admin",
    "op_source_profile = work",
    "",
    "[profile plain]",
    "region = us-east-1",
    "",
  ].join("\n");
}

function context(): TestContext {
  const t = makeContext({
    now: NOW,
    store: makeStore({
      vault: "Work",
      items: [
        scriptRecipeItem({
          title: "AWS work",
          accessKeyId: "AKIAWORK000000000001",
          secretAccessKey: "s",
          totpSecret: RFC6238_SECRET_BASE32,
        }),
      ],
    }),
  });
  // Real, existing paths for the doctor's "runnable" check.
  writeFileSync(t.configPath, config(process.execPath, join(t.home, "cli.js")));
  writeFileSync(join(t.home, "cli.js"), "");
  return t;
}

function cacheSession(t: TestContext, profile: string, expiresInMs: number): void {
  const files = readFilesFor(t.ctx);
  const settings = resolveProfileSettings({ env: t.ctx.env, files, flags: { profile } });
  // The entry `aws-op process` would serve: the chain's key and descriptor.
  const chain = credentialChainFor(t.ctx, settings, "session", files);
  const descriptor = chain.provider.descriptor;
  const cache = new SessionCache(t.cacheDir);
  cache.write(
    chain.cacheKey ?? "",
    toCacheEntry(
      {
        accessKeyId: "ASIA1",
        secretAccessKey: "x",
        sessionToken: "t",
        expiration: new Date(NOW.getTime() + expiresInMs),
      },
      descriptor,
      NOW,
      { profile },
    ),
  );
}

describe("aws-op list", () => {
  it("lists aws-op profiles with vault, item, MFA and the cached session's end in local time", () => {
    const t = context();
    cacheSession(t, "work", 45 * 60_000);
    list({}, t.ctx);
    const until = formatLocalTime(new Date(NOW.getTime() + 45 * 60_000));
    expect(t.out().split("\n")).toEqual([
      "PROFILE  VAULT  ITEM             MFA  SESSION CACHED UNTIL",
      `work     Work   AWS work         yes  ${until}`,
      // A role's session comes from its source's, made with the source's MFA (regression: shown as "no").
      "admin    -      (role via work)  yes  none",
      "",
    ]);
  });

  it("--json gives the same facts for scripts", () => {
    const t = context();
    list({ json: true }, t.ctx);
    const rows = JSON.parse(t.out()) as { profile: string; sessionCachedUntil: string | null; mfa: boolean }[];
    expect(rows.map((r) => [r.profile, r.mfa, r.sessionCachedUntil])).toEqual([
      ["work", true, null],
      ["admin", true, null],
    ]);
  });

  it("shows none for an expired session", () => {
    const t = context();
    cacheSession(t, "work", -60_000);
    list({ json: true }, t.ctx);
    expect((JSON.parse(t.out()) as { sessionCachedUntil: string | null }[])[0]?.sessionCachedUntil).toBeNull();
  });
});

describe("terminal control sequences from the AWS files and items", () => {
  beforeAll(async () => {
    await ensureFakeOpBuilt();
  }, 60_000);

  const ESC_NAME = "ev\u001b[2Jil";
  const CONFIG = `[profile ${ESC_NAME}]\nop_item = AWS \u001b]0;title\u0007work\bok\nop_vault = Wo\u009brk\n`;

  it("list escapes them in profile, vault and item instead of printing them (regression: they could clear the screen)", () => {
    const t = context();
    writeFileSync(t.configPath, CONFIG);
    list({}, t.ctx);
    expect(t.out()).toContain("ev\\x1b[2Jil");
    expect(firstControlCharacter(t.out())).toBeUndefined();
    list({ json: true }, t.ctx);
    expect(firstControlCharacter(t.out())).toBeUndefined();
  });

  it("doctor escapes them in every line it prints (regression: a profile name could fake a ✓)", async () => {
    const t = context();
    writeFileSync(t.configPath, CONFIG);
    expect(await doctor({ offline: true }, t.ctx)).toBe(1);
    expect(t.out()).toContain("ev\\x1b[2Jil");
    expect(firstControlCharacter(t.out())).toBeUndefined();
  });
});

describe("aws-op list at scale", () => {
  /** Sections visited: every name sectionNames() returns, plus every getSection() lookup. */
  function countSectionVisits(body: () => void): number {
    const proto = Object.getPrototypeOf(parseIni("")) as IniDocument;
    const sectionNames = proto.sectionNames;
    const getSection = proto.getSection;
    let visits = 0;
    const names = vi.spyOn(proto, "sectionNames").mockImplementation(function (this: IniDocument) {
      const result = sectionNames.call(this);
      visits += result.length;
      return result;
    });
    const sections = vi.spyOn(proto, "getSection").mockImplementation(function (this: IniDocument, name: string) {
      visits += 1;
      return getSection.call(this, name);
    });
    try {
      body();
    } finally {
      names.mockRestore();
      sections.mockRestore();
    }
    return visits;
  }

  function contextWith(profiles: number): TestContext {
    const t = context();
    const lines: string[] = [];
    for (let i = 0; i < profiles; i++) {
      lines.push(`[profile p${i}]`, `op_item = AWS ${i}`, "op_vault = Work", "");
      if (i % 4 === 0)
        lines.push(`[profile r${i}]`, "op_role_arn = arn:aws:iam::1:role/R", `op_source_profile = p${i}`, "");
    }
    writeFileSync(t.configPath, lines.join("\n"));
    writeFileSync(t.credentialsPath, "[p0]\nregion = eu-west-1\n");
    return t;
  }

  it("visits each section a bounded number of times: twice the profiles, at most twice the work (regression: 2,000 profiles took 5 s, 4,000 took 16 s)", () => {
    const small = contextWith(150);
    const large = contextWith(300);
    let rows = 0;
    const visitsSmall = countSectionVisits(() => (rows = listProfiles(small.ctx).length));
    expect(rows).toBe(150 + 38);
    const visitsLarge = countSectionVisits(() => (rows = listProfiles(large.ctx).length));
    expect(rows).toBe(300 + 75);
    expect(visitsLarge).toBeLessThanOrEqual(2.2 * visitsSmall);
    // And not a large constant per profile either.
    expect(visitsLarge).toBeLessThan(40 * 375);
  });

  it("reads the session cache directory once, not once per profile", () => {
    const t = contextWith(40);
    const list = vi.spyOn(SessionCache.prototype, "list");
    try {
      listProfiles(t.ctx);
      expect(list.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      list.mockRestore();
    }
  });
});

describe("aws-op clear", () => {
  // Without a profile or --all, clear is refused on its command line (command-line.test.ts).
  it("deletes the profile's sessions, then all of them", async () => {
    const t = context();
    cacheSession(t, "work", 3600_000);
    const cache = new SessionCache(t.cacheDir);
    cache.write(
      "other",
      toCacheEntry(
        { accessKeyId: "A", secretAccessKey: "s", sessionToken: "t", expiration: new Date(NOW.getTime() + 1000) },
        { item: "x" },
        NOW,
        { profile: "x" },
      ),
    );
    expect(cache.list()).toHaveLength(2);
    expect(await clear({ profile: "work" }, t.ctx)).toBe(1);
    expect(cache.list().map((e) => e.key)).toEqual(["other"]);
    expect(await clear({ all: true }, t.ctx)).toBe(1);
    expect(cache.list()).toEqual([]);
  });
});

describe("aws-op doctor", () => {
  beforeAll(async () => {
    await ensureFakeOpBuilt();
  }, 60_000);

  function checks(t: TestContext): Check[] {
    return (JSON.parse(t.out()) as { checks: Check[] }).checks;
  }

  it("passes every check for a good setup and exits 0, with the identity from STS", async () => {
    const t = context();
    expect(await doctor({ json: true }, t.ctx)).toBe(0);
    const all = checks(t);
    expect(all.map((c) => `${c.ok ? "✓" : "✗"} ${c.id}${c.profile ? ` ${c.profile}` : ""}`)).toEqual([
      "✓ op-version",
      "✓ op-signin",
      "✓ aws-files",
      "✓ profile-names",
      "✓ section-headers",
      "✓ duplicates",
      "✓ profile-settings work",
      "✓ credential-process work",
      "✓ no-static-keys work",
      "✓ item work",
      "✓ key-age work",
      "✓ sts work",
      "✓ profile-settings admin",
      "✓ credential-process admin",
      "✓ no-static-keys admin",
      "✓ sts admin",
      "✓ cache",
    ]);
    expect(all.find((c) => c.id === "sts" && c.profile === "work")?.detail).toBe(
      "arn:aws:iam::123456789012:user/u-0001",
    );
  });

  it("shows ✗ with the fix for static keys, a missing script, a missing op, and an open cache directory; exit 1", async () => {
    const t = context();
    writeFileSync(t.credentialsPath, "[work]\naws_access_key_id = AKIAX\naws_secret_access_key = y\n");
    writeFileSync(t.configPath, config(process.execPath, "/nonexistent/dist/cli.js"));
    mkdirSync(t.cacheDir, { recursive: true });
    chmodSync(t.cacheDir, 0o755);
    t.ctx.env.AWS_OP_CLI = "/nonexistent/op";
    expect(await doctor({ offline: true }, t.ctx)).toBe(1);
    const out = t.out();
    expect(out).toContain('✗ 1Password CLI found: The 1Password CLI ("/nonexistent/op") was not found.');
    expect(out).toContain("✗ [work] no static keys shadowing it:");
    expect(out).toContain("    fix: aws-op import work --vault Work\n");
    expect(out).toContain("✗ [work] credential_process runnable: /nonexistent/dist/cli.js does not exist");
    expect(out).toContain('    fix: Run "aws-op doctor --fix" to point it at this aws-op, or "aws-op setup work".');
    expect(out).toMatch(/✗ session cache private: .* is mode 755, not 700/);
    expect(out).not.toContain("STS");
    expect(out).not.toContain("\u001b[");
  });

  it("an AWS_OP_CACHE_DIR that is a shared directory (1777): the fix never says chmod -R on it (issue 13, item 6)", async () => {
    const t = context();
    writeFileSync(t.configPath, config(process.execPath, "/nonexistent/dist/cli.js"));
    mkdirSync(t.cacheDir, { recursive: true });
    chmodSync(t.cacheDir, 0o1777);
    writeFileSync(join(t.cacheDir, "someone-elses-file"), "x", { mode: 0o644 });
    expect(await doctor({ offline: true }, t.ctx)).toBe(1);
    const out = t.out();
    expect(out).toMatch(/✗ session cache private: .* is mode 1777, not 700/);
    expect(out).not.toContain("someone-elses-file");
    expect(out).not.toMatch(/chmod -R/);
    expect(out).toMatch(/fix: Point AWS_OP_CACHE_DIR at a new path/);
  });

  it("Node's compile cache inside the private cache directory (its own 0755 and 0644 entries) is not reported", async () => {
    const t = context();
    writeFileSync(t.configPath, config(process.execPath, "/nonexistent/dist/cli.js"));
    const versionDir = join(t.cacheDir, "compile-cache", "v24.0.0-x64-00000000-0");
    mkdirSync(versionDir, { recursive: true, mode: 0o755 });
    chmodSync(t.cacheDir, 0o700);
    chmodSync(join(t.cacheDir, "compile-cache"), 0o700);
    chmodSync(versionDir, 0o755);
    writeFileSync(join(versionDir, "0a1b2c3d"), "x", { mode: 0o644 });
    await doctor({ offline: true }, t.ctx);
    expect(t.out()).toMatch(/✓ session cache private: .* \(0700, files 0600\)/);
    chmodSync(join(t.cacheDir, "compile-cache"), 0o755);
    await doctor({ offline: true }, t.ctx);
    expect(t.out()).toMatch(/✗ session cache private: .*compile-cache is mode 755, not 700/);
  });

  it("quotes a profile name with a space in its fixes (regression: 'aws-op import my w' imported two profiles)", async () => {
    const t = context();
    writeFileSync(t.credentialsPath, "[my w]\naws_access_key_id = AKIAX\naws_secret_access_key = y\n");
    writeFileSync(t.configPath, '[profile "my w"]\nop_item = AWS work\nop_vault = Work\n');
    expect(await doctor({ offline: true, profile: "my w" }, t.ctx)).toBe(1);
    // Its headers are ones the JS and Go SDKs read differently, so its settings are refused (the vault is unknown).
    expect(t.out()).toContain('✗ [my w] settings: AWS profile "my w" is ambiguous');
    expect(t.out()).toContain(`    fix: aws-op import 'my w' --vault VAULT`);
    expect(t.out()).toContain(`    fix: Run "aws-op setup 'my w'" to write it.`);
  });

  it("regression: flags a line that starts with a quote (as aws-op 0.1 wrote), which older Go SDKs cut short", async () => {
    const t = context();
    const cli = join(t.home, "cli.js");
    writeFileSync(
      t.configPath,
      `[profile w]\ncredential_process = "${process.execPath}" "${cli}" process --profile w\n`,
    );
    expect(await doctor({ offline: true, profile: "w" }, t.ctx)).toBe(1);
    expect(t.out()).toContain("✗ [w] credential_process runnable: credential_process starts with a quote");
    expect(t.out()).toContain('    fix: Run "aws-op setup w" to write it.');
  });

  it("flags a credential_process line with a # or ; (the AWS SDK for Go reads a comment there)", async () => {
    const t = context();
    const cli = join(t.home, "cli.js");
    writeFileSync(t.configPath, `[profile w]\ncredential_process = ${process.execPath} ${cli} process --profile w;x\n`);
    expect(await doctor({ offline: true, profile: "w" }, t.ctx)).toBe(1);
    expect(t.out()).toContain('credential_process contains ";": the AWS SDK for Go cuts the line there');
  });

  describe("access key age (IAM CreateDate against a clock the test sets)", () => {
    const DAY = 86_400_000;
    function createdDaysAgo(t: TestContext, days: number): void {
      t.ctx.iam = {
        ...t.ctx.iam!,
        listAccessKeys: async (keys) => [
          { accessKeyId: "AKIAOTHER00000000009", status: "Active", createDate: new Date(NOW.getTime() - 400 * DAY) },
          { accessKeyId: keys.accessKeyId, status: "Active", createDate: new Date(NOW.getTime() - days * DAY) },
        ],
      };
    }

    it("warns, without failing doctor, when the item's key is older than 90 days, and names the fix", async () => {
      const t = context();
      createdDaysAgo(t, 91);
      expect(await doctor({ profile: "work" }, t.ctx)).toBe(0);
      const out = t.out();
      expect(out).toContain("! [work] access key age: 91 days old (created 2026-01-30), older than 90 days\n");
      expect(out).toContain(
        "    fix: aws-op rotate work   (for every due key, e.g. from cron: aws-op rotate --all --older-than 90d)",
      );
      expect(out).toContain("All checks passed (1 warning).");
    });

    it("a key of 90 days is fine", async () => {
      const t = context();
      createdDaysAgo(t, 90);
      expect(await doctor({ profile: "work", json: true }, t.ctx)).toBe(0);
      const check = (JSON.parse(t.out()) as { checks: Check[] }).checks.find((c) => c.id === "key-age");
      expect(check).toEqual({
        id: "key-age",
        profile: "work",
        title: "[work] access key age",
        ok: true,
        detail: "90 days old (created 2026-01-31)",
      });
    });

    it("is skipped when the key may not call iam:ListAccessKeys", async () => {
      const t = context();
      t.ctx.iam = {
        ...t.ctx.iam!,
        listAccessKeys: async () => {
          throw new UserError("AWS denied IAM ListAccessKeys.", {
            cause: Object.assign(new Error("not authorized"), { name: "AccessDenied" }),
          });
        },
      };
      expect(await doctor({ profile: "work" }, t.ctx)).toBe(0);
      expect(t.out()).toContain("✓ [work] access key age: skipped: the key may not call iam:ListAccessKeys");
    });

    it("is not run with --offline", async () => {
      const t = context();
      let called = false;
      t.ctx.iam = {
        ...t.ctx.iam!,
        listAccessKeys: async () => {
          called = true;
          return [];
        },
      };
      await doctor({ profile: "work", offline: true }, t.ctx);
      expect(called).toBe(false);
      expect(t.out()).not.toContain("access key age");
    });
  });

  it("checks a single executable's line by its one path: ✓ while it runs, ✗ naming aws-op once it is gone", async () => {
    const t = context();
    const exe = join(t.home, "aws-op");
    writeFileSync(exe, "", { mode: 0o755 });
    const line = (path: string) => buildCredentialProcessLine({ executablePath: path, profile: "w" });
    writeFileSync(
      t.configPath,
      `[profile w]\ncredential_process = ${line(exe)}\nop_vault = Work\nop_item = AWS work\n`,
    );
    await doctor({ offline: true, profile: "w" }, t.ctx);
    expect(t.out()).toContain(`✓ [w] credential_process runnable: ${exe}\n`);
    writeFileSync(t.configPath, `[profile w]\ncredential_process = ${line("/gone/aws-op")}\nop_item = AWS work\n`);
    expect(await doctor({ offline: true, profile: "w" }, t.ctx)).toBe(1);
    expect(t.out()).toContain(
      "✗ [w] credential_process runnable: /gone/aws-op does not exist or is not executable (aws-op upgraded or moved?)",
    );
  });

  it("--fix from the single executable points a line whose Node.js or executable is gone at the executable", async () => {
    const t = context();
    t.ctx.execPath = join(t.home, "aws-op");
    writeFileSync(t.ctx.execPath, "", { mode: 0o755 });
    delete t.ctx.cliPath;
    t.ctx.isExecutable = true;
    const kept = `${process.execPath} ${join(t.home, "cli.js")} process --profile kept`;
    writeFileSync(
      t.configPath,
      [
        "[profile npm]\ncredential_process = /gone/node /gone/cli.js process --profile npm\n",
        "[profile exe]\ncredential_process = /gone/aws-op process --profile exe\n",
        `[profile kept]\ncredential_process = ${kept}\n`,
      ].join("\n"),
    );
    await doctor({ fix: true, offline: true }, t.ctx);
    const doc = parseIni(readFileSync(t.configPath, "utf8"));
    expect(doc.get("profile npm", "credential_process")).toBe(`${t.ctx.execPath} process --profile npm`);
    expect(doc.get("profile exe", "credential_process")).toBe(`${t.ctx.execPath} process --profile exe`);
    expect(doc.get("profile kept", "credential_process")).toBe(kept);
  });

  it("flags a credential_process line without absolute paths", async () => {
    const t = context();
    writeFileSync(t.configPath, "[profile w]\ncredential_process = aws-op process --profile w\nop_item = AWS work\n");
    expect(await doctor({ offline: true, profile: "w" }, t.ctx)).toBe(1);
    expect(t.out()).toContain('✗ [w] credential_process runnable: "aws-op" is not an absolute path');
  });

  it("flags duplicate sections and duplicate keys, which the AWS CLI refuses to parse (regression: doctor passed them)", async () => {
    const t = context();
    const good = config(process.execPath, join(t.home, "cli.js"));
    writeFileSync(
      t.configPath,
      `${good}\n[profile work]\nregion = eu-west-1\n\n[profile plain]\noutput = json\nOutput = text\n`,
    );
    writeFileSync(t.credentialsPath, "[x]\naws_access_key_id = A\n[x]\naws_access_key_id = B\n");
    expect(await doctor({ offline: true, json: true }, t.ctx)).toBe(1);
    const dup = checks(t).find((c) => c.id === "duplicates");
    expect(dup?.ok).toBe(false);
    expect(dup?.detail).toContain(`[profile work] appears more than once in ${t.configPath}`);
    expect(dup?.detail).toContain(`"output" appears more than once in [profile plain] in ${t.configPath}`);
    expect(dup?.detail).toContain(`[x] appears more than once in ${t.credentialsPath}`);
    expect(dup?.fix).toContain("AWS CLI");
  });

  it("flags long-term keys kept in ~/.aws/config, not only in credentials (regression: the JS SDK uses them instead of credential_process, and doctor passed)", async () => {
    const t = context();
    const good = config(process.execPath, join(t.home, "cli.js"));
    writeFileSync(
      t.configPath,
      good.replace(
        "op_item = AWS work\n",
        "op_item = AWS work\naws_access_key_id = AKIAX\naws_secret_access_key = y\n",
      ),
    );
    expect(await doctor({ offline: true }, t.ctx)).toBe(1);
    expect(t.out()).toContain(
      `✗ [work] no static keys shadowing it: ${t.configPath} holds aws_access_key_id for [profile work]`,
    );
  });

  it("flags sections some AWS client reads differently, naming the clients (regression: [profile ;prod] handed its credential_process to [profile work] in the JS SDK, and doctor said all was well)", async () => {
    const t = context();
    const good = config(process.execPath, join(t.home, "cli.js"));
    writeFileSync(
      t.configPath,
      `${good}\n[profile ;prod]\ncredential_process = /opt/prod-keys\n\n[profile "quoted"]\nregion = eu-west-1\n\n[sso-session a #b]\nsso_region = eu-west-1\n`,
    );
    writeFileSync(t.credentialsPath, "[my w]\naws_access_key_id = AKIAX\naws_secret_access_key = y\n");
    expect(await doctor({ offline: true, json: true }, t.ctx)).toBe(1);
    const names = checks(t).find((c) => c.id === "profile-names");
    expect(names?.ok).toBe(false);
    expect(names?.detail).toContain("[profile ;prod]");
    expect(names?.detail).toContain("the JS SDK v3");
    expect(names?.detail).toContain('[profile "quoted"]');
    expect(names?.detail).toContain("[sso-session a #b]");
    expect(names?.detail).toContain("[my w]");
    expect(names?.fix).toContain("letters, digits and - _ . @ + : /");
  });

  it("reports each section header the AWS clients read differently on a line of its own, with the line and the fix, and fails the settings of the profiles it leaves ambiguous", async () => {
    const t = context();
    const good = config(process.execPath, join(t.home, "cli.js"));
    writeFileSync(
      t.configPath,
      `${good}
[ profile work]
op_item = Other

[profile\tlab]
region = eu-west-1
`,
    );
    const lines = good.split("\n").length;
    expect(await doctor({ offline: true }, t.ctx)).toBe(1);
    const out = t.out();
    expect(out).toContain(`✗ section header in ${t.configPath}, line ${lines + 1}: "[ profile work]": it has spaces`);
    expect(out).toContain('aws-op refuses "work" until it is fixed');
    expect(out).toContain("    fix: Write it as [profile work], at the very start of its line");
    // A tab shows as \t, not as blank space.
    expect(out).toContain(`✗ section header in ${t.configPath}, line ${lines + 4}: "[profile\\tlab]"`);
    expect(out).toContain('✗ [work] settings: AWS profile "work" is ambiguous');
    expect(out).not.toContain("✗ [admin] settings");
  });
});
