import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import {
  awsFilePaths,
  listProfileNames,
  readAwsFiles,
  resolveProfileSettings,
  type SettingFlags,
} from "../../../src/config/profile.js";
import { homeDirectory } from "../../../src/config/home.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

function files(config: string, credentials = "") {
  const dir = makeTempDir("aws-op-profile-");
  writeFileSync(join(dir, "config"), config);
  writeFileSync(join(dir, "credentials"), credentials);
  return readAwsFiles({ config: join(dir, "config"), credentials: join(dir, "credentials") });
}

function resolve(config: string, flags: SettingFlags = {}, env: NodeJS.ProcessEnv = {}, credentials = "") {
  return resolveProfileSettings({ env, files: files(config, credentials), flags });
}

describe("awsFilePaths", () => {
  it("honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else ~/.aws", () => {
    expect(awsFilePaths({}, "/home/u")).toEqual({
      config: "/home/u/.aws/config",
      credentials: "/home/u/.aws/credentials",
    });
    expect(awsFilePaths({ AWS_CONFIG_FILE: "/c", AWS_SHARED_CREDENTIALS_FILE: "/k" }, "/home/u")).toEqual({
      config: "/c",
      credentials: "/k",
    });
  });
  it("expands a leading ~/ in AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE as botocore and the JS SDK do (regression: aws-op read ./~/.aws/config from the working directory)", () => {
    expect(awsFilePaths({ AWS_CONFIG_FILE: "~/.aws/alt", AWS_SHARED_CREDENTIALS_FILE: "~/k" }, "/home/u")).toEqual({
      config: "/home/u/.aws/alt",
      credentials: "/home/u/k",
    });
  });

  it.each([
    [{ AWS_CONFIG_FILE: "cfg/config" }, "/home/u", "AWS_CONFIG_FILE"],
    [{ AWS_SHARED_CREDENTIALS_FILE: "./credentials" }, "/home/u", "AWS_SHARED_CREDENTIALS_FILE"],
    [{ AWS_CONFIG_FILE: "~other/config" }, "/home/u", "AWS_CONFIG_FILE"],
    [{}, "", "home directory"],
    [{ AWS_CONFIG_FILE: "~/config" }, "", "home directory"],
  ])(
    "never reads configuration from a relative location: %j with home %j is refused, naming %s (regression: an empty HOME read ./.aws/credentials)",
    (env, home, named) => {
      expect(() => awsFilePaths(env, home)).toThrow(UserError);
      expect(() => awsFilePaths(env, home)).toThrow(named);
    },
  );
});

describe("homeDirectory", () => {
  it("uses HOME when it is absolute, else the user database's home, else nothing (regression: an empty HOME meant the working directory)", () => {
    expect(homeDirectory("/home/env", () => "/home/passwd")).toBe("/home/env");
    expect(homeDirectory("", () => "/home/passwd")).toBe("/home/passwd");
    expect(homeDirectory("relative/home", () => "/home/passwd")).toBe("/home/passwd");
    expect(homeDirectory("", () => "")).toBe("");
    expect(
      homeDirectory("", () => {
        throw new Error("no passwd entry");
      }),
    ).toBe("");
  });
});

describe("op_cli", () => {
  it.each(["./payload.sh", "bin/op", "~/bin/op", "..\\op.exe"])(
    "refuses %j: only a bare name looked up on PATH or an absolute path (regression: a planted config ran ./payload.sh)",
    (opCli) => {
      expect(() => resolve(`[default]\nop_item = I\nop_cli = ${opCli}\n`)).toThrow(UserError);
      expect(() => resolve(`[default]\nop_item = I\nop_cli = ${opCli}\n`)).toThrow("bare command name");
      expect(() => resolve("[default]\nop_item = I\n", {}, { AWS_OP_CLI: opCli })).toThrow("AWS_OP_CLI");
      expect(() => resolve("[default]\nop_item = I\n", { opCli })).toThrow("--op-cli");
    },
  );

  it.each(["op", "op.exe", "/usr/local/bin/op", "/mnt/c/Program Files/op.exe", "C:\\Tools\\op.exe"])(
    "accepts %j",
    (opCli) => {
      expect(resolve(`[default]\nop_item = I\nop_cli = ${opCli}\n`).opCli).toBe(opCli);
    },
  );
});

