// SQL of the health-education library's tables. Every method takes the clinic id, except the
// two public lookups by an unguessable id (the cover image and the public article page).
import { type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { CareArticleImagesTable, CareArticlesTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type ArticleRow = Selectable<CareArticlesTable>;
export type ImageRow = Selectable<CareArticleImagesTable>;

export function careLibraryRepository(db: Db) {
  return {
    /** True for the one caller that created the clinic's settings row (and so copies the starter articles). */
    async claimSeed(clinicId: string, at: string): Promise<boolean> {
      const r = await db
        .insertInto('care_library_settings')
        .values({ clinic_id: clinicId, seeded_at: at })
        .onConflict((oc) => oc.column('clinic_id').doNothing())
        .returning('clinic_id')
        .executeTakeFirst();
      return r !== undefined;
    },
    seeded: async (clinicId: string) =>
      (await db
        .selectFrom('care_library_settings')
        .select('clinic_id')
        .where('clinic_id', '=', clinicId)
        .executeTakeFirst()) !== undefined,

    articles: (clinicId: string) =>
      db
        .selectFrom('care_articles')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .orderBy('updated_at', 'desc')
        .orderBy('id')
        .execute(),
    article: (clinicId: string, id: string) =>
      db
        .selectFrom('care_articles')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    articlesByIds: (clinicId: string, ids: string[]) =>
      ids.length
        ? db.selectFrom('care_articles').selectAll().where('clinic_id', '=', clinicId).where('id', 'in', ids).execute()
        : Promise.resolve([] as ArticleRow[]),
    articleBySlug: (clinicId: string, slug: string) =>
      db
        .selectFrom('care_articles')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('slug', '=', slug)
        .executeTakeFirst(),
    /** The public page's lookup: by the unguessable public id only. */
    articleByPublicId: (publicId: string) =>
      db.selectFrom('care_articles').selectAll().where('public_id', '=', publicId).executeTakeFirst(),
    insertArticle: (row: ArticleRow) => db.insertInto('care_articles').values(row).execute(),
    updateArticle: (clinicId: string, id: string, patch: Partial<ArticleRow>) =>
      db.updateTable('care_articles').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id).execute(),
    deleteArticle: async (clinicId: string, id: string) =>
      Number(
        (await db.deleteFrom('care_articles').where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst())
          .numDeletedRows,
      ),

    insertImage: (row: ImageRow) => db.insertInto('care_article_images').values(row).execute(),
    /** Without the bytes: whether an image exists in the clinic and its size. */
    imageMeta: (clinicId: string, id: string) =>
      db
        .selectFrom('care_article_images')
        .select(['id', 'clinic_id', 'content_type', 'size', 'width', 'height'])
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    /** A cover by its unguessable id (public: LINE and the patient's phone fetch it). */
    image: (id: string) => db.selectFrom('care_article_images').selectAll().where('id', '=', id).executeTakeFirst(),
  };
}
