// SQL of the iCalendar feeds and the front desk's display settings. Every method takes the
// clinic id, except the lookup by a feed's secret token, which is how a calendar app (not
// logged in) names its clinic.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { CalendarFeedsTable, FrontdeskSettingsTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;

export function calendarFeedRepository(db: Db) {
  return {
    settings: (clinicId: string) =>
      db.selectFrom('frontdesk_settings').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    saveSettings: (row: FrontdeskSettingsTable) =>
      db
        .insertInto('frontdesk_settings')
        .values(row)
        .onConflict((oc) =>
          oc.column('clinic_id').doUpdateSet({
            feed_initials_only: row.feed_initials_only,
            roc_dates: row.roc_dates,
            updated_at: row.updated_at,
          }),
        )
        .execute(),
    feed: (clinicId: string, doctorId: string) =>
      db
        .selectFrom('calendar_feeds')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('doctor_id', '=', doctorId)
        .executeTakeFirst(),
    insertFeed: (row: CalendarFeedsTable) =>
      db
        .insertInto('calendar_feeds')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'doctor_id']).doNothing())
        .execute(),
    updateFeed: (clinicId: string, doctorId: string, patch: Partial<CalendarFeedsTable>) =>
      db
        .updateTable('calendar_feeds')
        .set(patch)
        .where('clinic_id', '=', clinicId)
        .where('doctor_id', '=', doctorId)
        .execute(),
    byTokenHash: (tokenHash: string) =>
      db.selectFrom('calendar_feeds').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),
  };
}
