// What README.md and docs/ show, checked against the built CLI: the README's quick-start and completion blocks run
// line by line as a user pastes them (through bash, in a fresh HOME, with `aws-op` on PATH, the op double and moto),
// every ```ini block of README.md and docs/*.md passes `aws-op doctor --offline` (a block marked
// `<!-- docs-check: doctor fails -->` must fail it), every `aws-op` command line shown names a command and flags
// that command has, and every relative link leads to a file and heading that exist. The blocks are read from the
// documents, so a changed README changes what runs.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitPosix } from "../../src/config/shell-split.js";
import { makeStore, makeVault, repoRoot, scriptRecipeItem } from "../fake-op/fixture.js";
import type { StoreItem } from "../fake-op/store.js";
import { createIamUserWithKey, requireTools, startMoto, type Moto } from "../helpers/moto.js";
import { cliPath, createSandbox, type RunResult, type Sandbox } from "../helpers/sandbox.js";
import { makeTempDir } from "../helpers/temp-dirs.js";

const tools = requireTools(["moto_server", "aws", "bash"]);
/** Who moto says a session is: its GetSessionToken always issues one fixed key, which it calls user/moto. So the AWS
 * CLI seeing this (not the IAM user of the long-term key) shows it was given a session, as aws-op serves. */
const MOTO_SESSION_ARN = "arn:aws:sts::123456789012:user/moto";

interface Block {
  file: string;
  /** The 1-based line of the opening fence. */
  line: number;
  lang: string;
  /** The `<!-- docs-check: ... -->` or `<!-- readme-test: ... -->` comment just before the block, if any. */
  marker?: string;
  text: string;
}

