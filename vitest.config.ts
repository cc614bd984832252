import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // e2e suites start moto servers and many processes; two cores only.
    maxWorkers: 2,
    minWorkers: 1,
    // Test helpers create moto users with the JS SDK; its notice about future Node.js versions is noise.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
