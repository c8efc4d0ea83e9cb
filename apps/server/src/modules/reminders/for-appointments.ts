// What the appointments and home modules ask of reminders: an appointment's every planned and
// sent reminder (with the SMS that carried one), the reminders that could not be delivered for
// visits from a date on, and how many were sent or failed in a period. `db` is the caller's
// transaction when it has one.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { smsStatuses } from '../sms/for-appointments.ts';
import { appointmentReminderRepository } from './for-appointments.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export async function remindersOfAppointment(db: Db, clinicId: string, appointmentId: string) {
  const rows = await appointmentReminderRepository(db).ofAppointment(clinicId, appointmentId);
  const sms = await smsStatuses(
    db,
    clinicId,
    rows.flatMap((r) => (r.sms_message_id ? [r.sms_message_id] : [])),
  );
  return rows.map((r) => ({
    id: r.id,
    ruleName: r.rule_name,
    dueAt: r.due_at,
    explanation: r.explanation,
    state: r.state,
    channel: r.channel,
    sentAt: r.sent_at,
    deliveredAt: r.delivered_at,
    channelReason: r.channel_reason,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    cancelReason: r.cancel_reason,
    familySize: r.family_size === null ? null : Number(r.family_size),
    sms: (r.sms_message_id && sms.get(r.sms_message_id)) || null,
  }));
}

/** Reminders that failed for visits starting at or after `visitsFrom`, soonest visit first. */
export async function failedReminders(db: Db, clinicId: string, visitsFrom: string, limit: number) {
  const repo = appointmentReminderRepository(db);
  const [rows, appointments] = await Promise.all([
    repo.failedSince(clinicId, visitsFrom, limit),
    repo.failedAppointmentsSince(clinicId, visitsFrom),
  ]);
  return {
    /** Appointments with at least one failed reminder. */
    appointments,
    items: rows.map((r) => ({
      id: r.id,
      appointmentId: r.appointment_id,
      ruleName: r.rule_name,
      error: r.last_error,
      failedAt: r.updated_at,
    })),
  };
}

/** Reminders due in [from, to) that were sent (LINE or SMS) and that failed. */
export async function reminderOutcomes(db: Db, clinicId: string, from: string, to: string) {
  const repo = appointmentReminderRepository(db);
  const [sent, failed] = await Promise.all([
    repo.countDue(clinicId, from, to, 'sent'),
    repo.countDue(clinicId, from, to, 'failed'),
  ]);
  return { sent, failed };
}
