// Durations in profile settings: seconds ("3600") or a Go-like form ("15m", "1h", "1h30m", "12h").
import { UserError } from "../errors.js";

/** STS GetSessionToken accepts 15 minutes to 36 hours for IAM users. */
export const SESSION_MIN_SECONDS = 15 * 60;
export const SESSION_MAX_SECONDS = 36 * 60 * 60;
export const DEFAULT_SESSION_SECONDS = 60 * 60;
/** AssumeRole accepts 15 minutes up to the role's maximum (at most 12 hours); 1 hour when chained. */
export const ROLE_MIN_SECONDS = 15 * 60;
export const ROLE_MAX_SECONDS = 12 * 60 * 60;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parse "3600", "90m", "1h30m"; undefined when the text is not a duration. */
export function parseDurationSeconds(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  if (!/^(\d+[smhd])+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+)([smhd])/g)) {
    total += Number(match[1]) * (UNIT_SECONDS[match[2] ?? "s"] ?? 1);
  }
  return total;
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h}h` : "", m ? `${m}m` : "", s || (!h && !m) ? `${s}s` : ""].join("");
}

/** op_session_duration: "off"/"0" serves the long-term keys; otherwise STS's 15 min to 36 h. */
export function parseSessionDuration(text: string | undefined, source: string): number | "off" {
  if (text === undefined || text.trim() === "") return DEFAULT_SESSION_SECONDS;
  const trimmed = text.trim().toLowerCase();
  if (trimmed === "off" || trimmed === "0" || trimmed === "false" || trimmed === "none") return "off";
  return requireDurationInRange(text, source, SESSION_MIN_SECONDS, SESSION_MAX_SECONDS, 'or "off"');
}

export function requireDurationInRange(text: string, source: string, min: number, max: number, extra = ""): number {
  const seconds = parseDurationSeconds(text);
  const allowed = `${formatDuration(min)} to ${formatDuration(max)}${extra ? ` ${extra}` : ""}`;
  if (seconds === undefined) {
    throw new UserError(`${source} = "${text.trim()}" is not a duration.`, {
      hint: `Use seconds ("3600") or a form like "15m", "1h", "12h": ${allowed}.`,
    });
  }
  if (seconds < min || seconds > max) {
    throw new UserError(`${source} = "${text.trim()}" is out of range.`, { hint: `Use ${allowed}.` });
  }
  return seconds;
}
