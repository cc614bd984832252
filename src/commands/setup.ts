// `aws-op setup [PROFILE]`: write (or update) the profile's block in ~/.aws/config: the credential_process line
// with absolute paths, and the op_* keys. In named steps: choose (flags, the block as it is, and in a terminal
// questions for what they did not say) -> plan the block -> check it as the planned profile resolves (read the item
// and call STS GetCallerIdentity, or assume the role; unless --offline) -> show the diff and write.
import { maskKeyId } from "../aws/credential-output.js";
import { parseSessionDuration, requireDurationInRange, ROLE_MAX_SECONDS, ROLE_MIN_SECONDS } from "../aws/duration.js";
import { writeAwsFile } from "../config/aws-file-writer.js";
import { shellWordForDisplay } from "../config/command-line.js";
import { IniEditError, parseIni } from "../config/ini.js";
import { requirePortableValue, requireUsableProfileName } from "../config/names.js";
import {
  findConfigSection,
  maskAwsSecrets,
  resolveOpSettings,
  resolveProfileSettings,
  staticKeyLocations,
  type AwsFiles,
  type ProfileSettings,
} from "../config/profile.js";
import {
  awsCallOptions,
  credentialChainFor,
  credentialProcessLineFor,
  itemLocatorFor,
  opContextFor,
  readFilesFor,
  type Context,
} from "../context.js";
import { UserError } from "../errors.js";
import { listItems, readItem, type OpContext } from "../onepassword/client.js";
import { isConnect } from "../onepassword/connect.js";
import { resolveAwsFields, type AwsItemFields } from "../onepassword/item.js";
import { colourDiff, colours, isColourWanted } from "../ui/colour.js";
import type { Prompter } from "../ui/prompts.js";
import { fileDiff } from "../ui/file-diff.js";
import { escapeForTerminal, quoted } from "../ui/terminal-text.js";
import type { Command } from "commander";
import { addOpOptions, commandOptions, runWith, type Factory, type RunF } from "./factory.js";
import { askForAccount, askForVault, portableOr } from "./pick-from-1password.js";

export interface SetupOptions {
  profile?: string;
  vault?: string;
  item?: string;
  account?: string;
  region?: string;
  mfaSerial?: string;
  sessionDuration?: string;
  roleArn?: string;
  sourceProfile?: string;
  roleSessionName?: string;
  externalId?: string;
  roleDuration?: string;
  opCli?: string;
  opTimeout?: string;
  dryRun?: boolean;
  yes?: boolean;
  offline?: boolean;
}

