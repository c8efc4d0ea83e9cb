// Keeps the search side of a patient in step with the HIS-owned patient row: the profile row
// (name key, reversed phone), the name bigrams and the visit summary kept on the patient row
// (last/next visit, no-show count). Called after every write to `patients` (HIS upsert,
// back-office add/edit, import, merge); the periodic refresh job recomputes the visit columns
// for a whole clinic.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { nameGrams, nameKey, phoneRev } from './grams.ts';

type Db = Kysely<DB> | Transaction<DB>;

const CHUNK = 300;

/** Recomputes profile + grams for these patients (creating the profile when missing). */
export async function syncPatientIndex(
  db: Db,
  clinicId: string,
  patientIds: string[],
  nowIso: string,
  source = 'his',
): Promise<void> {
  for (let i = 0; i < patientIds.length; i += CHUNK) {
    const ids = patientIds.slice(i, i + CHUNK);
    const rows = await db
      .selectFrom('patients')
      .select(['id', 'name', 'phone_e164', 'last_visit_at', 'next_visit_at', 'no_show_count'])
      .where('clinic_id', '=', clinicId)
      .where('id', 'in', ids)
      .execute();
    if (!rows.length) continue;
    const visits = await visitStats(
      db,
      clinicId,
      rows.map((r) => r.id),
      nowIso,
    );
    for (const r of rows) {
      const v = visits.get(r.id) ?? { last: null, next: null, noShows: 0 };
      if (v.last !== r.last_visit_at || v.next !== r.next_visit_at || v.noShows !== Number(r.no_show_count))
        await setVisits(db, clinicId, r.id, v);
      await db
        .insertInto('patient_profiles')
        .values({
          patient_id: r.id,
          clinic_id: clinicId,
          source,
          notes: '',
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
    }
    await db
      .deleteFrom('patient_name_grams')
      .where(
        'patient_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    const grams = rows.flatMap((r) =>
      nameGrams(r.name).map((gram) => ({ clinic_id: clinicId, gram, patient_id: r.id })),
    );
    for (let j = 0; j < grams.length; j += 500)
      await db
        .insertInto('patient_name_grams')
        .values(grams.slice(j, j + 500))
        .onConflict((oc) => oc.doNothing())
        .execute();
  }
}

type Visits = { last: string | null; next: string | null; noShows: number };

const setVisits = (db: Db, clinicId: string, id: string, v: Visits) =>
  db
    .updateTable('patients')
    .set({ last_visit_at: v.last, next_visit_at: v.next, no_show_count: v.noShows })
    .where('clinic_id', '=', clinicId)
    .where('id', '=', id)
    .execute();

async function visitStats(db: Db, clinicId: string, ids: string[], nowIso: string) {
  const rows = await db
    .selectFrom('appointments')
    .select([
      'patient_id',
      sql<
        string | null
      >`max(case when starts_at <= ${nowIso} and status in ('completed','checked_in') then starts_at end)`.as('last'),
      sql<string | null>`min(case when starts_at > ${nowIso} and status = 'booked' then starts_at end)`.as('next'),
      sql<number>`sum(case when status = 'no_show' then 1 else 0 end)`.as('no_shows'),
    ])
    .where('clinic_id', '=', clinicId)
    .where('patient_id', 'in', ids)
    .groupBy('patient_id')
    .execute();
  return new Map<string, Visits>(
    rows.map((r) => [r.patient_id, { last: r.last, next: r.next, noShows: Number(r.no_shows ?? 0) }]),
  );
}

/** Whole-clinic refresh: profiles for patients that have none, then visit columns of everyone. */
export async function refreshClinicIndex(
  db: Kysely<DB>,
  clinicId: string,
  nowIso: string,
): Promise<{ created: number; refreshed: number }> {
  const missing = await db
    .selectFrom('patients as p')
    .leftJoin('patient_profiles as pp', 'pp.patient_id', 'p.id')
    .select('p.id')
    .where('p.clinic_id', '=', clinicId)
    .where('pp.patient_id', 'is', null)
    .execute();
  await syncPatientIndex(
    db,
    clinicId,
    missing.map((m) => m.id),
    nowIso,
  );
  const withAppts = await db
    .selectFrom('appointments')
    .select('patient_id')
    .distinct()
    .where('clinic_id', '=', clinicId)
    .execute();
  const ids = withAppts.map((r) => r.patient_id);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const stats = await visitStats(db, clinicId, part, nowIso);
    for (const [id, v] of stats) {
      await setVisits(db, clinicId, id, v);
    }
  }
  return { created: missing.length, refreshed: ids.length };
}

/** Last/next visit and no-show count of these patients (called after appointment writes). */
export async function refreshVisits(db: Db, clinicId: string, patientIds: string[], nowIso: string): Promise<void> {
  const ids = [...new Set(patientIds)].sort(); // a fixed lock order: concurrent writers never deadlock
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const stats = await visitStats(db, clinicId, part, nowIso);
    for (const id of part) {
      await setVisits(db, clinicId, id, stats.get(id) ?? { last: null, next: null, noShows: 0 });
    }
  }
}
