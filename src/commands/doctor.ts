// `aws-op doctor [PROFILE]`: an ordered checklist, each line ✓ or ✗ with its fix. Exit code 0 only when every
// check passes. Checks: op found (2.x, and its version against what each command needs), 1Password signed in
// (skipped through 1Password Connect, which cannot answer whoami), the AWS files (profile names and section headers
// every AWS client reads alike, no duplicates), then per aws-op profile: settings readable, credential_process
// runnable (absolute paths that exist: Node.js and the script, or the single executable), no static keys shadowing
// it, the item and its fields, the access key's age (IAM ListAccessKeys; "!" past 90 days, a warning that does not
// fail; unless --offline), STS GetCallerIdentity (unless --offline); last the cache directory's privacy.
// `--fix` first points credential_process lines whose Node.js, cli.js or executable is gone (a Node.js upgrade
// under nvm, fnm, Volta or Homebrew, aws-op moved) at this install: it shows the diff, changes only those lines,
// writes atomically.
import { accessSync, constants, existsSync, lstatSync, readdirSync, statSync } from "node:fs";
import { basename, isAbsolute, join } from "node:path";
import { isIamAccessDenied } from "../aws/iam.js";
import type { CallerKeys } from "../aws/sts.js";
import { cacheLocation } from "../cache/paths.js";
import { COMPILE_CACHE_DIRECTORY } from "../cache/compile-cache.js";
import { writeAwsFile } from "../config/aws-file-writer.js";
import { parseCredentialProcessLine, shellWordForDisplay } from "../config/command-line.js";
import { parseIni } from "../config/ini.js";
import {
  configSectionName,
  configSectionProblem,
  credentialsSectionName,
  credentialsSectionProblem,
  PORTABLE_NAME_HINT,
} from "../config/names.js";
import {
  listProfileNames,
  maskAwsSecrets,
  readProfileValues,
  resolveOpSettings,
  resolveProfileSettings,
  sectionHeaderProblems,
  staticKeyLocations,
  type AwsFile,
  type AwsFiles,
  type ProfileSettings,
  unknownProfileError,
} from "../config/profile.js";
import {
  awsCallOptions,
  awsOpProgramFor,
  credentialChainFor,
  itemLocatorFor,
  opContextFor,
  readFilesFor,
  type Context,
} from "../context.js";
import { UserError } from "../errors.js";
import { readItem, readOpVersion, whoami, type OpContext } from "../onepassword/client.js";
import { isConnect } from "../onepassword/connect.js";
import { resolveAwsFields } from "../onepassword/item.js";
import {
  OP_2,
  ROTATE_NEEDS,
  SERVICE_ACCOUNT_NEEDS,
  UPDATE_HINT,
  formatNeed,
  formatVersion,
  isAtLeast,
  parseOpVersion,
} from "../onepassword/version.js";
import { colourDiff, colours, isColourWanted } from "../ui/colour.js";
import { fileDiff } from "../ui/file-diff.js";
import { escapeForTerminal, jsonForTerminal, quoted } from "../ui/terminal-text.js";
import { missingInstallPart, repointedLine } from "../config/install-paths.js";
import type { Command } from "commander";
import { addOpOptions, commandOptions, runWith, type Factory, type RunF } from "./factory.js";
import { isSupportedNodeVersion, MIN_NODE_MAJOR, NODE_UPGRADE_HINT, unsupportedNodeWarning } from "../node-version.js";

export interface DoctorOptions {
  profile?: string;
  json?: boolean;
  offline?: boolean;
  /** Point credential_process lines whose Node.js, cli.js or executable is gone at this install, before checking. */
  fix?: boolean;
  opCli?: string;
  opTimeout?: string;
}

export function newCmdDoctor(f: Factory, runF: RunF<DoctorOptions> = (options) => run(options, f.ctx)): Command {
  return addOpOptions(
    new f.commander.Command("doctor")
      .description("check op, 1Password, each aws-op profile, its item, AWS STS and the cache; ✓ or ✗ with the fix")
      .argument("[profile]", "check only this profile")
      .option("--json", "print JSON")
      .option("--offline", "skip the AWS STS check")
      .option("--fix", "first point credential_process lines whose Node.js or aws-op is gone at this install"),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  aws-op doctor\n  aws-op doctor work --offline\n  aws-op doctor --json\n  aws-op doctor --fix   (after a Node.js upgrade)",
    )
    .action(async (profile: string | undefined, flags: Partial<DoctorOptions>) =>
      runWith(f, runF, commandOptions<DoctorOptions>(flags, { profile })),
    );
}

