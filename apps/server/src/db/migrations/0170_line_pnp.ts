import type { Kysely } from 'kysely';
import type { Migration } from '../migrate.ts';

// LINE notification messages (to a phone number, for patients who are not friends) are an
// option LINE approves per account and bills apart: off until the clinic's admin turns it on.
const m: Migration = {
  version: 170,
  name: 'line_pnp',
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('line_channels')
      .addColumn('pnp_enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
export default m;
