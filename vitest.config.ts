import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // e2e suites start moto servers and many processes; two cores only.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
