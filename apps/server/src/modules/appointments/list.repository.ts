// The front desk's appointment list in one statement per page: filters and sorts on
// appointments, their patients (name, LINE light), doctors (name), reminders (a failed one) and
// front-desk tasks (an open request). These are read joins declared in docs/architecture.md:
// on 200,000 appointments a page sorted by patient name or narrowed by LINE light needs the
// other tables in the same statement (docs/benchmarks.md, appointments). Nothing is written
// here.
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { SortKey } from './schemas.ts';

export type ListFilter = {
  clinicId: string;
  /** UTC ISO bounds of the start time ([from, to)). */
  from?: string;
  to?: string;
  /** Internal doctor id; null: a doctor that does not exist (nothing matches). */
  doctorId?: string | null;
  visitType?: string;
  status?: string;
  reply?: string;
  line?: string;
  /** Internal ids of the patients a search matched. */
  patientIds?: string[] | null;
  failed?: boolean;
  openTasks?: boolean;
};

const SORT_COLUMN: Record<SortKey, string> = {
  startsAt: 'a.starts_at',
  patientName: 'p.name',
  doctorName: 'd.name',
  status: 'a.status',
  reply: 'a.reply_status',
  visitType: 'a.visit_type',
  updatedAt: 'a.updated_at',
};

type Qb = SelectQueryBuilder<DB & { a: DB['appointments'] }, 'a', object>;

export function appointmentListRepository(db: Kysely<DB>) {
  function filtered(f: ListFilter): Qb {
    let x = db.selectFrom('appointments as a').where('a.clinic_id', '=', f.clinicId);
    if (f.from) x = x.where('a.starts_at', '>=', f.from);
    if (f.to) x = x.where('a.starts_at', '<', f.to);
    if (f.doctorId !== undefined) x = x.where('a.doctor_id', '=', f.doctorId ?? '-no-such-doctor-');
    if (f.visitType) x = x.where('a.visit_type', '=', f.visitType);
    if (f.status) x = x.where('a.status', '=', f.status);
    if (f.reply) x = x.where('a.reply_status', '=', f.reply);
    if (f.line)
      x = x.where(
        'a.patient_id',
        'in',
        db.selectFrom('patients').select('id').where('clinic_id', '=', f.clinicId).where('line_status', '=', f.line),
      );
    if (f.patientIds) x = x.where('a.patient_id', 'in', f.patientIds.length ? f.patientIds : ['-none-']);
    if (f.failed)
      x = x.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('reminder_deliveries as rd')
            .select('rd.id')
            .whereRef('rd.appointment_id', '=', 'a.id')
            .where('rd.clinic_id', '=', f.clinicId)
            .where('rd.state', '=', 'failed'),
        ),
      );
    if (f.openTasks)
      x = x.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('front_desk_tasks as t')
            .select('t.id')
            .whereRef('t.appointment_id', '=', 'a.id')
            .where('t.clinic_id', '=', f.clinicId)
            .where('t.status', '=', 'open'),
        ),
      );
    return x;
  }

  return {
    /**
     * One page. `upcomingFirst` (a search over all dates): today's and upcoming visits first,
     * soonest first, then the past, newest first.
     */
    page(
      f: ListFilter,
      o: { sort: SortKey; order: 'asc' | 'desc'; upcomingFirst: string | null; limit: number; offset: number },
    ) {
      let q = filtered(f)
        .innerJoin('patients as p', 'p.id', 'a.patient_id')
        .innerJoin('doctors as d', 'd.id', 'a.doctor_id')
        .selectAll('a')
        .select([
          'p.his_id as patient_his_id',
          'p.name as patient_name',
          'p.chart_no',
          'p.phone_e164',
          'p.line_status',
          'd.his_id as doctor_his_id',
          'd.name as doctor_name',
        ]);
      if (o.upcomingFirst) {
        const today = o.upcomingFirst;
        q = q
          .orderBy(sql`case when a.starts_at >= ${today} then 0 else 1 end`)
          .orderBy(sql`case when a.starts_at >= ${today} then a.starts_at end`, 'asc')
          .orderBy('a.starts_at', 'desc');
      } else {
        q = q.orderBy(sql.ref(SORT_COLUMN[o.sort]), o.order);
        if (o.sort !== 'startsAt') q = q.orderBy('a.starts_at', 'asc');
      }
      return q.orderBy('a.id', o.order).limit(o.limit).offset(o.offset).execute();
    },
    count: async (f: ListFilter) =>
      Number(
        (
          await filtered(f)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirst()
        )?.n ?? 0,
      ),
  };
}
