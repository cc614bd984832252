// JSON item templates for `item create` / `item edit`: the `item get` shape (`title`, `category`, `sections`,
// `fields` with `section: {id}`, `type`, `label`, `value`). Parsing never echoes the template: it holds secrets.
import { OpError } from "./errors.js";
import { newOpId } from "./ids.js";
import type { ItemField, ItemSection, ItemUrl } from "./store.js";

export interface ItemTemplate {
  title?: string;
  category?: string;
  sections: ItemSection[];
  fields: ItemField[];
  tags?: string[];
  urls?: ItemUrl[];
}

/** Output category names (op-js `OutputCategory`). Input is matched ignoring case, spaces and underscores. */
const CATEGORIES = [
  "API_CREDENTIAL",
  "BANK_ACCOUNT",
  "CREDIT_CARD",
  "DATABASE",
  "DOCUMENT",
  "DRIVER_LICENSE",
  "EMAIL_ACCOUNT",
  "IDENTITY",
  "LOGIN",
  "MEDICAL_RECORD",
  "MEMBERSHIP",
  "OUTDOOR_LICENSE",
  "PASSPORT",
  "PASSWORD",
  "REWARD_PROGRAM",
  "SECURE_NOTE",
  "SERVER",
  "SOCIAL_SECURITY_NUMBER",
  "SOFTWARE_LICENSE",
  "SSH_KEY",
  "WIRELESS_ROUTER",
];

function squash(text: string): string {
  return text.toUpperCase().replace(/[\s_]/g, "");
}

/** `"API Credential"`, `api_credential` -> `API_CREDENTIAL`. Fake wording for an unknown category. */
export function normalizeCategory(input: string): string {
  const found = CATEGORIES.find((category) => squash(category) === squash(input));
  if (!found) throw new OpError(`"${input}" isn't a valid item category`);
  return found;
}

/** Field types; template input may also use the assignment-statement names (`text`, `password`, `monthYear`). */
const FIELD_TYPES: Record<string, string> = {
  STRING: "STRING",
  TEXT: "STRING",
  CONCEALED: "CONCEALED",
  PASSWORD: "CONCEALED",
  OTP: "OTP",
  EMAIL: "EMAIL",
  URL: "URL",
  DATE: "DATE",
  MONTHYEAR: "MONTH_YEAR",
  PHONE: "PHONE",
  MENU: "MENU",
  REFERENCE: "REFERENCE",
  ADDRESS: "ADDRESS",
  SSHKEY: "SSHKEY",
};

const PURPOSES = ["USERNAME", "PASSWORD", "NOTES"];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(reason: string): never {
  throw new OpError(`invalid item template: ${reason}`);
}

function optionalText(value: Json, key: string, where: string): string | undefined {
  const found = value[key];
  if (found === undefined || found === null) return undefined;
  if (typeof found !== "string") invalid(`${where}.${key} must be a string`);
  return found;
}

export const NOTES_FIELD: ItemField = { id: "notesPlain", type: "STRING", purpose: "NOTES", label: "notesPlain" };

export function parseItemTemplate(text: string): ItemTemplate {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // JSON.parse's message can quote the input, which holds secrets.
    invalid("the template is not valid JSON");
  }
  if (!isObject(document)) invalid("the template must be a JSON object");
  const template: ItemTemplate = { sections: [], fields: [] };
  const title = optionalText(document, "title", "template");
  if (title !== undefined) template.title = title;
  const category = optionalText(document, "category", "template");
  if (category !== undefined && category !== "") template.category = normalizeCategory(category);

  const rawSections = document.sections ?? [];
  if (!Array.isArray(rawSections)) invalid("sections must be an array");
  rawSections.forEach((raw: unknown, index) => {
    if (!isObject(raw)) invalid(`sections[${index}] must be an object`);
    const id = optionalText(raw, "id", `sections[${index}]`) || newOpId();
    const label = optionalText(raw, "label", `sections[${index}]`);
    template.sections.push(label === undefined ? { id } : { id, label });
  });

  const rawFields = document.fields ?? [];
  if (!Array.isArray(rawFields)) invalid("fields must be an array");
  rawFields.forEach((raw: unknown, index) => {
    const where = `fields[${index}]`;
    if (!isObject(raw)) invalid(`${where} must be an object`);
    const typeText = optionalText(raw, "type", where) ?? "STRING";
    const type = FIELD_TYPES[typeText.toUpperCase().replace(/_/g, "")];
    if (type === undefined) invalid(`${where} has an unsupported field type`);
    const field: ItemField = {
      id: optionalText(raw, "id", where) || (type === "OTP" ? `TOTP_${newOpId()}` : newOpId()),
      type,
      label: optionalText(raw, "label", where) ?? "",
    };
    const purpose = optionalText(raw, "purpose", where);
    if (purpose !== undefined && purpose !== "") {
      if (!PURPOSES.includes(purpose.toUpperCase())) invalid(`${where} has an unsupported purpose`);
      field.purpose = purpose.toUpperCase();
    }
    // A field with no value has no `value` key in the real CLI's output.
    const value = optionalText(raw, "value", where);
    if (value !== undefined && value !== "") field.value = value;
    if (raw.section !== undefined && raw.section !== null) {
      if (!isObject(raw.section)) invalid(`${where}.section must be an object`);
      field.section = { id: resolveSectionId(template.sections, raw.section, where) };
    }
    template.fields.push(field);
  });

  if (document.tags !== undefined) {
    if (!Array.isArray(document.tags) || !document.tags.every((tag) => typeof tag === "string")) {
      invalid("tags must be an array of strings");
    }
    template.tags = document.tags;
  }
  if (document.urls !== undefined) {
    if (!Array.isArray(document.urls)) invalid("urls must be an array");
    template.urls = document.urls.map((raw: unknown, index) => {
      if (!isObject(raw)) invalid(`urls[${index}] must be an object`);
      const href = optionalText(raw, "href", `urls[${index}]`);
      if (href === undefined) invalid(`urls[${index}].href is required`);
      const label = optionalText(raw, "label", `urls[${index}]`);
      return { href, ...(label === undefined ? {} : { label }), ...(raw.primary === true ? { primary: true } : {}) };
    });
  }
  return template;
}

/** A field's `section` names a section by id (or label); one not listed in `sections` is added. */
function resolveSectionId(sections: ItemSection[], raw: Json, where: string): string {
  const id = optionalText(raw, "id", `${where}.section`);
  const label = optionalText(raw, "label", `${where}.section`);
  const existing =
    (id ? sections.find((section) => section.id === id) : undefined) ??
    (!id && label !== undefined ? sections.find((section) => section.label === label) : undefined);
  if (existing) return existing.id;
  const created: ItemSection = { id: id || newOpId(), ...(label === undefined ? {} : { label }) };
  sections.push(created);
  return created.id;
}
