import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// Connecting an HIS sends nothing unasked. An appointment remembers when the HIS says it was
// booked (booked_at, optional) and whether it may get the booking-day message at all
// (booking_message, decided once when Careline first sees it: not during the clinic's initial
// sync unless booked_at says the booking is recent). his_sync holds each clinic's initial
// sync: from its first HIS call until an admin ends it, or 24 hours.
// appointment_history keeps what changed in words' raw form: [{field, from, to}] and why.
// Clinics that already have appointments finished their initial sync long ago.
const m: Migration = {
  version: 90,
  name: 'his_initial_sync',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema.alterTable('appointments').addColumn('booked_at', 'text').execute();
    await db.schema
      .alterTable('appointments')
      .addColumn('booking_message', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.alterTable('appointment_history').addColumn('changes', 'text').execute();
    await db.schema.alterTable('appointment_history').addColumn('reason', 'text').execute();
    await db.schema
      .createTable('his_sync')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('ended_by', 'text')
      .execute();
    const now = new Date().toISOString();
    await sql`insert into his_sync (clinic_id, started_at, ended_at)
      select clinic_id, min(created_at), ${now} from appointments group by clinic_id`.execute(db);
  },
};
export default m;
