// The AWS console federation endpoint (`/federation`): the only code that talks to it. It turns role or
// federation-token credentials into a sign-in token (getSigninToken), and builds the login URL that spends it.
// Facts encoded here (IAM user guide, "Enabling custom identity broker access to the AWS console"):
// - the endpoint and the console live on per-partition hosts (aws, aws-cn, aws-us-gov);
// - only AssumeRole* and GetFederationToken credentials are accepted (GetSessionToken's are refused);
// - SessionDuration (900..43200 s) goes with role credentials only; a federation token's console session lasts as
//   long as the token;
// - the sign-in token is a bearer credential for 15 minutes: it is never logged, and no error text quotes the
//   endpoint's answer (an endpoint might echo the Session it was sent).
// The request is a POST with the credentials in the form body (as the AWS Toolkit for JetBrains sends it), so they
// are in no URL that a proxy could log. Time and answer size are bounded: nothing here may hang aws-op.
import { UserError } from "../errors.js";
import { registerSecret } from "../redact.js";
import { toNetworkError, type CallSite } from "./aws-errors.js";
import type { AwsCredentials } from "./credential-output.js";
import { configuredEndpoint, type ProfileEndpointSettings } from "./endpoints.js";
import type { NetworkSettings } from "./network.js";

export interface Partition {
  name: "aws" | "aws-cn" | "aws-us-gov";
  /** The federation endpoint's host. */
  signinHost: string;
  /** The console's host. */
  consoleHost: string;
}

const PARTITIONS: readonly Partition[] = [
  { name: "aws", signinHost: "signin.aws.amazon.com", consoleHost: "console.aws.amazon.com" },
  { name: "aws-cn", signinHost: "signin.amazonaws.cn", consoleHost: "console.amazonaws.cn" },
  { name: "aws-us-gov", signinHost: "signin.amazonaws-us-gov.com", consoleHost: "console.amazonaws-us-gov.com" },
];

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The partition of a region: cn-* is aws-cn, us-gov-* aws-us-gov, every other commercial region aws. */
export function partitionOf(region: string): Partition {
  if (!REGION_PATTERN.test(region)) {
    throw new UserError(`"${region}" is not an AWS region name.`, {
      hint: "Pass --region with a region such as eu-west-1, or set region in the profile.",
    });
  }
  // The isolated partitions (us-iso-*, us-isob-*, eu-isoe-* ...) have no public console to sign in to.
  if (/-iso[a-z]*-/.test(region)) {
    throw new UserError(`aws-op knows no console sign-in for region ${region} (an isolated partition).`, {
      hint: "Pass --region with a region of the aws, aws-cn or aws-us-gov partition.",
    });
  }
  const name = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return PARTITIONS.find((p) => p.name === name) ?? (PARTITIONS[0] as Partition);
}

/**
 * The federation endpoint URL: the configured sign-in endpoint (AWS_ENDPOINT_URL_SIGNIN, a base URL to which
 * `/federation` is appended), by the rule aws-op follows for every service (endpoints.ts, which also honours
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), else the partition's sign-in host.
 */
export function federationEndpoint(
  env: NodeJS.ProcessEnv,
  region: string,
  profile: ProfileEndpointSettings = {},
): string {
  const configured = configuredEndpoint("SIGNIN", env, profile);
  if (configured) return `${configured.replace(/\/+$/, "")}/federation`;
  return `https://${partitionOf(region).signinHost}/federation`;
}

export interface DestinationOptions {
  /** A console path such as `/s3/home` (the region is added unless the path's query names one). */
  path?: string | undefined;
  /** A complete https URL; used as given. */
  destination?: string | undefined;
}

/** Where the console opens: the region's console home, a path on the partition's console, or a given URL. */
export function consoleDestination(region: string, options: DestinationOptions = {}): string {
  if (options.path !== undefined && options.destination !== undefined) {
    throw new UserError("--path and --destination cannot be used together.", {
      hint: "Use --path for a page of the console (e.g. /s3/home), or --destination for a complete URL.",
    });
  }
  if (options.destination !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(options.destination);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== "https:") {
      throw new UserError(`--destination "${options.destination}" is not an https URL.`, {
        hint: "Pass a complete console URL such as https://console.aws.amazon.com/s3/home, or use --path /s3/home.",
      });
    }
    return url.href;
  }
  const origin = `https://${partitionOf(region).consoleHost}`;
  const path = options.path ?? "/console/home";
  // "//host/x" would be read as another host: a path must stay on the console.
  if (!path.startsWith("/") || path.startsWith("//")) {
    throw new UserError(`--path "${path}" is not a path on the console.`, {
      hint: "Pass a path that starts with a single /, e.g. --path /s3/home or --path /ec2/home#Instances.",
    });
  }
  const url = new URL(path, origin);
  if (!url.searchParams.has("region")) url.searchParams.set("region", region);
  return url.href;
}

/** The credentials that go to getSigninToken as `Session`. */
export interface FederationCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface SigninTokenRequest {
  endpoint: string;
  credentials: FederationCredentials;
  /** Role credentials only: the console session's length in seconds (900..43200). */
  sessionDurationSeconds?: number | undefined;
  timeoutMs?: number;
  /** Proxies and CA bundle (network.ts), as for STS. */
  network?: NetworkSettings | undefined;
}

