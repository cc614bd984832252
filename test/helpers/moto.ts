// Starts moto_server (a local STS/IAM) on a free loopback port for end-to-end tests, and stops it afterwards.
// Where moto or the AWS CLI is missing, suites skip with a note; under CI=true a missing tool is a failure.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer as createHttpServer, request } from "node:http";
import { createServer, connect } from "node:net";
import type { IAMClient } from "@aws-sdk/client-iam";
import { makeStore, scriptRecipeItem, type AwsItemSpec, type StoreItem } from "../fake-op/fixture.js";
import { createSandbox, type Sandbox, type SandboxOptions } from "./sandbox.js";
import { listenOnLoopback } from "./loopback-server.js";

export function findExecutable(name: string): string | undefined {
  const result = spawnSync("sh", ["-c", 'command -v "$1"', "sh", name], { encoding: "utf8" });
  const path = result.stdout.trim();
  return result.status === 0 && path ? path : undefined;
}

/** Tools the end-to-end suites need; a missing one is a skip locally, a failure in CI. */
export function requireTools(names: string[]): { available: boolean; missing: string[] } {
  const missing = names.filter((n) => findExecutable(n) === undefined);
  if (missing.length > 0) {
    if (process.env.CI === "true") {
      throw new Error(
        `End-to-end tests need ${missing.join(", ")} (CI=true: a skip would hide a missing install step).`,
      );
    }
    console.warn(`Skipping end-to-end tests: ${missing.join(", ")} not found on PATH.`);
  }
  return { available: missing.length === 0, missing };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Does something accept a TCP connection on 127.0.0.1:port? */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** One STS/IAM call seen by the proxy: who signed it, its parameters, and the credentials moto answered with. */
export interface MotoCall {
  action: string;
  /** From the SigV4 Authorization header. */
  accessKeyId: string | undefined;
  params: URLSearchParams;
  issued?: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  /**
   * How long the caller waited on the server side: from the proxy's first sight of the request to its last byte of
   * the answer (moto's time plus the proxy's hop), in ms. The benchmark subtracts it from a cold run: with a real
   * STS this is the network's and AWS's time, not aws-op's.
   */
  serverMs?: number;
}

export interface Moto {
  /** A counting proxy in front of moto: point every client here. */
  url: string;
  /** How many requests with this Action (e.g. "GetSessionToken") went through the proxy. */
  calls(action: string): number;
  /** The parameters of each request with this Action, in order (e.g. the TokenCode a GetSessionToken carried). */
  requests(action: string): URLSearchParams[];
  /** Each request with this Action, in order, with who signed it and what moto answered. */
  recordedCalls(action: string): MotoCall[];
  /** Every request since the last reset, in order. */
  allCalls(): MotoCall[];
  resetCalls(): void;
  stop(): Promise<void>;
  /** Reset moto's state (all IAM users, keys). */
  reset(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, PYTHONWARNINGS: "ignore" },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + 30_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`moto_server did not start on port ${port}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const motoUrl = `http://127.0.0.1:${port}`;
  const counts = new Map<string, number>();
  const recorded: MotoCall[] = [];
  const xmlValue = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
  // Count AWS query-protocol actions (Action=... in the form body) on their way to moto.
  const proxy = createHttpServer((req, res) => {
    const receivedAt = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString("utf8"));
      const params = form.get("Action") ? form : new URL(req.url ?? "/", motoUrl).searchParams;
      const action = params.get("Action");
      const call: MotoCall | undefined = action
        ? { action, accessKeyId: /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? "")?.[1], params }
        : undefined;
      if (call) {
        counts.set(call.action, (counts.get(call.action) ?? 0) + 1);
        recorded.push(call);
      }
      const upstream = request(
        { host: "127.0.0.1", port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          const answer: Buffer[] = [];
          up.on("data", (c: Buffer) => answer.push(c));
          up.on("end", () => {
            const xml = Buffer.concat(answer).toString("utf8");
            const [accessKeyId, secretAccessKey, sessionToken] = ["AccessKeyId", "SecretAccessKey", "SessionToken"].map(
              (tag) => xmlValue(xml, tag),
            );
            if (call && accessKeyId && secretAccessKey && sessionToken) {
              call.issued = { accessKeyId, secretAccessKey, sessionToken };
            }
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(Buffer.concat(answer));
            if (call) call.serverMs = Number(process.hrtime.bigint() - receivedAt) / 1e6;
          });
        },
      );
      upstream.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  const listening = await listenOnLoopback(proxy);
  return {
    url: listening.url,
    calls: (action) => counts.get(action) ?? 0,
    requests: (action) => recorded.filter((r) => r.action === action).map((r) => r.params),
    recordedCalls: (action) => recorded.filter((r) => r.action === action),
    allCalls: () => [...recorded],
    resetCalls: () => {
      counts.clear();
      recorded.length = 0;
    },
    stop: async () => {
      await listening.stop();
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      });
    },
    reset: async () => {
      await fetch(`${motoUrl}/moto-api/reset`, { method: "POST" });
      counts.clear();
      recorded.length = 0;
    },
  };
}

/** An IAM client of moto's administrator (moto's fixed "testing" keys): for a test to set up and check IAM. */
export async function motoIam(motoUrl: string): Promise<IAMClient> {
  const { IAMClient } = await import("@aws-sdk/client-iam");
  return new IAMClient({
    region: "us-east-1",
    endpoint: motoUrl,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
}

/** Create an IAM user with an access key in moto; returns the key (moto's GetCallerIdentity maps it to the user). */
export async function createIamUserWithKey(
  motoUrl: string,
  userName: string,
): Promise<{ accessKeyId: string; secretAccessKey: string; arn: string }> {
  const { CreateUserCommand, CreateAccessKeyCommand } = await import("@aws-sdk/client-iam");
  const iam = await motoIam(motoUrl);
  try {
    const user = await iam.send(new CreateUserCommand({ UserName: userName }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    if (!key.AccessKey?.AccessKeyId || !key.AccessKey.SecretAccessKey || !user.User?.Arn)
      throw new Error("moto gave no key");
    return {
      accessKeyId: key.AccessKey.AccessKeyId,
      secretAccessKey: key.AccessKey.SecretAccessKey,
      arn: user.User.Arn,
    };
  } finally {
    iam.destroy();
  }
}

/**
 * The usual end-to-end world: moto, an IAM user "alice" with a real moto key, and a sandbox whose fake op holds
 * that key in item "AWS work" (shell-script recipe layout) of vault "Work", plus any extra items.
 */
export async function startAliceWorld(
  options: { item?: Partial<AwsItemSpec>; extraItems?: StoreItem[]; recordEnvOf?: SandboxOptions["recordEnvOf"] } = {},
): Promise<{ moto: Moto; sandbox: Sandbox; alice: { accessKeyId: string; secretAccessKey: string; arn: string } }> {
  const moto = await startMoto();
  const alice = await createIamUserWithKey(moto.url, "alice");
  const sandbox = createSandbox({
    endpoint: moto.url,
    ...(options.recordEnvOf ? { recordEnvOf: options.recordEnvOf } : {}),
    store: makeStore({
      vault: "Work",
      items: [
        scriptRecipeItem({
          title: "AWS work",
          accessKeyId: alice.accessKeyId,
          secretAccessKey: alice.secretAccessKey,
          ...options.item,
        }),
        ...(options.extraItems ?? []),
      ],
    }),
  });
  return { moto, sandbox, alice };
}
