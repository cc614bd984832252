// A Context for command tests with the built double of op (real processes, FIFO templates): a temp HOME with AWS
// files, the one fake STS (test/helpers/fake-sts.ts), captured stdout/stderr and a fixed clock, put together by the
// one context builder (test/helpers/context.ts).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { IamAccessKey, IamApi } from "../../../src/aws/iam.js";
import type { Context } from "../../../src/context.js";
import { runOp } from "../../../src/onepassword/run-op.js";
import {
  createTempStore,
  env as fakeOpEnv,
  fakeOpBinDir,
  makeStore,
  readCallLog,
  type FakeOpEnvOptions,
  type FakeOpStore,
  type TempStore,
} from "../../fake-op/fixture.js";
import { buildContext } from "../../helpers/context.js";
import { fakeSts, type StsCall } from "../../helpers/fake-sts.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

export type { StsCall };

export interface TestContext {
  ctx: Context;
  home: string;
  configPath: string;
  credentialsPath: string;
  cacheDir: string;
  store: TempStore;
  out: () => string;
  err: () => string;
  opCalls: () => string[][];
  stsCalls: StsCall[];
}

export const NODE_PATH = "/opt/node/bin/node";
export const CLI_PATH = "/opt/aws-op/dist/cli.js";

/** The credential_process line setup and import write for a profile, with the fixture's install paths. */
export function credentialProcessOf(profile: string): string {
  return `${NODE_PATH} ${CLI_PATH} process --profile ${profile}`;
}

/** The "profile work" section of both commands' fixtures after it is served from an item: its keys kept. */
export function servedWorkProfile(vault: string): Record<string, string> {
  return {
    region: "eu-west-1",
    output: "json",
    credential_process: credentialProcessOf("work"),
    op_item: "AWS work",
    op_vault: vault,
  };
}

export function makeContext(
  options: {
    store?: FakeOpStore;
    fakeOp?: Omit<FakeOpEnvOptions, "store" | "log">;
    env?: Record<string, string>;
    tty?: boolean;
    now?: Date;
    /** What IAM ListAccessKeys says about the calling key (default: created 10 days before `now`). */
    listAccessKeys?: IamApi["listAccessKeys"];
  } = {},
): TestContext {
  const home = makeTempDir("aws-op-cmd-");
  mkdirSync(join(home, ".aws"), { mode: 0o700 });
  const store = createTempStore(options.store ?? makeStore());
  const configPath = join(home, ".aws", "config");
  const credentialsPath = join(home, ".aws", "credentials");
  const cacheDir = join(home, ".cache", "aws-op");
  let out = "";
  let err = "";
  const { sts, calls: stsCalls } = fakeSts({ now: () => (options.now ?? new Date()).getTime() });
  // Doctor's key-age check: the calling key, created 10 days ago, unless the test says otherwise.
  const iam: IamApi = {
    listAccessKeys:
      options.listAccessKeys ??
      (async (keys): Promise<IamAccessKey[]> => [
        {
          accessKeyId: keys.accessKeyId,
          status: "Active",
          createDate: new Date((options.now ?? new Date()).getTime() - 10 * 86_400_000),
        },
      ]),
    createAccessKey: async () => {
      throw new Error("not used");
    },
    deleteAccessKey: async () => {
      throw new Error("not used");
    },
    updateAccessKey: async () => {
      throw new Error("not used");
    },
  };
  const ctx: Context = buildContext({
    env: {
      PATH: `${fakeOpBinDir}:${process.env.PATH ?? ""}`,
      HOME: home,
      AWS_CONFIG_FILE: configPath,
      AWS_SHARED_CREDENTIALS_FILE: credentialsPath,
      AWS_OP_CACHE_DIR: cacheDir,
      ...fakeOpEnv({ ...(options.fakeOp ?? {}), store: store.storePath, log: store.logPath }),
      ...(options.env ?? {}),
    },
    home,
    now: () => options.now ?? new Date(),
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    isTTY: { stdin: !!options.tty, stdout: !!options.tty, stderr: !!options.tty },
    runOp,
    sts,
    iam,
    execPath: NODE_PATH,
    cliPath: CLI_PATH,
  });
  return {
    ctx,
    home,
    configPath,
    credentialsPath,
    cacheDir,
    store,
    out: () => out,
    err: () => err,
    opCalls: () => readCallLog(store.logPath).map((e) => e.argv),
    stsCalls,
  };
}
