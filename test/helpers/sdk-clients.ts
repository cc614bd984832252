// The Go SDK v2 and Ruby SDK clients of the end-to-end tests (test/e2e/clients/): each prints the caller identity
// as JSON. Both take the STS endpoint from AWS_OP_TEST_ENDPOINT (Debian's SDKs predate AWS_ENDPOINT_URL).
import { join } from "node:path";
import { expect } from "vitest";
import { repoRoot } from "../fake-op/fixture.js";
import { spawnAsync } from "./sandbox.js";

/** Debian's golang-github-aws-aws-sdk-go-v2-dev, built in GOPATH mode (no module proxy). */
const GOPATH = "/usr/share/gocode";

export const RUBY_CLIENT = join(repoRoot, "test/e2e/clients/ruby-sts.rb");

/** Build the Go client into `dir`; returns the program's path. */
export async function buildGoClient(dir: string): Promise<string> {
  const program = join(dir, "go-sts");
  // The build runs in the developer's own environment (its build cache), outside any sandbox.
  // Go 1.19 has no `go build -C DIR`, and GOPATH mode takes no absolute package path: build the file list.
  const build = await spawnAsync(
    "go",
    ["build", "-o", program, join(repoRoot, "test/e2e/clients/go-sts/main.go")],
    { ...process.env, GO111MODULE: "off", GOPATH, GOFLAGS: "" },
    { timeoutMs: 240_000 },
  );
  expect(build.stderr).toBe("");
  expect(build.status).toBe(0);
  return program;
}
