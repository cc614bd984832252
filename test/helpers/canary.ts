// Secret hygiene, proven: canary secrets go into the 1Password items of a suite, every run is recorded, every
// command aws-op starts through PATH is logged (argv, and for `op`/`mkfifo` the environment), and after the suite
// `scanForCanaries` searches everything aws-op could have written or shown for them:
//   - stderr of every run, and stdout of every run that is not credential output (`process`, `env`);
//   - console sign-in tokens (`login`): they may appear only on stdout of `login --stdout`;
//   - every file under the sandbox HOME and the private TMPDIR (session cache files may hold served session
//     credentials, but never a long-term secret or an OTP seed);
//   - the fake op's call log (argv of every `op` run) and the shim log (argv/environment of other children).
// Served session secrets (SecretAccessKey / SessionToken of a session in `process` output, SecretAccessKey / Token
// in an answer of the `exec --server` credentials endpoint) are canaries too: they may appear only in credential
// output and in the session cache. Endpoint answers a test recorded (`stdoutIsEndpointOutput`) are scanned for
// long-term secrets and OTP seeds; the environment of children named in `recordEnvOf` (the commands `exec` runs)
// is logged by their shims and scanned for every kind.
//
//   const canaries = createCanaryHarness();
//   const sandbox = createSandbox(canaries.sandboxOptions({ store, endpoint }));
//   ... run things ...
//   expect(canaries.scan(sandbox)).toEqual([]);
import { randomBytes } from "node:crypto";
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { delimiter, join, relative, sep } from "node:path";
import { fakeOpPath, pathWithFakeOp } from "../fake-op/fixture.js";
import type { Sandbox, SandboxOptions, Transcript } from "./sandbox.js";
import { makeTempDir } from "./temp-dirs.js";

export type CanaryKind = "long-term secret" | "OTP seed" | "served session secret" | "sign-in token";

