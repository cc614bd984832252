// Plain-text tables for list and import summaries: left-aligned columns, two spaces apart. Cells hold names from
// the AWS files and 1Password: their control characters are escaped.
import { escapeForTerminal } from "./terminal-text.js";

export function formatTable(headers: string[], givenRows: string[][]): string {
  const rows = givenRows.map((r) => r.map(escapeForTerminal));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join("\n")}\n`;
}
