// Which op version each aws-op command needs, and the check. Facts: `op --version` prints e.g. `2.32.0`; reading a
// template from stdin on `op item edit` needs op >= 2.23 (the minimum 1Password's Terraform provider requires for
// that call); service accounts (OP_SERVICE_ACCOUNT_TOKEN) need op >= 2.18. Everything aws-op runs is op 2 syntax.

export interface OpVersion {
  major: number;
  minor: number;
  patch: number;
}

export interface VersionNeed {
  /** Who needs it, e.g. "rotate". */
  what: string;
  min: OpVersion;
  /** Why, e.g. "a template on stdin for op item edit". */
  why: string;
}

const v = (major: number, minor: number, patch = 0): OpVersion => ({ major, minor, patch });

export const OP_2: VersionNeed = {
  what: "process, exec, env, setup, import, doctor",
  min: v(2, 0),
  why: "op 2 commands",
};
export const ROTATE_NEEDS: VersionNeed = { what: "rotate", min: v(2, 23), why: "a template on stdin for op item edit" };
export const SERVICE_ACCOUNT_NEEDS: VersionNeed = {
  what: "service accounts (OP_SERVICE_ACCOUNT_TOKEN)",
  min: v(2, 18),
  why: "service account support",
};

/** "2.32.0", "2.30.0-beta.01", "v2.23.1" -> {2, 32, 0}; undefined when there is no version in the text. */
export function parseOpVersion(text: string): OpVersion | undefined {
  const match = /(?:^|\s|v)(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!match) return undefined;
  return v(Number(match[1]), Number(match[2]), Number(match[3] ?? 0));
}

export function isAtLeast(version: OpVersion, min: OpVersion): boolean {
  if (version.major !== min.major) return version.major > min.major;
  if (version.minor !== min.minor) return version.minor > min.minor;
  return version.patch >= min.patch;
}

export function formatVersion(version: OpVersion): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}

/** "2.23" for needs (patch 0 is left out, as people write it). */
export function formatNeed(min: OpVersion): string {
  return min.patch === 0 ? `${min.major}.${min.minor}` : formatVersion(min);
}

export const UPDATE_HINT =
  'Update the 1Password CLI: run "op update", or your package manager (brew upgrade 1password-cli, apt upgrade 1password-cli, winget upgrade AgileBits.1Password.CLI), then try again.';
