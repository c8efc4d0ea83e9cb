import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { neutraliseWorkbook } from './xlsx.ts';
import { csvField, csvLine, fromSpreadsheetCell, spreadsheetCell, toCsv } from './spreadsheet.ts';

const RISKY = ['=1+1', '+886912345678', '-2', '@SUM(A1)', '\t=cmd', '\r=cmd', '=HYPERLINK("http://x","y")'];

describe('spreadsheet cells', () => {
  it('puts a quote before text a spreadsheet would run as a formula, and only there', () => {
    for (const s of RISKY) expect(spreadsheetCell(s)).toBe(`'${s}`);
    for (const s of ['王小明', 'a=b', '0912-345-678', '', ' =x', "'quoted", '＝全形'])
      expect(spreadsheetCell(s)).toBe(s);
    expect(spreadsheetCell(-2)).toBe(-2);
    expect(spreadsheetCell(null)).toBe(null);
    expect(spreadsheetCell(true)).toBe(true);
  });

  it('undoes the quote for re-imported files, leaving other text as it is', () => {
    for (const s of RISKY) expect(fromSpreadsheetCell(spreadsheetCell(s) as string)).toBe(s);
    for (const s of ["'", "'abc", 'x']) expect(fromSpreadsheetCell(s)).toBe(s);
  });

  it('writes CSV as csv-stringify did for safe cells (quotes, commas, 1/0, empty)', () => {
    const rows = [
      ['a', 'b,c', 'say "hi"', 'two\r\nlines', 3, 0, 1.5, true, false, null, undefined, '', '中文'],
      [{ a: 1 }, 'plain'],
    ];
    const theirs = stringify(rows, { record_delimiter: 'windows', cast: { boolean: (b) => (b ? '1' : '0') } });
    expect(toCsv(rows)).toBe(theirs);
    expect(toCsv([['x']], { bom: true })).toBe('\ufeffx\r\n');
  });

  it('quotes a bare line feed or carriage return too (csv-stringify with CRLF records did not)', () => {
    const cells = ['two\nlines', 'cr\rhere', 'last'];
    expect(csvLine(cells)).toBe('"two\nlines","cr\rhere",last\r\n');
    expect(parse(csvLine(cells))).toEqual([cells]);
  });

  it('neutralises formula cells in CSV, and a CSV reader gets the quoted text back intact', () => {
    const line = csvLine(RISKY);
    const [cells] = parse(line) as string[][];
    expect(cells).toEqual(RISKY.map((s) => `'${s}`));
    expect(csvField('=1,2')).toBe(`"'=1,2"`);
    expect(csvField(-5)).toBe('-5');
  });
});

describe('a workbook built in memory', () => {
  it('gets a quote before every formula-like text cell; numbers and other text stay', () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('x');
    ws.addRow(['=cmd()', -3, '王小明', '@me']);
    wb.addWorksheet('y').addRow(['+1']);
    neutraliseWorkbook(wb);
    expect(ws.getRow(1).values).toEqual([undefined, "'=cmd()", -3, '王小明', "'@me"]);
    expect(wb.getWorksheet('y')!.getRow(1).getCell(1).value).toBe("'+1");
  });
});

describe('every spreadsheet the server writes goes through these helpers', () => {
  const src = join(import.meta.dirname, '..');
  const files = (readdirSync(src, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => ({ f, text: readFileSync(join(src, f), 'utf8') }));

  it('no module writes CSV with its own writer', () => {
    expect(files.filter((x) => x.text.includes("from 'csv-stringify")).map((x) => x.f)).toEqual([]);
  });

  it('every XLSX sheet built with addRow neutralises its cells', () => {
    const unsafe = files.filter((x) => /\.addRow\(/.test(x.text) && !/spreadsheetRow|neutraliseWorkbook/.test(x.text));
    expect(unsafe.map((x) => x.f)).toEqual([]);
  });
});
