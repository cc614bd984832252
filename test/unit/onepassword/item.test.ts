import { describe, expect, it } from "vitest";
import { itemDifferences, parseOpItem, resolveAwsFields, type OpItem } from "../../../src/onepassword/item.js";
import { UserError } from "../../../src/errors.js";
import { thrownBy } from "../../helpers/thrown.js";

const AWS_SECTION = { id: "h5x3kfpk6hq7b2ewpr5pbd2tqq", label: "AWS" };

function item(fields: OpItem["fields"], sections: OpItem["sections"] = [AWS_SECTION]): OpItem {
  return {
    id: "kdqgvy7alfiw3r6yd5ccfg2ieq",
    title: 'AWS "prod" / eu',
    vault: { id: "v", name: "Work" },
    sections,
    fields,
  };
}

const recipeItem = item([
  { id: "notesPlain", type: "STRING", purpose: "NOTES", label: "notesPlain" },
  { id: "a", section: AWS_SECTION, type: "STRING", label: "aws_access_key_id", value: "AKIAEXAMPLEKEY000001" },
  { id: "b", section: AWS_SECTION, type: "CONCEALED", label: "aws_secret_access_key", value: "secret/with+chars" },
  { id: "c", section: AWS_SECTION, type: "STRING", label: "mfa_serial", value: "arn:aws:iam::123456789012:mfa/alice" },
  {
    id: "TOTP_x",
    section: { id: "add more" },
    type: "OTP",
    label: "one-time password",
    value: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
    totp: "123456",
  },
]);

const pluginItem = item(
  [
    { id: "1", type: "STRING", label: "Access Key ID", value: "AKIAPLUGIN0000000002" },
    { id: "2", type: "CONCEALED", label: "Secret Access Key", value: "plugin-secret" },
    {
      id: "3",
      type: "OTP",
      label: "One-Time Password",
      value: "otpauth://totp/y?secret=JBSWY3DPEHPK3PXP",
      totp: "654321",
    },
    { id: "4", type: "STRING", label: "MFA Serial", value: "arn:aws:iam::123456789012:mfa/bob" },
  ],
  [],
);

describe("resolveAwsFields", () => {
  it("reads the shell-script recipe layout (section AWS, snake_case labels)", () => {
    const fields = resolveAwsFields(recipeItem);
    expect(fields).toMatchObject({
      accessKeyId: "AKIAEXAMPLEKEY000001",
      secretAccessKey: "secret/with+chars",
      mfaSerial: "arn:aws:iam::123456789012:mfa/alice",
      totp: "123456",
      otpUri: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
    });
    expect(fields.labels.accessKeyId).toBe('"AWS.aws_access_key_id"');
  });

  it("reads the 1Password AWS shell plugin layout (Title Case labels, no section)", () => {
    expect(resolveAwsFields(pluginItem)).toMatchObject({
      accessKeyId: "AKIAPLUGIN0000000002",
      secretAccessKey: "plugin-secret",
      mfaSerial: "arn:aws:iam::123456789012:mfa/bob",
      totp: "654321",
    });
  });

  it("matches labels ignoring case, spaces, underscores and dashes", () => {
    const fields = resolveAwsFields(
      item([
        { id: "1", type: "STRING", label: "ACCESS-KEY", value: "AKIA1" },
        { id: "2", type: "CONCEALED", label: "secret_key", value: "s" },
        { id: "3", type: "STRING", label: "account id", value: "123456789012" },
      ]),
    );
    expect(fields).toMatchObject({ accessKeyId: "AKIA1", secretAccessKey: "s", accountId: "123456789012" });
  });

  it("prefers the fields of a section labelled AWS over same-named fields elsewhere", () => {
    const fields = resolveAwsFields(
      item([
        { id: "1", type: "STRING", label: "access key id", value: "AKIA_OUTSIDE" },
        { id: "2", section: AWS_SECTION, type: "STRING", label: "aws_access_key_id", value: "AKIA_INSIDE" },
        { id: "3", section: AWS_SECTION, type: "CONCEALED", label: "aws_secret_access_key", value: "s" },
      ]),
    );
    expect(fields.accessKeyId).toBe("AKIA_INSIDE");
  });

  it("refuses two candidate fields for one role, naming both", () => {
    const ambiguous = item([
      { id: "1", type: "STRING", label: "Access Key ID", value: "AKIA1" },
      { id: "2", type: "STRING", label: "aws_access_key_id", value: "AKIA2" },
      { id: "3", type: "CONCEALED", label: "secret key", value: "s" },
    ]);
    expect(() => resolveAwsFields(ambiguous)).toThrow(
      /2 fields that could hold the access key ID: "Access Key ID", "aws_access_key_id"/,
    );
  });

  it("names the labels it looked for when the secret is missing, without leaking values", () => {
    const missing = item([{ id: "1", type: "STRING", label: "aws_access_key_id", value: "AKIA1" }]);
    const error = thrownBy(() => resolveAwsFields(missing));
    expect(error).toBeInstanceOf(UserError);
    const text = `${(error as UserError).message} ${(error as UserError).hint ?? ""}`;
    expect(text).toContain('"aws_secret_access_key", "Secret Access Key", "secret key"');
    expect(text).not.toContain("AKIA1");
  });

  it("treats an empty field as missing", () => {
    const empty = item([
      { id: "1", type: "STRING", label: "aws_access_key_id", value: "AKIA1" },
      { id: "2", type: "CONCEALED", label: "aws_secret_access_key" },
    ]);
    expect(() => resolveAwsFields(empty)).toThrow(/is empty/);
  });
});

