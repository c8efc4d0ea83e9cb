// The webhook's storage on its writer thread (a SQLite file): concurrent deliveries with
// repeated events store each event once with one job, under the api's clock, per clinic; a
// thread that cannot start leaves the writes to the api's thread. On PostgreSQL (and in-memory
// SQLite) there is no thread and the same deliveries are stored by the api.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../platform/audit.ts';
import { createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { ingestWriter, ingestWriterFor } from './ingest-writer.ts';
import { lineService } from './service.ts';

const dir = mkdtempSync(join(tmpdir(), 'careline-ingest-'));
let t: TestApp;
beforeAll(async () => {
  // A file of its own unless the tier runs on PostgreSQL.
  const env: Record<string, string> = process.env.TEST_DATABASE_URL ? {} : { DATABASE_URL: `sqlite:${dir}/a.db` };
  t = await createTestApp({ env, start: '2026-03-02T01:00:00.000Z' });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

async function channel() {
  const c = await createTestClinic(t);
  const channelId = String(1_700_000_000 + Math.floor(Math.random() * 99_999_999));
  const secret = randomBytes(16).toString('hex');
  await lineService(t.deps).saveChannel(
    c.clinicId,
    { channelId, channelSecret: secret, accessToken: 'token' },
    systemActor,
    '127.0.0.1',
  );
  const post = (events: unknown[]) => {
    const body = JSON.stringify({ destination: 'x', events });
    return t.app.inject({
      method: 'POST',
      url: `/line/webhook/${channelId}`,
      payload: body,
      headers: {
        'content-type': 'application/json',
        'x-line-signature': createHmac('sha256', secret).update(body).digest('base64'),
      },
    });
  };
  return { ...c, post };
}

const text = (id: string, user: string, words: string) => ({
  type: 'message',
  webhookEventId: id,
  timestamp: Date.parse('2026-03-02T00:59:00.000Z'),
  mode: 'active',
  source: { type: 'user', userId: user },
  replyToken: `r-${id}`,
  deliveryContext: { isRedelivery: false },
  message: { type: 'text', id: `m-${id}`, text: words },
});

describe('the webhook writer thread', () => {
  it('runs for a SQLite file only', async () => {
    const w = await ingestWriterFor(t.deps.db, t.deps.dialect);
    if (process.env.TEST_DATABASE_URL) expect(w).toBeNull();
    else expect(w).not.toBeNull();
  });

  it('stores concurrent deliveries once each, with one job per event, on the api clock, per clinic', async () => {
    const a = await channel();
    const b = await channel();
    const users = ['U' + 'a'.repeat(32), 'U' + 'b'.repeat(32), 'U' + 'c'.repeat(32)];
    // 60 deliveries at once: 40 distinct events of clinic A (each sent once or twice, some in the
    // same delivery twice), 10 of clinic B with the same event ids as A's first ten.
    const sends: Promise<{ statusCode: number; json(): { received: number; stored: number } }>[] = [];
    for (let i = 0; i < 40; i++) {
      const e = text(`ev-${i}`, users[i % 3], `第 ${i} 則 😀`);
      sends.push(a.post(i % 5 === 0 ? [e, e] : [e]));
      if (i % 4 === 0) sends.push(a.post([{ ...e, deliveryContext: { isRedelivery: true } }]));
    }
    for (let i = 0; i < 10; i++) sends.push(b.post([text(`ev-${i}`, users[0], `B ${i}`)]));
    const answers = await Promise.all(sends);
    expect(answers.map((r) => r.statusCode)).toEqual(answers.map(() => 200));
    expect(answers.reduce((n, r) => n + r.json().stored, 0)).toBe(50);

    const db = t.deps.db;
    for (const [c, n] of [
      [a, 40],
      [b, 10],
    ] as const) {
      const events = await db
        .selectFrom('line_webhook_events')
        .select(['id', 'webhook_event_id', 'received_at', 'payload'])
        .where('clinic_id', '=', c.clinicId)
        .execute();
      expect(events).toHaveLength(n);
      expect(new Set(events.map((e) => e.webhook_event_id)).size).toBe(n);
      expect(events.every((e) => e.received_at === '2026-03-02T01:00:00.000Z')).toBe(true);
      const jobs = await db
        .selectFrom('jobs')
        .select(['payload', 'ordering_key', 'created_at', 'run_at'])
        .where('clinic_id', '=', c.clinicId)
        .where('type', '=', 'line.event')
        .execute();
      expect(jobs).toHaveLength(n);
      expect(new Set(jobs.map((j) => (JSON.parse(j.payload) as { eventRowId: number }).eventRowId))).toEqual(
        new Set(events.map((e) => e.id)),
      );
      expect(jobs.every((j) => j.created_at === '2026-03-02T01:00:00.000Z' && j.run_at === j.created_at)).toBe(true);
      expect(jobs.every((j) => j.ordering_key?.startsWith(`line-user:${c.clinicId}:U`))).toBe(true);
    }
    // What was sent is what is stored: the text with its emoji.
    const first = await db
      .selectFrom('line_webhook_events')
      .select('payload')
      .where('clinic_id', '=', a.clinicId)
      .where('webhook_event_id', '=', 'ev-7')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(first.payload).message.text).toBe('第 7 則 😀');
  });

  it('answers null when its thread cannot start, so that the api writes itself', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    const w = ingestWriter(join(dir, 'a-file', 'careline.db')); // a directory that cannot be made
    expect(await w.write([], '2026-03-02T01:00:00.000Z')).toBeNull();
    expect(await w.write([], '2026-03-02T01:00:00.000Z')).toBeNull(); // at once from then on
  });
});
