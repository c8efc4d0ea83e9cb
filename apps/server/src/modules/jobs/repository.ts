// A clinic's view of the job queue (claiming and running jobs lives in platform/jobs.ts).
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export function jobsRepository(db: Kysely<DB>) {
  return {
    list: (clinicId: string, f: { status?: string; limit: number }) => {
      let query = db.selectFrom('jobs').selectAll().where('clinic_id', '=', clinicId);
      if (f.status) query = query.where('status', '=', f.status);
      return query.orderBy('id', 'desc').limit(f.limit).execute();
    },
    async countsByStatus(clinicId: string): Promise<Record<string, number>> {
      const rows = await db
        .selectFrom('jobs')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('clinic_id', '=', clinicId)
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((c) => [c.status, Number(c.n)]));
    },
  };
}
