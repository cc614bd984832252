// A throw-away HOME for end-to-end tests: AWS config files, the fake op's store and call log, a cache directory,
// and a clean environment in which the built CLI runs exactly as AWS tools run it. No test touches the real home.
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { RACY_MARGIN_MS } from "../../src/cache/hit-index.js";
import { buildCredentialProcessLine } from "../../src/config/command-line.js";
import { createCanaryHarness, DEFAULT_SHIMS, scanForCanaries, type CanaryHarness, type ShimSpec } from "./canary.js";
import {
  createTempStore,
  readStore,
  env as fakeOpEnv,
  makeStore,
  pathWithFakeOp,
  readCallLog,
  repoRoot,
  type FakeOpEnvOptions,
  type FakeOpStore,
  type TempStore,
} from "../fake-op/fixture.js";
import { nodeDirectoriesOn, pathWithoutNode } from "./no-node-path.js";
import { makeTempDir } from "./temp-dirs.js";

export const cliPath = join(repoRoot, "dist", "cli.js");

/**
 * TEST ONLY, not a setting: AWS_OP_TEST_EXE names a single executable (dist-exe/aws-op-linux-x64, from
 * `npm run build:exe`). The sandboxes then run it instead of `node dist/cli.js`, write its credential_process lines,
 * and give every child a PATH with no `node` on it (no-node-path.ts), as on a machine without Node.js. .ci/run runs
 * the end-to-end files that start aws-op only through awsOpCommand and credentialProcessLine that way.
 */
export const testExecutable: string | undefined = process.env.AWS_OP_TEST_EXE
  ? resolve(process.env.AWS_OP_TEST_EXE)
  : undefined;

/** The command that starts the built aws-op: Node.js and dist/cli.js, or the executable under test. */
export const awsOpCommand: readonly [string, ...string[]] = testExecutable
  ? [testExecutable]
  : [process.execPath, cliPath];

/** The credential_process line for a profile, exactly as `aws-op setup` writes it. */
export function credentialProcessLine(profile: string): string {
  const program = testExecutable ? { executablePath: testExecutable } : { nodePath: process.execPath, cliPath };
  return buildCredentialProcessLine({ ...program, profile });
}

/** The PATH of a child in the executable's pass: no directory on it holds a node (else the test run is wrong). */
function requireNoNode(path: string | undefined): string {
  const withoutNode = pathWithoutNode(path);
  const left = nodeDirectoriesOn(withoutNode);
  if (left.length > 0) throw new Error(`AWS_OP_TEST_EXE: node is still on PATH in ${left.join(", ")}`);
  return withoutNode;
}

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Text for stdin (default: empty, closed). */
  input?: string;
  /** Kill the child after this long (default 60 s). */
  timeoutMs?: number;
  /** For a transcript: this run's stdout may hold served credentials (beyond `process` output). */
  stdoutMayHoldCredentials?: boolean;
  /** Working directory of the child (default: the test's). */
  cwd?: string;
  /**
   * For a transcript: this run's stdout holds answers of the `exec --server` credentials endpoint: their session
   * secrets become canaries, and the answers are scanned for long-term secrets and OTP seeds.
   */
  stdoutIsEndpointOutput?: boolean;
}

