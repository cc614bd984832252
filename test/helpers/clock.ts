// Moving the built CLI's clock in end-to-end tests: through a preload that only the tests load (clock-hook.mjs),
// never a switch of the shipped build.
import { join } from "node:path";
import { repoRoot } from "../fake-op/fixture.js";

const CLOCK_HOOK = join(repoRoot, "test", "helpers", "clock-hook.mjs");

/**
 * The environment that moves aws-op's clock by the milliseconds written to `offsetFile` (none until it exists).
 * `nodeOptions`: NODE_OPTIONS the run would have had otherwise.
 */
export function clockOffsetEnv(offsetFile: string, nodeOptions = process.env.NODE_OPTIONS): Record<string, string> {
  return {
    NODE_OPTIONS: [nodeOptions, `--import ${CLOCK_HOOK}`].filter(Boolean).join(" "),
    AWS_OP_TEST_CLOCK_OFFSET_FILE: offsetFile,
  };
}
