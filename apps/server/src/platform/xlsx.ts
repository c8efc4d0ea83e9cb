// ExcelJS, loaded on first use: it adds ~36 MB to a process's resident set, and only a few
// requests (exports and imports of spreadsheets) need it — not the worker, not most api processes.
import type ExcelJSModule from 'exceljs';
import { spreadsheetCell } from './spreadsheet.ts';

export type ExcelJS = typeof ExcelJSModule;

let loaded: Promise<ExcelJS> | null = null;

export function excel(): Promise<ExcelJS> {
  loaded ??= import('exceljs').then((m) => m.default);
  return loaded;
}

/**
 * Every text cell of a workbook built in memory through `spreadsheetCell` (platform/spreadsheet.ts):
 * for workbooks whose rows are laid out piece by piece (titles, tables, notes), in one pass before
 * writing.
 */
export function neutraliseWorkbook(wb: ExcelJSModule.Workbook): void {
  wb.eachSheet((ws) =>
    ws.eachRow((row) =>
      row.eachCell((c) => {
        if (typeof c.value === 'string') c.value = spreadsheetCell(c.value);
      }),
    ),
  );
}
