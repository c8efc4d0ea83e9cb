// The only place SQL runs on the case tables. Every method takes the clinic id.
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { CasesTable } from './tables.ts';

export type CaseRow = Selectable<CasesTable>;
export type CaseEventRow = Selectable<DB['case_events']>;

export type CaseFilter = {
  status?: 'open' | 'closed' | 'all';
  kind?: string;
  q?: string;
  overdue?: boolean;
  now: string;
  limit: number;
  offset: number;
};

const OPEN = ['new', 'acknowledged', 'replied'];

export function caseRepository(db: Kysely<DB>) {
  const list = (clinicId: string, f: CaseFilter) => {
    let q = db.selectFrom('cases').where('clinic_id', '=', clinicId);
    if (f.status === 'open') q = q.where('status', 'in', OPEN);
    if (f.status === 'closed') q = q.where('status', '=', 'closed');
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) =>
        eb.or([eb('number', 'like', like), eb('text', 'like', like), eb('contact_name', 'like', like)]),
      );
    }
    if (f.overdue)
      q = q.where((eb) =>
        eb.or([
          eb.and([eb('first_action_at', 'is', null), eb('first_action_due_at', '<', f.now), eb('status', '=', 'new')]),
          eb.and([eb('replied_at', 'is', null), eb('reply_due_at', '<', f.now), eb('status', 'in', OPEN)]),
        ]),
      );
    return q;
  };
  return {
    list: (clinicId: string, f: CaseFilter) =>
      list(clinicId, f)
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('year', 'desc')
        .orderBy('seq', 'desc')
        .limit(f.limit)
        .offset(f.offset)
        .execute(),
    count: async (clinicId: string, f: CaseFilter) =>
      Number(
        (
          await list(clinicId, f)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    get: (clinicId: string, id: string) =>
      db.selectFrom('cases').selectAll().where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst(),
    bySourceRef: (clinicId: string, ref: string) =>
      db
        .selectFrom('cases')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('source_ref', '=', ref)
        .executeTakeFirst(),
    /** The open cases of a LINE user, newest first. */
    openOfLineUser: (clinicId: string, lineUserId: string) =>
      db
        .selectFrom('cases')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', '=', lineUserId)
        .where('status', 'in', OPEN)
        .orderBy('created_at', 'desc')
        .execute(),
    /** The highest number given in a year (the next case takes the one after it). */
    maxSeq: async (clinicId: string, year: number) =>
      Number(
        (
          await db
            .selectFrom('cases')
            .select((eb) => eb.fn.max('seq').as('m'))
            .where('clinic_id', '=', clinicId)
            .where('year', '=', year)
            .executeTakeFirst()
        )?.m ?? 0,
      ),
    insert: (row: Insertable<CasesTable>) => db.insertInto('cases').values(row).execute(),
    /**
     * Updates a case only while it is in one of `from` (and, with `where`, more conditions hold);
     * returns whether it did. Two staff moving one case at once: one wins, the other gets 409.
     */
    move: async (
      clinicId: string,
      id: string,
      from: string[],
      patch: Updateable<CasesTable>,
      where: { nullColumn?: 'first_action_escalated_at' | 'reply_escalated_at' | 'satisfaction' } = {},
    ) => {
      let q = db
        .updateTable('cases')
        .set(patch)
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .where('status', 'in', from);
      if (where.nullColumn) q = q.where(where.nullColumn, 'is', null);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    update: (clinicId: string, id: string, patch: Updateable<CasesTable>) =>
      db.updateTable('cases').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id).execute(),

    addEvent: async (row: Insertable<DB['case_events']>) =>
      Number((await db.insertInto('case_events').values(row).returning('id').executeTakeFirstOrThrow()).id),
    events: (clinicId: string, caseId: string) =>
      db
        .selectFrom('case_events')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('case_id', '=', caseId)
        .orderBy('id')
        .execute(),

    addPhoto: (row: Insertable<DB['case_photos']>) => db.insertInto('case_photos').values(row).execute(),
    photoIds: (clinicId: string, caseId: string) =>
      db
        .selectFrom('case_photos')
        .select(['id', 'content_type', 'bytes', 'created_at'])
        .where('clinic_id', '=', clinicId)
        .where('case_id', '=', caseId)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    photo: (clinicId: string, caseId: string, id: string) =>
      db
        .selectFrom('case_photos')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('case_id', '=', caseId)
        .where('id', '=', id)
        .executeTakeFirst(),
    photoCount: async (clinicId: string, caseId: string) =>
      Number(
        (
          await db
            .selectFrom('case_photos')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('clinic_id', '=', clinicId)
            .where('case_id', '=', caseId)
            .executeTakeFirstOrThrow()
        ).n,
      ),

    settings: (clinicId: string) =>
      db.selectFrom('case_settings').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    saveSettings: (row: Selectable<DB['case_settings']>) =>
      db
        .insertInto('case_settings')
        .values(row)
        .onConflict((oc) =>
          oc.column('clinic_id').doUpdateSet({
            first_action_minutes: row.first_action_minutes,
            reply_minutes: row.reply_minutes,
            business_hours_only: row.business_hours_only,
            updated_at: row.updated_at,
          }),
        )
        .execute(),

    /** Cases opened in [from, to) for the statistics. */
    openedBetween: (clinicId: string, from: string, to: string) =>
      db
        .selectFrom('cases')
        .select([
          'id',
          'kind',
          'category',
          'status',
          'created_at',
          'first_action_at',
          'replied_at',
          'first_action_due_at',
          'reply_due_at',
          'satisfaction',
        ])
        .where('clinic_id', '=', clinicId)
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .orderBy('created_at')
        .execute(),
  };
}