export function newCmdSetup(
  f: Factory,
  runF: RunF<SetupOptions> = async (options) => {
    await run(options, f.ctx);
    return 0;
  },
): Command {
  return addOpOptions(
    new f.commander.Command("setup")
      .description("write or update [profile PROFILE] in ~/.aws/config to get its keys from a 1Password item")
      .argument("[profile]", "the AWS profile to set up (asked for in a terminal when missing)")
      .option("--vault <vault>", "1Password vault name or ID (op_vault)")
      .option("--item <item>", "1Password item title or ID holding the access key (op_item)")
      .option("--account <account>", "1Password account shorthand, sign-in address or ID (op_account)")
      .option("--region <region>", "region to write into the profile")
      .option("--mfa-serial <arn>", "ARN of the MFA device (op_mfa_serial)")
      .option("--session-duration <duration>", 'STS session length, e.g. 1h, 12h, or "off" (op_session_duration)')
      .option("--role-arn <arn>", "role to assume (op_role_arn)")
      .option(
        "--source-profile <profile>",
        "aws-op profile whose keys assume the role; no item needed (op_source_profile)",
      )
      .option("--role-session-name <name>", "role session name (op_role_session_name)")
      .option("--external-id <id>", "external ID for the role (op_external_id)")
      .option("--role-duration <duration>", "role session length, 15m to 12h (op_role_duration)")
      .option("--dry-run", "print the change as a diff; write nothing")
      .option("-y, --yes", "write without asking for confirmation")
      .option("--offline", "do not check the keys with AWS STS"),
  )
    .addHelpText(
      "after",
      `
Examples:
  aws-op setup                                  (in a terminal: pick vault and item from lists)
  aws-op setup work --vault Work --item "AWS work" --region eu-west-1
  aws-op setup work --vault Work --item "AWS work" --mfa-serial arn:aws:iam::123456789012:mfa/alice
  aws-op setup admin --role-arn arn:aws:iam::123456789012:role/Admin --source-profile work
  aws-op setup work --dry-run                   (show the diff, write nothing)`,
    )
    .action(async (profile: string | undefined, flags: Partial<SetupOptions>) =>
      runWith(f, runF, commandOptions<SetupOptions>(flags, { profile })),
    );
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function missing(flag: string, example: string): UserError {
  return new UserError(`Missing ${flag}: aws-op setup asks for it only in a terminal.`, {
    hint: `Pass it, e.g. ${example}`,
  });
}

function describeFields(fields: AwsItemFields): string[] {
  const lines = [
    `  access key ID      ${maskKeyId(fields.accessKeyId)}  (${fields.labels.accessKeyId ?? "?"})`,
    `  secret access key  (hidden)  (${fields.labels.secretAccessKey ?? "?"})`,
  ];
  if (fields.mfaSerial) lines.push(`  MFA serial         ${fields.mfaSerial}  (${fields.labels.mfaSerial ?? "?"})`);
  if (fields.labels.otp) lines.push(`  one-time password  yes  (${fields.labels.otp})`);
  if (fields.accountId) lines.push(`  account ID         ${fields.accountId}`);
  return lines;
}

interface Chosen {
  item?: string;
  vault?: string;
  account?: string;
}

/** Ask for account, vault and item in a terminal, listing what 1Password has. */
async function askForItem(op: OpContext, prompter: Prompter, chosen: Chosen, ctx: Context): Promise<Chosen> {
  const result = { ...chosen };
  if (!result.account) {
    const account = await askForAccount(op, prompter, ctx);
    if (account) result.account = account;
  }
  const locator = result.account ? { account: result.account } : {};
  result.vault ??= await askForVault(op, prompter, locator);
  const items = await listItems(op, { ...locator, vault: result.vault });
  if (items.length === 0) {
    throw new UserError(`1Password vault ${quoted(result.vault)} has no items.`, {
      hint: 'Add your AWS key as an item, or move it there with "aws-op import".',
    });
  }
  // API credentials first: that is where AWS keys usually live.
  const sorted = [...items].sort(
    (a, b) =>
      Number(b.category === "API_CREDENTIAL") - Number(a.category === "API_CREDENTIAL") ||
      a.title.localeCompare(b.title),
  );
  const id = await prompter.search(
    "1Password item holding the AWS key (type to filter)",
    sorted.map((i) => ({
      value: i.id,
      name: escapeForTerminal(i.title),
      description: escapeForTerminal(i.category.toLowerCase().replace(/_/g, " ")),
    })),
  );
  const picked = items.find((i) => i.id === id);
  // A title reads better in the config file; an ID when the title is not unique in the vault.
  const unique = picked && items.filter((i) => i.title === picked.title).length === 1;
  result.item = unique ? portableOr(picked.title, id) : id;
  return result;
}

interface Plan {
  profile: string;
  files: AwsFiles;
  section: { name: string; exists: boolean };
  chosen: Chosen;
  /** The role's keys come from op_source_profile: no item of its own. */
  usesSource: boolean;
  /** The config file with the planned block. */
  after: string;
  /** The AWS files as they will be, for resolving the planned profile. */
  planned: AwsFiles;
}

export async function run(options: SetupOptions, ctx: Context): Promise<void> {
  const interactive = ctx.isTTY.stdin && ctx.isTTY.stderr;
  let prompter: Prompter | undefined;
  const ask = async (): Promise<Prompter> => (prompter ??= await ctx.prompter());
  const plan = await choose(options, ctx, interactive, ask);
  const settings = resolveProfileSettings({
    env: ctx.env,
    files: plan.planned,
    flags: {
      profile: plan.profile,
      ...(options.opCli ? { opCli: options.opCli } : {}),
      ...(options.opTimeout ? { opTimeout: options.opTimeout } : {}),
    },
  });
  await check(plan, settings, options, ctx);
  await write(plan, options, ctx, interactive, ask);
}

/** Step 1 and 2: the profile, its item (asked for in a terminal), and the planned block. */
async function choose(
  options: SetupOptions,
  ctx: Context,
  interactive: boolean,
  ask: () => Promise<Prompter>,
): Promise<Plan> {
  let profile = nonEmpty(options.profile);
  if (!profile) {
    if (!interactive) throw missing("the profile name", "aws-op setup work --vault Work --item 'AWS work'");
    profile = (await (await ask()).input("AWS profile name", { default: "default" })).trim();
  }
  requireUsableProfileName(profile);
  const line = credentialProcessLineFor(ctx, profile);

  const files = readFilesFor(ctx);
  const section = findConfigSection(files, profile);
  const existing = files.config.doc.getSection(section.name) ?? {};

  const roleArn = nonEmpty(options.roleArn) ?? nonEmpty(existing.op_role_arn);
  const sourceProfile = nonEmpty(options.sourceProfile) ?? nonEmpty(existing.op_source_profile);
  let chosen: Chosen = {};
  // A new --source-profile replaces the profile's own item: the role's keys now come from the source.
  const item = nonEmpty(options.item) ?? (nonEmpty(options.sourceProfile) ? undefined : nonEmpty(existing.op_item));
  const vault = nonEmpty(options.vault) ?? nonEmpty(existing.op_vault);
  const account = nonEmpty(options.account) ?? nonEmpty(existing.op_account);
  if (item) chosen.item = item;
  if (vault) chosen.vault = vault;
  if (account) chosen.account = account;

  if (sourceProfile && !roleArn) {
    throw new UserError("--source-profile needs --role-arn: it names where the role's keys come from.");
  }
  if (sourceProfile === profile) throw new UserError(`Profile "${profile}" cannot be its own --source-profile.`);
  if (options.sessionDuration !== undefined) parseSessionDuration(options.sessionDuration, "--session-duration");
  if (options.roleDuration !== undefined) {
    requireDurationInRange(options.roleDuration, "--role-duration", ROLE_MIN_SECONDS, ROLE_MAX_SECONDS);
  }
  const usesSource = !!(roleArn && sourceProfile && !chosen.item);
  if (!usesSource && !chosen.item) {
    if (!interactive) {
      throw missing("--item", `aws-op setup ${shellWordForDisplay(profile)} --vault Work --item "AWS ${profile}"`);
    }
    // The pickers list accounts, vaults and items: Connect serves none of that. Say so before asking anything.
    if (isConnect(ctx.env)) {
      throw new UserError(
        "aws-op setup cannot list vaults and items through 1Password Connect (OP_CONNECT_HOST is set), so it cannot offer them to pick from.",
        {
          hint: `Name them: aws-op setup ${shellWordForDisplay(profile)} --vault VAULT --item ITEM (Connect can read the item), or unset OP_CONNECT_HOST and OP_CONNECT_TOKEN to pick with your 1Password account.`,
        },
      );
    }
    // The op of the profile as it is: the one precedence (flag > AWS_OP_CLI > op_cli).
    const op = opContextFor(ctx, resolveOpSettings(options, ctx.env, existing));
    chosen = await askForItem(op, await ask(), chosen, ctx);
  }

  const entries: Record<string, string | undefined> = { credential_process: line };
  const put = (key: string, value: string | undefined): void => {
    const v = nonEmpty(value);
    if (v !== undefined) entries[key] = v;
  };
  if (!usesSource) put("op_item", chosen.item);
  else if (existing.op_item !== undefined) entries.op_item = undefined;
  put("op_vault", chosen.vault);
  put("op_account", chosen.account);
  put("op_mfa_serial", options.mfaSerial);
  put("op_session_duration", options.sessionDuration);
  put("op_cli", options.opCli);
  put("op_role_arn", options.roleArn);
  put("op_source_profile", options.sourceProfile);
  put("op_role_session_name", options.roleSessionName);
  put("op_external_id", options.externalId);
  put("op_role_duration", options.roleDuration);
  put("region", options.region);
  // Every value must read back the same in every AWS client; checked before op or STS runs.
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) requirePortableValue(key, value);

  const doc = parseIni(files.config.text ?? "");
  try {
    doc.setAll(section.name, entries);
  } catch (error) {
    if (error instanceof IniEditError) {
      throw new UserError(`Cannot update [${section.name}] in ${files.config.path}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
  const after = doc.toString();
  const planned: AwsFiles = { ...files, config: { ...files.config, text: after, doc: parseIni(after) } };
  return { profile, files, section, chosen, usesSource, after, planned };
}

/** Step 3: the planned profile works: its item and keys (STS), or its role assumed from the source profile. */
/** Lines hold item titles, field labels and values: their control characters are escaped. `mark` is aws-op's own. */
function sayer(ctx: Context): (text: string, mark?: string) => void {
  return (text, mark = "") => ctx.stderr(`${mark}${escapeForTerminal(text)}\n`);
}

async function check(plan: Plan, settings: ProfileSettings, options: SetupOptions, ctx: Context): Promise<void> {
  const c = colours(isColourWanted(ctx.env, ctx.isTTY.stderr));
  const say = sayer(ctx);
  if (!plan.usesSource && settings.item) {
    say(
      `Reading 1Password item ${quoted(settings.item)}${settings.vault ? ` in vault ${quoted(settings.vault)}` : ""}...`,
    );
    const opItem = await readItem(opContextFor(ctx, settings), itemLocatorFor(settings));
    const fields = resolveAwsFields(opItem);
    say(`Found in ${quoted(opItem.title)}:`);
    for (const l of describeFields(fields)) say(l);
    if (!options.offline) {
      say("Checking the keys with AWS STS GetCallerIdentity...");
      const identity = await ctx.sts.getCallerIdentity(
        { accessKeyId: fields.accessKeyId, secretAccessKey: fields.secretAccessKey },
        awsCallOptions(ctx, settings),
      );
      say(` The keys work: ${identity.arn}`, c.green("✓"));
    }
  }
  if (plan.usesSource && !options.offline && settings.role) {
    say(`Assuming ${settings.role.roleArn} with the keys of profile "${settings.sourceProfile ?? ""}"...`);
    const credentials = await credentialChainFor(ctx, settings, "session", plan.planned).provider.retrieve();
    const identity = await ctx.sts.getCallerIdentity(credentials, awsCallOptions(ctx, settings));
    say(` The role works: ${identity.arn}`, c.green("✓"));
  }
}

/** Step 4: warn about static keys that shadow the profile, show the diff, ask (in a terminal), write. */
async function write(
  plan: Plan,
  options: SetupOptions,
  ctx: Context,
  interactive: boolean,
  ask: () => Promise<Prompter>,
): Promise<void> {
  const { files, profile, section, after } = plan;
  const c = colours(isColourWanted(ctx.env, ctx.isTTY.stderr));
  const say = sayer(ctx);
  for (const where of staticKeyLocations(files, profile)) {
    say(
      ` ${where.path} still holds static keys for [${where.section}]; AWS tools use them instead of credential_process.`,
      c.yellow("!"),
    );
    say(
      where.path === files.credentials.path
        ? `  Move them into 1Password: aws-op import ${shellWordForDisplay(profile)} --vault ${plan.chosen.vault === undefined ? "VAULT" : shellWordForDisplay(plan.chosen.vault)}`
        : `  Remove aws_access_key_id and aws_secret_access_key from [${where.section}] (keep them in the 1Password item).`,
    );
  }
  const before = files.config.text ?? "";
  if (after === before) {
    say(`Profile "${profile}" is already set up in ${files.config.path}; nothing to change.`);
    return;
  }
  // Shown, so every key ID and secret the files hold is masked, in context lines too.
  const patch = fileDiff(files.config.path, maskAwsSecrets(before, files), maskAwsSecrets(after, files), ctx.home);
  if (options.dryRun) {
    ctx.stdout(colourDiff(patch, colours(isColourWanted(ctx.env, ctx.isTTY.stdout))));
    say("Dry run: nothing was written.");
    return;
  }
  if (interactive && !options.yes) {
    ctx.stderr(colourDiff(patch, c));
    if (!(await (await ask()).confirm(`Write these changes to ${escapeForTerminal(files.config.path)}?`, true))) {
      say("Nothing was written.");
      return;
    }
  }
  writeAwsFile(files.config, after);
  say(` Wrote [${section.name}] to ${files.config.path}.`, c.green("✓"));
  say(`  Try it: aws sts get-caller-identity --profile ${shellWordForDisplay(profile)}`);
}
