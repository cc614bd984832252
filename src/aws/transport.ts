// The connections of aws-op's own calls: one keep-alive agent per way of reaching AWS (http or https, the proxy, the
// CA bundle), shared by every SDK client and the sign-in request of the run, and connections opened ahead of time.
// Loaded with `await import()` only, when a call is near: the cached path never loads node:https, never reads a CA.
// - Proxies through Node's own support (https.Agent's proxyEnv: a CONNECT tunnel for https, with Basic credentials
//   from the URL; the absolute-URI form for http; Node 22.21+ and 24.5+), given only the proxy network.ts chose
//   for the endpoint, so that the choice (and the variable named in errors) is made in one place.
// - Early connections (warmConnections): a cold `process` waits 0.5-1.5 s for op before its first STS call. A new
//   HTTPS connection costs a round trip for TCP and one for TLS 1.3 before the request's own, so connections opened
//   while op runs leave each call one round trip. They are handed out when the agent would open a connection (its
//   createConnection), so the SDK and Node's pooling stay as they are; one that fails or closes before use is
//   dropped (the call opens its own). They never keep the process alive (unref) and are closed when released.
// - The SDK destroys its request handler, and with it the agent, when a client is destroyed: these agents ignore
//   that (destroy() is a no-op) so the connection outlives the one-call client; closeConnections() ends them.
import * as http from "node:http";
import * as https from "node:https";
import { isIP, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { configuredPathOf } from "../config/profile.js";
import { errnoCode, UserError } from "../errors.js";
import { caBundleFor, proxyFor, type CaBundleRoute, type NetworkSettings, type ProxyRoute } from "./network.js";
import { MAX_AWS_FILE_BYTES, readRegularFile } from "../config/bounded-read.js";

/** How an endpoint is reached: the agent to use, and what errors name. */
export interface Route {
  agent: http.Agent;
  proxy?: ProxyRoute;
  caBundle?: CaBundleRoute;
}

/** Free connections close after this long idle: an `exec` child may run for hours, and STS closes idle ones too. */
const IDLE_MS = 20_000;

interface WarmConnection {
  /** host:port of the endpoint. */
  target: string;
  /** Resolves with the connected socket, or undefined when the connection failed or closed before use. */
  ready: Promise<Socket | undefined>;
  /** Close it (released before use). */
  close(): void;
  /** Take it for a request: its idle-time listeners come off and it counts for the process again. */
  handOver(socket: Socket): void;
}

type ConnectionCallback = (error: Error | null, socket: Duplex) => void;

interface WarmingAgent extends http.Agent {
  /** Open a connection to host:port now, for the next request that would open one. */
  warm(host: string, port: number): WarmConnection;
  /** How many early connections to host:port are open or opening and not yet used. */
  warming(target: string): number;
  close(): void;
}

/** The agent class for http: or https:, with early connections; `tunnels` when https goes through a proxy. */
function warmingAgentClass(protocol: "http:" | "https:", tunnels: boolean) {
  const Base = (protocol === "https:" ? https.Agent : http.Agent) as typeof http.Agent;
  return class extends Base implements WarmingAgent {
    private readonly early: WarmConnection[] = [];

    warming(target: string): number {
      return this.early.filter((w) => w.target === target).length;
    }

    warm(host: string, port: number): WarmConnection {
      // The options Node's Agent.createSocket would pass for a request to host:port (agent options on top; SNI
      // only for a name, as Node sets it), so the TLS session is the one the request would have made.
      const options: http.ClientRequestArgs & Record<string, unknown> = {
        host,
        port,
        ...(this as unknown as { options: object }).options,
        ...(protocol === "https:" ? { servername: isIP(host) ? "" : host } : {}),
        keepAlive: true,
        encoding: null,
      };
      delete options.timeout;
      options._agentKey = (this as unknown as { getName(o: object): string }).getName(options);
      const target = `${host}:${port}`;
      let settle: (socket: Socket | undefined) => void = () => undefined;
      // The socket while it connects or waits for a request; undefined once handed over.
      let current: Socket | undefined;
      const fail = () => {
        this.forget(connection);
        current?.destroy();
        current = undefined;
        settle(undefined);
      };
      const connection: WarmConnection = {
        target,
        ready: new Promise((resolve) => (settle = resolve)),
        close: fail,
        handOver: (socket) => {
          socket.removeListener("error", fail);
          socket.removeListener("close", fail);
          socket.ref();
          current = undefined;
        },
      };
      const connected = (socket: Socket) => {
        // Idle until used: an error or close just drops it; it must not keep the process alive.
        socket.on("error", fail);
        socket.once("close", fail);
        socket.unref();
        current = socket;
        settle(socket);
      };
      if (tunnels) {
        // Node calls back once the TLS session inside the tunnel is up.
        current = super.createConnection(options, (error, socket) => {
          if (error) {
            (socket as Duplex | undefined)?.destroy();
            fail();
          } else connected(socket as Socket);
        }) as Socket | undefined;
      } else {
        const socket = super.createConnection(options) as Socket;
        current = socket;
        socket.once("error", fail);
        socket.once(protocol === "https:" ? "secureConnect" : "connect", () => {
          socket.removeListener("error", fail);
          connected(socket);
        });
      }
      this.early.push(connection);
      return connection;
    }

    private forget(connection: WarmConnection): void {
      const index = this.early.indexOf(connection);
      if (index >= 0) this.early.splice(index, 1);
    }

    override createConnection(
      options: http.ClientRequestArgs,
      callback?: ConnectionCallback,
    ): Duplex | null | undefined {
      const target = `${String(options.host)}:${String(options.port)}`;
      const early = callback ? this.early.find((w) => w.target === target) : undefined;
      if (!early || !callback) return super.createConnection(options, callback);
      this.forget(early);
      void early.ready.then((socket) => {
        if (socket && !socket.destroyed) {
          early.handOver(socket);
          callback(null, socket);
          return;
        }
        // It failed or closed meanwhile: a connection of the request's own, as Agent.createSocket would make it.
        const fresh = super.createConnection(options, callback);
        if (fresh && !tunnels) callback(null, fresh);
      });
      return undefined;
    }

    /** The SDK calls this when a client is destroyed; the connections belong to the run (closeConnections). */
    override destroy(): void {}

    close(): void {
      for (const early of [...this.early]) early.close();
      super.destroy();
    }
  };
}

const agents = new Map<string, WarmingAgent>();
const bundles = new Map<string, Buffer>();

const PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

/** The PEM text of a CA bundle, read once per path; a UserError naming the file and where it was set. */
function readCaBundle(bundle: CaBundleRoute, home: string): Buffer {
  const path = configuredPathOf(bundle.source, bundle.path, home);
  const known = bundles.get(path);
  if (known) return known;
  const hint = `Set ${bundle.source === "AWS_CA_BUNDLE" ? "AWS_CA_BUNDLE" : "ca_bundle"} to the PEM file of the certificate authorities to trust (your company's TLS-inspecting proxy or private CA), or remove it to trust Node.js's own.`;
  let read;
  try {
    read = readRegularFile(path, MAX_AWS_FILE_BYTES);
  } catch (error) {
    throw new UserError(`Could not read the CA bundle ${path} (${bundle.source}): ${errnoCode(error) ?? "error"}.`, {
      hint,
    });
  }
  if (read.kind !== "text") {
    const why =
      read.kind === "missing"
        ? "it does not exist"
        : read.kind === "too-large"
          ? "it is too large"
          : "it is not a file";
    throw new UserError(`Could not read the CA bundle ${path} (${bundle.source}): ${why}.`, { hint });
  }
  if (!read.text.includes(PEM_CERTIFICATE)) {
    throw new UserError(`The CA bundle ${path} (${bundle.source}) holds no PEM certificate.`, { hint });
  }
  const pem = Buffer.from(read.text);
  bundles.set(path, pem);
  return pem;
}

/**
 * Did Node take the agent's proxyEnv (22.21+, 24.5+)? Older releases ignore the option, and the calls would go
 * direct. Node keeps the parsed proxy under an internal symbol; where it is not there, the version decides, so that
 * a renamed symbol in a later Node.js is no false alarm.
 */
function understandsProxyEnv(agent: http.Agent): boolean {
  if (Object.getOwnPropertySymbols(agent).some((s) => s.description === "kProxyConfig")) return true;
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major > 24 || (major === 24 && minor >= 5) || (major === 22 && minor >= 21);
}

/** How a call to `endpoint` goes: the run's agent for its protocol, proxy and CA bundle. */
export function routeFor(endpoint: string, network: NetworkSettings | undefined): Route {
  const protocol = new URL(endpoint).protocol === "http:" ? "http:" : "https:";
  const proxy = network ? proxyFor(endpoint, network.env) : undefined;
  const caBundle = network ? caBundleFor(network) : undefined;
  const key = JSON.stringify([protocol, proxy?.url ?? null, caBundle?.path ?? null]);
  let agent: WarmingAgent | undefined = agents.get(key);
  if (!agent) {
    const ca = protocol === "https:" && caBundle && network ? readCaBundle(caBundle, network.home) : undefined;
    const proxyEnv = proxy ? { [protocol === "https:" ? "HTTPS_PROXY" : "HTTP_PROXY"]: proxy.url } : undefined;
    const Agent = warmingAgentClass(protocol, protocol === "https:" && !!proxy);
    agent = new Agent({
      keepAlive: true,
      timeout: IDLE_MS,
      ...(ca ? { ca } : {}),
      ...(proxyEnv ? { proxyEnv } : {}),
    } as http.AgentOptions);
    if (proxy && !understandsProxyEnv(agent)) {
      agent.close();
      throw new UserError(
        `${proxy.variable} is set, but Node.js ${process.version} cannot use a proxy: aws-op's calls would bypass it.`,
        { hint: "Run aws-op on Node.js 22.21, 24.5 or later (aws-op uses Node's own proxy support)." },
      );
    }
    agents.set(key, agent);
  }
  return { agent, ...(proxy ? { proxy } : {}), ...(caBundle ? { caBundle } : {}) };
}

/**
 * Open connections to `endpoint` now so that `count` calls made at once find one each (counting those opened
 * already and not yet used). Returns what closes the ones this opened, if still unused. Never throws: the call
 * itself reports what is wrong (a missing CA bundle, a bad proxy URL).
 */
export function warmConnections(endpoint: string, network: NetworkSettings | undefined, count: number): () => void {
  const opened: WarmConnection[] = [];
  try {
    const url = new URL(endpoint);
    const route = routeFor(endpoint, network);
    // A forward proxy (http through HTTP_PROXY) connects to the proxy per request, not to the endpoint.
    if (url.protocol === "http:" && route.proxy) return () => undefined;
    const agent = route.agent as WarmingAgent;
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    for (let n = agent.warming(`${host}:${port}`); n < count; n++) opened.push(agent.warm(host, port));
  } catch {
    // Nothing opened: the call finds out.
  }
  return () => {
    for (const connection of opened.splice(0)) connection.close();
  };
}

/** Close every connection of the run (at the end of a run, and between tests). */
export function closeConnections(): void {
  for (const agent of agents.values()) agent.close();
  agents.clear();
  bundles.clear();
}

/** An HTTP exchange outside the SDK (the sign-in endpoint), through the same agents. */
export interface PlainRequest {
  url: string;
  method: "POST" | "GET";
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** Read at most this much of the answer; more is `tooLarge`. */
  maxBytes: number;
  network?: NetworkSettings | undefined;
}

export interface PlainResponse {
  status: number;
  /** undefined when the answer was longer than maxBytes. */
  body: string | undefined;
}

/** One request, no redirect followed (http.request follows none), its answer read to a limit. */
export function plainRequest(request: PlainRequest): { route: Route; response: Promise<PlainResponse> } {
  const route = routeFor(request.url, request.network);
  const send = request.url.startsWith("http:") ? http.request : https.request;
  const response = new Promise<PlainResponse>((resolve, reject) => {
    const req = send(
      request.url,
      { method: request.method, headers: request.headers, agent: route.agent, signal: request.signal },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > request.maxBytes) {
            res.destroy();
            resolve({ status: res.statusCode ?? 0, body: undefined });
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(request.body);
  });
  return { route, response };
}
