// HIS API keys per clinic: created by admins, shown once, stored as a SHA-256 hash (the key
// has 256 bits of entropy, so a fast hash is safe), revocable, last use recorded.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { AuthLookups } from '../../platform/auth.ts';
import { newId, randomToken, sha256Hex } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { clinicService } from '../clinics/service.ts';
import { apiKeyRepository, type ApiKeyRow } from './repository.ts';

/** The API-key lookups of platform/auth.ts's guard (wired into Deps by deps-factory). */
export function apiKeyLookups(db: Kysely<DB>): Pick<AuthLookups, 'apiKey' | 'touchApiKey'> {
  const repo = apiKeyRepository(db);
  return {
    async apiKey(hash) {
      const r = await repo.unrevokedByHash(hash);
      return r ? { id: r.id, clinicId: r.clinic_id, name: r.name, lastUsedAt: r.last_used_at } : null;
    },
    async touchApiKey(id, at) {
      await repo.touch(id, at);
    },
  };
}

const toApiKey = (r: ApiKeyRow, sandboxClinicId: string | null = null) => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  sandbox: r.clinic_id === sandboxClinicId,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export function apiKeyService(deps: Deps) {
  const r = apiKeyRepository(deps.db);
  const clinics = clinicService(deps);
  return {
    /** The clinic's keys and those of its sandbox (marked `sandbox: true`). */
    async list(clinicId: string) {
      const sb = await clinics.sandboxOf(clinicId);
      return (await r.list(sb ? [clinicId, sb] : [clinicId])).map((k) => toApiKey(k, sb));
    },

    /**
     * The clinic's sandbox (a clinic with `sandbox_of` = the clinic), created on first use and
     * named "<clinic> (沙盒)": sandbox keys write there, never to the real clinic's patients.
     */
    async sandboxClinic(clinicId: string): Promise<string> {
      const existing = await clinics.sandboxOf(clinicId);
      if (existing) return existing;
      const clinic = await clinics.get(clinicId);
      if (clinic.isSandbox) throw errors.badRequest('沙盒診所不能再建立沙盒');
      return (
        await clinics.create({
          name: `${clinic.name} (沙盒)`,
          timeZone: clinic.timeZone,
          sandboxOf: clinicId,
        })
      ).id;
    },

    /** Whether this exact key exists (revoked or not): the demo seeds its known key once. */
    exists: async (plain: string) => (await r.findByHash(sha256Hex(plain))) !== undefined,

    /**
     * Creates a key; `plain` lets the demo seed a known key; `sandbox` makes it a key of the
     * clinic's sandbox. Returns the key once.
     */
    async create(
      clinicId: string,
      name: string,
      actor: Actor,
      ip: string,
      plain?: string,
      opts: { sandbox?: boolean } = {},
    ) {
      const key = plain ?? `${opts.sandbox ? 'clk_test_' : 'clk_'}${randomToken(32)}`;
      const target = opts.sandbox ? await this.sandboxClinic(clinicId) : clinicId;
      const row = {
        id: newId(),
        clinic_id: target,
        name: name.trim(),
        prefix: key.slice(0, opts.sandbox ? 13 : 8),
        key_hash: sha256Hex(key),
        created_by: actor.id,
        created_at: deps.clock.now().toISOString(),
        last_used_at: null,
        revoked_at: null,
      };
      await r.insert(row);
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'api_key.created',
        entityType: 'api_key',
        entityId: row.id,
        detail: { name: row.name, prefix: row.prefix, sandbox: !!opts.sandbox },
        ip,
      });
      return { apiKey: toApiKey(row, opts.sandbox ? target : null), key };
    },

    async revoke(clinicId: string, id: string, actor: Actor, ip: string) {
      const sb = await clinics.sandboxOf(clinicId);
      const owner = sb && (await r.get(sb, id)) ? sb : clinicId;
      const res = await r.revoke(owner, id, deps.clock.now().toISOString());
      if (Number(res.numUpdatedRows) === 0) {
        if (!(await r.get(owner, id))) throw errors.notFound('API 金鑰');
        return;
      }
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'api_key.revoked',
        entityType: 'api_key',
        entityId: id,
        ip,
      });
    },
  };
}
