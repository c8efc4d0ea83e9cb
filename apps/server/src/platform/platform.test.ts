// Errors, tenancy, the append-only audit log, jobs and metrics — on SQLite and PostgreSQL.
import { createServer } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../testing/helpers.ts';
import { recordAudit, systemActor } from './audit.ts';
import { Type } from 'typebox';
import {
  claimJobs,
  defineJob,
  enqueueJob,
  jobRegistry,
  startWorker,
  PermanentJobError,
  queueStats,
  type JobDefinition,
} from './jobs.ts';

/** A job type of its own for one test (the worker serves every clinic of the test database). */
const testJob = (type: string, handler: JobDefinition['handler'] = async () => {}) =>
  defineJob({ type, payload: Type.Object({}), handler });

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('bad input', () => {
  it('malformed JSON → 400 INVALID_JSON; unknown property → 422; wrong type → 422 with the field', async () => {
    const c = await createTestClinic(t);
    const bad = await t.app.inject({
      method: 'PATCH',
      url: '/api/clinic',
      headers: { cookie: c.admin.cookie, 'x-csrf-token': c.admin.csrf, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_JSON');
    const extra = await as(t.app, c.admin).patch('/api/clinic', { name: 'x', hacker: true });
    expect(extra.statusCode).toBe(422);
    expect(extra.json().error.details).toContainEqual(
      expect.objectContaining({ field: 'hacker', message: '不接受的欄位「hacker」' }),
    );
    const type = await as(t.app, c.admin).patch('/api/clinic', {
      businessHours: [{ weekday: 9, open: '25:00', close: '10:00' }],
    });
    expect(type.statusCode).toBe(422);
    expect(type.json().error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(['businessHours.0.weekday', 'businessHours.0.open']),
    );
    const tz = await as(t.app, c.admin).patch('/api/clinic', { timeZone: 'Mars/Olympus' });
    expect(tz.statusCode).toBe(422);
    expect(tz.json().error.details[0]).toMatchObject({ field: 'timeZone' });
    // nothing was half-written
    expect((await as(t.app, c.admin).get('/api/clinic')).json().timeZone).toBe('Asia/Taipei');
  });

  it('a body over the limit → 413 with a zh-TW message', async () => {
    const c = await createTestClinic(t);
    const r = await as(t.app, c.admin).patch('/api/clinic', { address: 'x'.repeat(2 * 1024 * 1024) });
    expect(r.statusCode).toBe(413);
    expect(r.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('unknown API URLs → JSON 404; errors never carry stacks', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/does-not-exist' });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('NOT_FOUND');
    expect(r.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('an invalid query parameter → 400 with the field', async () => {
    const c = await createTestClinic(t);
    const r = await as(t.app, c.admin).get('/api/audit?limit=9999');
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details[0].field).toBe('limit');
  });

  it('text with a NUL character (PostgreSQL refuses it) → 422 in a body, 400 in a query or path', async () => {
    const c = await createTestClinic(t);
    const body = await as(t.app, c.admin).post('/api/tags', { name: 'a\u0000b' });
    expect(body.statusCode).toBe(422);
    expect(body.json().error.details[0].field).toBe('name');
    expect((await as(t.app, c.admin).get('/api/appointments?q=a%00b')).statusCode).toBe(400);
    expect((await as(t.app, c.admin).get('/api/care/articles/a%00b')).statusCode).toBe(400);
  });

  it('a query or path number past 2^53 or a double ("1e400" → Infinity) → 400, not a database error', async () => {
    const c = await createTestClinic(t);
    for (const url of [
      '/api/audit?limit=1e400',
      '/api/jobs?limit=1e400',
      '/api/calendar/year?year=1e309',
      '/api/inbox/messages/99999999999999999999/content',
    ]) {
      const r = await as(t.app, c.admin).get(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.json().error.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('tenancy', () => {
  it("a user of clinic A naming clinic B's ids gets 404 and changes nothing", async () => {
    const a = await createTestClinic(t);
    const b = await createTestClinic(t);
    const bDesk = await b.staff('front_desk');
    const bKey = await as(t.app, b.admin).post('/api/api-keys', { name: 'B HIS' });
    const bKeyId = bKey.json().apiKey.id;
    expect((await as(t.app, a.admin).patch(`/api/staff/${bDesk.userId}`, { status: 'disabled' })).statusCode).toBe(404);
    expect((await as(t.app, a.admin).post(`/api/staff/${bDesk.userId}/reset-password`)).statusCode).toBe(404);
    expect((await as(t.app, a.admin).delete(`/api/api-keys/${bKeyId}`)).statusCode).toBe(404);
    const bJob = await enqueueJob(t.deps.db, t.deps.clock, testJob('x'), {}, { clinicId: b.clinicId });
    expect((await as(t.app, a.admin).post(`/api/jobs/${bJob}/retry`)).statusCode).toBe(404);
    // B is untouched
    expect((await as(t.app, bDesk).get('/api/auth/me')).statusCode).toBe(200);
    const bKeys = (await as(t.app, b.admin).get('/api/api-keys')).json().items;
    expect(bKeys[0].revokedAt).toBeNull();
    // and A's lists show none of B's data
    const aStaff = (await as(t.app, a.admin).get('/api/staff')).json().items;
    expect(aStaff.map((s: { email: string }) => s.email)).not.toContain(bDesk.email);
    const aAudit = (await as(t.app, a.admin).get('/api/audit?limit=200')).json().items;
    expect(aAudit.every((e: { entityId: string }) => e.entityId !== bDesk.userId)).toBe(true);
    expect((await as(t.app, a.admin).get('/api/clinic')).json().id).toBe(a.clinicId);
  });
});

describe('audit log', () => {
  it('records changes with actor and IP; admins filter it; the database refuses updates and deletes', async () => {
    const c = await createTestClinic(t);
    await as(t.app, c.admin).patch('/api/clinic', { phone: '02-2345-6789' });
    const list = await as(t.app, c.admin).get('/api/audit?action=clinic.*');
    expect(list.statusCode).toBe(200);
    expect(list.json().items[0]).toMatchObject({
      action: 'clinic.updated',
      actorLabel: c.admin.email,
      entityType: 'clinic',
    });
    await expect(sql`UPDATE audit_log SET action = 'x'`.execute(t.deps.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(t.deps.db)).rejects.toThrow(/append-only/);
    // no route can change it
    for (const m of ['PUT', 'PATCH', 'DELETE'] as const) {
      const r = await t.app.inject({
        method: m,
        url: '/api/audit',
        headers: { cookie: c.admin.cookie, 'x-csrf-token': c.admin.csrf },
      });
      expect(r.statusCode).toBe(404);
    }
  });

  it('pages with nextBefore', async () => {
    const c = await createTestClinic(t);
    for (let i = 0; i < 5; i++)
      await recordAudit(t.deps.db, t.deps.clock, {
        clinicId: c.clinicId,
        actor: systemActor,
        action: 'test.page',
        entityType: 'x',
        entityId: String(i),
      });
    const p1 = (await as(t.app, c.admin).get('/api/audit?action=test.page&limit=3')).json();
    expect(p1.items.map((e: { entityId: string }) => e.entityId)).toEqual(['4', '3', '2']);
    const p2 = (await as(t.app, c.admin).get(`/api/audit?action=test.page&limit=3&before=${p1.nextBefore}`)).json();
    expect(p2.items.map((e: { entityId: string }) => e.entityId)).toEqual(['1', '0']);
    expect(p2.nextBefore).toBeNull();
  });
});

describe('jobs', () => {
  it('idempotency keys de-duplicate; two claimers never get the same job', async () => {
    const c = await createTestClinic(t);
    const type = `t.${c.clinicId}`;
    const job = defineJob({ type, payload: Type.Object({ n: Type.Integer() }), handler: async () => {} });
    const key = { clinicId: c.clinicId, idempotencyKey: `k-${c.clinicId}` };
    const a = await enqueueJob(t.deps.db, t.deps.clock, job, { n: 1 }, key);
    const b = await enqueueJob(t.deps.db, t.deps.clock, job, { n: 2 }, key);
    expect(b).toBe(a);
    for (let n = 0; n < 20; n++) await enqueueJob(t.deps.db, t.deps.clock, job, { n }, { clinicId: c.clinicId });
    const now = t.deps.clock.now();
    const [x, y] = await Promise.all([
      claimJobs(t.deps.db, t.deps.dialect, { workerId: 'w1', now, limit: 15, lockMs: 60_000, types: [type] }),
      claimJobs(t.deps.db, t.deps.dialect, { workerId: 'w2', now, limit: 15, lockMs: 60_000, types: [type] }),
    ]);
    const ids = [...x, ...y].map((j) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(21);
  });

  it('retries with backoff, dies after max attempts, shows in metrics, can be retried by an admin', async () => {
    const c = await createTestClinic(t);
    const type = `fail.${c.clinicId}`;
    let calls = 0;
    const job = testJob(type, async () => {
      calls++;
      throw new Error('boom');
    });
    const w = startWorker(t.deps, [job], { workerId: 'w', autoStart: false });
    const id = await enqueueJob(t.deps.db, t.deps.clock, job, {}, { clinicId: c.clinicId, maxAttempts: 3 });
    for (let i = 0; i < 3; i++) {
      expect(await w.runOnce()).toBe(1);
      expect(await w.runOnce()).toBe(0); // backing off
      t.clock.advance(3_600_000);
    }
    expect(calls).toBe(3);
    const dead = (await as(t.app, c.admin).get('/api/jobs?status=dead')).json();
    expect(dead.items[0]).toMatchObject({ id, status: 'dead', attempts: 3, lastError: 'boom' });
    const m = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(m.body).toMatch(/careline_jobs_dead [1-9]/);
    expect(m.body).toMatch(/careline_http_requests_total\{method="GET",route="\/api\/jobs",status="200"\} 1/);
    expect((await as(t.app, c.admin).post(`/api/jobs/${id}/retry`)).statusCode).toBe(204);
    expect(await w.runOnce()).toBe(1);
    await w.stop();
  });

  it('runs jobs with the same ordering key strictly one after another', async () => {
    const c = await createTestClinic(t);
    const type = `ord.${c.clinicId}`;
    const seen: number[] = [];
    let failFirst = true;
    const job = defineJob({
      type,
      payload: Type.Object({ n: Type.Integer() }),
      handler: async (job) => {
        if (job.payload.n === 0 && failFirst) {
          failFirst = false;
          throw new Error('first try fails');
        }
        seen.push(job.payload.n);
      },
    });
    const w = startWorker(t.deps, [job], { workerId: 'w', autoStart: false });
    for (let n = 0; n < 4; n++)
      await enqueueJob(
        t.deps.db,
        t.deps.clock,
        job,
        { n },
        { clinicId: c.clinicId, orderingKey: `appt-${c.clinicId}` },
      );
    await w.runOnce();
    await w.runOnce();
    expect(seen).toEqual([]); // job 0 is backing off; the others wait behind it
    t.clock.advance(60_000);
    for (let i = 0; i < 5; i++) await w.runOnce();
    expect(seen).toEqual([0, 1, 2, 3]);
    await w.stop();
  });

  it("a permanent error goes straight to dead; a crashed worker's job is reclaimed when its lock expires", async () => {
    const c = await createTestClinic(t);
    const type = `perm.${c.clinicId}`;
    const job = testJob(type, async () => {
      throw new PermanentJobError('bad payload');
    });
    const w = startWorker(t.deps, [job], { workerId: 'w', autoStart: false });
    await enqueueJob(t.deps.db, t.deps.clock, job, {}, { clinicId: c.clinicId });
    await w.runOnce();
    expect((await as(t.app, c.admin).get('/api/jobs?status=dead')).json().items[0].lastError).toBe('bad payload');
    const type2 = `crash.${c.clinicId}`;
    await enqueueJob(t.deps.db, t.deps.clock, testJob(type2), {}, { clinicId: c.clinicId });
    const claimed = await claimJobs(t.deps.db, t.deps.dialect, {
      workerId: 'dies',
      now: t.deps.clock.now(),
      limit: 1,
      lockMs: 30_000,
      types: [type2],
    });
    expect(claimed).toHaveLength(1);
    expect(
      await claimJobs(t.deps.db, t.deps.dialect, {
        workerId: 'w2',
        now: t.deps.clock.now(),
        limit: 1,
        lockMs: 30_000,
        types: [type2],
      }),
    ).toHaveLength(0);
    t.clock.advance(31_000);
    const again = await claimJobs(t.deps.db, t.deps.dialect, {
      workerId: 'w2',
      now: t.deps.clock.now(),
      limit: 1,
      lockMs: 30_000,
      types: [type2],
    });
    expect(again.map((j) => j.id)).toEqual(claimed.map((j) => j.id));
    expect(again[0].attempts).toBe(2);
    await w.stop();
  });

  it('a payload is typed by its job type and checked when claimed: a bad one goes dead, the others run', async () => {
    const c = await createTestClinic(t);
    const seen: { name: string; visits: number }[] = [];
    const job = defineJob({
      type: `typed.${c.clinicId}`,
      payload: Type.Object({ name: Type.String(), visits: Type.Integer({ minimum: 0 }) }),
      handler: async (job) => {
        seen.push(job.payload); // typed: { name: string; visits: number }
      },
    });
    const w = startWorker(t.deps, [job], { workerId: 'w', autoStart: false });
    const opts = { clinicId: c.clinicId };
    const good = await enqueueJob(t.deps.db, t.deps.clock, job, { name: '王小明', visits: 2 }, opts);
    // @ts-expect-error a payload that does not match the schema fails the type check (forced here: caught when claimed)
    await enqueueJob(t.deps.db, t.deps.clock, job, { name: '王小明', visits: '2' }, opts);
    // Rows written before a schema change (or by hand) are caught when claimed too.
    const wrong = await enqueueJob(t.deps.db, t.deps.clock, job, { name: 'x', visits: 1 }, opts);
    const notJson = await enqueueJob(t.deps.db, t.deps.clock, job, { name: 'y', visits: 1 }, opts);
    await t.deps.db.updateTable('jobs').set({ payload: '{"name":"x","visits":-1}' }).where('id', '=', wrong).execute();
    await t.deps.db.updateTable('jobs').set({ payload: '{"name":' }).where('id', '=', notJson).execute();
    expect(await w.runOnce()).toBe(4);
    expect(seen).toEqual([{ name: '王小明', visits: 2 }]);
    const rows = await t.deps.db
      .selectFrom('jobs')
      .select(['id', 'status', 'last_error'])
      .where('clinic_id', '=', c.clinicId)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.status)).toEqual(['done', 'dead', 'dead', 'dead']);
    expect(rows[0].id).toBe(good);
    expect(rows[1].last_error).toBe(`invalid payload for job type typed.${c.clinicId}: /visits must be integer`);
    expect(rows[2].last_error).toBe(`invalid payload for job type typed.${c.clinicId}: /visits must be >= 0`);
    expect(rows[3].last_error).toBe('payload is not JSON: {"name":');
    await w.stop();
  });

  it('a job type defined twice is an error when the worker starts', () => {
    expect(() => jobRegistry([testJob('dup'), testJob('other'), testJob('dup')])).toThrow(
      'job type dup is defined twice',
    );
    expect(() => startWorker(t.deps, [testJob('dup'), testJob('dup')], { workerId: 'w', autoStart: false })).toThrow();
  });

  it('queue stats report depth and the oldest due age', async () => {
    const s = await queueStats(t.deps.db, new Date(t.deps.clock.now().getTime() + 10_000));
    expect(s.depth).toBeGreaterThanOrEqual(0);
    expect(s.oldestDueAgeSeconds).toBeGreaterThanOrEqual(0);
  });
});

describe('health', () => {
  it('healthz, readyz and metrics answer', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json().status).toBe('ready');
    const m = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(m.headers['content-type']).toContain('text/plain');
    expect(m.body).toContain('careline_job_oldest_due_age_seconds');
    expect(createServer).toBeTypeOf('function');
  });
});
