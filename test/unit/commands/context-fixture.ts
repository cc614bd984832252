// A Context for command tests: a temp HOME with AWS files, the built fake op (real processes, FIFO templates),
// a fake STS that records its calls, captured stdout/stderr, and a fixed clock.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IamAccessKey, IamApi } from "../../../src/aws/iam.js";
import type { StsApi } from "../../../src/aws/sts.js";
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

export interface StsCall {
  op: string;
  accessKeyId: string;
  endpoint?: string;
}

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
  const home = mkdtempSync(join(tmpdir(), "aws-op-cmd-"));
  mkdirSync(join(home, ".aws"), { mode: 0o700 });
  const store = createTempStore(options.store ?? makeStore());
  const configPath = join(home, ".aws", "config");
  const credentialsPath = join(home, ".aws", "credentials");
  const cacheDir = join(home, ".cache", "aws-op");
  let out = "";
  let err = "";
  const stsCalls: StsCall[] = [];
  const sts: StsApi = {
    async getSessionToken(keys, params) {
      stsCalls.push({
        op: "GetSessionToken",
        accessKeyId: keys.accessKeyId,
        ...(params.endpoint ? { endpoint: params.endpoint } : {}),
      });
      return {
        accessKeyId: "ASIASESSION000000001",
        secretAccessKey: "session-secret",
        sessionToken: "token",
        expiration: new Date((options.now ?? new Date()).getTime() + params.durationSeconds * 1000),
      };
    },
    async assumeRole(keys, params) {
      stsCalls.push({ op: "AssumeRole", accessKeyId: keys.accessKeyId });
      return {
        accessKeyId: "ASIAROLE000000000001",
        secretAccessKey: "role-secret",
        sessionToken: "role-token",
        expiration: new Date((options.now ?? new Date()).getTime() + params.durationSeconds * 1000),
        assumedRoleArn: `${params.roleArn.replace(":role/", ":assumed-role/")}/${params.roleSessionName}`,
        // As sts.ts reads it from the assumed-role ARN.
        accountId: params.roleArn.split(":")[4] ?? "",
      };
    },
    async getCallerIdentity(keys, params) {
      stsCalls.push({
        op: "GetCallerIdentity",
        accessKeyId: keys.accessKeyId,
        ...(params.endpoint ? { endpoint: params.endpoint } : {}),
      });
      return {
        account: "123456789012",
        arn: `arn:aws:iam::123456789012:user/u-${keys.accessKeyId.slice(-4)}`,
        userId: "AIDA",
      };
    },
    async getFederationToken(keys, params) {
      stsCalls.push({ op: "GetFederationToken", accessKeyId: keys.accessKeyId });
      return {
        accessKeyId: "ASIAFEDERATED0000001",
        secretAccessKey: "federation-secret",
        sessionToken: "federation-token",
        expiration: new Date((options.now ?? new Date()).getTime() + params.durationSeconds * 1000),
      };
    },
  };
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
  const ctx: Context = {
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
    platform: "linux",
    now: () => options.now ?? new Date(),
    sleep: async () => undefined,
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    isTTY: { stdin: !!options.tty, stdout: !!options.tty, stderr: !!options.tty },
    runOp,
    sts,
    iam,
    userName: "alice",
    execPath: NODE_PATH,
    cliPath: CLI_PATH,
  };
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
