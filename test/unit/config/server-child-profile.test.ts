// The profile exec --server gives its command: the user's config text unchanged plus a section holding the asked
// profile's settings without credentials, read by botocore and the JS SDK's own loader exactly so.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseIni } from "../../../src/config/ini.js";
import type { AwsFile, AwsFiles } from "../../../src/config/profile.js";
import {
  botoConfigPaths,
  botoFilesWithKeys,
  childProfileConfig,
  isCredentialSetting,
} from "../../../src/config/server-child-profile.js";
import { InternalError } from "../../../src/errors.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

function file(path: string, text: string | undefined): AwsFile {
  return { path, text, doc: parseIni(text ?? "") };
}

function filesOf(config: string | undefined, credentials = ""): AwsFiles {
  return { config: file("/home/u/.aws/config", config), credentials: file("/home/u/.aws/credentials", credentials) };
}

/** Random parts in turn: 0000000a, 0000000b, ... */
function counter(): () => string {
  let n = 9;
  return () => (++n).toString(16).padStart(8, "0");
}

const CONFIG = `# mine
[default]
region = us-east-1
output = table
credential_process = /bin/node /cli.js process --profile bob

[profile alice]
region = eu-west-1
output = text
credential_process = /bin/node /cli.js process --profile alice
op_vault = Work
op_item = AWS work
op_role_arn = arn:aws:iam::123456789012:role/alice
s3 =
  addressing_style = path
  max_concurrent_requests = 20
cli_pager =
AWS_ACCESS_KEY_ID = AKIAUPPERCASE
role_arn = arn:aws:iam::123456789012:role/native
source_profile = default
sso_session = corp
mfa_serial = arn:aws:iam::123456789012:mfa/alice
login_session = arn:aws:iam::123456789012:user/alice
web_identity_token_file = /token

[profile bob]
region = eu-west-1
op_item = AWS bob

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start

[services local]
sts =
  endpoint_url = http://127.0.0.1:5000
`;

const CREDENTIALS = `[default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = default-secret
[alice]
aws_access_key_id = AKIAALICE
aws_secret_access_key = alice-secret
aws_session_token = alice-token
region = eu-central-1
`;

describe("the child's profile under exec --server", () => {
  it("is the user's config unchanged, then the asked profile's settings without credentials (the credentials file's last)", () => {
    const child = childProfileConfig(filesOf(CONFIG, CREDENTIALS), "alice", counter());
    expect(child.profile).toBe("aws-op-exec-0000000a");
    expect(child.text).toBe(
      `${CONFIG}\n[profile aws-op-exec-0000000a]\noutput = text\ns3 =\n  addressing_style = path\n  max_concurrent_requests = 20\ncli_pager =\nregion = eu-central-1\n`,
    );
  });

  it.each([
    ["no config file", undefined, "[profile aws-op-exec-0000000a]\n"],
    ["an empty one", "", "[profile aws-op-exec-0000000a]\n"],
    [
      "one without a line break at its end",
      "[profile alice]\nregion = x",
      "[profile alice]\nregion = x\n\n[profile aws-op-exec-0000000a]\nregion = x\n",
    ],
    [
      "indented keys with continuation lines (the keys lose their indentation, the continuations keep theirs)",
      "[profile alice]\n   region = x\n   note = a\n      b\n",
      "[profile alice]\n   region = x\n   note = a\n      b\n\n[profile aws-op-exec-0000000a]\nregion = x\nnote = a\n      b\n",
    ],
    [
      "a profile in sections botocore merges ([profile alice] twice): each key once, the last",
      "[profile alice]\nregion = x\noutput = json\n[profile alice]\nregion = y\n",
      "[profile alice]\nregion = x\noutput = json\n[profile alice]\nregion = y\n\n[profile aws-op-exec-0000000a]\noutput = json\nregion = y\n",
    ],
  ])("from %s", (_name, config, expected) => {
    expect(childProfileConfig(filesOf(config), "alice", counter()).text).toBe(expected);
  });

  it("takes a name that neither file mentions anywhere, in any case", () => {
    const config = "[profile alice]\n# see AWS-OP-EXEC-0000000A\n";
    const credentials = "[aws-op-exec-0000000b]\naws_access_key_id = AKIA\n";
    expect(childProfileConfig(filesOf(config, credentials), "alice", counter()).profile).toBe("aws-op-exec-0000000c");
    expect(() => childProfileConfig(filesOf("[profile aws-op-exec-x]\n"), "alice", () => "x")).toThrow(InternalError);
  });

  it.each([
    "aws_access_key_id",
    "AWS_SECRET_ACCESS_KEY",
    "aws_session_token",
    "aws_security_token",
    "aws_account_id",
    "credential_process",
    "credential_source",
    "role_arn",
    "source_profile",
    "role_session_name",
    "external_id",
    "mfa_serial",
    "duration_seconds",
    "web_identity_token_file",
    "sso_session",
    "sso_start_url",
    "sso_account_id",
    "login_session",
    "op_item",
  ])("leaves out %s", (key) => {
    expect(isCredentialSetting(key)).toBe(true);
  });

  it.each(["region", "output", "s3", "endpoint_url", "services", "ca_bundle", "retry_mode", "cli_pager"])(
    "keeps %s",
    (key) => {
      expect(isCredentialSetting(key)).toBe(false);
    },
  );
});

