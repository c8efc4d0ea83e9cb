import type { Kysely } from 'kysely';
import type { Migration } from '../migrate.ts';

// The LINE user a no-show message went to (the patient's own or a family member's binding): only
// that user's taps on its buttons count.
const m: Migration = {
  version: 236,
  name: 'no_show_line_user',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('no_show_messages').addColumn('line_user_id', 'text').execute();
  },
};
export default m;