describe("resolveProfileSettings", () => {
  const work = '[profile work]\nregion = eu-west-1\nop_vault = Work & Play\nop_item = AWS "prod" / eu\n';

  it("reads op_* keys of [profile NAME], keeping every character of the names", () => {
    expect(resolve(work, { profile: "work" })).toEqual({
      profile: "work",
      item: 'AWS "prod" / eu',
      vault: "Work & Play",
      sessionDuration: 3600,
      region: "eu-west-1",
      opCli: "op",
      opTimeoutMs: 50_000,
    });
  });

  it("lets flags win over profile keys", () => {
    const s = resolve(work, {
      profile: "work",
      vault: "Other",
      item: "I",
      sessionDuration: "2h",
      mfaSerial: "arn:m",
      account: "acme",
    });
    expect(s).toMatchObject({ vault: "Other", item: "I", sessionDuration: 7200, mfaSerial: "arn:m", account: "acme" });
  });

  it("uses AWS_PROFILE, then [default]", () => {
    expect(resolve(work, {}, { AWS_PROFILE: "work" }).item).toBe('AWS "prod" / eu');
    expect(resolve("[default]\nop_item = D\n").profile).toBe("default");
  });

  it("merges the credentials file's [NAME] section, which wins for the same key", () => {
    const s = resolve(
      "[profile work]\nop_item = from-config\nop_vault = V\n",
      { profile: "work" },
      {},
      "[work]\nop_item = from-credentials\n",
    );
    expect(s).toMatchObject({ item: "from-credentials", vault: "V" });
  });

  it("works with flags alone when the profile does not exist", () => {
    expect(resolve("", { profile: "nope", item: "I", vault: "V" })).toMatchObject({
      profile: undefined,
      item: "I",
      vault: "V",
    });
  });

  it("uses the profile's region for STS, else us-east-1", () => {
    expect(resolve("[default]\nop_item = I\nregion = eu-west-1\n").region).toBe("eu-west-1");
    expect(resolve("[default]\nop_item = I\n").region).toBe("us-east-1");
  });

  it("reads op_session_duration = off", () => {
    expect(resolve("[default]\nop_item = I\nop_session_duration = off\n").sessionDuration).toBe("off");
  });

  it("takes the op executable from --op-cli, AWS_OP_CLI, then op_cli", () => {
    const config = "[default]\nop_item = I\nop_cli = /mnt/c/op.exe\n";
    expect(resolve(config).opCli).toBe("/mnt/c/op.exe");
    expect(resolve(config, {}, { AWS_OP_CLI: "/env/op" }).opCli).toBe("/env/op");
    expect(resolve(config, { opCli: "/flag/op" }, { AWS_OP_CLI: "/env/op" }).opCli).toBe("/flag/op");
  });

  it("takes the op timeout from --op-timeout, then AWS_OP_TIMEOUT", () => {
    expect(resolve("[default]\nop_item = I\n", {}, { AWS_OP_TIMEOUT: "5" }).opTimeoutMs).toBe(5000);
    expect(resolve("[default]\nop_item = I\n", { opTimeout: "2.5" }, { AWS_OP_TIMEOUT: "5" }).opTimeoutMs).toBe(2500);
    expect(() => resolve("[default]\nop_item = I\n", {}, { AWS_OP_TIMEOUT: "soon" })).toThrow(
      /AWS_OP_TIMEOUT = "soon"/,
    );
  });

  it("reads role settings, and a role profile with op_source_profile needs no op_item", () => {
    const s = resolve(
      "[profile admin]\nop_role_arn = arn:aws:iam::1:role/Admin\nop_source_profile = work\nop_role_duration = 30m\nop_external_id = x\nop_role_session_name = me\n",
      { profile: "admin" },
    );
    expect(s).toMatchObject({
      sourceProfile: "work",
      role: { roleArn: "arn:aws:iam::1:role/Admin", durationSeconds: 1800, externalId: "x", roleSessionName: "me" },
    });
    expect(s.item).toBeUndefined();
  });

  it.each([
    ["[profile x]\nregion = a\n", { profile: "x" }, /profile "x" has no op_item setting[\s\S]*/],
    ["", { profile: "ghost" }, /profile "ghost" was not found/],
    [
      "[default]\nop_item = I\nop_session_duration = forever\n",
      {},
      /op_session_duration = "forever" is not a duration/,
    ],
    [
      "[default]\nop_item = I\nop_role_arn = arn\nop_role_duration = 13h\n",
      {},
      /op_role_duration = "13h" is out of range/,
    ],
  ])("refuses %j clearly", (config, flags, message) => {
    expect(() => resolve(config, flags)).toThrow(message);
  });

  it("reads op_mfa_prompt and op_mfa_process, and refuses a prompt it does not know", () => {
    const base = "[profile p]\nop_item = i\n";
    expect(
      resolve(`${base}op_mfa_prompt = Zenity\nop_mfa_process = ykman oath code\n`, { profile: "p" }),
    ).toMatchObject({
      mfaPrompt: "zenity",
      mfaProcess: "ykman oath code",
    });
    expect(() => resolve(`${base}op_mfa_prompt = dmenu\n`, { profile: "p" })).toThrow(
      /op_mfa_prompt = "dmenu" is not a prompt aws-op knows/,
    );
  });

  it("reads session tags, transitive tag keys and source identity of a role", () => {
    const settings = resolve(
      [
        "[profile r]",
        "op_item = i",
        "op_role_arn = arn:aws:iam::123456789012:role/r",
        "op_role_tags = team=data, project = x:y/z , empty=",
        "op_role_transitive_tags = team",
        "op_source_identity = alice@example.com",
        "",
      ].join("\n"),
      { profile: "r" },
    );
    expect(settings.role).toMatchObject({
      tags: [
        ["team", "data"],
        ["project", "x:y/z"],
        ["empty", ""],
      ],
      transitiveTagKeys: ["team"],
      sourceIdentity: "alice@example.com",
    });
  });

  it.each([
    ["op_role_tags = team", /"team" is not a key=value tag/],
    ["op_role_tags = =x", /"=x" is not a key=value tag/],
    ["op_role_tags = a=1, A=2", /the key "A" is there twice/],
    ["op_role_tags = a=b;c", /a character AWS does not allow/],
    ["op_role_tags = a=1\nop_role_transitive_tags = b", /names "b", which is not a key of op_role_tags/],
    ["op_source_identity = x", /not a source identity AWS accepts/],
    ["op_source_identity = aws:me", /not a source identity AWS accepts/],
  ])("refuses %s", (line, message) => {
    const config = `[profile r]\nop_item = i\nop_role_arn = arn:aws:iam::123456789012:role/r\n${line}\n`;
    expect(() => resolve(config, { profile: "r" })).toThrow(message);
  });

  it("refuses role options on a profile without op_role_arn", () => {
    expect(() => resolve("[profile p]\nop_item = i\nop_role_tags = a=b\n", { profile: "p" })).toThrow(
      /sets op_role_tags but no op_role_arn/,
    );
  });

  it("reports an unparseable file with its path and line number", () => {
    expect(() => files("[default]\nop_item = I\nnot a key\n")).toThrow(/config, line 3/);
  });
});

