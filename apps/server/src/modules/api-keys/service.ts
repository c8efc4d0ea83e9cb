// HIS API keys per clinic: created by admins, shown once, stored as a SHA-256 hash (the key
// has 256 bits of entropy, so a fast hash is safe), revocable, last use recorded.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId, randomToken, sha256Hex } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';

function repo(db: Kysely<DB>) {
  return {
    list: (clinicId: string) => db.selectFrom('api_keys').selectAll().where('clinic_id', '=', clinicId).orderBy('created_at', 'desc').execute(),
    insert: (row: DB['api_keys']) => db.insertInto('api_keys').values(row).execute(),
    revoke: (clinicId: string, id: string, at: string) =>
      db.updateTable('api_keys').set({ revoked_at: at }).where('clinic_id', '=', clinicId).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst(),
    get: (clinicId: string, id: string) => db.selectFrom('api_keys').selectAll().where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst(),
  };
}

type Row = Awaited<ReturnType<ReturnType<typeof repo>['list']>>[number];
const toApiKey = (r: Row) => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at });

export function apiKeyService(deps: Deps) {
  const r = repo(deps.db);
  return {
    list: async (clinicId: string) => (await r.list(clinicId)).map(toApiKey),

    /** Creates a key; `plain` lets the demo seed a known key. Returns the key once. */
    async create(clinicId: string, name: string, actor: Actor, ip: string, plain?: string) {
      const key = plain ?? `clk_${randomToken(32)}`;
      const row = { id: newId(), clinic_id: clinicId, name: name.trim(), prefix: key.slice(0, 8), key_hash: sha256Hex(key), created_by: actor.id, created_at: deps.clock.now().toISOString(), last_used_at: null, revoked_at: null };
      await r.insert(row);
      await recordAudit(deps.db, deps.clock, { clinicId, actor, action: 'api_key.created', entityType: 'api_key', entityId: row.id, detail: { name: row.name, prefix: row.prefix }, ip });
      return { apiKey: toApiKey(row), key };
    },

    async revoke(clinicId: string, id: string, actor: Actor, ip: string) {
      const res = await r.revoke(clinicId, id, deps.clock.now().toISOString());
      if (Number(res.numUpdatedRows) === 0) {
        if (!(await r.get(clinicId, id))) throw errors.notFound('API 金鑰');
        return;
      }
      await recordAudit(deps.db, deps.clock, { clinicId, actor, action: 'api_key.revoked', entityType: 'api_key', entityId: id, ip });
    },
  };
}
