// The provider pipeline every command that needs credentials goes through:
//   1Password item -> (STS session) -> (assumed role) -> cache.
// Session and role credentials are cached across processes with one lock per cache key; long-term keys are
// never cached. Nothing here prints: warnings go through deps.warn.
import type { AwsCredentials } from "./aws/credential-output.js";
import { endpointFromEnv, STS_CALL_TIMEOUT_MS, type LongTermKeys, type StsApi } from "./aws/sts.js";
import { acquireLock } from "./cache/lock.js";
import { readLastMfaStep, writeLastMfaStep } from "./cache/mfa-state.js";
import {
  cacheKey,
  entryToCredentials,
  isEntryFresh,
  toCacheEntry,
  type CacheDescriptor,
  type SessionCache,
} from "./cache/session-cache.js";
import type { ProfileSettings } from "./config/profile.js";
import { UserError } from "./errors.js";
import { readItem, type OpContext } from "./onepassword/client.js";
import { resolveAwsFields, type AwsItemFields } from "./onepassword/item.js";
import { generateTotp, parseOtpUri, totpCounter } from "./onepassword/totp.js";

export interface CredentialDeps {
  env: NodeJS.ProcessEnv;
  now: () => Date;
  runOp: OpContext["run"];
  sts: StsApi;
  /** undefined: caching is off or impossible (then nothing is written). */
  cache: SessionCache | undefined;
  warn: (message: string) => void;
  sleep: (ms: number) => Promise<void>;
  /** Settings of another profile, for op_source_profile. */
  loadProfile: (name: string) => ProfileSettings;
  /** Local user name, for the default role session name. */
  userName: string;
  /** Ask the person for an MFA code (on the terminal) when the item has no one-time password field. */
  promptMfaCode?: (serialNumber: string, item: string) => Promise<string>;
}

export interface ServedCredentials extends AwsCredentials {
  /** Where they came from: the cache, a fresh STS call, or the item itself (long-term keys). */
  source: "cache" | "sts" | "item";
  /** For roles: the assumed-role ARN. */
  arn?: string;
}

