// Desktop notices for `aws-op process` failures. An IDE, the AWS Toolkit or Terraform started from a GUI runs the
// credential process with no terminal and often hides its stderr, so a failing profile just "has no credentials".
// When process fails with no terminal, one notice (notify-send, or osascript on macOS) gives the one-line reason:
// at most one per profile every NOTICE_INTERVAL_MS, none with AWS_OP_NOTIFY=off. The notifier is started and left
// to run: aws-op's own exit never waits for the desktop.
import { claimNotice } from "../cache/notice-state.js";
import { UserError } from "../errors.js";
import { findExecutable } from "../executables.js";
import { startDetachedHelper } from "./helper-process.js";

/** At most one notice per profile this often: enough to be seen, too rare to bury the desktop. */
export const NOTICE_INTERVAL_MS = 5 * 60_000;
/** A notice is a line, not a report. */
const MAX_REASON_LENGTH = 200;

export interface NoticeEnvironment {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The private cache directory that keeps the rate limit; undefined: unknown (then no notice). */
  cacheRoot: string | undefined;
  now: Date;
  hasTerminal: () => boolean;
  /** Start the notifier without waiting for it (tests may record instead). */
  start?: (argv: string[], env: NodeJS.ProcessEnv) => boolean;
}

export type NoticeOutcome = "sent" | "off" | "terminal" | "no-notifier" | "rate-limited" | "not-started";

/** AWS_OP_NOTIFY=off (or 0, false, no, none) turns notices off. */
export function isNoticeOff(env: NodeJS.ProcessEnv): boolean {
  return /^(off|0|false|no|none)$/i.test((env.AWS_OP_NOTIFY ?? "").trim());
}

/** The reason as one line of plain text: the error's message (never its hint, cause or stack). */
export function noticeReason(error: unknown): string {
  const text =
    error instanceof UserError
      ? error.message
      : `unexpected error (${error instanceof Error ? error.name : "unknown"}); run "aws-op process --debug" in a terminal`;
  // Control characters (line breaks, terminal escapes) become spaces: a notice is one line of text.
  const line = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return line.length > MAX_REASON_LENGTH ? `${line.slice(0, MAX_REASON_LENGTH - 1)}…` : line;
}

/** The AppleScript that shows a notice, one `-e` a line: the title and the text are its arguments. */
const NOTICE_SCRIPT = ["on run argv", "display notification (item 2 of argv) with title (item 1 of argv)", "end run"];

/** The notifier's argv for this desktop, or undefined when there is none. */
export function noticeCommand(
  title: string,
  body: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): string[] | undefined {
  if (platform === "darwin") {
    if (!findExecutable("osascript", env, platform)) return undefined;
    // Title and text are arguments of the script, never part of it.
    return ["osascript", ...NOTICE_SCRIPT.flatMap((line) => ["-e", line]), title, body];
  }
  if (platform === "win32") return undefined;
  // notify-send talks to the desktop's notification service: only inside a desktop session.
  if (!(env.DISPLAY || env.WAYLAND_DISPLAY || env.DBUS_SESSION_BUS_ADDRESS)) return undefined;
  if (!findExecutable("notify-send", env, platform)) return undefined;
  return ["notify-send", "--app-name=aws-op", "--", title, body];
}

/** Show a notice that `process` failed for `profile`, if wanted and allowed. Never throws, never waits. */
export function noticeProcessFailure(profile: string, error: unknown, environment: NoticeEnvironment): NoticeOutcome {
  try {
    if (isNoticeOff(environment.env)) return "off";
    if (environment.hasTerminal()) return "terminal";
    const argv = noticeCommand(
      `aws-op: AWS profile "${noticeReasonProfile(profile)}" has no credentials`,
      noticeReason(error),
      environment.env,
      environment.platform,
    );
    if (!argv) return "no-notifier";
    if (!environment.cacheRoot) return "not-started";
    if (!claimNotice(environment.cacheRoot, profile, environment.now, NOTICE_INTERVAL_MS)) return "rate-limited";
    const start = environment.start ?? startDetachedHelper;
    return start(argv, environment.env) ? "sent" : "not-started";
  } catch {
    // A notice is a courtesy: its failure must never change how process fails.
    return "not-started";
  }
}

function noticeReasonProfile(profile: string): string {
  return noticeReason(new UserError(profile)).slice(0, 64);
}
