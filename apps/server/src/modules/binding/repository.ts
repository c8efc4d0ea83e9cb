// SQL of patient binding: one-time codes, LINE user ↔ patient bindings and privacy consents.
// Every method takes the clinic id.
import type { Insertable, Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { BindingConsentsTable, FamilyOffersTable, LineBindingsTable, OtpCodesTable } from './tables.ts';

export function bindingRepository(db: Kysely<DB>) {
  return {
    // ---- codes (one per phone)
    otp: (clinicId: string, phoneHash: string) =>
      db
        .selectFrom('otp_codes')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('phone_hash', '=', phoneHash)
        .executeTakeFirst(),
    /** The phone's new code replaces the previous one. */
    putOtp: (row: OtpCodesTable) => {
      const { clinic_id: _c, phone_hash: _p, ...rest } = row;
      return db
        .insertInto('otp_codes')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'phone_hash']).doUpdateSet(rest))
        .execute();
    },
    /** Counts one attempt on this code while attempts remain; returns the new count, or null. */
    countAttempt: async (clinicId: string, phoneHash: string, codeHash: string, maxAttempts: number) =>
      (
        await db
          .updateTable('otp_codes')
          .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
          .where('clinic_id', '=', clinicId)
          .where('phone_hash', '=', phoneHash)
          .where('code_hash', '=', codeHash)
          .where('attempts', '<', maxAttempts)
          .where('consumed_at', 'is', null)
          .returning('attempts')
          .executeTakeFirst()
      )?.attempts ?? null,
    expireOtp: (clinicId: string, phoneHash: string, at: string) =>
      db
        .updateTable('otp_codes')
        .set({ expires_at: at })
        .where('clinic_id', '=', clinicId)
        .where('phone_hash', '=', phoneHash)
        .execute(),
    /** Marks the code used; false when it was used already (a parallel verify won). */
    consumeOtp: async (clinicId: string, phoneHash: string, codeHash: string, at: string) => {
      const r = await db
        .updateTable('otp_codes')
        .set({ consumed_at: at })
        .where('clinic_id', '=', clinicId)
        .where('phone_hash', '=', phoneHash)
        .where('consumed_at', 'is', null)
        .where('code_hash', '=', codeHash)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    // ---- bindings
    bind: (row: LineBindingsTable) =>
      db
        .insertInto('line_bindings')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'line_user_id', 'patient_id']).doNothing())
        .execute(),
    /** The patients bound to one LINE user. */
    ofLineUser: (clinicId: string, lineUserId: string) =>
      db
        .selectFrom('line_bindings')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', '=', lineUserId)
        .execute(),
    isBound: async (clinicId: string, lineUserId: string, patientId: string) =>
      (await db
        .selectFrom('line_bindings')
        .select('patient_id')
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', '=', lineUserId)
        .where('patient_id', '=', patientId)
        .executeTakeFirst()) !== undefined,
    /** The LINE users bound to these patients, newest binding first. */
    ofPatients: async (clinicId: string, patientIds: string[]) => {
      const out: LineBindingsTable[] = [];
      for (let i = 0; i < patientIds.length; i += 500)
        out.push(
          ...(await db
            .selectFrom('line_bindings')
            .selectAll()
            .where('clinic_id', '=', clinicId)
            .where('patient_id', 'in', patientIds.slice(i, i + 500))
            .orderBy('created_at', 'desc')
            .execute()),
        );
      return out;
    },
    /** The patients bound to each of these LINE users (primary key lookups). */
    patientsOfLineUsers: async (clinicId: string, lineUserIds: string[]) => {
      const out: { line_user_id: string; patient_id: string }[] = [];
      for (let i = 0; i < lineUserIds.length; i += 500)
        out.push(
          ...(await db
            .selectFrom('line_bindings')
            .select(['line_user_id', 'patient_id'])
            .where('clinic_id', '=', clinicId)
            .where('line_user_id', 'in', lineUserIds.slice(i, i + 500))
            .execute()),
        );
      return out;
    },
    /** The LINE users who proved this phone (its lookup hash) when they bound. */
    ofPhoneHash: (clinicId: string, phoneHash: string) =>
      db
        .selectFrom('line_bindings')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('phone_hash', '=', phoneHash)
        .execute(),
    allLineUsers: async (clinicId: string) =>
      (
        await db
          .selectFrom('line_bindings')
          .select('line_user_id')
          .distinct()
          .where('clinic_id', '=', clinicId)
          .execute()
      ).map((r) => r.line_user_id),
    unbindLineUser: (clinicId: string, lineUserId: string) =>
      db.deleteFrom('line_bindings').where('clinic_id', '=', clinicId).where('line_user_id', '=', lineUserId).execute(),
    unbindPatient: (clinicId: string, patientId: string) =>
      db.deleteFrom('line_bindings').where('clinic_id', '=', clinicId).where('patient_id', '=', patientId).execute(),

    addConsent: (row: Insertable<BindingConsentsTable>) => db.insertInto('binding_consents').values(row).execute(),

    // ---- offers of a family member added later (one per patient and LINE user, ever)
    /** Records the offer; false when this patient was offered to this user before. */
    addOffer: async (row: FamilyOffersTable) =>
      (
        await db
          .insertInto('family_offers')
          .values(row)
          .onConflict((oc) => oc.columns(['clinic_id', 'patient_id', 'line_user_id']).doNothing())
          .returning('id')
          .executeTakeFirst()
      )?.id === row.id,
    offer: (clinicId: string, id: string) =>
      db
        .selectFrom('family_offers')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    /** Answers an open offer; false when it was answered already. */
    answerOffer: async (clinicId: string, id: string, status: 'accepted' | 'declined', at: string) => {
      const r = await db
        .updateTable('family_offers')
        .set({ status, answered_at: at })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .where('status', '=', 'offered')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
