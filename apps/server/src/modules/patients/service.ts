// Patients from the HIS: upsert by the HIS's patient id (validated and normalised), and the
// patient's LINE status light.
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { localDate } from '../../platform/tw.ts';
import { light } from '../status/lights.ts';
import { normalizePatient, type PatientInput } from './validate.ts';
import type { PatientRow } from './tables.ts';
import { syncPatientIndex } from '../patient-list/sync.ts';

export function toApiPatient(r: PatientRow) {
  return {
    patientId: r.his_id,
    name: r.name,
    chartNo: r.chart_no,
    gender: r.gender,
    birthDate: r.birth_date,
    phone: r.phone_e164
      ? { e164: r.phone_e164, type: r.phone_is_mobile ? ('mobile' as const) : ('landline' as const) }
      : null,
    nationalIdMasked: r.national_id_masked,
    lights: { line: light('line', r.line_status) },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** What other modules need of a patient: no contact details beyond the phone's lookup hash. */
export type PatientSummary = {
  id: string;
  hisId: string;
  name: string;
  birthDate: string | null;
  lineStatus: string;
  /** The lookup hash of the patient's mobile number (null without one). */
  mobileHash: string | null;
};

const toSummary = (r: {
  id: string;
  his_id: string;
  name: string;
  birth_date: string | null;
  line_status: string;
  phone_hash: string | null;
  phone_is_mobile: number;
}): PatientSummary => ({
  id: r.id,
  hisId: r.his_id,
  name: r.name,
  birthDate: r.birth_date,
  lineStatus: r.line_status,
  mobileHash: r.phone_is_mobile === 1 ? r.phone_hash : null,
});

export function patientService(deps: Deps) {
  const db = deps.db;
  const get = (clinicId: string, hisId: string) =>
    db
      .selectFrom('patients')
      .selectAll()
      .where('clinic_id', '=', clinicId)
      .where('his_id', '=', hisId)
      .executeTakeFirst();
  return {
    async upsert(clinicId: string, hisId: string, input: PatientInput, actor: Actor, ip = '') {
      const clinic = await db.selectFrom('clinics').select('time_zone').where('id', '=', clinicId).executeTakeFirst();
      const { columns } = normalizePatient(input, localDate(deps.clock.now(), clinic?.time_zone), deps.crypto);
      const now = deps.clock.now().toISOString();
      const created = await db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('patients')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('his_id', '=', hisId)
          .executeTakeFirst();
        if (existing) {
          await trx
            .updateTable('patients')
            .set({ ...columns, updated_at: now })
            .where('clinic_id', '=', clinicId)
            .where('id', '=', existing.id)
            .execute();
          await syncPatientIndex(trx, clinicId, [existing.id], now);
          return false;
        }
        await trx
          .insertInto('patients')
          .values({
            id: newId(),
            clinic_id: clinicId,
            his_id: hisId,
            chart_no: null,
            gender: null,
            birth_date: null,
            phone_e164: null,
            phone_is_mobile: 0,
            phone_hash: null,
            national_id_enc: null,
            national_id_hash: null,
            national_id_masked: null,
            line_status: 'unbound',
            line_status_at: null,
            created_at: now,
            updated_at: now,
            ...columns,
          })
          .execute();
        const inserted = await trx
          .selectFrom('patients')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('his_id', '=', hisId)
          .executeTakeFirstOrThrow();
        await syncPatientIndex(trx, clinicId, [inserted.id], now);
        return true;
      });
      const row = (await get(clinicId, hisId))!;
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: created ? 'patient.created' : 'patient.updated',
        entityType: 'patient',
        entityId: row.id,
        detail: { patientId: hisId, fields: Object.keys(input) },
        ip,
      });
      return { created, patient: toApiPatient(row) };
    },

    /** Name, birth date, HIS id and LINE light of these patients (other modules' lists of them). */
    async summaries(clinicId: string, ids: string[]): Promise<PatientSummary[]> {
      if (!ids.length) return [];
      const rows = await db
        .selectFrom('patients')
        .select(['id', 'his_id', 'name', 'birth_date', 'line_status', 'phone_hash', 'phone_is_mobile'])
        .where('clinic_id', '=', clinicId)
        .where('id', 'in', ids)
        .execute();
      return rows.map(toSummary);
    },

    /** The patients whose mobile number has this lookup hash (a family sharing one phone). */
    async withMobileHash(clinicId: string, phoneHash: string): Promise<PatientSummary[]> {
      const rows = await db
        .selectFrom('patients')
        .select(['id', 'his_id', 'name', 'birth_date', 'line_status', 'phone_hash', 'phone_is_mobile'])
        .where('clinic_id', '=', clinicId)
        .where('phone_hash', '=', phoneHash)
        .where('phone_is_mobile', '=', 1)
        .execute();
      return rows.map(toSummary);
    },

    async status(clinicId: string, hisId: string) {
      const r = await get(clinicId, hisId);
      if (!r) throw errors.notFound('病患');
      return {
        patientId: r.his_id,
        lights: { line: light('line', r.line_status) },
        lineStatusChangedAt: r.line_status_at,
      };
    },
  };
}
