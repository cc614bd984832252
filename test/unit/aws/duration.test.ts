import { describe, expect, it } from "vitest";
import { parseDurationSeconds, parseSessionDuration } from "../../../src/aws/duration.js";

describe("durations", () => {
  it.each([
    ["3600", 3600],
    ["15m", 900],
    ["1h", 3600],
    ["1h30m", 5400],
    ["12h", 43200],
    [" 2H ", 7200],
    ["1d", 86400],
    ["1.5h", undefined],
    ["h", undefined],
    ["-5", undefined],
  ])("parseDurationSeconds(%j) = %j", (text, expected) => {
    expect(parseDurationSeconds(text)).toBe(expected);
  });

  it.each([
    [undefined, 3600],
    ["", 3600],
    ["off", "off"],
    ["0", "off"],
    ["OFF", "off"],
    ["15m", 900],
    ["36h", 129600],
  ])("op_session_duration %j -> %j", (text, expected) => {
    expect(parseSessionDuration(text, "op_session_duration")).toBe(expected);
  });

  it.each([["14m"], ["37h"], ["100"], ["soon"]])("op_session_duration %j is a clear error", (text) => {
    expect(() => parseSessionDuration(text, "op_session_duration")).toThrow(
      /op_session_duration = ".*" is (out of range|not a duration)/,
    );
  });
});
