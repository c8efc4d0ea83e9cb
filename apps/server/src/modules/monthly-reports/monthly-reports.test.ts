// 報表 › 月報 end to end: HIS visits of May 2026 (and April, the month before) → the roll-up →
// the months offered in the clinic's zone, May's report as XLSX (read back by ExcelJS: KPIs against
// target and last month, a row per day, the value with formulas, the baseline) and as PDF (printed
// by Chromium, its text read back by pdftotext), each download audited; months outside the last
// twelve and bad input are refused; without Chromium the PDF is a clear 503 and the Excel still
// works; every role of the clinic may download, a stranger may not; another clinic's report holds
// none of it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp, type TestClinic } from '../../testing/helpers.ts';
import { runRollup } from '../reports/rollup.ts';
import { monthsOffered } from './service.ts';

let t: TestApp;
let c: TestClinic;
beforeAll(async () => {
  // Wednesday 2026-06-03 12:00 in Taipei.
  t = await createTestApp({ start: '2026-06-03T04:00:00.000Z' });
  c = await createTestClinic(t, { name: '月報測試診所' });
  const his = c.his(await c.apiKey());
  expect((await his.put('/his/v1/doctors/D1', { name: '林醫師' })).statusCode).toBeLessThan(300);
  for (const p of ['P1', 'P2', 'P3', 'P4'])
    expect((await his.put(`/his/v1/patients/${p}`, { name: '王小明' })).statusCode).toBeLessThan(300);
  // May: four visits with an outcome, one a no-show (25 %); April: two, both came (0 %).
  const visits: [string, string, string, string][] = [
    ['M1', 'P1', '2026-05-04T02:00:00.000Z', 'completed'],
    ['M2', 'P2', '2026-05-04T03:00:00.000Z', 'no_show'],
    ['M3', 'P3', '2026-05-20T02:00:00.000Z', 'completed'],
    ['M4', 'P4', '2026-05-31T15:30:00.000Z', 'completed'], // 05-31 23:30 in Taipei
    ['A1', 'P1', '2026-04-10T02:00:00.000Z', 'completed'],
    ['A2', 'P2', '2026-04-11T02:00:00.000Z', 'completed'],
  ];
  for (const [id, patientId, startsAt, status] of visits) {
    const base = { patientId, doctorId: 'D1', startsAt, visitType: '洗牙' };
    expect((await his.put(`/his/v1/appointments/${id}`, { ...base, status: 'booked', version: 1 })).statusCode).toBe(
      201,
    );
    const r = await his.put(`/his/v1/appointments/${id}`, { ...base, status, version: 2 });
    expect(r.statusCode, r.body).toBeLessThan(300);
  }
  await runRollup(t.deps, c.clinicId);
});
afterAll(async () => t?.close());

async function workbook(body: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  return wb;
}
const rowOf = (ws: ExcelJS.Worksheet, label: string) => {
  let found: ExcelJS.Row | undefined;
  ws.eachRow((r) => {
    if (r.getCell(1).value === label) found = r;
  });
  return found;
};
async function audits(clinicId: string) {
  return t.deps.db
    .selectFrom('audit_log')
    .select(['action', 'entity_id', 'detail'])
    .where('clinic_id', '=', clinicId)
    .where('action', '=', 'reports.monthly_downloaded')
    .execute();
}

