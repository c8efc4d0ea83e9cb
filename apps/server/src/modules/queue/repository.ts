// SQL on the 看診進度 tables (settings, queues, visits, notices, events). Every method takes the
// clinic id.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type {
  QueueEventsTable,
  QueueNoticesTable,
  QueueSettingsTable,
  QueuesTable,
  QueueVisitsTable,
} from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type SettingsRow = Selectable<QueueSettingsTable>;
export type QueueRow = Selectable<QueuesTable>;
export type VisitRow = Selectable<QueueVisitsTable>;
export type NoticeRow = Selectable<QueueNoticesTable>;
export type EventRow = Selectable<QueueEventsTable>;

// node:sqlite and pg may hand back integers as strings or bigints; the rows' shape is numbers.
const num = (v: number | null) => (v === null ? null : Number(v));
const normQueue = (r: QueueRow): QueueRow => ({ ...r, current_number: num(r.current_number) });
const normVisit = (r: VisitRow): VisitRow => ({ ...r, queue_number: Number(r.queue_number) });

export function queueRepository(db: Db) {
  const inserted = (r: { numInsertedOrUpdatedRows?: bigint }) => Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  return {
    async settings(clinicId: string) {
      const r = await db.selectFrom('queue_settings').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst();
      return r && { ...r, enabled: Number(r.enabled), near_threshold: Number(r.near_threshold) };
    },
    async saveSettings(row: SettingsRow) {
      await db
        .insertInto('queue_settings')
        .values(row)
        .onConflict((oc) => oc.column('clinic_id').doUpdateSet({ ...row }))
        .execute();
    },

    // ---- events
    event: (clinicId: string, eventId: string) =>
      db
        .selectFrom('queue_events')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('event_id', '=', eventId)
        .executeTakeFirst(),
    /** Records an event once per event id; false when it was recorded already. */
    async insertEvent(row: EventRow): Promise<boolean> {
      return inserted(
        await db
          .insertInto('queue_events')
          .values(row)
          .onConflict((oc) => oc.columns(['clinic_id', 'event_id']).doNothing())
          .executeTakeFirst(),
      );
    },
    setEventResult: (clinicId: string, id: string, result: string) =>
      db.updateTable('queue_events').set({ result }).where('clinic_id', '=', clinicId).where('id', '=', id).execute(),

    // ---- queues
    /** The queue of a doctor's session on a date, created when missing (concurrent callers get the same row). */
    async queueOf(
      clinicId: string,
      key: { doctorId: string; date: string; session: string },
      fresh: QueueRow,
    ): Promise<QueueRow> {
      await db
        .insertInto('queues')
        .values(fresh)
        .onConflict((oc) => oc.columns(['clinic_id', 'doctor_id', 'date', 'session']).doNothing())
        .execute();
      const r = await db
        .selectFrom('queues')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('doctor_id', '=', key.doctorId)
        .where('date', '=', key.date)
        .where('session', '=', key.session)
        .executeTakeFirstOrThrow();
      return normQueue(r);
    },
    async queue(clinicId: string, id: string) {
      const r = await db
        .selectFrom('queues')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && normQueue(r);
    },
    async queuesOn(clinicId: string, date: string) {
      const rows = await db
        .selectFrom('queues')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('date', '=', date)
        .orderBy('session')
        .orderBy('doctor_id')
        .execute();
      return rows.map(normQueue);
    },
    async queuesByIds(clinicId: string, ids: string[]) {
      if (!ids.length) return [];
      const rows = await db
        .selectFrom('queues')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', 'in', ids)
        .execute();
      return rows.map(normQueue);
    },
    /**
     * Moves the queue to a call unless it holds a newer one (by the HIS's time; at the same time the
     * higher number wins): false when the call is older than what the queue shows.
     */
    async applyCall(
      clinicId: string,
      id: string,
      call: { number: number; at: string; room: string | null | undefined },
      nowIso: string,
    ): Promise<boolean> {
      const r = await db
        .updateTable('queues')
        .set({
          current_number: call.number,
          called_at: call.at,
          ...(call.room !== undefined ? { room: call.room } : {}),
          updated_at: nowIso,
        })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb('called_at', 'is', null),
            eb('called_at', '<', call.at),
            eb.and([eb('called_at', '=', call.at), eb('current_number', '<', call.number)]),
          ]),
        )
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    setRoom: (clinicId: string, id: string, room: string, nowIso: string) =>
      db
        .updateTable('queues')
        .set({ room, updated_at: nowIso })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .execute(),

    // ---- visits
    async visitOf(clinicId: string, appointmentId: string) {
      const r = await db
        .selectFrom('queue_visits')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('appointment_id', '=', appointmentId)
        .executeTakeFirst();
      return r && normVisit(r);
    },
    /** Inserts the visit's check-in unless the appointment has one; false when it had. */
    async insertVisit(row: VisitRow): Promise<boolean> {
      return inserted(
        await db
          .insertInto('queue_visits')
          .values(row)
          .onConflict((oc) => oc.columns(['clinic_id', 'appointment_id']).doNothing())
          .executeTakeFirst(),
      );
    },
    /** A newer check-in of the same visit (another number or queue); false when the stored one is newer. */
    async recheckIn(
      clinicId: string,
      id: string,
      patch: { queue_id: string; queue_number: number; checked_in_at: string; updated_at: string },
    ): Promise<boolean> {
      const r = await db
        .updateTable('queue_visits')
        .set({ ...patch, called_at: null })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .where('checked_in_at', '<', patch.checked_in_at)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async visitsOfQueues(clinicId: string, queueIds: string[]) {
      if (!queueIds.length) return [];
      const rows = await db
        .selectFrom('queue_visits')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('queue_id', 'in', queueIds)
        .orderBy('queue_number')
        .execute();
      return rows.map(normVisit);
    },
    /** Visits of these patients checked in since an instant, newest first. */
    async visitsOfPatients(clinicId: string, patientIds: string[], since: string) {
      if (!patientIds.length) return [];
      const rows = await db
        .selectFrom('queue_visits')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('patient_id', 'in', patientIds)
        .where('checked_in_at', '>=', since)
        .orderBy('checked_in_at', 'desc')
        .execute();
      return rows.map(normVisit);
    },
    /** Marks visits reached by the queue (first time only). */
    async markCalled(clinicId: string, queueId: string, upTo: number, at: string) {
      await db
        .updateTable('queue_visits')
        .set({ called_at: at })
        .where('clinic_id', '=', clinicId)
        .where('queue_id', '=', queueId)
        .where('queue_number', '<=', upTo)
        .where('called_at', 'is', null)
        .execute();
    },

    // ---- notices
    /** Records a notice once per visit and kind; false when the visit had it already. */
    async insertNotice(row: NoticeRow): Promise<boolean> {
      return inserted(
        await db
          .insertInto('queue_notices')
          .values(row)
          .onConflict((oc) => oc.columns(['clinic_id', 'visit_id', 'kind']).doNothing())
          .executeTakeFirst(),
      );
    },
    async noticesOf(clinicId: string, visitIds: string[]) {
      if (!visitIds.length) return [];
      const rows = await db
        .selectFrom('queue_notices')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('visit_id', 'in', visitIds)
        .execute();
      return rows.map((r) => ({ ...r, ahead: Number(r.ahead) }));
    },

    /** Check-in to call of the visits called in [from, to) (the reports' waiting time). */
    calledBetween: (clinicId: string, from: string, to: string) =>
      db
        .selectFrom('queue_visits')
        .select(['checked_in_at', 'called_at'])
        .where('clinic_id', '=', clinicId)
        .where('called_at', '>=', from)
        .where('called_at', '<', to)
        .execute(),
  };
}
