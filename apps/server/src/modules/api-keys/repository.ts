// The only place SQL runs on api_keys.
import type { Kysely, Selectable } from 'kysely';
import { precompiled } from '../../db/precompiled.ts';
import type { DB } from '../../db/schema.ts';
import type { ApiKeysTable } from './tables.ts';

export type ApiKeyRow = Selectable<ApiKeysTable>;

// Run on every HIS call: built and compiled once per database handle.
const unrevokedByHash = precompiled(1, (db, hash) =>
  db
    .selectFrom('api_keys')
    .select(['id', 'clinic_id', 'name', 'last_used_at'])
    .where('key_hash', '=', hash)
    .where('revoked_at', 'is', null),
);

export function apiKeyRepository(db: Kysely<DB>) {
  return {
    list: (clinicIds: string[]) =>
      db.selectFrom('api_keys').selectAll().where('clinic_id', 'in', clinicIds).orderBy('created_at', 'desc').execute(),
    get: (clinicId: string, id: string) =>
      db.selectFrom('api_keys').selectAll().where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst(),
    /** Any key with this hash, revoked or not. */
    findByHash: (hash: string) =>
      db.selectFrom('api_keys').select(['id', 'clinic_id']).where('key_hash', '=', hash).executeTakeFirst(),
    unrevokedByHash: async (hash: string) => (await unrevokedByHash(db, hash))[0],
    insert: (row: ApiKeyRow) => db.insertInto('api_keys').values(row).execute(),
    revoke: (clinicId: string, id: string, at: string) =>
      db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),
    touch: (id: string, at: string) =>
      db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute(),
  };
}
