// aws-op setup end to end: the block it writes, idempotence, and the written line working where `node` is not on
// PATH (nvm users, GUI apps), run by the real AWS CLI against moto.
import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeOpPath } from "../fake-op/fixture.js";
import { requireTools } from "../helpers/moto.js";
import { useAliceWorld } from "../helpers/alice-world.js";
import { awsOpCommand, spawnAsync, testExecutable, type Sandbox } from "../helpers/sandbox.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

/** `aws-op setup PROFILE` with the world's vault and item. */
const setupWith = (profile: string): string[] => ["setup", profile, "--vault", "Work", "--item", "AWS work"];

const tools = requireTools(["moto_server", "aws", "python3"]);

const CONFIG = [
  "# hand-written; keep every byte",
  "[default]",
  "region = eu-central-1",
  "",
  "[profile work]",
  "; the team account",
  "region = eu-west-1",
  "s3 =",
  "  max_concurrent_requests = 20",
  "",
  "[sso-session corp]",
  "sso_start_url = https://example.awsapps.com/start",
  "",
].join("\n");

describe.skipIf(!tools.available)("aws-op setup end to end", () => {
  let sandbox: Sandbox;
  let alice: { accessKeyId: string; secretAccessKey: string; arn: string };

  useAliceWorld({ config: CONFIG }, (world) => void ({ sandbox, alice } = world));

  it("run twice gives one block, every other byte unchanged, and checks the keys with STS", async () => {
    const first = await sandbox.run([...setupWith("work"), "--session-duration", "1h"]);
    expect(first.status).toBe(0);
    expect(first.stderr).toContain(`The keys work: ${alice.arn}`);
    expect(first.stderr).toContain(`AKIA${"*".repeat(alice.accessKeyId.length - 8)}${alice.accessKeyId.slice(-4)}`);
    expect(first.stderr + first.stdout).not.toContain(alice.secretAccessKey);
    const once = readFileSync(sandbox.configPath, "utf8");

    const second = await sandbox.run([...setupWith("work"), "--session-duration", "1h"]);
    expect(second.status).toBe(0);
    expect(second.stderr).toContain("already set up");
    const twice = readFileSync(sandbox.configPath, "utf8");
    expect(twice).toBe(once);
    expect(twice.match(/\[profile work\]/g)).toHaveLength(1);
    expect(twice.match(/credential_process/g)).toHaveLength(1);
    // Bare paths (this checkout has no characters that need quotes): the line never starts with a quote.
    const line = `credential_process = ${awsOpCommand.join(" ")} process --profile work`;
    // Only lines were added, at the end of [profile work]; the rest is byte-identical.
    const added = [line, "op_item = AWS work", "op_vault = Work", "op_session_duration = 1h"].join("\n");
    expect(twice).toBe(
      CONFIG.replace("  max_concurrent_requests = 20\n", `  max_concurrent_requests = 20\n${added}\n`),
    );
  });

  it("the written line works with PATH holding no node at all", async () => {
    // A PATH directory with only op (the test double, which names its interpreter absolutely) and sh.
    const bin = makeTempDir("thin-path-");
    symlinkSync(fakeOpPath, join(bin, "op"));
    symlinkSync("/bin/sh", join(bin, "sh"));
    const env = sandbox.env({ PATH: bin, AWS_DEFAULT_REGION: "us-east-1" });
    const noNode = await spawnAsync("/bin/sh", ["-c", "command -v node"], env);
    expect(noNode.status).not.toBe(0);
    // The real AWS CLI, started by absolute interpreter path (its pyenv shim would need PATH).
    const python = (
      await spawnAsync("python3", ["-c", "import sys; print(sys.executable)"], process.env)
    ).stdout.trim();
    await sandbox.run(["clear", "--all"]);
    const result = await spawnAsync(
      python,
      ["-m", "awscli", "sts", "get-caller-identity", "--profile", "work", "--output", "json"],
      env,
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty("Account", "123456789012");
    expect(sandbox.opCalls().at(-1)?.slice(0, 3)).toEqual(["item", "get", "AWS work"]);
  });

  it("--dry-run prints the diff and writes nothing; a missing --item without a terminal names the flag", async () => {
    const before = readFileSync(sandbox.configPath, "utf8");
    const dry = await sandbox.run([...setupWith("other"), "--dry-run", "--offline"]);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain("+[profile other]");
    // A plain unified diff, the path under HOME shown as ~ (regression: "Index:", a "====" rule, "--- path\\t").
    expect(dry.stdout.startsWith("--- ~/.aws/config\n+++ ~/.aws/config\n@@ ")).toBe(true);
    expect(dry.stdout).not.toMatch(/Index:|====|\\t|\t/);
    expect(readFileSync(sandbox.configPath, "utf8")).toBe(before);
    const missing = await sandbox.run(["setup", "other", "--vault", "Work"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("aws-op: Missing --item");
  });

  it("--version says which build runs: the npm package on this Node.js, or the single executable", async () => {
    const result = await sandbox.run(["--version"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      testExecutable
        ? "(single executable for linux-x64, embedded Node.js v"
        : `(npm package, Node.js ${process.version} `,
    );
  });

  it("--help shows examples", async () => {
    const help = await sandbox.run(["setup", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Examples:");
    expect(help.stdout).toContain("--role-arn");
    expect(help.stdout).toContain("--source-profile");
  });
});
