// The source of every chain: the long-term access keys in a 1Password item, and the MFA code that goes with them
// (the item's one-time password, or a question to the person). Its descriptor names the item as `op` will find it:
// the account op resolves, vault, item, MFA serial and the op executable.
import type { CallerKeys } from "../aws/sts.js";
import { planMfaStep, readLastMfaStep, writeLastMfaStep } from "../cache/mfa-state.js";
import type { CacheDescriptor } from "../cache/session-cache.js";
import { sha256Hex } from "../cache/sha256.js";
import { UserError } from "../errors.js";
import type { ItemLocator } from "../onepassword/args.js";
import { readItem, type OpContext } from "../onepassword/client.js";
import { resolveAwsFields, type AwsItemFields } from "../onepassword/item.js";
import { generateTotp, parseOtpUri, requireAwsTotpParameters } from "../onepassword/totp.js";
import type { MfaPromptDriver } from "../config/profile.js";
import {
  FETCH_BUDGET_MS,
  mfaPromptTimeoutMs,
  normalizeAccountId,
  STS_MIN_BUDGET_MS,
  type CredentialProvider,
  type FetchBudget,
  type ServedCredentials,
} from "./provider.js";
import { quoted } from "../ui/terminal-text.js";

/** What reading an item and asking for an MFA code need from the outside world. */
export interface ItemKeysDeps {
  env: NodeJS.ProcessEnv;
  now: () => Date;
  runOp: OpContext["run"];
  warn: (message: string) => void;
  sleep: (ms: number) => Promise<void>;
  /** The cache root, for the last MFA step per device; undefined: caching is off (nothing is written). */
  stateRoot: string | undefined;
  /** Get an MFA code elsewhere (terminal, desktop dialog, op_mfa_process) when the item has no one-time password. */
  promptMfaCode?: ((request: MfaCodeRequest) => Promise<string>) | undefined;
}

/** What promptMfaCode is asked for (ui/mfa-prompt.ts answers it). */
export interface MfaCodeRequest {
  serialNumber: string;
  item: string;
  /** op_mfa_prompt; absent: chosen for the environment. */
  prompt?: MfaPromptDriver | undefined;
  /** op_mfa_process (a command line). */
  process?: string | undefined;
  /** Give up after this long: what is left of the fetch budget once STS has its minimum. */
  timeoutMs: number;
}

/** Where the keys are: the item as op finds it, and how op runs. */
export interface ItemSource {
  item: string;
  vault?: string | undefined;
  account?: string | undefined;
  mfaSerial?: string | undefined;
  /** Where an MFA code comes from when the item has no one-time password (not part of the descriptor). */
  mfaPrompt?: MfaPromptDriver | undefined;
  mfaProcess?: string | undefined;
  opCli: string;
  opTimeoutMs: number;
}

export interface MfaCode {
  serialNumber: string;
  tokenCode: string;
}

/**
 * The 1Password account op will use, as far as it selects what an item name means: --account / op_account, else
 * OP_ACCOUNT (op's own order); a service account by a one-way digest of its token (never the token: descriptors are
 * stored in the cache files), a Connect server by its address.
 */
export function opAccountIdentity(account: string | undefined, env: NodeJS.ProcessEnv): CacheDescriptor {
  const token = env.OP_SERVICE_ACCOUNT_TOKEN?.trim();
  return {
    account: account ?? (env.OP_ACCOUNT?.trim() || undefined),
    serviceAccount: token ? sha256Hex(`aws-op service account\0${token}`).slice(0, 32) : undefined,
    connect: env.OP_CONNECT_HOST?.trim() || undefined,
  };
}

export function itemLocatorOf(source: Pick<ItemSource, "item" | "vault" | "account">): ItemLocator {
  return {
    item: source.item,
    ...(source.vault ? { vault: source.vault } : {}),
    ...(source.account ? { account: source.account } : {}),
  };
}

export class ItemKeysProvider implements CredentialProvider {
  readonly descriptor: CacheDescriptor;

  constructor(
    readonly source: ItemSource,
    private readonly deps: ItemKeysDeps,
  ) {
    this.descriptor = {
      kind: "item",
      ...opAccountIdentity(source.account, deps.env),
      vault: source.vault,
      item: source.item,
      mfaSerial: source.mfaSerial,
      opCli: source.opCli,
    };
  }

