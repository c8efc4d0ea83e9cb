// The seeding shared by the reminder benchmarks (reminders, peak) and the kill test: one clinic
// with its LINE channel (an emulator child's), a doctor, and N patients bound to N of the
// channel's users, each with an appointment in three days and a reminder delivery due now.
import { randomUUID } from 'node:crypto';
import { lineService } from '../../apps/server/src/modules/line/service.ts';
import { systemActor } from '../../apps/server/src/platform/audit.ts';
import { newId } from '../../apps/server/src/platform/crypto.ts';
import type { Deps } from '../../apps/server/src/platform/deps.ts';

export type DueRemindersSeed = {
  clinicName: string;
  channel: { channelId: string; channelSecret: string; channelAccessToken: string };
  /** The LINE user id of patient i. */
  userId: (i: number) => string;
  n: number;
  /** When the reminders fall due (default: now). */
  dueAt?: string;
  /** Rows per insert statement. */
  chunk: number;
};

/** Creates the clinic and its N due reminders; rows go in as a clinic's planner writes them. */
export async function seedDueReminders(deps: Deps, s: DueRemindersSeed): Promise<void> {
  const db = deps.db;
  const now = new Date();
  const iso = now.toISOString();
  const clinicId = newId();
  await db
    .insertInto('clinics')
    .values({
      id: clinicId,
      name: s.clinicName,
      time_zone: 'Asia/Taipei',
      address: '臺北市中正區重慶南路一段 122 號',
      phone: '02-2311-3731',
      business_hours: '[]',
      status: 'active',
      sandbox_of: null,
      created_at: iso,
      updated_at: iso,
    })
    .execute();
  await lineService(deps).saveChannel(
    clinicId,
    {
      channelId: s.channel.channelId,
      channelSecret: s.channel.channelSecret,
      accessToken: s.channel.channelAccessToken,
    },
    systemActor,
    '127.0.0.1',
  );
  const doctorId = newId();
  await db
    .insertInto('doctors')
    .values({
      id: doctorId,
      clinic_id: clinicId,
      his_id: 'D1',
      name: '林醫師',
      department: null,
      title: null,
      active: 1,
      created_at: iso,
      updated_at: iso,
    })
    .execute();
  const startsAt = new Date(now.getTime() + 3 * 86_400_000).toISOString();
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < s.n; i += s.chunk) {
      const ids = Array.from({ length: Math.min(s.chunk, s.n - i) }, (_, k) => ({
        i: i + k,
        patient: newId(),
        appt: newId(),
      }));
      await trx
        .insertInto('patients')
        .values(
          ids.map((x) => ({
            id: x.patient,
            clinic_id: clinicId,
            his_id: `P${x.i}`,
            name: `病患${x.i}`,
            chart_no: null,
            gender: null,
            birth_date: null,
            phone_e164: null,
            phone_is_mobile: 0,
            phone_hash: null,
            national_id_enc: null,
            national_id_hash: null,
            national_id_masked: null,
            line_status: 'bound',
            line_status_at: iso,
            created_at: iso,
            updated_at: iso,
          })),
        )
        .execute();
      await trx
        .insertInto('appointments')
        .values(
          ids.map((x) => ({
            id: x.appt,
            clinic_id: clinicId,
            his_id: `A${x.i}`,
            patient_id: x.patient,
            doctor_id: doctorId,
            starts_at: startsAt,
            starts_at_local: startsAt,
            duration_minutes: 30,
            visit_type: null,
            status: 'booked',
            note: null,
            version: 1,
            reply_status: 'awaiting_reply',
            reply_status_at: iso,
            created_at: iso,
            updated_at: iso,
          })),
        )
        .execute();
      await trx
        .insertInto('line_bindings')
        .values(
          ids.map((x) => ({
            clinic_id: clinicId,
            line_user_id: s.userId(x.i),
            patient_id: x.patient,
            phone_hash: 'x',
            phone_masked: '09********',
            created_at: iso,
          })),
        )
        .execute();
      await trx
        .insertInto('reminder_deliveries')
        .values(
          ids.map((x) => ({
            id: newId(),
            clinic_id: clinicId,
            appointment_id: x.appt,
            rule_id: 'before-48h',
            rule_name: '看診前 48 小時提醒',
            appointment_version: 1,
            visit_starts_at: startsAt,
            due_at: s.dueAt ?? iso,
            explanation: '壓測',
            state: 'planned',
            essential: 1,
            template_id: 'default',
            channel: null,
            retry_key: randomUUID(),
            attempts: 0,
            next_attempt_at: s.dueAt ?? iso,
            locked_by: null,
            locked_until: null,
            last_error: null,
            line_user_id: null,
            line_request_id: null,
            sms_message_id: null,
            sent_at: null,
            cancel_reason: null,
            requested_by: null,
            created_at: iso,
            updated_at: iso,
          })),
        )
        .execute();
    }
  });
}
