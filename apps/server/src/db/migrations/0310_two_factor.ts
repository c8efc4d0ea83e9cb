import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// Two-factor login: a staff member's TOTP secret (encrypted with ENCRYPTION_KEY; enabled_at
// null while the set-up waits for its first code), the one-time recovery codes (keyed hashes
// only), the half-done logins between password and code, and each clinic's policy.
const m: Migration = {
  version: 310,
  name: 'two_factor',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('staff_two_factor')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('staff_users.id'))
      .addColumn('clinic_id', 'text')
      .addColumn('secret_enc', 'text', (c) => c.notNull())
      .addColumn('enabled_at', 'text')
      .addColumn('last_step', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('staff_recovery_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('staff_users.id'))
      .addColumn('clinic_id', 'text')
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('staff_recovery_codes_user').on('staff_recovery_codes').column('user_id').execute();
    await db.schema
      .createTable('login_challenges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('staff_users.id'))
      .addColumn('clinic_id', 'text')
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('secret_enc', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('login_challenges_user').on('login_challenges').column('user_id').execute();
    await db.schema
      .createTable('clinic_security_settings')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('require_two_factor', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
export default m;
