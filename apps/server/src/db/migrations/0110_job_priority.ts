import type { Kysely } from 'kysely';
import type { Migration } from '../migrate.ts';

// A job somebody is waiting for (a LINE event's reply, a push, an OTP text message, a rich
// menu switch) must not queue behind thousands of bulk jobs, such as the reminder planning
// that a clinic's first HIS sync enqueues. Workers claim by priority (0 interactive, 1 normal,
// 2 bulk), then by due time; the due index follows that order.
const m: Migration = {
  version: 110,
  name: 'job_priority',
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('jobs')
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.createIndex('jobs_due_by_priority').on('jobs').columns(['status', 'priority', 'run_at']).execute();
    await db.schema.dropIndex('jobs_due').execute();
  },
};
export default m;
