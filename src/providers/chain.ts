// One function builds the provider chain for a profile and a purpose (aws-vault's GetProviderForProfile). It is the
// only code that branches on op_role_arn, op_source_profile and op_session_duration = off; `process`, `env`,
// `exec`, `doctor`, `setup`, `list`, `clear` and `rotate` take their providers, cache keys and item from it.
import { DEFAULT_SESSION_SECONDS } from "../aws/duration.js";
import { configuredEndpoint } from "../aws/endpoints.js";
import { networkSettings, type NetworkSettings } from "../aws/network.js";
import type { StsApi } from "../aws/sts.js";
import type { SessionCache } from "../cache/session-cache.js";
import type { ProfileSettings } from "../config/profile.js";
import { UserError } from "../errors.js";
import type { OpContext } from "../onepassword/client.js";
import { AssumeRoleProvider } from "./assume-role.js";
import { CachingProvider } from "./cached.js";
import { FederationTokenProvider, federatedUserName } from "./federation-token.js";
import { ItemKeysProvider, opAccountIdentity, type ItemKeysDeps, type ItemSource } from "./item-keys.js";
import type { CredentialProvider, ServedCredentials, StsTarget } from "./provider.js";
import { SessionTokenProvider } from "./session-token.js";

export interface ProviderDeps {
  env: NodeJS.ProcessEnv;
  /** The home directory (a CA bundle path may start with ~/). */
  home: string;
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
  /** Get an MFA code elsewhere (terminal, desktop dialog, op_mfa_process) when the item has no one-time password. */
  promptMfaCode?: ItemKeysDeps["promptMfaCode"];
}

/**
 * What the credentials are for.
 * - "session": process, env, exec (and the credential server of issue 10, which serves the same chain): a cached
 *   session from the item's keys (unless op_session_duration = off), the profile's role on top.
 * - "no-session": aws-vault's --no-session: no GetSessionToken anywhere in the chain. A profile without a role gets
 *   the long-term keys; a role is assumed straight from them (with MFA if configured), never dropped.
 * - "console": console sign-in (login). The federation endpoint takes only role or federation-token credentials
 *   (it refuses GetSessionToken's): a role profile signs in with its role, assumed as for "session" (the same cached
 *   entry); a profile without a role with a cached GetFederationToken session from the item's keys (even with
 *   op_session_duration = off: the console takes no long-term keys).
 */
export type Purpose = "session" | "no-session" | "console";

export interface ChainOptions {
  /** "console": how long the federation token lasts (login --duration); default the profile's session duration. */
  federationDurationSeconds?: number | undefined;
}

export interface Chain {
  /** The provider that serves: retrieve() gives the credentials. */
  provider: CredentialProvider;
  /** The cache key of what `provider` serves; undefined when it is never cached (long-term keys). */
  cacheKey: string | undefined;
  /** The item whose keys are at the bottom of the chain, as op will find it. */
  item: ItemKeysProvider;
  /** Settings of the profile that holds the item (the profile itself, or the end of its op_source_profile chain). */
  itemSettings: ProfileSettings;
}

/** AssumeRole from role credentials ("role chaining") is limited to one hour by AWS. */
export const CHAINED_ROLE_MAX_SECONDS = 3600;