export interface Sandbox {
  home: string;
  configPath: string;
  credentialsPath: string;
  cacheDir: string;
  store: TempStore;
  /** The environment for a child: only what the test chooses, never the developer's AWS settings. */
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  writeConfig(text: string): void;
  writeCredentials(text: string): void;
  /**
   * Wait until the AWS files are old enough to be indexed (RACY_MARGIN_MS since their last change), as a user's
   * are: for a test of the cached path (cache/hit-index.ts). Up to 3 s after a write.
   */
  filesSettled(): Promise<void>;
  /**
   * Run the built CLI. Always asynchronous: the moto proxy lives in the test worker, so a synchronous spawn would
   * block the very event loop that must forward the child's STS calls.
   */
  run(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Run any command in the sandbox environment. */
  exec(command: string, args: string[], options?: RunOptions): Promise<RunResult>;
  /**
   * Add output a test captured itself (a pty screen, a child it spawned directly) to the sandbox's transcript, so
   * that the secret scan covers it too.
   */
  recordOutput(
    command: string,
    args: string[],
    output: { stdout?: string; stderr?: string },
    options?: RunOptions,
  ): void;
  opCalls(): string[][];
  cacheFiles(): string[];
}

export interface SandboxOptions {
  store?: FakeOpStore;
  fakeOp?: Omit<FakeOpEnvOptions, "store" | "log">;
  /** AWS_ENDPOINT_URL for the AWS tools and aws-op (moto). */
  endpoint?: string;
  /** Extra variables for every run (before per-run `env`); e.g. PATH with a shim directory, TMPDIR. */
  env?: Record<string, string | undefined>;
  /** Records every run's argv, stdout and stderr (see test/helpers/canary.ts). */
  transcript?: Transcript;
  /**
   * Without a transcript of its own, every sandbox is scanned for secrets after its test file (see
   * scanCreatedSandboxes and test/setup/canary-scan.ts); false opts out.
   */
  canaryScan?: boolean;
  /**
   * Commands (by name on PATH, or a shim of a name of its own for a given target) whose environment the automatic
   * canary harness logs and scans: the children that `aws-op exec` starts, e.g. ["aws", "python3"]. Only for
   * sandboxes whose children must hold no secret in their environment (exec --server).
   */
  recordEnvOf?: (string | ShimSpec)[];
}

export interface TranscriptEntry {
  /** "aws-op" for `run`, the command for `exec`. */
  command: string;
  args: string[];
  result: RunResult;
  /** The run was told its stdout may hold served credentials (e.g. `exec -- env`). */
  stdoutMayHoldCredentials?: boolean;
  /** The run's stdout holds credentials endpoint answers (see RunOptions). */
  stdoutIsEndpointOutput?: boolean;
}

export interface Transcript {
  entries: TranscriptEntry[];
}

const DESKTOP_VARIABLES = new Set(["DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_CURRENT_DESKTOP"]);

/** Variables of the outer environment that must not leak into a test's AWS tools. */
function baseEnvironment(): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The cache and data directories are the sandbox HOME's (login --isolate keeps browser profiles under data).
    if (key.startsWith("AWS_") || key.startsWith("OP_") || key.startsWith("FAKE_OP_")) continue;
    if (key === "XDG_CACHE_HOME" || key === "XDG_DATA_HOME") continue;
    // No real dialog or desktop notification from a test: a test that wants one sets these itself.
    if (DESKTOP_VARIABLES.has(key)) continue;
    clean[key] = value;
  }
  return clean;
}

export function spawnAsync(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env,
      stdio: ["pipe", "pipe", "pipe"],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

interface ScannedSandbox {
  sandbox: Sandbox;
  harness: CanaryHarness;
}

const scannedSandboxes: ScannedSandbox[] = [];

/** A value too short or too plain to search for without false alarms is no canary. */
const MIN_CANARY_LENGTH = 16;

/** Every secret in the fake op's store (concealed values, one-time password seeds) is a canary. */
function addStoreCanaries(harness: CanaryHarness, storePath: string): void {
  let store;
  try {
    store = readStore(storePath);
  } catch {
    return;
  }
  for (const account of store.accounts) {
    for (const vault of account.vaults) {
      for (const item of vault.items) {
        for (const field of item.fields ?? []) {
          if (!field.value) continue;
          if (field.type === "CONCEALED" && field.value.length >= MIN_CANARY_LENGTH) {
            harness.longTermSecrets.add(field.value);
          } else if (field.type === "OTP") {
            const seed = /[?&]secret=([^&]+)/i.exec(field.value)?.[1] ?? field.value;
            if (seed.length >= MIN_CANARY_LENGTH) harness.otpSeeds.add(decodeURIComponent(seed));
          }
        }
      }
    }
  }
}

/**
 * Scan the sandboxes created since the last call for the secrets of their stores (items created during the test,
 * e.g. by import or rotate, included) in every stderr, non-credential stdout, file written under HOME or TMPDIR,
 * op argv and child argv/environment. Files the test itself wrote (writeConfig/writeCredentials) may hold them.
 */
export function scanCreatedSandboxes(): string[] {
  const findings: string[] = [];
  for (const { sandbox, harness } of scannedSandboxes.splice(0)) {
    addStoreCanaries(harness, sandbox.store.storePath);
    for (const finding of scanForCanaries(harness, sandbox)) findings.push(`${finding.kind} in ${finding.where}`);
  }
  return findings;
}

/**
 * Write one of the AWS files as a user's: modified a minute ago. Content changes still show in the stamp: ctime is
 * now, and so is the size or the mtime (a minute before each write). aws-op does not index a file changed (mtime or
 * ctime) within RACY_MARGIN_MS of a run (cache/hit-index.ts), and ctime cannot be set back: a test that needs the
 * cached path, the one users' AWS commands take with their old files, waits for that first (filesSettled).
 */
function writeUserFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  const aMinuteAgo = new Date(Date.now() - 60_000);
  utimesSync(path, aMinuteAgo, aMinuteAgo);
}

