// Differential fuzz of section headers: random config and credentials files whose sections each name their own item
// (op_item = item-N) and credential_process (cp-N), with headers spelled in all the ways users mistype them
// ("[ profile x]", "[profile  x]", "[profile\tx]", "[profile x] # note", quotes, comments inside, indentation,
// "[DEFAULT]", lone carriage returns, quotes in values ...). botocore, the JS SDK v3 and the Go SDK v2 (their own
// loaders: test/helpers/profile-oracles.ts) say which section's credential_process each would run for a profile.
// For every client that can read the files at all, aws-op must serve that section's item for that profile, and for
// the profile the line names (the one the section was written for), or refuse it. And files in the one form every
// client reads alike must be served in full.
import fc from "fast-check";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAwsFiles, resolveProfileSettings } from "../../../src/config/profile.js";
import { UserError } from "../../../src/errors.js";
import {
  ORACLE_CLIENTS,
  requireOracleTools,
  startProfileOracles,
  type AwsFileTexts,
  type OracleReadings,
  type ProfileOracles,
} from "../../helpers/profile-oracles.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

const oracleTools = requireOracleTools();

/** Profile names: ordinary ones, and a few that some client reads differently whatever the header. */
const NAMES = ["dev", "prod", "a.b", "team-x", "u@corp", "default"];
const ODD_NAMES = [";prod", "#x", "p q", "ü", "x]y", "profile"];
const name = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_NAMES) },
);

const pick = <T>(weighted: [number, T][]): fc.Arbitrary<T> =>
  fc.oneof(...weighted.map(([weight, value]) => ({ weight, arbitrary: fc.constant(value) })));

const indent = pick([
  [12, ""],
  [1, " "],
  [1, "\t"],
]);
const inside = pick([
  [8, ""],
  [1, " "],
  [1, "\t"],
  [1, "\u00a0"],
]);
const separator = pick([
  [8, " "],
  [1, "  "],
  [1, "\t"],
  [1, "."],
  [1, "\u00a0"],
  [1, " ;"],
  [1, " #"],
]);
const prefix = pick([
  [12, "profile"],
  [1, "profiles"],
  [1, "Profile"],
  [1, "sso-session"],
]);
const quote = pick([
  [12, ""],
  [1, '"'],
  [1, "'"],
]);
const after = pick([
  [10, ""],
  [1, " "],
  [1, " # note"],
  [1, "# note"],
  [1, " ; note"],
  [1, " x"],
  [1, "]"],
  [1, " # a]b"],
]);
/** Spellings of the default profile's header, whatever name the section was meant for. */
const DEFAULT_HEADERS = ["[DEFAULT]", "[Default]", "[ default]", "[default ]", "[profile default]", "[default]"];

/** A header and the profile it was meant for (the one its credential_process line names). */
interface Header {
  header: string;
  target: string;
}
const meant = (target: string) => (header: string) => ({ header, target });

/** A config file header meant for `n`: mostly as aws-op writes it, often misspelled. */
function configHeader(n: string): fc.Arbitrary<Header> {
  const canonical = n === "default" ? fc.constantFrom("[default]", "[profile default]") : fc.constant(`[profile ${n}]`);
  const unbalanced = fc.constant(`[profile "${n}]`);
  const misspelled = fc
    .tuple(indent, inside, prefix, separator, quote, inside, after)
    .map(([i, lead, p, sep, q, trail, rest]) => `${i}[${lead}${p}${sep}${q}${n}${q}${trail}]${rest}`);
  return fc.oneof(
    { weight: 6, arbitrary: canonical.map(meant(n)) },
    { weight: 5, arbitrary: misspelled.map(meant(n)) },
    { weight: 1, arbitrary: fc.constantFrom(...DEFAULT_HEADERS).map(meant("default")) },
    { weight: 1, arbitrary: unbalanced.map(meant(n)) },
  );
}

/** A credentials file header meant for `n`. */
function credentialsHeader(n: string): fc.Arbitrary<Header> {
  const misspelled = fc
    .tuple(
      indent,
      inside,
      pick([
        [8, ""],
        [1, "profile "],
      ]),
      quote,
      inside,
      after,
    )
    .map(([i, lead, p, q, trail, rest]) => `${i}[${lead}${p}${q}${n}${q}${trail}]${rest}`);
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(`[${n}]`).map(meant(n)) },
    { weight: 4, arbitrary: misspelled.map(meant(n)) },
    { weight: 1, arbitrary: fc.constant("[DEFAULT]").map(meant("default")) },
  );
}

