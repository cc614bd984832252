// The loopback credentials endpoint of `aws-op exec --server`: what ECS serves to containers and
// `aws-vault exec --ecs-server` serves to its child. AWS SDKs and CLIs find it through
// AWS_CONTAINER_CREDENTIALS_FULL_URI and send AWS_CONTAINER_AUTHORIZATION_TOKEN as the Authorization header; they
// re-ask before the served Expiration (botocore: 15 min, the JS SDK: 5 min), so a long-running command gets new
// credentials without holding any key in its environment.
//
// This module owns the HTTP side only: where it listens, who may ask, and the answer's shape. Where credentials
// come from is the caller's `retrieve` (the profile's provider chain and the session cache); concurrent requests
// share one call of it.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { toIsoSeconds, type AwsCredentials } from "../aws/credential-output.js";
import { UserError } from "../errors.js";

/** Loopback only: SDKs accept plain http for a full URI only on loopback, and nothing else should reach it. */
export const SERVER_HOST = "127.0.0.1";
export const CREDENTIALS_PATH = "/credentials";
/** 32 random bytes (43 base64url characters); the SDKs send the variable's value as it is. */
export const TOKEN_BYTES = 32;

export function newAuthorizationToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

export interface CredentialServerOptions {
  /** Credentials for one request: called at most once at a time (concurrent requests share the call). */
  retrieve: () => Promise<AwsCredentials>;
  /** The value clients must send as the Authorization header. */
  token: string;
  /** Told about every failed retrieval (the message names the fix); the client gets the same message. */
  onRetrieveError?: (error: unknown, message: string) => void;
  /** 0 (default): a free port. */
  port?: number;
}

export interface CredentialServer {
  /** The full URI for AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  url: string;
  port: number;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

/** The container-credentials answer. Token and Expiration are required by botocore's container provider. */
export function containerCredentialsJson(credentials: AwsCredentials): string {
  if (!credentials.sessionToken || !credentials.expiration) {
    throw new UserError("The credentials endpoint serves session credentials only, and these have no expiry.");
  }
  return JSON.stringify({
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    Token: credentials.sessionToken,
    Expiration: toIsoSeconds(credentials.expiration),
    ...(credentials.accountId ? { AccountId: credentials.accountId } : {}),
  });
}

/** The text a client and aws-op's stderr get for a failed retrieval: a UserError's message and fix, else nothing
 * that could hold a secret. */
export function retrieveErrorMessage(error: unknown): string {
  if (error instanceof UserError) return error.hint ? `${error.message} ${error.hint}` : error.message;
  return "aws-op could not get credentials (an unexpected error; see aws-op's output).";
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Constant time in the token's content and length: both sides are hashed to 32 bytes first. */
export function isAuthorized(header: string | undefined, expectedDigest: Buffer): boolean {
  if (header === undefined) return false;
  return timingSafeEqual(digest(header), expectedDigest);
}

/** A closure that runs `retrieve` once for every set of overlapping callers. */
export function singleFlight<T>(retrieve: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  return () =>
    (running ??= retrieve().finally(() => {
      running = undefined;
    }));
}

function reply(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(text)),
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, code: string, message: string, headers = {}): void {
  reply(res, status, JSON.stringify({ Code: code, Message: message }), headers);
}

export function startCredentialServer(options: CredentialServerOptions): Promise<CredentialServer> {
  const expectedDigest = digest(options.token);
  const retrieve = singleFlight(options.retrieve);
  let expectedHost = "";

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // DNS rebinding: a web page on evil.example whose name now resolves to 127.0.0.1 sends Host: evil.example.
    if ((req.headers.host ?? "").toLowerCase() !== expectedHost) {
      return refuse(res, 421, "MisdirectedRequest", `Only requests for ${expectedHost} are served.`);
    }
    // Browsers send Origin with cross-origin requests; SDKs never do.
    if (req.headers.origin !== undefined) return refuse(res, 403, "Forbidden", "Browser requests are refused.");
    const authorization = req.headers.authorization;
    if (authorization === undefined) {
      return refuse(res, 401, "Unauthorized", "The Authorization header is missing.");
    }
    if (!isAuthorized(authorization, expectedDigest)) {
      return refuse(res, 403, "Forbidden", "The Authorization header is wrong.");
    }
    if (req.url !== CREDENTIALS_PATH) return refuse(res, 404, "NotFound", `Only ${CREDENTIALS_PATH} is served.`);
    if (req.method !== "GET") {
      return refuse(res, 405, "MethodNotAllowed", "Only GET is served.", { Allow: "GET" });
    }
    let body: string;
    try {
      body = containerCredentialsJson(await retrieve());
    } catch (error) {
      const message = retrieveErrorMessage(error);
      options.onRetrieveError?.(error, message);
      return refuse(res, 500, "CredentialsUnavailable", message);
    }
    reply(res, 200, body);
  };

  const server = createServer(
    // Headers of an SDK request are a few hundred bytes; nothing needs a body.
    { maxHeaderSize: 8192, requestTimeout: 15_000, headersTimeout: 10_000 },
    (req, res) => {
      // A body, if any, is never read: drain it so the connection can be reused.
      req.resume();
      handle(req, res).catch(() => {
        if (!res.headersSent) refuse(res, 500, "InternalError", "aws-op could not answer.");
        else res.destroy();
      });
    },
  );
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: SERVER_HOST, port: options.port ?? 0, exclusive: true }, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      expectedHost = `${SERVER_HOST}:${port}`;
      resolve({
        url: `http://${expectedHost}${CREDENTIALS_PATH}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
