// `aws-op list`: the profiles aws-op serves (those with op_item or op_source_profile), where their keys live, and
// until when a cached session can serve them. Reads only the AWS files and the cache: no op call, no network.
import {
  isAwsOpProfile,
  listProfileNames,
  readProfileValues,
  resolveProfileSettings,
  type ProfileSettings,
  type AwsFiles,
} from "../config/profile.js";
import { credentialChainFor, readFilesFor, sessionCacheFor, type Context } from "../context.js";
import { UserError } from "../errors.js";
import { formatTable } from "../ui/table.js";
import { jsonForTerminal } from "../ui/terminal-text.js";
import type { Command } from "commander";
import { commandOptions, runWith, type Factory, type RunF } from "./factory.js";

export interface ListOptions {
  json?: boolean;
}

export function newCmdList(
  f: Factory,
  runF: RunF<ListOptions> = async (options) => {
    run(options, f.ctx);
    return 0;
  },
): Command {
  return new f.commander.Command("list")
    .description("list the profiles served by aws-op, with their items and cached sessions")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  aws-op list\n  aws-op list --json")
    .action(async (flags: Partial<ListOptions>) => runWith(f, runF, commandOptions<ListOptions>(flags)));
}

export interface ListedProfile {
  profile: string;
  vault: string | null;
  item: string | null;
  /** For role profiles. */
  roleArn: string | null;
  sourceProfile: string | null;
  mfa: boolean;
  /** ISO time until which a cached session serves this profile, or null. */
  sessionCachedUntil: string | null;
  /** Set when the profile's settings do not resolve (the fix is in the message). */
  error: string | null;
}

/** Local time "YYYY-MM-DD HH:MM" (the user's clock, not UTC). */
export function formatLocalTime(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}`;
}

/** Until when the exact entry `aws-op process` would serve is live (the chain's cache key), or null. */
function cachedUntil(ctx: Context, files: AwsFiles, settings: ProfileSettings): string | null {
  const key = credentialChainFor(ctx, settings, "session", files).cacheKey;
  if (key === undefined) return null;
  const expiration = sessionCacheFor(ctx).read(key)?.credentials.Expiration;
  const t = expiration ? Date.parse(expiration) : NaN;
  return Number.isFinite(t) && t > ctx.now().getTime() ? new Date(t).toISOString() : null;
}

/** A role profile uses the MFA of its source profile's session (followed down a chain, loops stopped). */
function usesMfa(files: AwsFiles, profile: string, seen: Set<string> = new Set()): boolean {
  const values = readProfileValues(files, profile) ?? {};
  if (values.op_mfa_serial?.trim()) return true;
  const source = values.op_source_profile?.trim();
  if (!source || seen.has(source)) return false;
  seen.add(profile);
  return usesMfa(files, source, seen);
}

export function listProfiles(ctx: Context): ListedProfile[] {
  const files = readFilesFor(ctx);
  const result: ListedProfile[] = [];
  for (const profile of listProfileNames(files)) {
    const values = readProfileValues(files, profile) ?? {};
    if (!isAwsOpProfile(values)) continue;
    let sessionCachedUntil: string | null = null;
    let error: string | null = null;
    try {
      sessionCachedUntil = cachedUntil(ctx, files, resolveProfileSettings({ env: ctx.env, files, flags: { profile } }));
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      error = e.message;
    }
    result.push({
      profile,
      vault: values.op_vault?.trim() || null,
      item: values.op_item?.trim() || null,
      roleArn: values.op_role_arn?.trim() || null,
      sourceProfile: values.op_source_profile?.trim() || null,
      mfa: usesMfa(files, profile),
      sessionCachedUntil,
      error,
    });
  }
  return result;
}

export function run(options: ListOptions, ctx: Context): void {
  const profiles = listProfiles(ctx);
  if (options.json) {
    ctx.stdout(`${jsonForTerminal(profiles)}\n`);
    return;
  }
  if (profiles.length === 0) {
    ctx.stdout('No profile uses aws-op yet. Run "aws-op setup PROFILE" or "aws-op import --all --vault VAULT".\n');
    return;
  }
  ctx.stdout(
    formatTable(
      ["PROFILE", "VAULT", "ITEM", "MFA", "SESSION CACHED UNTIL"],
      profiles.map((p) => [
        p.profile,
        p.vault ?? "-",
        p.item ?? (p.sourceProfile ? `(role via ${p.sourceProfile})` : "-"),
        p.mfa ? "yes" : "no",
        p.error ? `error: ${p.error}` : p.sessionCachedUntil ? formatLocalTime(new Date(p.sessionCachedUntil)) : "none",
      ]),
    ),
  );
}
