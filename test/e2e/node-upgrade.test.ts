// Surviving Node.js upgrades: credential_process names Node.js and cli.js by absolute path, and nvm, fnm, Volta or
// Homebrew remove the versioned directory of the old Node.js. doctor names every profile whose Node.js is gone,
// `doctor --fix` points exactly those lines at this install (the rest of the file byte for byte as it was), and the
// AWS CLI works again. setup prefers a link on PATH to the running Node.js (Homebrew's bin/node) to its versioned path.
import { chmodSync, copyFileSync, lchownSync, linkSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools, startAliceWorld, type Moto } from "../helpers/moto.js";
import { cliPath, type Sandbox } from "../helpers/sandbox.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

const tools = requireTools(["moto_server", "aws"]);

const HEAD = [
  "# my AWS config: every byte of this file but the broken lines must stay",
  "[default]",
  "region = eu-west-1",
  "",
];

describe.skipIf(!tools.available)("surviving a Node.js upgrade", () => {
  let moto: Moto;
  let sandbox: Sandbox;
  let temp: string;

  beforeAll(async () => {
    ({ moto, sandbox } = await startAliceWorld());
    temp = makeTempDir("aws-op-node-upgrade-");
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  /** A Node.js binary in a versioned directory, as nvm keeps them (a hard link, else a copy: a real file). */
  function versionedNode(version: string): { dir: string; node: string } {
    const dir = join(temp, "versions", "node", version);
    mkdirSync(join(dir, "bin"), { recursive: true });
    const node = join(dir, "bin", "node");
    try {
      linkSync(process.execPath, node);
    } catch {
      copyFileSync(process.execPath, node);
    }
    return { dir, node };
  }

  async function setUp(node: string, profile: string, env: Record<string, string> = {}): Promise<void> {
    const result = await sandbox.exec(
      node,
      [cliPath, "setup", profile, "--vault", "Work", "--item", "AWS work", "--region", "us-east-1", "--offline"],
      { env },
    );
    expect(result.stderr).toContain("Wrote [profile");
    expect(result.status).toBe(0);
  }

  async function callerIdentity(profile: string) {
    return sandbox.exec("aws", ["sts", "get-caller-identity", "--profile", profile, "--output", "json"]);
  }

  const credentialProcessLines = (text: string) => text.split("\n").filter((l) => l.startsWith("credential_process"));

  it("doctor names each profile whose Node.js is gone; doctor --fix rewrites only those lines; the AWS CLI works again", async () => {
    sandbox.writeConfig(HEAD.join("\n"));
    const old = versionedNode("v24.0.0");
    await setUp(old.node, "work");
    await setUp(old.node, "prod.eu");
    await setUp(process.execPath, "current"); // set up by this Node.js: not broken, not touched
    const before = readFileSync(sandbox.configPath, "utf8");
    expect(credentialProcessLines(before).filter((l) => l.includes(old.node))).toHaveLength(2);
    expect((await callerIdentity("work")).status).toBe(0);

    rmSync(old.dir, { recursive: true }); // the upgrade removes the old version
    await sandbox.run(["clear", "--all"]);
    const broken = await callerIdentity("work");
    expect(broken.status).not.toBe(0);

    const doctor = await sandbox.run(["doctor", "--offline"]);
    expect(doctor.status).toBe(1);
    for (const profile of ["work", "prod.eu"]) {
      expect(doctor.stdout).toContain(`✗ [${profile}] credential_process runnable: ${old.node} does not exist`);
    }
    expect(doctor.stdout).toContain("✓ [current] credential_process runnable");
    expect(doctor.stdout).toContain('fix: Run "aws-op doctor --fix"');
    expect(readFileSync(sandbox.configPath, "utf8")).toBe(before);

    const fixed = await sandbox.run(["doctor", "--fix", "--offline"]);
    // The diff comes first (a plain unified diff, the path under HOME as ~), then the checklist, all passing now.
    expect(fixed.stdout.startsWith("--- ~/.aws/config\n+++ ~/.aws/config\n@@ ")).toBe(true);
    expect(fixed.stdout).not.toMatch(/Index:|====/);
    expect(fixed.stdout).toContain(`-credential_process = ${old.node} ${cliPath} process --profile work`);
    expect(fixed.stdout).toContain(`+credential_process = ${process.execPath} ${cliPath} process --profile work`);
    expect(fixed.stdout.indexOf("+credential_process")).toBeLessThan(fixed.stdout.indexOf("✓ 1Password CLI found"));
    expect(fixed.stderr).toContain("Pointed credential_process of [work], [prod.eu] at this aws-op");
    expect(fixed.stdout).toContain("All checks passed.");
    expect(fixed.status).toBe(0);

    // Only those two lines changed: the file is the old one with each broken line replaced, byte for byte.
    const after = readFileSync(sandbox.configPath, "utf8");
    expect(after).toBe(
      before
        .replace(
          `credential_process = ${old.node} ${cliPath} process --profile work\n`,
          `credential_process = ${process.execPath} ${cliPath} process --profile work\n`,
        )
        .replace(
          `credential_process = ${old.node} ${cliPath} process --profile prod.eu\n`,
          `credential_process = ${process.execPath} ${cliPath} process --profile prod.eu\n`,
        ),
    );
    expect(after).not.toBe(before);
    const identity = await callerIdentity("work");
    expect(identity.stderr).toBe("");
    expect(JSON.parse(identity.stdout)).toHaveProperty("Account", "123456789012");
    expect((await callerIdentity("prod.eu")).status).toBe(0);

    const again = await sandbox.run(["doctor", "--fix", "--offline"]);
    expect(again.stderr).toContain("Nothing to fix");
    expect(readFileSync(sandbox.configPath, "utf8")).toBe(after);
  }, 90_000); // a dozen runs in a row, five of them the AWS CLI (Python): over 30 s on a loaded machine

  it("setup writes a link on PATH that resolves to the running Node.js rather than its versioned path", async () => {
    sandbox.writeConfig(HEAD.join("\n"));
    const current = versionedNode("v24.1.0");
    const stable = join(temp, "homebrew", "bin");
    mkdirSync(stable, { recursive: true });
    symlinkSync(current.node, join(stable, "node"));
    await setUp(current.node, "work", { PATH: `${stable}:${sandbox.env().PATH ?? ""}` });
    const lines = credentialProcessLines(readFileSync(sandbox.configPath, "utf8"));
    expect(lines).toEqual([`credential_process = ${join(stable, "node")} ${cliPath} process --profile work`]);
    expect((await callerIdentity("work")).status).toBe(0);
  });

  // Another user's `node` in a 1777 directory on PATH (made here by lchown, so root only) resolves to this Node.js
  // today; written into credential_process, its owner re-points it and runs code as this user on every AWS call.
  it.skipIf(process.getuid?.() !== 0)(
    "setup never writes a node link that another user controls: one in a 1777 directory is passed over",
    async () => {
      sandbox.writeConfig(HEAD.join("\n"));
      const current = versionedNode("v24.2.0");
      const shared = join(temp, "shared-bin");
      mkdirSync(shared);
      chmodSync(shared, 0o1777);
      symlinkSync(current.node, join(shared, "node"));
      lchownSync(join(shared, "node"), 65534, 65534);
      await setUp(current.node, "work", { PATH: `${shared}:${sandbox.env().PATH ?? ""}` });
      expect(credentialProcessLines(readFileSync(sandbox.configPath, "utf8"))).toEqual([
        `credential_process = ${current.node} ${cliPath} process --profile work`,
      ]);
      // A safe link later on PATH is still preferred to the versioned path.
      const stable = join(temp, "safe", "bin");
      mkdirSync(stable, { recursive: true });
      symlinkSync(current.node, join(stable, "node"));
      sandbox.writeConfig(HEAD.join("\n"));
      await setUp(current.node, "work", { PATH: `${shared}:${stable}:${sandbox.env().PATH ?? ""}` });
      expect(credentialProcessLines(readFileSync(sandbox.configPath, "utf8"))).toEqual([
        `credential_process = ${join(stable, "node")} ${cliPath} process --profile work`,
      ]);
    },
  );
});
