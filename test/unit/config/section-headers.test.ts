// Section headers that botocore, the JS SDK v3 and the Go SDK v2 read differently: which profiles aws-op refuses,
// with the line and the fix, and that what users ordinarily write (and what aws-op writes) is never refused. How
// each client really reads them is checked against the clients themselves in section-headers-fuzz.test.ts.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIni } from "../../../src/config/ini.js";
import { configSectionName } from "../../../src/config/names.js";
import { readAwsFiles, resolveProfileSettings, sectionHeaderProblems } from "../../../src/config/profile.js";
import { UserError } from "../../../src/errors.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";
import { thrownBy } from "../../helpers/thrown.js";

function files(config: string, credentials = "") {
  const dir = makeTempDir("aws-op-headers-");
  writeFileSync(join(dir, "config"), config);
  writeFileSync(join(dir, "credentials"), credentials);
  return readAwsFiles({ config: join(dir, "config"), credentials: join(dir, "credentials") });
}

/** The profiles some header leaves ambiguous, sorted. */
function refused(config: string, credentials = ""): string[] {
  return [...new Set(sectionHeaderProblems(files(config, credentials)).flatMap((p) => p.profiles))].sort();
}

const line = (profile: string) =>
  `credential_process = /usr/bin/node /opt/aws-op/dist/cli.js process --profile ${profile}`;
const section = (header: string, profile: string, item: string) =>
  `${header}\n${line(profile)}\nop_vault = V\nop_item = ${item}\n`;

