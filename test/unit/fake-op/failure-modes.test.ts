// FAKE_OP_FAIL / FAKE_OP_FAIL_ON / FAKE_OP_LATENCY_MS on the built double.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hasProc, processesWithEnv } from "../../helpers/processes.js";
import {
  FAILURE_MODES,
  type FailureMode,
  type TempStore,
  createTempStore,
  ensureFakeOpBuilt,
  env,
  fakeOpPath,
  makeAccount,
  makeStore,
  makeVault,
  runFakeOp,
  scriptRecipeItem,
} from "../../fake-op/fixture.js";

const ITEM_ID = "wrkaaaaaaaaaaaaaaaaaaaaaaa";
const GET = ["item", "get", ITEM_ID, "--format", "json"];

let temp: TempStore;

beforeAll(async () => {
  await ensureFakeOpBuilt();
});

beforeEach(() => {
  temp = createTempStore(
    makeStore({
      items: [scriptRecipeItem({ id: ITEM_ID, title: "AWS work", accessKeyId: "AKIA1", secretAccessKey: "s" })],
    }),
  );
});

afterEach(() => {
  rmSync(temp.dir, { recursive: true, force: true });
});

function op(argv: string[], fail?: FailureMode, failOn?: string): ReturnType<typeof runFakeOp> {
  return runFakeOp(argv, {
    env: env({ store: temp.storePath, ...(fail ? { fail } : {}), ...(failOn ? { failOn } : {}) }),
  });
}

/** Exactly one `[ERROR] <local time> <message>` line (plus optional unprefixed lines), nothing on stdout, exit 1. */
function expectOpError(result: ReturnType<typeof runFakeOp>, message: string): void {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe("");
  const [first] = result.stderr.split("\n");
  expect(first).toMatch(/^\[ERROR\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /);
  expect(first?.replace(/^\[ERROR\] \S+ \S+ /, "")).toBe(message);
}

const SESSION_FAILURES: [FailureMode, string][] = [
  [
    "not-signed-in",
    "error initializing client: You are not currently signed in. Please run `op signin --help` for instructions",
  ],
  ["dismissed", "authorization prompt dismissed, please try again"],
  ["locked", "authorization prompt dismissed, please try again"],
  ["auth-timeout", "error initializing client: authorization timeout"],
  ["app-unreachable", "connecting to desktop app: connecting to desktop app timed out"],
  ["forbidden", "(403) Forbidden: You aren't authorized to access this resource."],
  ["rate-limited", "Too many requests. Your client has been rate-limited."],
  ["rate-limited-429", "(429) Too Many Requests: You've reached the maximum number of requests. Try again later."],
  [
    "app-not-running",
    "connecting to desktop app: cannot connect to 1Password app, make sure it is running and CLI integration is on",
  ],
  [
    "connection-reset",
    "connecting to desktop app: read unix @->/run/user/1000/1Password-BrowserSupport.sock: read: connection reset by peer",
  ],
  ["lost-connection", "LostConnectionToApp: the connection to the 1Password app was lost"],
  ["unknown-error", "something unexpected happened"],
];

/** op 2.38 with no account: unprefixed hint lines first, then an [ERROR] line with nothing after the colon. */
function expectNoAccountsLayout(result: ReturnType<typeof runFakeOp>): void {
  expect(result).toMatchObject({ status: 1, stdout: "" });
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines[0]).toBe("No accounts configured for use with 1Password CLI.");
  expect(lines.slice(0, -1).every((line) => !line.startsWith("[ERROR]"))).toBe(true);
  expect(lines.at(-1)).toMatch(/^\[ERROR\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} error initializing client:$/);
}