/** Resolves once every one of these files that exists was last changed more than RACY_MARGIN_MS ago. */
async function filesSettled(paths: readonly string[]): Promise<void> {
  const changed = Math.max(
    0,
    ...paths.map((path) => {
      const stat = statSync(path, { throwIfNoEntry: false });
      return stat ? Math.max(stat.mtimeMs, stat.ctimeMs) : 0;
    }),
  );
  const wait = changed + RACY_MARGIN_MS + 100 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

export function createSandbox(givenOptions: SandboxOptions = {}): Sandbox {
  const harness =
    givenOptions.transcript === undefined && givenOptions.canaryScan !== false
      ? createCanaryHarness({
          shims: [
            ...DEFAULT_SHIMS,
            ...(givenOptions.recordEnvOf ?? []).map((spec) =>
              typeof spec === "string" ? { name: spec, recordEnv: true } : { ...spec, recordEnv: true },
            ),
          ],
        })
      : undefined;
  const options = harness ? harness.sandboxOptions(givenOptions) : givenOptions;
  const home = makeTempDir("aws-op-home-");
  mkdirSync(join(home, ".aws"), { recursive: true });
  const configPath = join(home, ".aws", "config");
  const credentialsPath = join(home, ".aws", "credentials");
  const cacheDir = join(home, ".cache");
  const store = createTempStore(options.store ?? makeStore());
  const envFor = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
    const result: NodeJS.ProcessEnv = {
      ...baseEnvironment(),
      HOME: home,
      PATH: pathWithFakeOp(process.env.PATH),
      AWS_CONFIG_FILE: configPath,
      AWS_SHARED_CREDENTIALS_FILE: credentialsPath,
      XDG_CACHE_HOME: cacheDir,
      AWS_EC2_METADATA_DISABLED: "true",
      PYTHONWARNINGS: "ignore",
      ...(options.endpoint ? { AWS_ENDPOINT_URL: options.endpoint } : {}),
      ...fakeOpEnv({ ...(options.fakeOp ?? {}), store: store.storePath, log: store.logPath }),
    };
    for (const [key, value] of Object.entries({ ...(options.env ?? {}), ...extra })) {
      if (value === undefined) delete result[key];
      else result[key] = value;
    }
    if (testExecutable) result.PATH = requireNoNode(result.PATH);
    return result;
  };
  const record = (command: string, args: string[], runOptions: RunOptions, result: RunResult): RunResult => {
    options.transcript?.entries.push({
      command,
      args,
      result,
      ...(runOptions.stdoutMayHoldCredentials ? { stdoutMayHoldCredentials: true } : {}),
      ...(runOptions.stdoutIsEndpointOutput ? { stdoutIsEndpointOutput: true } : {}),
    });
    return result;
  };
  const sandbox: Sandbox = {
    home,
    configPath,
    credentialsPath,
    cacheDir,
    store,
    env: envFor,
    writeConfig: (text) => {
      harness?.allowedFiles.add(configPath);
      writeUserFile(configPath, text);
    },
    writeCredentials: (text) => {
      harness?.allowedFiles.add(credentialsPath);
      writeUserFile(credentialsPath, text);
    },
    filesSettled: () => filesSettled([configPath, credentialsPath]),
    run: async (args, runOptions = {}) =>
      record(
        "aws-op",
        args,
        runOptions,
        await spawnAsync(awsOpCommand[0], [...awsOpCommand.slice(1), ...args], envFor(runOptions.env), runOptions),
      ),
    exec: async (command, args, execOptions = {}) =>
      record(command, args, execOptions, await spawnAsync(command, args, envFor(execOptions.env), execOptions)),
    recordOutput: (command, args, output, recordOptions = {}) => {
      record(command, args, recordOptions, {
        status: null,
        signal: null,
        stdout: output.stdout ?? "",
        stderr: output.stderr ?? "",
      });
    },
    opCalls: () => readCallLog(store.logPath).map((entry) => entry.argv),
    cacheFiles: () => {
      const dir = join(cacheDir, "aws-op", "sessions");
      return existsSync(dir) ? readdirSync(dir) : [];
    },
  };
  if (harness) scannedSandboxes.push({ sandbox, harness });
  return sandbox;
}
