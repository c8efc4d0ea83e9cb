// SQL of the lights feed (status_changes). Every method takes the clinic id.
//
// The serial id is the feed's cursor, so a reader must never pass an id whose row can still
// appear. On SQLite ids are handed out under the one write lock, held until commit: rows become
// visible in id order. On PostgreSQL two transactions can commit in the other order (ids 100 and
// 101; 101 commits first; a reader that saw 101 moved its cursor past 100 for good). There each
// writer holds a shared advisory lock of the clinic's feed from its first insert until its
// commit, and the reader learns the newest id with no writer in flight by taking that lock
// exclusively for an instant — with pg_try_…, which never queues, so a reader never delays a
// writer and no lock cycle can form (writers only ever take it shared).
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Dialect } from '../../db/connection.ts';
import type { DB } from '../../db/schema.ts';
import type { StatusChangesTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type NewStatusChange = Insertable<StatusChangesTable>;

/** The first key of the feed's advisory locks (the second is the clinic's hashtext). */
const FEED_LOCK = 724003;

export function statusChangeRepository(db: Db, dialect: Dialect) {
  /** Runs `fn` holding the shared feed lock of the rows' clinics until the transaction ends. */
  async function appending<T>(rows: NewStatusChange[], fn: (trx: Db) => Promise<T>): Promise<T> {
    if (dialect !== 'postgres' || !rows.length) return fn(db);
    const body = async (trx: Db) => {
      for (const clinicId of [...new Set(rows.map((r) => r.clinic_id))].sort())
        await sql`select pg_advisory_xact_lock_shared(${FEED_LOCK}, hashtext(${clinicId}))`.execute(trx);
      return fn(trx);
    };
    // Outside a transaction the lock would end with its own statement: one is opened.
    return db.isTransaction ? body(db) : db.transaction().execute(body);
  }
  return {
    insert: (row: NewStatusChange): Promise<number> =>
      appending([row], async (trx) =>
        Number((await trx.insertInto('status_changes').values(row).returning('id').executeTakeFirstOrThrow()).id),
      ),
    /** One multi-row insert per 300 rows, in order, so their ids (the cursors) follow `rows`. */
    insertMany: (rows: NewStatusChange[]): Promise<void> =>
      appending(rows, async (trx) => {
        for (let i = 0; i < rows.length; i += 300)
          await trx
            .insertInto('status_changes')
            .values(rows.slice(i, i + 300))
            .execute();
      }),
    /** `insertMany` returning the new ids, in the order of `rows` (serial ids follow the insert order). */
    insertManyReturningIds: (rows: NewStatusChange[]): Promise<number[]> =>
      appending(rows, async (trx) => {
        const ids: number[] = [];
        for (let i = 0; i < rows.length; i += 300) {
          const part = await trx
            .insertInto('status_changes')
            .values(rows.slice(i, i + 300))
            .returning('id')
            .execute();
          ids.push(...part.map((r) => Number(r.id)).sort((a, b) => a - b));
        }
        return ids;
      }),
    /**
     * The newest id of the clinic's feed below which every row is committed, or null while a
     * writer of the clinic's feed is in flight (PostgreSQL; try again shortly). Infinity on
     * SQLite, where rows become visible in id order.
     */
    async settledUpTo(clinicId: string): Promise<number | null> {
      if (dialect !== 'postgres') return Infinity;
      const read = async (trx: Db) => {
        const { rows } = await sql<{
          got: boolean;
        }>`select pg_try_advisory_xact_lock(${FEED_LOCK}, hashtext(${clinicId})) as got`.execute(trx);
        if (!rows[0]?.got) return null;
        const top = await trx
          .selectFrom('status_changes')
          .select((eb) => eb.fn.max('id').as('id'))
          .where('clinic_id', '=', clinicId)
          .executeTakeFirst();
        return Number(top?.id ?? 0);
      };
      return db.isTransaction ? read(db) : db.transaction().execute(read);
    },
    /** Changes after `afterId` up to `upTo`, oldest first (the (clinic_id, id) index). */
    after: (clinicId: string, afterId: number, upTo: number, limit: number) =>
      db
        .selectFrom('status_changes')
        .select([
          'id',
          'subject',
          'subject_his_id',
          'patient_his_id',
          'light',
          'from_value',
          'to_value',
          'source',
          'reason',
          'created_at',
        ])
        .where('clinic_id', '=', clinicId)
        .where('id', '>', afterId)
        .$if(Number.isFinite(upTo), (q) => q.where('id', '<=', upTo))
        .orderBy('id')
        .limit(limit)
        .execute(),
  };
}
