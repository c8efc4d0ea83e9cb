// The only place SQL runs on the waitlist tables. Every method takes the clinic id.
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { WaitlistEntriesTable, WaitlistOffersTable, WaitlistSlotsTable } from './tables.ts';

export type EntryRow = Selectable<WaitlistEntriesTable>;
export type SlotRow = Selectable<WaitlistSlotsTable>;
export type OfferRow = Selectable<WaitlistOffersTable>;

const changed = (r: { numUpdatedRows: bigint }) => Number(r.numUpdatedRows);

export function waitlistRepository(db: Kysely<DB>) {
  return {
    settings: (clinicId: string) =>
      db.selectFrom('waitlist_settings').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    saveSettings: (row: Selectable<DB['waitlist_settings']>) =>
      db
        .insertInto('waitlist_settings')
        .values(row)
        .onConflict((oc) =>
          oc.column('clinic_id').doUpdateSet({
            enabled: row.enabled,
            wave_size: row.wave_size,
            wave_minutes: row.wave_minutes,
            updated_at: row.updated_at,
          }),
        )
        .execute(),

    insertEntry: (row: Insertable<WaitlistEntriesTable>) => db.insertInto('waitlist_entries').values(row).execute(),
    entry: (clinicId: string, id: string) =>
      db
        .selectFrom('waitlist_entries')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    /** Entries newest first; `status` 'waiting' also drops those whose range has passed (before `today`). */
    entries: (clinicId: string, f: { status: string; today: string; limit: number; offset: number }) => {
      let q = db.selectFrom('waitlist_entries').where('clinic_id', '=', clinicId);
      if (f.status === 'waiting') q = q.where('status', '=', 'waiting').where('date_to', '>=', f.today);
      else if (f.status === 'past') q = q.where('status', '=', 'waiting').where('date_to', '<', f.today);
      else if (f.status !== 'all') q = q.where('status', '=', f.status);
      return Promise.all([
        q.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(f.limit).offset(f.offset).execute(),
        q
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
          .then((r) => Number(r.n)),
      ]);
    },
    entriesOfPatients: (clinicId: string, patientIds: string[]) =>
      patientIds.length
        ? db
            .selectFrom('waitlist_entries')
            .selectAll()
            .where('clinic_id', '=', clinicId)
            .where('patient_id', 'in', patientIds)
            .orderBy('created_at', 'desc')
            .execute()
        : Promise.resolve([]),
    /** A waiting entry of the patient for the same doctor (null: any) whose range is not over. */
    duplicate: (clinicId: string, patientId: string, doctorId: string | null, today: string) =>
      db
        .selectFrom('waitlist_entries')
        .select('id')
        .where('clinic_id', '=', clinicId)
        .where('patient_id', '=', patientId)
        .where('status', '=', 'waiting')
        .where('date_to', '>=', today)
        .where((eb) => (doctorId === null ? eb('doctor_id', 'is', null) : eb('doctor_id', '=', doctorId)))
        .executeTakeFirst(),
    moveEntry: async (clinicId: string, id: string, from: string[], patch: Updateable<WaitlistEntriesTable>) =>
      changed(
        await db
          .updateTable('waitlist_entries')
          .set(patch)
          .where('clinic_id', '=', clinicId)
          .where('id', '=', id)
          .where('status', 'in', from)
          .executeTakeFirst(),
      ) > 0,
    /**
     * Waiting entries a slot may be offered to, first come first served: the doctor (or any), the
     * slot's date within the range, the time of day (or any), a patient not offered this slot yet,
     * without another offer still open, and not the one who freed it.
     */
    candidates: (
      clinicId: string,
      s: {
        slotId: string;
        doctorId: string;
        date: string;
        timeOfDay: string;
        excludePatientId: string;
        limit: number;
        /** false: also those with another offer open (is anyone waiting at all?). */
        skipBusy: boolean;
      },
    ) =>
      db
        .selectFrom('waitlist_entries as e')
        .selectAll('e')
        .where('e.clinic_id', '=', clinicId)
        .where('e.status', '=', 'waiting')
        .where((eb) => eb.or([eb('e.doctor_id', 'is', null), eb('e.doctor_id', '=', s.doctorId)]))
        .where('e.date_from', '<=', s.date)
        .where('e.date_to', '>=', s.date)
        .where('e.time_of_day', 'in', ['any', s.timeOfDay])
        .where('e.patient_id', '!=', s.excludePatientId)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('waitlist_offers as o')
                .select('o.id')
                .where('o.clinic_id', '=', clinicId)
                .where('o.slot_id', '=', s.slotId)
                .whereRef('o.patient_id', '=', 'e.patient_id'),
            ),
          ),
        )
        // One open offer per patient at a time: a day of cancellations must not flood one phone.
        .where(({ not, exists, selectFrom, lit }) =>
          !s.skipBusy
            ? lit(true)
            : not(
                exists(
                  selectFrom('waitlist_offers as open')
                    .select('open.id')
                    .where('open.clinic_id', '=', clinicId)
                    .where('open.status', '=', 'sent')
                    .whereRef('open.patient_id', '=', 'e.patient_id'),
                ),
              ),
        )
        .orderBy('e.created_at')
        .orderBy('e.id')
        .limit(s.limit)
        .execute(),

    insertSlot: (row: Insertable<WaitlistSlotsTable>) => db.insertInto('waitlist_slots').values(row).execute(),
    slot: (clinicId: string, id: string) =>
      db
        .selectFrom('waitlist_slots')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    slotByKey: (clinicId: string, key: string) =>
      db
        .selectFrom('waitlist_slots')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('source_key', '=', key)
        .executeTakeFirst(),
    slotsByIds: (clinicId: string, ids: string[]) =>
      ids.length
        ? db.selectFrom('waitlist_slots').selectAll().where('clinic_id', '=', clinicId).where('id', 'in', ids).execute()
        : Promise.resolve([]),
    slots: (clinicId: string, limit: number, offset: number) =>
      Promise.all([
        db
          .selectFrom('waitlist_slots')
          .selectAll()
          .where('clinic_id', '=', clinicId)
          .orderBy('freed_at', 'desc')
          .orderBy('id')
          .limit(limit)
          .offset(offset)
          .execute(),
        db
          .selectFrom('waitlist_slots')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('clinic_id', '=', clinicId)
          .executeTakeFirstOrThrow()
          .then((r) => Number(r.n)),
      ]),
    /** Slots freed in [from, to) (ISO instants), for the refill figures. */
    slotsFreedIn: (clinicId: string, from: string, to: string) =>
      db
        .selectFrom('waitlist_slots')
        .select(['status', 'offers_sent', 'freed_at', 'filled_at'])
        .where('clinic_id', '=', clinicId)
        .where('freed_at', '>=', from)
        .where('freed_at', '<', to)
        .execute(),
    /** Claims wave `wave` of an open slot (the previous one done): true for exactly one caller. */
    claimWave: async (clinicId: string, id: string, wave: number, now: string) =>
      changed(
        await db
          .updateTable('waitlist_slots')
          .set({ waves: wave, updated_at: now })
          .where('clinic_id', '=', clinicId)
          .where('id', '=', id)
          .where('status', '=', 'offering')
          .where('waves', '=', wave - 1)
          .executeTakeFirst(),
      ) > 0,
    addOffersSent: (clinicId: string, id: string, n: number) =>
      db
        .updateTable('waitlist_slots')
        .set((eb) => ({ offers_sent: eb('offers_sent', '+', n) }))
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .execute(),
    /** Moves a slot from one of `from` (the atomic step of 「先確認者得」: one caller wins). */
    moveSlot: async (clinicId: string, id: string, from: string[], patch: Updateable<WaitlistSlotsTable>) =>
      changed(
        await db
          .updateTable('waitlist_slots')
          .set(patch)
          .where('clinic_id', '=', clinicId)
          .where('id', '=', id)
          .where('status', 'in', from)
          .executeTakeFirst(),
      ) > 0,
    setSlot: (clinicId: string, id: string, patch: Updateable<WaitlistSlotsTable>) =>
      db.updateTable('waitlist_slots').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id).execute(),

    insertOffers: (rows: Insertable<WaitlistOffersTable>[]) =>
      rows.length ? db.insertInto('waitlist_offers').values(rows).execute() : Promise.resolve([]),
    offer: (clinicId: string, id: string) =>
      db
        .selectFrom('waitlist_offers')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    offersOfSlots: (clinicId: string, slotIds: string[]) =>
      slotIds.length
        ? db
            .selectFrom('waitlist_offers')
            .selectAll()
            .where('clinic_id', '=', clinicId)
            .where('slot_id', 'in', slotIds)
            .orderBy('wave')
            .orderBy('created_at')
            .execute()
        : Promise.resolve([]),
    moveOffer: async (clinicId: string, id: string, from: string[], patch: Updateable<WaitlistOffersTable>) =>
      changed(
        await db
          .updateTable('waitlist_offers')
          .set(patch)
          .where('clinic_id', '=', clinicId)
          .where('id', '=', id)
          .where('status', 'in', from)
          .executeTakeFirst(),
      ) > 0,
    /** Offers of a slot still open (sent, unanswered) → `to`; returns them. */
    closeOpenOffers: async (clinicId: string, slotId: string, to: string, now: string) => {
      const open = await db
        .selectFrom('waitlist_offers')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('slot_id', '=', slotId)
        .where('status', '=', 'sent')
        .execute();
      if (open.length)
        await db
          .updateTable('waitlist_offers')
          .set({ status: to, updated_at: now })
          .where('clinic_id', '=', clinicId)
          .where('slot_id', '=', slotId)
          .where('status', '=', 'sent')
          .execute();
      return open;
    },
    setNotice: (clinicId: string, ids: string[], notice: string, now: string) =>
      ids.length
        ? db
            .updateTable('waitlist_offers')
            .set({ notice, updated_at: now })
            .where('clinic_id', '=', clinicId)
            .where('id', 'in', ids)
            .execute()
        : Promise.resolve([]),
  };
}
