// A one-time redirect on loopback: the browser is handed http://127.0.0.1:PORT/<random path>, which holds no
// secret; its first fetch of that path is answered with a redirect to the real target (the console sign-in URL,
// a bearer credential), and the server stops listening right then. A timeout stops it too. This keeps the
// sign-in URL off every command line: only the browser, over a loopback socket, ever sees it.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export type RedirectOutcome = "redirected" | "timeout";

export interface OneTimeRedirect {
  /** The URL for the browser. */
  url: string;
  /** Settles once the redirect was served or the time ran out; the server no longer listens then. */
  done: Promise<RedirectOutcome>;
  /** Stop early (an error elsewhere). */
  close(): void;
}

const PAGE_HEADERS = {
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "content-type": "text/plain; charset=utf-8",
  connection: "close",
};

export function startOneTimeRedirect(target: string, options: { timeoutMs: number }): Promise<OneTimeRedirect> {
  const path = `/${randomBytes(24).toString("base64url")}`;
  let settle: (outcome: RedirectOutcome) => void = () => undefined;
  const done = new Promise<RedirectOutcome>((resolve) => (settle = resolve));
  let used = false;
  let port = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // The Host check stops a web page that rebinds its own name to 127.0.0.1 (it could not know the path anyway).
    const hostOk = req.headers.host === `127.0.0.1:${port}`;
    if (used || !hostOk || req.method !== "GET" || req.url !== path) {
      res.writeHead(404, PAGE_HEADERS).end("Not found.\n");
      return;
    }
    used = true;
    // Stop listening before the answer leaves: a second fetch finds nobody.
    finish("redirected");
    res.writeHead(302, { ...PAGE_HEADERS, location: target }).end("Opening the AWS console.\n");
  });

  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  const finish = (outcome: RedirectOutcome): void => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    timer = undefined;
    server.close();
    // Idle keep-alive sockets would keep a closed server's port answering; the one in use closes after its answer.
    server.closeIdleConnections();
    settle(outcome);
  };

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      port = typeof address === "object" && address ? address.port : 0;
      timer = setTimeout(() => finish("timeout"), options.timeoutMs);
      resolve({ url: `http://127.0.0.1:${port}${path}`, done, close: () => finish("timeout") });
    });
  });
}