export interface CredentialOptions {
  /** Serve the long-term keys even when sessions are configured (exec --no-session). */
  noSession?: boolean;
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

/** AssumeRole from role credentials ("role chaining") is limited to one hour by AWS. */
export const CHAINED_ROLE_MAX_SECONDS = 3600;

export async function getCredentials(
  settings: ProfileSettings,
  deps: CredentialDeps,
  options: CredentialOptions = {},
): Promise<ServedCredentials> {
  return resolve(settings, deps, options, []);
}

async function resolve(
  settings: ProfileSettings,
  deps: CredentialDeps,
  options: CredentialOptions,
  chain: string[],
): Promise<ServedCredentials> {
  if (settings.role && !options.noSession) return resolveRole(settings, settings.role, deps, chain);
  if (settings.sourceProfile && !settings.item) {
    return resolve(loadSource(settings, deps, chain), deps, options, [...chain, settings.profile ?? "?"]);
  }
  if (options.noSession || settings.sessionDuration === "off") {
    const fields = await fetchFields(settings, deps);
    return {
      accessKeyId: fields.accessKeyId,
      secretAccessKey: fields.secretAccessKey,
      ...(fields.accountId ? { accountId: fields.accountId } : {}),
      source: "item",
    };
  }
  return resolveSession(settings, settings.sessionDuration, deps);
}

function loadSource(settings: ProfileSettings, deps: CredentialDeps, chain: string[]): ProfileSettings {
  const name = settings.sourceProfile ?? "";
  if (chain.includes(name) || name === settings.profile) {
    throw new UserError(`op_source_profile forms a loop: ${[...chain, settings.profile ?? "?", name].join(" -> ")}.`, {
      hint: "Point op_source_profile at a profile that holds op_item.",
    });
  }
  return deps.loadProfile(name);
}

export function itemDescriptor(settings: ProfileSettings): CacheDescriptor {
  return {
    account: settings.account,
    vault: settings.vault,
    item: requireItem(settings),
    mfaSerial: settings.mfaSerial,
  };
}

function requireItem(settings: ProfileSettings): string {
  if (!settings.item) throw new UserError(`Profile "${settings.profile ?? "?"}" has no op_item.`);
  return settings.item;
}

export function sessionDescriptor(
  settings: ProfileSettings,
  durationSeconds: number,
  env: NodeJS.ProcessEnv,
): CacheDescriptor {
  return {
    kind: "session",
    ...itemDescriptor(settings),
    duration: durationSeconds,
    endpoint: endpointFromEnv(env, "STS"),
  };
}

async function fetchFields(settings: ProfileSettings, deps: CredentialDeps): Promise<AwsItemFields> {
  const item = await readItem(
    { run: deps.runOp, cli: settings.opCli, env: deps.env, timeoutMs: settings.opTimeoutMs },
    {
      item: requireItem(settings),
      ...(settings.vault ? { vault: settings.vault } : {}),
      ...(settings.account ? { account: settings.account } : {}),
    },
  );
  return resolveAwsFields(item);
}

/** Serve a fresh cached entry, or take the lock, fetch once, cache and serve. */
async function cached(
  descriptor: CacheDescriptor,
  settings: ProfileSettings,
  deps: CredentialDeps,
  produce: () => Promise<AwsCredentials & { arn?: string }>,
): Promise<ServedCredentials> {
  try {
    return await cachedOrFetched(descriptor, settings, deps, produce);
  } finally {
    reportRepairs(deps);
  }
}

/** Cache files or directories that other users could read were made private again: say so, once each. */
function reportRepairs(deps: CredentialDeps): void {
  for (const path of deps.cache?.report.repaired.splice(0) ?? []) {
    deps.warn(
      `aws-op: ${path} could be read by other users; its permissions were reset to private. If others use this computer, run "aws-op clear --all".`,
    );
  }
}

async function cachedOrFetched(
  descriptor: CacheDescriptor,
  settings: ProfileSettings,
  deps: CredentialDeps,
  produce: () => Promise<AwsCredentials & { arn?: string }>,
): Promise<ServedCredentials> {
  const cache = deps.cache;
  const key = cacheKey(descriptor);
  const readFresh = (): ServedCredentials | undefined => {
    const entry = cache?.read(key);
    if (!entry || !isEntryFresh(entry, deps.now())) return undefined;
    return { ...entryToCredentials(entry), source: "cache", ...(entry.arn ? { arn: entry.arn } : {}) };
  };
  const hit = readFresh();
  if (hit) return hit;

  let release: (() => Promise<void>) | undefined;
  if (cache) {
    try {
      cache.prepare();
      // The holder may wait for a 1Password approval, then call STS: one fetch budget. Waiting longer than that
      // would outlast the Go SDK's 60 s kill, so a waiter gives up with a message instead.
      const outcome = await acquireLock(cache.pathFor(key), {
        timeoutMs: Math.max(FETCH_BUDGET_MS, settings.opTimeoutMs + 5_000),
        poll: readFresh,
        sleep: deps.sleep,
      });
      if ("polled" in outcome) return outcome.polled;
      release = outcome.lock.release;
    } catch (error) {
      if (error instanceof UserError) throw error;
      deps.warn(
        `aws-op: cannot lock the session cache (${(error as NodeJS.ErrnoException).code ?? "error"}); continuing without it.`,
      );
    }
  }
  try {
    const again = readFresh();
    if (again) return again;
    const obtainedAt = deps.now();
    const fresh = await produce();
    if (cache) {
      try {
        cache.write(
          key,
          toCacheEntry(fresh, descriptor, obtainedAt, {
            ...(settings.profile ? { profile: settings.profile } : {}),
            ...(fresh.arn ? { arn: fresh.arn } : {}),
          }),
        );
      } catch (error) {
        if (error instanceof UserError) throw error;
        deps.warn(
          `aws-op: could not write the session cache (${(error as NodeJS.ErrnoException).code ?? "error"}); the next AWS command will ask 1Password again.`,
        );
      }
    }
    return { ...fresh, source: "sts" };
  } finally {
    await release?.();
  }
}

async function resolveSession(
  settings: ProfileSettings,
  durationSeconds: number,
  deps: CredentialDeps,
): Promise<ServedCredentials> {
  return cached(sessionDescriptor(settings, durationSeconds, deps.env), settings, deps, async () => {
    const startedAt = deps.now().getTime();
    const fields = await fetchFields(settings, deps);
    const mfa = await mfaFor(settings, fields, deps);
    const credentials = await deps.sts.getSessionToken(keysOf(fields), {
      region: settings.region,
      ...endpointOption(deps.env),
      timeoutMs: stsTimeoutMs(startedAt, deps.now()),
      durationSeconds,
      ...(mfa ? { serialNumber: mfa.serialNumber, tokenCode: mfa.tokenCode } : {}),
    });
    return { ...credentials, ...(fields.accountId ? { accountId: fields.accountId } : {}) };
  });
}

function keysOf(fields: AwsItemFields): LongTermKeys {
  return { accessKeyId: fields.accessKeyId, secretAccessKey: fields.secretAccessKey };
}

function endpointOption(env: NodeJS.ProcessEnv): { endpoint?: string } {
  const endpoint = endpointFromEnv(env, "STS");
  return endpoint ? { endpoint } : {};
}

/**
 * The MFA serial and a code that AWS has not seen yet. The code is op's current one; when that time step was
 * already used for this device (a session a few seconds ago), wait for the next step and compute its code.
 */
async function mfaFor(
  settings: ProfileSettings,
  fields: AwsItemFields,
  deps: CredentialDeps,
): Promise<{ serialNumber: string; tokenCode: string } | undefined> {
  const serialNumber = settings.mfaSerial ?? fields.mfaSerial;
  if (!serialNumber) return undefined;
  if (!fields.totp && !fields.otpUri) {
    if (deps.promptMfaCode) {
      return { serialNumber, tokenCode: await deps.promptMfaCode(serialNumber, settings.item ?? "") };
    }
    throw new UserError(
      `MFA is configured (${serialNumber}) but 1Password item "${settings.item ?? ""}" has no one-time password field.`,
      {
        hint: "Add the MFA device's secret to the item as a One-Time Password field, or remove op_mfa_serial / the item's MFA serial.",
      },
    );
  }
  const params = fields.otpUri ? parseOtpUri(fields.otpUri) : undefined;
  const root = deps.cache?.root;
  let tokenCode = fields.totp;
  if (params) {
    let step = totpCounter(params, deps.now().getTime());
    const last = root ? readLastMfaStep(root, serialNumber) : undefined;
    if (last !== undefined && step <= last) {
      // AWS refuses a code it has seen: wait (at most one period) for the next one.
      const nextStepAt = (last + 1) * params.period * 1000;
      const waitMs = Math.min(nextStepAt - deps.now().getTime(), params.period * 1000) + 250;
      deps.warn(
        `aws-op: the current MFA code was already used; waiting ${Math.ceil(waitMs / 1000)} s for the next one.`,
      );
      await deps.sleep(Math.max(waitMs, 0));
      step = Math.max(totpCounter(params, deps.now().getTime()), last + 1);
    }
    tokenCode = generateTotp(params, step);
    if (root) {
      try {
        writeLastMfaStep(root, serialNumber, step);
      } catch {
        // Best effort: without it a second session in the same window may be refused once.
      }
    }
  }
  if (!tokenCode) {
    throw new UserError(`Could not get an MFA code from 1Password item "${settings.item ?? ""}".`);
  }
  return { serialNumber, tokenCode };
}

function defaultRoleSessionName(userName: string): string {
  const clean = `aws-op-${userName}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
  return clean.length >= 2 ? clean : "aws-op";
}

async function resolveRole(
  settings: ProfileSettings,
  role: NonNullable<ProfileSettings["role"]>,
  deps: CredentialDeps,
  chain: string[],
): Promise<ServedCredentials> {
  const sourceSettings: ProfileSettings = settings.sourceProfile
    ? loadSource(settings, deps, chain)
    : withoutRole(settings);
  const chained = sourceSettings.role !== undefined;
  if (chained && role.durationSeconds > CHAINED_ROLE_MAX_SECONDS) {
    throw new UserError(
      `op_role_duration for profile "${settings.profile ?? "?"}" is ${role.durationSeconds / 3600} h, but its source profile "${sourceSettings.profile ?? "?"}" is itself a role: AWS limits chained roles to 1 hour.`,
      { hint: "Set op_role_duration = 1h (or less) on this profile." },
    );
  }
  const roleSessionName = role.roleSessionName ?? defaultRoleSessionName(deps.userName);
  // The whole chain is in the key: a change anywhere in it (a source role's ARN, the item) is a new entry.
  const sourceDescriptor = descriptorOf(sourceSettings, deps, [...chain, settings.profile ?? "?"]);
  const descriptor: CacheDescriptor = {
    kind: "role",
    source: sourceDescriptor,
    roleArn: role.roleArn,
    externalId: role.externalId,
    sessionName: roleSessionName,
    duration: role.durationSeconds,
    endpoint: endpointFromEnv(deps.env, "STS"),
  };
  return cached(descriptor, settings, deps, async () => {
    const startedAt = deps.now().getTime();
    let keys: LongTermKeys;
    let mfa: { serialNumber: string; tokenCode: string } | undefined;
    if (!chained && sourceSettings.sessionDuration === "off") {
      // No session: the long-term keys assume the role directly, with MFA if configured.
      const fields = await fetchFields(sourceSettings, deps);
      keys = keysOf(fields);
      mfa = await mfaFor(sourceSettings, fields, deps);
    } else {
      // The session was obtained with MFA, so aws:MultiFactorAuthPresent holds for the role without a new code.
      const source = await resolve(sourceSettings, deps, {}, [...chain, settings.profile ?? "?"]);
      keys = {
        accessKeyId: source.accessKeyId,
        secretAccessKey: source.secretAccessKey,
        ...(source.sessionToken ? { sessionToken: source.sessionToken } : {}),
      };
    }
    const assumed = await deps.sts.assumeRole(keys, {
      region: settings.region,
      ...endpointOption(deps.env),
      timeoutMs: stsTimeoutMs(startedAt, deps.now()),
      roleArn: role.roleArn,
      roleSessionName,
      durationSeconds: role.durationSeconds,
      ...(role.externalId ? { externalId: role.externalId } : {}),
      ...(mfa ? { serialNumber: mfa.serialNumber, tokenCode: mfa.tokenCode } : {}),
    });
    const { assumedRoleArn, ...credentials } = assumed;
    return { ...credentials, ...(assumedRoleArn ? { arn: assumedRoleArn } : {}) };
  });
}

/** The cache descriptor of the credentials `resolve` serves for these settings; a role's includes its source's. */
function descriptorOf(settings: ProfileSettings, deps: CredentialDeps, chain: string[]): CacheDescriptor {
  if (settings.role) {
    const source = settings.sourceProfile ? loadSource(settings, deps, chain) : withoutRole(settings);
    return {
      kind: "role",
      source: descriptorOf(source, deps, [...chain, settings.profile ?? "?"]),
      roleArn: settings.role.roleArn,
      externalId: settings.role.externalId,
      duration: settings.role.durationSeconds,
    };
  }
  if (settings.sourceProfile && !settings.item) {
    return descriptorOf(loadSource(settings, deps, chain), deps, [...chain, settings.profile ?? "?"]);
  }
  if (settings.sessionDuration === "off") return { kind: "long-term", ...itemDescriptor(settings) };
  return sessionDescriptor(settings, settings.sessionDuration, deps.env);
}

function withoutRole(settings: ProfileSettings): ProfileSettings {
  const copy: ProfileSettings = { ...settings };
  delete copy.role;
  delete copy.sourceProfile;
  return copy;
}
