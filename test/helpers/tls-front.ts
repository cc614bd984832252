// The one TLS front of the network tests: a private certificate authority made for the test run (Debian's openssl,
// argument arrays, keys in a private temp directory), and an HTTPS server on 127.0.0.1 with a certificate from it
// that passes every request on to an HTTP upstream (moto's counting proxy, the fake federation endpoint), as a VPC
// endpoint or a TLS-inspecting proxy would present AWS. It counts the TLS connections it accepts, so a test can
// tell how many connections a run opened for how many calls (kept alive or not).
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:https";
import { join } from "node:path";
import { listenOnLoopback } from "./loopback-server.js";
import { makeTempDir } from "./temp-dirs.js";

export interface TestCa {
  /** The CA certificate (PEM), as AWS_CA_BUNDLE / ca_bundle take it. */
  caPath: string;
  /** The server's key and certificate (for 127.0.0.1 and localhost), signed by the CA. */
  key: Buffer;
  cert: Buffer;
}

function openssl(args: string[], cwd: string): void {
  const result = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`openssl ${args[0] ?? ""} failed: ${result.stderr || String(result.error)}`);
}

let made: TestCa | undefined;

/** A CA and a server certificate, made once per test file (about 50 ms). */
export function testCa(): TestCa {
  if (made) return made;
  const dir = makeTempDir("aws-op-ca-");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl(
    ["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=aws-op test CA"],
    dir,
  );
  openssl(["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"], dir);
  writeFileSync(join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "server.pem",
      "-days",
      "2",
      "-extfile",
      "server.ext",
    ],
    dir,
  );
  made = {
    caPath: join(dir, "ca.pem"),
    key: readFileSync(join(dir, "server.key")),
    cert: readFileSync(join(dir, "server.pem")),
  };
  return made;
}

export interface TlsFront {
  /** https://127.0.0.1:PORT */
  url: string;
  port: number;
  /** TLS connections accepted since the last reset. */
  connections(): number;
  /** TLS connections open now. */
  open(): number;
  /** Requests passed on since the last reset. */
  requests(): number;
  resetCounts(): void;
  stop(): Promise<void>;
}

/** An HTTPS server in front of `upstream` (http://127.0.0.1:PORT), with the test CA's certificate. */
export async function startTlsFront(upstream: string): Promise<TlsFront> {
  const ca = testCa();
  const target = new URL(upstream);
  let connections = 0;
  let requests = 0;
  const server = createServer({ key: ca.key, cert: ca.cert }, (req, res) => {
    requests += 1;
    const forward = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        // Hop-by-hop headers are the upstream's (moto closes each connection): the front keeps its own alive.
        const headers = { ...answer.headers };
        delete headers.connection;
        delete headers["keep-alive"];
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  const open = new Set<unknown>();
  server.on("secureConnection", (socket) => {
    connections += 1;
    open.add(socket);
    socket.on("close", () => open.delete(socket));
  });
  // Kept alive as AWS does, longer than any run of a test.
  server.keepAliveTimeout = 30_000;
  const listening = await listenOnLoopback(server, "https");
  return {
    url: listening.url,
    port: listening.port,
    connections: () => connections,
    open: () => open.size,
    requests: () => requests,
    resetCounts: () => {
      connections = 0;
      requests = 0;
    },
    stop: listening.stop,
  };
}
