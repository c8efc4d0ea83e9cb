// Every time in a patient export is written in the clinic's time zone, and the columns that
// hold one say which zone: a visit at 10:00 in Taipei reads 10:00 (not 02:00 UTC), whatever
// the server's own TZ is.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { runExport } from './transfer.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-06-01T02:00:00.000Z' });
});
afterAll(async () => t.close());

async function exported(api: ReturnType<typeof as>, clinicId: string, format: 'csv' | 'xlsx'): Promise<string[][]> {
  const ex = await api.post('/api/patients/exports', { format, filter: {} });
  expect(ex.statusCode).toBe(202);
  await runExport(t.deps, clinicId, ex.json().id);
  const dl = await api.get(`/api/patients/exports/${ex.json().id}/download`);
  expect(dl.statusCode).toBe(200);
  if (format === 'csv') return parse(dl.rawPayload.toString('utf8'), { bom: true }) as string[][];
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(dl.rawPayload as never);
  const rows: string[][] = [];
  wb.worksheets[0].eachRow((r) => rows.push((r.values as string[]).slice(1).map((v) => String(v ?? ''))));
  return rows;
}

it('writes last visit, next visit and creation time in the clinic time zone, named in the column titles', async () => {
  const c = await createTestClinic(t);
  const api = as(t.app, c.admin);
  const his = c.his(await c.apiKey());
  await his.put('/his/v1/doctors/D1', { name: '林醫師' });
  await his.put('/his/v1/patients/P1', { name: '王小明', phone: '0912-345-678' });
  const visit = (id: string, startsAt: string, status: string) =>
    his.put(`/his/v1/appointments/${id}`, { patientId: 'P1', doctorId: 'D1', startsAt, status, version: 1 });
  // 07:30 in Taipei is the previous day in UTC; 10:00 is 02:00 UTC.
  expect((await visit('A1', '2026-05-20T07:30:00+08:00', 'completed')).statusCode).toBeLessThan(300);
  expect((await visit('A2', '2026-06-02T10:00:00+08:00', 'booked')).statusCode).toBeLessThan(300);

  for (const format of ['csv', 'xlsx'] as const) {
    const [head, row] = await exported(api, c.clinicId, format);
    const col = (title: string) => row[head.findIndex((h) => h.startsWith(title))];
    expect(head).toEqual(
      expect.arrayContaining([
        '上次就診（Asia/Taipei +08:00）',
        '下次預約（Asia/Taipei +08:00）',
        '建立時間（Asia/Taipei +08:00）',
      ]),
    );
    expect([col('姓名'), col('上次就診'), col('下次預約'), col('建立時間')]).toEqual([
      '王小明',
      '2026-05-20 07:30',
      '2026-06-02 10:00',
      '2026-06-01 10:00',
    ]);
  }

  // The zone is the clinic's own: a clinic in Tokyo reads the same visit at 11:00.
  expect((await api.patch('/api/clinic', { timeZone: 'Asia/Tokyo' })).statusCode).toBe(200);
  const [head, row] = await exported(api, c.clinicId, 'csv');
  expect(head).toContain('下次預約（Asia/Tokyo +09:00）');
  expect(row[head.indexOf('下次預約（Asia/Tokyo +09:00）')]).toBe('2026-06-02 11:00');
});
