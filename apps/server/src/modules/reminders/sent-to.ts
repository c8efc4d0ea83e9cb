// What the reminder-text module asks of reminders: which upcoming appointments a LINE user was
// reminded of recently (a free-text message after one may be an answer to it).
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { sentToRepository } from './sent-to.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Appointments with a reminder sent to this LINE user since `sentSince`, visit after `visitsAfter`, soonest first. */
export async function remindedAppointments(
  db: Db,
  clinicId: string,
  lineUserId: string,
  sentSince: string,
  visitsAfter: string,
): Promise<{ appointmentId: string; lastSentAt: string; visitStartsAt: string }[]> {
  const rows = await sentToRepository(db).sentTo(clinicId, lineUserId, sentSince, visitsAfter);
  const byAppt = new Map<string, { appointmentId: string; lastSentAt: string; visitStartsAt: string }>();
  for (const r of rows) {
    const prev = byAppt.get(r.appointment_id);
    const sentAt = r.sent_at ?? '';
    if (!prev || sentAt > prev.lastSentAt)
      byAppt.set(r.appointment_id, {
        appointmentId: r.appointment_id,
        lastSentAt: sentAt,
        visitStartsAt: r.visit_starts_at,
      });
  }
  return [...byAppt.values()].sort((a, b) => a.visitStartsAt.localeCompare(b.visitStartsAt));
}
