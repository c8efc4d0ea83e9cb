// The 衛教文章 editor's pure parts: form values ⇄ the API's body, the server's field errors on
// the form, and how far a cover must shrink to fit LINE's 1024×1024 limit for card images.
import { ApiError, type ApiBody, type Schema } from '../../api.ts';

export type Article = Schema<'CareArticle'>;
export type ArticleBody = ApiBody<'/api/care/articles', 'post'>;

export type ArticleForm = {
  title: string;
  category: string;
  tags: string[];
  body: string;
  linkUrl: string;
  published: boolean;
};

/** LINE's largest card (Flex) image side and file size. */
export const MAX_SIDE = 1024;
export const MAX_BYTES = 10 * 1024 * 1024;

export const emptyForm = (): ArticleForm => ({
  title: '',
  category: '',
  tags: [],
  body: '',
  linkUrl: '',
  published: false,
});

export const toForm = (a: Article): ArticleForm => ({
  title: a.title,
  category: a.category,
  tags: a.tags,
  body: a.body,
  linkUrl: a.linkUrl ?? '',
  published: a.status === 'published',
});

/** The API body; an emptied link is null (never ""). */
export function toBody(v: ArticleForm, coverId: string | null): ArticleBody {
  const link = v.linkUrl.trim();
  return {
    title: v.title.trim(),
    category: v.category.trim(),
    tags: [...new Set(v.tags.map((t) => t.trim()).filter(Boolean))],
    body: v.body,
    linkUrl: link || null,
    coverId,
    status: v.published ? 'published' : 'draft',
  };
}

/** The server's field errors as the form's (the cover's go to a message of its own). */
export function fieldErrors(err: unknown): { name: string[]; errors: string[] }[] {
  if (!(err instanceof ApiError)) return [];
  const fields: Record<string, string> = {
    title: 'title',
    category: 'category',
    body: 'body',
    linkUrl: 'linkUrl',
    tags: 'tags',
  };
  return err.details.flatMap((d) => {
    const f = d.field?.split('.')[0];
    return f && fields[f] ? [{ name: [fields[f]], errors: [d.message] }] : [];
  });
}

/** The size a w×h image is drawn at to fit LINE's limit (unchanged when it fits). */
export function fitWithin(w: number, h: number, max = MAX_SIDE): { width: number; height: number; scaled: boolean } {
  if (w <= max && h <= max) return { width: w, height: h, scaled: false };
  const k = max / Math.max(w, h);
  return { width: Math.max(1, Math.round(w * k)), height: Math.max(1, Math.round(h * k)), scaled: true };
}

export const STATUS_META = {
  published: { label: '已發布', color: 'green' },
  draft: { label: '草稿', color: 'default' },
} as const;
