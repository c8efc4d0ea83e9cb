// The lights feed never lets a cursor pass a change that can still appear: on PostgreSQL two
// transactions can commit their rows in the other order than their serial ids (repository.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { decodeCursor, listStatusChanges, recordStatusChange, type RecordInput } from './feed.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-05-01T00:00:00.000Z' });
});
afterAll(async () => t.close());

const change = (clinicId: string, n: number): RecordInput => ({
  clinicId,
  subject: 'patient',
  subjectId: `patient-${n}`,
  subjectHisId: `P${n}`,
  patientHisId: `P${n}`,
  light: 'line',
  from: 'unbound',
  to: 'bound',
  source: 'his',
  actor: { type: 'system', id: null, label: 'HIS' },
});

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
};

describe('the lights feed (GET /his/v1/status-changes)', () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'a change committed after a later id is not skipped: the read waits for the writer in flight (PostgreSQL)',
    async () => {
      const c = await createTestClinic(t);
      const { db, dialect } = t.deps;
      await recordStatusChange(db, t.deps, change(c.clinicId, 0));
      // T1 takes id n and stays open; T2 takes id n+1 and commits first.
      const inserted = gate();
      const release = gate();
      const t1 = db.transaction().execute(async (trx) => {
        const r = await recordStatusChange(trx, t.deps, change(c.clinicId, 1));
        inserted.open();
        await release.opened;
        return r;
      });
      await inserted.opened;
      const second = await db.transaction().execute((trx) => recordStatusChange(trx, t.deps, change(c.clinicId, 2)));
      const first = await Promise.race([t1, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
      expect(first).toBeNull(); // T1 still open
      expect(second.id).toBeGreaterThan(0);

      // Read while T1 is open: the read waits; T1 commits 150 ms later; both come, in id order.
      const started = performance.now();
      const reading = listStatusChanges(db, dialect, c.clinicId, 0, 100);
      setTimeout(() => release.open(), 150);
      const rows = await reading;
      expect(performance.now() - started).toBeGreaterThanOrEqual(100);
      const one = await t1;
      expect(rows.map((r) => r.subject_his_id)).toEqual(['P0', 'P1', 'P2']);
      expect(rows.map((r) => r.id)).toEqual(rows.map((r) => r.id).sort((a, b) => a - b));
      expect(one.id).toBeLessThan(second.id);

      // A writer in flight longer than the wait: 503 STATUS_FEED_BUSY with Retry-After, and other
      // writers are not delayed by the waiting reader.
      const long = gate();
      const t3 = db.transaction().execute(async (trx) => {
        await recordStatusChange(trx, t.deps, change(c.clinicId, 3));
        await long.opened;
      });
      await new Promise((r) => setTimeout(r, 30));
      await expect(listStatusChanges(db, dialect, c.clinicId, 0, 100, 100)).rejects.toMatchObject({
        status: 503,
        code: 'STATUS_FEED_BUSY',
      });
      const key = await c.apiKey();
      let answered = false;
      const pending = Promise.resolve(c.his(key).get('/his/v1/status-changes')) // waits the route's 3 s
        .finally(() => (answered = true));
      // Meanwhile another writer of the clinic inserts and commits: the waiting reader holds no lock.
      await new Promise((r) => setTimeout(r, 100));
      const fourth = await db.transaction().execute((trx) => recordStatusChange(trx, t.deps, change(c.clinicId, 4)));
      expect(answered).toBe(false);
      const res = await pending;
      long.open();
      await t3;
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json().error.code).toBe('STATUS_FEED_BUSY');
      const after = await listStatusChanges(db, dialect, c.clinicId, decodeCursor(second.cursor)!, 100);
      expect(after.map((r) => r.subject_his_id)).toEqual(['P3', 'P4']);
      expect(after[1].id).toBe(fourth.id);
    },
  );

  it('pages in id order with the cursor, and another clinic sees none of it', async () => {
    const a = await createTestClinic(t);
    const b = await createTestClinic(t);
    for (let n = 0; n < 5; n++) await recordStatusChange(t.deps.db, t.deps, change(a.clinicId, n));
    const his = a.his(await a.apiKey());
    const page1 = (await his.get('/his/v1/status-changes?limit=3')).json();
    expect(page1.items.map((i: { patientId: string }) => i.patientId)).toEqual(['P0', 'P1', 'P2']);
    expect(page1.hasMore).toBe(true);
    const page2 = (await his.get(`/his/v1/status-changes?limit=3&after=${page1.nextCursor}`)).json();
    expect(page2.items.map((i: { patientId: string }) => i.patientId)).toEqual(['P3', 'P4']);
    expect(page2.hasMore).toBe(false);
    const other = (await b.his(await b.apiKey()).get('/his/v1/status-changes')).json();
    expect(other.items).toEqual([]);
  });
});
