// SQL of appointments, their history, the front desk's notes and saved list filters. Every
// method takes the clinic id.
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { sameClinicById } from '../../db/by-ids.ts';
import type { DB } from '../../db/schema.ts';
import type { AppointmentHistoryTable, AppointmentNotesTable, AppointmentsTable, SavedFiltersTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type AppointmentRow = Selectable<AppointmentsTable>;
export type HistoryRow = Selectable<AppointmentHistoryTable>;
export type NewHistory = Insertable<AppointmentHistoryTable>;

const CHUNK = 400;
const chunks = <T>(xs: T[], n = CHUNK): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

// node:sqlite and pg may hand back integers as strings or bigints in places; the row's shape is numbers.
const norm = (r: AppointmentRow): AppointmentRow => ({
  ...r,
  version: Number(r.version),
  booking_message: Number(r.booking_message),
});

export function appointmentRepository(db: Db) {
  const one = (clinicId: string) => db.selectFrom('appointments').selectAll().where('clinic_id', '=', clinicId);
  return {
    async byHisIds(clinicId: string, hisIds: string[], forUpdate: boolean): Promise<AppointmentRow[]> {
      const out: AppointmentRow[] = [];
      // Sorted, and locked in his_id order, so concurrent writers take row locks in the same order.
      for (const part of chunks([...hisIds].sort())) {
        let q = one(clinicId).where('his_id', 'in', part);
        if (forUpdate) q = q.orderBy('his_id').forUpdate();
        out.push(...(await q.execute()));
      }
      return out.map(norm);
    },
    async byHisId(clinicId: string, hisId: string): Promise<AppointmentRow | undefined> {
      const r = await one(clinicId).where('his_id', '=', hisId).executeTakeFirst();
      return r && norm(r);
    },
    async byId(clinicId: string, id: string): Promise<AppointmentRow | undefined> {
      const r = await one(clinicId).where('id', '=', id).executeTakeFirst();
      return r && norm(r);
    },
    async byIds(clinicId: string, ids: string[]): Promise<AppointmentRow[]> {
      const out: AppointmentRow[] = [];
      for (const part of chunks([...new Set(ids)]))
        out.push(
          ...(await db
            .selectFrom('appointments')
            .selectAll()
            .where(sameClinicById(clinicId))
            .where('id', 'in', part)
            .execute()),
        );
      return out.map(norm);
    },
    /** Ids of the booked appointments starting after an instant (replanning a clinic's reminders). */
    bookedIdsAfter: async (clinicId: string, after: string): Promise<string[]> =>
      (
        await db
          .selectFrom('appointments')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('status', '=', 'booked')
          .where('starts_at', '>', after)
          .execute()
      ).map((r) => r.id),
    /** Booked appointments after an instant whose reminder awaits an answer, earliest first. */
    async awaitingReplyAfter(clinicId: string, after: string, limit: number): Promise<AppointmentRow[]> {
      const rows = await one(clinicId)
        .where('status', '=', 'booked')
        .where('reply_status', '=', 'awaiting_reply')
        .where('starts_at', '>', after)
        .orderBy('starts_at')
        .limit(limit)
        .execute();
      return rows.map(norm);
    },
    /** Appointments starting in [from, to) (UTC ISO), by start time; optionally one doctor. */
    async startingIn(clinicId: string, from: string, to: string, opts: { doctorId?: string; limit: number }) {
      let q = one(clinicId).where('starts_at', '>=', from).where('starts_at', '<', to);
      if (opts.doctorId) q = q.where('doctor_id', '=', opts.doctorId);
      return (await q.orderBy('starts_at').orderBy('id').limit(opts.limit).execute()).map(norm);
    },
    /** Appointments by id or by patient, from `since` on, earliest first (a patient's own view of them). */
    async forPatients(clinicId: string, by: { ids?: string[]; patientIds?: string[]; since?: string }, limit = 1000) {
      let q = one(clinicId);
      if (by.ids) q = q.where('id', 'in', by.ids.length ? by.ids : ['-']);
      if (by.patientIds) q = q.where('patient_id', 'in', by.patientIds.length ? by.patientIds : ['-']);
      if (by.since) q = q.where('starts_at', '>=', by.since);
      return (await q.orderBy('starts_at').limit(limit).execute()).map(norm);
    },
    /** How many history entries each appointment has (an iCalendar event's SEQUENCE). */
    async historyCounts(clinicId: string, ids: string[]): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      for (const part of chunks([...new Set(ids)]))
        for (const r of await db
          .selectFrom('appointment_history')
          .select(['appointment_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('clinic_id', '=', clinicId)
          .where('appointment_id', 'in', part)
          .groupBy('appointment_id')
          .execute())
          out.set(r.appointment_id, Number(r.n));
      return out;
    },
    /** Counts of appointments starting in [from, to), optionally narrowed (the KPI strip). */
    async count(
      clinicId: string,
      from: string,
      to: string,
      where: { status?: string[]; notStatus?: string; reply?: string[]; notReply?: string; before?: string } = {},
    ): Promise<number> {
      let q = db
        .selectFrom('appointments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('clinic_id', '=', clinicId)
        .where('starts_at', '>=', from)
        .where('starts_at', '<', to);
      if (where.status) q = q.where('status', 'in', where.status);
      if (where.notStatus) q = q.where('status', '!=', where.notStatus);
      if (where.reply) q = q.where('reply_status', 'in', where.reply);
      if (where.notReply) q = q.where('reply_status', '!=', where.notReply);
      if (where.before) q = q.where('starts_at', '<', where.before);
      return Number((await q.executeTakeFirst())?.n ?? 0);
    },
    /** Appointments starting in [from, to) that are cancelled, or whose patient asked to cancel or reschedule. */
    async countCancelled(clinicId: string, from: string, to: string): Promise<number> {
      const r = await db
        .selectFrom('appointments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('clinic_id', '=', clinicId)
        .where('starts_at', '>=', from)
        .where('starts_at', '<', to)
        .where((eb) =>
          eb.or([
            eb('status', '=', 'cancelled'),
            eb('reply_status', 'in', ['cancel_requested', 'reschedule_requested']),
          ]),
        )
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    /** Distinct patients with a (not cancelled) appointment starting in [from, to). */
    patientIdsIn: async (clinicId: string, from: string, to: string): Promise<string[]> =>
      (
        await db
          .selectFrom('appointments')
          .select('patient_id')
          .distinct()
          .where('clinic_id', '=', clinicId)
          .where('starts_at', '>=', from)
          .where('starts_at', '<', to)
          .where('status', '!=', 'cancelled')
          .execute()
      ).map((r) => r.patient_id),
    /** The clinic's visit types since `since`, most used first. */
    visitTypes: (clinicId: string, since: string) =>
      db
        .selectFrom('appointments')
        .select(['visit_type', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('clinic_id', '=', clinicId)
        .where('starts_at', '>=', since)
        .where('visit_type', 'is not', null)
        .groupBy('visit_type')
        .orderBy('n', 'desc')
        .orderBy('visit_type')
        .limit(200)
        .execute(),
    async insertMany(rows: Insertable<AppointmentsTable>[]) {
      for (const part of chunks(rows, 150)) await db.insertInto('appointments').values(part).execute();
    },
    async update(clinicId: string, id: string, patch: Updateable<AppointmentsTable>) {
      await db.updateTable('appointments').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id).execute();
    },
    /** Sets the reply light where it still shows `from`; returns the ids that changed. */
    async setReplyStatus(clinicId: string, ids: string[], from: string, to: string, at: string): Promise<string[]> {
      const out: string[] = [];
      for (const part of chunks([...new Set(ids)]))
        for (const r of await db
          .updateTable('appointments')
          .set({ reply_status: to, reply_status_at: at, updated_at: at })
          .where(sameClinicById(clinicId))
          .where('id', 'in', part)
          .where('reply_status', '=', from)
          .returning('id')
          .execute())
          out.push(r.id);
      return out;
    },
    async insertHistory(rows: NewHistory[]) {
      for (const part of chunks(rows, 250)) await db.insertInto('appointment_history').values(part).execute();
    },
    history: (clinicId: string, appointmentId: string) =>
      db
        .selectFrom('appointment_history')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('appointment_id', '=', appointmentId)
        .orderBy('id')
        .execute(),

    // ---- notes
    insertNote: (row: AppointmentNotesTable) => db.insertInto('appointment_notes').values(row).execute(),
    notes: (clinicId: string, appointmentId: string) =>
      db
        .selectFrom('appointment_notes')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('appointment_id', '=', appointmentId)
        .orderBy('created_at')
        .execute(),

    // ---- saved filters
    savedFilters: (clinicId: string, staffId: string) =>
      db
        .selectFrom('saved_filters')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('staff_id', '=', staffId)
        .orderBy('created_at')
        .execute(),
    countSavedFilters: async (clinicId: string, staffId: string) =>
      Number(
        (
          await db
            .selectFrom('saved_filters')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('clinic_id', '=', clinicId)
            .where('staff_id', '=', staffId)
            .executeTakeFirst()
        )?.n ?? 0,
      ),
    insertSavedFilter: (row: SavedFiltersTable) => db.insertInto('saved_filters').values(row).execute(),
    deleteSavedFilter: async (clinicId: string, staffId: string, id: string) =>
      Number(
        (
          await db
            .deleteFrom('saved_filters')
            .where('clinic_id', '=', clinicId)
            .where('staff_id', '=', staffId)
            .where('id', '=', id)
            .executeTakeFirst()
        ).numDeletedRows ?? 0,
      ),
  };
}
