// The one proxy double of the network tests and the benchmark: an HTTP proxy on 127.0.0.1 that tunnels CONNECT
// (https endpoints) and forwards absolute-URI requests (http endpoints), as a company proxy does, only ever to
// 127.0.0.1. It records what went through it, can require Basic credentials (407 without them), refuse every
// tunnel (403), and add latency: each chunk in either direction waits delayMs (half the round-trip time), in order,
// so a request through the tunnel costs one round trip more, as a far-away AWS does (the CONNECT itself is answered
// at once: a proxy near the user).
import { createServer, request } from "node:http";
import { connect, type Socket } from "node:net";
import { listenOnLoopback } from "./loopback-server.js";

export interface ProxyDoubleOptions {
  /** "user:password": anything else gets 407 Proxy Authentication Required. */
  credentials?: string;
  /** Answer every CONNECT with 403 Forbidden. */
  refuse?: boolean;
  /** Added to each chunk in each direction of a tunnel (ms): RTT / 2. */
  delayMs?: number;
}

export interface ProxyDouble {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** host:port of every CONNECT, in order (refused ones too). */
  connects: string[];
  /** The Proxy-Authorization header of each CONNECT or forwarded request, decoded ("user:password"), or null. */
  authorizations: (string | null)[];
  /** URLs of the forwarded (http) requests. */
  forwarded: string[];
  options: ProxyDoubleOptions;
  stop(): Promise<void>;
}

function decodeBasic(header: string | undefined): string | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  return match?.[1] ? Buffer.from(match[1], "base64").toString("utf8") : null;
}

/** Pipe `from` into `to`, each chunk `delayMs` later, in order. */
function delayedPipe(from: Socket, to: Socket, delayMs: number): void {
  if (delayMs <= 0) {
    from.pipe(to);
    return;
  }
  let last = 0;
  from.on("data", (chunk: Buffer) => {
    const due = Math.max(Date.now() + delayMs, last);
    last = due;
    setTimeout(() => to.writable && to.write(chunk), due - Date.now());
  });
  from.on("end", () => setTimeout(() => to.end(), Math.max(0, last - Date.now()) + 1));
}

const isLoopback = (host: string): boolean => host === "127.0.0.1" || host === "localhost";

export async function startProxyDouble(options: ProxyDoubleOptions = {}): Promise<ProxyDouble> {
  const double: Omit<ProxyDouble, "url" | "port" | "stop"> = {
    connects: [],
    authorizations: [],
    forwarded: [],
    options,
  };
  const authorized = (header: string | undefined): boolean => {
    const given = decodeBasic(header);
    double.authorizations.push(given);
    return double.options.credentials === undefined || given === double.options.credentials;
  };
  const tunnels = new Set<Socket>();
  // Forwarding (http endpoints): the request line holds the whole URL.
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://invalid");
    double.forwarded.push(url.href);
    if (!authorized(req.headers["proxy-authorization"])) {
      res.writeHead(407, { "proxy-authenticate": 'Basic realm="test"' }).end();
      return;
    }
    if (!isLoopback(url.hostname)) {
      res.writeHead(403).end();
      return;
    }
    const headers = { ...req.headers };
    delete headers["proxy-authorization"];
    const forward = request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: req.method, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  server.on("connect", (req, client: Socket, head: Buffer) => {
    const target = req.url ?? "";
    double.connects.push(target);
    client.on("error", () => undefined);
    if (!authorized(req.headers["proxy-authorization"])) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    const [host = "", port = ""] = target.split(/:(?=\d+$)/);
    if (double.options.refuse || !isLoopback(host)) {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const upstream = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      const delay = double.options.delayMs ?? 0;
      delayedPipe(client, upstream, delay);
      delayedPipe(upstream, client, delay);
    });
    tunnels.add(upstream);
    upstream.on("close", () => {
      tunnels.delete(upstream);
      client.destroy();
    });
    client.on("close", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  const listening = await listenOnLoopback(server);
  return Object.assign(double, {
    url: listening.url,
    port: listening.port,
    stop: async () => {
      for (const socket of tunnels) socket.destroy();
      await listening.stop();
    },
  });
}
