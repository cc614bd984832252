// The plain argv of `aws-op process` that credential_process lines use, parsed without commander: loading commander
// costs more than everything else on the cached path. Used by both entries (src/cli-cached.ts and src/cli.ts).
import type { ProcessOptions } from "./commands/process.js";

/** The value flags of `process` (see newCmdProcess in commands/process.ts) and their option names, for fastProcessOptions. */
const PROCESS_VALUE_FLAGS: Readonly<Record<string, keyof ProcessOptions>> = {
  "--profile": "profile",
  "--item": "item",
  "--vault": "vault",
  "--account": "account",
  "--mfa-serial": "mfaSerial",
  "--session-duration": "sessionDuration",
  "--op-timeout": "opTimeout",
  "--op-cli": "opCli",
};

/**
 * The options of `aws-op process` when argv has the plain form that credential_process lines use (`process`, then
 * value flags of `process`, each once, as `--flag value` or `--flag=value`), else undefined: commander then parses
 * argv and gives its usual help and errors.
 * Where this answers, it must agree with commander (test/unit/cli-fast-path.test.ts).
 */
export function fastProcessOptions(argv: readonly string[]): ProcessOptions | undefined {
  if (argv[0] !== "process") return undefined;
  const options: ProcessOptions = {};
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const equals = arg.indexOf("=");
    const flag = equals === -1 ? arg : arg.slice(0, equals);
    const key = Object.hasOwn(PROCESS_VALUE_FLAGS, flag) ? PROCESS_VALUE_FLAGS[flag] : undefined;
    if (key === undefined || options[key] !== undefined) return undefined;
    const value = equals === -1 ? argv[++i] : arg.slice(equals + 1);
    if (value === undefined || value === "" || value.startsWith("-")) return undefined;
    options[key] = value;
  }
  return options;
}
