// What `aws-op --version` says: the version, which build this is (the npm package, or a single executable and the
// Node.js it embeds) and the commit it was built from, so that a bug report names exactly what ran.
// scripts/build.mjs defines both constants; run from source (tests), they are absent.
declare const AWS_OP_VERSION: string | undefined;
declare const AWS_OP_COMMIT: string | undefined;

export interface BuildRuntime {
  /** aws-op runs as a single executable (scripts/build-exe.mjs). */
  isExecutable: boolean;
  /** process.version: for the executable, the Node.js it embeds. */
  nodeVersion: string;
  platform: string;
  arch: string;
}

/** `0.1.0 (npm package, Node.js v24.1.0 linux-x64, commit 1a2b3c4d5e6f)` and the like. */
export function versionText(runtime: BuildRuntime): string {
  const version = typeof AWS_OP_VERSION === "string" ? AWS_OP_VERSION : "0.0.0-dev";
  const commit = typeof AWS_OP_COMMIT === "string" ? AWS_OP_COMMIT : "unknown";
  const where = `${runtime.platform}-${runtime.arch}`;
  const build = runtime.isExecutable
    ? `single executable for ${where}, embedded Node.js ${runtime.nodeVersion}`
    : `npm package, Node.js ${runtime.nodeVersion} ${where}`;
  return `${version} (${build}, commit ${commit})`;
}
