// The only place SQL runs on the follow-up tables. Every method takes the clinic id.
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { FollowUpsTable, NoShowMessagesTable } from './tables.ts';

export type FollowUpRow = Selectable<FollowUpsTable>;
export type FollowUpEventRow = Selectable<DB['follow_up_events']>;
export type NoShowMessageRow = Selectable<NoShowMessagesTable>;

export type FollowUpFilter = {
  status?: 'active' | 'open' | 'in_progress' | 'done' | 'all';
  source?: string;
  ownerId?: string;
  overdue?: boolean;
  now: string;
  limit: number;
  offset: number;
};

export const ACTIVE = ['open', 'in_progress'];

export function followUpRepository(db: Kysely<DB>) {
  const list = (clinicId: string, f: FollowUpFilter) => {
    let q = db.selectFrom('follow_ups').where('clinic_id', '=', clinicId);
    if (!f.status || f.status === 'active') q = q.where('status', 'in', ACTIVE);
    else if (f.status !== 'all') q = q.where('status', '=', f.status);
    if (f.source) q = q.where('source', '=', f.source);
    if (f.ownerId === 'none') q = q.where('owner_id', 'is', null);
    else if (f.ownerId) q = q.where('owner_id', '=', f.ownerId);
    if (f.overdue) q = q.where('status', 'in', ACTIVE).where('due_at', '<', f.now);
    return q;
  };
  return {
    list: (clinicId: string, f: FollowUpFilter) =>
      list(clinicId, f)
        .selectAll()
        // high priority first, then the earliest due
        .orderBy((eb) => eb.case().when('priority', '=', 'high').then(0).else(1).end())
        .orderBy('due_at')
        .orderBy('created_at')
        .orderBy('id')
        .limit(f.limit)
        .offset(f.offset)
        .execute(),
    count: async (clinicId: string, f: FollowUpFilter) =>
      Number(
        (
          await list(clinicId, f)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    get: (clinicId: string, id: string) =>
      db.selectFrom('follow_ups').selectAll().where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst(),
    byKey: (clinicId: string, key: string) =>
      db
        .selectFrom('follow_ups')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('idempotency_key', '=', key)
        .executeTakeFirst(),
    /** The newest change of any task (the live page's fingerprint). */
    lastChange: async (clinicId: string) =>
      (
        await db
          .selectFrom('follow_ups')
          .select((eb) => eb.fn.max('updated_at').as('m'))
          .where('clinic_id', '=', clinicId)
          .executeTakeFirst()
      )?.m ?? null,
    insert: (row: Insertable<FollowUpsTable>) => db.insertInto('follow_ups').values(row).execute(),
    /** Updates a task only while its status is one of `from`; returns whether it did. */
    move: async (clinicId: string, id: string, from: string[], patch: Updateable<FollowUpsTable>) => {
      const r = await db
        .updateTable('follow_ups')
        .set(patch)
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .where('status', 'in', from)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    addEvent: (row: Insertable<DB['follow_up_events']>) => db.insertInto('follow_up_events').values(row).execute(),
    events: (clinicId: string, id: string) =>
      db
        .selectFrom('follow_up_events')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('follow_up_id', '=', id)
        .orderBy('id')
        .execute(),

    noShowSettings: (clinicId: string) =>
      db.selectFrom('no_show_settings').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    saveNoShowSettings: (row: Selectable<DB['no_show_settings']>) =>
      db
        .insertInto('no_show_settings')
        .values(row)
        .onConflict((oc) =>
          oc.column('clinic_id').doUpdateSet({
            enabled: row.enabled,
            text: row.text,
            delay_minutes: row.delay_minutes,
            updated_at: row.updated_at,
          }),
        )
        .execute(),

    noShow: (clinicId: string, id: string) =>
      db
        .selectFrom('no_show_messages')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    noShowOfVisit: (clinicId: string, appointmentId: string) =>
      db
        .selectFrom('no_show_messages')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('appointment_id', '=', appointmentId)
        .executeTakeFirst(),
    noShowOfPatientDay: (clinicId: string, patientDay: string) =>
      db
        .selectFrom('no_show_messages')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('patient_day', '=', patientDay)
        .executeTakeFirst(),
    insertNoShow: (row: Insertable<NoShowMessagesTable>) => db.insertInto('no_show_messages').values(row).execute(),
    moveNoShow: async (clinicId: string, id: string, from: string[], patch: Updateable<NoShowMessagesTable>) => {
      const r = await db
        .updateTable('no_show_messages')
        .set(patch)
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .where('status', 'in', from)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    noShowLog: (clinicId: string, limit: number, offset: number) =>
      db
        .selectFrom('no_show_messages')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .offset(offset)
        .execute(),
    noShowCount: async (clinicId: string) =>
      Number(
        (
          await db
            .selectFrom('no_show_messages')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('clinic_id', '=', clinicId)
            .executeTakeFirstOrThrow()
        ).n,
      ),
  };
}