describe("fake op: session failure modes", () => {
  it("covers every mode in FAILURE_MODES between this table and the process modes below", () => {
    const tested = [
      ...SESSION_FAILURES.map(([mode]) => mode),
      "no-accounts",
      "api-error",
      "garbage",
      "truncated",
      "hang",
      "exit0-stderr",
      "crash",
    ];
    expect([...tested].sort()).toEqual([...FAILURE_MODES].sort());
  });

  it.each(SESSION_FAILURES)("%s: item get fails with the real text", (mode, message) => {
    expectOpError(op(GET, mode), message);
  });

  it.each(SESSION_FAILURES)("%s: --version still answers", (mode) => {
    expect(op(["--version"], mode)).toEqual({ stdout: "2.32.0\n", stderr: "", status: 0 });
  });

  it("no-accounts: the hint lines come first, then an empty error initializing client:; account list is empty", () => {
    expectNoAccountsLayout(op(GET, "no-accounts"));
    expect(JSON.parse(op(["account", "list", "--format", "json"], "no-accounts").stdout)).toEqual([]);
    // whoami says it its own way (facts): an empty filter.
    expectOpError(op(["whoami", "--format", "json"], "no-accounts"), "no account found for filter ");
  });

  it("api-error: an API error exits 4, not 1", () => {
    const result = op(GET, "api-error");
    expect(result.status).toBe(4);
    expect(result.stderr).toMatch(/^\[ERROR\] \S+ \S+ \(400\) Bad Request: /);
  });

  it("FAKE_OP_EXIT_CODE sets the exit code of a failing call", () => {
    const result = runFakeOp(GET, {
      env: env({ store: temp.storePath, fail: "unknown-error", exitCode: 3 }),
    });
    expect(result.status).toBe(3);
    expect(op(["--version"]).status).toBe(0);
  });

  it("a service account must pass --vault to item get and item list (the real text)", () => {
    temp = createTempStore(
      makeStore({
        accounts: [makeAccount({ user_type: "SERVICE_ACCOUNT", vaults: [makeVault("CI", [])] })],
      }),
    );
    const message =
      "a vault query must be provided when this command is called by a service account. Please specify one either through the --vault flag or through piped input";
    expectOpError(op(GET), message);
    expectOpError(op(["item", "list", "--format", "json"]), message);
    expect(op(["item", "list", "--vault", "CI", "--format", "json"]).status).toBe(0);
  });

  it("account list reads local config, so a signed-out session does not affect it", () => {
    expect(op(["account", "list", "--format", "json"], "not-signed-in").status).toBe(0);
  });

  it("a store with signedIn: false behaves like not-signed-in", () => {
    temp = createTempStore(makeStore({ signedIn: false }));
    expectOpError(op(["whoami", "--format", "json"]), SESSION_FAILURES[0]?.[1] ?? "");
  });

  it("a store without accounts behaves like no-accounts", () => {
    temp = createTempStore({ signedIn: true, accounts: [] });
    expectNoAccountsLayout(op(GET));
  });

  it("FAKE_OP_FAIL_ON limits the failure to calls whose argv starts with it", () => {
    expect(op(GET, "forbidden", "item create").status).toBe(0);
    const create = op(["item", "create", "--vault", "Private", "--category", "Login"], "forbidden", "item create");
    expectOpError(create, "(403) Forbidden: You aren't authorized to access this resource.");
  });

  it("an unknown mode is a loud error", () => {
    const result = runFakeOp(GET, { env: { FAKE_OP_STORE: temp.storePath, FAKE_OP_FAIL: "sometimes" } });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/unknown FAKE_OP_FAIL mode "sometimes"/);
  });
});

describe("fake op: process failure modes", () => {
  it("garbage: exit 0 with stdout that is not JSON", () => {
    const result = op(GET, "garbage");
    expect(result.status).toBe(0);
    expect(result.stdout).not.toBe("");
    expect(() => JSON.parse(result.stdout) as unknown).toThrow();
  });

  it("truncated: exit 0 with the first half of the real document", () => {
    const full = op(GET).stdout;
    const result = op(GET, "truncated");
    expect(result.status).toBe(0);
    expect(full.startsWith(result.stdout)).toBe(true);
    expect(result.stdout.length).toBeLessThan(full.length);
    expect(() => JSON.parse(result.stdout) as unknown).toThrow();
  });

  it("exit0-stderr: exit 0, empty stdout, an [ERROR] line on stderr", () => {
    const result = op(GET, "exit0-stderr");
    expect(result).toMatchObject({ status: 0, stdout: "" });
    expect(result.stderr).toMatch(/^\[ERROR\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} .+\n$/);
  });

  it("crash: exit 2 with a Go panic", () => {
    const result = op(GET, "crash");
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^panic: /);
    expect(result.stderr).toContain("goroutine 1 [running]:");
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.runIf(hasProc)("fake op: hang", () => {
  it("never answers, in one process like the real op (no child), so a kill by pid ends it all", async () => {
    const child = spawn(fakeOpPath, GET, {
      env: { PATH: process.env.PATH ?? "", ...env({ store: temp.storePath, fail: "hang" }) },
      stdio: "ignore",
    });
    const pid = child.pid ?? 0;
    const exited = new Promise((resolve) => child.on("exit", resolve));
    await waitFor(() => processesWithEnv("FAKE_OP_STORE", temp.storePath).length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(child.exitCode).toBeNull();
    expect(processesWithEnv("FAKE_OP_STORE", temp.storePath)).toEqual([pid]);
    process.kill(pid, "SIGKILL");
    await exited;
    await waitFor(() => processesWithEnv("FAKE_OP_STORE", temp.storePath).length === 0);
  });
});

describe("fake op: latency", () => {
  it("FAKE_OP_LATENCY_MS delays the answer", () => {
    const started = Date.now();
    const result = runFakeOp(["--version"], { env: env({ store: temp.storePath, latencyMs: 400 }) });
    expect(result.stdout).toBe("2.32.0\n");
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });
});
