// The one fake STS over HTTP, on loopback: answers the AWS query protocol (form body, XML reply) with scripted
// replies: credentials, an AWS error, or no answer at all; GetCallerIdentity with the user a key belongs to. It
// records every request (action, access key ID from the SigV4 Authorization header, MFA code) and closes every
// socket on stop, so nothing outlives its user. The fault tests (test/e2e/hardening/) script its failures;
// `npm run demo` uses it where moto is not installed. Only Node built-ins: the demo is bundled from it.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./loopback-server.js";

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
  /** Session credentials (for GetCallerIdentity: the key's identity); `expiration` overrides the honest one
   * (now + DurationSeconds). */
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
  /** The IAM user name of a long-term access key ID, for GetCallerIdentity (default u-<its last 4 characters>). */
  users: Map<string, string>;
  /** Replace the reply logic (default: credentials for everyone); `index` counts the requests of its action. */
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

const ACCOUNT = "123456789012";

/** The long-term key ID behind each session key issued, so GetCallerIdentity with a session names its user. */
const sessionOwners = new Map<string, string>();

function identityXml(fake: FakeSts, request: StsRequest): string {
  const owner = sessionOwners.get(request.accessKeyId) ?? request.accessKeyId;
  const user = fake.users.get(owner) ?? `u-${owner.slice(-4)}`;
  return `<?xml version="1.0" encoding="UTF-8"?><GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/${xmlEscape(user)}</Arn><UserId>AIDA${createHash("sha256").update(owner).digest("hex").slice(0, 16).toUpperCase()}</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>fake-identity</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
}

function credentialsXml(request: StsRequest, expirationOverride?: string): string {
  const duration = Number(request.params.get("DurationSeconds") ?? "3600");
  const expiration = expirationOverride ?? new Date(Date.now() + duration * 1000).toISOString();
  issued += 1;
  sessionOwners.set(sessionKeyFor(request.accessKeyId), request.accessKeyId);
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
    users: new Map(),
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
      // Numbered per action: a GetCallerIdentity that goes out alongside does not shift a script of attempts.
      const index = fake.requests.filter((r) => r.action === request.action).length;
      fake.requests.push(request);
      const reply = fake.reply(request, index);
      if (reply.kind === "hang") return; // never answer; stop() destroys the socket
      if (reply.kind === "huge") {
        streamHugeBody(res, reply.bytes, reply.filler ?? "<a>", reply.chunked ?? false);
        return;
      }
      const body =
        reply.kind === "credentials"
          ? request.action === "GetCallerIdentity"
            ? identityXml(fake, request)
            : credentialsXml(request, reply.expiration)
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
