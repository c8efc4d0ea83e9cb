// 客服成效 from a known message log: answer rate, bot share, share handed to a person, the median
// first response time of people, per day and week in the clinic's time zone; bad ranges are
// refused with a clear message; another clinic sees none of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set('2026-03-20T04:00:00Z');
});
afterAll(async () => t.close());

type Msg = [user: string, dir: 'in' | 'out', source: string, at: string, kind?: string];

async function log(clinicId: string, msgs: Msg[]) {
  await t.deps.db
    .insertInto('line_messages')
    .values(
      msgs.map(([u, dir, source, at, kind]) => ({
        clinic_id: clinicId,
        line_user_id: u,
        direction: dir,
        kind: kind ?? 'text',
        text: 'x',
        payload: '{}',
        source,
        method: dir === 'out' ? 'reply' : null,
        related_type: null,
        related_id: null,
        created_at: at,
      })),
    )
    .execute();
}

describe('GET /api/support/stats', () => {
  it('computes the seed 004 figures from the message log', async () => {
    const c = await createTestClinic(t);
    await log(c.clinicId, [
      // Mon 3/16 (Taipei): U1 asks, the FAQ answers in a second → bot
      ['U1', 'in', 'user', '2026-03-16T02:00:00.000Z'],
      ['U1', 'out', 'faq:f1', '2026-03-16T02:00:01.000Z'],
      // U2 writes twice; acknowledged (no answer); staff answer 30 min after the first → person, wait 30
      ['U2', 'in', 'user', '2026-03-16T03:00:00.000Z'],
      ['U2', 'out', 'acknowledgement', '2026-03-16T03:00:01.000Z'],
      ['U2', 'in', 'user', '2026-03-16T03:05:00.000Z'],
      ['U2', 'out', 'staff', '2026-03-16T03:30:00.000Z'],
      // a sticker and a postback are not questions
      ['U2', 'in', 'user', '2026-03-16T03:31:00.000Z', 'sticker'],
      ['U2', 'in', 'user', '2026-03-16T03:32:00.000Z', 'postback'],
      // Tue 3/17: U3 asks late in the evening (Taipei), staff answer next morning: 10 h = 600 min
      ['U3', 'in', 'user', '2026-03-17T13:00:00.000Z'],
      ['U3', 'out', 'handoff', '2026-03-17T13:00:01.000Z'],
      ['U3', 'out', 'staff', '2026-03-17T23:00:00.000Z'],
      // U4: an automatic reply answers; later a reminder push (answers nothing)
      ['U4', 'in', 'user', '2026-03-17T05:00:00.000Z'],
      ['U4', 'out', 'auto_reply:a1', '2026-03-17T05:00:01.000Z'],
      ['U4', 'out', 'reminder', '2026-03-17T06:00:00.000Z'],
      // Wed 3/18: U5 still waits
      ['U5', 'in', 'user', '2026-03-18T02:00:00.000Z'],
      ['U5', 'out', 'reminder_text.handoff', '2026-03-18T02:00:01.000Z'],
      // U6: staff after 10 minutes
      ['U6', 'in', 'user', '2026-03-18T02:00:00.000Z'],
      ['U6', 'out', 'staff', '2026-03-18T02:10:00.000Z'],
      // outside the period (Sun 3/15 in Taipei) — not counted
      ['U7', 'in', 'user', '2026-03-15T10:00:00.000Z'],
      ['U7', 'out', 'staff', '2026-03-15T10:01:00.000Z'],
    ]);
    const r = await as(t.app, c.admin).get('/api/support/stats?from=2026-03-16&to=2026-03-18&granularity=day');
    expect(r.statusCode).toBe(200);
    const s = r.json();
    expect(s.total).toEqual({
      questions: 7,
      answeredByBot: 2,
      answeredByPerson: 4,
      unanswered: 1,
      answerRate: 0.857,
      botShare: 0.286,
      handedShare: 0.714,
      medianFirstResponseMinutes: 30, // waits of 30, 600 and 10 minutes
      personResponses: 3,
    });
    const pick = (x: Record<string, unknown>) => [
      x.period,
      x.questions,
      x.answeredByBot,
      x.answeredByPerson,
      x.unanswered,
      x.medianFirstResponseMinutes,
    ];
    expect(s.series.map(pick)).toEqual([
      ['2026-03-16', 3, 1, 2, 0, 30],
      ['2026-03-17', 2, 1, 1, 0, 600], // U3 wrote at 21:00 Taipei time on 3/17
      ['2026-03-18', 2, 0, 1, 1, 10],
    ]);
    const week = (
      await as(t.app, c.admin).get('/api/support/stats?from=2026-03-16&to=2026-03-18&granularity=week')
    ).json();
    expect(week.series.map(pick)).toEqual([['2026-03-16', 7, 2, 4, 1, 30]]);
    expect(week.reminderText).toEqual({ total: 0, byIntent: {}, accepted: 0, handed: 0 });
    expect(week.faq).toMatchObject({ asked: 0, answered: 0 });
    expect(week.cases).toMatchObject({ total: 0, open: 0, firstAction: { count: 0, medianMinutes: null } });

    // a period without questions: rates are null, not 0 or NaN
    const empty = (await as(t.app, c.admin).get('/api/support/stats?from=2026-02-01&to=2026-02-02')).json();
    expect(empty.total).toMatchObject({
      questions: 0,
      answerRate: null,
      botShare: null,
      medianFirstResponseMinutes: null,
    });
    expect(empty.series).toHaveLength(2);

    // another clinic sees none of it
    const other = await createTestClinic(t);
    const theirs = (await as(t.app, other.admin).get('/api/support/stats?from=2026-03-16&to=2026-03-18')).json();
    expect(theirs.total.questions).toBe(0);
  });

  it('defaults to the last four weeks; refuses bad ranges with a clear message', async () => {
    const c = await createTestClinic(t);
    const api = as(t.app, c.admin);
    const d = (await api.get('/api/support/stats')).json();
    expect([d.from, d.to, d.granularity, d.series.length]).toEqual(['2026-02-21', '2026-03-20', 'day', 28]);
    const rev = await api.get('/api/support/stats?from=2026-03-10&to=2026-03-01');
    expect([rev.statusCode, rev.json().error.code]).toEqual([422, 'RANGE_REVERSED']);
    const long = await api.get('/api/support/stats?from=2024-01-01&to=2026-03-01');
    expect([long.statusCode, long.json().error.code]).toEqual([422, 'RANGE_TOO_LONG']);
    expect(long.json().error.message).toContain('366');
    const bad = await api.get('/api/support/stats?from=2026-02-30');
    expect(bad.statusCode).toBe(422); // the shape is right, the date is not
    const gran = await api.get('/api/support/stats?granularity=month');
    expect(gran.statusCode).toBe(400);
    expect((await as(t.app, null).get('/api/support/stats')).statusCode).toBe(401);
  });
});
