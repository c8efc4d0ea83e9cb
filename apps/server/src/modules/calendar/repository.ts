// SQL of the working-day calendar: imported official calendars (per clinic, or '' for the
// platform) and each clinic's closures and extra working days.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { CalendarImportsTable, ClinicCalendarOverridesTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;

export function calendarRepository(db: Db) {
  return {
    /** The imported years of the clinic and of the platform (scope ''). */
    imports: (clinicId: string) =>
      db
        .selectFrom('calendar_imports')
        .select(['scope', 'year', 'days', 'entries', 'imported_at', 'imported_by'])
        .where('scope', 'in', ['', clinicId])
        .execute(),
    saveImport: (row: CalendarImportsTable) =>
      db
        .insertInto('calendar_imports')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['scope', 'year']).doUpdateSet({
            days: row.days,
            entries: row.entries,
            imported_by: row.imported_by,
            imported_at: row.imported_at,
          }),
        )
        .execute(),
    overrides(clinicId: string, from?: string) {
      let q = db.selectFrom('clinic_calendar_overrides').selectAll().where('clinic_id', '=', clinicId);
      if (from) q = q.where('date', '>=', from);
      return q.orderBy('date').execute();
    },
    /** One override per clinic and date: a second one for the same date replaces the first. */
    saveOverride: (row: ClinicCalendarOverridesTable) =>
      db
        .insertInto('clinic_calendar_overrides')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['clinic_id', 'date'])
            .doUpdateSet({ kind: row.kind, note: row.note, created_by: row.created_by, created_at: row.created_at }),
        )
        .execute(),
    /** Deletes one of the clinic's overrides; returns how many rows went (0: not the clinic's, or gone). */
    async deleteOverride(clinicId: string, id: string): Promise<number> {
      const r = await db
        .deleteFrom('clinic_calendar_overrides')
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