export interface CanaryFinding {
  kind: CanaryKind;
  /** Where it was found: "stderr of aws-op process --profile x", "file .cache/aws-op/...", "op call log" ... */
  where: string;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A 40-character secret access key that is unmistakably a canary. */
export function canarySecretKey(): string {
  return `CanaryLongTermSecret${randomBytes(15).toString("base64url")}`.slice(0, 40);
}

/** A base32 TOTP seed that is unmistakably a canary. */
export function canaryOtpSeed(): string {
  const bytes = randomBytes(22);
  return `CANARYSEED${[...bytes].map((b) => BASE32[b % 32]).join("")}`;
}

/** An access key ID (not a secret, but unique per item): AKIA + 16 characters. */
export function canaryAccessKeyId(): string {
  const bytes = randomBytes(10);
  return `AKIACANARY${[...bytes].map((b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[b % 36]).join("")}`;
}

export interface ShimSpec {
  /** Command name as aws-op spawns it through PATH. */
  name: string;
  /** Also log the child's environment (for children that must never get a secret in their environment). */
  recordEnv?: boolean;
  /** The real executable; default: found on PATH (for `op`: the fake op). */
  target?: string;
}

/** Commands aws-op itself starts: op (item reads and writes) and mkfifo (item templates). */
export const DEFAULT_SHIMS: ShimSpec[] = [
  { name: "op", recordEnv: true },
  { name: "mkfifo", recordEnv: true },
];

export interface CanaryHarness {
  transcript: Transcript;
  /** PATH directory of logging shims (first on PATH in sandboxOptions). */
  shimDir: string;
  shimLog: string;
  /** TMPDIR for every run: aws-op's temporary FIFOs land here and are scanned. */
  tmpDir: string;
  longTermSecrets: Set<string>;
  otpSeeds: Set<string>;
  servedSecrets: Set<string>;
  /** Console sign-in tokens handed out (by the test's federation endpoint): only `login --stdout` may print one. */
  signinTokens: Set<string>;
  /** Extra cache roots (AWS_OP_CACHE_DIR) whose sessions/ files may hold served credentials. */
  cacheRoots: string[];
  /** Files (absolute paths) allowed to hold long-term secrets, e.g. a credentials file a test planted keys in. */
  allowedFiles: Set<string>;
  sandboxOptions(options?: SandboxOptions): SandboxOptions;
  scan(sandbox: Sandbox): CanaryFinding[];
}

/** An executable file on PATH (never a shell builtin's bare name, which would make the shim run itself). */
function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function writeShim(dir: string, log: string, spec: ShimSpec): void {
  const target = spec.target ?? (spec.name === "op" ? fakeOpPath : findOnPath(spec.name));
  if (!target) throw new Error(`canary harness: ${spec.name} not found on PATH`);
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const lines = [
    "#!/bin/sh",
    "# Logs argv (and maybe the environment) of a child of aws-op, then runs the real command.",
    `{ printf 'argv:'; for a in "$0" "$@"; do printf ' %s' "$a"; done; printf '\\n';${
      spec.recordEnv ? " export -p;" : ""
    } } >> ${quote(log)}`,
    `exec ${quote(target)} "$@"`,
    "",
  ];
  const path = join(dir, spec.name);
  writeFileSync(path, lines.join("\n"));
  chmodSync(path, 0o755);
}

export function createCanaryHarness(options: { shims?: ShimSpec[] } = {}): CanaryHarness {
  const root = makeTempDir("aws-op-canary-");
  const shimDir = join(root, "bin");
  const tmpDir = join(root, "tmp");
  const shimLog = join(root, "children.log");
  mkdirSync(shimDir, { mode: 0o700 });
  mkdirSync(tmpDir, { mode: 0o700 });
  for (const spec of options.shims ?? DEFAULT_SHIMS) writeShim(shimDir, shimLog, spec);
  const harness: CanaryHarness = {
    transcript: { entries: [] },
    shimDir,
    shimLog,
    tmpDir,
    longTermSecrets: new Set(),
    otpSeeds: new Set(),
    servedSecrets: new Set(),
    signinTokens: new Set(),
    cacheRoots: [],
    allowedFiles: new Set(),
    sandboxOptions: (base = {}) => ({
      ...base,
      transcript: harness.transcript,
      env: {
        PATH: `${shimDir}${delimiter}${pathWithFakeOp(process.env.PATH)}`,
        TMPDIR: tmpDir,
        ...(base.env ?? {}),
      },
    }),
    scan: (sandbox) => scanForCanaries(harness, sandbox),
  };
  return harness;
}

/** Is this run's stdout credential output (which may and must hold the served secrets)? */
function isCredentialOutput(args: string[]): boolean {
  const command = args.find((a) => !a.startsWith("-"));
  return command === "process" || command === "env";
}

/** Is this run `aws-op login --stdout`, whose stdout is the sign-in URL (and nothing else secret)? */
function isSigninOutput(args: string[]): boolean {
  return args.find((a) => !a.startsWith("-")) === "login" && args.includes("--stdout");
}

/** Session credentials in credential output: they become canaries for everything else. */
function collectServedSecrets(stdout: string, into: Set<string>): void {
  for (const line of stdout.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.startsWith("{")) {
      try {
        const json = JSON.parse(trimmed) as Record<string, unknown>;
        // credential_process output has SessionToken, the container-credentials answer Token.
        const token = json.SessionToken ?? json.Token;
        if (typeof token === "string" && token) {
          into.add(token);
          if (typeof json.SecretAccessKey === "string") into.add(json.SecretAccessKey);
        }
      } catch {
        // not JSON
      }
    }
    // `env` output: export AWS_SESSION_TOKEN=... (any quoting)
    const token = /AWS_SESSION_TOKEN=["']?([^"'\s]+)/.exec(line)?.[1];
    if (token) into.add(token);
  }
  const secret = /AWS_SECRET_ACCESS_KEY=["']?([^"'\s]+)/.exec(stdout)?.[1];
  if (secret && /AWS_SESSION_TOKEN=/.test(stdout)) into.add(secret);
}

function walk(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      continue;
    }
    if (stat.isDirectory()) walk(path, out);
    else if (stat.isFile()) out.push(path);
  }
}