export function defaultRoleSessionName(userName: string): string {
  const clean = `aws-op-${userName}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
  return clean.length >= 2 ? clean : "aws-op";
}

export function buildChain(
  settings: ProfileSettings,
  purpose: Purpose,
  deps: ProviderDeps,
  options: ChainOptions = {},
): Chain {
  // One CA bundle for every call of the chain: the selected profile's (its own ca_bundle, else its source's), as
  // botocore uses the session's for every client.
  const network = networkSettings(deps.env, deps.home, settings.caBundle);
  return build(settings, purpose, deps, [], options, network);
}

/** The credentials of the chain for these settings. */
export async function getCredentials(
  settings: ProfileSettings,
  deps: ProviderDeps,
  purpose: Purpose = "session",
): Promise<ServedCredentials> {
  return buildChain(settings, purpose, deps).provider.retrieve();
}

function build(
  settings: ProfileSettings,
  purpose: Purpose,
  deps: ProviderDeps,
  chain: string[],
  options: ChainOptions,
  network: NetworkSettings,
): Chain {
  const here = [...chain, settings.profile ?? "?"];
  if (settings.role) {
    // op_source_profile names where the role's keys come from; without it, the profile's own item.
    const below = purposeBelowRole(purpose);
    const source = settings.sourceProfile
      ? build(loadSource(settings, deps, chain), below, deps, here, options, network)
      : undefined;
    const base = source ?? buildItemChain(withoutRole(settings), below, deps, options, network);
    return { ...base, ...withRole(settings, settings.role, base, deps, network) };
  }
  if (settings.sourceProfile && !settings.item) {
    return build(loadSource(settings, deps, chain), purpose, deps, here, options, network);
  }
  return buildItemChain(settings, purpose, deps, options, network);
}

/** What a role is assumed from: console sign-in with a role uses the role's credentials, assumed from a session. */
function purposeBelowRole(purpose: Purpose): Exclude<Purpose, "console"> {
  return purpose === "console" ? "session" : purpose;
}

/**
 * The item's keys, exchanged for a cached session unless the purpose or the profile says no; for console sign-in,
 * for a cached federation token.
 */
function buildItemChain(
  settings: ProfileSettings,
  purpose: Purpose,
  deps: ProviderDeps,
  options: ChainOptions,
  network: NetworkSettings,
): Chain {
  const item = new ItemKeysProvider(itemSourceOf(settings), {
    env: deps.env,
    now: deps.now,
    runOp: deps.runOp,
    warn: deps.warn,
    sleep: deps.sleep,
    stateRoot: deps.cache?.root,
    promptMfaCode: deps.promptMfaCode,
  });
  if (purpose === "console") {
    const federation = new FederationTokenProvider(
      item,
      {
        ...stsTarget(settings, deps, network),
        durationSeconds:
          options.federationDurationSeconds ??
          (settings.sessionDuration === "off" ? DEFAULT_SESSION_SECONDS : settings.sessionDuration),
        name: federatedUserName(deps.userName),
      },
      deps,
    );
    return cachedChain(federation, settings, deps, { item, itemSettings: settings });
  }
  if (purpose === "no-session" || settings.sessionDuration === "off") {
    return { provider: item, cacheKey: undefined, item, itemSettings: settings };
  }
  const session = new SessionTokenProvider(
    item,
    { ...stsTarget(settings, deps, network), durationSeconds: settings.sessionDuration },
    deps,
  );
  return cachedChain(session, settings, deps, { item, itemSettings: settings });
}

function withRole(
  settings: ProfileSettings,
  role: NonNullable<ProfileSettings["role"]>,
  base: Chain,
  deps: ProviderDeps,
  network: NetworkSettings,
): Pick<Chain, "provider" | "cacheKey"> {
  if (base.provider.descriptor.kind === "role" && role.durationSeconds > CHAINED_ROLE_MAX_SECONDS) {
    throw new UserError(
      `op_role_duration for profile "${settings.profile ?? "?"}" is ${role.durationSeconds / 3600} h, but its source profile "${settings.sourceProfile ?? "?"}" is itself a role: AWS limits chained roles to 1 hour.`,
      { hint: "Set op_role_duration = 1h (or less) on this profile." },
    );
  }
  const assumed = new AssumeRoleProvider(
    base.provider,
    {
      ...stsTarget(settings, deps, network),
      roleArn: role.roleArn,
      roleSessionName: role.roleSessionName ?? defaultRoleSessionName(deps.userName),
      externalId: role.externalId,
      durationSeconds: role.durationSeconds,
      tags: role.tags,
      transitiveTagKeys: role.transitiveTagKeys,
      sourceIdentity: role.sourceIdentity,
    },
    deps,
  );
  return cachedChain(assumed, settings, deps, base);
}

function cachedChain(
  provider: CredentialProvider,
  settings: ProfileSettings,
  deps: ProviderDeps,
  rest: Pick<Chain, "item" | "itemSettings">,
): Chain {
  const cached = new CachingProvider(provider, { profile: settings.profile, opTimeoutMs: settings.opTimeoutMs }, deps);
  return { ...rest, provider: cached, cacheKey: cached.cacheKey };
}

function stsTarget(settings: ProfileSettings, deps: ProviderDeps, network: NetworkSettings): StsTarget {
  return { region: settings.region, endpoint: configuredEndpoint("STS", deps.env, settings.endpoints), network };
}

export function itemSourceOf(settings: ProfileSettings): ItemSource {
  if (!settings.item) throw new UserError(`Profile "${settings.profile ?? "?"}" has no op_item.`);
  return {
    item: settings.item,
    vault: settings.vault,
    account: settings.account,
    mfaSerial: settings.mfaSerial,
    mfaPrompt: settings.mfaPrompt,
    mfaProcess: settings.mfaProcess,
    opCli: settings.opCli,
    opTimeoutMs: settings.opTimeoutMs,
  };
}

/** The item as the cache records it (for clearing the sessions made from it): item, vault, account as op resolves it. */
export function itemIdentityOf(
  settings: ProfileSettings,
  env: NodeJS.ProcessEnv,
): { item: string | undefined; vault: string | undefined; account: string | undefined } {
  const account = opAccountIdentity(settings.account, env).account;
  return { item: settings.item, vault: settings.vault, account: typeof account === "string" ? account : undefined };
}

function loadSource(settings: ProfileSettings, deps: ProviderDeps, chain: string[]): ProfileSettings {
  const name = settings.sourceProfile ?? "";
  if (chain.includes(name) || name === settings.profile) {
    throw new UserError(`op_source_profile forms a loop: ${[...chain, settings.profile ?? "?", name].join(" -> ")}.`, {
      hint: "Point op_source_profile at a profile that holds op_item.",
    });
  }
  return deps.loadProfile(name);
}

function withoutRole(settings: ProfileSettings): ProfileSettings {
  const copy: ProfileSettings = { ...settings };
  delete copy.role;
  delete copy.sourceProfile;
  return copy;
}
