import { formatDuration, formatGermanDateTime, formatIsoUtc } from './berlin-time';
import type { Cell, CellKind, ExportColumn } from './export-rows';

/**
 * The two CSV dialects of an export, one row at a time (the caller batches the text):
 *
 * - `csv-de`, "Excel (Deutsch)": what German Excel opens by double-click without an import
 *   wizard: UTF-8 with a byte order mark (else Excel reads Windows-1252 and umlauts break), `;`
 *   between fields (the German list separator), CRLF between records, dates `dd.MM.yyyy HH:mm:ss`
 *   in Europe/Berlin time, durations `h:mm:ss`, a decimal comma.
 * - `csv-iso`: `,` between fields, CRLF, no byte order mark, times ISO 8601 in UTC
 *   (`2026-03-29T01:30:00Z`), durations in seconds, a decimal point: for scripts and for merging.
 *
 * Fields are quoted (RFC 4180: `"` doubled) when they hold the separator, a quote or a line break.
 * A text field that starts with `=`, `+`, `-`, `@`, a tab or a CR would be taken for a formula by
 * a spreadsheet (CSV injection): it gets a leading `'` and quotes, so it opens as the text it is.
 * Numbers, times and durations are written by us and never start so as text.
 */

export type CsvDialect = 'de' | 'iso';

export const CSV_BOM = '\uFEFF';
export const CSV_LINE_END = '\r\n';

const NEEDS_QUOTES = /[";\r\n,]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export function separatorOf(dialect: CsvDialect): string {
  return dialect === 'de' ? ';' : ',';
}

/** A text field as it goes into the file (guarded against formulas, quoted when needed). */
export function csvText(value: string, separator: string): string {
  if (FORMULA_START.test(value)) return `"'${value.replace(/"/g, '""')}"`;
  if (!NEEDS_QUOTES.test(value)) return value;
  // Only the separator in use needs quotes; the regex is shared, so check the rest precisely.
  if (!value.includes('"') && !value.includes('\n') && !value.includes('\r') && !value.includes(separator))
    return value;
  return `"${value.replace(/"/g, '""')}"`;
}

function decimal(value: number, dialect: CsvDialect): string {
  const text = String(Math.round(value * 1000) / 1000);
  return dialect === 'de' ? text.replace('.', ',') : text;
}

function germanDate(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return match ? `${match[3]}.${match[2]}.${match[1]}` : day;
}

export function csvCell(value: Cell, kind: CellKind, dialect: CsvDialect, separator: string): string {
  if (value === null) return '';
  if (typeof value === 'string') {
    // A date answer as stored (YYYY-MM-DD); anything else (a draft's typing) is text like any other.
    if (kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return dialect === 'de' ? germanDate(value) : value;
    return csvText(value, separator);
  }
  switch (kind) {
    case 'datetime':
      return dialect === 'de' ? formatGermanDateTime(value) : formatIsoUtc(value);
    case 'duration':
      return dialect === 'de' ? formatDuration(Math.round(value)) : decimal(value, 'iso');
    case 'integer':
      return String(Math.round(value));
    case 'decimal':
      return decimal(value, dialect);
    case 'date':
    case 'text':
      return csvText(String(value), separator);
  }
}

/** A function writing one record (with its line end) of these columns in this dialect. */
export function csvRowWriter(
  columns: readonly ExportColumn[],
  dialect: CsvDialect,
): (cells: readonly Cell[]) => string {
  const separator = separatorOf(dialect);
  const kinds = columns.map((column) => column.kind);
  return (cells) => {
    let line = '';
    for (let index = 0; index < kinds.length; index += 1) {
      if (index > 0) line += separator;
      line += csvCell(cells[index] ?? null, kinds[index]!, dialect, separator);
    }
    return line + CSV_LINE_END;
  };
}

/** The header record (and, for csv-de, the byte order mark before it). */
export function csvHeader(columns: readonly ExportColumn[], dialect: CsvDialect): string {
  const separator = separatorOf(dialect);
  const line = columns.map((column) => csvText(column.name, separator)).join(separator) + CSV_LINE_END;
  return dialect === 'de' ? CSV_BOM + line : line;
}
