// Colour only on a terminal and never with NO_COLOR; type-to-filter matching for the prompts.
import { describe, expect, it } from "vitest";
import { colourDiff, colours, isColourWanted } from "../../../src/ui/colour.js";
import { filterChoices } from "../../../src/ui/prompts.js";

describe("colour", () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: "1" }, true, false],
    [{ NO_COLOR: "" }, true, true],
    [{ TERM: "dumb" }, true, false],
  ])("env %j on a terminal=%s: colour %s", (env, tty, wanted) => {
    expect(isColourWanted(env, tty)).toBe(wanted);
  });

  it("leaves text untouched when off, and colours diff lines when on", () => {
    expect(colourDiff("+a\n-b", colours(false))).toBe("+a\n-b");
    expect(colourDiff("+a\n-b", colours(true))).toBe("\u001b[32m+a\u001b[39m\n\u001b[31m-b\u001b[39m");
  });
});

describe("filterChoices", () => {
  const choices = [
    { value: "1", name: "AWS prod", description: "api credential" },
    { value: "2", name: "AWS staging", description: "api credential" },
    { value: "3", name: "Netflix", description: "login" },
  ];
  it("keeps choices containing every typed word, ignoring case, in name or description", () => {
    expect(filterChoices(choices, "").map((c) => c.value)).toEqual(["1", "2", "3"]);
    expect(filterChoices(choices, "STAG").map((c) => c.value)).toEqual(["2"]);
    expect(filterChoices(choices, "aws credential").map((c) => c.value)).toEqual(["1", "2"]);
    expect(filterChoices(choices, "login").map((c) => c.value)).toEqual(["3"]);
  });
});
