// AWS SDK errors turned into messages that name the fix. Error texts from AWS can quote the request but never
// the secret key; still, only the error code and AWS's short message are shown.
import { UserError } from "../errors.js";
import type { CaBundleRoute, ProxyRoute } from "./network.js";

/** Where a call went, for its messages: the endpoint configured (if any), the URL called, proxy and CA bundle. */
export interface CallSite {
  /** The configured endpoint (AWS_ENDPOINT_URL ...), undefined for AWS's own. */
  endpoint?: string | undefined;
  /** The URL called: the configured endpoint, else the SDK's default one (endpoints.ts defaultEndpoint). */
  url?: string | undefined;
  proxy?: ProxyRoute | undefined;
  caBundle?: CaBundleRoute | undefined;
}

export interface AwsErrorContext extends CallSite {
  operation: string;
  mfa?: boolean;
  roleArn?: string;
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  /** Node's ERR_PROXY_TUNNEL: the status the proxy answered the CONNECT with. */
  statusCode?: number;
  $metadata?: { httpStatusCode?: number };
}

function asShape(error: unknown): SdkErrorShape {
  return typeof error === "object" && error !== null ? (error as SdkErrorShape) : {};
}

/** What an SDK error says, read defensively: only the code and AWS's short message, on one line. */
export interface SdkErrorFacts {
  name: string;
  code: string | undefined;
  message: string;
}

export function readSdkError(error: unknown): SdkErrorFacts {
  const shape = asShape(error);
  return {
    name: shape.name ?? shape.code ?? "Error",
    code: shape.code,
    message: (shape.message ?? "").replace(/\s+/g, " ").slice(0, 300),
  };
}

/** The error codes of a network failure (Node's, on the socket the SDK opened). */
const NETWORK_CODES = [
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
];

/**
 * Node's codes for a certificate it does not accept (OpenSSL's verify results, and the name check): the endpoint,
 * or a TLS-inspecting proxy in front of it, shows a certificate that the trusted CAs do not vouch for.
 */
