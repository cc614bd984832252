import { describe, expect, it } from "vitest";
import { itemCreateArgs, itemEditArgs, itemGetArgs } from "../../../src/onepassword/args.js";

describe("op argument lists", () => {
  it.each([
    [{ item: "AWS work" }, ["item", "get", "AWS work", "--format", "json"]],
    [
      { item: 'AWS "prod" / eu', vault: "Work & Play", account: "my.1password.com" },
      ["item", "get", 'AWS "prod" / eu', "--vault", "Work & Play", "--account", "my.1password.com", "--format", "json"],
    ],
    [
      { item: "-starts-with-dash", vault: "V" },
      ["item", "get", "--vault", "V", "--format", "json", "--", "-starts-with-dash"],
    ],
    [{ item: "ünïcödé 🔑 $(rm -rf ~)" }, ["item", "get", "ünïcödé 🔑 $(rm -rf ~)", "--format", "json"]],
  ])("item get %j", (locator, expected) => {
    expect(itemGetArgs(locator)).toEqual(expected);
  });

  it("item create and edit read the template from stdin, never from argv", () => {
    expect(itemCreateArgs({ vault: "V" })).toEqual(["item", "create", "--vault", "V", "--format", "json", "-"]);
    expect(itemEditArgs({ item: "id1", vault: "V" })).toEqual([
      "item",
      "edit",
      "id1",
      "--vault",
      "V",
      "--format",
      "json",
      "-",
    ]);
  });
});