export interface Check {
  id: string;
  profile?: string;
  title: string;
  ok: boolean;
  /** What was found (never a secret). */
  detail: string;
  /** How to fix a failed check (or act on a warning). */
  fix?: string;
  /** Passed, but with something to act on (shown with "!"): does not fail doctor. */
  warning?: boolean;
}

/** AWS's advice (IAM best practices; Security Hub control IAM.3): rotate access keys at least every 90 days. */
export const KEY_MAX_AGE_DAYS = 90;
const DAY_MS = 86_400_000;

function failure(error: unknown): { detail: string; fix?: string } {
  if (error instanceof UserError) return { detail: error.message, ...(error.hint ? { fix: error.hint } : {}) };
  throw error;
}

async function attempt(
  id: string,
  title: string,
  extra: { profile?: string },
  body: () => Promise<{ detail: string; ok?: boolean; fix?: string; warning?: boolean }>,
): Promise<Check> {
  try {
    const r = await body();
    return {
      id,
      title,
      ...extra,
      ok: r.ok ?? true,
      detail: r.detail,
      ...(r.fix ? { fix: r.fix } : {}),
      ...(r.warning ? { warning: true } : {}),
    };
  } catch (error) {
    return { id, title, ...extra, ok: false, ...failure(error) };
  }
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return lstatSync(path).isFile() || lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Why the AWS SDK for Go (Terraform and most Go tools) would run something else than botocore does, or undefined.
 * Lines written by aws-op 0.1 started with a quote (see src/config/command-line.ts).
 */
function goSdkMisreadReason(line: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== "win32" && line.startsWith('"')) {
    return "credential_process starts with a quote: the AWS SDK for Go before config 1.25 (aws-sdk-go v1, older Terraform providers) runs only the first word and gets no credentials";
  }
  const comment = /[#;]/.exec(line);
  if (comment) return `credential_process contains "${comment[0]}": the AWS SDK for Go cuts the line there`;
  return undefined;
}

function checkLine(ctx: Context, files: AwsFiles, profile: string): { ok: boolean; detail: string; fix?: string } {
  const setup = `Run "aws-op setup ${shellWordForDisplay(profile)}" to write it.`;
  const line = readProfileValues(files, profile)?.credential_process;
  if (!line) return { ok: false, detail: "the profile has no credential_process line", fix: setup };
  const parsed = parseCredentialProcessLine(line, ctx.platform);
  if (!parsed) return { ok: false, detail: "credential_process has an unclosed quote", fix: setup };
  const goReadsItDifferently = goSdkMisreadReason(line, ctx.platform);
  if (goReadsItDifferently) return { ok: false, detail: goReadsItDifferently, fix: setup };
  if (!parsed.isAwsOp) {
    return { ok: false, detail: `credential_process does not run "aws-op process": ${line}`, fix: setup };
  }
  if (parsed.profile !== undefined && parsed.profile !== profile) {
    return {
      ok: false,
      detail: `credential_process serves profile "${parsed.profile}", not "${profile}"`,
      fix: setup,
    };
  }
  const [program, second] = parsed.argv;
  // The npm package's line names Node.js and the CLI script; the single executable's names the executable alone.
  const script = second?.endsWith(".js") ? second : undefined;
  if (!program || !isAbsolute(program)) {
    return {
      ok: false,
      detail: `"${program ?? ""}" is not an absolute path: GUI apps and IDEs with a thin PATH will not find it`,
      fix: setup,
    };
  }
  const repoint = `Run "aws-op doctor --fix" to point it at this aws-op, or "aws-op setup ${shellWordForDisplay(profile)}".`;
  if (!isExecutableFile(program)) {
    return {
      ok: false,
      detail: `${program} does not exist or is not executable (${script ? "Node.js" : "aws-op"} upgraded or moved?)`,
      fix: repoint,
    };
  }
  if (script && !existsSync(script)) {
    return { ok: false, detail: `${script} does not exist (aws-op moved or was uninstalled?)`, fix: repoint };
  }
  return { ok: true, detail: script ? `${program} ${script}` : program };
}

/** Every section header must mean the same section to botocore and the JS, Go, Java and Ruby SDKs. */
function checkSectionNames(files: AwsFiles): { ok: boolean; detail: string; fix?: string } {
  const problems: string[] = [];
  for (const [file, problemOf] of [
    [files.config, configSectionProblem],
    [files.credentials, credentialsSectionProblem],
  ] as const) {
    for (const section of file.doc.sectionNames()) {
      const problem = problemOf(section);
      if (problem !== undefined) problems.push(`[${section}] in ${file.path}: ${problem}`);
    }
  }
  if (problems.length === 0) return { ok: true, detail: "every section header reads the same in every client" };
  return {
    ok: false,
    detail: problems.slice(0, 5).join("; ") + (problems.length > 5 ? `; and ${problems.length - 5} more` : ""),
    fix: `Rename these sections in both files (and the --profile on their credential_process lines). ${PORTABLE_NAME_HINT}`,
  };
}

/**
 * One line per section header that botocore, the JS SDK and the Go SDK read differently (config/section-headers.ts):
 * the profiles it leaves ambiguous are refused, and this says which line to rewrite, and how.
 */
function checkSectionHeaders(files: AwsFiles): Check[] {
  const problems = sectionHeaderProblems(files);
  if (problems.length === 0) {
    return [{ id: "section-headers", title: "section headers every AWS client reads alike", ok: true, detail: "yes" }];
  }
  return problems.map((p) => ({
    id: "section-headers",
    title: `section header in ${p.path}, line ${p.line}`,
    ok: false,
    detail: `${p.shown ? `${p.shown}: ` : ""}${p.why}; aws-op refuses ${p.profiles.map((name) => JSON.stringify(name)).join(", ")} until it is fixed`,
    fix: p.fix,
  }));
}

/** botocore refuses a whole file with a repeated section or a key repeated in one section; aws-op merges them. */
function checkDuplicates(files: AwsFiles): { ok: boolean; detail: string; fix?: string } {
  const problems: string[] = [];
  for (const file of [files.config, files.credentials]) {
    const { sections, keys } = file.doc.duplicates();
    for (const section of sections) problems.push(`[${section}] appears more than once in ${file.path}`);
    for (const { section, key } of keys)
      problems.push(`"${key}" appears more than once in [${section}] in ${file.path}`);
  }
  if (problems.length === 0) return { ok: true, detail: "none" };
  return {
    ok: false,
    detail: problems.slice(0, 5).join("; ") + (problems.length > 5 ? `; and ${problems.length - 5} more` : ""),
    fix: 'The AWS CLI and boto3 refuse such a file ("Unable to parse config file"): merge the repeated sections and keep one line per key.',
  };
}

/** How old the item's access key is (IAM ListAccessKeys, as the key itself); a warning past KEY_MAX_AGE_DAYS. */
async function checkKeyAge(
  ctx: Context,
  keys: CallerKeys,
  settings: ProfileSettings,
  profile: string,
): Promise<{ detail: string; fix?: string; warning?: boolean }> {
  let listed;
  try {
    // No user name: IAM lists the keys of the user who owns the calling key.
    listed = await ctx.iam.listAccessKeys(keys, awsCallOptions(ctx, settings, "IAM"));
  } catch (error) {
    if (isIamAccessDenied(error)) return { detail: "skipped: the key may not call iam:ListAccessKeys" };
    throw error;
  }
  const created = listed.find((k) => k.accessKeyId === keys.accessKeyId)?.createDate;
  if (!created) return { detail: "unknown: IAM did not say when this key was created" };
  const days = Math.floor((ctx.now().getTime() - created.getTime()) / DAY_MS);
  const detail = `${days} day${days === 1 ? "" : "s"} old (created ${created.toISOString().slice(0, 10)})`;
  if (days <= KEY_MAX_AGE_DAYS) return { detail };
  return {
    detail: `${detail}, older than ${KEY_MAX_AGE_DAYS} days`,
    warning: true,
    fix: `aws-op rotate ${shellWordForDisplay(profile)}   (for every due key, e.g. from cron: aws-op rotate --all --older-than ${KEY_MAX_AGE_DAYS}d)`,
  };
}

/** The cache directory and its files must be ours and private (0700 / 0600). */
function checkCache(ctx: Context): { ok: boolean; detail: string; fix?: string } {
  const location = cacheLocation(ctx.env, ctx.home, ctx.platform);
  const root = location.path;
  if (!existsSync(root)) return { ok: true, detail: `${root} (not created yet; it will be 0700)` };
  if (ctx.platform === "win32") return { ok: true, detail: root };
  const problems: string[] = [];
  const uid = process.getuid?.();
  const visit = (path: string, depth: number): void => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) {
      problems.push(`${path} is a symbolic link`);
      return;
    }
    if (uid !== undefined && stat.uid !== uid) problems.push(`${path} belongs to another user`);
    const wanted = stat.isDirectory() ? 0o700 : 0o600;
    if ((stat.mode & 0o077) !== 0) {
      problems.push(`${path} is mode ${(stat.mode & 0o7777).toString(8)}, not ${wanted.toString(8)}`);
      // A directory of the user's choice open to others (perhaps a shared one like /tmp): aws-op refuses it and
      // never changes it, and what is inside is not aws-op's to list.
      if (depth === 0 && location.chosenByUser) return;
    }
    // Node's compile cache (compile-cache.ts) makes its own files inside: the private directory keeps them ours.
    if (depth === 1 && basename(path) === COMPILE_CACHE_DIRECTORY) return;
    if (stat.isDirectory() && depth < 3) for (const name of readdirSync(path)) visit(join(path, name), depth + 1);
  };
  visit(root, 0);
  if (problems.length === 0) return { ok: true, detail: `${root} (0700, files 0600)` };
  const rootStat = lstatSync(root);
  if (location.chosenByUser && (rootStat.mode & 0o077) !== 0) {
    return {
      ok: false,
      detail: problems.slice(0, 3).join("; "),
      fix: `Point AWS_OP_CACHE_DIR at a new path (aws-op creates it, private), or chmod 700 "${root}" if it is yours alone.`,
    };
  }
  return {
    ok: false,
    detail: problems.slice(0, 3).join("; "),
    fix: `chmod -R go-rwx "${root}"   (or: aws-op clear --all && rm -r "${root}")`,
  };
}

