// Interactive jobs are claimed before bulk work that was due earlier: a patient's LINE message
// must not wait behind the thousands of planning jobs a clinic's first HIS sync enqueues.
import { Type } from 'typebox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, uniq, type TestApp } from '../testing/helpers.ts';
import { claimJobs, enqueueJob, enqueueJobs, jobType } from './jobs.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-06-01T02:00:00.000Z' });
});
afterAll(async () => t.close());

it('claims interactive, then normal, then bulk jobs, each group by due time', async () => {
  const tag = uniq();
  const bulk = jobType({
    type: `test.bulk.${tag}`,
    payload: Type.Object({ n: Type.Integer() }),
    defaults: { priority: 'bulk' },
  });
  const normal = jobType({ type: `test.normal.${tag}`, payload: Type.Object({ n: Type.Integer() }) });
  const interactive = jobType({
    type: `test.interactive.${tag}`,
    payload: Type.Object({ n: Type.Integer() }),
    defaults: { priority: 'interactive' },
  });
  const { db, clock, dialect } = t.deps;
  const earlier = new Date(clock.now().getTime() - 60_000);
  await enqueueJobs(
    db,
    clock,
    bulk,
    Array.from({ length: 50 }, (_, n) => ({ payload: { n }, opts: { clinicId: null, runAt: earlier } })),
  );
  await enqueueJob(db, clock, normal, { n: 1 }, { clinicId: null });
  await enqueueJob(db, clock, interactive, { n: 2 }, { clinicId: null });

  const types = [bulk.type, normal.type, interactive.type];
  const claim = (limit: number) =>
    claimJobs(db, dialect, { workerId: 'w', now: clock.now(), limit, lockMs: 60_000, types });
  expect((await claim(1)).map((j) => j.type)).toEqual([interactive.type]);
  expect((await claim(1)).map((j) => j.type)).toEqual([normal.type]);
  const rest = await claim(100);
  expect(rest).toHaveLength(50);
  expect(rest.every((j) => j.type === bulk.type)).toBe(true);
});