describe("parseOpItem", () => {
  it("accepts an item with no fields key", () => {
    expect(parseOpItem(JSON.stringify({ id: "i", title: "t", vault: { id: "v" } })).fields).toEqual([]);
  });
  it.each([
    ["garbage", "this is not json"],
    ["truncated", JSON.stringify(recipeItem).slice(0, 80)],
    ["empty", ""],
  ])("rejects %s output with a clear error that does not echo it", (_name, stdout) => {
    expect(() => parseOpItem(stdout)).toThrow(UserError);
    expect((thrownBy(() => parseOpItem(stdout)) as Error).message).not.toContain(stdout.slice(0, 20) || "\u0000");
  });
  it("rejects JSON of the wrong shape", () => {
    expect(() => parseOpItem(JSON.stringify([{ id: 1 }]))).toThrow(/not an item/);
  });
});

describe("itemDifferences (rotate's read-back check)", () => {
  const written: OpItem = {
    id: "i",
    title: "AWS work",
    category: "API_CREDENTIAL",
    vault: { id: "v", name: "Work" },
    urls: [{ label: "console", primary: true, href: "https://example.com" }],
    tags: ["aws"],
    sections: [{ id: "s1", label: "AWS" }],
    fields: [
      { id: "notesPlain", type: "STRING", purpose: "NOTES", label: "notesPlain", value: "n" },
      { id: "k", type: "STRING", label: "aws_access_key_id", value: "AKIA", section: { id: "s1", label: "AWS" } },
      { id: "d", type: "DATE", label: "valid from", value: "1767225600" },
      { id: "e", type: "STRING", label: "empty" },
    ],
  };

  it("finds none for the same item, ignoring what op derives (version, reference, totp) and empty vs absent values", () => {
    const readBack = structuredClone(written) as OpItem & { version: number };
    readBack.version = 9;
    readBack.fields = readBack.fields.map((f) => ({ ...f, reference: `op://Work/AWS work/${f.label}` }));
    readBack.fields[3] = { ...readBack.fields[3]!, value: "" };
    expect(itemDifferences(written, readBack)).toEqual([]);
  });

  it("names what was lost or changed, never a value", () => {
    const readBack = structuredClone(written);
    delete readBack.tags;
    readBack.urls = [];
    readBack.fields = readBack.fields.filter((f) => f.id !== "notesPlain");
    readBack.fields[0] = { ...readBack.fields[0]!, value: "OTHER" };
    readBack.fields[1] = { ...readBack.fields[1]!, type: "STRING", value: "2026-01-01" };
    const differences = itemDifferences(written, readBack);
    expect(differences).toEqual([
      "the URLs",
      "the tags",
      'field "notesPlain" is missing',
      'field "AWS.aws_access_key_id" has a different value',
      'field "valid from" has a different type, value',
    ]);
    expect(differences.join(" ")).not.toMatch(/AKIA|OTHER|1767225600/);
  });
});
