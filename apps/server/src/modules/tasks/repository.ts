// SQL of the front desk's tasks. Every method takes the clinic id.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { FrontDeskTasksTable } from './tables.ts';

export function taskRepository(db: Kysely<DB> | Transaction<DB>) {
  return {
    insert: (row: FrontDeskTasksTable) => db.insertInto('front_desk_tasks').values(row).execute(),
    /** The appointment's newest open task of this kind. */
    latestOpen: (clinicId: string, appointmentId: string, kind: string) =>
      db
        .selectFrom('front_desk_tasks')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('appointment_id', '=', appointmentId)
        .where('kind', '=', kind)
        .where('status', '=', 'open')
        .orderBy('created_at', 'desc')
        .executeTakeFirst(),
    setPayload: (clinicId: string, id: string, payload: string) =>
      db
        .updateTable('front_desk_tasks')
        .set({ payload })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .execute(),
    /** Closes the appointment's open tasks of these kinds; returns how many were open. */
    closeOpen: async (
      clinicId: string,
      appointmentId: string,
      kinds: string[],
      patch: { status: string; handled_at: string; handled_by: string | null },
    ) => {
      const r = await db
        .updateTable('front_desk_tasks')
        .set(patch)
        .where('clinic_id', '=', clinicId)
        .where('appointment_id', '=', appointmentId)
        .where('kind', 'in', kinds)
        .where('status', '=', 'open')
        .executeTakeFirst();
      return Number(r.numUpdatedRows ?? 0);
    },
    byId: (clinicId: string, id: string) =>
      db
        .selectFrom('front_desk_tasks')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    ofAppointment: (clinicId: string, appointmentId: string) =>
      db
        .selectFrom('front_desk_tasks')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('appointment_id', '=', appointmentId)
        .orderBy('created_at')
        .execute(),
    /** Tasks in a state (newest first when handled, oldest first when open), optionally of one kind. */
    list: (clinicId: string, status: string, kind: string | null, limit: number) => {
      let q = db
        .selectFrom('front_desk_tasks')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('status', '=', status);
      if (kind) q = q.where('kind', '=', kind);
      return q
        .orderBy('created_at', status === 'open' ? 'asc' : 'desc')
        .limit(limit)
        .execute();
    },
    countOpen: async (clinicId: string) =>
      Number(
        (
          await db
            .selectFrom('front_desk_tasks')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('clinic_id', '=', clinicId)
            .where('status', '=', 'open')
            .executeTakeFirst()
        )?.n ?? 0,
      ),
    /** Closes one open task; false when it was not open (handled by someone else, or unknown). */
    closeOne: async (
      clinicId: string,
      id: string,
      patch: { status: string; handled_at: string; handled_by: string | null },
    ) =>
      Number(
        (
          await db
            .updateTable('front_desk_tasks')
            .set(patch)
            .where('clinic_id', '=', clinicId)
            .where('id', '=', id)
            .where('status', '=', 'open')
            .executeTakeFirst()
        ).numUpdatedRows ?? 0,
      ) > 0,
  };
}