/** The Node.js running aws-op (and so the one its credential_process lines start): 22 or later. */
function checkNodeVersion(version: string): Check {
  const title = "Node.js version";
  if (isSupportedNodeVersion(version)) {
    return { id: "node-version", title, ok: true, detail: `${version} (aws-op needs ${MIN_NODE_MAJOR} or later)` };
  }
  return {
    id: "node-version",
    title,
    ok: false,
    detail: unsupportedNodeWarning(version) ?? version,
    fix: NODE_UPGRADE_HINT,
  };
}

/** What a path that is not a regular file is, for a message; undefined for a device (/dev/null: empty by design). */
function oddFileKind(path: string): string | undefined {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return "a directory";
    if (stat.isFIFO()) return "a FIFO";
    if (stat.isSocket()) return "a socket";
    return undefined;
  } catch {
    return undefined;
  }
}

/**
 * The AWS files as found: both missing (a fresh home: nothing set up yet) fails, with what to run; so does a path
 * that is a directory, a FIFO or a socket, which every AWS client reads as empty (as aws-op does). A device such as
 * /dev/null (AWS_SHARED_CREDENTIALS_FILE=/dev/null keeps keys out of a credentials file) is read as empty on purpose.
 */
function describeAwsFiles(files: AwsFiles): { ok: boolean; detail: string; fix?: string } {
  const odd = [files.config, files.credentials].flatMap((file) => {
    const kind = file.notRegular ? oddFileKind(file.path) : undefined;
    return kind ? [`${file.path} is ${kind}, not a file: AWS clients and aws-op read it as empty`] : [];
  });
  if (odd.length > 0) {
    return {
      ok: false,
      detail: odd.join("; "),
      fix: "Point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at the file itself (or unset them for ~/.aws/config and ~/.aws/credentials), or move what is at that path away.",
    };
  }
  const missing = [files.config, files.credentials].filter((file) => file.text === undefined && !file.notRegular);
  if (missing.length === 2) {
    return {
      ok: false,
      detail: `${files.config.path} and ${files.credentials.path} do not exist yet`,
      fix: 'Run "aws-op setup PROFILE" to create a profile from the 1Password item that holds its AWS key (or, with keys in a credentials file, "aws-op import --all --vault VAULT" to move them into 1Password).',
    };
  }
  return { ok: true, detail: `${files.config.path}, ${files.credentials.path}` };
}

