export type CsvCell = string | number | boolean | null;

/**
 * A cell as RFC 4180 wants it: quoted when it holds a comma, quote or line break, quotes doubled.
 * Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe, so an exported name cannot execute in the auditor's spreadsheet.
 */
function formatCell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document with a header line, CRLF line ends. */
export function toCsv<Row>(columns: readonly { header: string; value: (row: Row) => CsvCell }[], rows: readonly Row[]): string {
  const lines = [columns.map((c) => formatCell(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => formatCell(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
