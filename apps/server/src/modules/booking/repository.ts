// SQL on the booking tables (settings, rules, availability, requests, slot locks, the no-show
// policy and its overrides). Every method takes the clinic id.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type {
  BookingAvailabilityTable,
  BookingNoShowOverridesTable,
  BookingNoShowPolicyTable,
  BookingRequestsTable,
  BookingRulesTable,
  BookingSettingsTable,
} from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type SettingsRow = Selectable<BookingSettingsTable>;
export type RuleRow = Selectable<BookingRulesTable>;
export type AvailabilityRow = Selectable<BookingAvailabilityTable>;
export type RequestRow = Selectable<BookingRequestsTable>;
export type PolicyRow = Selectable<BookingNoShowPolicyTable>;
export type OverrideRow = Selectable<BookingNoShowOverridesTable>;

export function bookingRepository(db: Db) {
  const changed = (r: { numUpdatedRows: bigint }) => Number(r.numUpdatedRows) > 0;
  return {
    settings: (clinicId: string) =>
      db.selectFrom('booking_settings').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    async saveSettings(row: SettingsRow) {
      await db
        .insertInto('booking_settings')
        .values(row)
        .onConflict((oc) => oc.column('clinic_id').doUpdateSet({ ...row }))
        .execute();
    },

    rules: (clinicId: string) => db.selectFrom('booking_rules').selectAll().where('clinic_id', '=', clinicId).execute(),
    async saveRule(row: RuleRow) {
      await db
        .insertInto('booking_rules')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'doctor_id']).doUpdateSet({ ...row }))
        .execute();
    },
    async deleteRule(clinicId: string, doctorId: string) {
      await db
        .deleteFrom('booking_rules')
        .where('clinic_id', '=', clinicId)
        .where('doctor_id', '=', doctorId)
        .execute();
    },

    /** Published slots of these doctors (every doctor when null) starting in [from, to). */
    availability: (clinicId: string, doctorIds: string[] | null, from: string, to: string) => {
      let q = db
        .selectFrom('booking_availability')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('starts_at', '>=', from)
        .where('starts_at', '<', to);
      if (doctorIds) q = q.where('doctor_id', 'in', doctorIds.length ? doctorIds : ['']);
      return q.orderBy('starts_at').execute();
    },
    availabilityDoctorIds: async (clinicId: string, from: string) =>
      (
        await db
          .selectFrom('booking_availability')
          .select('doctor_id')
          .distinct()
          .where('clinic_id', '=', clinicId)
          .where('ends_at', '>', from)
          .execute()
      ).map((r) => r.doctor_id),
    /** Replaces a doctor's published slots that end after `from` by `rows`. */
    async replaceAvailability(clinicId: string, doctorId: string, from: string, rows: AvailabilityRow[]) {
      await db
        .deleteFrom('booking_availability')
        .where('clinic_id', '=', clinicId)
        .where('doctor_id', '=', doctorId)
        .where('ends_at', '>', from)
        .execute();
      for (let i = 0; i < rows.length; i += 500)
        await db
          .insertInto('booking_availability')
          .values(rows.slice(i, i + 500))
          .execute();
    },

    /**
     * Takes the slot's lock row (created on first use): concurrent transactions for the same
     * doctor and start wait here until this one ends, so the count that follows sees theirs.
     */
    async lockSlot(clinicId: string, doctorId: string, startsAt: string) {
      await db
        .insertInto('booking_slot_locks')
        .values({ clinic_id: clinicId, doctor_id: doctorId, starts_at: startsAt, takes: 1 })
        .onConflict((oc) =>
          oc.columns(['clinic_id', 'doctor_id', 'starts_at']).doUpdateSet({ takes: sql`booking_slot_locks.takes + 1` }),
        )
        .execute();
    },

    insertRequest: (row: RequestRow) => db.insertInto('booking_requests').values(row).execute(),
    request: (clinicId: string, id: string) =>
      db
        .selectFrom('booking_requests')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    byKey: (clinicId: string, key: string) =>
      db
        .selectFrom('booking_requests')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('idempotency_key', '=', key)
        .executeTakeFirst(),
    byAppointment: (clinicId: string, appointmentId: string) =>
      db
        .selectFrom('booking_requests')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('appointment_id', '=', appointmentId)
        .executeTakeFirst(),
    /** Open requests (status requested) of these doctors starting in [from, to). */
    openRequests: (clinicId: string, doctorIds: string[], from: string, to: string) =>
      doctorIds.length
        ? db
            .selectFrom('booking_requests')
            .select(['id', 'doctor_id', 'patient_id', 'starts_at'])
            .where('clinic_id', '=', clinicId)
            .where('doctor_id', 'in', doctorIds)
            .where('starts_at', '>=', from)
            .where('starts_at', '<', to)
            .where('status', '=', 'requested')
            .execute()
        : Promise.resolve([]),
    /** A patient's requests, newest first (open ones and those decided recently). */
    ofPatients: (clinicId: string, patientIds: string[], since: string) =>
      patientIds.length
        ? db
            .selectFrom('booking_requests')
            .selectAll()
            .where('clinic_id', '=', clinicId)
            .where('patient_id', 'in', patientIds)
            .where((eb) => eb.or([eb('status', '=', 'requested'), eb('updated_at', '>=', since)]))
            .orderBy('starts_at')
            .execute()
        : Promise.resolve([]),
    list: (clinicId: string, f: { status: string | null; limit: number }) => {
      let q = db.selectFrom('booking_requests').selectAll().where('clinic_id', '=', clinicId);
      if (f.status) q = q.where('status', '=', f.status);
      return q
        .orderBy(f.status === 'requested' ? 'starts_at' : 'created_at', f.status === 'requested' ? 'asc' : 'desc')
        .limit(f.limit)
        .execute();
    },
    countOpen: async (clinicId: string) =>
      Number(
        (
          await db
            .selectFrom('booking_requests')
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .where('clinic_id', '=', clinicId)
            .where('status', '=', 'requested')
            .executeTakeFirstOrThrow()
        ).n,
      ),
    /** Moves a request out of `from`; false when it had moved meanwhile. */
    async moveFrom(clinicId: string, id: string, from: string, patch: Partial<RequestRow>) {
      return changed(
        await db
          .updateTable('booking_requests')
          .set(patch)
          .where('clinic_id', '=', clinicId)
          .where('id', '=', id)
          .where('status', '=', from)
          .executeTakeFirst(),
      );
    },

    policy: (clinicId: string) =>
      db.selectFrom('booking_no_show_policy').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    async savePolicy(row: PolicyRow) {
      await db
        .insertInto('booking_no_show_policy')
        .values(row)
        .onConflict((oc) => oc.column('clinic_id').doUpdateSet({ ...row }))
        .execute();
    },
    overrides: (clinicId: string, patientIds?: string[]) => {
      let q = db.selectFrom('booking_no_show_overrides').selectAll().where('clinic_id', '=', clinicId);
      if (patientIds) q = q.where('patient_id', 'in', patientIds.length ? patientIds : ['']);
      return q.orderBy('updated_at', 'desc').execute();
    },
    async saveOverride(row: OverrideRow) {
      await db
        .insertInto('booking_no_show_overrides')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'patient_id']).doUpdateSet({ ...row }))
        .execute();
    },
    async deleteOverride(clinicId: string, patientId: string) {
      await db
        .deleteFrom('booking_no_show_overrides')
        .where('clinic_id', '=', clinicId)
        .where('patient_id', '=', patientId)
        .execute();
    },
  };
}
