// SQL on the patient row, its search profile and its name bigrams. Every method takes the
// clinic id. Writes of a name also write its stroke-order sort key, so the key is never stale.
import { sql, type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { nameGrams, nameKey, phoneRev } from './grams.ts';
import { strokeSortKey } from './stroke-order.ts';
import type { PatientsTable } from './tables.ts';

export type Db = Kysely<DB> | Transaction<DB>;

export type NewPatient = Omit<Insertable<PatientsTable>, 'name_sort'>;
export type PatientPatch = Omit<Updateable<PatientsTable>, 'id' | 'clinic_id' | 'name_sort'>;
export type Visits = { last: string | null; next: string | null; noShows: number };

const CHUNK = 300;
const chunks = <T>(xs: T[], n = CHUNK): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

const keyed = <T extends { name?: string }>(row: T) =>
  row.name === undefined ? row : { ...row, name_sort: strokeSortKey(row.name) };

export function patientRepository(db: Db) {
  return {
    /** The patient row with its profile (source, notes, merge state). */
    withProfile: (clinicId: string, id: string) =>
      db
        .selectFrom('patients as p')
        .innerJoin('patient_profiles as pp', 'pp.patient_id', 'p.id')
        .selectAll('p')
        .select(['pp.notes', 'pp.source', 'pp.merged_into', 'pp.merged_at'])
        .where('p.clinic_id', '=', clinicId)
        .where('p.id', '=', id)
        .executeTakeFirst(),
    get: (clinicId: string, id: string) =>
      db.selectFrom('patients').selectAll().where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst(),
    byHisId: (clinicId: string, hisId: string) =>
      db
        .selectFrom('patients')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('his_id', '=', hisId)
        .executeTakeFirst(),
    async byIds(clinicId: string, ids: string[]) {
      const out = [];
      for (const part of chunks([...new Set(ids)]))
        out.push(
          ...(await db
            .selectFrom('patients')
            .selectAll()
            .where('clinic_id', '=', clinicId)
            .where('id', 'in', part)
            .execute()),
        );
      return out;
    },
    /** Patients with this phone (keyed hash), oldest birth date first. */
    byPhoneHash: (clinicId: string, phoneHash: string, mobileOnly: boolean) => {
      let q = db
        .selectFrom('patients')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('phone_hash', '=', phoneHash);
      if (mobileOnly) q = q.where('phone_is_mobile', '=', 1);
      return q.orderBy('birth_date').orderBy('id').execute();
    },
    /**
     * Internal ids and LINE lights for HIS patient ids. A patient merged away stands for the
     * surviving patient: the HIS may still send its old id, and what it refers to belongs to
     * the survivor.
     */
    async refs(clinicId: string, hisIds: string[]) {
      const out: { id: string; his_id: string; line_status: string }[] = [];
      for (const part of chunks(hisIds, 400))
        out.push(
          ...(await db
            .selectFrom('patients as p')
            .leftJoin('patient_profiles as pp', (j) =>
              j.onRef('pp.patient_id', '=', 'p.id').on('pp.merged_into', 'is not', null),
            )
            .leftJoin('patients as s', (j) =>
              j.onRef('s.id', '=', 'pp.merged_into').onRef('s.clinic_id', '=', 'p.clinic_id'),
            )
            .select((eb) => [
              eb.fn.coalesce('s.id', 'p.id').as('id'),
              'p.his_id',
              eb.fn.coalesce('s.line_status', 'p.line_status').as('line_status'),
            ])
            .where('p.clinic_id', '=', clinicId)
            .where('p.his_id', 'in', part)
            .execute()),
        );
      return out;
    },
    insert: (row: NewPatient) => db.insertInto('patients').values(keyed(row)).execute(),
    async insertMany(rows: NewPatient[]) {
      for (const part of chunks(rows, 200))
        await db
          .insertInto('patients')
          .values(part.map((r) => keyed(r)))
          .execute();
    },
    update: (clinicId: string, id: string, patch: PatientPatch) =>
      db.updateTable('patients').set(keyed(patch)).where('clinic_id', '=', clinicId).where('id', '=', id).execute(),
    setVisits: (clinicId: string, id: string, v: Visits) =>
      db
        .updateTable('patients')
        .set({ last_visit_at: v.last, next_visit_at: v.next, no_show_count: v.noShows })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .execute(),
    /** Other live (not merged-away) patients with this phone: the family. */
    family: (clinicId: string, phoneHash: string, exceptId: string) =>
      db
        .selectFrom('patients as p')
        .innerJoin('patient_profiles as pp', 'pp.patient_id', 'p.id')
        .select(['p.id', 'p.name', 'p.chart_no', 'p.birth_date'])
        .where('p.clinic_id', '=', clinicId)
        .where('p.phone_hash', '=', phoneHash)
        .where('p.id', '!=', exceptId)
        .where('pp.merged_into', 'is', null)
        .limit(20)
        .execute(),
    /** Chart numbers among these that a live patient (other than `exceptId`) already has. */
    async takenCharts(clinicId: string, charts: string[], exceptId: string | null = null): Promise<Set<string>> {
      const taken = new Set<string>();
      for (const part of chunks([...new Set(charts)], 500)) {
        let q = db
          .selectFrom('patients as p')
          .innerJoin('patient_profiles as pp', 'pp.patient_id', 'p.id')
          .select('p.chart_no')
          .where('p.clinic_id', '=', clinicId)
          .where('p.chart_no', 'in', part)
          .where('pp.merged_into', 'is', null);
        if (exceptId) q = q.where('p.id', '!=', exceptId);
        for (const r of await q.execute()) taken.add(r.chart_no!);
      }
      return taken;
    },
    /** Ids among these that were merged into another patient. */
    async mergedAway(clinicId: string, ids: string[]): Promise<Set<string>> {
      const out = new Set<string>();
      for (const part of chunks([...new Set(ids)]))
        for (const r of await db
          .selectFrom('patient_profiles')
          .select('patient_id')
          .where('clinic_id', '=', clinicId)
          .where('patient_id', 'in', part)
          .where('merged_into', 'is not', null)
          .execute())
          out.add(r.patient_id);
      return out;
    },
    setNotes: (clinicId: string, id: string, notes: string, nowIso: string) =>
      db
        .updateTable('patient_profiles')
        .set({ notes, updated_at: nowIso })
        .where('clinic_id', '=', clinicId)
        .where('patient_id', '=', id)
        .execute(),
    setMergedInto: (clinicId: string, id: string, survivorId: string | null, nowIso: string) =>
      db
        .updateTable('patient_profiles')
        .set({ merged_into: survivorId, merged_at: survivorId ? nowIso : null, updated_at: nowIso })
        .where('clinic_id', '=', clinicId)
        .where('patient_id', '=', id)
        .execute(),
    /** Names and phones of these patients (what the profile and bigrams are built from) with the visit summary. */
    indexSources: (clinicId: string, ids: string[]) =>
      db
        .selectFrom('patients')
        .select(['id', 'name', 'phone_e164', 'last_visit_at', 'next_visit_at', 'no_show_count'])
        .where('clinic_id', '=', clinicId)
        .where('id', 'in', ids)
        .execute(),
    /** Creates or refreshes the search profile (name key, reversed phone) and the name bigrams. */
    async writeIndex(
      clinicId: string,
      rows: { id: string; name: string; phone_e164: string | null; notes?: string }[],
      nowIso: string,
      source: string,
    ) {
      for (const r of rows)
        await db
          .insertInto('patient_profiles')
          .values({
            patient_id: r.id,
            clinic_id: clinicId,
            source,
            notes: r.notes ?? '',
            name_key: nameKey(r.name),
            phone_rev: phoneRev(r.phone_e164),
            merged_into: null,
            merged_at: null,
            updated_at: nowIso,
          })
          .onConflict((oc) =>
            oc
              .column('patient_id')
              .doUpdateSet({ name_key: nameKey(r.name), phone_rev: phoneRev(r.phone_e164), updated_at: nowIso }),
          )
          .execute();
      if (!rows.length) return;
      await db
        .deleteFrom('patient_name_grams')
        .where('clinic_id', '=', clinicId)
        .where(
          'patient_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      const grams = rows.flatMap((r) =>
        nameGrams(r.name).map((gram) => ({ clinic_id: clinicId, gram, patient_id: r.id })),
      );
      for (const part of chunks(grams, 500))
        await db
          .insertInto('patient_name_grams')
          .values(part)
          .onConflict((oc) => oc.doNothing())
          .execute();
    },
    /** Profiles and bigrams of new patients in multi-row statements (import). */
    async insertIndex(
      clinicId: string,
      rows: { id: string; name: string; phone_e164: string | null; notes: string }[],
      nowIso: string,
      source: string,
    ) {
      for (const part of chunks(rows, 200)) {
        await db
          .insertInto('patient_profiles')
          .values(
            part.map((r) => ({
              patient_id: r.id,
              clinic_id: clinicId,
              source,
              notes: r.notes,
              name_key: nameKey(r.name),
              phone_rev: phoneRev(r.phone_e164),
              merged_into: null,
              merged_at: null,
              updated_at: nowIso,
            })),
          )
          .execute();
        const grams = part.flatMap((r) =>
          nameGrams(r.name).map((gram) => ({ clinic_id: clinicId, gram, patient_id: r.id })),
        );
        for (const g of chunks(grams, 300)) await db.insertInto('patient_name_grams').values(g).execute();
      }
    },
    /** Patients that have no search profile yet (written before the profile existed). */
    withoutProfile: async (clinicId: string) =>
      (
        await db
          .selectFrom('patients as p')
          .leftJoin('patient_profiles as pp', 'pp.patient_id', 'p.id')
          .select('p.id')
          .where('p.clinic_id', '=', clinicId)
          .where('pp.patient_id', 'is', null)
          .execute()
      ).map((r) => r.id),
    /** Live patients of the clinic, up to `limit` (how big the clinic is, without counting past it). */
    async countUpTo(clinicId: string, limit: number): Promise<number> {
      const r = await sql<{
        n: number | string;
      }>`select count(*) as n from (select 1 from patients where clinic_id = ${clinicId} limit ${limit}) x`.execute(db);
      return Number(r.rows[0]?.n ?? 0);
    },
  };
}

export type PatientRepository = ReturnType<typeof patientRepository>;