/** The fenced blocks of a Markdown file, each with the HTML comment marker (if any) on the lines before it. */
function fencedBlocks(file: string): Block[] {
  const lines = readFileSync(join(repoRoot, file), "utf8").split("\n");
  const blocks: Block[] = [];
  let marker: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const comment = /^\s*<!--\s*((?:readme-test|docs-check):[^>]*?)\s*-->\s*$/.exec(line);
    if (comment) {
      marker = comment[1];
      continue;
    }
    const fence = /^(\s*)```(\w*)\s*$/.exec(line);
    if (fence) {
      const indent = fence[1]?.length ?? 0;
      const body: string[] = [];
      const start = i;
      for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i] ?? ""); i++) body.push((lines[i] ?? "").slice(indent));
      blocks.push({
        file,
        line: start + 1,
        lang: fence[2] ?? "",
        ...(marker ? { marker } : {}),
        text: body.join("\n"),
      });
      marker = undefined;
      continue;
    }
    if (line.trim() !== "") marker = undefined;
  }
  return blocks;
}

const documents = ["README.md", ...readdirSync(join(repoRoot, "docs")).map((name) => `docs/${name}`)].filter((f) =>
  f.endsWith(".md"),
);
const allBlocks = documents.flatMap(fencedBlocks);

/** The README block after `<!-- readme-test: NAME -->`: its command lines, comments and blank lines left out. */
function readmeCommands(name: string): string[] {
  const block = allBlocks.find((b) => b.file === "README.md" && b.marker === `readme-test: ${name}`);
  if (!block) throw new Error(`README.md has no block marked <!-- readme-test: ${name} -->`);
  return block.text.split("\n").filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"));
}

/** The paths the documents show for a global npm install on Linux, and this checkout's in their place. */
function withThisInstall(config: string): string {
  return config
    .replaceAll("/usr/lib/node_modules/aws-op/dist/cli.js", cliPath)
    .replaceAll("/usr/bin/node", process.execPath);
}

/** The passing `aws-op doctor` run that docs/setup.md shows. */
function doctorSample(): string {
  const sample = allBlocks.find((b) => b.file === "docs/setup.md" && b.text.startsWith("$ aws-op doctor\n"));
  if (!sample) throw new Error("docs/setup.md shows no passing aws-op doctor run");
  return sample.text;
}

/** The names of doctor's checks (what comes before the colon), in order. */
function checkNames(output: string): string[] {
  return output
    .split("\n")
    .filter((line) => /^[✓✗!] /.test(line))
    .map((line) => line.split(":")[0] ?? "");
}

describe("README.md", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");

  it("is a front door: at most 300 lines", () => {
    expect(readme.trimEnd().split("\n").length).toBeLessThanOrEqual(300);
  });

  it("starts the user's own keys with aws-op import or aws-op setup, never a hand-written credential_process block", () => {
    const firstOnKeys = allBlocks
      .filter((b) => b.file === "README.md" && b.lang === "sh")
      .flatMap((b) => b.text.split("\n"))
      .map((line) => line.trim())
      .find((line) => line.startsWith("aws-op ") && !line.startsWith("aws-op completion"));
    expect(firstOnKeys).toMatch(/^aws-op (import|setup)\b/);
    expect(allBlocks.filter((b) => b.file === "README.md" && /credential_process\s*=/.test(b.text))).toEqual([]);
  });
});

describe("the links of README.md, docs/, SECURITY.md and CHANGELOG.md", () => {
  /** GitHub's anchor of a heading: lower case, punctuation but - and _ dropped, spaces as -. */
  const anchorsOf = (file: string): Set<string> =>
    new Set(
      readFileSync(join(repoRoot, file), "utf8")
        .replace(/^\s*```[\s\S]*?^\s*```/gm, "")
        .split("\n")
        .flatMap((line) => /^#+ (.*)$/.exec(line)?.[1] ?? [])
        .map((heading) =>
          heading
            .trim()
            .toLowerCase()
            .replace(/[^\p{L}\p{N}_\- ]/gu, "")
            .replaceAll(" ", "-"),
        ),
    );
  const files = [...documents, "SECURITY.md", "CHANGELOG.md"];
  const links = files.flatMap((file) =>
    [
      ...readFileSync(join(repoRoot, file), "utf8")
        .replace(/^\s*```[\s\S]*?^\s*```/gm, "")
        .matchAll(/\]\(([^)\s]+)\)/g),
    ]
      .map((m) => m[1] ?? "")
      .filter((link) => !/^[a-z]+:/.test(link))
      .map((link) => [file, link] as const),
  );

  it.each(links)("%s: %s leads somewhere", (file, link) => {
    const [path = "", anchor] = link.split("#");
    const target = path ? join(dirname(file), path) : file;
    expect(existsSync(join(repoRoot, target)), target).toBe(true);
    if (anchor) expect([...anchorsOf(target)]).toContain(anchor);
  });
});

describe.skipIf(!tools.available)("the README's commands, run as shown", () => {
  let moto: Moto;
  let bin: string;
  const keys: Record<string, { accessKeyId: string; secretAccessKey: string; arn: string }> = {};

  beforeAll(async () => {
    moto = await startMoto();
    keys.default = await createIamUserWithKey(moto.url, "readme-default");
    keys.work = await createIamUserWithKey(moto.url, "readme-work");
    // `aws-op` on PATH, as `npm install -g` puts it there.
    bin = makeTempDir("aws-op-readme-bin-");
    writeFileSync(join(bin, "aws-op"), `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`, { mode: 0o755 });
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  function sandboxWith(vaults: { name: string; items: StoreItem[] }[]): Sandbox {
    return createSandbox({
      endpoint: moto.url,
      store: makeStore({ vaults: vaults.map((vault) => makeVault(vault.name, vault.items)) }),
    });
  }

  /** The ARN the AWS CLI line sees (as JSON, whatever the profile's output format). */
  async function identityOf(sandbox: Sandbox, line: string): Promise<string> {
    expect(line).toMatch(/^aws sts get-caller-identity --profile work$/);
    return (JSON.parse((await paste(sandbox, `${line} --output json`)).stdout) as { Arn: string }).Arn;
  }

  /** One pasted line in the user's shell (bash, as a terminal would run it): the point is to run it as shown. */
  async function paste(sandbox: Sandbox, line: string): Promise<RunResult> {
    const result = await sandbox.exec("bash", ["-c", line], {
      env: { PATH: `${bin}:${sandbox.env().PATH ?? ""}` },
      stdoutMayHoldCredentials: false,
    });
    if (result.status !== 0) throw new Error(`${line}\nexit ${result.status}\n${result.stdout}${result.stderr}`);
    return result;
  }

  it("quick start from ~/.aws/credentials: import --dry-run changes nothing, import moves the keys, doctor passes, aws sees the user", async () => {
    const sandbox = sandboxWith([{ name: "Private", items: [] }]);
    const credentials = ["default", "work"]
      .map(
        (p) =>
          `[${p}]\naws_access_key_id = ${keys[p]?.accessKeyId}\naws_secret_access_key = ${keys[p]?.secretAccessKey}\n`,
      )
      .join("\n");
    sandbox.writeCredentials(credentials);
    // A user's config as `aws configure` leaves it: the regions (the AWS CLI needs one).
    const config = "[default]\nregion = eu-west-1\n\n[profile work]\nregion = eu-west-1\n";
    sandbox.writeConfig(config);
    const [dryRun, importAll, doctor, aws, ...rest] = readmeCommands("import");
    expect(rest).toEqual([]);

    expect(dryRun).toMatch(/^aws-op import .*--dry-run/);
    expect((await paste(sandbox, dryRun ?? "")).stdout).toMatch(/planned: would create item "AWS work"/);
    expect(readFileSync(sandbox.credentialsPath, "utf8")).toBe(credentials);
    expect(readFileSync(sandbox.configPath, "utf8")).toBe(config);

    expect((await paste(sandbox, importAll ?? "")).stdout).toMatch(/work +AWS work +imported/);
    expect(readFileSync(sandbox.credentialsPath, "utf8")).not.toContain("aws_access_key_id");
    expect(readFileSync(sandbox.configPath, "utf8")).toMatch(
      /\[profile work\]\nregion = eu-west-1\ncredential_process = /,
    );

    expect((await paste(sandbox, doctor ?? "")).stdout).toContain("All checks passed.");
    expect(await identityOf(sandbox, aws ?? "")).toBe(MOTO_SESSION_ARN);
  });

  it("quick start from a 1Password item: setup writes the profile, doctor passes, aws sees the user", async () => {
    const sandbox = sandboxWith([
      {
        name: "Private",
        items: [scriptRecipeItem({ title: "AWS work", ...(keys.work ?? { accessKeyId: "", secretAccessKey: "" }) })],
      },
    ]);
    const [setup, doctor, aws, ...rest] = readmeCommands("setup");
    expect(rest).toEqual([]);
    expect(setup).toMatch(/^aws-op setup /);
    await paste(sandbox, setup ?? "");
    expect(readFileSync(sandbox.configPath, "utf8")).toMatch(/^\[profile work\]\ncredential_process = /);
    const checks = (await paste(sandbox, doctor ?? "")).stdout;
    expect(checks).toContain("All checks passed.");
    // docs/setup.md shows a passing run: the same checks, in the same order.
    expect(checkNames(doctorSample())).toEqual(checkNames(checks));
    expect(await identityOf(sandbox, aws ?? "")).toBe(MOTO_SESSION_ARN);
  });

  it("the completion lines work in a fresh home (they make their directories) and install each shell's script", async () => {
    const sandbox = createSandbox();
    for (const line of readmeCommands("completion")) await paste(sandbox, line);
    const read = (path: string) => readFileSync(join(sandbox.home, path), "utf8");
    expect(read(".local/share/bash-completion/completions/aws-op")).toContain("complete -F _aws_op aws-op");
    expect(read(".zfunc/_aws-op")).toMatch(/^#compdef aws-op/);
    expect(read(".config/fish/completions/aws-op.fish")).toContain("complete -c aws-op");
    expect(sandbox.opCalls()).toEqual([]);
  });
});

describe("the config blocks of README.md and docs/", () => {
  const iniBlocks = allBlocks.filter((b) => b.lang === "ini");

  it("there are some (the extraction works)", () => {
    expect(iniBlocks.length).toBeGreaterThanOrEqual(2);
  });

  it.each(iniBlocks.map((b) => [`${b.file}:${b.line}`, b] as const))(
    "%s passes aws-op doctor --offline (or fails it, where marked)",
    async (_where, block) => {
      // Each item the block names, in the vault its section names, holding a key: the block is what is checked.
      const vaults = new Map<string, StoreItem[]>();
      for (const section of block.text.split(/^(?=\s*\[)/m)) {
        const value = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*(.*?)\\s*$`, "m").exec(section)?.[1];
        const title = value("op_item");
        if (!title) continue;
        const vault = value("op_vault") ?? "Private";
        const items = vaults.get(vault) ?? [];
        const n = String(vaults.size * 100 + items.length).padStart(12, "0");
        items.push(
          scriptRecipeItem({
            title,
            accessKeyId: `AKIADOCS${n}`,
            secretAccessKey: `docs-secret-key-${n}-000000000000`,
          }),
        );
        vaults.set(vault, items);
      }
      const store = makeStore({ vaults: [...vaults].map(([name, items]) => makeVault(name, items)) });
      const sandbox = createSandbox({ store });
      sandbox.writeConfig(`${withThisInstall(block.text)}\n`);
      const result = await sandbox.run(["doctor", "--offline"]);
      if (block.marker === "docs-check: doctor fails") {
        expect(result.status, result.stdout).toBe(1);
      } else {
        expect(result.stdout, result.stderr).toContain("All checks passed.");
        expect(result.status).toBe(0);
      }
    },
  );
});