/** The keys of the profile being checked, for the op executable of the checks before the per-profile ones. */
function profileValuesFor(ctx: Context, profile: string | undefined): Record<string, string> {
  if (!profile) return {};
  try {
    return readProfileValues(readFilesFor(ctx), profile) ?? {};
  } catch {
    return {}; // the "AWS config files readable" check says what is wrong
  }
}

export async function runChecks(options: DoctorOptions, ctx: Context): Promise<Check[]> {
  const checks: Check[] = [];
  const op: OpContext = opContextFor(ctx, resolveOpSettings(options, ctx.env, profileValuesFor(ctx, options.profile)));
  const progress = (text: string): void => {
    if (!options.json && ctx.isTTY.stderr) ctx.stderr(`\r\u001b[K${escapeForTerminal(text)}`);
  };

  if (ctx.nodeVersion !== undefined) checks.push(checkNodeVersion(ctx.nodeVersion));
  progress("Checking the 1Password CLI...");
  const connect = isConnect(ctx.env);
  const opCheck = await attempt("op-version", "1Password CLI found", {}, async () => {
    const text = await readOpVersion(op);
    const version = parseOpVersion(text);
    if (!version || !isAtLeast(version, OP_2.min)) {
      return {
        ok: false,
        detail: `${op.cli} is version ${text || "unknown"}; aws-op needs 2.x`,
        fix: "Install 1Password CLI 2: https://developer.1password.com/docs/cli/get-started/",
      };
    }
    // What each command needs, against this version.
    const needs = [ROTATE_NEEDS, ...(ctx.env.OP_SERVICE_ACCOUNT_TOKEN ? [SERVICE_ACCOUNT_NEEDS] : [])];
    const short = needs.filter((need) => !isAtLeast(version, need.min));
    const described = needs
      .map((need) => `${need.what} ${formatNeed(need.min)}+ ${isAtLeast(version, need.min) ? "ok" : "TOO OLD"}`)
      .join(", ");
    const detail = `${op.cli} ${formatVersion(version)} (${OP_2.what}: 2.x ok; ${described})`;
    if (short.length > 0) {
      return {
        ok: false,
        detail,
        fix: `${short.map((need) => `${need.what} needs ${formatNeed(need.min)} or later (${need.why})`).join("; ")}. ${UPDATE_HINT}`,
      };
    }
    return { detail };
  });
  checks.push(opCheck);
  checks.push(
    await attempt("op-signin", "1Password signed in", {}, async () => {
      if (connect) {
        // Connect serves only item reads: there is no sign-in to ask about; the item checks below read through it.
        const detail = `skipped: 1Password Connect (OP_CONNECT_HOST=${ctx.env.OP_CONNECT_HOST ?? ""}) cannot answer "op whoami"; the item checks below read through Connect`;
        if (!ctx.env.OP_CONNECT_TOKEN) {
          return {
            ok: false,
            detail: `${detail}, but OP_CONNECT_TOKEN is not set`,
            fix: "Set OP_CONNECT_TOKEN to the Connect server's access token.",
          };
        }
        return { detail };
      }
      const me = await whoami(op, {});
      return { detail: [me.email, me.url].filter(Boolean).join(" at ") || "signed in" };
    }),
  );

  let files: AwsFiles | undefined;
  const filesCheck = await attempt("aws-files", "AWS config files readable", {}, async () => {
    files = readFilesFor(ctx);
    return describeAwsFiles(files);
  });
  checks.push(filesCheck);
  if (files) {
    const f: AwsFiles = files;
    checks.push(
      await attempt("profile-names", "profile names every AWS client reads alike", {}, async () =>
        checkSectionNames(f),
      ),
    );
    checks.push(...checkSectionHeaders(f));
    checks.push(await attempt("duplicates", "no duplicate sections or keys", {}, async () => checkDuplicates(f)));
  }

  const profiles: string[] = [];
  if (files) {
    const all = listProfileNames(files).filter((p) => {
      const v = readProfileValues(files as AwsFiles, p) ?? {};
      return !!(v.op_item?.trim() || v.op_source_profile?.trim());
    });
    if (options.profile) profiles.push(options.profile);
    else profiles.push(...all);
    if (profiles.length === 0) {
      checks.push({
        id: "profiles",
        title: "aws-op profiles",
        ok: false,
        detail: "no profile in the AWS config uses aws-op",
        fix: 'Run "aws-op setup PROFILE" or "aws-op import --all --vault VAULT".',
      });
    }
  }

  for (const profile of profiles) {
    if (!files) break;
    const f: AwsFiles = files;
    const scope = { profile };
    progress(`Checking profile ${profile}...`);
    let settings: ProfileSettings | undefined;
    checks.push(
      await attempt("profile-settings", `[${profile}] settings`, scope, async () => {
        settings = resolveProfileSettings({
          env: ctx.env,
          files: f,
          flags: {
            profile,
            ...(options.opCli ? { opCli: options.opCli } : {}),
            ...(options.opTimeout ? { opTimeout: options.opTimeout } : {}),
          },
        });
        const where = settings.item
          ? `item ${quoted(settings.item)}${settings.vault ? ` in vault ${quoted(settings.vault)}` : ""}`
          : `role ${settings.role?.roleArn ?? "?"} via profile "${settings.sourceProfile ?? "?"}"`;
        return { detail: where };
      }),
    );
    checks.push(
      await attempt("credential-process", `[${profile}] credential_process runnable`, scope, async () =>
        checkLine(ctx, f, profile),
      ),
    );
    checks.push(
      await attempt("no-static-keys", `[${profile}] no static keys shadowing it`, scope, async () => {
        const where = staticKeyLocations(f, profile);
        if (where.length > 0) {
          const inCredentials = where.some((w) => w.path === f.credentials.path);
          return {
            ok: false,
            detail: where
              .map((w) => `${w.path} holds aws_access_key_id for [${w.section}]`)
              .join("; ")
              .concat("; AWS tools use it instead of credential_process"),
            fix: inCredentials
              ? `aws-op import ${shellWordForDisplay(profile)} --vault ${settings?.vault ? shellWordForDisplay(settings.vault) : "VAULT"}`
              : `Remove aws_access_key_id and aws_secret_access_key from [${where[0]?.section ?? profile}] in ${f.config.path} (keep them in the 1Password item).`,
          };
        }
        return { detail: "none" };
      }),
    );
    const s = settings;
    if (!s) continue;
    let keys: { accessKeyId: string; secretAccessKey: string } | undefined;
    if (s.item) {
      checks.push(
        await attempt("item", `[${profile}] 1Password item and fields`, scope, async () => {
          const item = await readItem(opContextFor(ctx, s), itemLocatorFor(s));
          const fields = resolveAwsFields(item);
          keys = { accessKeyId: fields.accessKeyId, secretAccessKey: fields.secretAccessKey };
          const found = Object.values(fields.labels).join(", ");
          return { detail: `${quoted(item.title)}: ${found}` };
        }),
      );
    }
    if (!options.offline && s.item) {
      progress(`Calling AWS IAM for ${profile}...`);
      checks.push(
        await attempt("key-age", `[${profile}] access key age`, scope, async () => {
          if (!keys) return { detail: "skipped: the item could not be read" };
          return checkKeyAge(ctx, keys, s, profile);
        }),
      );
    }
    if (!options.offline) {
      progress(`Calling AWS STS for ${profile}...`);
      checks.push(
        await attempt("sts", `[${profile}] STS GetCallerIdentity`, scope, async () => {
          let use = keys;
          if (s.role || !s.item) {
            use = await credentialChainFor(ctx, s, "session", f, { flags: options }).provider.retrieve();
          } else if (!use) {
            return { ok: false, detail: "skipped: the item could not be read", fix: "Fix the item check above." };
          }
          const identity = await ctx.sts.getCallerIdentity(use, awsCallOptions(ctx, s));
          return { detail: identity.arn };
        }),
      );
    }
  }
  checks.push(await attempt("cache", "session cache private", {}, async () => checkCache(ctx)));
  progress("");
  return checks;
}

