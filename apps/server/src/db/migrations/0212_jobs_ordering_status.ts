import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// The claim query asks, for each due job with an ordering key, whether an earlier job with the
// same key is still pending or running. With only (ordering_key, id) the database walked every
// finished job of the key to answer; a burst of LINE webhook events (thousands of jobs for a few
// hundred users) then made each claim scan the whole backlog (docs/benchmarks.md, webhook).
const m: Migration = {
  version: 212,
  name: 'jobs_ordering_status',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema.createIndex('jobs_ordering_status').on('jobs').columns(['ordering_key', 'status', 'id']).execute();
  },
};
export default m;
