// What `op` prints for items: the full item (`item get`, `item create`, `item edit`), the overview (`item list`),
// and the human-readable forms. Derived keys are computed here: `vault`, field `section` labels, `reference`
// and the OTP `totp` code.
import type { ItemField, ItemSection, StoreItem, StoreVault } from "./store.js";
import { currentOtpCode } from "./totp.js";

export interface FieldJson {
  id: string;
  section?: ItemSection;
  type: string;
  purpose?: string;
  label: string;
  value?: string;
  totp?: string;
  reference: string;
}

export interface ItemOverviewJson {
  id: string;
  title: string;
  version: number;
  vault: { id: string; name: string };
  category: string;
  last_edited_by?: string;
  created_at: string;
  updated_at: string;
  additional_information?: string;
  urls?: StoreItem["urls"];
  tags?: string[];
}

export interface ItemJson extends ItemOverviewJson {
  sections?: ItemSection[];
  fields?: FieldJson[];
}

/** Characters a secret reference part may hold (facts: "only `a-zA-Z0-9-_. ` and space are allowed"). */
export const REFERENCE_PART = /^[a-zA-Z0-9\-_. ]+$/;

/** References use names where the name is expressible, the ID otherwise (as the real CLI does). */
function referencePart(name: string | undefined, id: string): string {
  return name !== undefined && REFERENCE_PART.test(name) ? name : id;
}

export function fieldReference(vault: StoreVault, item: StoreItem, field: ItemField): string {
  const parts = [referencePart(vault.name, vault.id), referencePart(item.title, item.id)];
  if (field.section) {
    const section = item.sections?.find((candidate) => candidate.id === field.section?.id) ?? field.section;
    parts.push(referencePart(section.label, section.id));
  }
  parts.push(referencePart(field.label || undefined, field.id));
  return `op://${parts.join("/")}`;
}

export function renderField(vault: StoreVault, item: StoreItem, field: ItemField, epochSeconds: number): FieldJson {
  const section = field.section
    ? (item.sections?.find((candidate) => candidate.id === field.section?.id) ?? field.section)
    : undefined;
  const totp =
    field.type === "OTP" && field.value !== undefined ? currentOtpCode(field.value, epochSeconds) : undefined;
  // Key order as the real CLI prints it: id, section, type, purpose, label, value, totp, reference.
  return {
    id: field.id,
    ...(section
      ? { section: section.label === undefined ? { id: section.id } : { id: section.id, label: section.label } }
      : {}),
    type: field.type,
    ...(field.purpose === undefined ? {} : { purpose: field.purpose }),
    label: field.label,
    ...(field.value === undefined ? {} : { value: field.value }),
    ...(totp === undefined ? {} : { totp }),
    reference: fieldReference(vault, item, field),
  };
}

export function renderOverview(vault: StoreVault, item: StoreItem): ItemOverviewJson {
  return {
    id: item.id,
    title: item.title,
    version: item.version,
    vault: { id: vault.id, name: vault.name },
    category: item.category,
    ...(item.last_edited_by === undefined ? {} : { last_edited_by: item.last_edited_by }),
    created_at: item.created_at,
    updated_at: item.updated_at,
    ...(item.additional_information === undefined ? {} : { additional_information: item.additional_information }),
    ...(item.urls === undefined ? {} : { urls: item.urls }),
    ...(item.tags === undefined ? {} : { tags: item.tags }),
  };
}

export function renderItem(vault: StoreVault, item: StoreItem, epochSeconds: number): ItemJson {
  return {
    ...renderOverview(vault, item),
    ...(item.sections === undefined ? {} : { sections: item.sections }),
    ...(item.fields === undefined
      ? {}
      : { fields: item.fields.map((field) => renderField(vault, item, field, epochSeconds)) }),
  };
}

/** `--format json` output: indented like the real CLI. */
export function toJsonOutput(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A key/value block like `op item get` without `--format json` (concealed values stay hidden without --reveal). */
export function renderItemHuman(item: ItemJson, reveal: boolean): string {
  const lines = [
    `ID:          ${item.id}`,
    `Title:       ${item.title}`,
    `Vault:       ${item.vault.name} (${item.vault.id})`,
    `Created:     ${item.created_at}`,
    `Updated:     ${item.updated_at}`,
    `Version:     ${item.version}`,
    `Category:    ${item.category}`,
  ];
  const fields = item.fields?.filter((field) => field.value !== undefined) ?? [];
  if (fields.length > 0) {
    lines.push("Fields:");
    for (const field of fields) {
      const shown =
        field.type === "CONCEALED" && !reveal
          ? `[use 'op item get ${item.id} --reveal' to reveal]`
          : field.type === "OTP"
            ? (field.totp ?? "")
            : (field.value ?? "");
      lines.push(`  ${field.label}:    ${shown}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Columns separated by at least two spaces, like the CLI's tables. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd((widths[column] ?? 0) + 4)))
      .join("")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}