  /** One `op item get`: the AWS fields of the item. */
  async readFields(): Promise<AwsItemFields> {
    const op: OpContext = {
      run: this.deps.runOp,
      cli: this.source.opCli,
      env: this.deps.env,
      timeoutMs: this.source.opTimeoutMs,
    };
    return resolveAwsFields(await readItem(op, itemLocatorOf(this.source)));
  }

  /** The long-term keys, served as they are (exec --no-session, op_session_duration = off). */
  async retrieve(): Promise<ServedCredentials> {
    const fields = await this.readFields();
    const accountId = normalizeAccountId(fields.accountId);
    return {
      accessKeyId: fields.accessKeyId,
      secretAccessKey: fields.secretAccessKey,
      ...(accountId ? { accountId } : {}),
      source: "item",
    };
  }

  /** The keys and, when MFA is configured, a code for them: one op call for both, within `budget`. */
  async readKeysAndMfa(
    budget: FetchBudget = { startedAt: this.deps.now().getTime() },
  ): Promise<{ keys: CallerKeys; mfa: MfaCode | undefined; accountId: string | undefined }> {
    // op is spawned within this call, before its first await: the warm-ups waiting for it may start.
    const reading = this.readFields();
    budget.opGate?.open();
    const fields = await reading;
    return {
      keys: { accessKeyId: fields.accessKeyId, secretAccessKey: fields.secretAccessKey },
      mfa: await this.mfaFor(fields, budget),
      accountId: normalizeAccountId(fields.accountId),
    };
  }

  /**
   * The MFA serial and a code that AWS has not seen yet. The code is op's current one; when that time step was
   * already used for this device (a session a few seconds ago), wait for the next step and compute its code:
   * at most one period, and only when the wait fits the fetch budget (see planMfaStep).
   */
  private async mfaFor(fields: AwsItemFields, budget: FetchBudget): Promise<MfaCode | undefined> {
    const deps = this.deps;
    const item = this.source.item;
    const serialNumber = this.source.mfaSerial ?? fields.mfaSerial;
    if (!serialNumber) return undefined;
    if (!fields.totp && !fields.otpUri) {
      if (deps.promptMfaCode) {
        const answer = await deps.promptMfaCode({
          serialNumber,
          item,
          prompt: this.source.mfaPrompt,
          process: this.source.mfaProcess,
          timeoutMs: mfaPromptTimeoutMs(budget.startedAt, deps.now()),
        });
        // Whatever asked, STS sees only six digits.
        if (!/^\d{6}$/.test(answer)) throw new UserError("The MFA code given is not six digits.");
        return { serialNumber, tokenCode: answer };
      }
      throw new UserError(
        `MFA is configured (${serialNumber}) but 1Password item ${quoted(item)} has no one-time password field.`,
        {
          hint: "Add the MFA device's secret to the item as a One-Time Password field, or remove op_mfa_serial / the item's MFA serial.",
        },
      );
    }
    const parsed = fields.otpUri ? parseOtpUri(fields.otpUri) : undefined;
    const params = parsed ? requireAwsTotpParameters(parsed, item) : undefined;
    const root = deps.stateRoot;
    let tokenCode = fields.totp;
    if (params) {
      const last = root ? readLastMfaStep(root, serialNumber) : undefined;
      const plan = planMfaStep(last, deps.now().getTime(), params.period);
      if (plan.waitMs > 0) {
        // Every wait stays inside the fetch budget (the Go SDK kills a credential process after 60 s).
        const left = budget.startedAt + FETCH_BUDGET_MS - STS_MIN_BUDGET_MS - deps.now().getTime();
        const seconds = Math.ceil(plan.waitMs / 1000);
        if (plan.waitMs > left) {
          throw new UserError(
            `The current MFA code was already used, and the next one comes later than an AWS tool waits for credentials: try again in ${seconds} s.`,
            {
              hint: "AWS accepts each MFA code once: a second session in the same 30 seconds must wait for the next code.",
            },
          );
        }
        deps.warn(`aws-op: the current MFA code was already used; waiting ${seconds} s for the next one.`);
        await deps.sleep(plan.waitMs);
      }
      tokenCode = generateTotp(params, plan.step);
      if (root) {
        try {
          writeLastMfaStep(root, serialNumber, plan.step);
        } catch {
          // Best effort: without it a second session in the same window may be refused once.
        }
      }
    }
    if (!tokenCode) throw new UserError(`Could not get an MFA code from 1Password item ${quoted(item)}.`);
    return { serialNumber, tokenCode };
  }
}
