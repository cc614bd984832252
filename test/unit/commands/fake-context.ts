// A Context for command tests: a temp HOME with an AWS config, an in-memory 1Password item served by a fake op
// runner (item get / item edit with the template read from the FIFO), and a fake STS.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StsApi } from "../../../src/aws/sts.js";
import type { Context } from "../../../src/context.js";
import type { OpRunner } from "../../../src/onepassword/run-op.js";

export interface FakeItem {
  id: string;
  title: string;
  category: string;
  vault: { id: string; name: string };
  sections: { id: string; label?: string }[];
  fields: { id: string; type: string; label: string; value?: string; purpose?: string; section?: { id: string } }[];
}

export function awsItem(accessKeyId: string, secretAccessKey: string): FakeItem {
  return {
    id: "item1",
    title: "AWS work",
    category: "API_CREDENTIAL",
    vault: { id: "v1", name: "Work" },
    sections: [{ id: "add more" }, { id: "s1", label: "AWS" }],
    fields: [
      { id: "notesPlain", type: "STRING", purpose: "NOTES", label: "notesPlain", value: "keep me" },
      { id: "f1", type: "STRING", label: "aws_access_key_id", value: accessKeyId, section: { id: "s1" } },
      { id: "f2", type: "CONCEALED", label: "aws_secret_access_key", value: secretAccessKey, section: { id: "s1" } },
      {
        id: "f3",
        type: "STRING",
        label: "mfa_serial",
        value: "arn:aws:iam::123456789012:mfa/alice",
        section: { id: "s1" },
      },
      {
        id: "TOTP_x",
        type: "OTP",
        label: "one-time password",
        value: "otpauth://totp/aws?secret=JBSWY3DPEHPK3PXP",
        section: { id: "add more" },
      },
      { id: "f4", type: "URL", label: "console", value: "https://example.signin.aws.amazon.com/console" },
    ],
  };
}

export interface FakeWorld {
  ctx: Context;
  item: FakeItem;
  opCalls: string[][];
  events: string[];
  stdout: string[];
  stderr: string[];
  sleeps: number[];
  /** Make the next `op item edit` fail like a dismissed approval. */
  failEdit: { next: boolean };
  /** What `op --version` prints (default 2.32.0). */
  opVersion: string;
  /** The templates `op item edit` received on stdin, parsed. */
  editTemplates: unknown[];
  /** How op stores a template (default: replaces sections and fields); a test can make it lossy. */
  applyEdit?: (item: FakeItem, template: FakeItem) => FakeItem;
}

export function fakeWorld(config: string, item: FakeItem, sts: Partial<StsApi> = {}): FakeWorld {
  const home = mkdtempSync(join(tmpdir(), "aws-op-cmd-"));
  const configPath = join(home, "config");
  writeFileSync(configPath, config);
  const world: FakeWorld = {
    item,
    opCalls: [],
    events: [],
    stdout: [],
    stderr: [],
    sleeps: [],
    failEdit: { next: false },
    editTemplates: [],
    opVersion: "2.32.0",
    ctx: undefined as unknown as Context,
  };
  const clock = { now: Date.parse("2026-11-25T12:00:10Z") };
  const runOp: OpRunner = async ({ args, stdinFd }) => {
    world.opCalls.push([...args]);
    if (args[0] === "--version") {
      world.events.push("op --version");
      return { exitCode: 0, signal: null, stdout: `${world.opVersion}\n`, stderr: "" };
    }
    if (args[0] === "item" && args[1] === "edit") {
      world.events.push("op item edit");
      const text = stdinFd === undefined ? "" : readFileSync(stdinFd, "utf8");
      if (world.failEdit.next) {
        world.failEdit.next = false;
        return {
          exitCode: 1,
          signal: null,
          stdout: "",
          stderr: "[ERROR] 2026/11/25 12:00:00 authorization prompt dismissed, please try again\n",
        };
      }
      const template = JSON.parse(text) as FakeItem;
      world.editTemplates.push(template);
      world.item = world.applyEdit
        ? world.applyEdit(world.item, template)
        : { ...world.item, sections: template.sections, fields: template.fields };
      return { exitCode: 0, signal: null, stdout: JSON.stringify(world.item), stderr: "" };
    }
    world.events.push("op item get");
    return { exitCode: 0, signal: null, stdout: JSON.stringify(world.item), stderr: "" };
  };
  const fakeSts: StsApi = {
    async getSessionToken(keys) {
      world.events.push(`sts GetSessionToken ${keys.accessKeyId}`);
      return {
        accessKeyId: "ASIASESSION000000001",
        secretAccessKey: "session-secret",
        sessionToken: "session-token",
        expiration: new Date(clock.now + 3600_000),
      };
    },
    async assumeRole() {
      throw new Error("not used");
    },
    async getCallerIdentity(keys) {
      world.events.push(`sts GetCallerIdentity ${keys.accessKeyId}`);
      return { account: "123456789012", arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDA" };
    },
    async getFederationToken() {
      throw new Error("not used");
    },
    ...sts,
  };
  world.ctx = {
    env: {
      AWS_CONFIG_FILE: configPath,
      AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
      AWS_OP_CACHE_DIR: join(home, "cache"),
    },
    home,
    platform: "linux",
    now: () => new Date(clock.now),
    sleep: async (ms) => {
      world.sleeps.push(ms);
      clock.now += ms;
    },
    stdout: (text) => void world.stdout.push(text),
    stderr: (text) => void world.stderr.push(text),
    isTTY: { stdin: false, stdout: false, stderr: false },
    runOp,
    sts: fakeSts,
    userName: "alice",
  };
  return world;
}
