// `aws-op clear [PROFILE | --all]`: delete cached sessions (and assumed-role credentials); --all also the MFA state
// and the hit index (an entry whose session is gone is simply not served). `aws-op clear PROFILE --browser` instead
// removes the profile's browser profiles of `login --isolate` (its console sign-ins), only those aws-op made.
import { UserError } from "../errors.js";
import { sessionCacheFor, readFilesFor, type Context } from "../context.js";
import { readProfileValues, resolveProfileSettings, unknownProfileError, type AwsFiles } from "../config/profile.js";
import { clearSessionsFor, type ItemIdentity } from "../cache/session-cache.js";
import { itemIdentityOf } from "../providers/chain.js";
import { clearHitIndex } from "../cache/hit-index.js";
import { clearMfaState } from "../cache/mfa-state.js";
import { dataDirectory } from "../cache/paths.js";
import { removeIsolatedProfiles } from "../browser/isolated-profiles.js";
import type { Command } from "commander";
import { requireProfilesOrAll, runWith, type Factory, type RunF } from "./factory.js";
import { escapeForTerminal } from "../ui/terminal-text.js";

/**
 * One profile's sessions, or (--all) every session: never both, never all by default (see newCmdClear); with
 * browser, the profile's browser profiles of login --isolate instead of its sessions.
 */
export type ClearOptions =
  { profile: string; all?: never; browser?: true } | { all: true; profile?: never; browser?: never };

export function newCmdClear(
  f: Factory,
  runF: RunF<ClearOptions> = async (options) => {
    await run(options, f.ctx);
    return 0;
  },
): Command {
  return new f.commander.Command("clear")
    .description("delete cached sessions for a profile, or all of them")
    .argument("[profile]", "the profile whose cached sessions to delete")
    .option("--all", "delete every cached session")
    .option("--browser", "instead, remove the profile's browser profiles of login --isolate (its console sign-ins)")
    .addHelpText(
      "after",
      "\nExamples:\n  aws-op clear work\n  aws-op clear --all\n  aws-op clear work --browser   (sign out of the console profiles login --isolate made)",
    )
    .action(async (profile: string | undefined, { all, browser }: { all?: boolean; browser?: boolean }) => {
      if (browser && (all || profile === undefined)) {
        throw new UserError("--browser removes one profile's browser profiles: name the profile (not --all).", {
          hint: "aws-op clear work --browser",
        });
      }
      requireProfilesOrAll(
        "clear",
        { named: profile !== undefined, all },
        "aws-op clear work   |   aws-op clear --all",
      );
      await runWith(
        f,
        runF,
        profile !== undefined ? { profile, ...(browser ? { browser: true as const } : {}) } : { all: true },
      );
    });
}

/** Returns the number of entries removed. */
export async function run(options: ClearOptions, ctx: Context): Promise<number> {
  const cache = sessionCacheFor(ctx);
  if (options.all) {
    const count = cache.clearAll();
    // Which MFA step was last sent: a step recorded while the clock was wrong would otherwise outlive the fix.
    clearMfaState(cache.root);
    clearHitIndex(cache.root);
    ctx.stderr(`Removed ${count} cached session${count === 1 ? "" : "s"}.\n`);
    return count;
  }
  if (options.browser) return clearBrowserProfiles(options.profile, ctx);
  let item: ItemIdentity | undefined;
  let files: AwsFiles | undefined;
  try {
    files = readFilesFor(ctx);
    const settings = resolveProfileSettings({ env: ctx.env, files, flags: { profile: options.profile } });
    if (settings.item) item = itemIdentityOf(settings, ctx.env);
  } catch {
    // A profile that no longer resolves can still have entries recorded under its name.
  }
  const count = clearSessionsFor(cache, { profile: options.profile, ...(item ? { item } : {}) });
  // A name in neither file that had nothing cached is a typo, not a profile: say which were meant.
  if (count === 0 && files && readProfileValues(files, options.profile) === undefined) {
    throw unknownProfileError(files, options.profile);
  }
  ctx.stderr(
    `Removed ${count} cached session${count === 1 ? "" : "s"} for profile "${escapeForTerminal(options.profile)}".\n`,
  );
  return count;
}

/** `clear PROFILE --browser`: returns the number of browser profiles removed; refusals are a UserError after it. */
function clearBrowserProfiles(profile: string, ctx: Context): number {
  const { removed, refused } = removeIsolatedProfiles(dataDirectory(ctx.env, ctx.home, ctx.platform), profile);
  for (const path of removed) ctx.stderr(`Removed the browser profile ${path}.\n`);
  if (refused.length > 0) {
    throw new UserError(`Left ${refused.map((r) => `${r.path} (${r.reason})`).join("; ")}.`, {
      hint: "aws-op removes only browser profiles it made, and none a running browser has open.",
    });
  }
  if (removed.length === 0) ctx.stderr(`No browser profile of aws-op's for profile "${escapeForTerminal(profile)}".\n`);
  return removed.length;
}