/** Lines between the keys: blank, comments, other keys, continuation lines, quotes (balanced and not). */
const extra = pick([
  [6, ""],
  [3, "# a comment"],
  [1, "; [profile dev]"],
  [1, "  # indented comment"],
  [3, "region = eu-west-1"],
  [1, "  continued"],
  [1, 'note = "quoted"'],
  [1, 'note = "open'],
  [1, "  [profile prod]"],
]);
const eol = pick([
  [20, "\n"],
  [3, "\r\n"],
  [1, "\r"],
]);

interface Section {
  header: Header;
  extras: string[];
  itemFirst: boolean;
}

function sectionOf(header: fc.Arbitrary<Header>): fc.Arbitrary<Section> {
  return fc.record({ header, extras: fc.array(extra, { maxLength: 3 }), itemFirst: fc.boolean() });
}

function render(sections: Section[], eols: string[], firstId: number): string {
  let text = "";
  let e = 0;
  const line = (content: string) => (text += content + (eols[e++ % eols.length] ?? "\n"));
  sections.forEach((section, i) => {
    const id = firstId + i;
    line(section.header.header);
    // The line as aws-op writes it (shell-quoted name), with the section's number before anything a client cuts off.
    const keys = [
      `credential_process = /usr/bin/aws-op process cp-${id} --profile ${shellQuote(section.header.target)}`,
      `op_item = item-${id}`,
    ];
    if (section.itemFirst) keys.reverse();
    const [x, y, z] = section.extras;
    if (x !== undefined) line(x);
    line(keys[0] ?? "");
    if (y !== undefined) line(y);
    line(keys[1] ?? "");
    if (z !== undefined) line(z);
  });
  return text;
}

interface Case {
  files: AwsFileTexts;
  /** The profile names to ask about. */
  profiles: string[];
  /** The profile each section was written for: the one its credential_process line names (section number -> name). */
  targets: Map<number, string>;
}

const configSections = fc.array(
  name.chain((n) => sectionOf(configHeader(n))),
  { minLength: 1, maxLength: 5 },
);
const credentialsSections = fc.array(
  name.chain((n) => sectionOf(credentialsHeader(n))),
  { maxLength: 2 },
);

const cases: fc.Arbitrary<Case> = fc
  .tuple(configSections, credentialsSections, fc.array(eol, { minLength: 1, maxLength: 6 }))
  .map(([config, credentials, eols]) => {
    const names = new Set([...config, ...credentials].map((s) => s.header.target));
    // What a client may call a profile that a header was meant for, besides its name.
    for (const n of [...names]) {
      for (const variant of [
        `"${n}"`,
        `'${n}'`,
        ` ${n}`,
        `${n} `,
        `profile ${n}`,
        `profile.${n}`,
        `sso-session.${n}`,
      ]) {
        names.add(variant);
      }
    }
    for (const n of ["default", "DEFAULT", "Default", " default", "default "]) names.add(n);
    const targets = new Map<number, string>();
    config.forEach((s, i) => targets.set(1 + i, s.header.target));
    credentials.forEach((s, i) => targets.set(100 + i, s.header.target));
    return {
      targets,
      files: {
        config: render(config, eols, 1),
        credentials: render(credentials, eols, 100),
      },
      profiles: [...names],
    };
  });

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** The section number in "... cp-N ..." or "item-N..." (a continuation line may follow it). */
function sectionNumber(value: string, prefix: string): number {
  const match = new RegExp(`\\b${prefix}-(\\d+)`).exec(value);
  if (!match) throw new Error(`unexpected value ${JSON.stringify(value)}`);
  return Number(match[1]);
}

interface Served {
  /** The section whose item aws-op serves, or undefined when it refuses the profile. */
  section: number | undefined;
  refusal?: string;
}

function servedByAwsOp(dir: string, files: AwsFileTexts, profiles: readonly string[]): Served[] {
  const config = join(dir, "aws-op-config");
  const credentials = join(dir, "aws-op-credentials");
  writeFileSync(config, files.config);
  writeFileSync(credentials, files.credentials);
  let read;
  try {
    read = readAwsFiles({ config, credentials });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return profiles.map(() => ({ section: undefined, refusal: error.message }));
  }
  return profiles.map((profile) => {
    try {
      const settings = resolveProfileSettings({ env: {}, files: read, flags: { profile } });
      return { section: settings.item === undefined ? undefined : sectionNumber(settings.item, "item") };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return { section: undefined, refusal: error.message };
    }
  });
}

/**
 * What would act as another identity than its own lines say, for each client that can read the files at all:
 * - a client runs the credential_process of one section for a profile that aws-op serves from another section;
 * - a client runs a section's credential_process line, which names the profile the section was written for, and
 *   aws-op serves that profile from another section, or the client runs it under another profile name (its own
 *   reading of the header), so that a profile acts as the item written under a different header.
 * aws-op trims the name it is given (--profile " x" is x), so a name with spaces at either end, which only a client
 * can read, is checked against what aws-op serves for the trimmed name.
 */