const CERTIFICATE_CODES = new Set([
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_NOT_YET_VALID",
  "CERT_HAS_EXPIRED",
  "CERT_REVOKED",
  "CERT_CHAIN_TOO_LONG",
  "INVALID_CA",
  "INVALID_PURPOSE",
  "PATH_LENGTH_EXCEEDED",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** A certificate that was not accepted, as a message naming the endpoint and what decides trust. */
function certificateError(error: unknown, op: string, code: string, site: CallSite): UserError {
  const url = site.url ?? site.endpoint;
  const what =
    code === "ERR_TLS_CERT_ALTNAME_INVALID" || code === "HOSTNAME_MISMATCH" ? "is not for that host" : "is not trusted";
  const via = site.proxy ? ` (through the proxy ${site.proxy.shown})` : "";
  const hint = site.caBundle
    ? `aws-op trusts only the certificate authorities in ${site.caBundle.path} (${site.caBundle.source}): add the one that signs this certificate (a TLS-inspecting proxy's own CA, say), or correct ${site.caBundle.source === "AWS_CA_BUNDLE" ? "AWS_CA_BUNDLE" : "ca_bundle"}.`
    : "A company proxy that inspects TLS, or a private endpoint, uses a certificate authority that Node.js does not trust (it does not read the system's certificate store). Set AWS_CA_BUNDLE, or ca_bundle in the profile, to the PEM file of that authority: the AWS CLI reads both, which is usually why `aws sts get-caller-identity` works while aws-op fails.";
  return new UserError(`${op}: the certificate of ${url ?? "the endpoint"}${via} ${what} (${code}).`, {
    hint,
    cause: error,
  });
}

/** A proxy that refused the tunnel, could not be reached or cut it, as a message naming it and its variable. */
function proxyError(
  error: unknown,
  op: string,
  facts: SdkErrorShape,
  proxy: ProxyRoute,
  url: string | undefined,
): UserError | undefined {
  const code = facts.code ?? facts.name ?? "";
  const named = `the proxy ${proxy.shown} (from ${proxy.variable})`;
  const host = url ? new URL(url).host : "the endpoint";
  if (code === "ERR_PROXY_TUNNEL" && typeof facts.statusCode === "number") {
    const status = facts.statusCode;
    const hint =
      status === 407
        ? `The proxy wants credentials it did not get or did not accept: put them in ${proxy.variable} as http://USER:PASSWORD@HOST:PORT (percent-encode special characters).`
        : status === 403
          ? `The proxy does not let this computer reach ${host}: ask whoever runs it, or, if ${host} is reachable without it, add it to NO_PROXY.`
          : `The proxy could not connect to ${host}: check your network, or add ${host} to NO_PROXY if it is reachable without the proxy.`;
    return new UserError(`${op}: ${named} refused to connect to ${host} (HTTP ${status}).`, { hint, cause: error });
  }
  if (code === "ERR_PROXY_TUNNEL" || NETWORK_CODES.includes(code)) {
    return new UserError(`${op}: could not reach AWS through ${named} (${code}).`, {
      hint: `Check that the proxy runs and that ${proxy.variable} is right, or unset it (or list ${host} in NO_PROXY) to connect directly.`,
      cause: error,
    });
  }
  return undefined;
}

/**
 * What the way to AWS says, for any call (the SDK's or the sign-in request): a proxy that refused or could not be
 * reached, named with its variable (never its password); a certificate not trusted, named with the endpoint and
 * what decides trust. Undefined for anything else.
 */
export function toNetworkError(error: unknown, op: string, site: CallSite): UserError | undefined {
  const shape = asShape(error);
  if (site.proxy) {
    const refused = proxyError(error, op, shape, site.proxy, site.url ?? site.endpoint);
    if (refused) return refused;
  }
  const code = shape.code ?? "";
  return CERTIFICATE_CODES.has(code) ? certificateError(error, op, code, site) : undefined;
}

/** Does an error name say `code`? AWS names many errors both ways: "AccessDenied" and "AccessDeniedException". */
export function isErrorNamed(name: string, code: string): boolean {
  return name === code || name === `${code}Exception`;
}

/** What a service's own mapping gets: the error as read, and `op`, the call's name (e.g. "STS GetSessionToken"). */
type ServiceErrorFacts = SdkErrorFacts & { op: string };

/**
 * An SDK error of one call as a UserError that names the fix: an error aws-op made itself stays as it is, then the
 * failures STS and IAM share, then what `specific` knows of the service, else the code and AWS's short message.
 */
export function toServiceError(
  error: unknown,
  service: "STS" | "IAM",
  operation: string,
  site: CallSite,
  specific: (facts: ServiceErrorFacts) => UserError | undefined,
): UserError {
  if (error instanceof UserError) return error;
  const facts = readSdkError(error);
  const op = `${service} ${operation}`;
  const known = toCommonAwsError(error, op, site, service) ?? specific({ ...facts, op });
  return (
    known ?? new UserError(`${op} failed: ${facts.name}${facts.message ? `: ${facts.message}` : ""}.`, { cause: error })
  );
}

/**
 * The failures STS and IAM share: the network, time limits, the clock, throttling, rejected keys. Returns
 * undefined for anything service-specific. `op` names the call, e.g. "STS GetSessionToken".
 */
function toCommonAwsError(error: unknown, op: string, site: CallSite, service: "STS" | "IAM"): UserError | undefined {
  const { name, code, message } = readSdkError(error);
  const where = site.endpoint ? ` at ${site.endpoint}` : "";
  const network = toNetworkError(error, op, site);
  if (network) return network;
  if (name === "ResponseTooLargeError") {
    return new UserError(`${op}${where} sent an answer larger than 1 MB; it was not read.`, {
      hint: `AWS answers are a few kB: check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_${service} if you set them.`,
      cause: error,
    });
  }
  if (NETWORK_CODES.includes(code ?? name)) {
    return new UserError(`Could not reach AWS for ${op}${where} (${code ?? name}).`, {
      hint: `Check your network connection, proxy settings and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_${service}, then try again.`,
      cause: error,
    });
  }
  // AbortError: aws-op's own cap on the whole call (all attempts) ran out.
  if (name === "TimeoutError" || name === "AbortError" || /timed? ?out|socket hang up/i.test(message)) {
    return new UserError(`AWS did not answer ${op}${where} in time.`, {
      hint: "Check your network connection and proxy settings, then try again.",
      cause: error,
    });
  }
  if (
    name === "RequestExpired" ||
    (name === "SignatureDoesNotMatch" && /expired|time|skew/i.test(message)) ||
    /clock skew|request has expired/i.test(message)
  ) {
    return new UserError(`AWS rejected the request because this computer's clock is wrong (${op}).`, {
      hint: "Sync the system clock (e.g. enable NTP) and try again.",
      cause: error,
    });
  }
  if (name === "SignatureDoesNotMatch") {
    return new UserError(`AWS rejected the secret access key from 1Password (${op}: SignatureDoesNotMatch).`, {
      hint: "Check the item's secret access key: it does not belong to the access key ID.",
      cause: error,
    });
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name)) {
    return new UserError(`AWS is throttling ${op} (gave up after 3 attempts).`, {
      hint: "Wait a little and try again.",
      cause: error,
    });
  }
  return undefined;
}

export function toAwsError(error: unknown, context: AwsErrorContext): UserError {
  return toServiceError(error, "STS", context.operation, context, (facts) => toStsError(error, context, facts));
}

/** What STS alone says: rejected keys and MFA codes, denied calls, expired credentials, durations. */
function toStsError(error: unknown, context: AwsErrorContext, facts: ServiceErrorFacts): UserError | undefined {
  const { name, message, op } = facts;
  if (name === "InvalidClientTokenId") {
    return new UserError(`AWS rejected the access key from 1Password (${op}: InvalidClientTokenId).`, {
      hint: 'The key is deleted, deactivated or mistyped: check the item\'s access key ID, or create a new key and run "aws-op rotate".',
      cause: error,
    });
  }
  if (isErrorNamed(name, "AccessDenied")) {
    if (context.mfa && /MultiFactorAuthentication|MFA|one time pass/i.test(message)) {
      return new UserError(`AWS rejected the MFA code (${op}).`, {
        hint: "Check that op_mfa_serial (or the item's MFA serial) is the ARN of the MFA device whose secret is in the item's one-time password field, and that this computer's clock is right.",
        cause: error,
      });
    }
    if (context.operation === "GetSessionToken") {
      return new UserError(`AWS denied ${op}: ${message || "AccessDenied"}.`, {
        hint: 'The IAM user needs permission for sts:GetSessionToken (denied by a policy or SCP). Fix the policy, or set "op_session_duration = off" to serve the long-term keys directly.',
        cause: error,
      });
    }
    if (context.operation === "GetFederationToken") {
      return new UserError(`AWS denied ${op}: ${message || "AccessDenied"}.`, {
        hint: 'The IAM user needs permission for sts:GetFederationToken, which takes no MFA: a policy that requires aws:MultiFactorAuthPresent denies it. Use a role profile (op_role_arn + op_source_profile, its session made with MFA) for "aws-op login".',
        cause: error,
      });
    }
    if (context.operation === "AssumeRole") {
      return new UserError(`AWS denied assuming role ${context.roleArn ?? ""}: ${message || "AccessDenied"}.`, {
        hint: "Check the role's trust policy (principal, external ID, MFA condition) and the user's sts:AssumeRole permission.",
        cause: error,
      });
    }
    return new UserError(`AWS denied ${op}: ${message || "AccessDenied"}.`, { cause: error });
  }
  if (isErrorNamed(name, "ExpiredToken")) {
    return new UserError(`AWS says the credentials used for ${op} have expired.`, {
      hint: 'Run "aws-op clear" and try again.',
      cause: error,
    });
  }
  if (name === "ValidationError" && /durationSeconds|DurationSeconds|duration/i.test(message)) {
    return new UserError(`AWS refused the requested duration for ${op}: ${message}.`, {
      hint:
        context.operation === "AssumeRole"
          ? "Lower op_role_duration: a role chained from another session is limited to 1 hour, and every role has a maximum session duration."
          : context.operation === "GetFederationToken"
            ? "Lower --duration (15m to 36h; 1h at most for root users)."
            : "Lower op_session_duration (15m to 36h; 1h at most for root users).",
      cause: error,
    });
  }
  return undefined;
}
