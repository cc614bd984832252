import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import {
  NOTICE_INTERVAL_MS,
  noticeCommand,
  noticeProcessFailure,
  noticeReason,
  type NoticeEnvironment,
} from "../../../src/ui/notify.js";
import { makeTempDir } from "../../helpers/temp-dirs.js";

const T0 = Date.parse("2026-12-01T12:00:00Z");
// Directories whose notify-send / osascript stand in for the real ones (never run here: `start` records).
const bin = makeTempDir("aws-op-notify-bin-");
for (const name of ["notify-send", "osascript"]) {
  writeFileSync(join(bin, name), "#!/bin/sh\n");
  chmodSync(join(bin, name), 0o755);
}

function world(overrides: Partial<NoticeEnvironment> = {}) {
  const started: string[][] = [];
  const environment: NoticeEnvironment = {
    env: { PATH: bin, DISPLAY: ":0" },
    platform: "linux",
    cacheRoot: join(makeTempDir("aws-op-notify-"), "aws-op"),
    now: new Date(T0),
    hasTerminal: () => false,
    start: (argv) => {
      started.push(argv);
      return true;
    },
    ...overrides,
  };
  return { environment, started };
}

const failure = new UserError('Not signed in to 1Password. Run "op signin" and try again.', {
  hint: "a hint that is not part of the notice",
});

describe("noticeProcessFailure", () => {
  it("without a terminal, starts notify-send with the profile and the one-line reason, not the hint", () => {
    const { environment, started } = world();
    expect(noticeProcessFailure("work", failure, environment)).toBe("sent");
    expect(started).toEqual([
      [
        "notify-send",
        "--app-name=aws-op",
        "--",
        'aws-op: AWS profile "work" has no credentials',
        'Not signed in to 1Password. Run "op signin" and try again.',
      ],
    ]);
  });

  it("sends at most one notice per profile per interval", () => {
    const { environment, started } = world();
    const at = (ms: number) => ({ ...environment, now: new Date(T0 + ms) });
    expect(noticeProcessFailure("work", failure, at(0))).toBe("sent");
    expect(noticeProcessFailure("work", failure, at(10_000))).toBe("rate-limited");
    expect(noticeProcessFailure("other", failure, at(10_000))).toBe("sent");
    expect(noticeProcessFailure("work", failure, at(NOTICE_INTERVAL_MS))).toBe("sent");
    expect(started).toHaveLength(3);
  });

  it.each(["off", "OFF", "0", "false", "no"])("AWS_OP_NOTIFY=%s sends none", (value) => {
    const { environment, started } = world();
    expect(
      noticeProcessFailure("work", failure, { ...environment, env: { ...environment.env, AWS_OP_NOTIFY: value } }),
    ).toBe("off");
    expect(started).toEqual([]);
  });

  it("sends none when there is a terminal (the message is on it), no desktop, or no notifier", () => {
    const a = world({ hasTerminal: () => true });
    expect(noticeProcessFailure("work", failure, a.environment)).toBe("terminal");
    const b = world({ env: { PATH: bin } });
    expect(noticeProcessFailure("work", failure, b.environment)).toBe("no-notifier");
    const c = world({ env: { PATH: "/nonexistent", DISPLAY: ":0" } });
    expect(noticeProcessFailure("work", failure, c.environment)).toBe("no-notifier");
    expect([...a.started, ...b.started, ...c.started]).toEqual([]);
  });

  it("never throws, even when the rate limit cannot be kept (and then sends none)", () => {
    // The cache directory's parent is a file: nothing can be written there.
    const { environment, started } = world({ cacheRoot: join(bin, "notify-send", "aws-op") });
    expect(noticeProcessFailure("work", failure, environment)).toBe("not-started");
    expect(started).toEqual([]);
  });
});

describe("noticeReason and noticeCommand", () => {
  it("makes one line of plain text, shortened, from the message alone", () => {
    expect(noticeReason(new UserError("line one\nline two\u001b[2J\ttab"))).toBe("line one line two [2J tab");
    expect(noticeReason(new UserError("x".repeat(500)))).toHaveLength(200);
    expect(noticeReason(new Error("secret-looking internals"))).toBe(
      'unexpected error (Error); run "aws-op process --debug" in a terminal',
    );
  });

  it("on macOS uses osascript with title and text as arguments, never inside the script", () => {
    const argv = noticeCommand('t "x"', 'b" & do shell script "y', { PATH: bin }, "darwin");
    expect(argv?.slice(0, 7)).toEqual([
      "osascript",
      "-e",
      "on run argv",
      "-e",
      "display notification (item 2 of argv) with title (item 1 of argv)",
      "-e",
      "end run",
    ]);
    expect(argv?.slice(7)).toEqual(['t "x"', 'b" & do shell script "y']);
  });
});
