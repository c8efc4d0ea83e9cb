import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import { serialId, type Migration } from '../migrate.ts';

// Patient self-service (binding, family, answers), SMS (per-clinic settings and the send log),
// rich menus and front-desk tasks created by patients' answers.
const m: Migration = {
  version: 20,
  name: 'binding',
  async up(db: Kysely<any>, dialect: Dialect) {
    await db.schema
      .createTable('sms_settings')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('password_enc', 'text')
      .addColumn('base_url', 'text')
      .addColumn('reminder_fallback', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sms_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('to_masked', 'text', (c) => c.notNull())
      .addColumn('to_hash', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('chars', 'integer', (c) => c.notNull())
      .addColumn('encoding', 'text', (c) => c.notNull())
      .addColumn('segments', 'integer', (c) => c.notNull())
      .addColumn('cost', 'real', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addColumn('provider_message_id', 'text')
      .addColumn('error', 'text')
      .addColumn('delivery_status', 'text')
      .addColumn('delivered_at', 'text')
      .addColumn('related_type', 'text')
      .addColumn('related_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('sms_messages_clinic')
      .on('sms_messages')
      .columns(['clinic_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('sms_messages_provider_id')
      .on('sms_messages')
      .columns(['provider', 'provider_message_id'])
      .execute();

    await db.schema
      .createTable('otp_codes')
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('phone_hash', 'text', (c) => c.notNull())
      .addColumn('line_user_id', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('consumed_at', 'text')
      .addPrimaryKeyConstraint('otp_codes_pk', ['clinic_id', 'phone_hash'])
      .execute();

    await db.schema
      .createTable('line_bindings')
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('line_user_id', 'text', (c) => c.notNull())
      .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
      .addColumn('phone_hash', 'text', (c) => c.notNull())
      .addColumn('phone_masked', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('line_bindings_pk', ['clinic_id', 'line_user_id', 'patient_id'])
      .execute();
    await db.schema
      .createIndex('line_bindings_patient')
      .on('line_bindings')
      .columns(['clinic_id', 'patient_id'])
      .execute();

    await serialId(db.schema.createTable('binding_consents'), dialect)
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('line_user_id', 'text', (c) => c.notNull())
      .addColumn('phone_hash', 'text', (c) => c.notNull())
      .addColumn('notice_version', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('binding_consents_user')
      .on('binding_consents')
      .columns(['clinic_id', 'line_user_id'])
      .execute();

    await db.schema
      .createTable('front_desk_tasks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('handled_at', 'text')
      .addColumn('handled_by', 'text')
      .execute();
    await db.schema
      .createIndex('front_desk_tasks_open')
      .on('front_desk_tasks')
      .columns(['clinic_id', 'status', 'created_at'])
      .execute();

    await db.schema
      .createTable('rich_menus')
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('chat_bar_text', 'text', (c) => c.notNull())
      .addColumn('width', 'integer', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .addColumn('areas', 'text', (c) => c.notNull())
      .addColumn('image_b64', 'text')
      .addColumn('image_type', 'text')
      .addColumn('line_rich_menu_id', 'text')
      .addColumn('published_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('rich_menus_pk', ['clinic_id', 'kind'])
      .execute();
  },
};
export default m;
