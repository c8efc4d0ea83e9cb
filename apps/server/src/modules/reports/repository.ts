// SQL on the reports module's tables: the daily roll-ups (read summed per day, replaced a range
// of days at a time), the roll-up's state and the clinic's report settings. Every method takes
// the clinic id.
import { type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { CLINIC_COLUMNS, VISIT_COLUMNS, type ClinicSums, type VisitSums } from './kpis.ts';
import type {
  ReportClinicDailyTable,
  ReportRollupStateTable,
  ReportSettingsTable,
  ReportVisitDailyTable,
} from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type SettingsRow = Selectable<ReportSettingsTable>;
export type StateRow = Selectable<ReportRollupStateTable>;
export type VisitDailyRow = ReportVisitDailyTable;
export type ClinicDailyRow = ReportClinicDailyTable;

const INSERT_BATCH = 200;

export type Slice = 'clinic' | 'doctor' | 'visit_type' | 'doctor_visit_type';

/** The slice that holds a filter's figures, one row per day. */
export const sliceOf = (f: { doctorId?: string; visitType?: string }): Slice =>
  f.doctorId !== undefined
    ? f.visitType !== undefined
      ? 'doctor_visit_type'
      : 'doctor'
    : f.visitType !== undefined
      ? 'visit_type'
      : 'clinic';

const numbers = <C extends string>(r: Record<string, unknown>, cols: readonly C[]) =>
  Object.fromEntries(cols.map((c) => [c, Number(r[c] ?? 0)])) as Record<C, number>;

export function reportRepository(db: Db) {
  return {
    /** The visit figures of [from, to] per day: the slice of the filters (all visits, a doctor, a visit type, both). */
    async visitDays(
      clinicId: string,
      from: string,
      to: string,
      f: { doctorId?: string; visitType?: string } = {},
    ): Promise<({ day: string } & VisitSums)[]> {
      const rows = await db
        .selectFrom('report_visit_daily')
        .select(['day', ...VISIT_COLUMNS])
        .where('clinic_id', '=', clinicId)
        .where('slice', '=', sliceOf(f))
        .where('doctor_id', '=', f.doctorId ?? '')
        .where('visit_type', '=', f.visitType ?? '')
        .where('day', '>=', from)
        .where('day', '<=', to)
        .orderBy('day')
        .execute();
      return rows.map((r) => ({ day: r.day, ...numbers(r, VISIT_COLUMNS) }));
    },
    /** The clinic figures of [from, to], one row per day that has any. */
    async clinicDays(clinicId: string, from: string, to: string): Promise<({ day: string } & ClinicSums)[]> {
      const rows = await db
        .selectFrom('report_clinic_daily')
        .select(['day', ...CLINIC_COLUMNS])
        .where('clinic_id', '=', clinicId)
        .where('day', '>=', from)
        .where('day', '<=', to)
        .orderBy('day')
        .execute();
      return rows.map((r) => ({ day: r.day, ...numbers(r, CLINIC_COLUMNS) }));
    },
    /** The doctors and visit types that have visits in [from, to] (the dashboard's filters). */
    async dimensions(clinicId: string, from: string, to: string) {
      const rows = await db
        .selectFrom('report_dimensions')
        .select(['kind', 'value'])
        .where('clinic_id', '=', clinicId)
        .where('first_day', '<=', to)
        .where('last_day', '>=', from)
        .execute();
      return {
        doctorIds: rows.filter((r) => r.kind === 'doctor').map((r) => r.value),
        visitTypes: rows.filter((r) => r.kind === 'visit_type' && r.value !== '').map((r) => r.value),
      };
    },
    /** Recomputes the dimensions from the doctor and visit-type slices (after a run). */
    async refreshDimensions(clinicId: string) {
      const of = (slice: 'doctor' | 'visit_type', column: 'doctor_id' | 'visit_type') =>
        db
          .selectFrom('report_visit_daily')
          .select([column, (eb) => eb.fn.min('day').as('first'), (eb) => eb.fn.max('day').as('last')])
          .where('clinic_id', '=', clinicId)
          .where('slice', '=', slice)
          .groupBy(column)
          .execute();
      const [doctors, types] = await Promise.all([of('doctor', 'doctor_id'), of('visit_type', 'visit_type')]);
      const rows = [
        ...doctors.map((d) => ({ kind: 'doctor', value: String(d.doctor_id), first: d.first, last: d.last })),
        ...types.map((v) => ({ kind: 'visit_type', value: String(v.visit_type), first: v.first, last: v.last })),
      ].map((r) => ({
        clinic_id: clinicId,
        kind: r.kind,
        value: r.value,
        first_day: String(r.first),
        last_day: String(r.last),
      }));
      await db.deleteFrom('report_dimensions').where('clinic_id', '=', clinicId).execute();
      if (rows.length) await db.insertInto('report_dimensions').values(rows).execute();
    },
    /** Replaces the roll-up rows of the days [from, to] with `visit` and `clinic` (call in a transaction). */
    async replaceDays(clinicId: string, from: string, to: string, visit: VisitDailyRow[], clinic: ClinicDailyRow[]) {
      for (const table of ['report_visit_daily', 'report_clinic_daily'] as const)
        await db
          .deleteFrom(table)
          .where('clinic_id', '=', clinicId)
          .where('day', '>=', from)
          .where('day', '<=', to)
          .execute();
      for (let i = 0; i < visit.length; i += INSERT_BATCH)
        await db
          .insertInto('report_visit_daily')
          .values(visit.slice(i, i + INSERT_BATCH))
          .execute();
      for (let i = 0; i < clinic.length; i += INSERT_BATCH)
        await db
          .insertInto('report_clinic_daily')
          .values(clinic.slice(i, i + INSERT_BATCH))
          .execute();
    },
    /** Removes every roll-up row of the clinic (before a full rebuild). */
    async clearAll(clinicId: string) {
      await db.deleteFrom('report_dimensions').where('clinic_id', '=', clinicId).execute();
      await db.deleteFrom('report_visit_daily').where('clinic_id', '=', clinicId).execute();
      await db.deleteFrom('report_clinic_daily').where('clinic_id', '=', clinicId).execute();
    },
    state: (clinicId: string) =>
      db.selectFrom('report_rollup_state').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    async saveState(row: StateRow) {
      await db
        .insertInto('report_rollup_state')
        .values(row)
        .onConflict((oc) => oc.column('clinic_id').doUpdateSet({ ...row }))
        .execute();
    },
    settings: (clinicId: string) =>
      db.selectFrom('report_settings').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    async saveSettings(row: SettingsRow) {
      await db
        .insertInto('report_settings')
        .values(row)
        .onConflict((oc) => oc.column('clinic_id').doUpdateSet({ ...row }))
        .execute();
    },
  };
}
