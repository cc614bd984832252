import { describe, expect, it } from "vitest";
import { readOpErrorMessage, toOpError } from "../../../src/onepassword/op-errors.js";

const at = "[ERROR] 2026/03/04 10:00:00 ";
const context = { action: 'reading item "AWS work"', item: "AWS work", vault: "Work" };

describe("op error texts", () => {
  it("reads the message of the first [ERROR] line", () => {
    expect(readOpErrorMessage(`hint line\n${at}something broke\nmore\n`)).toBe("something broke");
    expect(readOpErrorMessage("no prefix")).toBeUndefined();
  });

  it.each([
    [
      `${at}error initializing client: You are not currently signed in. Please run \`op signin --help\` for instructions`,
      /Not signed in to 1Password/,
      /op signin/,
    ],
    [
      `${at}No accounts configured for use with 1Password CLI.\nTo add an account, run op account add`,
      /no account set up/,
      /Integrate with 1Password CLI/,
    ],
    [`${at}authorization prompt dismissed, please try again`, /approval prompt was dismissed/, /approve/],
    [`${at}error initializing client: authorization timeout`, /approval timed out/, /approve/],
    [
      `${at}connecting to desktop app: connecting to desktop app timed out`,
      /Could not reach the 1Password app/,
      /running and unlocked/,
    ],
    [`${at}(403) Forbidden: You aren't authorized to access this resource.`, /403 Forbidden/, /vault "Work"/],
    [`${at}(429) Too Many Requests: slow down`, /rate limiting/, /Wait a minute/],
    [
      `${at}"AWS work" isn't an item in the "Work" vault. Specify the item with its UUID, name, or domain.`,
      /item "AWS work" was not found in vault "Work"/,
      /op item list/,
    ],
    [
      `${at}"Work" isn't a vault in this account. Specify the vault with its ID or name.`,
      /vault "Work" was not found/,
      /op vault list/,
    ],
  ])("%s", (stderr, message, hint) => {
    const error = toOpError(stderr, context);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
  });

  it("lists the IDs of ambiguous items", () => {
    const stderr = `${at}More than one item matches "AWS work". Try again and specify the item by its ID:\n\t* for the item "AWS work" in vault Work: aaaaaaaaaaaaaaaaaaaaaaaaaa\n\t* for the item "AWS work" in vault Work: bbbbbbbbbbbbbbbbbbbbbbbbbb\n`;
    const error = toOpError(stderr, context);
    expect(error.message).toMatch(/More than one 1Password item matches "AWS work"/);
    expect(error.hint).toContain("aaaaaaaaaaaaaaaaaaaaaaaaaa");
    expect(error.hint).toContain("bbbbbbbbbbbbbbbbbbbbbbbbbb");
  });

  it("quotes an unknown error briefly", () => {
    const error = toOpError(`${at}something new\n`, context);
    expect(error.message).toBe('The 1Password CLI failed while reading item "AWS work": something new.');
  });
});
