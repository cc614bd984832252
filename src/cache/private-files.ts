// Private files: directories 0700, files 0600, written atomically (temp file in the same directory + rename).
// A cache directory that is a symlink, owned by someone else, or open to others is refused or, if ours, repaired.
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  chmodSync,
  writeSync,
  constants,
} from "node:fs";
import { dirname, join, basename } from "node:path";
import { UserError } from "../errors.js";

const isPosix = process.platform !== "win32";

export interface PrivacyReport {
  repaired: string[];
}

/**
 * Make `dir` (and its parents) exist, as a real directory owned by us with mode 0700. A directory aws-op creates
 * is 0700 from the start. An existing one open to others is made private again only with `repair` (directories
 * aws-op named and made, like ~/.cache/aws-op and sessions/); otherwise (AWS_OP_CACHE_DIR naming a directory of
 * someone's choice, perhaps a shared one like /tmp) it is refused, its permissions left alone.
 */
export function ensurePrivateDirectory(dir: string, report?: PrivacyReport, options: { repair?: boolean } = {}): void {
  const created = mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined;
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink() || !stat.isDirectory()) {
    throw new UserError(
      `The aws-op cache directory ${dir} is a symbolic link or not a directory; refusing to use it.`,
      {
        hint: `Remove it (rm -r "${dir}") and try again.`,
      },
    );
  }
  if (!isPosix) return;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new UserError(`The aws-op cache directory ${dir} belongs to another user; refusing to use it.`, {
      hint: `Remove it, or point AWS_OP_CACHE_DIR at a directory of your own.`,
    });
  }
  if ((stat.mode & 0o077) === 0) return;
  if (created || options.repair !== false) {
    chmodSync(dir, 0o700);
    report?.repaired.push(dir);
    return;
  }
  const mode = (stat.mode & 0o7777).toString(8).padStart(4, "0");
  throw new UserError(
    `The aws-op cache directory ${dir} can be used by other users (mode ${mode}); aws-op keeps sessions only in a private directory and does not change the permissions of a directory it did not make.`,
    {
      hint: `Point AWS_OP_CACHE_DIR at a new path (aws-op creates it, private) or a directory only you can use (chmod 700 "${dir}" if it is yours alone).`,
    },
  );
}

/**
 * Whether `dir` exists as a real directory owned by us that no one else may use (mode 0700 or stricter); never
 * throws, never creates or repairs anything (ensurePrivateDirectory does that, and reports it).
 */
export function isPrivateDirectory(dir: string): boolean {
  try {
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink() || !stat.isDirectory()) return false;
    if (!isPosix) return true;
    const uid = process.getuid?.();
    return (uid === undefined || stat.uid === uid) && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

export interface PrivateReadOptions {
  /** false: a file open to others is not trusted (and left as it is) instead of being made private again. */
  repair?: boolean;
  /** A larger file is not trusted (nothing aws-op writes for itself comes near the default). */
  maxBytes?: number;
}

const MAX_PRIVATE_JSON_BYTES = 1024 * 1024;

/**
 * Check a file we are about to read: it must be a regular file owned by us, not a symlink, and not larger than
 * maxBytes. A file readable by others is repaired to 0600 (we own it) unless repair is false. Returns false when
 * the file must not be trusted.
 */
export function isTrustedPrivateFile(path: string, report?: PrivacyReport, options: PrivateReadOptions = {}): boolean {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return false;
  }
  if (!stat.isFile() || stat.size > (options.maxBytes ?? MAX_PRIVATE_JSON_BYTES)) return false;
  if (!isPosix) return true;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) return false;
  if ((stat.mode & 0o077) !== 0) {
    if (options.repair === false) return false;
    chmodSync(path, 0o600);
    report?.repaired.push(path);
  }
  return true;
}

/** 12 random hex digits. node:crypto is loaded here, on first use: loading it costs more than all the rest of a warm
 * `aws-op process`, which never writes (issue 14). */
function randomSuffix(): string {
  return process.getBuiltinModule("node:crypto").randomBytes(6).toString("hex");
}

/** Write `data` to `path` atomically with the given mode (default 0600): readers see the old or the new file. */
export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomSuffix()}.tmp`);
  // O_EXCL|O_NOFOLLOW: never write through a planted file or symlink.
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  const fd = openSync(temp, flags, mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    if (isPosix) chmodSync(temp, mode);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * A new directory under `root` (mkdtemp: a name no one could have prepared, mode 0700) holding the file `name` (0600,
 * created with O_EXCL): a private file for another process to read while aws-op runs. The caller removes `dir`.
 */
export function writePrivateTempFile(
  root: string,
  prefix: string,
  name: string,
  data: string,
): { dir: string; path: string } {
  const dir = mkdtempSync(join(root, prefix));
  const path = join(dir, name);
  try {
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, path };
}

/**
 * A JSON file aws-op wrote for itself: undefined when it is absent, untrusted (see isTrustedPrivateFile),
 * unreadable, not JSON, or not of the expected shape. Such a file is simply written anew later.
 */
export function readPrivateJson<T>(
  path: string,
  isExpected: (value: unknown) => value is T,
  report?: PrivacyReport,
  options: PrivateReadOptions = {},
): T | undefined {
  try {
    if (!isTrustedPrivateFile(path, report, options)) return undefined;
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    return isExpected(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
