// Where this aws-op and its Node.js live, for the credential_process lines that setup writes and doctor --fix
// repairs. The lines name both by absolute path (GUI apps and IDEs do not have the user's PATH), and those paths break
// when nvm, fnm, Volta or Homebrew replace a Node.js version: Homebrew's process.execPath is a versioned Cellar path,
// while /opt/homebrew/bin/node, a link to it, stays. So a link on PATH that resolves to the running Node.js is
// preferred to process.execPath.
import { accessSync, constants, existsSync, lstatSync, realpathSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { buildCredentialProcessLine, parseCredentialProcessLine, quoteWord } from "./command-line.js";

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** fnm puts a per-shell link directory on PATH, gone when that shell exits: never a stable path. */
const TRANSIENT_LINK_DIRECTORY = /[\\/]fnm_multishells[\\/]/;

/**
 * The path to write for the running Node.js (`execPath`): the first `node` on `pathVariable` that is a symbolic
 * link resolving to the same file, else `execPath` itself.
 */
export function stableNodePath(execPath: string, pathVariable: string | undefined, platform: NodeJS.Platform): string {
  const target = realPath(execPath);
  if (!target) return execPath;
  const name = platform === "win32" ? "node.exe" : "node";
  for (const dir of (pathVariable ?? "").split(platform === "win32" ? ";" : delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (candidate === execPath || TRANSIENT_LINK_DIRECTORY.test(candidate)) continue;
    try {
      if (!lstatSync(candidate).isSymbolicLink()) continue;
    } catch {
      continue;
    }
    if (realPath(candidate) === target) return candidate;
  }
  return execPath;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What is gone from an aws-op credential_process line: its Node.js, its cli.js, or nothing (undefined). */
export function missingInstallPart(line: string, platform: NodeJS.Platform): "node" | "cli.js" | undefined {
  const parsed = parseCredentialProcessLine(line, platform);
  if (!parsed?.isAwsOp) return undefined;
  const [program, script] = parsed.argv;
  if (program && isAbsolute(program) && !isExecutable(program)) return "node";
  if (script && isAbsolute(script) && script.endsWith(".js") && !existsSync(script)) return "cli.js";
  return undefined;
}

/**
 * The line with its Node.js and cli.js replaced by this install's, every other word kept. For the line setup
 * writes (`NODE CLI process --profile NAME`) that is exactly what setup would write now.
 */
export function repointedLine(
  line: string,
  platform: NodeJS.Platform,
  install: { nodePath: string; cliPath: string },
): string | undefined {
  const parsed = parseCredentialProcessLine(line, platform);
  if (!parsed?.isAwsOp || parsed.argv.length < 3) return undefined;
  const rest = parsed.argv.slice(2);
  if (rest.length === 3 && rest[0] === "process" && rest[1] === "--profile" && rest[2] !== undefined) {
    return buildCredentialProcessLine({ ...install, profile: rest[2] });
  }
  const head = buildCredentialProcessLine({ ...install, profile: "x" }).replace(/ process --profile x$/, "");
  return [head, ...rest.map((word) => quoteWord(word, "A credential_process word"))].join(" ");
}
