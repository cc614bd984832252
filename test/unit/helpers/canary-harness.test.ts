// The canary scan must be able to fail: plant each canary where a leak would put it and expect it to be found.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canaryOtpSeed, canarySecretKey, createCanaryHarness, type CanaryHarness } from "../../helpers/canary.js";
import { createSandbox, scanCreatedSandboxes, type RunResult, type Sandbox } from "../../helpers/sandbox.js";

function setup(): { harness: CanaryHarness; sandbox: Sandbox; secret: string; seed: string } {
  const harness = createCanaryHarness();
  const sandbox = createSandbox(harness.sandboxOptions());
  const secret = canarySecretKey();
  const seed = canaryOtpSeed();
  harness.longTermSecrets.add(secret);
  harness.otpSeeds.add(seed);
  return { harness, sandbox, secret, seed };
}

const ok = (stdout: string, stderr = ""): RunResult => ({ status: 0, signal: null, stdout, stderr });

describe("canary scan", () => {
  it("finds nothing in a clean transcript", () => {
    const { harness, sandbox } = setup();
    harness.transcript.entries.push({ command: "aws-op", args: ["clear", "--all"], result: ok("", "Removed 0\n") });
    expect(harness.scan(sandbox)).toEqual([]);
  });

  it("catches a long-term secret in stderr (an error message that quotes the item)", () => {
    const { harness, sandbox, secret } = setup();
    harness.transcript.entries.push({
      command: "aws-op",
      args: ["process"],
      result: { status: 1, signal: null, stdout: "", stderr: `aws-op: bad key ${secret}\n` },
    });
    expect(harness.scan(sandbox)).toEqual([{ kind: "long-term secret", where: "stderr of aws-op process" }]);
  });

  it("catches an OTP seed on the stdout of a command that is not credential output", () => {
    const { harness, sandbox, seed } = setup();
    harness.transcript.entries.push({ command: "aws-op", args: ["list"], result: ok(`otpauth://x?secret=${seed}`) });
    expect(harness.scan(sandbox).map((f) => f.kind)).toEqual(["OTP seed"]);
  });

  it("learns served session secrets from process output and catches them anywhere else", () => {
    const { harness, sandbox } = setup();
    const served = { Version: 1, AccessKeyId: "ASIA1", SecretAccessKey: "servedSecretXYZ", SessionToken: "tokTOK" };
    harness.transcript.entries.push(
      { command: "aws-op", args: ["process", "--profile", "a"], result: ok(`${JSON.stringify(served)}\n`) },
      { command: "aws-op", args: ["doctor"], result: ok("", "debug: token tokTOK\n") },
    );
    expect(harness.scan(sandbox)).toEqual([{ kind: "served session secret", where: "stderr of aws-op doctor" }]);
  });

  it("allows a sign-in token only on stdout of login --stdout, and nothing else secret there", () => {
    const { harness, sandbox } = setup();
    harness.signinTokens.add("CanarySigninTokenAbc123");
    harness.servedSecrets.add("servedSecretXYZ");
    const url = "https://signin.aws.amazon.com/federation?Action=login&SigninToken=CanarySigninTokenAbc123\n";
    harness.transcript.entries.push({ command: "aws-op", args: ["login", "work", "--stdout"], result: ok(url) });
    expect(harness.scan(sandbox)).toEqual([]);
    harness.transcript.entries.push(
      { command: "aws-op", args: ["login", "work"], result: ok("", `opening ${url}`) },
      { command: "aws-op", args: ["login", "work"], result: ok(url) },
      { command: "aws-op", args: ["login", "work", "--stdout"], result: ok(`${url}servedSecretXYZ\n`) },
    );
    expect(harness.scan(sandbox)).toEqual([
      { kind: "sign-in token", where: "stderr of aws-op login work" },
      { kind: "sign-in token", where: "stdout of aws-op login work" },
      { kind: "served session secret", where: "stdout of aws-op login work --stdout" },
    ]);
  });

  it("allows session credentials in the session cache but not a long-term secret or seed", () => {
    const { harness, sandbox, secret, seed } = setup();
    const sessions = join(sandbox.cacheDir, "aws-op", "sessions");
    mkdirSync(sessions, { recursive: true });
    writeFileSync(
      join(sessions, "a.json"),
      JSON.stringify({ credentials: { SecretAccessKey: "sess", SessionToken: "tok" } }),
    );
    expect(harness.scan(sandbox)).toEqual([]);
    writeFileSync(join(sessions, "b.json"), JSON.stringify({ longTerm: secret, seed }));
    expect(harness.scan(sandbox).map((f) => f.kind)).toEqual(["long-term secret", "OTP seed"]);
  });

  it("catches a served session secret in any other file under HOME (e.g. a debug log)", () => {
    const { harness, sandbox } = setup();
    const sessions = join(sandbox.cacheDir, "aws-op", "sessions");
    mkdirSync(sessions, { recursive: true });
    writeFileSync(
      join(sessions, "a.json"),
      JSON.stringify({ credentials: { SecretAccessKey: "s", SessionToken: "tokABC" } }),
    );
    writeFileSync(join(sandbox.home, ".aws", "debug.log"), "token=tokABC");
    expect(harness.scan(sandbox)).toEqual([
      { kind: "served session secret", where: `file ${join(sandbox.home, ".aws", "debug.log")}` },
    ]);
  });

  it("catches a secret in the argv of a child started through PATH (logged by the shim)", async () => {
    const { harness, sandbox, secret } = setup();
    await sandbox.exec("mkfifo", [join(harness.tmpDir, secret)]);
    const findings = harness.scan(sandbox);
    expect(findings).toContainEqual({ kind: "long-term secret", where: "argv/environment of a child" });
  });

  it("catches a secret in the environment of op (logged by the shim)", async () => {
    const { harness, sandbox, secret } = setup();
    await sandbox.exec("op", ["--version"], { env: { LEAKED: secret } });
    expect(harness.scan(sandbox)).toContainEqual({ kind: "long-term secret", where: "argv/environment of a child" });
  });

  it("catches a secret in the argv of op (the fake op's call log)", async () => {
    const { harness, sandbox, secret } = setup();
    await sandbox.exec(join(harness.shimDir, "op"), ["item", "get", secret]);
    expect(harness.scan(sandbox)).toContainEqual({ kind: "long-term secret", where: "op call log (argv)" });
  });

  it("learns session secrets from credentials endpoint answers and catches a long-term secret in one", () => {
    const { harness, sandbox, secret } = setup();
    const answer = {
      AccessKeyId: "ASIA1",
      SecretAccessKey: "endpointSecretXYZ",
      Token: "endpointTok",
      Expiration: "x",
    };
    harness.transcript.entries.push(
      {
        command: "aws-op",
        args: ["exec", "work", "--server", "--", "node", "fetch.js"],
        result: ok(`${JSON.stringify(answer)}\n`),
        stdoutIsEndpointOutput: true,
      },
      { command: "aws-op", args: ["list"], result: ok("", "token endpointTok\n") },
    );
    expect(harness.scan(sandbox)).toEqual([{ kind: "served session secret", where: "stderr of aws-op list" }]);
    harness.transcript.entries.push({
      command: "aws-op",
      args: ["exec", "x", "--server"],
      result: ok(JSON.stringify({ AccessKeyId: "AKIA2", SecretAccessKey: secret, Token: "t2", Expiration: "x" })),
      stdoutIsEndpointOutput: true,
    });
    expect(harness.scan(sandbox)).toContainEqual({
      kind: "long-term secret",
      where: "credentials endpoint answer in stdout of aws-op exec x --server",
    });
  });

  it("catches a served session secret in the environment of a child named in recordEnvOf (exec's command)", async () => {
    const sandbox = createSandbox({ recordEnvOf: ["true"] });
    const sessions = join(sandbox.cacheDir, "aws-op", "sessions");
    mkdirSync(sessions, { recursive: true });
    writeFileSync(
      join(sessions, "a.json"),
      JSON.stringify({ credentials: { SecretAccessKey: "childSecretABC", SessionToken: "childTokenABC" } }),
    );
    await sandbox.exec("true", [], { env: { AWS_SESSION_TOKEN: "childTokenABC" } });
    // Scanned (and thereby consumed) like every automatically scanned sandbox after a test file.
    expect(scanCreatedSandboxes()).toContain("served session secret in argv/environment of a child");
  });
});
