// SQL on tags, their assignments to patients and saved segments. Every method takes the clinic id.
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { PatientTagsTable, TagsTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type TagRow = Selectable<TagsTable>;
export type Assignment = Insertable<PatientTagsTable>;

const chunks = <T>(xs: T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

export function tagRepository(db: Db) {
  return {
    list: (clinicId: string) =>
      db.selectFrom('tags').selectAll().where('clinic_id', '=', clinicId).orderBy('kind').orderBy('name').execute(),
    get: (clinicId: string, id: string) =>
      db.selectFrom('tags').selectAll().where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst(),
    byName: (clinicId: string, name: string) =>
      db.selectFrom('tags').selectAll().where('clinic_id', '=', clinicId).where('name', '=', name).executeTakeFirst(),
    autoTagIds: async (clinicId: string) =>
      (
        await db.selectFrom('tags').select('id').where('clinic_id', '=', clinicId).where('kind', '=', 'auto').execute()
      ).map((t) => t.id),
    insert: (row: TagRow) => db.insertInto('tags').values(row).execute(),
    async remove(clinicId: string, id: string) {
      await db.deleteFrom('patient_tags').where('clinic_id', '=', clinicId).where('tag_id', '=', id).execute();
      await db.deleteFrom('tags').where('clinic_id', '=', clinicId).where('id', '=', id).execute();
    },
    setRecomputed: (clinicId: string, id: string, at: string) =>
      db
        .updateTable('tags')
        .set({ recomputed_at: at })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .execute(),

    /** Patients per tag. */
    counts: (clinicId: string) =>
      db
        .selectFrom('patient_tags')
        .select(['tag_id', db.fn.countAll<number>().as('n')])
        .where('clinic_id', '=', clinicId)
        .groupBy('tag_id')
        .execute(),
    count: async (clinicId: string, tagId: string) =>
      Number(
        (
          await db
            .selectFrom('patient_tags')
            .select(db.fn.countAll<number>().as('n'))
            .where('clinic_id', '=', clinicId)
            .where('tag_id', '=', tagId)
            .executeTakeFirst()
        )?.n ?? 0,
      ),
    patientIdsOf: async (clinicId: string, tagId: string) =>
      (
        await db
          .selectFrom('patient_tags')
          .select('patient_id')
          .where('clinic_id', '=', clinicId)
          .where('tag_id', '=', tagId)
          .orderBy('patient_id')
          .execute()
      ).map((r) => r.patient_id),
    /** The tags of these patients, by tag name. */
    ofPatients: (clinicId: string, patientIds: string[]) =>
      db
        .selectFrom('patient_tags as pt')
        .innerJoin('tags as t', 't.id', 'pt.tag_id')
        .select(['pt.patient_id', 't.id', 't.name', 't.color', 'pt.source'])
        .where('pt.clinic_id', '=', clinicId)
        .where('pt.patient_id', 'in', patientIds)
        .orderBy('t.name')
        .execute(),
    /** Assignments that already exist are left as they are; returns whether this one was new. */
    async assign(a: Assignment): Promise<boolean> {
      const r = await db
        .insertInto('patient_tags')
        .values(a)
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async assignMany(rows: Assignment[]) {
      for (const part of chunks(rows, 300))
        await db
          .insertInto('patient_tags')
          .values(part)
          .onConflict((oc) => oc.doNothing())
          .execute();
    },
    unassign: (clinicId: string, tagId: string, patientId: string) =>
      db
        .deleteFrom('patient_tags')
        .where('clinic_id', '=', clinicId)
        .where('tag_id', '=', tagId)
        .where('patient_id', '=', patientId)
        .execute(),
    clearTag: (clinicId: string, tagId: string) =>
      db.deleteFrom('patient_tags').where('clinic_id', '=', clinicId).where('tag_id', '=', tagId).execute(),
    manualOf: (clinicId: string, patientId: string) =>
      db
        .selectFrom('patient_tags')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('patient_id', '=', patientId)
        .where('source', '=', 'manual')
        .execute(),
    removeManual: (clinicId: string, patientId: string, tagIds: string[]) =>
      db
        .deleteFrom('patient_tags')
        .where('clinic_id', '=', clinicId)
        .where('patient_id', '=', patientId)
        .where('tag_id', 'in', tagIds)
        .where('source', '=', 'manual')
        .execute(),

    listSegments: (clinicId: string) =>
      db.selectFrom('segments').selectAll().where('clinic_id', '=', clinicId).orderBy('name').execute(),
    segment: (clinicId: string, id: string) =>
      db.selectFrom('segments').selectAll().where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst(),
    insertSegment: (row: Selectable<DB['segments']>) => db.insertInto('segments').values(row).execute(),
    async updateSegment(clinicId: string, id: string, patch: { name: string; conditions: string; updated_at: string }) {
      const r = await db
        .updateTable('segments')
        .set(patch)
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async removeSegment(clinicId: string, id: string) {
      const r = await db
        .deleteFrom('segments')
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