export function scanForCanaries(harness: CanaryHarness, sandbox: Sandbox): CanaryFinding[] {
  const findings: CanaryFinding[] = [];
  for (const entry of harness.transcript.entries) {
    if (
      (entry.command === "aws-op" && isCredentialOutput(entry.args) && entry.result.status === 0) ||
      entry.stdoutIsEndpointOutput === true
    ) {
      collectServedSecrets(entry.result.stdout, harness.servedSecrets);
    }
  }
  const all: [CanaryKind, Set<string>][] = [
    ["long-term secret", harness.longTermSecrets],
    ["OTP seed", harness.otpSeeds],
    ["served session secret", harness.servedSecrets],
    ["sign-in token", harness.signinTokens],
  ];
  const check = (text: string, where: string, kinds: [CanaryKind, Set<string>][] = all) => {
    for (const [kind, values] of kinds) {
      for (const value of values) {
        if (value && text.includes(value)) findings.push({ kind, where });
      }
    }
  };

  for (const entry of harness.transcript.entries) {
    const label = `${entry.command} ${entry.args.join(" ")}`;
    check(entry.result.stderr, `stderr of ${label}`);
    const credentialStdout =
      (entry.command === "aws-op" && isCredentialOutput(entry.args)) || entry.stdoutMayHoldCredentials === true;
    if (entry.stdoutIsEndpointOutput === true) {
      check(
        entry.result.stdout,
        `credentials endpoint answer in stdout of ${label}`,
        all.filter(([kind]) => kind !== "served session secret"),
      );
    } else if (entry.command === "aws-op" && isSigninOutput(entry.args)) {
      check(
        entry.result.stdout,
        `stdout of ${label}`,
        all.filter(([kind]) => kind !== "sign-in token"),
      );
    } else if (!credentialStdout) check(entry.result.stdout, `stdout of ${label}`);
  }

  const cacheRoots = [join(sandbox.cacheDir, "aws-op"), ...harness.cacheRoots];
  // Sessions that AWS tools (not the test) received are known from the cache itself.
  for (const root of cacheRoots) {
    const dir = join(root, "sessions");
    const names = existsSync(dir) ? readdirSync(dir) : [];
    for (const name of names.filter((n) => n.endsWith(".json"))) {
      try {
        const entry = JSON.parse(readFileSync(join(dir, name), "utf8")) as {
          credentials?: { SecretAccessKey?: string; SessionToken?: string };
        };
        if (entry.credentials?.SecretAccessKey) harness.servedSecrets.add(entry.credentials.SecretAccessKey);
        if (entry.credentials?.SessionToken) harness.servedSecrets.add(entry.credentials.SessionToken);
      } catch {
        // corrupt entries hold nothing to learn
      }
    }
  }
  const isSessionCacheFile = (path: string) =>
    cacheRoots.some((root) => {
      const rel = relative(join(root, "sessions"), path);
      return !rel.startsWith("..") && !rel.includes(sep) && rel.endsWith(".json") && !rel.startsWith(".");
    });
  const files: string[] = [];
  walk(sandbox.home, files);
  walk(harness.tmpDir, files);
  for (const root of harness.cacheRoots) walk(root, files);
  for (const path of new Set(files)) {
    let text: string;
    try {
      text = readFileSync(path, "latin1");
    } catch {
      continue;
    }
    const where = `file ${path}`;
    if (harness.allowedFiles.has(path)) continue;
    if (isSessionCacheFile(path)) {
      check(
        text,
        `session cache ${where}`,
        all.filter(([kind]) => kind !== "served session secret"),
      );
    } else {
      check(text, where);
    }
  }

  if (existsSync(sandbox.store.logPath)) check(readFileSync(sandbox.store.logPath, "utf8"), "op call log (argv)");
  if (existsSync(harness.shimLog)) check(readFileSync(harness.shimLog, "utf8"), "argv/environment of a child");
  return findings;
}
