import type { Kysely } from 'kysely';
import type { Migration } from '../migrate.ts';

// The LINE connection test also checks the webhook (LINE's endpoint setting and its test call to
// us): its result is kept beside the bot check, for the settings page and the first-use checklist.
const m: Migration = {
  version: 340,
  name: 'line_webhook_check',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('line_channels').addColumn('webhook_ok', 'integer').execute();
    await db.schema.alterTable('line_channels').addColumn('webhook_message', 'text').execute();
  },
};
export default m;
