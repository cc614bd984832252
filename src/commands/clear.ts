// `aws-op clear [PROFILE | --all]`: delete cached sessions (and assumed-role credentials).
import { UserError } from "../errors.js";
import { sessionCacheFor, readFilesFor, type Context } from "../context.js";
import { resolveProfileSettings } from "../config/profile.js";
import type { CacheDescriptor, CacheEntry } from "../cache/session-cache.js";

export interface ClearOptions {
  profile?: string;
  all?: boolean;
}

/** Does the entry hold credentials made from this profile (directly, or as the source of a role)? */
function entryMatches(entry: CacheEntry, profile: string, item: CacheDescriptor | undefined): boolean {
  if (entry.profile === profile) return true;
  if (!item) return false;
  const matchesItem = (d: CacheDescriptor): boolean =>
    d.item === item.item && d.vault === item.vault && d.account === item.account;
  const source = entry.descriptor.source;
  return matchesItem(entry.descriptor) || (typeof source === "object" && matchesItem(source));
}

/** Returns the number of entries removed. */
export async function run(options: ClearOptions, ctx: Context): Promise<number> {
  const cache = sessionCacheFor(ctx);
  if (options.all) {
    const count = cache.clearAll();
    ctx.stderr(`Removed ${count} cached session${count === 1 ? "" : "s"}.\n`);
    return count;
  }
  if (!options.profile) {
    throw new UserError("Name a profile to clear, or pass --all.", {
      hint: "aws-op clear work   |   aws-op clear --all",
    });
  }
  let item: CacheDescriptor | undefined;
  try {
    const settings = resolveProfileSettings({
      env: ctx.env,
      files: readFilesFor(ctx),
      flags: { profile: options.profile },
    });
    if (settings.item) item = { item: settings.item, vault: settings.vault, account: settings.account };
  } catch {
    // A profile that no longer resolves can still have entries recorded under its name.
  }
  let count = 0;
  for (const { key, entry } of cache.list()) {
    if (entryMatches(entry, options.profile, item)) {
      cache.delete(key);
      count += 1;
    }
  }
  ctx.stderr(`Removed ${count} cached session${count === 1 ? "" : "s"} for profile "${options.profile}".\n`);
  return count;
}
