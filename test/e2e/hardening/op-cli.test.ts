// WSL users run the Windows op.exe: op_cli (profile key), AWS_OP_CLI (environment) and --op-cli (flag) each
// select the executable, flag over environment over profile; a missing one is named in the error.
import { chmodSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fakeOpPath, makeStore, scriptRecipeItem } from "../../fake-op/fixture.js";
import { createSandbox, type RunResult, type Sandbox } from "../../helpers/sandbox.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

const KEY = { accessKeyId: "AKIAOPCLI00000000001", secretAccessKey: "opCliSecret00000000000000000000000000000" };

describe("choosing the op executable (op_cli / AWS_OP_CLI / --op-cli)", () => {
  let sandbox: Sandbox;
  let binDir: string;
  let opExe: string;
  let wrong: string;
  let plainPath: string;

  beforeAll(() => {
    binDir = makeTempDir("aws-op-opcli-");
    opExe = join(binDir, "op.exe");
    // A launcher named like the Windows binary (Node will not load the bundled double from a ".exe" file itself).
    writeFileSync(opExe, `#!/bin/sh\nexec '${fakeOpPath}' "$@"\n`);
    chmodSync(opExe, 0o755);
    wrong = join(binDir, "wrong-op");
    writeFileSync(wrong, "#!/bin/sh\necho '[ERROR] 2026/01/01 00:00:00 this is the wrong op executable' >&2\nexit 1\n");
    chmodSync(wrong, 0o755);
    // PATH without the fake op: a plain "op" is not found anywhere.
    plainPath = process.env.PATH ?? "/usr/bin:/bin";
    sandbox = createSandbox({
      store: makeStore({ vault: "Work", items: [scriptRecipeItem({ title: "AWS work", ...KEY })] }),
      env: { PATH: plainPath },
    });
    sandbox.writeConfig(
      [
        "[profile keyed]",
        `op_cli = ${opExe}`,
        "op_vault = Work",
        "op_item = AWS work",
        "op_session_duration = off",
        "[profile wrongkey]",
        `op_cli = ${wrong}`,
        "op_vault = Work",
        "op_item = AWS work",
        "op_session_duration = off",
        "[profile plain]",
        "op_vault = Work",
        "op_item = AWS work",
        "op_session_duration = off",
        "",
      ].join("\n"),
    );
  });

  const expectServed = (result: RunResult) => {
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      Version: 1,
      ...{ AccessKeyId: KEY.accessKeyId, SecretAccessKey: KEY.secretAccessKey },
    });
  };
  const expectWrongOp = (result: RunResult) => {
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/this is the wrong op executable/);
  };

  it("without any setting, a missing `op` is named in the error", async () => {
    const result = await sandbox.run(["process", "--profile", "plain"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/The 1Password CLI \("op"\) was not found/);
    expect(result.stderr).toMatch(/op_cli \/ AWS_OP_CLI/);
  });

  it("the op_cli profile key selects the executable", async () => {
    const before = sandbox.opCalls().length;
    expectServed(await sandbox.run(["process", "--profile", "keyed"]));
    expect(sandbox.opCalls().length - before).toBe(1);
  });

  it("AWS_OP_CLI selects the executable, as a path or as a name found on PATH (op.exe under WSL)", async () => {
    expectServed(await sandbox.run(["process", "--profile", "plain"], { env: { AWS_OP_CLI: opExe } }));
    expectServed(
      await sandbox.run(["process", "--profile", "plain"], {
        env: { AWS_OP_CLI: "op.exe", PATH: `${binDir}${delimiter}${plainPath}` },
      }),
    );
  });

  it("--op-cli selects the executable", async () => {
    expectServed(await sandbox.run(["process", "--profile", "plain", "--op-cli", opExe]));
  });

  it("precedence: --op-cli over AWS_OP_CLI over op_cli", async () => {
    expectServed(await sandbox.run(["process", "--profile", "wrongkey"], { env: { AWS_OP_CLI: opExe } }));
    expectWrongOp(await sandbox.run(["process", "--profile", "keyed"], { env: { AWS_OP_CLI: wrong } }));
    expectServed(
      await sandbox.run(["process", "--profile", "wrongkey", "--op-cli", opExe], { env: { AWS_OP_CLI: wrong } }),
    );
    expectWrongOp(await sandbox.run(["process", "--profile", "keyed", "--op-cli", wrong]));
  });

  it("a missing executable named by op_cli is named in the error", async () => {
    const missing = join(binDir, "no-such-op.exe");
    const result = await sandbox.run(["process", "--profile", "plain", "--op-cli", missing]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`The 1Password CLI ("${missing}") was not found`);
  });

  it("env also honours op_cli and --op-cli", async () => {
    const viaKey = await sandbox.run(["env", "keyed"]);
    expect(viaKey.status).toBe(0);
    expect(viaKey.stdout).toContain(KEY.accessKeyId);
    const viaFlag = await sandbox.run(["env", "plain", "--op-cli", opExe]);
    expect(viaFlag.status).toBe(0);
  });
});