describe("a header the AWS clients read differently", () => {
  it("refuses the issue's example: [ profile prod] below [profile prod] (botocore ignores it, aws-op read it as prod and served dev-item)", () => {
    const config = `${section("[profile prod]", "prod", "prod-item")}\n[ profile prod]\nop_item = dev-item\n`;
    const error = thrownBy(() => resolveProfileSettings({ env: {}, files: files(config), flags: { profile: "prod" } }));
    expect(error).toBeInstanceOf(UserError);
    const { message, hint } = error as UserError;
    expect(message).toMatch(/^AWS profile "prod" is ambiguous: .*config, line 6, "\[ profile prod\]": /);
    expect(message).toContain('aws-op and the Go SDK v2 read it as the profile "prod"');
    expect(message).toContain("botocore and the JS SDK v3 read it as no profile");
    expect(hint).toContain("Write it as [profile prod]");
    expect(hint).toContain("aws-op doctor");
  });

  it.each([
    ["[ profile prod]", ["prod"]],
    ["[profile  prod]", ["prod"]],
    ["[profile prod ]", ["prod"]],
    ["[profile\tprod]", ["prod"]],
    ["[profile\u00a0prod]", ["prod"]],
    ["[profiles prod]", ["prod"]],
    ["[profile.prod]", ["prod"]],
    ['[profile "prod"]', ['"prod"', "prod"]],
    ["[profile 'prod']", ["'prod'", "prod"]],
    // Some client does not take these for headers: the keys below them join [profile dev] there.
    ["[profile prod]# note", ["dev", "prod"]],
    ["[profile prod] x", ["dev", "prod"]],
    ["[profile  ;prod]", [";prod", "dev", "prod"]],
    ["[ profile prod #y]", ["dev", "prod"]],
    ["  [profile prod]", ["dev", "prod"]],
    ['[profile "prod]', ["dev", "prod"]],
  ])("%j below [profile dev] leaves %j ambiguous", (header, profiles) => {
    const config = section("[profile dev]", "dev", "dev-item") + section(header, "prod", "prod-item");
    expect(refused(config)).toEqual(profiles);
  });

  it.each(["[profile prod]", "[profile prod] # note", "[profile prod]\t; note", "[profile prod]  "])(
    "%j is read alike by every client: nothing is refused",
    (header) => {
      const config = section("[profile dev]", "dev", "dev-item") + section(header, "prod", "prod-item");
      expect(refused(config)).toEqual([]);
      expect(resolveProfileSettings({ env: {}, files: files(config), flags: { profile: "prod" } }).item).toBe(
        "prod-item",
      );
    },
  );

  it('an indented header right after a key is part of its value to botocore and aws-op, a header to the JS and Go SDKs: "dev" and "prod" are refused', () => {
    const config = `[profile dev]\n${line("dev")}\nop_item = dev-item\n  [profile prod]\nop_item = prod-item\n`;
    expect(refused(config)).toEqual(["dev", "prod"]);
    const problem = sectionHeaderProblems(files(config))[0];
    expect(problem?.line).toBe(4);
    expect(problem?.shown).toBeUndefined(); // the line may be part of a value: it is not quoted back
  });

  it("[default] and [profile default] both (botocore uses the later, the SDKs [profile default]): default is refused", () => {
    for (const config of [
      section("[default]", "default", "a") + section("[profile default]", "default", "b"),
      section("[profile default]", "default", "b") + section("[default]", "default", "a"),
    ]) {
      expect(refused(config)).toEqual(["default"]);
    }
    expect(refused(section("[profile default]", "default", "b"))).toEqual([]);
  });

  it("[DEFAULT] (botocore gives its keys to every section lacking them): those profiles and the one its line serves are refused", () => {
    const config = `[DEFAULT]\n${line("bob")}\n[profile x]\nop_item = x\n${section("[profile y]", "y", "y")}`;
    expect(refused(config)).toEqual(["DEFAULT", "bob", "x"]);
  });

  it.each([
    ["[ default]", [" default", "default"]],
    ["[default ]", ["default", "default "]],
    ["[profile default]", ["default", "profile default", "profile.default"]],
    ['["prod"]', ['"prod"', "prod"]],
  ])("in the credentials file, %j is refused as %j", (header, profiles) => {
    const target = header.includes("prod") ? "prod" : "default";
    expect(refused("", section(header, target, "x"))).toEqual(profiles);
  });

  it("a line ended by a lone carriage return (botocore ends the line, the SDKs do not) refuses the profile around it", () => {
    expect(refused(`[profile a]\n${line("a")}\rop_item = a\n[profile b]\nop_item = b\n`)).toEqual(["a"]);
    expect(refused(`[profile a]\nop_item = a\r[profile b]\n${line("b")}\n`)).toEqual(["a", "b"]);
  });

  it("a quote that the Go SDK reads as a string over lines (swallowing a header) refuses the profiles it spans", () => {
    const config = `[profile a]\nop_item = "x\n${section("[profile b]", "b", "b")}note = y"\n${section("[profile c]", "c", "c")}`;
    expect(refused(config)).toEqual(["a", "b"]);
    expect(refused(`[profile a]\nop_item = "x y"\n${section("[profile b]", "b", "b")}`)).toEqual([]);
  });

  it("a quote that never ends (the Go SDK then reads the file as empty, silently) refuses the profiles that are in both files", () => {
    expect(refused(section("[profile a]", "a", "a") + section("[profile b]", "b", "b"), '[a]\nop_item = "x\n')).toEqual(
      ["a"],
    );
  });

  it("[sso-session x], [services x] and other sections no client reads as a profile are fine, unless a profile has the name the JS SDK files them under", () => {
    const config = `[sso-session corp]\nsso_region = eu-west-1\n[services s3]\ns3 =\n  endpoint_url = http://x\n[plugins]\nx = y\n${section("[profile dev]", "dev", "d")}`;
    expect(refused(config)).toEqual([]);
    expect(refused(config + section("[profile sso-session.corp]", "sso-session.corp", "s"))).toEqual([
      "sso-session.corp",
    ]);
  });

  it("names only the first header in the refusal and counts the others", () => {
    const config = `${section("[profile prod]", "prod", "a")}[ profile prod]\nop_item = b\n[profile  prod]\nop_item = c\n`;
    const error = thrownBy(() => resolveProfileSettings({ env: {}, files: files(config), flags: { profile: "prod" } }));
    expect((error as UserError).message).toContain('line 5, "[ profile prod]" (and 1 more header)');
  });
});

describe("what users ordinarily write is never refused", () => {
  const portable = fc.stringMatching(/^[A-Za-z0-9_\-@+.%:/]{1,12}$/).filter((n) => !(n in Object.prototype));

  it("config and credentials files as setup and import write them, with comments, blank lines, CRLF and other sections (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(portable, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.constantFrom(
          "",
          "# my profiles\n",
          "[plugins]\ncli_legacy_plugin_path = /x\n\n",
          "[sso-session corp]\nsso_region = eu-west-1\n",
        ),
        (names, crlf, head) => {
          const config = parseIni(head);
          const credentials = parseIni("");
          for (const name of names) {
            config.setAll(configSectionName(name), {
              credential_process: line(name),
              op_item: `item ${name}`,
              region: "eu-west-1",
            });
            credentials.set(name, "aws_session_token_note", "x");
          }
          const text = (doc: { toString(): string }) => (crlf ? doc.toString().replace(/\n/g, "\r\n") : doc.toString());
          const read = files(text(config), text(credentials));
          expect(sectionHeaderProblems(read)).toEqual([]);
          for (const name of names) {
            expect(resolveProfileSettings({ env: {}, files: read, flags: { profile: name } }).item).toBe(
              `item ${name}`,
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
