// Which credential_process each AWS client finds for a profile, asked of the clients' own loaders: botocore (the
// AWS CLI v1 and boto3: a Python child, test/helpers/oracles/botocore-profiles.py), the JS SDK v3 (its
// loadSharedConfigFiles, in this process) and the Go SDK v2 (Debian's, config.LoadSharedConfigProfile: a small
// program, test/helpers/oracles/go-shared-config/main.go, built once per test run). The two children stay up and
// answer one JSON line per config, so a property test can ask them about thousands of configs in seconds.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { externalDataInterceptor, parseKnownFiles } from "@smithy/core/config";
import { repoRoot } from "../fake-op/fixture.js";
import { requireTools } from "./moto.js";

export const ORACLE_CLIENTS = ["botocore", "the JS SDK v3", "the Go SDK v2"] as const;
export type OracleClient = (typeof ORACLE_CLIENTS)[number];

/**
 * What one client reads: the credential_process it finds for each profile asked about (null: none), and whether it
 * failed on the files as a whole (then it serves no profile at all, and its values are all null).
 */
export interface ClientReading {
  failed: boolean;
  values: (string | null)[];
}
export type OracleReadings = Record<OracleClient, ClientReading>;

export interface AwsFileTexts {
  config: string;
  credentials: string;
}

export interface ProfileOracles {
  /** Writes the two files and asks each client about each profile. One call at a time. */
  read(files: AwsFileTexts, profiles: readonly string[]): Promise<OracleReadings>;
  close(): void;
}

/** An answer takes milliseconds; a child that takes this long is stuck. */
const ANSWER_TIMEOUT_MS = 20_000;
const GOPATH = "/usr/share/gocode";
const GO_SOURCE = join(repoRoot, "test/helpers/oracles/go-shared-config/main.go");
const BOTOCORE_SCRIPT = join(repoRoot, "test/helpers/oracles/botocore-profiles.py");

/**
 * Whether the oracles can run here. Outside CI a missing tool skips (with a warning); in CI (CI=true) it throws,
 * since .ci/run installs them and a skip would hide a broken install step.
 */
export function requireOracleTools(): { available: boolean } {
  const tools = requireTools(["python3", "go"]);
  if (!tools.available) return tools;
  const missing = [
    ...(spawnSync("python3", ["-c", "import botocore"]).status === 0
      ? []
      : ["botocore (python3 -c 'import botocore')"]),
    ...(existsSync(join(GOPATH, "src/github.com/aws/aws-sdk-go-v2/config"))
      ? []
      : ["Debian's golang-github-aws-aws-sdk-go-v2-dev"]),
  ];
  if (missing.length === 0) return { available: true };
  if (process.env.CI === "true") {
    throw new Error(`The client oracles need ${missing.join(" and ")} (CI=true: a skip would hide a missing install).`);
  }
  console.warn(`Skipping the client oracles: ${missing.join(" and ")} missing.`);
  return { available: false };
}

/**
 * The Go oracle's binary, built once per test run under the run's TMPDIR (test/setup/private-tmpdir.ts), named by
 * a digest of its source. GOPATH mode against Debian's SDK: no module proxy.
 */
function goOracleBinary(): string {
  const digest = createHash("sha256").update(readFileSync(GO_SOURCE)).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), `aws-op-go-oracle-${digest}`);
  const binary = join(dir, "go-shared-config");
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const building = `${binary}.${process.pid}`;
  const build = spawnSync("go", ["build", "-o", building, GO_SOURCE], {
    env: { ...process.env, GO111MODULE: "off", GOPATH, GOFLAGS: "" },
    encoding: "utf8",
    timeout: 240_000,
  });
  if (build.status !== 0) throw new Error(`go build of the Go SDK oracle failed: ${build.stderr || build.error}`);
  // Two test files may build at once: each renames its own build over the other's, the same program.
  renameSync(building, binary);
  return binary;
}

