// Export files and import previews hold personal data: their content is deleted 24 hours after
// they are made (the row stays as the record), through a job that runs then.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { claimJobs, completeJob } from '../../platform/jobs.ts';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { TRANSFER_PURGE_JOB } from './jobs.ts';
import { runExport, runTransferPurge } from './transfer.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-06-01T02:00:00.000Z' });
});
afterAll(async () => t.close());

/** Runs the purge jobs that are due now (what the worker does), returns how many ran. */
async function runDuePurges(): Promise<number> {
  const jobs = await claimJobs(t.deps.db, t.deps.dialect, {
    workerId: 'test',
    now: t.clock.now(),
    limit: 50,
    lockMs: 60_000,
    types: [TRANSFER_PURGE_JOB.type],
  });
  for (const j of jobs) {
    const p = j.payload as { transferId: string; attempt?: number };
    await runTransferPurge(t.deps, j.clinicId!, p.transferId, p.attempt ?? 0);
    await completeJob(t.deps.db, t.clock, j.id, 'test');
  }
  return jobs.length;
}

it('deletes an export file and an unused import preview after 24 hours; then downloading answers 410', async () => {
  const c = await createTestClinic(t);
  const his = c.his(await c.apiKey());
  await his.put('/his/v1/patients/P1', { name: '王小明', phone: '0912-345-678' });
  const api = as(t.app, c.admin);
  const ex = (await api.post('/api/patients/exports', { format: 'csv', filter: {} })).json();
  await runExport(t.deps, c.clinicId, ex.id);
  const csv = Buffer.from('姓名,電話\n林一,0911-000-001\n', 'utf8').toString('base64');
  const pv = (await api.post('/api/patients/imports', { filename: 'p.csv', format: 'csv', contentBase64: csv })).json();
  expect((await api.get(`/api/patients/exports/${ex.id}/download`)).statusCode).toBe(200);

  // Nothing is due before the 24 hours are over.
  t.clock.advance(23 * 3600_000);
  expect(await runDuePurges()).toBe(0);
  t.clock.advance(3600_000 + 1000);
  expect(await runDuePurges()).toBe(2);

  const rows = await t.deps.db
    .selectFrom('patient_transfers')
    .select(['id', 'status', 'data'])
    .where('clinic_id', '=', c.clinicId)
    .execute();
  expect(rows.map((r) => [r.status, r.data])).toEqual(
    expect.arrayContaining([
      ['expired', null],
      ['expired', null],
    ]),
  );
  const admin = as(t.app, await c.staff('admin')); // the first session has expired by now
  const dl = await admin.get(`/api/patients/exports/${ex.id}/download`);
  expect(dl.statusCode).toBe(410);
  expect(dl.json().error).toMatchObject({ code: 'EXPORT_EXPIRED', message: expect.stringContaining('24 小時') });
  const commit = await admin.post(`/api/patients/imports/${pv.id}/commit`);
  expect(commit.statusCode).toBe(409);
  expect(commit.json().error.code).toBe('IMPORT_EXPIRED');
  expect(
    await t.deps.db
      .selectFrom('patients')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('name', '=', '林一')
      .execute(),
  ).toEqual([]);

  // Another clinic's admin cannot download or commit this clinic's transfers at any time.
  const other = await createTestClinic(t);
  expect((await as(t.app, other.admin).get(`/api/patients/exports/${ex.id}/download`)).statusCode).toBe(404);
});
