// A Context for command tests with op in memory (test/helpers/op-in-memory.ts): a temp HOME with an AWS config,
// one 1Password item (item get / item edit with the template read from the FIFO), the one fake STS
// (test/helpers/fake-sts.ts) whose calls go into the event log, put together by the one context builder.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StsApi } from "../../../src/aws/sts.js";
import type { Context } from "../../../src/context.js";
import { buildContext } from "../../helpers/context.js";
import { fakeSts } from "../../helpers/fake-sts.js";
import { opInMemory, type FakeItem } from "../../helpers/op-in-memory.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

export type { FakeItem };

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
  /** The item as 1Password holds it now. */
  item: FakeItem;
  opCalls: string[][];
  /** The op executable of each call. */
  opClis: string[];
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
  applyEdit?: ((item: FakeItem, template: FakeItem) => FakeItem) | undefined;
}

export function fakeWorld(config: string, item: FakeItem, sts: Partial<StsApi> = {}): FakeWorld {
  const home = makeTempDir("aws-op-cmd-");
  const configPath = join(home, "config");
  writeFileSync(configPath, config);
  const events: string[] = [];
  const clock = { now: Date.parse("2026-11-25T12:00:10Z") };
  const op = opInMemory(item, {
    onCall: (args) => events.push(args[0] === "--version" ? "op --version" : `op item ${args[1] ?? ""}`),
  });
  const alice = { account: "123456789012", arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDA" };
  const { sts: fake } = fakeSts({
    now: () => clock.now,
    identity: () => alice,
    onCall: (call) => events.push(`sts ${call.op} ${call.accessKeyId}`),
    overrides: sts,
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const sleeps: number[] = [];
  const ctx = buildContext({
    env: {
      // Where the real helpers that commands start come from (mkfifo for item templates).
      PATH: process.env.PATH,
      AWS_CONFIG_FILE: configPath,
      AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
      AWS_OP_CACHE_DIR: join(home, "cache"),
    },
    home,
    now: () => new Date(clock.now),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.now += ms;
    },
    stdout: (text) => void stdout.push(text),
    stderr: (text) => void stderr.push(text),
    runOp: op.run,
    sts: fake,
  });
  return {
    ctx,
    get item() {
      return op.item;
    },
    set item(value) {
      op.item = value;
    },
    get opVersion() {
      return op.opVersion;
    },
    set opVersion(value) {
      op.opVersion = value;
    },
    get applyEdit() {
      return op.applyEdit;
    },
    set applyEdit(value) {
      op.applyEdit = value;
    },
    opCalls: op.calls,
    opClis: op.clis,
    editTemplates: op.editTemplates,
    events,
    stdout,
    stderr,
    sleeps,
    failEdit: op.failEdit,
  };
}
