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

  it("item create reads the template from stdin with a lone -, never from argv", () => {
    expect(itemCreateArgs({ vault: "V" })).toEqual(["item", "create", "--vault", "V", "--format", "json", "-"]);
  });

  // Real op parses every operand after ITEM as an assignment: a `-` there is refused
  // ("\"-\" isn't a valid assignment statement"), so edit gets its template on stdin with no `-` at all.
  it.each([
    [{ item: "id1", vault: "V" }, ["item", "edit", "id1", "--vault", "V", "--format", "json"]],
    [
      { item: "AWS work", vault: "Work", account: "my" },
      ["item", "edit", "AWS work", "--vault", "Work", "--account", "my", "--format", "json"],
    ],
    [{ item: "-dash", vault: "V" }, ["item", "edit", "--vault", "V", "--format", "json", "--", "-dash"]],
  ])("item edit %j holds no -", (locator, expected) => {
    const args = itemEditArgs(locator);
    expect(args).toEqual(expected);
    expect(args).not.toContain("-");
  });
});
