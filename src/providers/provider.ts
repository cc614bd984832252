// The credential pipeline as small composable providers, in the spirit of aws-vault's vault/ package:
//   item keys (1Password) -> session token (GetSessionToken, MFA) -> assumed role, or -> federation token (login)
// each wrapped, where it yields temporary credentials, in a caching provider (cached.ts). chain.ts builds the chain
// for a profile and a purpose; it is the only code that branches on op_role_arn, op_source_profile and
// op_session_duration = off. Nothing here prints, exits or reads process.env: warnings go through deps.warn.
//
// How to add a provider (e.g. GetFederationToken for console sign-in, issue 11):
// 1. One file here with a class implementing CredentialProvider: a `descriptor` that says everything that selects
//    what it returns (its source's descriptor under `source`, never a secret) and `retrieve(budget)` that asks its
//    source (or the item: ItemKeysProvider.readKeysAndMfa) and calls STS with `stsCallOptions(...)`, so the call
//    shares the one fetch budget.
// 2. Wrap it in `cachedProvider(...)` in chain.ts if what it returns is temporary (long-term keys are never cached).
// 3. Add the purpose that needs it to `Purpose` in chain.ts and one branch in `buildChain`. Commands never build
//    providers themselves: they ask buildChain (via credentialChainFor in context.ts) and call retrieve().
import type { AwsCredentials } from "../aws/credential-output.js";
import type { NetworkSettings } from "../aws/network.js";
import {
  STS_CALL_TIMEOUT_MS,
  type AwsEndpointOptions,
  type CallerKeys,
  type StsApi,
  type StsOperation,
} from "../aws/sts.js";
import type { CacheDescriptor } from "../cache/session-cache.js";

export interface ServedCredentials extends AwsCredentials {
  /** Where they came from: the cache, a fresh STS call, or the item itself (long-term keys). */
  source: "cache" | "sts" | "item";
  /** For roles: the assumed-role ARN. */
  arn?: string;
}

/** When the fetch that is under way started: every call in it shares one budget (FETCH_BUDGET_MS). */
export interface FetchBudget {
  startedAt: number;
  /**
   * Set by a provider whose source may ask op first (a role): its warm-up (warmSts) waits for the gate, which
   * opens once op has been started (ItemKeysProvider.readKeysAndMfa) or the source has its credentials without op.
   * Loading the network code and the SDK before op is spawned held op up by 50-80 ms.
   */
  opGate?: OpGate;
}

/** Opens once: see FetchBudget.opGate. */
export class OpGate {
  readonly opened: Promise<void>;
  private resolveOpened: () => void = () => undefined;

  constructor() {
    this.opened = new Promise<void>((resolve) => {
      this.resolveOpened = resolve;
    });
  }

  open(): void {
    this.resolveOpened();
  }
}

export interface CredentialProvider {
  /** Everything that selects the credentials retrieve() returns, for the cache key. No secret goes in here. */
  readonly descriptor: CacheDescriptor;
  /** The credentials; `budget` is the fetch this retrieval is part of (a new one starts when absent). */
  retrieve(budget?: FetchBudget): Promise<ServedCredentials>;
}

/**
 * Everything one fetch does (1Password approval, then STS) should end within this long: the Go SDK kills a
 * credential process after 60 s. A slow approval leaves STS only what is left, but at least STS_MIN_BUDGET_MS.
 */
export const FETCH_BUDGET_MS = 55_000;
export const STS_MIN_BUDGET_MS = 3_000;

/** How long an STS call that starts now may take, for a fetch that started at `startedAt`. */
export function stsTimeoutMs(startedAt: number, now: Date): number {
  const left = startedAt + FETCH_BUDGET_MS - now.getTime();
  return Math.min(STS_CALL_TIMEOUT_MS, Math.max(STS_MIN_BUDGET_MS, left));
}

/** How long an MFA question (or op_mfa_process) that starts now may take: the fetch budget less STS's minimum. */
export function mfaPromptTimeoutMs(startedAt: number, now: Date): number {
  return Math.max(1_000, startedAt + FETCH_BUDGET_MS - STS_MIN_BUDGET_MS - now.getTime());
}

/**
 * Where and how an STS call of a provider goes: the profile's region, the configured endpoint (endpoints.ts), and
 * the proxies and CA bundle of the run (network.ts: not part of any descriptor, as they change no answer).
 */
export interface StsTarget {
  region: string;
  endpoint: string | undefined;
  network?: NetworkSettings | undefined;
}

/** What a provider that calls STS needs from the outside world. */
export interface StsDeps {
  sts: StsApi;
  now: () => Date;
}

/**
 * The descriptor of a provider that calls STS with its source's credentials: its kind, the source's whole
 * descriptor, the duration and endpoint, and whatever else selects the answer (role ARN, session name ...).
 */
export function stsDescriptor(
  kind: string,
  source: CredentialProvider,
  target: StsTarget & { durationSeconds: number },
  extra: CacheDescriptor = {},
): CacheDescriptor {
  return { kind, source: source.descriptor, ...extra, duration: target.durationSeconds, endpoint: target.endpoint };
}

/** The endpoint options of one STS call within `budget`. */
export function stsCallOptions(target: StsTarget, budget: FetchBudget, now: Date): AwsEndpointOptions {
  return {
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.network ? { network: target.network } : {}),
    timeoutMs: stsTimeoutMs(budget.startedAt, now),
  };
}

/**
 * Get ready for `calls` to the target's STS while op is asked for the keys (0.5-1.5 s): a connection each, and the
 * SDK primed for them (sdkSts.warm), so that the calls made once the keys arrive cost one round trip each. Returns
 * what closes the connections left unused (the calls were made, or op failed): call it in a finally.
 */
export function warmSts(
  deps: StsDeps,
  target: StsTarget,
  budget: FetchBudget,
  calls: readonly StsOperation[],
): () => void {
  return deps.sts.warm?.(stsCallOptions(target, budget, deps.now()), calls, budget.opGate?.opened) ?? (() => undefined);
}

/** A 12-digit AWS account ID, from text such as an item field ("1234-5678-9012" too); undefined for anything else. */
export function normalizeAccountId(text: string | undefined): string | undefined {
  const digits = text?.replace(/[\s-]/g, "");
  return digits && /^\d{12}$/.test(digits) ? digits : undefined;
}

/**
 * The account of the caller's keys, from one GetCallerIdentity (it needs no permission and no policy can deny
 * it); undefined when the call fails: a missing AccountId only costs SDKs their account-based endpoints.
 */
export async function accountIdOfKeys(
  keys: CallerKeys,
  call: { sts: StsApi; target: StsTarget; budget: FetchBudget; now: () => Date },
): Promise<string | undefined> {
  try {
    const identity = await call.sts.getCallerIdentity(keys, stsCallOptions(call.target, call.budget, call.now()));
    return normalizeAccountId(identity.account);
  } catch {
    return undefined;
  }
}

/**
 * Credentials with their AccountId (SDKs use it for account-based endpoints): as given (the item's account field,
 * the assumed-role ARN), else from one GetCallerIdentity with these credentials. Only fetches call this, so the
 * cached path never does: the account is cached with the credentials. A failed call only leaves AccountId out.
 */
export async function withAccountId<T extends AwsCredentials>(
  credentials: T,
  call: { sts: StsApi; target: StsTarget; budget: FetchBudget; now: () => Date },
): Promise<T> {
  if (credentials.accountId) return credentials;
  const accountId = await accountIdOfKeys(credentials, call);
  return accountId ? { ...credentials, accountId } : credentials;
}
