import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The run's own TMPDIR, removed at the end (test/setup/private-tmpdir.ts). Workers are child processes (the
    // forks pool, vitest's default, pinned here): they and everything they start inherit that TMPDIR.
    globalSetup: ["test/setup/private-tmpdir.ts"],
    pool: "forks",
    setupFiles: ["test/setup/canary-scan.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // e2e suites start moto servers and many processes; two cores only.
    maxWorkers: 2,
    // .ci/run asks for a JSON report too, to print a plain "N passed, N failed" closing line.
    ...(process.env.AWS_OP_VITEST_JSON
      ? { reporters: ["default", "json"], outputFile: { json: process.env.AWS_OP_VITEST_JSON } }
      : {}),
    minWorkers: 1,
    // Test helpers create moto users with the JS SDK; its notice about future Node.js versions is noise.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