export function formatChecks(checks: Check[], useColour: boolean): string {
  const c = colours(useColour);
  const lines: string[] = [];
  for (const check of checks) {
    const mark = !check.ok ? c.red("✗") : check.warning ? c.yellow("!") : c.green("✓");
    // Titles and details hold profile names, item titles and values from the AWS files.
    lines.push(`${mark} ${escapeForTerminal(check.title)}: ${escapeForTerminal(check.detail)}`);
    if ((!check.ok || check.warning) && check.fix) lines.push(`    fix: ${escapeForTerminal(check.fix)}`);
  }
  const failed = checks.filter((x) => !x.ok).length;
  const warnings = checks.filter((x) => x.ok && x.warning).length;
  const warned = warnings > 0 ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : "";
  lines.push(
    failed === 0
      ? c.green(`All checks passed${warned}.`)
      : c.red(`${failed} check${failed === 1 ? "" : "s"} failed${warned}.`),
  );
  return `${lines.join("\n")}\n`;
}

interface InstallRepair {
  file: AwsFile;
  text: string;
  profiles: string[];
}

/** The edits --fix makes: in each AWS file, the credential_process lines of `profiles` whose install is gone. */
export function planInstallRepairs(ctx: Context, files: AwsFiles, profiles: string[]): InstallRepair[] {
  const install = awsOpProgramFor(ctx, "repair credential_process");
  const repairs: InstallRepair[] = [];
  for (const [file, sectionOf] of [
    [files.config, configSectionName],
    [files.credentials, credentialsSectionName],
  ] as const) {
    const doc = parseIni(file.text ?? "");
    const repaired: string[] = [];
    for (const profile of profiles) {
      const section = sectionOf(profile);
      const line = doc.get(section, "credential_process");
      if (line === undefined || !missingInstallPart(line, ctx.platform)) continue;
      const next = repointedLine(line, ctx.platform, install);
      if (next === undefined || next === line) continue;
      doc.set(section, "credential_process", next);
      repaired.push(profile);
    }
    if (repaired.length > 0) repairs.push({ file, text: doc.toString(), profiles: repaired });
  }
  return repairs;
}

