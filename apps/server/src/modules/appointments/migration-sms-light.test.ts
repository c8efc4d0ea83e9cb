// Migration 0091: appointments whose reminder went out by SMS while the reply light stayed at
// 尚未提醒 get 尚未回覆, with the change in the lights feed and in their history; appointments
// reminded by LINE, or not reminded, are left alone. Both databases.
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { migrate } from '../../db/migrator.ts';
import { emptyTestDatabase } from '../../testing/helpers.ts';

it('0091 gives SMS-reminded appointments the reply light they should have had', async () => {
  const { database, close } = await emptyTestDatabase();
  try {
    const db = database.db;
    await migrate(database, () => {}, 90);
    const now = '2026-03-01T00:00:00.000Z';
    await sql`insert into clinics (id, name, created_at, updated_at) values ('c1', '測試診所', ${now}, ${now})`.execute(
      db,
    );
    await sql`insert into doctors (id, clinic_id, his_id, name, created_at, updated_at)
      values ('d1', 'c1', 'D1', '林醫師', ${now}, ${now})`.execute(db);
    await sql`insert into patients (id, clinic_id, his_id, name, created_at, updated_at)
      values ('p1', 'c1', 'P1', '王小明', ${now}, ${now})`.execute(db);
    for (const [id, reply] of [
      ['a-sms', 'not_sent'],
      ['a-line', 'awaiting_reply'],
      ['a-none', 'not_sent'],
      ['a-answered', 'confirmed'],
    ])
      await sql`insert into appointments (id, clinic_id, his_id, patient_id, doctor_id, starts_at, starts_at_local,
          status, version, reply_status, created_at, updated_at)
        values (${id}, 'c1', ${id.toUpperCase()}, 'p1', 'd1', '2026-03-05T01:00:00.000Z', '2026-03-05T09:00:00+08:00',
          'booked', 1, ${reply}, ${now}, ${now})`.execute(db);
    for (const [id, appt, state, channel] of [
      ['r1', 'a-sms', 'sent', 'sms'],
      ['r2', 'a-line', 'sent', 'line'],
      ['r3', 'a-none', 'planned', null],
      ['r4', 'a-answered', 'sent', 'sms'],
    ])
      await sql`insert into reminder_deliveries (id, clinic_id, appointment_id, rule_id, rule_name, appointment_version,
          visit_starts_at, explanation, state, template_id, channel, retry_key, created_at, updated_at)
        values (${id}, 'c1', ${appt}, 'before-48h', '看診前 48 小時提醒', 1, '2026-03-05T01:00:00.000Z', '', ${state},
          'default', ${channel}, ${id}, ${now}, ${now})`.execute(db);

    expect(await migrate(database)).toContain(91);
    const replies = await sql<{ id: string; reply_status: string }>`select id, reply_status from appointments
      order by id`.execute(db);
    expect(replies.rows).toEqual([
      { id: 'a-answered', reply_status: 'confirmed' },
      { id: 'a-line', reply_status: 'awaiting_reply' },
      { id: 'a-none', reply_status: 'not_sent' },
      { id: 'a-sms', reply_status: 'awaiting_reply' },
    ]);
    const feed = await sql<{ subject_his_id: string; patient_his_id: string; from_value: string; to_value: string }>`
      select subject_his_id, patient_his_id, from_value, to_value from status_changes`.execute(db);
    expect(feed.rows).toEqual([
      { subject_his_id: 'A-SMS', patient_his_id: 'P1', from_value: 'not_sent', to_value: 'awaiting_reply' },
    ]);
    const history = await sql<{ appointment_id: string; changes: string }>`
      select appointment_id, changes from appointment_history`.execute(db);
    expect(history.rows.map((h) => [h.appointment_id, JSON.parse(h.changes)])).toEqual([
      ['a-sms', [{ field: 'reply', from: 'not_sent', to: 'awaiting_reply' }]],
    ]);
  } finally {
    await close();
  }
});
