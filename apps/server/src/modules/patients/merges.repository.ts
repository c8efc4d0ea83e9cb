// SQL of merges: the duplicate candidates (patients sharing a national-ID hash, chart number or
// phone) and the merge records with their snapshots. Every method takes the clinic id.
import { sql, type Selectable } from 'kysely';
import type { Db } from './repository.ts';
import type { PatientMergesTable } from './tables.ts';

export type MergeRow = Selectable<PatientMergesTable>;
export type CandidateMember = {
  id: string;
  name: string;
  chart_no: string | null;
  phone_e164: string | null;
  created_at: string;
  k: string;
};

export function mergeRepository(db: Db) {
  const live = (clinicId: string) =>
    db
      .selectFrom('patients as p')
      .innerJoin('patient_profiles as pp', 'pp.patient_id', 'p.id')
      .where('p.clinic_id', '=', clinicId)
      .where('pp.merged_into', 'is', null);
  return {
    /** Values of `col` that more than one live patient has (at most 5,000 groups). */
    async sharedValues(clinicId: string, col: 'national_id_hash' | 'chart_no' | 'phone_hash'): Promise<string[]> {
      const rows = await live(clinicId)
        .select(sql<string>`p.${sql.ref(col)}`.as('k'))
        .where(`p.${col}`, 'is not', null)
        .groupBy(`p.${col}`)
        .having(sql`count(*)`, '>', 1)
        .limit(5000)
        .execute();
      return rows.map((r) => r.k);
    },
    /** The live patients having one of these values of `col`, oldest first. */
    membersOf: (clinicId: string, col: 'national_id_hash' | 'chart_no' | 'phone_hash', values: string[]) =>
      live(clinicId)
        .select([
          'p.id',
          'p.name',
          'p.chart_no',
          'p.phone_e164',
          'p.created_at',
          sql<string>`p.${sql.ref(col)}`.as('k'),
        ])
        .where(`p.${col}`, 'in', values)
        .orderBy('p.created_at')
        .execute() as Promise<CandidateMember[]>,

    insert: (row: MergeRow) => db.insertInto('patient_merges').values(row).execute(),
    get: (clinicId: string, id: string) =>
      db
        .selectFrom('patient_merges')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    markUndone: (clinicId: string, id: string, at: string, by: string) =>
      db
        .updateTable('patient_merges')
        .set({ undone_at: at, undone_by: by })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .execute(),
    /** The latest 100 merges with both patients' names. */
    list: (clinicId: string) =>
      db
        .selectFrom('patient_merges as m')
        .innerJoin('patients as s', 's.id', 'm.survivor_id')
        .innerJoin('patients as d', 'd.id', 'm.merged_id')
        .select([
          'm.id',
          'm.survivor_id',
          'm.merged_id',
          'm.created_at',
          'm.created_by',
          'm.undo_until',
          'm.undone_at',
          's.name as survivor_name',
          'd.name as merged_name',
        ])
        .where('m.clinic_id', '=', clinicId)
        .orderBy('m.created_at', 'desc')
        .limit(100)
        .execute(),
  };
}

/** Merges a patient took part in, newest first (the patient page). */
export const mergeHistory = (db: Db, clinicId: string, patientId: string) =>
  db
    .selectFrom('patient_merges')
    .select(['id', 'survivor_id', 'merged_id', 'created_at', 'undo_until', 'undone_at', 'created_by'])
    .where('clinic_id', '=', clinicId)
    .where((eb) => eb.or([eb('survivor_id', '=', patientId), eb('merged_id', '=', patientId)]))
    .orderBy('created_at', 'desc')
    .execute();
