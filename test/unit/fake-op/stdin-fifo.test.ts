// The real CLI's stdin quirk (diazoxide/charter#78): `op item create` reads a template on stdin only from a FIFO.
// A redirected file or Node's 'pipe' stdio (a socket pair) is ignored: the create fails with the misleading
// category error, or, given --category, creates the item without the template's fields.
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, openSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type FakeOpRun,
  type TempStore,
  createTempStore,
  ensureFakeOpBuilt,
  env,
  fakeOpPath,
  makeStore,
  readCallLog,
  runFakeOpAsync,
  scriptRecipeItem,
} from "../../fake-op/fixture.js";

const TEMPLATE = JSON.stringify({
  title: "AWS piped",
  category: "API_CREDENTIAL",
  sections: [{ id: "aws", label: "AWS" }],
  fields: [
    { section: { id: "aws" }, type: "STRING", label: "aws_access_key_id", value: "AKIAPIPED" },
    { section: { id: "aws" }, type: "CONCEALED", label: "aws_secret_access_key", value: "pipedsecret" },
  ],
});

let temp: TempStore;
let fakeEnv: Record<string, string>;

beforeAll(async () => {
  await ensureFakeOpBuilt();
});

beforeEach(() => {
  temp = createTempStore(
    makeStore({
      items: [
        scriptRecipeItem({
          id: "wrkaaaaaaaaaaaaaaaaaaaaaaa",
          title: "AWS work",
          accessKeyId: "A",
          secretAccessKey: "s",
        }),
      ],
    }),
  );
  fakeEnv = env({ store: temp.storePath, log: temp.logPath });
});

afterEach(() => {
  rmSync(temp.dir, { recursive: true, force: true });
});

function makeFifo(name: string): string {
  const path = join(temp.dir, name);
  execFileSync("mkfifo", ["-m", "600", path]);
  return path;
}

/** Runs `sh -c 'exec op ARGS < "$0"'` style with stdin redirected from `stdinPath` by the shell (a FIFO open). */
function runWithShellRedirect(argv: string[], stdinPath: string): Promise<FakeOpRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", 'stdin="$1"; shift; exec "$@" < "$stdin"', "sh", stdinPath, fakeOpPath, ...argv], {
      env: { PATH: process.env.PATH ?? "", ...fakeEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ stdout, stderr, status }));
  });
}

function writeFifo(path: string, content: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = createWriteStream(path);
    stream.on("error", reject);
    stream.end(content, () => resolve());
  });
}

function labels(stdout: string): string[] {
  return (JSON.parse(stdout) as { fields: { label: string }[] }).fields.map((field) => field.label);
}

const CREATE = ["item", "create", "-", "--vault", "Private", "--format", "json"];

