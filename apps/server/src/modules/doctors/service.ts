// Doctors from the HIS: upsert by the HIS's doctor id.
import { Type } from 'typebox';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { checkPersonName } from '../../platform/tw.ts';
import type { DoctorsTable } from './tables.ts';

export const DoctorBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: '醫師姓名', examples: ['林醫師'] }),
    department: Type.Optional(
      Type.Union([Type.String({ maxLength: 50 }), Type.Null()], { description: '科別', examples: ['牙科'] }),
    ),
    title: Type.Optional(
      Type.Union([Type.String({ maxLength: 50 }), Type.Null()], { description: '職稱', examples: ['主治醫師'] }),
    ),
    active: Type.Optional(Type.Boolean({ description: '是否仍在看診，預設 true' })),
  },
  { additionalProperties: false },
);
export type DoctorInput = { name: string; department?: string | null; title?: string | null; active?: boolean };

export const Doctor = Type.Object(
  {
    doctorId: Type.String(),
    name: Type.String(),
    department: Type.Union([Type.String(), Type.Null()]),
    title: Type.Union([Type.String(), Type.Null()]),
    active: Type.Boolean(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'HisDoctor' },
);

export const toApiDoctor = (r: DoctorsTable) => ({
  doctorId: r.his_id,
  name: r.name,
  department: r.department,
  title: r.title,
  active: r.active === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

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
        const existing = await trx
          .selectFrom('doctors')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('his_id', '=', hisId)
          .executeTakeFirst();
        if (existing)
          await trx
            .updateTable('doctors')
            .set({ ...cols, updated_at: now })
            .where('clinic_id', '=', clinicId)
            .where('id', '=', existing.id)
            .execute();
        else
          await trx
            .insertInto('doctors')
            .values({
              id: newId(),
              clinic_id: clinicId,
              his_id: hisId,
              department: null,
              title: null,
              active: 1,
              created_at: now,
              updated_at: now,
              ...cols,
            })
            .execute();
        const row = await trx
          .selectFrom('doctors')
          .selectAll()
          .where('clinic_id', '=', clinicId)
          .where('his_id', '=', hisId)
          .executeTakeFirstOrThrow();
        return { res: row, created: !existing };
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
  };
}