const python = spawnSync("python3", ["-c", "import botocore"], { encoding: "utf8" });

interface Case {
  config: string;
  credentials: string;
  profile: string;
}

const CASES: Case[] = [
  { config: CONFIG, credentials: CREDENTIALS, profile: "alice" },
  { config: CONFIG, credentials: CREDENTIALS, profile: "default" },
  {
    // botocore uses the later of [default] and [profile default]; aws-op and the JS SDK merge them.
    config: "[default]\nregion = a\n\n[profile default]\nregion = b\nop_item = x\n  note\n",
    credentials: "",
    profile: "default",
  },
  {
    config: "[profile alice]\n   region = x\n   note = a\n      b\n   s3 =\n      x = 1\n",
    credentials: "",
    profile: "alice",
  },
];

/** Write each case's files and their copies; returns the paths. */
function writeCases(dir: string) {
  return CASES.map((c, i) => {
    const child = childProfileConfig(filesOf(c.config, c.credentials), c.profile, counter());
    const paths = {
      config: join(dir, `config-${i}`),
      credentials: join(dir, `credentials-${i}`),
      copy: join(dir, `copy-${i}`),
    };
    writeFileSync(paths.config, c.config);
    writeFileSync(paths.credentials, c.credentials);
    writeFileSync(paths.copy, child.text);
    return { ...c, ...paths, child: child.profile };
  });
}

/** The settings that are no credential, as the client read them. */
function withoutCredentials(values: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values ?? {}).filter(([key]) => !isCredentialSetting(key)));
}

describe("the child's config as the AWS clients read it", () => {
  it.skipIf(python.status !== 0)(
    "botocore: the child's profile has the asked profile's settings (both files merged) and no credential; every other section is as before",
    () => {
      const cases = writeCases(makeTempDir("aws-op-child-profile-"));
      const script = [
        "import json, sys",
        "from botocore.configloader import load_config, raw_config_parse",
        "out = []",
        "for c in json.load(sys.stdin):",
        "    original = load_config(c['config'])",
        "    copy = load_config(c['copy'])",
        "    creds = raw_config_parse(c['credentials'])",
        "    asked = dict(original['profiles'].get(c['profile'], {}))",
        "    asked.update(creds.get(c['profile'], {}))",
        "    child = copy['profiles'].pop(c['child'])",
        "    out.append({'asked': asked, 'child': child, 'original': original, 'copy': copy})",
        "print(json.dumps(out))",
      ].join("\n");
      const result = spawnSync("python3", ["-c", script], { input: JSON.stringify(cases), encoding: "utf8" });
      expect(result.stderr).toBe("");
      const read = JSON.parse(result.stdout) as {
        asked: Record<string, unknown>;
        child: Record<string, unknown>;
        original: unknown;
        copy: unknown;
      }[];
      for (const r of read) {
        expect(r.child).toEqual(withoutCredentials(r.asked));
        expect(r.copy).toEqual(r.original);
      }
      expect(read[0]?.child).toEqual({
        output: "text",
        region: "eu-central-1",
        cli_pager: "",
        s3: { addressing_style: "path", max_concurrent_requests: "20" },
      });
    },
  );

  it("the JS SDK's loader: the same", async () => {
    const { loadSharedConfigFiles } = await import("@smithy/core/config");
    const dir = makeTempDir("aws-op-child-profile-js-");
    mkdirSync(dir, { recursive: true });
    for (const c of writeCases(dir)) {
      const original = await loadSharedConfigFiles({
        configFilepath: c.config,
        filepath: c.credentials,
        ignoreCache: true,
      });
      const copy = await loadSharedConfigFiles({ configFilepath: c.copy, filepath: c.credentials, ignoreCache: true });
      const { [c.child]: child, ...rest } = copy.configFile;
      expect(child).toEqual(
        withoutCredentials({ ...original.configFile[c.profile], ...original.credentialsFile[c.profile] }),
      );
      expect(rest).toEqual(original.configFile);
    }
  });
});

describe("boto 2's files, which botocore reads before the endpoint", () => {
  it("are $BOTO_CONFIG alone, else /etc/boto.cfg and ~/.boto", () => {
    expect(botoConfigPaths({}, "/home/u")).toEqual(["/etc/boto.cfg", "/home/u/.boto"]);
    expect(botoConfigPaths({ BOTO_CONFIG: "~/b.cfg" }, "/home/u")).toEqual(["/home/u/b.cfg"]);
    expect(botoConfigPaths({ BOTO_CONFIG: "/etc/x" }, "/home/u")).toEqual(["/etc/x"]);
  });

  it("count when [Credentials] has aws_access_key_id (in any case); a missing or unreadable file does not", () => {
    const dir = makeTempDir("aws-op-boto-");
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const keys = write("keys", "[Credentials]\nAWS_Access_Key_ID = AKIA\naws_secret_access_key = s\n");
    const gcs = write(
      "gcs",
      "[Credentials]\ngs_oauth2_refresh_token = t\n[Boto]\nhttps_validate_certificates = True\n",
    );
    const broken = write("broken", "[Credentials\n");
    expect(botoFilesWithKeys([keys, gcs, broken, join(dir, "missing"), dir])).toEqual([keys]);
  });
});
