// STS calls. The AWS SDK and the transport (proxies, CA bundles, kept-alive connections: transport.ts) are loaded
// lazily (dynamic import) so that the cached path never pays for them.
// aws-op's own clients always get explicit credentials: the default provider chain would read the caller's
// AWS_PROFILE and run aws-op again.
import type { Agent } from "node:http";
import { UserError } from "../errors.js";
import { registerSecret } from "../redact.js";
import type { AwsCredentials } from "./credential-output.js";
import { toAwsError, type AwsErrorContext, type CallSite } from "./aws-errors.js";
import { defaultEndpoint } from "./endpoints.js";
import type { NetworkSettings } from "./network.js";

export interface AwsEndpointOptions {
  region: string;
  /** AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL / a services section, for moto or a VPC endpoint. */
  endpoint?: string;
  /** Give up on the whole call (every attempt and backoff) after this long; default STS_CALL_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Proxies and CA bundle (network.ts); absent: direct, with Node.js's trusted CAs. */
  network?: NetworkSettings;
}

/** The credentials an STS or IAM call is signed with: long-term keys, or temporary ones with their session token. */
export interface CallerKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export interface StsApi {
  getSessionToken(
    keys: CallerKeys,
    options: AwsEndpointOptions & { durationSeconds: number; serialNumber?: string; tokenCode?: string },
  ): Promise<AwsCredentials>;
  assumeRole(
    keys: CallerKeys,
    options: AwsEndpointOptions & {
      roleArn: string;
      roleSessionName: string;
      durationSeconds: number;
      externalId?: string;
      serialNumber?: string;
      tokenCode?: string;
      /** Session tags, transitive tag keys and source identity, as trust policies may require. */
      tags?: [key: string, value: string][];
      transitiveTagKeys?: string[];
      sourceIdentity?: string;
    },
  ): Promise<AwsCredentials & { assumedRoleArn?: string }>;
  getCallerIdentity(keys: CallerKeys, options: AwsEndpointOptions): Promise<CallerIdentity>;
  /** Long-term keys only; takes no MFA. `policy` limits the session to its intersection with the user's rights. */
  getFederationToken(
    keys: CallerKeys,
    options: AwsEndpointOptions & { name: string; policy: string; durationSeconds: number },
  ): Promise<AwsCredentials & { federatedUserArn?: string }>;
  /**
   * Get ready now (while op runs) for `calls`, to be made at once later: open a connection each, so that each
   * costs one round trip, and run them once through the SDK without sending anything (primeStsSdk). Returns what
   * closes the connections still unused: call it once the calls are made or cannot be.
   * With `after`, nothing starts before it resolves (op has been started: see FetchBudget.opGate).
   */
  warm?(options: AwsEndpointOptions, calls: readonly StsOperation[], after?: Promise<void>): () => void;
}

/** The STS operations aws-op calls. */
export type StsOperation = "GetSessionToken" | "GetCallerIdentity" | "AssumeRole" | "GetFederationToken";

// Bounded network time: nothing may hang an AWS tool (the Go SDK kills a credential process after 60 s; the AWS
// CLI waits forever). @smithy/node-http-handler 4.x only *warns* when requestTimeout passes unless
// throwOnRequestTimeout is set, so an endpoint that accepts the connection and never answers hung aws-op for good;
// socketTimeout bounds a stalled response. The abort signal caps the whole call, retries and backoff included.
const REQUEST_HANDLER = {
  connectionTimeout: 5_000,
  requestTimeout: 10_000,
  throwOnRequestTimeout: true,
  socketTimeout: 10_000,
};
/**
 * Configuration for aws-op's own SDK clients: explicit credentials (never the default chain, which would read the
 * caller's AWS_PROFILE and run aws-op again), the endpoint if one is set, bounded time, 3 attempts.
 */
