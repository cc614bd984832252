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
    [`${at}Too many requests. Your client has been rate-limited.`, /rate limiting requests/, /Wait a minute/],
    [
      `No accounts configured for use with 1Password CLI.\nTo add an account, run op account add\n${at}error initializing client:`,
      /no account set up/,
      /op account add/,
    ],
    [`${at}no account found for filter `, /no account set up/, /op account add/],
    [
      `${at}error initializing client: found no accounts for filter "acme"`,
      /No 1Password account matches "acme": OP_ACCOUNT is "acme"/,
      /op account list/,
    ],
    [
      `${at}connecting to desktop app: cannot connect to 1Password app, is it running?`,
      /Lost the connection/,
      /run the command again/,
    ],
    [`${at}connecting to desktop app: read: connection reset by peer`, /Lost the connection/, /running and unlocked/],
    [`${at}LostConnectionToApp`, /Lost the connection/, /running and unlocked/],
    [
      `${at}a vault query must be provided when this command is called by a service account. Please specify one either through the --vault flag or through piped input`,
      /service accounts must name the vault/,
      /op_vault/,
    ],
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

  it('quotes a title holding quotes once, JSON-style (regression: "AWS "prod" / eu")', () => {
    const error = toOpError(`${at}"AWS "prod" / eu" isn't an item in the "Work" vault.`, {
      action: "reading item",
      item: 'AWS "prod" / eu',
      vault: 'Team "A"',
    });
    expect(error.message).toBe('1Password item "AWS \\"prod\\" / eu" was not found in vault "Team \\"A\\"".');
  });

  it("names op_account when the filter is the account aws-op passed", () => {
    const error = toOpError(`${at}error initializing client: found no accounts for filter "acme"`, {
      ...context,
      account: "acme",
    });
    expect(error.message).toBe('No 1Password account matches "acme": op_account (or --account) is "acme".');
  });

  it("shows exit codes other than 1, and a signal", () => {
    expect(toOpError(`${at}something new\n`, context, { exitCode: 3, signal: null }).message).toBe(
      'The 1Password CLI failed while reading item "AWS work" (exit code 3): something new.',
    );
    expect(toOpError(`${at}(404) Not Found: gone\n`, context, { exitCode: 4, signal: null }).message).toBe(
      '1Password\'s server refused the request (404 Not Found) while reading item "AWS work" (op exit code 4).',
    );
    expect(toOpError("", context, { exitCode: null, signal: "SIGKILL" }).message).toBe(
      'The 1Password CLI was killed by SIGKILL while reading item "AWS work".',
    );
  });

  it("quotes an unknown error briefly", () => {
    const error = toOpError(`${at}something new\n`, context);
    expect(error.message).toBe('The 1Password CLI failed while reading item "AWS work": something new.');
  });
});
