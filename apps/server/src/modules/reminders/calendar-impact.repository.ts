// SQL of the calendar-change dry run: the rule reminders (not resends) of a list of
// appointments, read in chunks so that a clinic with many future visits stays within the
// databases' limits on bound parameters.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

const CHUNK = 500;

export function calendarImpactRepository(db: Db) {
  return {
    async ruleRowsOf(clinicId: string, appointmentIds: string[]) {
      const out = [];
      for (let i = 0; i < appointmentIds.length; i += CHUNK) {
        const rows = await db
          .selectFrom('reminder_deliveries')
          .select([
            'id',
            'appointment_id',
            'rule_id',
            'rule_name',
            'appointment_version',
            'visit_starts_at',
            'due_at',
            'state',
            'template_id',
          ])
          .where('clinic_id', '=', clinicId)
          .where('appointment_id', 'in', appointmentIds.slice(i, i + CHUNK))
          .where('requested_by', 'is', null)
          .execute();
        out.push(...rows);
      }
      return out;
    },
  };
}
