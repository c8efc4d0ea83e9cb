// Patients: the HIS's upsert, what other modules ask about patients (by ids, HIS ids or phone;
// the LINE light column; merged-away ids), the visit summary kept on the patient row, the
// search index, and the search that segments, tags, recall and exports walk. No SQL here:
// the repositories hold it.
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { localDate } from '../../platform/tw.ts';
import { patientsWithAppointments, visitSummaries } from '../appointments/for-patients.ts';
import { clinicService } from '../clinics/service.ts';
import { light } from '../status/lights.ts';
import { maskPhone } from './grams.ts';
import { patientRepository, type Db, type Visits } from './repository.ts';
import {
  COUNT_CAP,
  matchingIds,
  searchPatients,
  type ListRow,
  type PatientFilter,
  type SearchCtx,
  type SortKey,
} from './search.repository.ts';
import type { PatientRow } from './tables.ts';
import { normalizePatient, type PatientInput } from './validate.ts';
import { FAMILY_OFFER_JOB } from '../binding/family-offer-job.ts';
import { enqueueJob } from '../../platform/jobs.ts';

export type { Db } from './repository.ts';
export type { ListRow, PatientFilter, SearchCtx, SortKey } from './search.repository.ts';

function toApiPatient(r: PatientRow) {
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

const toSummary = (r: PatientRow): PatientSummary => ({
  id: r.id,
  hisId: r.his_id,
  name: r.name,
  birthDate: r.birth_date,
  lineStatus: r.line_status,
  mobileHash: r.phone_is_mobile === 1 ? r.phone_hash : null,
});

/**
 * A patient with the contact details that reaching them needs (the recall list, status
 * changes); the encrypted national ID never leaves this module.
 */
export type PatientRecord = {
  id: string;
  hisId: string;
  name: string;
  chartNo: string | null;
  gender: string | null;
  birthDate: string | null;
  phoneE164: string | null;
  phoneIsMobile: boolean;
  phoneMasked: string | null;
  nationalIdMasked: string | null;
  lineStatus: string;
  createdAt: string;
  updatedAt: string;
};

const toRecord = (r: PatientRow): PatientRecord => ({
  id: r.id,
  hisId: r.his_id,
  name: r.name,
  chartNo: r.chart_no,
  gender: r.gender,
  birthDate: r.birth_date,
  phoneE164: r.phone_e164,
  phoneIsMobile: !!r.phone_is_mobile,
  phoneMasked: maskPhone(r.phone_e164),
  nationalIdMasked: r.national_id_masked,
  lineStatus: r.line_status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

// ---- Lookups for other modules (`db` is the caller's transaction when it has one) ----

/** Patients by internal id, in no particular order; ids of another clinic are left out. */
export async function patientsByIds(db: Db, clinicId: string, ids: string[]): Promise<PatientRecord[]> {
  return ids.length ? (await patientRepository(db).byIds(clinicId, ids)).map(toRecord) : [];
}

export async function patientById(db: Db, clinicId: string, id: string): Promise<PatientRecord | undefined> {
  const r = await patientRepository(db).get(clinicId, id);
  return r ? toRecord(r) : undefined;
}

/** Internal ids and LINE lights for HIS patient ids; a merged-away patient resolves to its survivor. */
export async function patientRefs(db: Db, clinicId: string, hisIds: string[]) {
  return patientRepository(db).refs(clinicId, hisIds);
}

/** Throws 404 unless every id is a patient of this clinic. */
export async function assertPatientsExist(db: Db, clinicId: string, ids: string[]): Promise<void> {
  const found = await patientRepository(db).byIds(clinicId, ids);
  if (found.length !== new Set(ids).size) throw errors.notFound('病患');
}

/** Ids among these that were merged into another patient. */
export async function mergedAwayIds(db: Db, clinicId: string, ids: string[]): Promise<Set<string>> {
  return ids.length ? patientRepository(db).mergedAway(clinicId, ids) : new Set();
}

/** Writes the patient's LINE light column (the status module keeps its change log and webhook). */
export async function setPatientLineStatus(db: Db, clinicId: string, id: string, to: string, nowIso: string) {
  await patientRepository(db).update(clinicId, id, { line_status: to, line_status_at: nowIso, updated_at: nowIso });
}

// ---- Search index and visit summary ----

const CHUNK = 300;

/** Recomputes profile, bigrams and visit summary of these patients (creating the profile when missing). */
export async function syncPatientIndex(
  db: Db,
  clinicId: string,
  patientIds: string[],
  nowIso: string,
  source = 'his',
): Promise<void> {
  const repo = patientRepository(db);
  for (let i = 0; i < patientIds.length; i += CHUNK) {
    const rows = await repo.indexSources(clinicId, patientIds.slice(i, i + CHUNK));
    if (!rows.length) continue;
    const visits = await visitSummaries(
      db,
      clinicId,
      rows.map((r) => r.id),
      nowIso,
    );
    for (const r of rows) {
      const v = visits.get(r.id) ?? { last: null, next: null, noShows: 0 };
      if (v.last !== r.last_visit_at || v.next !== r.next_visit_at || v.noShows !== Number(r.no_show_count))
        await repo.setVisits(clinicId, r.id, v);
    }
    await repo.writeIndex(clinicId, rows, nowIso, source);
  }
}

/** Last/next visit and no-show count of these patients (the appointments module calls it after its writes). */
export async function refreshVisits(db: Db, clinicId: string, patientIds: string[], nowIso: string): Promise<void> {
  const repo = patientRepository(db);
  const ids = [...new Set(patientIds)].sort(); // a fixed lock order: concurrent writers never deadlock
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const stats = await visitSummaries(db, clinicId, part, nowIso);
    for (const id of part) await repo.setVisits(clinicId, id, stats.get(id) ?? { last: null, next: null, noShows: 0 });
  }
}

/** Whole-clinic refresh: profiles for patients that have none, then the visit summary of everyone with appointments. */
export async function refreshClinicIndex(
  db: Db,
  clinicId: string,
  nowIso: string,
): Promise<{ created: number; refreshed: number }> {
  const repo = patientRepository(db);
  const missing = await repo.withoutProfile(clinicId);
  await syncPatientIndex(db, clinicId, missing, nowIso);
  const ids = await patientsWithAppointments(db, clinicId);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const stats: Map<string, Visits> = await visitSummaries(db, clinicId, ids.slice(i, i + CHUNK), nowIso);
    for (const [id, v] of stats) await repo.setVisits(clinicId, id, v);
  }
  return { created: missing.length, refreshed: ids.length };
}

// ---- Search (lists, segments, automatic tags, recall, export) ----

export async function searchCtx(deps: Deps, clinicId: string): Promise<SearchCtx> {
  const clinic = await clinicService(deps).get(clinicId);
  const now = deps.clock.now();
  return {
    crypto: deps.crypto,
    today: localDate(now, clinic.timeZone),
    nowIso: now.toISOString(),
    dialect: deps.dialect,
    timeZone: clinic.timeZone,
  };
}

/** One page of matching patients, ordered, with the (capped) number of matches. */
export function searchPatientPage(
  db: Db,
  clinicId: string,
  f: PatientFilter,
  ctx: SearchCtx,
  opts: { sort?: SortKey; order?: 'asc' | 'desc'; limit: number; offset: number; count?: boolean; countCap?: number },
): Promise<{ rows: ListRow[]; total: number | null; totalCapped: boolean }> {
  return searchPatients(db, clinicId, f, ctx, opts);
}

/** Every matching patient id, in id order, batch by batch. */
export function matchingPatientIds(
  db: Db,
  clinicId: string,
  f: PatientFilter,
  ctx: SearchCtx,
  batch = 1000,
): AsyncGenerator<string[]> {
  return matchingIds(db, clinicId, f, ctx, batch);
}

/**
 * A clinic with at most this many patients gets exact totals in the list: counting every match
 * there costs at most a few milliseconds on either database (docs/benchmarks.md, search). A
 * larger clinic counts up to COUNT_CAP and shows 「1,000+」 beyond it.
 */
export const EXACT_COUNT_LIMIT = 20_000;

/** How far the list counts for this clinic: everything in a clinic up to EXACT_COUNT_LIMIT, else COUNT_CAP. */
export async function listCountCap(db: Db, clinicId: string, exactLimit = EXACT_COUNT_LIMIT): Promise<number> {
  const n = await patientRepository(db).countUpTo(clinicId, exactLimit + 1);
  return n <= exactLimit ? exactLimit : COUNT_CAP;
}

// ---- The HIS's patients ----

export function patientService(deps: Deps) {
  const db = deps.db;
  const repo = patientRepository(db);
  return {
    /** Creates or updates a patient by the HIS's patient id (validated and normalised; audited). */
    async upsert(clinicId: string, hisId: string, input: PatientInput, actor: Actor, ip = '') {
      const clinic = await clinicService(deps).get(clinicId);
      const { columns } = normalizePatient(input, localDate(deps.clock.now(), clinic.timeZone), deps.crypto);
      const now = deps.clock.now().toISOString();
      let mobileBefore: string | null = null;
      const created = await db.transaction().execute(async (trx) => {
        const tx = patientRepository(trx);
        const existing = await tx.byHisId(clinicId, hisId);
        if (existing) {
          mobileBefore = existing.phone_is_mobile === 1 ? existing.phone_hash : null;
          await tx.update(clinicId, existing.id, { ...columns, updated_at: now });
          await syncPatientIndex(trx, clinicId, [existing.id], now);
          return false;
        }
        const id = newId();
        await tx.insert({ ...emptyPatient(id, clinicId, hisId, now), ...columns });
        await syncPatientIndex(trx, clinicId, [id], now);
        return true;
      });
      const row = (await repo.byHisId(clinicId, hisId))!;
      // A new mobile number may be one a LINE user already proved: binding offers the patient to them.
      const mobile = row.phone_is_mobile === 1 ? row.phone_hash : null;
      if (mobile && mobile !== mobileBefore)
        await enqueueJob(
          db,
          deps.clock,
          FAMILY_OFFER_JOB,
          { patientId: row.id },
          { clinicId, idempotencyKey: `family-offer:${row.id}:${mobile}` },
        );
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
      return ids.length ? (await repo.byIds(clinicId, ids)).map(toSummary) : [];
    },

    /** The patients whose mobile number has this lookup hash (a family sharing one phone). */
    async withMobileHash(clinicId: string, phoneHash: string): Promise<PatientSummary[]> {
      return (await repo.byPhoneHash(clinicId, phoneHash, true)).map(toSummary);
    },

    async status(clinicId: string, hisId: string) {
      const r = await repo.byHisId(clinicId, hisId);
      if (!r) throw errors.notFound('病患');
      return {
        patientId: r.his_id,
        lights: { line: light('line', r.line_status) },
        lineStatusChangedAt: r.line_status_at,
      };
    },
  };
}

/** A new patient row before its fields are applied (every optional field empty, LINE unbound). */
export const emptyPatient = (id: string, clinicId: string, hisId: string, nowIso: string) => ({
  id,
  clinic_id: clinicId,
  his_id: hisId,
  name: '',
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
  created_at: nowIso,
  updated_at: nowIso,
});
