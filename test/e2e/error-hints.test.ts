// Errors that lead to the fix, end to end with the built CLI: an unknown profile names the nearest profiles aws-op
// serves and "aws-op list", and offers --item only where the command takes it (process); an option after the profile
// and a command word says to put the command after "--" and shows that line; clear and doctor of an unknown profile
// fail instead of reporting nothing done; doctor on a fresh home says the AWS files do not exist yet and what to run;
// an unsupported Node.js is a failing doctor line and, for other commands, one warning on stderr (never on
// process's stdout).
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureFakeOpBuilt, makeStore, makeVault, repoRoot, scriptRecipeItem } from "../fake-op/fixture.js";
import { awsConfig } from "../helpers/alice-world.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";

const NODE_20 = {
  NODE_OPTIONS: `--import ${join(repoRoot, "test/helpers/node-version-hook.mjs")}`,
  AWS_OP_TEST_NODE_VERSION: "v20.11.1",
};

describe("errors that lead to the fix", () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    await ensureFakeOpBuilt();
    sandbox = createSandbox({
      store: makeStore({
        vaults: [
          makeVault("Work", [
            scriptRecipeItem({
              title: "AWS work",
              accessKeyId: "AKIAWORK000000000001",
              secretAccessKey: "work-secret",
            }),
          ]),
        ],
      }),
    });
    sandbox.writeConfig(
      awsConfig({
        work: { op_vault: "Work", op_item: "AWS work", op_session_duration: "off" },
        prod: { op_vault: "Work", op_item: "AWS prod" },
        plain: { region: "eu-west-1" },
      }),
    );
  }, 60_000);

  const notFound = (profile: string) =>
    `aws-op: AWS profile "${profile}" was not found in ${sandbox.configPath} or ${sandbox.credentialsPath}.\n`;
  const hint =
    '  Did you mean "work"? Run "aws-op list" to see the profiles aws-op serves, or "aws-op setup wrok" to create this one';

  it.each([
    ["exec", ["exec", "wrok", "--", "true"]],
    ["env", ["env", "wrok"]],
    ["login", ["login", "wrok", "--stdout"]],
    ["rotate", ["rotate", "wrok"]],
    ["doctor", ["doctor", "wrok", "--offline"]],
    ["clear", ["clear", "wrok"]],
  ])(
    "%s of a mistyped profile names the nearest one and aws-op list, and no flag the command lacks",
    async (_c, argv) => {
      const opCalls = sandbox.opCalls().length;
      const result = await sandbox.run(argv);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(`${notFound("wrok")}${hint}.\n`);
      expect(result.stderr).not.toContain("--item");
      expect(result.stderr).not.toContain("Removed");
      expect(sandbox.opCalls().length).toBe(opCalls);
    },
  );

  it("process, which takes --item and --vault, offers them; a name from AWS_PROFILE says so", async () => {
    const flagged = await sandbox.run(["process", "--profile", "wrok"]);
    expect(flagged.status).toBe(1);
    expect(flagged.stdout).toBe("");
    expect(flagged.stderr).toContain(`${notFound("wrok")}${hint}, or pass --item (and --vault).\n`);
    const fromEnv = await sandbox.run(["process"], { env: { AWS_PROFILE: "wrok" } });
    expect(fromEnv.status).toBe(1);
    expect(fromEnv.stdout).toBe("");
    expect(fromEnv.stderr).toContain(
      `aws-op: AWS profile "wrok" (from AWS_PROFILE) was not found in ${sandbox.configPath} or ${sandbox.credentialsPath}.\n${hint}, or pass --item (and --vault).\n`,
    );
  });

  it("a name near nothing gets no guess, only where to look", async () => {
    const result = await sandbox.run(["exec", "zzzzzz", "--", "true"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `${notFound("zzzzzz")}  Run "aws-op list" to see the profiles aws-op serves, or "aws-op setup zzzzzz" to create this one.\n`,
    );
  });

  it("clear of a known profile with nothing cached still reports 0; only an unknown name is an error", async () => {
    const result = await sandbox.run(["clear", "plain"]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('Removed 0 cached sessions for profile "plain".\n');
  });

  it("an option after the profile and a command word: the command goes after --, shown as a line to run; nothing runs", async () => {
    const opCalls = sandbox.opCalls().length;
    const result = await sandbox.run(["exec", "work", "aws", "sts", "get-caller-identity", "--query", "Arn"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'aws-op: --query is not an option of aws-op exec: the command to run goes after "--".\n' +
        "  Write it as: aws-op exec work -- aws sts get-caller-identity --query Arn\n",
    );
    expect(sandbox.opCalls().length).toBe(opCalls);
    // Written so, it runs.
    const fixed = await sandbox.run([
      "exec",
      "work",
      "--",
      "sh",
      "-c",
      'echo "$AWS_ACCESS_KEY_ID" "$@"',
      "sh",
      "--query",
    ]);
    expect(fixed.stdout).toBe("AKIAWORK000000000001 --query\n");
    expect(fixed.status).toBe(0);
  });

  it("doctor on a fresh home: the AWS files do not exist yet (✗, not ✓) and setup or import is what to run", async () => {
    const fresh = createSandbox();
    const result = await fresh.run(["doctor", "--offline"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      `✗ AWS config files readable: ${fresh.configPath} and ${fresh.credentialsPath} do not exist yet\n    fix: Run "aws-op setup PROFILE"`,
    );
    expect(result.stdout).toContain('"aws-op import --all --vault VAULT"');
    expect(result.stdout).not.toContain("✓ AWS config files");
  });

  it("an unsupported Node.js: doctor fails its Node.js line with how to upgrade; other commands warn once on stderr, never on process's stdout", async () => {
    const doctor = await sandbox.run(["doctor", "work", "--offline"], { env: NODE_20 });
    expect(doctor.status).toBe(1);
    expect(doctor.stdout).toMatch(
      /^✗ Node\.js version: Node\.js v20\.11\.1 is not supported: aws-op needs Node\.js 22 or later\.\n {4}fix: Install Node\.js 22 or later /,
    );
    expect(doctor.stderr).not.toContain("warning");
    const supported = await sandbox.run(["doctor", "work", "--offline"]);
    expect(supported.stdout).toContain(`✓ Node.js version: ${process.version} (aws-op needs 22 or later)\n`);

    const warning = "aws-op: warning: Node.js v20.11.1 is not supported: aws-op needs Node.js 22 or later.\n";
    const processRun = await sandbox.run(["process", "--profile", "work"], { env: NODE_20 });
    expect(processRun.status).toBe(0);
    expect(JSON.parse(processRun.stdout)).toMatchObject({ Version: 1, AccessKeyId: "AKIAWORK000000000001" });
    expect(processRun.stderr.split(warning)).toHaveLength(2);
    expect(processRun.stderr).toContain("  Install Node.js 22 or later");
    const list = await sandbox.run(["list"], { env: NODE_20 });
    expect(list.status).toBe(0);
    expect(list.stderr.startsWith(warning)).toBe(true);
    expect(list.stderr.split(warning)).toHaveLength(2);
    expect(list.stdout).not.toContain("Node.js");
  });
});
