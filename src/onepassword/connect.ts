// 1Password Connect (OP_CONNECT_HOST + OP_CONNECT_TOKEN): op talks to a self-hosted Connect server instead of an
// account. Fact: through the CLI, Connect serves only `op read`, `op inject`, `op run` and `op item get --format
// json`; `whoami`, `account list`, `vault list`, `item list`, `item create` and `item edit` are not available. So
// what needs them must refuse before it starts (before calling op, before changing anything), naming Connect.
import { UserError } from "../errors.js";

/** Is op configured to use a Connect server? (op itself decides by OP_CONNECT_HOST.) */
export function isConnect(env: NodeJS.ProcessEnv): boolean {
  return (env.OP_CONNECT_HOST ?? "").trim() !== "";
}

/** Throws when Connect is in use: `what` (e.g. "aws-op rotate") needs `needs` (e.g. "op item edit"). */
export function requireNotConnect(env: NodeJS.ProcessEnv, what: string, needs: string): void {
  if (!isConnect(env)) return;
  throw new UserError(
    `${what} cannot run through 1Password Connect (OP_CONNECT_HOST is set): it needs ${needs}, which Connect does not serve (it serves only reading items).`,
    {
      hint: `Run it with your 1Password account instead (the app or a service account): unset OP_CONNECT_HOST and OP_CONNECT_TOKEN for this command, e.g. env -u OP_CONNECT_HOST -u OP_CONNECT_TOKEN ${what} ...`,
    },
  );
}
