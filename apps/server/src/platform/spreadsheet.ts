// Cells of the CSV and XLSX files staff download and open in Excel, Numbers or Google Sheets.
// A spreadsheet reads a text cell that begins with = + - @ (or a tab / carriage return before
// one of them) as a formula, so a patient's name or an answer like `=HYPERLINK("http://…")`
// would run when the file is opened (OWASP "CSV injection"). Every text cell therefore goes
// through `spreadsheetCell`, which puts a single quote in front of such text — the convention
// spreadsheets themselves use for "this is text". Numbers, booleans and empty cells are left
// alone (a negative number stays a number). Files read back by a program (the data export's
// JSON Lines) keep the exact text; a CSV import undoes the quote with `fromSpreadsheetCell`.

const FORMULA_START = /^[=+\-@\t\r]/;

/** The cell as written to a CSV or XLSX file: text that a spreadsheet would run as a formula gets a leading `'`. */
export function spreadsheetCell<T>(v: T): T | string {
  return typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : v;
}

/** A cell's text as it was before `spreadsheetCell` (for files people re-import). */
export function fromSpreadsheetCell(s: string): string {
  return s.length > 1 && s[0] === "'" && FORMULA_START.test(s.slice(1)) ? s.slice(1) : s;
}

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field (RFC 4180): neutralised as above, in double quotes when it holds a comma, a
 * quote or a line break (quotes doubled). null/undefined are empty, booleans 1/0, numbers as
 * JavaScript writes them.
 */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  let s = typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : JSON.stringify(v);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV record with its CRLF line end. */
export function csvLine(cells: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) line += (i ? ',' : '') + csvField(cells[i]);
  return `${line}\r\n`;
}

/**
 * CSV text of rows, CRLF line ends; `bom`: starts with a UTF-8 byte-order mark (what Excel on
 * Windows needs to open the file as UTF-8) — for the first chunk of a file.
 */
export function toCsv(rows: readonly (readonly unknown[])[], opts: { bom?: boolean } = {}): string {
  let out = opts.bom ? '\ufeff' : '';
  for (const r of rows) out += csvLine(r);
  return out;
}

/** A row of cells for an XLSX sheet (ExcelJS `addRow`), each through `spreadsheetCell`. */
export function spreadsheetRow<T>(cells: readonly T[]): (T | string)[] {
  return cells.map(spreadsheetCell);
}