/** A child that answers one JSON line per JSON line it is sent. */
class LineChild {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  #stderr = "";
  #exited: Error | undefined;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
  ) {
    this.#child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    this.#child.stderr.on("data", (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString()).slice(-4000)));
    this.#child.stdin.on("error", () => undefined);
    createInterface({ input: this.#child.stdout }).on("line", (line) => this.#waiting.shift()?.resolve(line));
    const fail = (why: string) => {
      this.#exited = new Error(`${this.name} oracle ${why}: ${this.#stderr}`);
      for (const waiter of this.#waiting.splice(0)) waiter.reject(this.#exited);
    };
    this.#child.on("error", (error) => fail(`could not start (${error.message})`));
    this.#child.on("exit", (code, signal) => fail(`exited (${signal ?? code})`));
  }

  ask(request: unknown): Promise<string> {
    if (this.#exited) return Promise.reject(this.#exited);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // Its answers would no longer match the questions: it is of no more use.
        this.#exited = new Error(`${this.name} oracle did not answer within ${ANSWER_TIMEOUT_MS} ms: ${this.#stderr}`);
        reject(this.#exited);
      }, ANSWER_TIMEOUT_MS);
      this.#waiting.push({
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }

  close(): void {
    this.#child.stdin.end();
    if (this.#child.exitCode === null) this.#child.kill();
  }
}

function parseAnswer(client: string, line: string, count: number): ClientReading {
  const parsed = JSON.parse(line) as Partial<ClientReading> | null;
  const values: unknown = parsed?.values;
  if (
    typeof parsed?.failed !== "boolean" ||
    !Array.isArray(values) ||
    values.length !== count ||
    !values.every((v) => v === null || typeof v === "string")
  ) {
    throw new Error(`${client} oracle answered ${line}`);
  }
  return { failed: parsed.failed, values: values as (string | null)[] };
}

let instances = 0;

/**
 * The JS SDK v3's answer, as its process credential provider looks the profile up (resolveProcessCredentials). It
 * never fails on a file as a whole except on a "[__proto__]" header, which the tests do not write.
 */
async function readWithJsSdk(files: AwsFileTexts, profiles: readonly string[], id: number): Promise<ClientReading> {
  const configFilepath = `/aws-op-test/oracle-${process.pid}-${id}/config`;
  const filepath = `/aws-op-test/oracle-${process.pid}-${id}/credentials`;
  externalDataInterceptor.interceptFile(configFilepath, files.config);
  externalDataInterceptor.interceptFile(filepath, files.credentials);
  const merged = (await parseKnownFiles({ filepath, configFilepath, ignoreCache: true })) as Record<
    string,
    Record<string, unknown> | undefined
  >;
  const values = profiles.map((profile) => {
    const value = merged[profile]?.credential_process;
    return typeof value === "string" ? value : null;
  });
  return { failed: false, values };
}

/** Starts the botocore and Go children; `dir` holds the two files each config is written to. */
export function startProfileOracles(dir: string): ProfileOracles {
  const id = (instances += 1);
  const botocore = new LineChild("botocore", "python3", [BOTOCORE_SCRIPT]);
  const go = new LineChild("the Go SDK v2", goOracleBinary(), []);
  const config = join(dir, "oracle-config");
  const credentials = join(dir, "oracle-credentials");
  return {
    async read(files, profiles) {
      writeFileSync(config, files.config);
      writeFileSync(credentials, files.credentials);
      const request = { config, credentials, profiles };
      const [fromBotocore, fromGo, fromJs] = await Promise.all([
        botocore.ask(request),
        go.ask(request),
        readWithJsSdk(files, profiles, id),
      ]);
      return {
        botocore: parseAnswer("botocore", fromBotocore, profiles.length),
        "the JS SDK v3": fromJs,
        "the Go SDK v2": parseAnswer("the Go SDK v2", fromGo, profiles.length),
      };
    },
    close() {
      botocore.close();
      go.close();
    },
  };
}