describe('monthly reports', () => {
  it('offers this month so far and the twelve before it, by the clinic’s calendar', async () => {
    const r = await as(t.app, c.admin).get('/api/reports/monthly');
    expect(r.statusCode).toBe(200);
    const items = r.json().items;
    expect(items).toHaveLength(13);
    expect(items[0]).toEqual({
      month: '2026-06',
      label: '2026 年 6 月',
      from: '2026-06-01',
      to: '2026-06-03',
      partial: true,
    });
    expect(items[1]).toEqual({
      month: '2026-05',
      label: '2026 年 5 月',
      from: '2026-05-01',
      to: '2026-05-31',
      partial: false,
    });
    expect(items[12].month).toBe('2025-06');
    // 00:30 on the 1st in Taipei is still the last day of the month in UTC: Taipei's month counts.
    expect(monthsOffered('2026-03-01')[0]).toMatchObject({ month: '2026-03', to: '2026-03-01' });
    expect(monthsOffered('2026-03-01')[1]).toMatchObject({ month: '2026-02', from: '2026-02-01', to: '2026-02-28' });
    expect(monthsOffered('2026-01-15')[1].month).toBe('2025-12');
  });

  it('writes last month as Excel: KPIs vs target and April, each day, the value, the baseline; audited', async () => {
    const r = await as(t.app, c.admin).get('/api/reports/monthly/2026-05?format=xlsx');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    expect(r.headers['content-disposition']).toContain('careline-report-2026-05.xlsx');
    const wb = await workbook(r.rawPayload);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['摘要', '每日', '效益', '導入前後']);
    const sum = wb.getWorksheet('摘要')!;
    expect(String(sum.getCell('A1').value)).toBe('月報測試診所 2026 年 5 月 月報');
    const noShow = rowOf(sum, '未到診率')!;
    expect(noShow.getCell(2).value).toBe(0.25); // May: 1 of 4, as an Excel percent
    expect(noShow.getCell(2).numFmt).toBe('0.0%');
    expect(noShow.getCell(3).value).toBe(0); // April: none of 2
    expect([noShow.getCell(6).value, noShow.getCell(7).value]).toEqual([1, 4]);
    expect(rowOf(sum, '滿意度（4 星以上）')!.getCell(4).value).toBe('≥ 90%');
    expect(rowOf(sum, '滿意度（4 星以上）')!.getCell(2).value).toBe('—'); // no survey answered: no value, not 0
    const daily = wb.getWorksheet('每日')!;
    expect(daily.rowCount).toBe(1 + 31);
    const may4 = rowOf(daily, '2026-05-04')!;
    const col = (daily.getRow(1).values as string[]).indexOf('未到診率');
    expect(may4.getCell(col).value).toBe(0.5);
    expect(rowOf(daily, '2026-05-31')!.getCell(col).value).toBe(0); // 23:30 local is still the 31st
    const value = wb.getWorksheet('效益')!;
    expect(String(rowOf(value, '本月淨效益')!.getCell(3).value)).toContain('=');
    expect(rowOf(value, '平均每診收入')!.getCell(2).value).toBe('NT$ 500');
    expect(rowOf(wb.getWorksheet('導入前後')!, '未到診率')).toBeDefined();
    expect(await audits(c.clinicId)).toEqual([
      {
        action: 'reports.monthly_downloaded',
        entity_id: '2026-05',
        detail: JSON.stringify({ format: 'xlsx', month: '2026-05' }),
      },
    ]);
  });

  it('prints last month as an A4 PDF with headless Chromium (read back by pdftotext)', async () => {
    const r = await as(t.app, c.admin).get('/api/reports/monthly/2026-05?format=pdf');
    expect(r.statusCode, r.body.slice(0, 200)).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'careline-pdf-')), 'report.pdf');
    writeFileSync(file, r.rawPayload);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:.*\(A4\)/);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const s of [
      '月報測試診所',
      '2026 年 5 月',
      '關鍵指標',
      '未到診率',
      '25.0%',
      'Careline 效益',
      '導入前後比較',
      '第 1 /',
    ])
      expect(text).toContain(s);
    expect((await audits(c.clinicId)).map((a) => JSON.parse(a.detail).format)).toEqual(['xlsx', 'pdf']);
  }, 60_000);

  it('refuses months outside this one and the twelve before it, and bad input, in zh-TW', async () => {
    const admin = as(t.app, c.admin);
    const old = await admin.get('/api/reports/monthly/2025-05?format=xlsx');
    expect(old.statusCode).toBe(422);
    expect(old.json().error.code).toBe('MONTH_NOT_OFFERED');
    expect(old.json().error.message).toContain('只能下載本月與之前 12 個月的月報');
    const future = await admin.get('/api/reports/monthly/2026-07?format=pdf');
    expect(future.json().error.code).toBe('MONTH_NOT_OFFERED');
    for (const url of [
      '/api/reports/monthly/2026-13?format=xlsx',
      '/api/reports/monthly/2026-05?format=docx',
      '/api/reports/monthly/2026-05',
    ]) {
      const bad = await admin.get(url);
      expect(bad.statusCode, url).toBe(400);
      expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(await audits(c.clinicId)).toHaveLength(2);
  });

  it('is for every role of the clinic, not for strangers; another clinic’s report holds none of it', async () => {
    const viewer = await c.staff('viewer');
    expect((await as(t.app, viewer).get('/api/reports/monthly/2026-05?format=xlsx')).statusCode).toBe(200);
    expect((await as(t.app, null).get('/api/reports/monthly/2026-05?format=xlsx')).statusCode).toBe(401);

    const other = await createTestClinic(t, { name: '另一間診所' });
    const r = await as(t.app, other.admin).get('/api/reports/monthly/2026-05?format=xlsx');
    expect(r.statusCode).toBe(200);
    const sum = (await workbook(r.rawPayload)).getWorksheet('摘要')!;
    expect(String(sum.getCell('A1').value)).toContain('另一間診所');
    expect(rowOf(sum, '未到診率')!.getCell(2).value).toBe('—');
    expect(await audits(other.clinicId)).toHaveLength(1);
    expect(await audits(c.clinicId)).toHaveLength(3); // two of the admin, one of the viewer
  });
});

describe('monthly reports without Chromium', () => {
  let bare: TestApp;
  beforeAll(async () => {
    bare = await createTestApp({ start: '2026-06-03T04:00:00.000Z', env: { CHROMIUM_PATH: '/nonexistent/chromium' } });
  });
  afterAll(async () => bare?.close());

  it('answers the PDF with a clear zh-TW 503 and still writes the Excel', async () => {
    const k = await createTestClinic(bare);
    const pdf = await as(bare.app, k.admin).get('/api/reports/monthly/2026-05?format=pdf');
    expect(pdf.statusCode).toBe(503);
    expect(pdf.json().error.code).toBe('PDF_RENDERER_MISSING');
    expect(pdf.json().error.message).toContain('伺服器尚未安裝產生 PDF 的程式（Chromium）');
    expect(pdf.body).not.toMatch(/at \w+ \(|node_modules/);
    const xlsx = await as(bare.app, k.admin).get('/api/reports/monthly/2026-05?format=xlsx');
    expect(xlsx.statusCode).toBe(200);
    const rows = await bare.deps.db
      .selectFrom('audit_log')
      .select('detail')
      .where('clinic_id', '=', k.clinicId)
      .where('action', '=', 'reports.monthly_downloaded')
      .execute();
    expect(rows.map((a) => JSON.parse(a.detail).format)).toEqual(['xlsx']);
  });
});
