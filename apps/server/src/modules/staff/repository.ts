import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { StaffUsersTable } from '../../db/tables.ts';

export type StaffRow = Selectable<StaffUsersTable>;

export function staffRepository(db: Kysely<DB>) {
  return {
    findByEmail: (email: string) =>
      db.selectFrom('staff_users').selectAll().where('email', '=', email).executeTakeFirst(),
    findByInviteHash: (hash: string) =>
      db.selectFrom('staff_users').selectAll().where('invite_token_hash', '=', hash).executeTakeFirst(),
    findInClinic: (clinicId: string, id: string) =>
      db
        .selectFrom('staff_users')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    listInClinic: (clinicId: string) =>
      db
        .selectFrom('staff_users')
        .select(['id', 'email', 'name', 'role', 'status', 'last_login_at', 'created_at'])
        .where('clinic_id', '=', clinicId)
        .orderBy('created_at')
        .orderBy('email')
        .execute(),
    countActiveAdmins: async (clinicId: string) =>
      Number(
        (
          await db
            .selectFrom('staff_users')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('clinic_id', '=', clinicId)
            .where('role', '=', 'admin')
            .where('status', '=', 'active')
            .executeTakeFirstOrThrow()
        ).n,
      ),
    insert: (row: StaffRow) => db.insertInto('staff_users').values(row).execute(),
    update: (clinicId: string | null, id: string, patch: Partial<StaffRow>) => {
      let q = db.updateTable('staff_users').set(patch).where('id', '=', id);
      q = clinicId === null ? q.where('clinic_id', 'is', null) : q.where('clinic_id', '=', clinicId);
      return q.execute();
    },
    createSession: (s: DB['sessions']) => db.insertInto('sessions').values(s).execute(),
    deleteSession: (id: string) => db.deleteFrom('sessions').where('id', '=', id).execute(),
    deleteSessionsOf: (userId: string) => db.deleteFrom('sessions').where('user_id', '=', userId).execute(),
    clinicName: async (clinicId: string | null) =>
      clinicId
        ? ((await db.selectFrom('clinics').select('name').where('id', '=', clinicId).executeTakeFirst())?.name ?? null)
        : null,
  };
}