/** doctor --fix: show each file's diff, then write it (atomically, and only if nobody changed it meanwhile). */
function repairInstallPaths(options: DoctorOptions, ctx: Context): void {
  const files = readFilesFor(ctx);
  const all = listProfileNames(files);
  const repairs = planInstallRepairs(ctx, files, options.profile ? [options.profile] : all);
  const show = (text: string) => (options.json ? ctx.stderr(text) : ctx.stdout(text));
  const c = colours(isColourWanted(ctx.env, options.json ? ctx.isTTY.stderr : ctx.isTTY.stdout));
  if (repairs.length === 0) {
    ctx.stderr("Nothing to fix: no credential_process line names a Node.js or aws-op that is gone.\n");
    return;
  }
  for (const repair of repairs) {
    const before = repair.file.text ?? "";
    // Shown, so every key ID and secret the files hold is masked, as setup and import mask them.
    show(
      colourDiff(
        fileDiff(repair.file.path, maskAwsSecrets(before, files), maskAwsSecrets(repair.text, files), ctx.home),
        c,
      ),
    );
  }
  for (const repair of repairs) {
    writeAwsFile(repair.file, repair.text);
    ctx.stderr(
      `${c.green("✓")} ${escapeForTerminal(`Pointed credential_process of ${repair.profiles.map((p) => `[${p}]`).join(", ")} at this aws-op in ${repair.file.path}.`)}\n`,
    );
  }
}

/**
 * `doctor PROFILE` of a name in neither AWS file is refused before any check, as every profile command refuses it
 * (naming the nearest profiles); files that cannot be read are left to the "AWS config files" check to explain.
 */
function requireKnownProfile(ctx: Context, profile: string): void {
  let files: AwsFiles;
  try {
    files = readFilesFor(ctx);
  } catch {
    return;
  }
  if (readProfileValues(files, profile) === undefined) throw unknownProfileError(files, profile);
}

/** Returns the exit code: 0 only when every check passed. */
export async function run(options: DoctorOptions, ctx: Context): Promise<number> {
  if (options.profile !== undefined) requireKnownProfile(ctx, options.profile);
  if (options.fix) repairInstallPaths(options, ctx);
  const checks = await runChecks(options, ctx);
  const ok = checks.every((x) => x.ok);
  if (options.json) ctx.stdout(`${jsonForTerminal({ ok, checks })}\n`);
  else ctx.stdout(formatChecks(checks, isColourWanted(ctx.env, ctx.isTTY.stdout)));
  return ok ? 0 : 1;
}
