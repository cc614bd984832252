// A tiny STS on loopback for fault tests: answers the AWS query protocol (form body, XML reply) with scripted
// replies: credentials, an AWS error, or no answer at all. It records every request (action, access key ID from
// the SigV4 Authorization header, MFA code) and closes every socket on stop, so nothing outlives the suite. With it,
// the world of the fault tests (useFakeStsWorld) and what every failure they provoke must look like.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { makeStore } from "../../fake-op/fixture.js";
import type { StoreItem } from "../../fake-op/store.js";
import { createCanaryHarness, type CanaryHarness } from "../../helpers/canary.js";
import { listenOnLoopback } from "../../helpers/loopback-server.js";
import { createSandbox, type RunResult, type Sandbox } from "../../helpers/sandbox.js";

export interface StsRequest {
  action: string;
  accessKeyId: string;
  params: URLSearchParams;
  tokenCode?: string;
  serialNumber?: string;
  /** Real time the request arrived (ms). */
  at: number;
}

export type StsReply =
  /** Session credentials; `expiration` overrides the honest one (now + DurationSeconds). */
  | { kind: "credentials"; expiration?: string }
  | { kind: "error"; status: number; code: string; message: string }
  | { kind: "hang" }
  /** Any body, as given. */
  | { kind: "raw"; status: number; body: string }
  /** A 200 answer whose body is `bytes` long (streamed in 1 MiB chunks of `filler`, with a Content-Length unless
   * `chunked`), never all in memory. */
  | { kind: "huge"; bytes: number; filler?: string; chunked?: boolean };

export interface FakeSts {
  url: string;
  requests: StsRequest[];
  /** Replace the reply logic (default: credentials for everyone). */
  reply: (request: StsRequest, index: number) => StsReply;
  stop(): Promise<void>;
}

/** Session credentials the fake issues for a long-term key: derived from it, so a test can tell whose they are. */
export function sessionKeyFor(accessKeyId: string): string {
  return `ASIA${createHash("sha256").update(accessKeyId).digest("hex").slice(0, 16).toUpperCase()}`;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

let issued = 0;

function credentialsXml(request: StsRequest, expirationOverride?: string): string {
  const duration = Number(request.params.get("DurationSeconds") ?? "3600");
  const expiration = expirationOverride ?? new Date(Date.now() + duration * 1000).toISOString();
  issued += 1;
  const inner = `<Credentials><AccessKeyId>${sessionKeyFor(request.accessKeyId)}</AccessKeyId><SecretAccessKey>fakeStsSecret${issued}x${request.accessKeyId}</SecretAccessKey><SessionToken>fakeStsToken${issued}x${request.accessKeyId}</SessionToken><Expiration>${expiration}</Expiration></Credentials>`;
  const role =
    request.action === "AssumeRole"
      ? `<AssumedRoleUser><Arn>${xmlEscape(request.params.get("RoleArn") ?? "")}/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>`
      : "";
  return `<?xml version="1.0" encoding="UTF-8"?><${request.action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${request.action}Result>${inner}${role}</${request.action}Result><ResponseMetadata><RequestId>fake-${issued}</RequestId></ResponseMetadata></${request.action}Response>`;
}

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>fake-error</RequestId></ErrorResponse>`;
}

/** Stream `bytes` of `filler` (with backpressure), stopping as soon as the client goes away. */
function streamHugeBody(res: ServerResponse, bytes: number, filler: string, chunked: boolean): void {
  const chunk = Buffer.from(filler.repeat(Math.ceil((1 << 20) / filler.length))).subarray(0, 1 << 20);
  let left = bytes;
  res.writeHead(200, { "content-type": "text/xml", ...(chunked ? {} : { "content-length": String(bytes) }) });
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) {
        res.once("drain", pump);
        return;
      }
    }
    if (left <= 0) res.end();
  };
  res.on("close", () => (left = 0));
  pump();
}

export async function startFakeSts(): Promise<FakeSts> {
  const fake: FakeSts = {
    url: "",
    requests: [],
    reply: () => ({ kind: "credentials" }),
    stop: async () => undefined,
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const auth = req.headers.authorization ?? "";
      const request: StsRequest = {
        action: params.get("Action") ?? "",
        accessKeyId: /Credential=([^/]+)\//.exec(auth)?.[1] ?? "",
        params,
        at: Date.now(),
        ...(params.get("TokenCode") ? { tokenCode: params.get("TokenCode") ?? "" } : {}),
        ...(params.get("SerialNumber") ? { serialNumber: params.get("SerialNumber") ?? "" } : {}),
      };
      const index = fake.requests.push(request) - 1;
      const reply = fake.reply(request, index);
      if (reply.kind === "hang") return; // never answer; stop() destroys the socket
      if (reply.kind === "huge") {
        streamHugeBody(res, reply.bytes, reply.filler ?? "<a>", reply.chunked ?? false);
        return;
      }
      const body =
        reply.kind === "credentials"
          ? credentialsXml(request, reply.expiration)
          : reply.kind === "raw"
            ? reply.body
            : errorXml(reply.code, reply.message);
      res.writeHead(reply.kind === "credentials" ? 200 : reply.status, { "content-type": "text/xml" });
      res.end(body);
    });
  });
  return Object.assign(fake, await listenOnLoopback(server));
}

/** A scripted AWS error answer. */
export function stsError(status: number, code: string, message: string): StsReply {
  return { kind: "error", status, code, message };
}

/** A failure of `process` as an AWS tool must see it: exit 1, nothing on stdout, aws-op's message saying `message`. */
export function expectCleanFailure(result: RunResult, message: RegExp): void {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/^aws-op: /);
  expect(result.stderr).toMatch(message);
}

export interface FakeStsWorld {
  sts: FakeSts;
  sandbox: Sandbox;
  canaries: CanaryHarness;
}

/**
 * For one describe block: the fake STS, and a sandbox pointed at it whose store holds `items` in vault Work, with
 * `config` written and every run recorded for the canary scan (`secrets` and `otpSeeds` are canaries). Before each
 * test, no requests are left, STS answers with credentials, and the cache is empty; the STS stops after the block.
 */
export function useFakeStsWorld(
  options: { items: StoreItem[]; config: string; secrets: string[]; otpSeeds?: string[] },
  use: (world: FakeStsWorld) => void,
): void {
  let world: FakeStsWorld | undefined;
  beforeAll(async () => {
    const sts = await startFakeSts();
    const canaries = createCanaryHarness();
    for (const secret of options.secrets) canaries.longTermSecrets.add(secret);
    for (const seed of options.otpSeeds ?? []) canaries.otpSeeds.add(seed);
    const sandbox = createSandbox(
      canaries.sandboxOptions({
        endpoint: sts.url,
        store: makeStore({ vault: "Work", items: options.items }),
      }),
    );
    sandbox.writeConfig(options.config);
    world = { sts, sandbox, canaries };
    use(world);
  });
  afterAll(async () => {
    await world?.sts.stop();
  });
  beforeEach(async () => {
    if (!world) return;
    world.sts.requests.length = 0;
    world.sts.reply = () => ({ kind: "credentials" });
    await world.sandbox.run(["clear", "--all"]);
  });
}
