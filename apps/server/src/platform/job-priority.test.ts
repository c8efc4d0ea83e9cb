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

it('one claim merges priorities, skips future jobs and later jobs of a busy key, reclaims expired locks', async () => {
  const tag = uniq();
  const mk = (priority: 'interactive' | 'normal' | 'bulk') =>
    jobType({
      type: `test.${priority}.merge.${tag}`,
      payload: Type.Object({ n: Type.Integer() }),
      defaults: { priority },
    });
  const [interactive, normal, bulk] = [mk('interactive'), mk('normal'), mk('bulk')];
  const types = [interactive.type, normal.type, bulk.type];
  const { db, clock, dialect } = t.deps;
  const at = (s: number) => new Date(clock.now().getTime() + s * 1000);
  const claim = (workerId: string, limit: number, lockMs = 60_000) =>
    claimJobs(db, dialect, { workerId, now: clock.now(), limit, lockMs, types });
  // A bulk job claimed by a worker that then dies (its lock expires after 10 s).
  await enqueueJob(db, clock, bulk, { n: 0 }, { clinicId: null, runAt: at(-100) });
  expect((await claim('dies', 1, 10_000)).map((j) => j.payload)).toEqual([{ n: 0 }]);
  // Three of one user (one key), one normal, one bulk, and interactive work due only in an hour.
  await enqueueJobs(
    db,
    clock,
    interactive,
    [1, 2, 3].map((n) => ({
      payload: { n },
      opts: { clinicId: null, orderingKey: `user:${tag}`, runAt: at(-50 + n) },
    })),
  );
  await enqueueJob(db, clock, interactive, { n: 4 }, { clinicId: null, runAt: at(3600) });
  await enqueueJob(db, clock, normal, { n: 5 }, { clinicId: null, runAt: at(-200) });
  await enqueueJob(db, clock, bulk, { n: 6 }, { clinicId: null, runAt: at(-300) });
  t.clock.advance(11_000);
  const first = await claim('w', 10);
  // Ordered by priority then due time: the key's head only, the normal job, the two bulk jobs
  // (the expired one again, and the other by due time); nothing from the future.
  expect(first.map((j) => (j.payload as { n: number }).n).sort((a, b) => a - b)).toEqual([0, 1, 5, 6]);
  expect(first.find((j) => (j.payload as { n: number }).n === 0)?.attempts).toBe(2);
  // The user's next job waits until the head finished.
  expect(await claim('w', 10)).toEqual([]);
});