describe("listProfileNames", () => {
  it("lists profiles from both files, as botocore names them", () => {
    const f = files('[default]\n[profile a]\n[profile "b c"]\n[sso-session s]\n[services x]\n', "[a]\n[d]\n");
    expect(listProfileNames(f)).toEqual(["default", "a", "b c", "d"]);
  });
});

describe("services sections and ca_bundle", () => {
  const SERVICES = [
    "[profile work]",
    "op_item = AWS work",
    "services = corp",
    "",
    "[services corp]",
    "sts =",
    "  endpoint_url = https://vpce-1.sts.eu-west-1.vpce.amazonaws.com",
    "iam =",
    "  endpoint_url = https://iam.corp.example",
    "",
  ].join("\n");

  it("reads the endpoint_url of each service in the profile's [services NAME] section", () => {
    expect(resolve(SERVICES, { profile: "work" }).endpoints?.services).toEqual({
      name: "corp",
      endpointUrls: {
        sts: "https://vpce-1.sts.eu-west-1.vpce.amazonaws.com",
        iam: "https://iam.corp.example",
      },
    });
  });

  it("a services name without its section is recorded as missing, in the config file", () => {
    const settings = resolve("[profile work]\nop_item = x\nservices = nowhere\n", { profile: "work" });
    expect(settings.endpoints?.services).toMatchObject({
      name: "nowhere",
      missingIn: expect.stringMatching(/config$/),
    });
  });

  it("a quoted section name is read as botocore splits it; [profile services x] is a profile, not a section", () => {
    const text =
      '[profile work]\nop_item = x\nservices = my corp\n\n[services "my corp"]\nsts =\n  endpoint_url = https://a\n';
    expect(resolve(text, { profile: "work" }).endpoints?.services?.endpointUrls).toEqual({ sts: "https://a" });
  });

  it("ca_bundle: the profile's own, else its op_source_profile's (a loop ends the walk)", () => {
    const text = [
      "[profile base]",
      "op_item = x",
      "ca_bundle = /etc/base.pem",
      "[profile admin]",
      "op_role_arn = arn:aws:iam::123456789012:role/a",
      "op_source_profile = base",
      "[profile own]",
      "op_role_arn = arn:aws:iam::123456789012:role/a",
      "op_source_profile = base",
      "ca_bundle = /etc/own.pem",
      "[profile l1]",
      "op_item = x",
      "op_source_profile = l2",
      "[profile l2]",
      "op_item = x",
      "op_source_profile = l1",
      "",
    ].join("\n");
    expect(resolve(text, { profile: "admin" }).caBundle).toEqual({ path: "/etc/base.pem", profile: "base" });
    expect(resolve(text, { profile: "own" }).caBundle).toEqual({ path: "/etc/own.pem", profile: "own" });
    expect(resolve(text, { profile: "l1" }).caBundle).toBeUndefined();
  });
});
