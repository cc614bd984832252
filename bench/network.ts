// The benchmark's network rows: STS one round-trip time away. moto sits behind the TLS front with the test CA
// (test/helpers/tls-front.ts), reached through the proxy double with latency (test/helpers/proxy-double.ts): every
// chunk in either direction of the tunnel waits RTT / 2, so each round trip inside it (the TLS handshake, each
// request) costs one RTT, as a far-away STS does; the CONNECT itself is answered at once (a proxy near the user).
// aws-op runs with HTTPS_PROXY and AWS_CA_BUNDLE set and NODE_EXTRA_CA_CERTS unset, as behind a company proxy.
// Cold rows (op double at 800 ms): aws-op's own cost is the wall time minus the op double alone (timed right
// after, with the same arguments) minus `node -e 0`; its limit is one RTT after op for a user profile
// (GetSessionToken and GetCallerIdentity at once, on connections opened while op ran), two for a role from a
// session (then AssumeRole), plus CPU. The warm row checks that the cached path, with the same variables set,
// stays as it is (no op call, no STS call, near `node -e 0`).
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startProxyDouble } from "../test/helpers/proxy-double.js";
import type { Moto } from "../test/helpers/moto.js";
import type { RunResult, Sandbox } from "../test/helpers/sandbox.js";
import { startTlsFront, testCa } from "../test/helpers/tls-front.js";
import { stats, type Stats } from "./main.js";

export interface NetworkColdResults {
  wall: Stats;
  opDoubleWall: Stats;
  /** moto's own time on the calls of each run (timed by its counting proxy), part of the own cost. */
  stsServerWall: Stats;
  /** wall - op double alone - node -e 0 (its median). */
  ownWall: Stats;
  /** Calls per run, by action. */
  calls: Record<string, number>[];
  /** TLS connections the front accepted per run. */
  connections: number[];
}

export interface NetworkResults {
  rttMs: number;
  user: NetworkColdResults;
  role: NetworkColdResults;
  floorWall: Stats;
  warmWall: Stats;
  warmOpCalls: number;
  warmStsCalls: number;
}

interface NetworkSetup {
  moto: Moto;
  sandbox: Sandbox;
  /** `aws-op process` arguments of the user and the role profile. */
  userArgs: string[];
  roleArgs: string[];
  opLatencyMs: number;
  coldRuns: number;
  warmPairs: number;
}

async function timed(run: () => Promise<RunResult>): Promise<{ ms: number; result: RunResult }> {
  const start = process.hrtime.bigint();
  const result = await run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

function requireSuccess(what: string, result: RunResult): RunResult {
  if (result.status !== 0) throw new Error(`${what} failed (exit ${String(result.status)}): ${result.stderr.trim()}`);
  return result;
}

export async function measureNetwork(setup: NetworkSetup, rttMs: number): Promise<NetworkResults> {
  const { moto, sandbox } = setup;
  const [front, proxy] = await Promise.all([startTlsFront(moto.url), startProxyDouble({ delayMs: rttMs / 2 })]);
  const env = {
    AWS_ENDPOINT_URL: front.url,
    AWS_CA_BUNDLE: testCa().caPath,
    HTTPS_PROXY: proxy.url,
    NODE_EXTRA_CA_CERTS: undefined,
    FAKE_OP_LATENCY_MS: String(setup.opLatencyMs),
  };
  const floor = () => sandbox.exec(process.execPath, ["-e", "0"]);
  try {
    const floorSamples: number[] = [];
    const cold = async (args: string[]): Promise<Omit<NetworkColdResults, "ownWall"> & { samples: number[] }> => {
      const wall: number[] = [];
      const opWall: number[] = [];
      const server: number[] = [];
      const calls: Record<string, number>[] = [];
      const connections: number[] = [];
      for (let i = 0; i < setup.coldRuns + 1; i++) {
        rmSync(join(sandbox.cacheDir, "aws-op", "sessions"), { recursive: true, force: true });
        moto.resetCalls();
        front.resetCounts();
        const run = await timed(() => sandbox.run(args, { env }));
        requireSuccess("cold aws-op process (network)", run.result);
        const seen = moto.allCalls();
        const opCalls = sandbox.opCalls();
        const op = await timed(() => sandbox.exec("op", opCalls[opCalls.length - 1] ?? [], { env }));
        requireSuccess("the op test double alone", op.result);
        const f = await timed(floor);
        if (i === 0) continue; // warms moto, the front and the file system cache
        wall.push(run.ms);
        opWall.push(op.ms);
        floorSamples.push(f.ms);
        server.push(seen.reduce((total, call) => total + (call.serverMs ?? 0), 0));
        calls.push(seen.reduce<Record<string, number>>((n, c) => ({ ...n, [c.action]: (n[c.action] ?? 0) + 1 }), {}));
        connections.push(front.connections());
      }
      return {
        wall: stats(wall),
        opDoubleWall: stats(opWall),
        stsServerWall: stats(server),
        calls,
        connections,
        samples: wall.map((w, i) => w - (opWall[i] ?? 0)),
      };
    };
    const user = await cold(setup.userArgs);
    const role = await cold(setup.roleArgs);
    // Warm: primed with the same variables, then alternating with node -e 0.
    requireSuccess("priming the cache (network)", await sandbox.run(setup.userArgs, { env }));
    const opBefore = sandbox.opCalls().length;
    moto.resetCalls();
    const warmWall: number[] = [];
    const floorWall: number[] = [];
    for (let i = 0; i < setup.warmPairs; i++) {
      const warm = () => sandbox.run(setup.userArgs, { env });
      for (const run of i % 2 === 0 ? [floor, warm] : [warm, floor]) {
        const { ms, result } = await timed(run);
        requireSuccess(run === floor ? "node -e 0" : "warm aws-op process (network)", result);
        (run === floor ? floorWall : warmWall).push(ms);
      }
    }
    const floorMedian = stats([...floorSamples, ...floorWall]).median;
    const own = ({ samples, ...rest }: Awaited<ReturnType<typeof cold>>): NetworkColdResults => ({
      ...rest,
      ownWall: stats(samples.map((s) => s - floorMedian)),
    });
    return {
      rttMs,
      user: own(user),
      role: own(role),
      floorWall: stats(floorWall),
      warmWall: stats(warmWall),
      warmOpCalls: sandbox.opCalls().length - opBefore,
      warmStsCalls: moto.allCalls().length,
    };
  } finally {
    await Promise.all([front.stop(), proxy.stop()]);
  }
}
