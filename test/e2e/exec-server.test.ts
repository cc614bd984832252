// `aws-op exec --server` end to end: the built CLI serves a loopback credentials endpoint to the command it runs;
// boto3, the JS SDK v3 (default chain) and the AWS CLI v1 find it through AWS_CONTAINER_CREDENTIALS_FULL_URI and
// call moto with what it serves. A test-only clock offset (test/helpers/clock.ts, a preload) moves a running exec
// across a session's refresh point. The secret scan covers the children's environment (their shims log it) and
// the endpoint's answers the children print. The second block runs every client (AWS CLI v1 and v2, boto3, the JS,
// Go and Ruby SDKs) in one child with a [default] that holds bob's credentials: each must act as the profile asked
// for, and as bob only when it names bob itself.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn as spawnPty } from "@lydell/node-pty";
import { readStore, repoRoot, scriptRecipeItem, writeStore } from "../fake-op/fixture.js";
import { createIamUserWithKey, requireTools, startAliceWorld, type Moto, canConnect } from "../helpers/moto.js";
import { awsConfig, callerArn } from "../helpers/alice-world.js";
import {
  awsOpCommand,
  credentialProcessLine,
  spawnAsync,
  testExecutable,
  type RunResult,
  type Sandbox,
} from "../helpers/sandbox.js";
import { buildGoClient, RUBY_CLIENT } from "../helpers/sdk-clients.js";
import { clockOffsetEnv } from "../helpers/clock.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

const tools = requireTools(["moto_server", "aws", "python3"]);
/**
 * The Node.js children (the JS SDK, the asker), found on PATH under a name of their own: the single executable's
 * pass (AWS_OP_TEST_EXE) runs with no `node` on PATH, and a shim named node would be one.
 */
const NODE = "test-node";
/**
 * The tests that move aws-op's clock across a session's refresh point do it with a preload given in NODE_OPTIONS
 * (clockOffsetEnv): the single executable ignores NODE_OPTIONS (execArgvExtension "none") and holds no test switch,
 * so its pass (AWS_OP_TEST_EXE) skips them. What they test is dist/main.js, which the executable embeds byte for
 * byte and every Node.js pass runs them against.
 */
const CLOCK_CANNOT_MOVE = testExecutable !== undefined;
const CLOCK_SKIP_NOTE = "moves the clock through NODE_OPTIONS, which the single executable ignores";

const BOTO3 = [
  "import boto3, json",
  "session = boto3.Session()",
  "method = session.get_credentials().method",
  "identity = session.client('sts').get_caller_identity()",
  "print(json.dumps({'method': method, 'Arn': identity['Arn'], 'Account': identity['Account']}))",
].join("\n");

const JS_SDK = `
const { fromNodeProviderChain } = require("@aws-sdk/credential-providers");
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
(async () => {
  const client = new STSClient({ credentials: fromNodeProviderChain() });
  const identity = await client.send(new GetCallerIdentityCommand({}));
  console.log(JSON.stringify({ Arn: identity.Arn, Account: identity.Account }));
})().catch((error) => {
  console.error(error.name, error.message);
  process.exit(1);
});
`;

/** The JS SDK from the lockfile, for the children's node. */
const JS_ENV = {
  NODE_PATH: join(repoRoot, "node_modules"),
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};

/**
 * A long-running child: asks the endpoint once, says "ready" (with what it sees of its environment), waits for
 * "go", asks COUNT times at once, and again after each further "go<N>". Prints every answer's body (a line each).
 */
