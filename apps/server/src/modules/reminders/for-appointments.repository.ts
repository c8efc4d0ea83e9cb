// SQL on reminder deliveries that the appointments and home modules need: an appointment's
// reminders, the reminders that failed for visits from a date on,
// and the sent/failed counts of a period. Every method takes the clinic id.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export function appointmentReminderRepository(db: Db) {
  return {
    ofAppointment: (clinicId: string, appointmentId: string) =>
      db
        .selectFrom('reminder_deliveries')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('appointment_id', '=', appointmentId)
        .orderBy('due_at')
        .execute(),
    failedSince: (clinicId: string, visitsFrom: string, limit: number) =>
      db
        .selectFrom('reminder_deliveries')
        .select(['id', 'appointment_id', 'rule_name', 'last_error', 'updated_at', 'visit_starts_at'])
        .where('clinic_id', '=', clinicId)
        .where('state', '=', 'failed')
        .where('visit_starts_at', '>=', visitsFrom)
        .orderBy('visit_starts_at')
        .limit(limit)
        .execute(),
    failedAppointmentsSince: async (clinicId: string, visitsFrom: string) =>
      Number(
        (
          await db
            .selectFrom('reminder_deliveries')
            .select((eb) => eb.fn.count<number>('appointment_id').distinct().as('n'))
            .where('clinic_id', '=', clinicId)
            .where('state', '=', 'failed')
            .where('visit_starts_at', '>=', visitsFrom)
            .executeTakeFirst()
        )?.n ?? 0,
      ),
    countDue: async (clinicId: string, from: string, to: string, state: string) =>
      Number(
        (
          await db
            .selectFrom('reminder_deliveries')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('clinic_id', '=', clinicId)
            .where('due_at', '>=', from)
            .where('due_at', '<', to)
            .where('state', '=', state)
            .executeTakeFirst()
        )?.n ?? 0,
      ),
  };
}
