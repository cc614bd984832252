// The profile picker, end to end: `aws-op exec -- CMD` with no profile, in a real terminal (a pty), lists the aws-op
// profiles with their vault and item, typing part of a name filters the list, and Enter runs CMD with the picked
// profile's credentials; Ctrl-C runs nothing. Without a terminal, no profile is an error that names the profiles.
// The profiles serve the items' keys as they are (op_session_duration = off), so no STS is needed: which key the
// command got shows which profile ran.
import { spawn } from "@lydell/node-pty";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureFakeOpBuilt, makeStore, makeVault, scriptRecipeItem } from "../fake-op/fixture.js";
import { awsConfig } from "../helpers/alice-world.js";
import { cliPath, createSandbox, type Sandbox } from "../helpers/sandbox.js";
import { Terminal } from "../helpers/terminal.js";

const KEYS = {
  staging: "AKIASTAGING000000001",
  prod: "AKIAPROD000000000001",
  dev: "AKIADEV0000000000001",
};

/** The command exec runs: says which profile and key it got. */
const REPORT = ["sh", "-c", 'echo "picked=$AWS_OP_PROFILE key=$AWS_ACCESS_KEY_ID"'];

describe("the profile picker of exec", () => {
  let sandbox: Sandbox;
  let terminal: Terminal | undefined;

  beforeAll(async () => {
    await ensureFakeOpBuilt();
    sandbox = createSandbox({
      store: makeStore({
        vaults: [
          makeVault(
            "Work",
            Object.entries(KEYS).map(([name, accessKeyId]) =>
              scriptRecipeItem({ title: `AWS ${name}`, accessKeyId, secretAccessKey: `secret-of-${name}-0123456789` }),
            ),
          ),
        ],
      }),
    });
    sandbox.writeConfig(
      awsConfig({
        staging: { op_vault: "Work", op_item: "AWS staging", op_session_duration: "off" },
        prod: { op_vault: "Work", op_item: "AWS prod", op_session_duration: "off" },
        plain: { region: "eu-west-1" },
        dev: { op_vault: "Work", op_item: "AWS dev", op_session_duration: "off" },
      }),
    );
  }, 60_000);

  afterEach(() => {
    terminal?.endIn(sandbox, ["exec"]);
    terminal = undefined;
  });

  function start(args: string[], env: Record<string, string> = {}): Terminal {
    const environment = Object.fromEntries(
      Object.entries(sandbox.env({ TERM: "xterm-256color", ...env })).filter(
        (e): e is [string, string] => e[1] !== undefined,
      ),
    );
    terminal = new Terminal(
      spawn(process.execPath, [cliPath, ...args], { cols: 120, rows: 40, env: environment, name: "xterm-256color" }),
    );
    return terminal;
  }

  /** What the list shows now: the screen after the question's last rendering. */
  function lastFrame(t: Terminal): string {
    return t.screen().split("AWS profile for exec").at(-1) ?? "";
  }

  it("lists the aws-op profiles with their vault and item, filters as a name is typed, and Enter runs the command as that profile", async () => {
    // AWS_PROFILE is not the default: the list starts at the first profile, and the command never sees it.
    const t = start(["exec", "--", ...REPORT], { AWS_PROFILE: "dev" });
    await t.waitFor("AWS profile for exec (type to filter)");
    await t.waitFor("dev");
    const listed = lastFrame(t);
    for (const name of ["staging", "prod", "dev"]) expect(listed).toContain(name);
    expect(listed).toContain("Work / AWS staging");
    expect(listed).not.toContain("plain");
    await t.type("pro");
    // "staging" comes first: only the filter makes Enter pick prod.
    const deadline = Date.now() + 15_000;
    while (lastFrame(t).includes("staging") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(lastFrame(t)).toContain("prod");
    expect(lastFrame(t)).not.toContain("staging");
    expect(lastFrame(t)).not.toMatch(/\bdev\b/);
    await t.type("\r");
    await t.waitFor(/picked=\S+ key=\S+/);
    expect(t.screen()).toContain(`picked=prod key=${KEYS.prod}`);
    expect(await t.exitCode()).toBe(0);
    // One item read: the picked profile's.
    expect(sandbox.opCalls().filter((c) => c[0] === "item" && c[1] === "get")).toHaveLength(1);
  }, 60_000);

  it("Ctrl-C at the list runs nothing, asks 1Password nothing, and exits 130", async () => {
    const opCalls = sandbox.opCalls().length;
    const t = start(["exec", "--", ...REPORT]);
    await t.waitFor("AWS profile for exec (type to filter)");
    await t.type("\u0003");
    expect(await t.exitCode()).toBe(130);
    expect(t.screen()).toContain("Cancelled.");
    expect(t.screen()).not.toContain("picked=");
    expect(sandbox.opCalls().length).toBe(opCalls);
  }, 60_000);

  it("without a terminal, no profile is an error that names the profiles and how to name one; nothing runs", async () => {
    const opCalls = sandbox.opCalls().length;
    const result = await sandbox.run(["exec", "--", ...REPORT], { env: { AWS_PROFILE: "dev" } });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "aws-op: aws-op exec needs a profile; the aws-op profiles are: staging, prod, dev.\n" +
        "  aws-op exec PROFILE -- COMMAND (in a terminal, aws-op exec without one lists them to pick from).\n",
    );
    const env = await sandbox.run(["env"]);
    expect(env.status).toBe(1);
    expect(env.stderr).toContain("aws-op env needs a profile; the aws-op profiles are: staging, prod, dev.");
    expect(sandbox.opCalls().length).toBe(opCalls);
  });
});