const ASKER = `
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
const [dir, count = "1", rounds = "1"] = process.argv.slice(2);
const uri = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
const token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
const ask = async () => {
  const response = await fetch(uri, { headers: { Authorization: token } });
  return { status: response.status, body: await response.text() };
};
const waitFor = async (name) => {
  while (!existsSync(dir + "/" + name)) await new Promise((r) => setTimeout(r, 20));
};
const statuses = [];
const first = await ask();
statuses.push([first.status]);
console.log(first.body);
const cmdlines = [process.pid, process.ppid].map((pid) => readFileSync("/proc/" + pid + "/cmdline", "utf8"));
// Written aside and renamed, so the test never reads a half-written file (it polls for the name).
writeFileSync(dir + "/ready.partial", JSON.stringify({
  uri,
  tokenBytes: Buffer.from(token, "base64url").length,
  tokenOnCommandLine: cmdlines.some((c) => c.includes(token)),
  present: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"]
    .filter((name) => process.env[name] !== undefined),
  profile: process.env.AWS_PROFILE,
  region: process.env.AWS_REGION,
  firstStatus: first.status,
  firstExpiration: first.status === 200 ? JSON.parse(first.body).Expiration : undefined,
}));
renameSync(dir + "/ready.partial", dir + "/ready");
for (let round = 1; round <= Number(rounds); round++) {
  await waitFor(round === 1 ? "go" : "go" + round);
  const answers = await Promise.all(Array.from({ length: Number(count) }, ask));
  statuses.push(answers.map((a) => a.status));
  for (const answer of answers) console.log(answer.body);
}
writeFileSync(dir + "/statuses.partial", JSON.stringify(statuses));
renameSync(dir + "/statuses.partial", dir + "/statuses");
`;

interface Answer {
  AccessKeyId?: string;
  SecretAccessKey?: string;
  Token?: string;
  Expiration?: string;
  Code?: string;
  Message?: string;
}

/**
 * Tell a started asker.mjs child to go and wait for its exec to end cleanly: the answers it printed (the first, then
 * those of the concurrent round). `concurrent`: that round had this many requests, each answered 200.
 */
async function answersAfterGo(running: Promise<RunResult>, dir: string, concurrent?: number): Promise<Answer[]> {
  writeFileSync(join(dir, "go"), "");
  const result = await running;
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  if (concurrent !== undefined) {
    expect(JSON.parse(readFileSync(join(dir, "statuses"), "utf8"))).toEqual([[200], Array(concurrent).fill(200)]);
  }
  return result.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Answer);
}

async function waitForFile(path: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Local addresses of listening TCP sockets on `port` (from /proc/net/tcp and tcp6, hex as the kernel shows). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return ["/proc/net/tcp", "/proc/net/tcp6"]
    .flatMap((file) => readFileSync(file, "utf8").split("\n").slice(1))
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A")
    .map((fields) => fields[1] ?? "");
}

