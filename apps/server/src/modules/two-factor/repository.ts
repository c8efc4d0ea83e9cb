// The only place SQL runs on staff_two_factor, staff_recovery_codes, login_challenges and
// clinic_security_settings.
import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { LoginChallengesTable, StaffTwoFactorTable } from './tables.ts';

export type TwoFactorRow = Selectable<StaffTwoFactorTable>;
export type ChallengeRow = Selectable<LoginChallengesTable>;

export function twoFactorRepository(db: Kysely<DB>) {
  return {
    find: (userId: string) =>
      db.selectFrom('staff_two_factor').selectAll().where('user_id', '=', userId).executeTakeFirst(),
    /** Stores a fresh (not yet enabled) secret, replacing an unfinished set-up. */
    async putPending(row: TwoFactorRow) {
      await db.deleteFrom('staff_two_factor').where('user_id', '=', row.user_id).execute();
      await db.insertInto('staff_two_factor').values(row).execute();
    },
    /**
     * Moves last_step forward only if it is still below `step`: of two requests with the same
     * code, one wins. Returns whether this one did.
     */
    async advanceStep(userId: string, step: number, enabledAt: string | null, at: string): Promise<boolean> {
      const r = await db
        .updateTable('staff_two_factor')
        .set({ last_step: step, updated_at: at, ...(enabledAt ? { enabled_at: enabledAt } : {}) })
        .where('user_id', '=', userId)
        .where('last_step', '<', step)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async remove(userId: string) {
      await db.deleteFrom('staff_recovery_codes').where('user_id', '=', userId).execute();
      await db.deleteFrom('staff_two_factor').where('user_id', '=', userId).execute();
    },
    /** user ids of the clinic's staff with two-factor login on. */
    enabledIn: async (clinicId: string) =>
      (
        await db
          .selectFrom('staff_two_factor')
          .select('user_id')
          .where('clinic_id', '=', clinicId)
          .where('enabled_at', 'is not', null)
          .execute()
      ).map((r) => r.user_id),

    async replaceRecoveryCodes(
      userId: string,
      clinicId: string | null,
      rows: { id: string; code_hash: string }[],
      at: string,
    ) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('staff_recovery_codes').where('user_id', '=', userId).execute();
        await trx
          .insertInto('staff_recovery_codes')
          .values(rows.map((r) => ({ ...r, user_id: userId, clinic_id: clinicId, used_at: null, created_at: at })))
          .execute();
      });
    },
    /** Marks the unused code with this hash used; false when there is none (wrong or used). */
    async useRecoveryCode(userId: string, codeHash: string, at: string): Promise<boolean> {
      const r = await db
        .updateTable('staff_recovery_codes')
        .set({ used_at: at })
        .where('user_id', '=', userId)
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    recoveryCodesLeft: async (userId: string) =>
      Number(
        (
          await db
            .selectFrom('staff_recovery_codes')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('user_id', '=', userId)
            .where('used_at', 'is', null)
            .executeTakeFirstOrThrow()
        ).n,
      ),

    createChallenge: (row: ChallengeRow) => db.insertInto('login_challenges').values(row).execute(),
    findChallenge: (id: string) =>
      db.selectFrom('login_challenges').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Counts one wrong code; returns the attempts so far. */
    async countAttempt(id: string): Promise<number> {
      await db
        .updateTable('login_challenges')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .execute();
      return (
        (await db.selectFrom('login_challenges').select('attempts').where('id', '=', id).executeTakeFirst())
          ?.attempts ?? Infinity
      );
    },
    deleteChallenge: (id: string) => db.deleteFrom('login_challenges').where('id', '=', id).execute(),
    /** Removes the user's other half-done logins and any that expired (kept small without a job). */
    deleteStaleChallenges: (userId: string, now: string) =>
      db
        .deleteFrom('login_challenges')
        .where((eb) => eb.or([eb('user_id', '=', userId), eb('expires_at', '<=', now)]))
        .execute(),

    requireTwoFactor: async (clinicId: string) =>
      (
        await db
          .selectFrom('clinic_security_settings')
          .select('require_two_factor')
          .where('clinic_id', '=', clinicId)
          .executeTakeFirst()
      )?.require_two_factor === 1,
    settings: (clinicId: string) =>
      db.selectFrom('clinic_security_settings').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    saveSettings: (clinicId: string, requireTwoFactor: boolean, by: string, at: string) =>
      db
        .insertInto('clinic_security_settings')
        .values({ clinic_id: clinicId, require_two_factor: requireTwoFactor ? 1 : 0, updated_by: by, updated_at: at })
        .onConflict((oc) =>
          oc
            .column('clinic_id')
            .doUpdateSet({ require_two_factor: requireTwoFactor ? 1 : 0, updated_by: by, updated_at: at }),
        )
        .execute(),
  };
}
