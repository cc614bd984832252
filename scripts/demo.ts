// `npm run demo`: the main job end to end on this machine, with no 1Password account and no AWS account. The bundled
// op test double plays the 1Password CLI, a throw-away HOME holds the AWS config, and STS is moto where moto_server is
// installed, else the test suite's own fake STS (test/helpers/fake-sts-server.ts). Both listen on 127.0.0.1 only, and
// the demo refuses to start anything unless every AWS endpoint its children can see is that loopback address: it
// never sends a request anywhere else (`.ci/run` runs it in a network namespace that has nothing but loopback).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createTempStore,
  env as fakeOpEnv,
  makeStore,
  pathWithFakeOp,
  readCallLog,
  repoRoot,
  scriptRecipeItem,
} from "../test/fake-op/fixture.js";
import { startFakeSts } from "../test/helpers/fake-sts-server.js";
import { createIamUserWithKey, findExecutable, startMoto } from "../test/helpers/moto.js";
import { makeTempDir, removeTempDirs } from "../test/helpers/temp-dirs.js";

const cli = join(repoRoot, "dist", "cli.js");
const VAULT = "Work & Play";
const ITEM = 'AWS "prod" / eu';
const PROFILE = "demo";
/** AWS commands the demo runs through the profile, to show that they share one op call. */
const AWS_COMMANDS = 5;
const bold = (s: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[1m${s}\u001b[0m` : s);

function heading(text: string): void {
  console.log(`\n${bold(`== ${text}`)}`);
}

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a child with an argument array (no shell), bounded: the demo never hangs. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  requireLoopbackOnly(env);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * Throws unless the environment points every AWS service at 127.0.0.1 (AWS_ENDPOINT_URL, honoured by aws-op, the
 * AWS SDK for JavaScript and AWS CLI v1 >= 1.29) and nothing can lift that (no per-service endpoint variable, no
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).
 */
function requireLoopbackOnly(env: NodeJS.ProcessEnv): void {
  const endpoint = env.AWS_ENDPOINT_URL;
  let host: string | undefined;
  try {
    host = endpoint ? new URL(endpoint).hostname : undefined;
  } catch {
    host = undefined;
  }
  const others = Object.keys(env).filter(
    (name) => name.startsWith("AWS_ENDPOINT_URL_") || name === "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
  );
  if (host !== "127.0.0.1" || others.length > 0) {
    throw new Error(
      `The demo talks to a local STS on 127.0.0.1 only; refusing to run with AWS_ENDPOINT_URL=${endpoint ?? "(unset)"}` +
        (others.length > 0 ? ` and ${others.join(", ")} set` : ""),
    );
  }
}

/** AWS CLI v1 >= 1.29 honours AWS_ENDPOINT_URL; Debian's AWS CLI v2 (2.9) does not and would call real AWS. */
async function awsCliHonouringEndpoint(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const aws = findExecutable("aws");
  if (!aws) return undefined;
  return new Promise((resolve) => {
    const child = spawn(aws, ["--version"], { env, stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", () => resolve(undefined));
    child.on("close", () => {
      const minor = /aws-cli\/1\.(\d+)\./.exec(out)?.[1];
      resolve(minor !== undefined && Number(minor) >= 29 ? aws : undefined);
    });
  });
}

function shorten(value: unknown): unknown {
  return typeof value === "string" && value.length > 24 ? `${value.slice(0, 12)}…(${value.length} chars)` : value;
}

function shownArgs(args: string[]): string {
  return args.map((a) => (/^[\w./=-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/** A child process for the AWS SDK for JavaScript: GetCallerIdentity as the profile (its region, its
 * credential_process). */
const SDK_SCRIPT = `
const { STSClient, GetCallerIdentityCommand } = require(process.argv[1]);
new STSClient({ profile: process.argv[2] }).send(new GetCallerIdentityCommand({})).then(
  (identity) => console.log(JSON.stringify({ UserId: identity.UserId, Account: identity.Account, Arn: identity.Arn }, null, 4)),
  (error) => { console.error(String(error)); process.exit(1); },
);`;

async function main(): Promise<void> {
  // The demo's own IAM client (creating the moto user) needs no notice about future Node.js versions.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const home = makeTempDir("aws-op-demo-");
  const stops: (() => Promise<void>)[] = [];
  try {
    heading("A throw-away HOME");
    console.log(home);
    let keys = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
    let stsUrl: string;
    const hasMoto = findExecutable("moto_server") !== undefined;
    if (hasMoto) {
      const moto = await startMoto();
      stops.push(() => moto.stop());
      stsUrl = moto.url;
      const user = await createIamUserWithKey(moto.url, "demo-user");
      keys = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
      console.log(`STS: moto_server (a local STS/IAM) at ${moto.url}; IAM user ${user.arn}`);
    } else {
      const sts = await startFakeSts();
      stops.push(() => sts.stop());
      sts.users.set(keys.accessKeyId, "demo-user");
      stsUrl = sts.url;
      console.log(
        `STS: moto_server is not installed, so the test suite's fake STS answers at ${sts.url}\n` +
          "(the same AWS query protocol, signed requests and XML answers as AWS STS; nothing leaves this machine)",
      );
    }

    heading(`The 1Password item (op test double): vault "${VAULT}", item ${JSON.stringify(ITEM)}`);
    const store = createTempStore(makeStore({ vault: VAULT, items: [scriptRecipeItem({ title: ITEM, ...keys })] }));
    console.log(
      `section AWS: aws_access_key_id = ${keys.accessKeyId.slice(0, 4)}************${keys.accessKeyId.slice(-4)}, aws_secret_access_key = (concealed)`,
    );

    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && !k.startsWith("OP_"))),
      HOME: home,
      PATH: pathWithFakeOp(process.env.PATH),
      AWS_CONFIG_FILE: join(home, ".aws", "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
      XDG_CACHE_HOME: join(home, ".cache"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      PYTHONWARNINGS: "ignore",
      AWS_ENDPOINT_URL: stsUrl,
      ...fakeOpEnv({ store: store.storePath, log: store.logPath }),
    };
    requireLoopbackOnly(env);

    heading("aws-op setup writes the profile (~/.aws/config)");
    const setupArgs = ["setup", PROFILE, "--vault", VAULT, "--item", ITEM, "--region", "eu-west-1", "--yes"];
    console.log(`$ aws-op ${shownArgs(setupArgs)}`);
    const setup = await run(process.execPath, [cli, ...setupArgs], env);
    if (setup.status !== 0) throw new Error(`aws-op setup failed:\n${setup.stderr}`);
    console.log(setup.stderr.trimEnd());
    console.log(readFileSync(join(home, ".aws", "config"), "utf8").trimEnd());

    const itemReads = () =>
      readCallLog(store.logPath).filter((c) => c.argv[0] === "item" && c.argv[1] === "get").length;
    const readsBySetup = itemReads();

    heading(`What \`aws-op process --profile ${PROFILE}\` serves to AWS tools (secrets shortened here)`);
    const served = await run(process.execPath, [cli, "process", "--profile", PROFILE], env);
    if (served.status !== 0) throw new Error(`aws-op process failed:\n${served.stderr}`);
    const json = JSON.parse(served.stdout) as Record<string, unknown>;
    console.log(
      JSON.stringify(
        { ...json, SecretAccessKey: shorten(json.SecretAccessKey), SessionToken: shorten(json.SessionToken) },
        null,
        2,
      ),
    );
    if (typeof json.SessionToken !== "string") throw new Error("aws-op process served no session");

    const aws = hasMoto ? await awsCliHonouringEndpoint(env) : undefined;
    heading(`The identity an AWS client then sees (${aws ? "the AWS CLI" : "the AWS SDK for JavaScript"})`);
    for (let i = 0; i < AWS_COMMANDS; i++) {
      const identity = aws
        ? await run(aws, ["sts", "get-caller-identity", "--profile", PROFILE, "--output", "json"], env)
        : await run(
            process.execPath,
            ["-e", SDK_SCRIPT, join(repoRoot, "node_modules/@aws-sdk/client-sts/dist-cjs/index.js"), PROFILE],
            env,
          );
      if (identity.status !== 0) throw new Error(`GetCallerIdentity through the profile failed:\n${identity.stderr}`);
      if (i === 0) {
        console.log(
          aws
            ? `$ aws sts get-caller-identity --profile ${PROFILE}`
            : `$ node -e 'new STSClient({ profile: "${PROFILE}" }).send(new GetCallerIdentityCommand({}))'`,
        );
        console.log(identity.stdout.trimEnd());
      }
    }
    console.log(`(ran it ${AWS_COMMANDS} times, each a new process running aws-op process)`);

    heading("1Password CLI calls made");
    const calls = itemReads() - readsBySetup;
    console.log(
      `setup: ${readsBySetup} × op item get (to show the fields and check the keys)\n` +
        `process + ${AWS_COMMANDS} AWS commands: ${calls} × op item get (one session, cached for every later AWS command)`,
    );
    if (calls !== 1) throw new Error(`expected one op item get for the session, saw ${calls}`);
    console.log("\nDemo finished: nothing outside the throw-away HOME was touched, and it is removed now.");
  } finally {
    for (const stop of stops.reverse()) await stop();
    removeTempDirs();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