export function sdkClientConfig(
  keys: CallerKeys,
  options: { region: string; endpoint?: string },
  connection?: { agent: Agent; url: string },
) {
  // The run's agent (transport.ts) for the protocol of the URL called; the handler makes its own for the other.
  const agentOption = connection
    ? { [connection.url.startsWith("http:") ? "httpAgent" : "httpsAgent"]: connection.agent }
    : {};
  return {
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    credentials: {
      accessKeyId: keys.accessKeyId,
      secretAccessKey: keys.secretAccessKey,
      ...(keys.sessionToken ? { sessionToken: keys.sessionToken } : {}),
    },
    maxAttempts: 3,
    requestHandler: { ...REQUEST_HANDLER, ...agentOption },
  };
}

/** The longest one STS call (all attempts) may take. */
export const STS_CALL_TIMEOUT_MS = 25_000;

function sendOptions(options: AwsEndpointOptions): { abortSignal: AbortSignal } {
  return { abortSignal: AbortSignal.timeout(Math.max(1, options.timeoutMs ?? STS_CALL_TIMEOUT_MS)) };
}

/** STS and IAM answers are a few kB; anything beyond this is not AWS and is not read into memory. */
export const MAX_AWS_RESPONSE_BYTES = 1024 * 1024;

/** The error the size limit throws; aws-errors.ts turns it into a message that names the endpoint. */
export class ResponseTooLargeError extends Error {
  override readonly name = "ResponseTooLargeError";
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<{ response: unknown }>) => (args: unknown) => Promise<unknown>,
      options: { step: "deserialize"; priority: "low"; name: string },
    ): void;
  };
}

/**
 * Read every response of `client` with a size limit, before the SDK's deserializer (which collects the whole body
 * into one string: a 200 MB answer from a hostile endpoint aborted Node out of memory). Innermost middleware of
 * the deserialize step, so it sees the raw HTTP response; its error is not retried.
 */
export function limitResponseSize(sdkClient: unknown): void {
  (sdkClient as MiddlewareClient).middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { headers?: Record<string, string>; body?: unknown };
      const declared = Number(response.headers?.["content-length"] ?? "0");
      const body = response.body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
      if (declared > MAX_AWS_RESPONSE_BYTES) {
        body?.destroy?.();
        throw new ResponseTooLargeError(`answer of ${declared} bytes`);
      }
      if (body && typeof body[Symbol.asyncIterator] === "function") {
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of body) {
          size += chunk.length;
          if (size > MAX_AWS_RESPONSE_BYTES) {
            body.destroy?.();
            throw new ResponseTooLargeError(`answer of more than ${MAX_AWS_RESPONSE_BYTES} bytes`);
          }
          chunks.push(Buffer.from(chunk));
        }
        const { Readable } = await import("node:stream");
        response.body = Readable.from([Buffer.concat(chunks)]);
      }
      return result;
    },
    { step: "deserialize", priority: "low", name: "awsOpResponseSizeLimit" },
  );
}

type StsSdk = typeof import("@aws-sdk/client-sts");

/**
 * One STS call: a fresh client with explicit keys and the size limit, the call's time bound, every failure through
 * toAwsError, the client destroyed after. `call` gets our clock at the start (the answer's Expiration is checked
 * against it, as the SDK's signature uses it).
 */
async function callSts<T>(
  keys: CallerKeys,
  options: AwsEndpointOptions,
  errorContext: Omit<AwsErrorContext, keyof CallSite>,
  call: (
    sdk: StsSdk,
    client: InstanceType<StsSdk["STSClient"]>,
    send: { abortSignal: AbortSignal },
    startedAt: number,
  ) => Promise<T>,
): Promise<T> {
  const site: CallSite = { endpoint: options.endpoint };
  let client: InstanceType<StsSdk["STSClient"]> | undefined;
  try {
    const [sdk, connection] = await Promise.all([import("@aws-sdk/client-sts"), connectionFor("STS", options, site)]);
    client = new sdk.STSClient(sdkClientConfig(keys, options, connection));
    limitResponseSize(client);
    return await call(sdk, client, sendOptions(options), Date.now());
  } catch (error) {
    throw toAwsError(error, { ...errorContext, ...site });
  } finally {
    client?.destroy();
  }
}

/**
 * The run's connection for a call (transport.ts: proxy, CA bundle, kept alive), loaded with the SDK; fills in
 * `site` (the URL called, the proxy, the bundle) for the call's error messages.
 */
