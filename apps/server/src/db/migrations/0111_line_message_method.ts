import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrate.ts';

// How each outgoing LINE message went: 'push' (counts toward the month's message quota),
// 'reply' (the free Reply API, within the reply token's validity) or 'pnp' (a LINE
// notification message to a phone number, billed apart). Incoming messages have none.
// Earlier rows are classified by their source: the sources that only ever replied, and the
// answers to reminder taps (a push only when the reply token had already been used), are
// replies; every other outgoing row was a push.
const REPLY_SOURCES = ['greeting', 'auto_reply', 'acknowledgement', 'binding.family', 'reminder.answer'];

const m: Migration = {
  version: 111,
  name: 'line_message_method',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('line_messages').addColumn('method', 'varchar(8)').execute();
    await db
      .updateTable('line_messages')
      .set({ method: sql`case when source in (${sql.join(REPLY_SOURCES)}) then 'reply' else 'push' end` })
      .where('direction', '=', 'out')
      .execute();
    await db.schema
      .createIndex('line_messages_out_by_time')
      .on('line_messages')
      .columns(['clinic_id', 'method', 'created_at'])
      .execute();
  },
};
export default m;