describe("fake op: template on stdin", () => {
  it("is read from a named FIFO", async () => {
    const fifo = makeFifo("stdin.fifo");
    const [result] = await Promise.all([runWithShellRedirect(CREATE, fifo), writeFifo(fifo, TEMPLATE)]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(labels(result.stdout)).toEqual(["notesPlain", "aws_access_key_id", "aws_secret_access_key"]);
    expect(readCallLog(temp.logPath).at(-1)?.stdin).toBe("fifo");
  });

  it("is read from a shell pipe (an anonymous FIFO)", async () => {
    const file = join(temp.dir, "t.json");
    writeFileSync(file, TEMPLATE);
    const result = await new Promise<FakeOpRun>((resolve) => {
      const child = spawn("sh", ["-c", 'file="$1"; shift; cat "$file" | "$@"', "sh", file, fakeOpPath, ...CREATE], {
        env: { PATH: process.env.PATH ?? "", ...fakeEnv },
      });
      let stdout = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      child.on("close", (status) => resolve({ stdout, stderr: "", status }));
    });
    expect(result.status).toBe(0);
    expect(labels(result.stdout)).toContain("aws_access_key_id");
    expect(readCallLog(temp.logPath).at(-1)?.stdin).toBe("pipe");
  });

  it("is ignored when stdin is a redirected file: the misleading category error", async () => {
    const file = join(temp.dir, "t.json");
    writeFileSync(file, TEMPLATE);
    const fd = openSync(file, "r");
    const result = await runFakeOpAsync(CREATE, { env: fakeEnv, stdin: fd });
    closeSync(fd);
    expect(result).toMatchObject({ status: 1, stdout: "" });
    expect(result.stderr).toMatch(/^\[ERROR\] [\d/]+ [\d:]+ provide the item category with '--category' flag\n$/);
    expect(readCallLog(temp.logPath).at(-1)?.stdin).toBe("file");
  });

  it("is ignored from Node's default 'pipe' stdio (a socket pair) the same way", async () => {
    const result = await runFakeOpAsync(CREATE, { env: fakeEnv, stdin: "pipe", input: TEMPLATE });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("provide the item category with '--category' flag");
    expect(readCallLog(temp.logPath).at(-1)?.stdin).toBe("socket");
  });

  it("with --category and --title, a non-FIFO template is silently dropped: the item has no custom fields", async () => {
    const argv = [...CREATE, "--category", "API Credential", "--title", "AWS piped"];
    const result = await runFakeOpAsync(argv, { env: fakeEnv, stdin: "pipe", input: TEMPLATE });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ title: "AWS piped", category: "API_CREDENTIAL" });
    expect(labels(result.stdout)).toEqual(["notesPlain"]);
  });

  it("item edit from a non-FIFO stdin fails instead of changing anything", async () => {
    const argv = ["item", "edit", "AWS work", "--format", "json"];
    const result = await runFakeOpAsync(argv, { env: fakeEnv, stdin: "pipe", input: TEMPLATE });
    expect(result).toMatchObject({ status: 1, stdout: "" });
    expect(result.stderr).toMatch(/^\[ERROR\] .*provide the item template/);
  });

  it("item edit reads a FIFO on stdin, with no - after the item", async () => {
    const fifo = makeFifo("edit.fifo");
    const argv = ["item", "edit", "AWS work", "--format", "json"];
    const [result] = await Promise.all([runWithShellRedirect(argv, fifo), writeFifo(fifo, TEMPLATE)]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ title: "AWS piped", version: 2 });
  });

  it('item edit ITEM - is refused like real op: "-" isn\'t a valid assignment statement, nothing changes', async () => {
    const before = readFileSync(temp.storePath, "utf8");
    const fifo = makeFifo("edit-dash.fifo");
    const argv = ["item", "edit", "AWS work", "-", "--format", "json"];
    // op refuses before it reads stdin: a write after it exited may see EPIPE, which is fine here.
    const [result] = await Promise.all([
      runWithShellRedirect(argv, fifo),
      writeFifo(fifo, TEMPLATE).catch(() => undefined),
    ]);
    expect(result).toMatchObject({ status: 1, stdout: "" });
    expect(result.stderr).toMatch(
      /^\[ERROR\] \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} "-" isn't a valid assignment statement$/m,
    );
    expect(readFileSync(temp.storePath, "utf8")).toBe(before);
  });
});

describe("fake op: --template", () => {
  it("accepts a FIFO path", async () => {
    const fifo = makeFifo("template.fifo");
    const argv = ["item", "create", "--vault", "Private", "--template", fifo, "--format", "json"];
    const [result] = await Promise.all([
      runFakeOpAsync(argv, { env: fakeEnv, stdin: "ignore" }),
      writeFifo(fifo, TEMPLATE),
    ]);
    expect(result.stderr).toBe("");
    expect(labels(result.stdout)).toEqual(["notesPlain", "aws_access_key_id", "aws_secret_access_key"]);
  });

  it("reports a missing file like Go does", async () => {
    const argv = ["item", "create", "--vault", "Private", "--template", "/nonexistent/t.json"];
    const result = await runFakeOpAsync(argv, { env: fakeEnv, stdin: "ignore" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("open /nonexistent/t.json: no such file or directory");
  });

  it("never echoes template content in errors", async () => {
    const broken = `{"fields": [{"label": "aws_secret_access_key", "value": "TOPSECRETVALUE"`;
    const file = join(temp.dir, "broken.json");
    writeFileSync(file, broken);
    const result = await runFakeOpAsync(["item", "create", "--vault", "Private", "--template", file], {
      env: fakeEnv,
      stdin: "ignore",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).not.toContain("TOPSECRETVALUE");
  });
});