describe("the aws-op command lines of README.md, docs/ and SECURITY.md", () => {
  /** Every `aws-op ...` line of the sh and console blocks (console: the `$ ` lines), with its place. */
  const inBlocks = [...allBlocks, ...fencedBlocks("SECURITY.md")]
    .filter((b) => b.lang === "sh" || b.lang === "console")
    .flatMap((b) =>
      b.text
        .split("\n")
        .map((line) => (b.lang === "console" ? (/^\$ (.*)$/.exec(line)?.[1] ?? "") : line))
        .map((line) => line.replace(/\s+#.*$/, "").trim())
        .filter((line) => /^(eval "\$\()?aws-op /.test(line))
        .map((line) => ({ where: `${b.file}:${b.line}`, line })),
    );
  /** Every inline `aws-op ...` code span of the prose (a table's `\|` is a pipe). */
  const inProse = [...documents, "SECURITY.md"].flatMap((file) =>
    readFileSync(join(repoRoot, file), "utf8")
      .replace(/^\s*```[\s\S]*?^\s*```/gm, "")
      .split("\n")
      .flatMap((text) =>
        [...text.matchAll(/`(aws-op [^`]+)`/g)].map((m) => ({
          where: file,
          line: (m[1] ?? "").replaceAll("\\|", "|"),
        })),
      ),
  );
  const helpOf = new Map<string, Promise<RunResult>>();
  const sandbox = createSandbox();

  it("there are some (the extraction works)", () => {
    expect(inBlocks.length).toBeGreaterThan(20);
    expect(inProse.length).toBeGreaterThan(20);
  });

  it.each([...inBlocks, ...inProse].map((l) => [l.where, l.line] as const))(
    "%s: %s names a command and flags it has",
    async (_where, line) => {
      const words = splitPosix(line.replace(/^eval "\$\((.*)\)"$/, "$1").replace(/\s*[|>].*$/, "")) ?? [];
      expect(words[0]).toBe("aws-op");
      // `aws-op --version`: a flag of the program itself, in `aws-op --help`.
      const command = words[1]?.startsWith("-") ? "" : (words[1] ?? "");
      if (!helpOf.has(command)) helpOf.set(command, sandbox.run([...(command ? [command] : []), "--help"]));
      const help = await helpOf.get(command);
      expect(help?.status, `aws-op ${command} --help`).toBe(0);
      const end = words.indexOf("--");
      // Flags as written, also inside a synopsis such as [PROFILE | --all].
      const flags = (end === -1 ? words : words.slice(0, end)).flatMap(
        (w) => /^\[?(--[a-z][a-z-]*)/.exec(w)?.[1] ?? [],
      );
      for (const flag of flags) expect(help?.stdout, `${flag} in aws-op ${command} --help`).toContain(flag);
    },
  );
});
