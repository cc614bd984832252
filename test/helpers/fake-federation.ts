// A stand-in for the AWS console federation endpoint (signin.aws.amazon.com/federation) on loopback, which moto
// does not have. It answers getSigninToken (form body or query string) with a fresh canary-like SigninToken, or
// with a scripted failure; it records every request, and closes every socket on stop, so nothing outlives a suite.
// Like AWS, it can refuse credentials it is told are not role or federation-token credentials (`refuse`).
// The sign-in itself (Action=login with a SigninToken it handed out, what a browser opens) sets a cookie, one name
// per sign-in (aws_op_console_1, _2, ...), and records the cookies the browser sent: a real browser's profile
// directories show whose sign-in state they hold.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./loopback-server.js";

export interface FederationSession {
  sessionId: string;
  sessionKey: string;
  sessionToken: string;
}

export interface FederationRequest {
  method: string;
  action: string | null;
  /** The parsed `Session` parameter, when it was JSON. */
  session: FederationSession | undefined;
  sessionDuration: string | null;
  params: URLSearchParams;
  /** Did the credentials come in the URL (a proxy could log them) rather than the body? */
  credentialsInUrl: boolean;
}

export type FederationReply =
  | { kind: "token" }
  | { kind: "refuse"; status: number }
  | { kind: "text"; status: number; body: string }
  | { kind: "huge" }
  | { kind: "hang" };

export interface ConsoleSignin {
  /** The cookie this sign-in set. */
  cookie: string;
  /** The Cookie header the browser sent with it (the earlier sign-ins its profile holds). */
  sent: string | undefined;
}

export interface FakeFederation {
  /** The base URL, as AWS_ENDPOINT_URL_SIGNIN takes it (aws-op appends /federation). */
  url: string;
  requests: FederationRequest[];
  /** Every SigninToken handed out, in order. */
  tokens: string[];
  /** Every sign-in (Action=login with a token handed out), in order. */
  signins: ConsoleSignin[];
  /** Session tokens to refuse with HTTP 400, as AWS refuses GetSessionToken credentials. */
  refuse: Set<string>;
  /** Replace the reply logic (default: a token, unless the session token is in `refuse`). */
  reply: (request: FederationRequest) => FederationReply;
  stop(): Promise<void>;
}

/** A SigninToken that is unmistakably a canary. */
export function canarySigninToken(): string {
  return `CanarySigninToken${randomBytes(24).toString("base64url")}`;
}

function parseSession(text: string | null): FederationSession | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<FederationSession>;
    if (typeof value.sessionId === "string" && typeof value.sessionKey === "string") {
      return { sessionId: value.sessionId, sessionKey: value.sessionKey, sessionToken: value.sessionToken ?? "" };
    }
  } catch {
    // not JSON: recorded as undefined
  }
  return undefined;
}

export async function startFakeFederation(): Promise<FakeFederation> {
  const fake: FakeFederation = {
    url: "",
    requests: [],
    tokens: [],
    signins: [],
    refuse: new Set(),
    reply: (request) =>
      request.session && fake.refuse.has(request.session.sessionToken)
        ? { kind: "refuse", status: 400 }
        : { kind: "token" },
    stop: async () => undefined,
  };
  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== "/federation") {
      res.writeHead(404, { "content-type": "text/html" }).end("<html>not here</html>");
      return;
    }
    const params = new URLSearchParams(url.search);
    for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
    const request: FederationRequest = {
      method: req.method ?? "",
      action: params.get("Action"),
      session: parseSession(params.get("Session")),
      sessionDuration: params.get("SessionDuration"),
      params,
      credentialsInUrl: url.searchParams.has("Session"),
    };
    fake.requests.push(request);
    const token = params.get("SigninToken");
    if (request.action === "login" && req.method === "GET" && token !== null && fake.tokens.includes(token)) {
      const cookie = `aws_op_console_${fake.signins.length + 1}`;
      fake.signins.push({ cookie, sent: req.headers.cookie });
      res
        .writeHead(200, {
          "content-type": "text/html",
          "set-cookie": `${cookie}=signed-in; Max-Age=3600; Path=/; HttpOnly`,
        })
        .end("<html><body>Signed in to the stand-in console.</body></html>");
      return;
    }
    const reply = request.action === "getSigninToken" ? fake.reply(request) : { kind: "refuse" as const, status: 400 };
    switch (reply.kind) {
      case "token": {
        const token = canarySigninToken();
        fake.tokens.push(token);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ SigninToken: token }));
        return;
      }
      case "refuse":
        res.writeHead(reply.status, { "content-type": "text/html" }).end("<html>Bad Request</html>");
        return;
      case "text":
        res.writeHead(reply.status, { "content-type": "text/html" }).end(reply.body);
        return;
      case "huge":
        res.writeHead(200, { "content-type": "application/json" });
        res.end(`{"SigninToken":"${"x".repeat(1024 * 1024)}"}`);
        return;
      case "hang":
        return;
    }
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  return Object.assign(fake, await listenOnLoopback(server));
}