describe.skipIf(!tools.available)("aws-op exec --server end to end", () => {
  let moto: Moto;
  let sandbox: Sandbox;
  let scripts: string;
  const identity: Record<string, string> = {};

  beforeAll(async () => {
    const world = await startAliceWorld({
      // The commands exec starts: their environment is logged and scanned for every secret.
      recordEnvOf: ["aws", "python3", { name: NODE, target: process.execPath }, "sh"],
    });
    ({ moto, sandbox } = world);
    // A second item with an MFA serial and no one-time password field: every new session needs a typed code.
    const store = readStore(sandbox.store.storePath);
    store.accounts[0]!.vaults[0]!.items.push(
      scriptRecipeItem({
        title: "AWS typed",
        accessKeyId: world.alice.accessKeyId,
        secretAccessKey: world.alice.secretAccessKey,
        mfaSerial: "arn:aws:iam::123456789012:mfa/alice",
      }),
    );
    writeStore(sandbox.store.storePath, store);
    sandbox.writeConfig(
      awsConfig({
        work: { region: "eu-west-1", credential_process: true, op_vault: "Work", op_item: "AWS work" },
        admin: {
          region: "eu-west-1",
          credential_process: true,
          op_source_profile: "work",
          op_role_arn: "arn:aws:iam::123456789012:role/admin",
        },
        typed: { region: "eu-west-1", op_vault: "Work", op_item: "AWS typed", op_session_duration: "12h" },
        "typed-admin": {
          region: "eu-west-1",
          op_source_profile: "typed",
          op_role_arn: "arn:aws:iam::123456789012:role/admin",
        },
      }),
    );
    scripts = makeTempDir("aws-op-server-scripts-");
    writeFileSync(join(scripts, "asker.mjs"), ASKER);
    writeFileSync(join(scripts, "js-sdk.cjs"), JS_SDK);
    // The profile's identity as AWS tools see it through credential_process (no endpoint involved).
    for (const profile of ["work", "admin"]) {
      identity[profile] = await callerArn(sandbox, profile);
    }
    expect(identity.admin).toMatch(/^arn:aws:sts::123456789012:assumed-role\/admin\//);
  }, 90_000);

  afterAll(async () => {
    await moto?.stop();
  });

  async function server(profile: string, command: string[], env: Record<string, string> = {}): Promise<RunResult> {
    return sandbox.run(["exec", profile, "--server", "--", ...command], { env, stdoutIsEndpointOutput: true });
  }

  function expectIdentity(result: RunResult, profile: string): Record<string, string> {
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const seen = JSON.parse(result.stdout) as Record<string, string>;
    expect(seen.Arn).toBe(identity[profile]);
    expect(seen.Account).toBe("123456789012");
    return seen;
  }

  for (const profile of ["work", "admin"]) {
    it(`boto3 gets the ${profile} profile's identity from the endpoint (botocore's container-role provider)`, async () => {
      const before = sandbox.opCalls().length;
      const seen = expectIdentity(await server(profile, ["python3", "-c", BOTO3]), profile);
      expect(seen.method).toBe("container-role");
      // The cached session serves it: no op call.
      expect(sandbox.opCalls().length - before).toBe(0);
    });

    it(`the JS SDK v3 default chain gets the ${profile} profile's identity from the endpoint`, async () => {
      expectIdentity(await server(profile, [NODE, join(scripts, "js-sdk.cjs")], JS_ENV), profile);
    });

    it(`the AWS CLI v1 gets the ${profile} profile's identity from the endpoint`, async () => {
      expectIdentity(await server(profile, ["aws", "sts", "get-caller-identity", "--output", "json"]), profile);
    });
  }

  it("the child gets the endpoint and a new 32-byte token in its environment only, and no keys and no inherited profile; the port listens on 127.0.0.1 only and closes with the child", async () => {
    const seenTokens = new Set<string>();
    let lastPort = 0;
    for (let i = 0; i < 2; i++) {
      const dir = makeTempDir("aws-op-server-");
      const running = server("work", [NODE, join(scripts, "asker.mjs"), dir], {
        AWS_PROFILE: "work",
        AWS_ACCESS_KEY_ID: "AKIASTALE",
        AWS_SECRET_ACCESS_KEY: "stale-secret",
        AWS_SESSION_TOKEN: "stale-token",
      });
      await waitForFile(join(dir, "ready"));
      const ready = JSON.parse(readFileSync(join(dir, "ready"), "utf8")) as {
        uri: string;
        tokenBytes: number;
        tokenOnCommandLine: boolean;
        present: string[];
        profile: string;
        region: string;
      };
      expect(ready).toMatchObject({ tokenBytes: 32, tokenOnCommandLine: false, present: [], region: "eu-west-1" });
      // Not the inherited "work": a profile of the child's own, which holds no credentials.
      expect(ready.profile).toMatch(/^aws-op-exec-[0-9a-f]{8}$/);
      expect(ready.uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/credentials$/);
      lastPort = Number(new URL(ready.uri).port);
      expect(listeningAddresses(lastPort)).toEqual([
        `0100007F:${lastPort.toString(16).toUpperCase().padStart(4, "0")}`,
      ]);
      const answers = await answersAfterGo(running, dir);
      expect(answers).toHaveLength(2);
      expect(answers[0]?.AccessKeyId).toMatch(/^[A-Z0-9]{16,}$/);
      seenTokens.add(answers[0]?.Token ?? "");
      expect(await canConnect(lastPort)).toBe(false);
    }
    // The session is the same (cached); the endpoint and its token are new for each exec.
    expect(seenTokens.size).toBe(1);
  });

  it("exit codes pass through, and the port is closed and the child's config copy removed also when a signal ends the child or aws-op", async () => {
    expect((await server("work", ["sh", "-c", "exit 7"])).status).toBe(7);
    const dir = makeTempDir("aws-op-server-kill-");
    const killed = await server("work", [
      "sh",
      "-c",
      'echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI" > "$0/uri"; kill -KILL $$',
      dir,
    ]);
    expect(killed.status).toBe(137);
    expect(killed.stderr).toBe("");
    const port = Number(new URL(readFileSync(join(dir, "uri"), "utf8").trim()).port);
    expect(await canConnect(port)).toBe(false);
    // SIGTERM to aws-op itself: it passes the signal on to the child and cleans up after it.
    const stopped = await server("work", [
      "sh",
      "-c",
      'echo "$AWS_CONFIG_FILE" > "$0/config"; kill -TERM $PPID; exec sleep 30',
      dir,
    ]);
    expect(stopped.status).toBe(143);
    expect(stopped.stderr).toBe("");
    expect(existsSync(dirname(readFileSync(join(dir, "config"), "utf8").trim()))).toBe(false);
  });

  it("a child running across the refresh point gets new credentials with exactly one more op call and one STS call", async (context) => {
    context.skip(CLOCK_CANNOT_MOVE, CLOCK_SKIP_NOTE);
    const dir = makeTempDir("aws-op-server-refresh-");
    const clock = join(dir, "clock-offset");
    const running = server("work", [NODE, join(scripts, "asker.mjs"), dir, "10"], {
      ...clockOffsetEnv(clock),
    });
    await waitForFile(join(dir, "ready"));
    const opBefore = sandbox.opCalls().length;
    moto.resetCalls();
    // The first answer's session: move aws-op's clock to 10 minutes before it expires (past the refresh point).
    const { firstExpiration } = JSON.parse(readFileSync(join(dir, "ready"), "utf8")) as { firstExpiration: string };
    const offset = Date.parse(firstExpiration) - Date.now() - 10 * 60_000;
    writeFileSync(clock, String(offset));
    // moto's GetSessionToken always returns the same key and token: a renewed session differs in its expiry.
    await new Promise((r) => setTimeout(r, 1100));
    const answers = await answersAfterGo(running, dir, 10);
    const renewed = new Set(answers.slice(1).map((a) => a.Expiration));
    expect(renewed.size).toBe(1);
    expect(Date.parse([...renewed][0] ?? "")).toBeGreaterThan(Date.parse(firstExpiration));
    expect(sandbox.opCalls().length - opBefore).toBe(1);
    expect(moto.calls("GetSessionToken")).toBe(1);
  });

  it("50 concurrent requests to a cold endpoint: at most one op call and one STS call, all answered", async () => {
    const dir = makeTempDir("aws-op-server-cold-");
    const running = server("work", [NODE, join(scripts, "asker.mjs"), dir, "50"]);
    await waitForFile(join(dir, "ready"));
    // Cold: nothing cached any more.
    expect((await sandbox.run(["clear", "--all"])).status).toBe(0);
    const opBefore = sandbox.opCalls().length;
    moto.resetCalls();
    const answers = await answersAfterGo(running, dir, 50);
    expect(new Set(answers.slice(1).map((a) => a.Token)).size).toBe(1);
    expect(sandbox.opCalls().length - opBefore).toBeLessThanOrEqual(1);
    expect(moto.calls("GetSessionToken")).toBeLessThanOrEqual(1);
    expect(sandbox.opCalls().length - opBefore).toBe(1);
  });

  it("a renewal that needs a typed MFA code fails with HTTP 500 naming the fix, and aws-op says the same on stderr; the first session was asked for on the terminal before the command started", async (context) => {
    context.skip(CLOCK_CANNOT_MOVE, CLOCK_SKIP_NOTE);
    const dir = makeTempDir("aws-op-server-mfa-");
    const clock = join(dir, "clock-offset");
    const opBefore = sandbox.opCalls().length;
    let screen = "";
    const exited = new Promise<number>((resolve) => {
      const [program, ...programArgs] = awsOpCommand;
      const pty = spawnPty(
        program,
        [...programArgs, "exec", "typed", "--server", "--", NODE, join(scripts, "asker.mjs"), dir],
        { cols: 400, rows: 24, env: sandbox.env(clockOffsetEnv(clock)) as Record<string, string> },
      );
      let typed = false;
      pty.onData((data) => {
        screen += data;
        if (!typed && screen.includes("MFA code for")) {
          typed = true;
          // The child has not started yet: the question comes first.
          expect(existsSync(join(dir, "ready"))).toBe(false);
          pty.write("123456\r");
        }
      });
      pty.onExit(({ exitCode }) => resolve(exitCode));
    });
    await waitForFile(join(dir, "ready"));
    const ready = JSON.parse(readFileSync(join(dir, "ready"), "utf8")) as { firstExpiration: string };
    writeFileSync(clock, String(Date.parse(ready.firstExpiration) - Date.now() - 10 * 60_000));
    writeFileSync(join(dir, "go"), "");
    const exitCode = await exited;
    sandbox.recordOutput(
      "aws-op (in a pty)",
      ["exec", "typed", "--server"],
      { stdout: screen },
      {
        stdoutIsEndpointOutput: true,
      },
    );
    expect(exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "statuses"), "utf8"))).toEqual([[200], [500]]);
    const text = screen.replace(/\r/g, "");
    const failure = text
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Answer)
      .find((answer) => answer.Code !== undefined);
    expect(failure?.Code).toBe("CredentialsUnavailable");
    expect(failure?.Message).toMatch(
      /cannot ask on the terminal while the command runs \(a new session for profile "typed"\)/,
    );
    expect(failure?.Message).toMatch(/One-Time Password field/);
    expect(failure?.Message).not.toMatch(/AccessKeyId|ASIA|AKIA/);
    // aws-op's own stderr (on the terminal) says the same.
    expect(text).toContain(`aws-op: ${failure?.Message ?? "?"}`);
    // One op call for the first session; the renewal read the item once and then needed the code.
    expect(sandbox.opCalls().length - opBefore).toBe(2);
  }, 60_000);

  it("a role profile is re-assumed from the cached MFA session without a new code (no terminal at all)", async (context) => {
    context.skip(CLOCK_CANNOT_MOVE, CLOCK_SKIP_NOTE);
    // The "typed" session (12 h, made with a typed code by the test before) is still cached.
    const dir = makeTempDir("aws-op-server-role-");
    const clock = join(dir, "clock-offset");
    const opBefore = sandbox.opCalls().length;
    moto.resetCalls();
    const running = server("typed-admin", [NODE, join(scripts, "asker.mjs"), dir, "5"], {
      ...clockOffsetEnv(clock),
    });
    await waitForFile(join(dir, "ready"));
    const ready = JSON.parse(readFileSync(join(dir, "ready"), "utf8")) as { firstExpiration: string };
    expect(moto.calls("AssumeRole")).toBe(1);
    // Past the role's refresh point (1 h role), long before the source session's (12 h).
    writeFileSync(clock, String(Date.parse(ready.firstExpiration) - Date.now() - 10 * 60_000));
    const answers = await answersAfterGo(running, dir, 5);
    expect(answers[0]?.AccessKeyId).toMatch(/^ASIA/);
    expect(new Set(answers.slice(1).map((a) => a.AccessKeyId)).size).toBe(1);
    expect(answers[1]?.AccessKeyId).not.toBe(answers[0]?.AccessKeyId);
    expect(moto.calls("AssumeRole")).toBe(2);
    expect(moto.calls("GetSessionToken")).toBe(0);
    expect(sandbox.opCalls().length - opBefore).toBe(0);
  });
});

