// `npm run demo`: the main job end to end on this machine with no 1Password account. The bundled op test double
// plays the 1Password CLI, a throw-away HOME holds the AWS config, moto plays STS where it is installed (otherwise
// the profile serves the item's keys directly with op_session_duration = off).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createTempStore,
  env as fakeOpEnv,
  makeStore,
  makeVault,
  pathWithFakeOp,
  readCallLog,
  repoRoot,
  scriptRecipeItem,
} from "../test/fake-op/fixture.js";
import { createIamUserWithKey, findExecutable, startMoto, type Moto } from "../test/helpers/moto.js";

const cli = join(repoRoot, "dist", "cli.js");
const VAULT = "Work & Play";
const ITEM = 'AWS "prod" / eu';
const bold = (s: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[1m${s}\u001b[0m` : s);

function heading(text: string): void {
  console.log(`\n${bold(`== ${text}`)}`);
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

function shorten(value: unknown): unknown {
  return typeof value === "string" && value.length > 24 ? `${value.slice(0, 12)}…(${value.length} chars)` : value;
}

async function main(): Promise<void> {
  // The demo's own IAM client (creating the moto user) needs no notice about future Node.js versions.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const home = mkdtempSync(join(tmpdir(), "aws-op-demo-"));
  let moto: Moto | undefined;
  try {
    heading("A throw-away HOME");
    console.log(home);
    const hasMoto = findExecutable("moto_server") !== undefined;
    let keys = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
    if (hasMoto) {
      moto = await startMoto();
      const user = await createIamUserWithKey(moto.url, "demo-user");
      keys = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
      console.log(`moto_server (local STS/IAM) at ${moto.url}; IAM user ${user.arn}`);
    } else {
      console.log(
        "moto_server not found: the profile will serve the item's keys directly (op_session_duration = off).",
      );
    }

    heading(`The 1Password item (op test double): vault "${VAULT}", item ${JSON.stringify(ITEM)}`);
    const store = createTempStore(
      makeStore({ vaults: [makeVault(VAULT, [scriptRecipeItem({ title: ITEM, ...keys })])] }),
    );
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
      ...(moto ? { AWS_ENDPOINT_URL: moto.url } : {}),
      ...fakeOpEnv({ store: store.storePath, log: store.logPath }),
    };

    heading("The profile aws-op configured (~/.aws/config)");
    const setupArgs = [cli, "setup", "demo", "--vault", VAULT, "--item", ITEM, "--region", "eu-west-1", "--yes"];
    if (!moto) setupArgs.push("--session-duration", "off");
    console.log(
      `$ aws-op ${setupArgs
        .slice(1)
        .map((a) => (/^[\w./=-]+$/.test(a) ? a : JSON.stringify(a)))
        .join(" ")}`,
    );
    const setup = await run(process.execPath, setupArgs, env);
    if (setup.status !== 0) throw new Error(`aws-op setup failed:\n${setup.stderr}`);
    console.log(setup.stderr.trimEnd());
    console.log(readFileSync(join(home, ".aws", "config"), "utf8").trimEnd());

    const itemReads = () =>
      readCallLog(store.logPath).filter((c) => c.argv[0] === "item" && c.argv[1] === "get").length;
    const readsBySetup = itemReads();

    heading("What `aws-op process --profile demo` serves (secrets shortened here)");
    const served = await run(process.execPath, [cli, "process", "--profile", "demo"], env);
    if (served.status !== 0) throw new Error(`aws-op process failed:\n${served.stderr}`);
    const json = JSON.parse(served.stdout) as Record<string, unknown>;
    console.log(
      JSON.stringify(
        { ...json, SecretAccessKey: shorten(json.SecretAccessKey), SessionToken: shorten(json.SessionToken) },
        null,
        2,
      ),
    );

    heading("The identity an AWS client then sees");
    if (moto && findExecutable("aws")) {
      for (let i = 0; i < 5; i++) {
        const identity = await run("aws", ["sts", "get-caller-identity", "--profile", "demo", "--output", "json"], env);
        if (identity.status !== 0) throw new Error(`aws failed:\n${identity.stderr}`);
        if (i === 0) console.log(`$ aws sts get-caller-identity --profile demo\n${identity.stdout.trimEnd()}`);
      }
      console.log("(ran it 5 times)");
    } else {
      const providers = join(repoRoot, "node_modules/@aws-sdk/credential-providers/dist-cjs/index.js");
      const script = `const { fromIni } = require(${JSON.stringify(providers)}); fromIni({ profile: "demo" })().then((c) => console.log("JS SDK fromIni got access key " + c.accessKeyId.slice(0, 4) + "…"));`;
      const result = spawnSync(process.execPath, ["-e", script], { env, encoding: "utf8" });
      console.log(result.stdout.trimEnd() || result.stderr.trimEnd());
    }

    heading("1Password CLI calls made");
    const calls = itemReads() - readsBySetup;
    console.log(
      `setup: ${readsBySetup} × op item get (to show the fields and check the keys)\n` +
        `process + 5 AWS CLI calls: ${calls} × op item get (${moto ? "one session, cached for every later AWS command" : "sessions off: one per AWS command"})`,
    );
  } finally {
    await moto?.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
