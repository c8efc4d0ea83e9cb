// Doctors from the HIS (upsert by the HIS's doctor id), the clinic's doctor list, and which
// HIS doctor a doctor's login is: the link an admin sets, else a doctor with the same name.
import type { Kysely, Transaction } from 'kysely';
import type { Static } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { checkPersonName } from '../../platform/tw.ts';
import { staffService } from '../staff/service.ts';
import { doctorRepository } from './repository.ts';
import type { DoctorBody } from './schemas.ts';
import type { DoctorsTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type DoctorInput = Static<typeof DoctorBody>;
export type DoctorRow = DoctorsTable;

export const toApiDoctor = (r: DoctorsTable) => ({
  doctorId: r.his_id,
  name: r.name,
  department: r.department,
  title: r.title,
  active: Number(r.active) === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const sameName = (a: string, b: string) => a.replace(/\s/g, '') === b.replace(/\s/g, '');

/** Doctors by internal id (for rows that reference them). */
export async function doctorsByIds(db: Db, clinicId: string, ids: string[]): Promise<Map<string, DoctorRow>> {
  return new Map((await doctorRepository(db).byIds(clinicId, ids)).map((d) => [d.id, d]));
}

/** Doctors by the HIS's doctor id. */
export async function doctorsByHisIds(db: Db, clinicId: string, hisIds: string[]): Promise<Map<string, DoctorRow>> {
  return new Map((await doctorRepository(db).byHisIds(clinicId, hisIds)).map((d) => [d.his_id, d]));
}

export const doctorByHisId = (db: Db, clinicId: string, hisId: string) => doctorRepository(db).byHisId(clinicId, hisId);

export const doctorById = (db: Db, clinicId: string, id: string) => doctorRepository(db).byId(clinicId, id);

export const clinicDoctors = (db: Db, clinicId: string, opts: { activeOnly?: boolean } = {}) =>
  doctorRepository(db).list(clinicId, opts);

export function doctorService(deps: Deps) {
  const db = deps.db;
  return {
    async upsert(clinicId: string, hisId: string, input: DoctorInput, actor: Actor, ip = '') {
      const name = checkPersonName(input.name);
      if (!name.ok) throw errors.validation([{ field: 'name', code: 'name', message: name.message }]);
      const now = deps.clock.now().toISOString();
      const cols = {
        name: name.value,
        ...(input.department !== undefined ? { department: input.department?.trim() ?? null } : {}),
        ...(input.title !== undefined ? { title: input.title?.trim() ?? null } : {}),
        ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
      };
      const { res, created } = await db.transaction().execute(async (trx) => {
        const repo = doctorRepository(trx);
        const existing = await repo.byHisId(clinicId, hisId);
        if (existing) await repo.update(clinicId, existing.id, { ...cols, updated_at: now });
        else
          await repo.insert({
            id: newId(),
            clinic_id: clinicId,
            his_id: hisId,
            department: null,
            title: null,
            active: 1,
            created_at: now,
            updated_at: now,
            ...cols,
          });
        return { res: (await repo.byHisId(clinicId, hisId))!, created: !existing };
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: created ? 'doctor.created' : 'doctor.updated',
        entityType: 'doctor',
        entityId: res.id,
        detail: { doctorId: hisId },
        ip,
      });
      return { created, doctor: toApiDoctor(res) };
    },

    /**
     * The clinic's doctors and the caller's own doctor: the login's link, else (for a doctor's
     * login) the doctor with the same name. A doctor's login that is neither is flagged, so the
     * calendar can ask the person to have an admin link it instead of inventing a doctor.
     */
    async list(clinicId: string, staff: { userId: string; name: string; role: string }) {
      const rows = await clinicDoctors(db, clinicId);
      const link = await staffService(deps).doctorLinkOf(clinicId, staff.userId);
      let mine = link ? rows.find((r) => r.id === link) : undefined;
      let matchedBy: 'link' | 'name' | null = mine ? 'link' : null;
      if (!mine && staff.role === 'doctor') {
        mine = rows.find((r) => sameName(r.name, staff.name));
        if (mine) matchedBy = 'name';
      }
      return {
        items: rows.map((r) => ({
          id: r.his_id,
          name: r.name,
          department: r.department,
          title: r.title,
          active: Number(r.active) === 1,
        })),
        myDoctorId: mine?.his_id ?? null,
        matchedBy,
        unlinkedDoctorLogin: staff.role === 'doctor' && !mine,
      };
    },

    /** Doctor logins with their linked doctor (null: matched by name, see list()). */
    async links(clinicId: string) {
      const [logins, docs] = await Promise.all([
        staffService(deps).doctorLogins(clinicId),
        clinicDoctors(db, clinicId),
      ]);
      return logins.map((l) => {
        const linked = docs.find((d) => d.id === l.doctorId);
        const byName = docs.find((d) => sameName(d.name, l.name));
        return {
          staffId: l.id,
          name: l.name,
          email: l.email,
          doctorId: linked?.his_id ?? null,
          matchedByName: linked ? null : (byName?.his_id ?? null),
        };
      });
    },

    async link(clinicId: string, staffId: string, doctorHisId: string | null, actor: Actor, ip: string) {
      let doctorId: string | null = null;
      if (doctorHisId) {
        const d = await doctorByHisId(db, clinicId, doctorHisId);
        if (!d) throw errors.notFound('醫師');
        doctorId = d.id;
      }
      await staffService(deps).setDoctorLink(clinicId, staffId, doctorId);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'staff.doctor_linked',
        entityType: 'staff',
        entityId: staffId,
        detail: { doctorId: doctorHisId },
        ip,
      });
      return { staffId, doctorId: doctorHisId };
    },
  };
}