/** The longest a getSigninToken call may take, connection included. */
export const FEDERATION_TIMEOUT_MS = 15_000;
/** A sign-in token answer is a few hundred bytes; anything much larger is not one. */
export const FEDERATION_MAX_BODY_BYTES = 64 * 1024;

/** Role credentials can ask for a console session of 15 minutes to 12 hours. */
export const CONSOLE_SESSION_MIN_SECONDS = 900;
export const CONSOLE_SESSION_MAX_SECONDS = 43_200;

/** The credentials the way getSigninToken wants them: credentials without a session token are long-term keys. */
export function toFederationCredentials(credentials: AwsCredentials): FederationCredentials {
  if (!credentials.sessionToken) {
    throw new UserError("Console sign-in needs temporary credentials, but these are long-term keys.", {
      hint: "aws-op login makes them itself: this is a bug in aws-op, please report it.",
    });
  }
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
  };
}

function endpointHint(): string {
  return "Check your network connection and proxy settings, and AWS_ENDPOINT_URL_SIGNIN (a base URL: aws-op appends /federation) or AWS_ENDPOINT_URL if you set them.";
}

function unreachable(endpoint: string, error: unknown, site: CallSite): UserError {
  const network = toNetworkError(error, "AWS sign-in", site);
  if (network) return network;
  const shape = error as { code?: string; name?: string; cause?: { code?: string } } | undefined;
  const name = shape?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return new UserError(`The AWS sign-in endpoint ${endpoint} did not answer in time.`, {
      hint: endpointHint(),
      cause: error,
    });
  }
  const code = shape?.code ?? shape?.cause?.code ?? "network error";
  return new UserError(`Could not reach the AWS sign-in endpoint ${endpoint} (${code}).`, {
    hint: endpointHint(),
    cause: error,
  });
}

function notASigninToken(endpoint: string, status: number, what: string): UserError {
  return new UserError(
    `The AWS sign-in endpoint ${endpoint} answered HTTP ${status} with ${what}, not a sign-in token.`,
    {
      hint: endpointHint(),
    },
  );
}

/** Exchange temporary credentials for a sign-in token (valid 15 minutes, once). */
export async function requestSigninToken(request: SigninTokenRequest): Promise<string> {
  const { endpoint, credentials } = request;
  const form = new URLSearchParams({ Action: "getSigninToken" });
  if (request.sessionDurationSeconds !== undefined) form.set("SessionDuration", String(request.sessionDurationSeconds));
  form.set(
    "Session",
    JSON.stringify({
      sessionId: credentials.accessKeyId,
      sessionKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    }),
  );
  const signal = AbortSignal.timeout(request.timeoutMs ?? FEDERATION_TIMEOUT_MS);
  const site: CallSite = { endpoint, url: endpoint };
  let status: number;
  let body: string | undefined;
  try {
    // http.request follows no redirect: one would carry the credentials to wherever it points.
    const { plainRequest } = await import("./transport.js");
    const exchange = plainRequest({
      url: endpoint,
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form.toString(),
      signal,
      maxBytes: FEDERATION_MAX_BODY_BYTES,
      network: request.network,
    });
    site.proxy = exchange.route.proxy;
    site.caBundle = exchange.route.caBundle;
    ({ status, body } = await exchange.response);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw unreachable(endpoint, error, site);
  }
  if (status === 400 || status === 401 || status === 403) {
    throw new UserError(`AWS sign-in refused the credentials (HTTP ${status} from ${endpoint}).`, {
      hint:
        request.sessionDurationSeconds !== undefined
          ? `The role's credentials may have been revoked, or the role does not allow a console session of ${request.sessionDurationSeconds} s: run "aws-op clear" for the profile and try again, or pass a shorter --duration.`
          : 'The credentials may have been revoked or the IAM user may lack sts:GetFederationToken rights for the console: run "aws-op clear" for the profile and try again.',
    });
  }
  if (status >= 500) {
    throw new UserError(`The AWS sign-in endpoint ${endpoint} failed (HTTP ${status}).`, {
      hint: "Try again in a little while.",
    });
  }
  if (body === undefined) throw notASigninToken(endpoint, status, `more than ${FEDERATION_MAX_BODY_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw notASigninToken(endpoint, status, "something that is not JSON");
  }
  const token = (json as { SigninToken?: unknown } | null)?.SigninToken;
  if (typeof token === "string") registerSecret(token);
  if (status !== 200 || typeof token !== "string" || token === "" || /\s/.test(token)) {
    throw notASigninToken(endpoint, status, "JSON without a SigninToken");
  }
  return token;
}

export interface LoginUrlOptions {
  endpoint: string;
  signinToken: string;
  destination: string;
  /** Where the console sends the person when the session ends. */
  issuer: string;
}

/** The URL that spends the sign-in token: whoever has it has the console, for 15 minutes. */
export function loginUrl(options: LoginUrlOptions): string {
  const url = new URL(options.endpoint);
  url.search = new URLSearchParams({
    Action: "login",
    Issuer: options.issuer,
    Destination: options.destination,
    SigninToken: options.signinToken,
  }).toString();
  return url.href;
}

/** The Issuer: the partition's console, where the person signs in again when the console session ends. */
export function issuerFor(region: string): string {
  return `https://${partitionOf(region).consoleHost}/`;
}
