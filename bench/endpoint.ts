// One measure for `npm run bench`: the time of a warm request to the `exec --server` credentials endpoint (the
// session is cached, so a request costs a cache read and the HTTP round trip). A child of `aws-op exec --server`
// asks the endpoint in a loop, one request at a time on a kept-alive connection as SDKs do, and reports each
// request's time; the figure is the median.
import { stats, type Stats } from "./main.js";
import type { Sandbox } from "../test/helpers/sandbox.js";

const WARMUP = 20;
const REQUESTS = 200;

const ASKER = `
const uri = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
const headers = { Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN };
const samples = [];
let failures = 0;
for (let i = 0; i < ${WARMUP + REQUESTS}; i++) {
  const start = process.hrtime.bigint();
  const response = await fetch(uri, { headers });
  await response.arrayBuffer();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (response.status !== 200) failures += 1;
  if (i >= ${WARMUP}) samples.push(ms);
}
console.log(JSON.stringify({ samples, failures }));
`;

export interface EndpointResults {
  warmRequestMs: Stats;
  /** op calls during the measured requests (expected: none, the session is cached). */
  opCalls: number;
}

export async function measureWarmEndpoint(sandbox: Sandbox, profile: string): Promise<EndpointResults> {
  // Prime the cache, so the exec itself and every request find a fresh session.
  const primed = await sandbox.run(["process", "--profile", profile]);
  if (primed.status !== 0) throw new Error(`priming the cache failed: ${primed.stderr.trim()}`);
  const opBefore = sandbox.opCalls().length;
  const result = await sandbox.run([
    "exec",
    profile,
    "--server",
    "--",
    process.execPath,
    "--input-type=module",
    "-e",
    ASKER,
  ]);
  if (result.status !== 0) throw new Error(`exec --server failed: ${result.stderr.trim()}`);
  const { samples, failures } = JSON.parse(result.stdout) as { samples: number[]; failures: number };
  if (failures > 0) throw new Error(`${failures} endpoint requests failed`);
  return { warmRequestMs: stats(samples), opCalls: sandbox.opCalls().length - opBefore };
}
