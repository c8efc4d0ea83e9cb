// Kysely table types of the health-education library (migration 0230_care_library.ts).
export interface CareArticlesTable {
  id: string;
  clinic_id: string;
  /** A starter article's stable name (e.g. 'after-extraction') for shipped care plans; null for the clinic's own. */
  slug: string | null;
  title: string;
  category: string;
  /** JSON array of tags. */
  tags: string;
  /** The article's text: paragraphs separated by blank lines, with the light formatting of format.ts. */
  body: string;
  link_url: string | null;
  /** care_article_images.id of the cover, or null (the bubble then has no hero image). */
  cover_id: string | null;
  /** draft | published */
  status: string;
  /** The unguessable id in the public page's URL (/line/articles/<public_id>). */
  public_id: string;
  published_at: string | null;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
}

export interface CareArticleImagesTable {
  /** Random and unguessable: the image is public under /line/care-images/<id> (LINE fetches it). */
  id: string;
  clinic_id: string;
  content_type: string;
  size: number;
  width: number;
  height: number;
  data: Buffer;
  created_by: string | null;
  created_at: string;
}

export interface CareLibrarySettingsTable {
  clinic_id: string;
  /** When the starter articles were copied into the clinic (once, even if they are deleted later). */
  seeded_at: string;
}

export interface CareLibraryTables {
  care_articles: CareArticlesTable;
  care_article_images: CareArticleImagesTable;
  care_library_settings: CareLibrarySettingsTable;
}
