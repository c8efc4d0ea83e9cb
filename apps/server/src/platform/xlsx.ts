// ExcelJS, loaded on first use: it adds ~36 MB to a process's resident set, and only a few
// requests (exports and imports of spreadsheets) need it — not the worker, not most api processes.
import type ExcelJSModule from 'exceljs';

export type ExcelJS = typeof ExcelJSModule;

let loaded: Promise<ExcelJS> | null = null;

export function excel(): Promise<ExcelJS> {
  loaded ??= import('exceljs').then((m) => m.default);
  return loaded;
}
