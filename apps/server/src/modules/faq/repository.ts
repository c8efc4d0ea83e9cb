// SQL of the FAQ bot's tables. Every method takes the clinic id.
import { type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { FaqQuestionsTable, FaqsTable, FaqSynonymsTable, FaqWordingsTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type FaqRow = Selectable<FaqsTable>;
export type WordingRow = Selectable<FaqWordingsTable>;
export type SynonymRow = Selectable<FaqSynonymsTable>;
export type QuestionRow = Selectable<FaqQuestionsTable>;

export function faqRepository(db: Db) {
  const updateQuestionQuery = (clinicId: string, id: string, patch: Partial<QuestionRow>) =>
    db.updateTable('faq_questions').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id);
  return {
    settings: (clinicId: string) =>
      db.selectFrom('faq_settings').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    /** True for the one caller that created the clinic's settings row (and so copies the starter set). */
    async claimSeed(clinicId: string, at: string): Promise<boolean> {
      const r = await db
        .insertInto('faq_settings')
        .values({ clinic_id: clinicId, seeded_at: at, version: 0 })
        .onConflict((oc) => oc.column('clinic_id').doNothing())
        .returning('clinic_id')
        .executeTakeFirst();
      return r !== undefined;
    },
    bumpVersion: (clinicId: string) =>
      db
        .updateTable('faq_settings')
        .set((eb) => ({ version: eb('version', '+', 1) }))
        .where('clinic_id', '=', clinicId)
        .execute(),

    faqs: (clinicId: string) =>
      db
        .selectFrom('faqs')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .orderBy('category')
        .orderBy('created_at')
        .execute(),
    faq: (clinicId: string, id: string) =>
      db.selectFrom('faqs').selectAll().where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst(),
    insertFaq: (row: FaqRow) => db.insertInto('faqs').values(row).execute(),
    updateFaq: (clinicId: string, id: string, patch: Partial<FaqRow>) =>
      db.updateTable('faqs').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id).execute(),
    async deleteFaq(clinicId: string, id: string) {
      await db.deleteFrom('faq_wordings').where('clinic_id', '=', clinicId).where('faq_id', '=', id).execute();
      const r = await db.deleteFrom('faqs').where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    wordings: (clinicId: string) =>
      db
        .selectFrom('faq_wordings')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .orderBy('faq_id')
        .orderBy('position')
        .execute(),
    wordingsByNorm: (clinicId: string, norms: string[]) =>
      norms.length
        ? db
            .selectFrom('faq_wordings')
            .selectAll()
            .where('clinic_id', '=', clinicId)
            .where('norm', 'in', norms)
            .execute()
        : Promise.resolve([] as WordingRow[]),
    deleteWordingsOf: (clinicId: string, faqId: string) =>
      db.deleteFrom('faq_wordings').where('clinic_id', '=', clinicId).where('faq_id', '=', faqId).execute(),
    insertWordings: (rows: WordingRow[]) =>
      rows.length ? db.insertInto('faq_wordings').values(rows).execute() : Promise.resolve([]),
    maxPosition: async (clinicId: string, faqId: string) =>
      (
        await db
          .selectFrom('faq_wordings')
          .select((eb) => eb.fn.max('position').as('p'))
          .where('clinic_id', '=', clinicId)
          .where('faq_id', '=', faqId)
          .executeTakeFirst()
      )?.p ?? -1,

    synonyms: (clinicId: string) =>
      db
        .selectFrom('faq_synonyms')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    synonym: (clinicId: string, id: string) =>
      db
        .selectFrom('faq_synonyms')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    insertSynonyms: (rows: SynonymRow[]) =>
      rows.length ? db.insertInto('faq_synonyms').values(rows).execute() : Promise.resolve([]),
    updateSynonym: (clinicId: string, id: string, patch: Partial<SynonymRow>) =>
      db.updateTable('faq_synonyms').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id).execute(),
    deleteSynonym: async (clinicId: string, id: string) =>
      Number(
        (await db.deleteFrom('faq_synonyms').where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst())
          .numDeletedRows,
      ),

    /**
     * A question's insert, once per event: returns its id when new, nothing when the event was
     * recorded before (a retried job). Built, not run: written with writeStatements.
     */
    insertQuestionQuery: (row: QuestionRow) =>
      db
        .insertInto('faq_questions')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'event_key']).doNothing())
        .returning('id'),
    /** One more hit of an FAQ, only if the question `questionId` exists (was just inserted); built, not run. */
    hitForQuestionQuery: (clinicId: string, faqId: string, questionId: string, at: string) =>
      db
        .updateTable('faqs')
        .set((eb) => ({ hits: eb('hits', '+', 1), last_hit_at: at }))
        .where('clinic_id', '=', clinicId)
        .where('id', '=', faqId)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('faq_questions')
              .select('faq_questions.id')
              .where('faq_questions.clinic_id', '=', clinicId)
              .where('faq_questions.id', '=', questionId),
          ),
        ),
    questionByEvent: (clinicId: string, eventKey: string) =>
      db
        .selectFrom('faq_questions')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('event_key', '=', eventKey)
        .executeTakeFirst(),
    question: (clinicId: string, id: string) =>
      db
        .selectFrom('faq_questions')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    updateQuestion: (clinicId: string, id: string, patch: Partial<QuestionRow>) =>
      updateQuestionQuery(clinicId, id, patch).execute(),
    /** The same update, built, not run (writeStatements). */
    updateQuestionQuery,
    openQuestions: (clinicId: string, limit: number) =>
      db
        .selectFrom('faq_questions')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('review', '=', 'open')
        .orderBy('asked_at', 'desc')
        .limit(limit)
        .execute(),
    questionsById: (clinicId: string, ids: string[]) =>
      ids.length
        ? db.selectFrom('faq_questions').selectAll().where('clinic_id', '=', clinicId).where('id', 'in', ids).execute()
        : Promise.resolve([] as QuestionRow[]),
    review: (clinicId: string, ids: string[], review: string, by: string | null, at: string) =>
      db
        .updateTable('faq_questions')
        .set({ review, reviewed_by: by, reviewed_at: at })
        .where('clinic_id', '=', clinicId)
        .where('id', 'in', ids)
        .where('review', '=', 'open')
        .execute(),
    /** Feedback per FAQ (helpful / not helpful), for the list page. */
    feedbackByFaq: (clinicId: string) =>
      db
        .selectFrom('faq_questions')
        .select(['faq_id', 'feedback', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('clinic_id', '=', clinicId)
        .where('faq_id', 'is not', null)
        .where('feedback', 'is not', null)
        .groupBy(['faq_id', 'feedback'])
        .execute(),
    /** Questions of [from, to) by outcome and feedback. */
    stats: (clinicId: string, from: string, to: string) =>
      db
        .selectFrom('faq_questions')
        .select(['outcome', 'feedback', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('clinic_id', '=', clinicId)
        .where('asked_at', '>=', from)
        .where('asked_at', '<', to)
        .groupBy(['outcome', 'feedback'])
        .execute(),
  };
}