function mixups(c: Case, served: Map<string, Served>, read: OracleReadings): string[] {
  const found: string[] = [];
  c.profiles.forEach((profile, i) => {
    for (const client of ORACLE_CLIENTS) {
      const reading = read[client];
      const value = reading.values[i] ?? null;
      if (reading.failed || value === null) continue;
      const section = sectionNumber(value, "cp");
      const awsOp = served.get(profile.trim())?.section;
      if (awsOp !== undefined && awsOp !== section) {
        found.push(`${client} runs section ${section} for ${JSON.stringify(profile)}; aws-op serves section ${awsOp}`);
      }
      const target = c.targets.get(section) ?? "";
      const forTarget = served.get(target)?.section;
      if (forTarget !== undefined && (forTarget !== section || profile.trim() !== target)) {
        found.push(
          `${client} runs section ${section} (written for ${JSON.stringify(target)}) for ${JSON.stringify(profile)}; aws-op serves ${JSON.stringify(target)} from section ${forTarget}`,
        );
      }
    }
  });
  return found;
}

/** Files as users ordinarily write them: canonical headers only, comments, blank lines, other keys, LF or CRLF. */
const ordinaryCases: fc.Arbitrary<Case> = fc
  .tuple(
    fc.uniqueArray(fc.constantFrom(...NAMES.filter((n) => n !== "default"), "default"), { minLength: 1, maxLength: 5 }),
    // Each at most once: botocore refuses a file with a key twice in a section.
    fc.uniqueArray(fc.constantFrom("", "# a comment", "; another", "region = eu-west-1", "  # indented comment"), {
      maxLength: 3,
    }),
    fc.constantFrom("\n", "\r\n"),
    fc.constantFrom("", " # note", "  ; note"),
    fc.boolean(),
  )
  .map(([names, extras, end, comment, inCredentials]) => {
    const sections = names.map((n): Section => ({
      header: { header: n === "default" ? `[default]${comment}` : `[profile ${n}]${comment}`, target: n },
      extras,
      itemFirst: false,
    }));
    // The last profile maybe in the credentials file instead, as [NAME].
    const moved = inCredentials ? sections.splice(-1) : [];
    const credentials = moved.map((s) => ({ ...s, header: { ...s.header, header: `[${s.header.target}]` } }));
    const targets = new Map<number, string>();
    sections.forEach((s, i) => targets.set(1 + i, s.header.target));
    credentials.forEach((s, i) => targets.set(100 + i, s.header.target));
    return {
      files: { config: render(sections, [end], 1), credentials: render(credentials, [end], 100) },
      profiles: names,
      targets,
    };
  });

describe.skipIf(!oracleTools.available)("section headers: aws-op against botocore, the JS SDK and the Go SDK", () => {
  let oracles: ProfileOracles;
  let dir: string;

  beforeAll(() => {
    dir = makeTempDir("aws-op-headers-fuzz-");
    oracles = startProfileOracles(dir);
  }, 300_000);

  afterAll(() => oracles?.close());

  it("for every profile, aws-op serves the item of the section each client runs credential_process from, or refuses it (property)", async () => {
    let servedCount = 0;
    let refusedCount = 0;
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const read = await oracles.read(c.files, c.profiles);
        const names = [...new Set(c.profiles.map((p) => p.trim()))];
        const answers = servedByAwsOp(dir, c.files, names);
        const served = new Map(names.map((n, i) => [n, answers[i] ?? { section: undefined }]));
        for (const s of answers) {
          if (s.section !== undefined) servedCount++;
          else if (s.refusal?.includes("ambiguous")) refusedCount++;
        }
        expect(mixups(c, served, read)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
    // Most generated profiles are ordinary: the rule must keep serving them, and refuse some.
    expect(servedCount).toBeGreaterThan(1000);
    expect(refusedCount).toBeGreaterThan(100);
  }, 300_000);

  it("files in the form every client reads alike: aws-op serves every profile, from the section every client runs (property)", async () => {
    await fc.assert(
      fc.asyncProperty(ordinaryCases, async (c) => {
        const read = await oracles.read(c.files, c.profiles);
        const answers = servedByAwsOp(dir, c.files, c.profiles);
        c.profiles.forEach((profile, i) => {
          const section = answers[i]?.section;
          expect(answers[i]?.refusal, profile).toBeUndefined();
          for (const client of ORACLE_CLIENTS) {
            expect(read[client].failed, client).toBe(false);
            expect(sectionNumber(read[client].values[i] ?? "", "cp"), `${client}, ${profile}`).toBe(section);
          }
        });
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});