const AWS_CLI_V2 = "/usr/bin/aws";
const defaultTools = requireTools(["moto_server", "aws", "python3", "go", "ruby", AWS_CLI_V2]);

/**
 * Runs AWS clients one after another (the list: a JSON file), as a shell in an `exec --server` child would, and prints
 * a line for each: its name, exit status, stdout and stderr. The first line says what the child sees of its profile.
 */
const CLIENTS = `
import { readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { spawnSync } from "node:child_process";
const configFile = process.env.AWS_CONFIG_FILE;
const mode = (path) => (statSync(path).mode & 0o777).toString(8);
console.log(JSON.stringify({ profile: process.env.AWS_PROFILE, configFile, fileMode: mode(configFile), dirMode: mode(dirname(configFile)) }));
for (const client of JSON.parse(readFileSync(process.argv[2], "utf8"))) {
  const run = spawnSync(client.command, client.args, {
    env: { ...process.env, ...client.env },
    encoding: "utf8",
    timeout: 60_000,
  });
  console.log(JSON.stringify({ name: client.name, status: run.status, stdout: run.stdout, stderr: run.stderr }));
}
`;

interface ClientRun {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

interface ClientResult {
  name: string;
  status: number | null;
  stdout: string;
  stderr: string;
}

describe.skipIf(!defaultTools.available)(
  "aws-op exec --server acts as the profile asked for, whatever [default] holds",
  () => {
    let moto: Moto;
    let sandbox: Sandbox;
    let bob: { accessKeyId: string; secretAccessKey: string; arn: string };
    let scripts: string;
    let rubyReadsFullUri: boolean;
    const profiles = {
      alice: {
        region: "eu-west-1",
        output: "text",
        credential_process: true,
        op_vault: "Work",
        op_item: "AWS work",
        op_role_arn: "arn:aws:iam::123456789012:role/alice",
      },
      bob: {
        region: "eu-west-1",
        credential_process: true,
        op_vault: "Work",
        op_item: "AWS bob",
        op_session_duration: "off",
      },
    } as const;

    beforeAll(async () => {
      const world = await startAliceWorld();
      ({ moto, sandbox } = world);
      bob = await createIamUserWithKey(moto.url, "bob");
      const store = readStore(sandbox.store.storePath);
      store.accounts[0]!.vaults[0]!.items.push(
        scriptRecipeItem({ title: "AWS bob", accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey }),
      );
      writeStore(sandbox.store.storePath, store);
      scripts = makeTempDir("aws-op-server-default-");
      const goProgram = await buildGoClient(scripts);
      writeFileSync(join(scripts, "js-sdk.cjs"), JS_SDK);
      writeFileSync(join(scripts, "clients.mjs"), CLIENTS);
      // Each client as the child's shell runs it, then each naming bob itself (--profile, or AWS_PROFILE in an SDK).
      const runs: ClientRun[] = [];
      for (const other of [undefined, "bob"]) {
        const suffix = other ? ` --profile ${other}` : "";
        const flag = other ? ["--profile", other] : [];
        const env: Record<string, string> = other ? { AWS_PROFILE: other } : {};
        const sdkEnv = { AWS_OP_TEST_ENDPOINT: moto.url, ...env };
        runs.push(
          {
            name: `AWS CLI v1${suffix}`,
            command: "aws",
            args: ["sts", "get-caller-identity", "--output", "json", ...flag],
            env: {},
          },
          {
            name: `AWS CLI v2${suffix}`,
            command: AWS_CLI_V2,
            // AWS CLI v2 2.9 predates AWS_ENDPOINT_URL: the endpoint goes on the command line.
            args: ["sts", "get-caller-identity", "--endpoint-url", moto.url, "--output", "json", ...flag],
            env: {},
          },
          { name: `boto3${suffix}`, command: "python3", args: ["-c", BOTO3], env },
          {
            name: `JS SDK v3${suffix}`,
            // By absolute path: the single executable's pass has no node on PATH.
            command: process.execPath,
            args: [join(scripts, "js-sdk.cjs")],
            env: { ...JS_ENV, ...env },
          },
          { name: `Go SDK v2${suffix}`, command: goProgram, args: [], env: sdkEnv },
          { name: `Ruby SDK${suffix}`, command: "ruby", args: [RUBY_CLIENT], env: sdkEnv },
        );
      }
      // A setting of the asked profile, which [default] sets otherwise.
      runs.push({ name: "output setting", command: "aws", args: ["configure", "get", "output"], env: {} });
      writeFileSync(join(scripts, "clients.json"), JSON.stringify(runs));
      // Debian's aws-sdk-core (3.168) reads only AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, not the FULL_URI the endpoint
      // is given by: it finds no credentials at all under --server (later releases read both).
      const chain = await spawnAsync(
        "ruby",
        ["-raws-sdk-core", "-e", "print Aws::CredentialProviderChain.instance_method(:resolve).source_location[0]"],
        process.env,
      );
      rubyReadsFullUri = readFileSync(chain.stdout, "utf8").includes("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    }, 300_000);

    afterAll(async () => {
      await moto?.stop();
    });

    /**
     * Run every client in one `exec alice --server` child: what each one saw (an ARN, a setting, or its failure), and
     * what the child saw of its own profile.
     */
    async function clientsUnderAlice(): Promise<{ seen: Record<string, string>; child: Record<string, string> }> {
      const result = await sandbox.run(
        [
          "exec",
          "alice",
          "--server",
          "--",
          process.execPath,
          join(scripts, "clients.mjs"),
          join(scripts, "clients.json"),
        ],
        { stdoutIsEndpointOutput: true, timeoutMs: 240_000 },
      );
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      const [first = "", ...lines] = result.stdout.trim().split("\n");
      const seen: Record<string, string> = {};
      for (const line of lines) {
        const run = JSON.parse(line) as ClientResult;
        const arn = run.status === 0 ? /"Arn":\s*"([^"]+)"/.exec(run.stdout)?.[1] : undefined;
        seen[run.name] =
          run.status !== 0 ? `failed: ${run.stderr.trim().split("\n")[0] ?? ""}` : (arn ?? run.stdout.trim());
      }
      return { seen, child: JSON.parse(first) as Record<string, string> };
    }

    /** The child ran under a profile of its own, in a private copy of the config, removed when exec ended. */
    function expectOwnProfile(child: Record<string, string>): void {
      expect(child.profile).toMatch(/^aws-op-exec-[0-9a-f]{8}$/);
      expect(child.configFile).not.toBe(sandbox.configPath);
      expect([child.fileMode, child.dirMode]).toEqual(["600", "700"]);
      expect(existsSync(dirname(child.configFile ?? ""))).toBe(false);
    }

    function expected(): Record<string, unknown> {
      const alice = expect.stringMatching(/^arn:aws:sts::123456789012:assumed-role\/alice\//);
      const clients = ["AWS CLI v1", "AWS CLI v2", "boto3", "JS SDK v3", "Go SDK v2", "Ruby SDK"];
      return {
        ...Object.fromEntries(clients.map((name) => [name, alice])),
        ...(rubyReadsFullUri ? {} : { "Ruby SDK": expect.stringMatching(/^failed: .*MissingCredentialsError/) }),
        ...Object.fromEntries(clients.map((name) => [`${name} --profile bob`, bob.arn])),
        "output setting": "text",
      };
    }

    it("[default] with static keys in ~/.aws/credentials: every client acts as the asked profile, and as bob when it names bob", async () => {
      sandbox.writeConfig(`[default]\noutput = table\n\n${awsConfig(profiles)}`);
      sandbox.writeCredentials(
        `[default]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\n`,
      );
      const { seen, child } = await clientsUnderAlice();
      expect(seen).toEqual(expected());
      expectOwnProfile(child);
    }, 300_000);

    it("[default] another aws-op profile (its credential_process serves bob): every client acts as the asked profile, and as bob when it names bob", async () => {
      sandbox.writeConfig(
        `[default]\noutput = table\ncredential_process = ${credentialProcessLine("bob")}\n\n${awsConfig(profiles)}`,
      );
      sandbox.writeCredentials("");
      const { seen, child } = await clientsUnderAlice();
      expect(seen).toEqual(expected());
      expectOwnProfile(child);
    }, 300_000);
  },
);
