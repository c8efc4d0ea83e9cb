import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// Patient list: a profile row per patient (manual-only fields, merge state,
// denormalised search/sort columns), a bigram table for Chinese partial-name search (2-char
// queries are index-backed on both databases; longer queries intersect bigrams), tags,
// segments, merges (with undo snapshots), recall rules and the recall list, imports and exports.
// Identical on SQLite and PostgreSQL.
const m: Migration = {
  version: 50,
  name: 'patients_list',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('patient_profiles')
      .addColumn('patient_id', 'text', (c) => c.primaryKey().references('patients.id'))
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('source', 'text', (c) => c.notNull().defaultTo('his'))
      .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('name_key', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('phone_rev', 'text')
      .addColumn('last_visit_at', 'text')
      .addColumn('next_visit_at', 'text')
      .addColumn('no_show_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('merged_into', 'text')
      .addColumn('merged_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('patient_profiles_phone_rev')
      .on('patient_profiles')
      .columns(['clinic_id', 'phone_rev'])
      .execute();
    await db.schema
      .createIndex('patient_profiles_name_key')
      .on('patient_profiles')
      .columns(['clinic_id', 'name_key'])
      .execute();
    await db.schema
      .createIndex('patient_profiles_last_visit')
      .on('patient_profiles')
      .columns(['clinic_id', 'last_visit_at'])
      .execute();
    await db.schema
      .createIndex('patient_profiles_next_visit')
      .on('patient_profiles')
      .columns(['clinic_id', 'next_visit_at'])
      .execute();
    await db.schema
      .createIndex('patient_profiles_merged')
      .on('patient_profiles')
      .columns(['clinic_id', 'merged_into'])
      .execute();
    await db.schema.createIndex('patients_chart_no').on('patients').columns(['clinic_id', 'chart_no']).execute();
    await db.schema.createIndex('patients_birth_date').on('patients').columns(['clinic_id', 'birth_date']).execute();
    await db.schema.createIndex('patients_line_status').on('patients').columns(['clinic_id', 'line_status']).execute();
    await db.schema.createIndex('audit_log_entity').on('audit_log').columns(['clinic_id', 'entity_id']).execute();
    await db.schema.createIndex('patients_name').on('patients').columns(['clinic_id', 'name']).execute();

    // Every overlapping 2-character piece of a patient's (lower-cased) name.
    await db.schema
      .createTable('patient_name_grams')
      .addColumn('clinic_id', 'text', (c) => c.notNull())
      .addColumn('gram', 'text', (c) => c.notNull())
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('patient_name_grams_pk', ['clinic_id', 'gram', 'patient_id'])
      .execute();
    await db.schema
      .createIndex('patient_name_grams_patient')
      .on('patient_name_grams')
      .columns(['patient_id'])
      .execute();

    await db.schema
      .createTable('tags')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('color', 'text', (c) => c.notNull().defaultTo('blue'))
      .addColumn('kind', 'text', (c) => c.notNull().defaultTo('manual'))
      .addColumn('rule', 'text')
      .addColumn('recomputed_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('tags_clinic_name', ['clinic_id', 'name'])
      .execute();
    await db.schema
      .createTable('patient_tags')
      .addColumn('clinic_id', 'text', (c) => c.notNull())
      .addColumn('tag_id', 'text', (c) => c.notNull().references('tags.id'))
      .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('patient_tags_pk', ['clinic_id', 'tag_id', 'patient_id'])
      .execute();
    await db.schema
      .createIndex('patient_tags_patient')
      .on('patient_tags')
      .columns(['clinic_id', 'patient_id'])
      .execute();

    await db.schema
      .createTable('segments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('conditions', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('segments_clinic').on('segments').columns(['clinic_id', 'name']).execute();

    await db.schema
      .createTable('patient_merges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('survivor_id', 'text', (c) => c.notNull().references('patients.id'))
      .addColumn('merged_id', 'text', (c) => c.notNull().references('patients.id'))
      .addColumn('survivor_before', 'text', (c) => c.notNull())
      .addColumn('merged_before', 'text', (c) => c.notNull())
      .addColumn('chosen', 'text', (c) => c.notNull())
      .addColumn('moved', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('undo_until', 'text', (c) => c.notNull())
      .addColumn('undone_at', 'text')
      .addColumn('undone_by', 'text')
      .execute();
    await db.schema
      .createIndex('patient_merges_clinic')
      .on('patient_merges')
      .columns(['clinic_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('patient_merges_survivor')
      .on('patient_merges')
      .columns(['clinic_id', 'survivor_id'])
      .execute();

    await db.schema
      .createTable('recall_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('visit_type', 'text')
      .addColumn('interval_days', 'integer', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('button', 'text', (c) => c.notNull().defaultTo('booking'))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('recalls')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('rule_id', 'text', (c) => c.notNull().references('recall_rules.id'))
      .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
      .addColumn('basis_visit_at', 'text', (c) => c.notNull())
      .addColumn('due_date', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('channel', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('outcome', 'text')
      .addColumn('outcome_at', 'text')
      .addColumn('outcome_by', 'text')
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('recalls_unique', ['clinic_id', 'rule_id', 'patient_id', 'basis_visit_at'])
      .execute();
    await db.schema.createIndex('recalls_clinic_due').on('recalls').columns(['clinic_id', 'due_date']).execute();

    await db.schema
      .createTable('patient_transfers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('filename', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('processed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('imported', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('errors', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('data', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('patient_transfers_clinic')
      .on('patient_transfers')
      .columns(['clinic_id', 'created_at'])
      .execute();
  },
};
export default m;
