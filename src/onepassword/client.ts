// One function per question aws-op asks 1Password. Each runs op once with an argument array and parses its JSON.
import { itemGetArgs, type ItemLocator } from "./args.js";
import { parseOpItem, type OpItem } from "./item.js";
import { readOpErrorMessage, toOpError } from "./op-errors.js";
import type { OpResult, OpRunner } from "./run-op.js";

export interface OpContext {
  run: OpRunner;
  /** op executable (op_cli / AWS_OP_CLI / --op-cli), default "op". */
  cli: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

export const DEFAULT_OP_TIMEOUT_MS = 50_000;

/** Run op and insist on success: a non-zero exit, or exit 0 with an [ERROR] and no output, is a typed error. */
export async function runOpChecked(
  op: OpContext,
  args: string[],
  context: { action: string; item?: string; vault?: string; account?: string },
  stdinFd?: number,
): Promise<OpResult> {
  const result = await op.run({
    cli: op.cli,
    args,
    env: op.env,
    timeoutMs: op.timeoutMs,
    ...(stdinFd === undefined ? {} : { stdinFd }),
  });
  const failed =
    result.exitCode !== 0 || (result.stdout.trim() === "" && readOpErrorMessage(result.stderr) !== undefined);
  if (failed) throw toOpError(result.stderr, context);
  return result;
}

/** `op item get`: every field of the item in one call. */
export async function readItem(op: OpContext, locator: ItemLocator): Promise<OpItem> {
  const result = await runOpChecked(op, itemGetArgs(locator), {
    action: `reading item "${locator.item}"`,
    ...locator,
  });
  return parseOpItem(result.stdout);
}
