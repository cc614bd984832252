// "Did you mean ...?": the nearest names by optimal string alignment distance, by commander's rule for commands.
import { describe, expect, it } from "vitest";
import { didYouMean, editDistance, nearestNames } from "../../src/nearest-names.js";

describe("editDistance", () => {
  it.each([
    ["work", "work", 0],
    ["wrok", "work", 1], // a swap of neighbours is one edit (two for plain Levenshtein)
    ["wor", "work", 1],
    ["works", "work", 1],
    ["wark", "work", 1],
    ["prod", "work", 3],
    ["", "abc", 3],
  ])("%j -> %j: %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe("nearestNames", () => {
  const profiles = ["work", "prod", "prod-eu", "default", "admin"];
  it.each<[string, string[]]>([
    ["wrok", ["work"]],
    ["Work", ["work"]],
    ["prd", ["prod"]],
    ["prod-us", ["prod-eu"]],
    ["defualt", ["default"]],
    // Too far: no guess rather than a wild one (3 edits of a 4-letter name is not "near").
    ["zzzz", []],
    ["ab", []],
    ["work", []],
  ])("%j among the profiles -> %j", (word, nearest) => {
    expect(nearestNames(word, profiles)).toEqual(nearest);
  });

  it("keeps every name at the smallest distance, in the given order", () => {
    expect(nearestNames("dev", ["dev1", "dev2", "devops"])).toEqual(["dev1", "dev2"]);
  });
});

describe("didYouMean", () => {
  it("quotes one, two or three names; nothing when none is near", () => {
    expect(didYouMean("wrok", ["work"])).toBe(' Did you mean "work"?');
    expect(didYouMean("dev", ["dev1", "dev2"])).toBe(' Did you mean "dev1" or "dev2"?');
    expect(didYouMean("dev", ["dev1", "dev2", "dev3", "dev4"])).toBe(' Did you mean "dev1", "dev2" or "dev3"?');
    expect(didYouMean("zzzz", ["work"])).toBe("");
  });
});
