// The Node.js versions aws-op supports (package.json "engines": >=22): older ones are not tested in CI, and miss what
// aws-op relies on (the proxy support of https.Agent came in 22.21 and 24.5, see aws/transport.ts). Pure: the version
// is handed in (process.version, by cli.ts).

export const MIN_NODE_MAJOR = 22;

/** How to get a supported Node.js. */
export const NODE_UPGRADE_HINT = `Install Node.js ${MIN_NODE_MAJOR} or later (https://nodejs.org/en/download, "nvm install ${MIN_NODE_MAJOR}", or your package manager's nodejs), install aws-op again with it (as in the README's Install), then run "aws-op doctor".`;

/** Whether `version` ("v20.11.1") is one aws-op supports; an unreadable version counts as supported. */
export function isSupportedNodeVersion(version: string): boolean {
  const major = /^v?(\d+)\./.exec(version)?.[1];
  return major === undefined || Number(major) >= MIN_NODE_MAJOR;
}

/** The warning for a Node.js that aws-op does not support, undefined for one it does. */
export function unsupportedNodeWarning(version: string): string | undefined {
  if (isSupportedNodeVersion(version)) return undefined;
  return `Node.js ${version} is not supported: aws-op needs Node.js ${MIN_NODE_MAJOR} or later.`;
}
