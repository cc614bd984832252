// The profile picker: which profiles it offers (the aws-op ones, with their vault and item or role), what a pick
// returns, and the error without a terminal, which names a few profiles and then "... and N more".
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAwsFiles, type AwsFiles } from "../../../src/config/profile.js";
import { UserError } from "../../../src/errors.js";
import { noProfileNamedError, pickableProfiles, pickProfile, profileChoices } from "../../../src/ui/profile-picker.js";
import type { PromptChoice } from "../../../src/ui/prompts.js";
import { answering } from "../../helpers/context.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

function files(config: string, credentials = ""): AwsFiles {
  const dir = makeTempDir("aws-op-picker-");
  writeFileSync(join(dir, "config"), config);
  writeFileSync(join(dir, "credentials"), credentials);
  return readAwsFiles({ config: join(dir, "config"), credentials: join(dir, "credentials") });
}

const CONFIG = `[default]
region = eu-west-1

[profile work]
op_vault = Work
op_item = AWS work

[profile admin]
op_source_profile = work
op_role_arn = arn:aws:iam::123456789012:role/admin

[profile plain]
region = us-east-1

[profile solo]
op_item = AWS solo
`;

describe("pickableProfiles", () => {
  it("offers the aws-op profiles (op_item or op_source_profile), each with its vault and item or its role", () => {
    const profiles = pickableProfiles(files(CONFIG, "[static]\naws_access_key_id = AKIA\n"));
    expect(profiles).toEqual([
      { profile: "work", vault: "Work", item: "AWS work" },
      { profile: "admin", roleArn: "arn:aws:iam::123456789012:role/admin", sourceProfile: "work" },
      { profile: "solo", item: "AWS solo" },
    ]);
    expect(profileChoices(profiles)).toEqual<PromptChoice[]>([
      { value: "work", name: "work   Work / AWS work", short: "work" },
      { value: "admin", name: "admin  arn:aws:iam::123456789012:role/admin  via work", short: "admin" },
      { value: "solo", name: "solo   AWS solo", short: "solo" },
    ]);
  });

  it("a name or description with control characters is shown escaped; the value is the name itself", () => {
    const [choice] = profileChoices([{ profile: "evil\u001b[2J", item: "x\u0007" }]);
    expect(choice?.value).toBe("evil\u001b[2J");
    expect(choice?.name).not.toContain("\u001b");
    expect(choice?.name).not.toContain("\u0007");
    expect(choice?.short).not.toContain("\u001b");
  });
});

describe("pickProfile", () => {
  it("in a terminal: one type-to-filter question listing the profiles; the pick is returned as named", async () => {
    const asked: { message: string; choices: PromptChoice[] }[] = [];
    const terminal = {
      isTTY: { stdin: true, stdout: false, stderr: true },
      prompter: answering({
        search: async (message, choices) => {
          asked.push({ message, choices });
          return "admin";
        },
      }),
    };
    const picked = await pickProfile(files(CONFIG), terminal, {
      command: "exec",
      usage: "aws-op exec PROFILE -- COMMAND",
    });
    expect(picked).toBe("admin");
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toBe("AWS profile for exec (type to filter)");
    expect(asked[0]?.choices.map((c) => c.value)).toEqual(["work", "admin", "solo"]);
  });

  it("without a terminal: an error naming the profiles, and how to name one; nothing is asked", async () => {
    // A terminal on stdin only (stderr piped) is no terminal to ask on.
    const terminal = { isTTY: { stdin: true, stdout: true, stderr: false }, prompter: answering({}) };
    const error = await pickProfile(files(CONFIG), terminal, { command: "env", usage: "aws-op env PROFILE" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      "aws-op env needs a profile; the aws-op profiles are: work, admin, solo.",
    );
    expect((error as UserError).hint).toBe(
      "aws-op env PROFILE (in a terminal, aws-op env without one lists them to pick from).",
    );
  });
});

describe("noProfileNamedError", () => {
  it('names five profiles, then "... and N more, see aws-op list"; names that need quoting are quoted', () => {
    const profiles = ["a", "b", "my profile", "d", "e", "f", "g"].map((profile) => ({ profile }));
    expect(noProfileNamedError("exec", "aws-op exec PROFILE", profiles).message).toBe(
      `aws-op exec needs a profile; the aws-op profiles are: a, b, 'my profile', d, e ... and 2 more, see "aws-op list".`,
    );
  });

  it("with no aws-op profile at all it says how to make one", () => {
    const error = noProfileNamedError("login", "aws-op login PROFILE", []);
    expect(error.message).toBe("aws-op login needs a profile, and no profile uses aws-op yet.");
    expect(error.hint).toMatch(/aws-op setup PROFILE/);
  });
});
