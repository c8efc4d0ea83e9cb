// SQL on the Google Business Profile connection and the synced reviews. Every method takes the clinic id.
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { GoogleConnectionsTable, GoogleReviewsTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type ConnectionRow = Selectable<GoogleConnectionsTable>;
export type ReviewRow = Selectable<GoogleReviewsTable>;

export function googleReviewRepository(db: Db) {
  return {
    connection: (clinicId: string) =>
      db.selectFrom('google_connections').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    async saveConnection(row: Insertable<GoogleConnectionsTable>) {
      const { clinic_id: _c, ...rest } = row;
      await db
        .insertInto('google_connections')
        .values(row)
        .onConflict((oc) => oc.column('clinic_id').doUpdateSet(rest))
        .execute();
    },
    updateConnection: (clinicId: string, patch: Partial<ConnectionRow>) =>
      db.updateTable('google_connections').set(patch).where('clinic_id', '=', clinicId).execute(),
    removeConnection: (clinicId: string) =>
      db.deleteFrom('google_connections').where('clinic_id', '=', clinicId).execute(),
    /** Clinics with a working connection (the hourly sync). */
    connectedClinics: async () =>
      (await db.selectFrom('google_connections').select('clinic_id').where('status', '=', 'connected').execute()).map(
        (r) => r.clinic_id,
      ),

    reviewIds: async (clinicId: string, location: string) =>
      new Set(
        (
          await db
            .selectFrom('google_reviews')
            .select('review_id')
            .where('clinic_id', '=', clinicId)
            .where('location_name', '=', location)
            .execute()
        ).map((r) => r.review_id),
      ),
    async upsertReview(row: Insertable<GoogleReviewsTable>) {
      await db
        .insertInto('google_reviews')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['clinic_id', 'review_id']).doUpdateSet({
            name: row.name,
            reviewer_name: row.reviewer_name,
            star_rating: row.star_rating,
            comment: row.comment,
            update_time: row.update_time,
            reply_comment: row.reply_comment,
            reply_update_time: row.reply_update_time,
          }),
        )
        .execute();
    },
    reviews: (clinicId: string, location: string, f: { unreplied?: boolean; limit: number }) => {
      let q = db
        .selectFrom('google_reviews')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('location_name', '=', location);
      if (f.unreplied) q = q.where('reply_comment', 'is', null);
      return q.orderBy('create_time', 'desc').limit(f.limit).execute();
    },
    /** Every review's rating and time (the trend). */
    ratings: (clinicId: string, location: string) =>
      db
        .selectFrom('google_reviews')
        .select(['star_rating', 'create_time'])
        .where('clinic_id', '=', clinicId)
        .where('location_name', '=', location)
        .orderBy('create_time')
        .execute(),
    review: (clinicId: string, id: string) =>
      db
        .selectFrom('google_reviews')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    updateReview: (clinicId: string, id: string, patch: Partial<ReviewRow>) =>
      db.updateTable('google_reviews').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id).execute(),
  };
}
