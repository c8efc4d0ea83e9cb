// SQL on questionnaires, their sends, recipients and responses. Every method takes the clinic id.
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type {
  QuestionnaireRecipientsTable,
  QuestionnaireResponsesTable,
  QuestionnaireSendsTable,
  QuestionnairesTable,
} from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type QuestionnaireRow = Selectable<QuestionnairesTable>;
export type RecipientRow = Selectable<QuestionnaireRecipientsTable>;
export type ResponseRow = Selectable<QuestionnaireResponsesTable>;
export type SendRow = Selectable<QuestionnaireSendsTable>;

export function questionnaireRepository(db: Db) {
  return {
    list: (clinicId: string) =>
      db
        .selectFrom('questionnaires')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .orderBy('created_at', 'desc')
        .execute(),
    get: (clinicId: string, id: string) =>
      db
        .selectFrom('questionnaires')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    insert: (row: Insertable<QuestionnairesTable>) => db.insertInto('questionnaires').values(row).execute(),
    async update(clinicId: string, id: string, patch: Partial<QuestionnaireRow>) {
      const r = await db
        .updateTable('questionnaires')
        .set(patch)
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async remove(clinicId: string, id: string) {
      const r = await db
        .deleteFrom('questionnaires')
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    /** Open after-visit questionnaires (closes_at null or later than `nowIso`). */
    afterVisit: (clinicId: string, nowIso: string) =>
      db
        .selectFrom('questionnaires')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('after_visit', '=', 1)
        .where((eb) => eb.or([eb('closes_at', 'is', null), eb('closes_at', '>', nowIso)]))
        .orderBy('created_at')
        .execute(),

    /** Recipient counts per questionnaire and status. */
    statusCounts: (clinicId: string, questionnaireId?: string) => {
      let q = db
        .selectFrom('questionnaire_recipients')
        .select(['questionnaire_id', 'status', sql<number>`count(*)`.as('n')])
        .where('clinic_id', '=', clinicId);
      if (questionnaireId) q = q.where('questionnaire_id', '=', questionnaireId);
      return q.groupBy(['questionnaire_id', 'status']).execute();
    },
    hasRecipients: async (clinicId: string, questionnaireId: string) =>
      !!(await db
        .selectFrom('questionnaire_recipients')
        .select('id')
        .where('clinic_id', '=', clinicId)
        .where('questionnaire_id', '=', questionnaireId)
        .executeTakeFirst()),
    /** Inserts recipients, skipping patients the questionnaire already has; returns the inserted ids. */
    async insertRecipients(rows: Insertable<QuestionnaireRecipientsTable>[]): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < rows.length; i += 200) {
        const got = await db
          .insertInto('questionnaire_recipients')
          .values(rows.slice(i, i + 200))
          .onConflict((oc) => oc.columns(['clinic_id', 'questionnaire_id', 'patient_id']).doNothing())
          .returning('id')
          .execute();
        ids.push(...got.map((g) => g.id));
      }
      return ids;
    },
    recipient: (clinicId: string, id: string) =>
      db
        .selectFrom('questionnaire_recipients')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    /** A recipient by id alone (the LIFF page checks the clinic and LINE user afterwards). */
    recipientById: (id: string) =>
      db.selectFrom('questionnaire_recipients').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Updates a recipient, optionally only from status `from`; true when a row changed. */
    async setRecipient(clinicId: string, id: string, patch: Partial<RecipientRow>, from?: string) {
      let q = db
        .updateTable('questionnaire_recipients')
        .set(patch)
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id);
      if (from) q = q.where('status', '=', from);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    recipientsPage: (clinicId: string, questionnaireId: string, limit: number) =>
      db
        .selectFrom('questionnaire_recipients')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('questionnaire_id', '=', questionnaireId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute(),

    insertSend: (row: Insertable<QuestionnaireSendsTable>) =>
      db.insertInto('questionnaire_sends').values(row).execute(),
    sends: (clinicId: string, questionnaireId: string) =>
      db
        .selectFrom('questionnaire_sends')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('questionnaire_id', '=', questionnaireId)
        .orderBy('created_at', 'desc')
        .execute(),

    /** Inserts a response; false when the recipient has answered already (unique recipient_id). */
    async insertResponse(row: Insertable<QuestionnaireResponsesTable>): Promise<boolean> {
      const r = await db
        .insertInto('questionnaire_responses')
        .values(row)
        .onConflict((oc) => oc.column('recipient_id').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    responses: (clinicId: string, questionnaireId: string) =>
      db
        .selectFrom('questionnaire_responses as r')
        .innerJoin('questionnaire_recipients as q', 'q.id', 'r.recipient_id')
        .select(['r.id', 'r.patient_id', 'r.answers', 'r.submitted_at', 'q.source'])
        .where('r.clinic_id', '=', clinicId)
        .where('r.questionnaire_id', '=', questionnaireId)
        .orderBy('r.submitted_at')
        .execute(),
  };
}