export async function connectionFor(
  service: "STS" | "IAM",
  options: AwsEndpointOptions,
  site: CallSite,
): Promise<{ agent: Agent; url: string }> {
  const url = options.endpoint ?? defaultEndpoint(service, options.region);
  site.url = url;
  const route = (await import("./transport.js")).routeFor(url, options.network);
  site.proxy = route.proxy;
  site.caBundle = route.caBundle;
  return { agent: route.agent, url };
}

/**
 * How far beyond the duration asked for an Expiration may lie (AWS's clock against ours) before it is cut back:
 * an answer "valid until 2099" must not be served and cached for 70 years.
 */
export const EXPIRATION_ALLOWANCE_MS = 5 * 60 * 1000;

/** What the call asked for: the session's length, and when (our clock) the call started. */
interface AskedFor {
  durationSeconds: number;
  startedAt: number;
}

/** The 12-digit account of an STS ARN (arn:PARTITION:sts::ACCOUNT:...), or undefined. */
function accountIdOfArn(arn: string | undefined): string | undefined {
  const account = arn?.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

function requireCredentials(
  value:
    | {
        AccessKeyId?: string | undefined;
        SecretAccessKey?: string | undefined;
        SessionToken?: string | undefined;
        Expiration?: Date | undefined;
      }
    | undefined,
  operation: string,
  asked: AskedFor,
): AwsCredentials {
  registerSecret(value?.SecretAccessKey);
  registerSecret(value?.SessionToken);
  if (!value?.AccessKeyId || !value.SecretAccessKey || !value.SessionToken || !value.Expiration) {
    throw new UserError(`STS ${operation} returned an incomplete answer.`, {
      hint: "Check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS if you set them; otherwise try again.",
    });
  }
  if ([value.AccessKeyId, value.SecretAccessKey, value.SessionToken].some((v) => /[^\x21-\x7e]/.test(v))) {
    throw new UserError(`STS ${operation} returned credentials with characters AWS never uses.`, {
      hint: "Check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS if you set them; otherwise try again.",
    });
  }
  let expiration = new Date(value.Expiration);
  if (Number.isNaN(expiration.getTime()) || expiration.getTime() <= Date.now()) {
    throw new UserError(
      `STS ${operation} returned credentials that expired already (${value.Expiration.toISOString?.() ?? "?"}).`,
      {
        hint: "Check this computer's clock (enable NTP), and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS if you set them.",
      },
    );
  }
  // Never serve past what was asked: a longer Expiration is cut back to the duration from the call's start.
  const askedUntil = asked.startedAt + asked.durationSeconds * 1000;
  if (expiration.getTime() > askedUntil + EXPIRATION_ALLOWANCE_MS) expiration = new Date(askedUntil);
  return {
    accessKeyId: value.AccessKeyId,
    secretAccessKey: value.SecretAccessKey,
    sessionToken: value.SessionToken,
    expiration,
  };
}

/** The temporary credentials with the account of the caller's ARN, where the answer has one. */
function withAccountOf(credentials: AwsCredentials, arn: string | undefined): AwsCredentials {
  const accountId = accountIdOfArn(arn);
  return accountId ? { ...credentials, accountId } : credentials;
}

export const sdkSts: StsApi = {
  warm: warmSts,
  getSessionToken: (keys, options) =>
    callSts(
      keys,
      options,
      { operation: "GetSessionToken", mfa: !!options.tokenCode },
      async (sdk, client, send, startedAt) => {
        const out = await client.send(
          new sdk.GetSessionTokenCommand({
            DurationSeconds: options.durationSeconds,
            ...(options.serialNumber && options.tokenCode
              ? { SerialNumber: options.serialNumber, TokenCode: options.tokenCode }
              : {}),
          }),
          send,
        );
        return requireCredentials(out.Credentials, "GetSessionToken", {
          durationSeconds: options.durationSeconds,
          startedAt,
        });
      },
    ),
  assumeRole: (keys, options) =>
    callSts(
      keys,
      options,
      { operation: "AssumeRole", roleArn: options.roleArn },
      async (sdk, client, send, startedAt) => {
        const out = await client.send(
          new sdk.AssumeRoleCommand({
            RoleArn: options.roleArn,
            RoleSessionName: options.roleSessionName,
            DurationSeconds: options.durationSeconds,
            ...(options.externalId ? { ExternalId: options.externalId } : {}),
            ...(options.tags?.length ? { Tags: options.tags.map(([Key, Value]) => ({ Key, Value })) } : {}),
            ...(options.transitiveTagKeys?.length ? { TransitiveTagKeys: options.transitiveTagKeys } : {}),
            ...(options.sourceIdentity ? { SourceIdentity: options.sourceIdentity } : {}),
            ...(options.serialNumber && options.tokenCode
              ? { SerialNumber: options.serialNumber, TokenCode: options.tokenCode }
              : {}),
          }),
          send,
        );
        const credentials = requireCredentials(out.Credentials, "AssumeRole", {
          durationSeconds: options.durationSeconds,
          startedAt,
        });
        const arn = out.AssumedRoleUser?.Arn;
        return { ...withAccountOf(credentials, arn), ...(arn ? { assumedRoleArn: arn } : {}) };
      },
    ),
  getCallerIdentity: (keys, options) =>
    callSts(keys, options, { operation: "GetCallerIdentity" }, async (sdk, client, send) => {
      const out = await client.send(new sdk.GetCallerIdentityCommand({}), send);
      if (!out.Arn || !out.Account) {
        // Not STS (a wrong AWS_ENDPOINT_URL answering 200), or a broken proxy: an identity nobody can check.
        throw new UserError("STS GetCallerIdentity returned an answer without an identity.", {
          hint: "Check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS if you set them; otherwise try again.",
        });
      }
      return { account: out.Account, arn: out.Arn, userId: out.UserId ?? "" };
    }),
  getFederationToken: (keys, options) =>
    callSts(keys, options, { operation: "GetFederationToken" }, async (sdk, client, send, startedAt) => {
      const out = await client.send(
        new sdk.GetFederationTokenCommand({
          Name: options.name,
          Policy: options.policy,
          DurationSeconds: options.durationSeconds,
        }),
        send,
      );
      const credentials = requireCredentials(out.Credentials, "GetFederationToken", {
        durationSeconds: options.durationSeconds,
        startedAt,
      });
      const arn = out.FederatedUser?.Arn;
      return { ...withAccountOf(credentials, arn), ...(arn ? { federatedUserArn: arn } : {}) };
    }),
};

/** Start loading the SDK now (while op runs, say), so that the first STS call does not wait for it. */
export function preloadStsSdk(): void {
  void import("@aws-sdk/client-sts").catch(() => undefined);
}

/**
 * sdkSts.warm. It starts once op has been started (`after`, else its spawn is a few microtasks away): loading
 * node:https and the SDK first would hold op up by 20-60 ms of CPU. It opens the connections, then primes the SDK;
 * released before that, nothing is opened.
 */
function warmSts(options: AwsEndpointOptions, calls: readonly StsOperation[], after?: Promise<void>): () => void {
  let released = false;
  let close: (() => void) | undefined;
  let start: NodeJS.Immediate | undefined;
  const url = options.endpoint ?? defaultEndpoint("STS", options.region);
  const begin = () => {
    if (released) return;
    start = setImmediate(() => {
      void (async () => {
        const transport = await import("./transport.js");
        if (released) return;
        close = transport.warmConnections(url, options.network, calls.length);
        await primeStsSdk(options, calls);
      })().catch(() => undefined);
    });
  };
  if (after) void after.then(begin);
  else begin();
  return () => {
    released = true;
    if (start) clearImmediate(start);
    close?.();
  };
}

/** Placeholders in the primed answers: no key, no account. */
const PRIMED_CREDENTIALS =
  "<Credentials><AccessKeyId>ASIAAWSOPPRIMEONLY00</AccessKeyId><SecretAccessKey>prime-only</SecretAccessKey>" +
  "<SessionToken>prime-only</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>";
const PRIMED_ARN = "arn:aws:sts::000000000000:assumed-role/prime-only/prime-only";

/** The answer each primed call gets: a minimal, well-formed STS answer of its kind (query protocol, XML). */
const PRIMED_RESULTS: Record<StsOperation, string> = {
  GetSessionToken: PRIMED_CREDENTIALS,
  GetCallerIdentity: `<Arn>${PRIMED_ARN}</Arn><UserId>AIDAPRIMEONLY</UserId><Account>000000000000</Account>`,
  AssumeRole: `${PRIMED_CREDENTIALS}<AssumedRoleUser><AssumedRoleId>AROAPRIMEONLY:prime-only</AssumedRoleId><Arn>${PRIMED_ARN}</Arn></AssumedRoleUser>`,
  GetFederationToken: `${PRIMED_CREDENTIALS}<FederatedUser><FederatedUserId>000000000000:prime-only</FederatedUserId><Arn>arn:aws:sts::000000000000:federated-user/prime-only</Arn></FederatedUser>`,
};

function primedAnswer(operation: StsOperation): string {
  return (
    `<${operation}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${operation}Result>` +
    `${PRIMED_RESULTS[operation]}</${operation}Result><ResponseMetadata><RequestId>prime-only</RequestId>` +
    `</ResponseMetadata></${operation}Response>`
  );
}

/** Which operation a query-protocol request is (its body's Action). */
function actionOf(request: unknown): string | undefined {
  const body = (request as { body?: unknown } | undefined)?.body;
  return typeof body === "string" ? /(?:^|&)Action=(\w+)/.exec(body)?.[1] : undefined;
}

/** Send `operation` once, with placeholder parameters, through the primed client. */
function sendPrimed(sdk: StsSdk, client: InstanceType<StsSdk["STSClient"]>, operation: StsOperation): Promise<unknown> {
  switch (operation) {
    case "GetSessionToken":
      return client.send(new sdk.GetSessionTokenCommand({ DurationSeconds: 900 }));
    case "GetCallerIdentity":
      return client.send(new sdk.GetCallerIdentityCommand({}));
    case "AssumeRole":
      return client.send(
        new sdk.AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/prime-only", RoleSessionName: "prime" }),
      );
    case "GetFederationToken":
      return client.send(new sdk.GetFederationTokenCommand({ Name: "prime-only" }));
  }
}

/**
 * Run each of `calls` once through an STS client whose request handler sends nothing: it answers with a canned
 * answer of the operation, with placeholder keys and values. The SDK's first call of an operation loads and
 * compiles its middleware, endpoint rules, signer, serializer, XML parser and deserializer and reads its shared
 * configuration (20-30 ms of CPU), which then happens while op runs instead of after it (and after the answer).
 * Returns the operations whose primed call came back as an answer; exported for its test.
 */
export async function primeStsSdk(
  options: AwsEndpointOptions,
  calls: readonly StsOperation[],
): Promise<StsOperation[]> {
  const [sdk, { Readable }] = await Promise.all([import("@aws-sdk/client-sts"), import("node:stream")]);
  const client = new sdk.STSClient({
    ...sdkClientConfig({ accessKeyId: "AKIAAWSOPPRIMEONLY00", secretAccessKey: "prime-only" }, options),
    maxAttempts: 1,
    requestHandler: {
      handle: (request: unknown) => {
        const action = actionOf(request);
        if (!action || !Object.hasOwn(PRIMED_RESULTS, action)) return Promise.reject(new PrimedOnly());
        const body = Buffer.from(primedAnswer(action as StsOperation));
        const headers = { "content-type": "text/xml", "content-length": String(body.length) };
        return Promise.resolve({ response: { statusCode: 200, headers, body: Readable.from([body]) } });
      },
    },
  });
  limitResponseSize(client);
  const answered: StsOperation[] = [];
  try {
    for (const operation of new Set(calls)) {
      try {
        await sendPrimed(sdk, client, operation);
        answered.push(operation);
      } catch {
        // Not primed further than where it failed; the real call compiles the rest.
      }
    }
  } finally {
    client.destroy();
  }
  return answered;
}

/** What a primed call throws for a request it has no answer for. */
class PrimedOnly extends Error {
  override readonly name = "PrimedOnly";
}
