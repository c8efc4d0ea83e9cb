// The only place SQL runs on staff_users and sessions.
import type { Kysely, Selectable } from 'kysely';
import { precompiled } from '../../db/precompiled.ts';
import type { DB } from '../../db/schema.ts';
import type { SessionsTable, StaffUsersTable } from './tables.ts';

export type StaffRow = Selectable<StaffUsersTable>;
export type SessionRow = Selectable<SessionsTable>;

// Run on every authenticated request: built and compiled once per database handle, because
// building a Kysely query costs more than SQLite takes to answer it.
const sessionWithUser = precompiled(1, (db, id) =>
  db
    .selectFrom('sessions')
    .innerJoin('staff_users', 'staff_users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.csrf_token',
      'sessions.expires_at',
      'sessions.last_seen_at',
      'staff_users.id as user_id',
      'staff_users.clinic_id',
      'staff_users.role',
      'staff_users.email',
      'staff_users.name',
      'staff_users.status',
    ])
    .where('sessions.id', '=', id),
);

export type SessionWithUser = Awaited<ReturnType<typeof sessionWithUser>>[number];

export function staffRepository(db: Kysely<DB>) {
  return {
    findByEmail: (email: string) =>
      db.selectFrom('staff_users').selectAll().where('email', '=', email).executeTakeFirst(),
    findById: (id: string) => db.selectFrom('staff_users').selectAll().where('id', '=', id).executeTakeFirst(),
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
    /** The clinic's doctor logins that are not disabled, with the HIS doctor each is linked to. */
    listDoctorLogins: (clinicId: string) =>
      db
        .selectFrom('staff_users')
        .select(['id', 'name', 'email', 'status', 'doctor_id'])
        .where('clinic_id', '=', clinicId)
        .where('role', '=', 'doctor')
        .where('status', '!=', 'disabled')
        .orderBy('name')
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
    createSession: (s: SessionRow) => db.insertInto('sessions').values(s).execute(),
    /** A session (by the hash of its token) with its user, or undefined. */
    sessionWithUser: async (id: string): Promise<SessionWithUser | undefined> => (await sessionWithUser(db, id))[0],
    touchSession: (id: string, at: string) =>
      db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute(),
    deleteSession: (id: string) => db.deleteFrom('sessions').where('id', '=', id).execute(),
    deleteSessionsOf: (userId: string) => db.deleteFrom('sessions').where('user_id', '=', userId).execute(),
    /** Every session of the user but `keepId` (the one making the change). */
    deleteOtherSessionsOf: (userId: string, keepId: string) =>
      db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '<>', keepId).execute(),
  };
}
