// 衛教文章: the clinic's health-education articles (title, cover, text, an outside link, tags,
// draft / published), drawn as a LINE Flex bubble for care plans and inbox replies, with a public
// page per article. The starter articles are copied into a clinic once, the first time its
// library is used. Other modules call articleMessage / articlesByIds / articleIdBySlug; a module
// that uses articles (care plans) says so through an ArticleUsage hook, so an article in use is
// neither deleted nor unpublished from under it.
import { randomBytes } from 'node:crypto';
import type { messagingApi } from '@line/bot-sdk';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors, type ErrorDetail } from '../../platform/errors.ts';
import { clinicService } from '../clinics/service.ts';
import { imageInfo } from '../rich-menus/image.ts';
import { starterCover, COVER_HEIGHT, COVER_WIDTH } from './cover.ts';
import { articleFlex, flexProblems } from './flex.ts';
import { excerptOf } from './format.ts';
import { careLibraryRepository, type ArticleRow } from './repository.ts';
import type { ArticleInput, PreviewInput } from './schemas.ts';
import { STARTER_ARTICLES } from './starter.ts';

/** LINE's limits for an image in a Flex bubble: JPEG or PNG, at most 10 MB and 1024×1024 px (docs/contracts.md). */
export const MAX_COVER_BYTES = 10 * 1024 * 1024;
export const MAX_COVER_SIDE = 1024;

/**
 * What uses an article, as names people recognise (e.g. care plans' names); empty when nothing
 * does. Wired in app.ts by the modules that reference articles.
 */
export type ArticleUsage = (deps: Deps, clinicId: string, articleId: string) => Promise<string[]>;

export type Article = {
  id: string;
  slug: string | null;
  title: string;
  category: string;
  tags: string[];
  body: string;
  excerpt: string;
  linkUrl: string | null;
  cover: { id: string; url: string; width: number; height: number; size: number; contentType: string } | null;
  status: 'draft' | 'published';
  publicUrl: string;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

const URL_RE = /^https?:\/\/[^\s/?#]+\.[^\s]*$|^https?:\/\/localhost(:\d+)?(\/\S*)?$/i;

const cleanTags = (tags: string[]) => [...new Set(tags.map((t) => t.trim()).filter(Boolean))];

export function careLibraryService(deps: Deps, opts: { usage?: ArticleUsage[] } = {}) {
  const db = deps.db;
  const repo = careLibraryRepository(db);
  const now = () => deps.clock.now().toISOString();
  const base = deps.config.publicBaseUrl;
  const imageUrl = (id: string) => `${base}/line/care-images/${id}`;
  const pageUrl = (publicId: string) => `${base}/line/articles/${publicId}`;

  /** Copies the starter articles (published, with their covers) into the clinic, once. */
  async function ensureSeeded(clinicId: string): Promise<void> {
    if (await repo.seeded(clinicId)) return;
    await db.transaction().execute(async (trx) => {
      const r = careLibraryRepository(trx);
      const at = now();
      if (!(await r.claimSeed(clinicId, at))) return;
      for (const a of STARTER_ARTICLES) {
        const png = starterCover(a.colour);
        const coverId = randomBytes(18).toString('base64url');
        await r.insertImage({
          id: coverId,
          clinic_id: clinicId,
          content_type: 'image/png',
          size: png.length,
          width: COVER_WIDTH,
          height: COVER_HEIGHT,
          data: png,
          created_by: null,
          created_at: at,
        });
        await r.insertArticle({
          id: newId(),
          clinic_id: clinicId,
          slug: a.slug,
          title: a.title,
          category: a.category,
          tags: JSON.stringify(a.tags),
          body: a.body,
          link_url: null,
          cover_id: coverId,
          status: 'published',
          public_id: randomBytes(18).toString('base64url'),
          published_at: at,
          created_at: at,
          updated_at: at,
          updated_by: null,
        });
      }
    });
  }

  async function toArticles(clinicId: string, rows: ArticleRow[]): Promise<Article[]> {
    const covers = new Map<string, NonNullable<Article['cover']>>();
    for (const id of new Set(rows.map((r) => r.cover_id).filter((x): x is string => x !== null))) {
      const m = await repo.imageMeta(clinicId, id);
      if (m)
        covers.set(id, {
          id,
          url: imageUrl(id),
          width: Number(m.width),
          height: Number(m.height),
          size: Number(m.size),
          contentType: m.content_type,
        });
    }
    return rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      title: r.title,
      category: r.category,
      tags: JSON.parse(r.tags) as string[],
      body: r.body,
      excerpt: excerptOf(r.body),
      linkUrl: r.link_url,
      cover: r.cover_id ? (covers.get(r.cover_id) ?? null) : null,
      status: r.status === 'published' ? 'published' : 'draft',
      publicUrl: pageUrl(r.public_id),
      publishedAt: r.published_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  async function existing(clinicId: string, id: string): Promise<ArticleRow> {
    await ensureSeeded(clinicId);
    const r = await repo.article(clinicId, id);
    if (!r) throw errors.notFound('衛教文章');
    return r;
  }

  /** Problems of an article's fields beyond the schema's (trimmed title, text or link, a cover of this clinic). */
  async function check(clinicId: string, input: ArticleInput): Promise<ErrorDetail[]> {
    const d: ErrorDetail[] = [];
    if (!input.title.trim()) d.push({ field: 'title', code: 'required', message: '請填寫標題' });
    const link = input.linkUrl?.trim() ?? null;
    if (link !== null && !URL_RE.test(link))
      d.push({
        field: 'linkUrl',
        code: 'format',
        message: '連結需以 https:// 或 http:// 開頭，例如 https://www.example.com',
      });
    if (!input.body.trim() && !link)
      d.push({ field: 'body', code: 'required', message: '請填寫內文，或提供延伸閱讀的連結' });
    if (input.coverId !== null && !(await repo.imageMeta(clinicId, input.coverId)))
      d.push({ field: 'coverId', code: 'unknown', message: '找不到這張封面圖片，請重新上傳' });
    return d;
  }

  /** Names of what uses the article (care plans …); empty when nothing does. */
  async function usedBy(clinicId: string, id: string): Promise<string[]> {
    const names: string[] = [];
    for (const u of opts.usage ?? []) names.push(...(await u(deps, clinicId, id)));
    return names;
  }

  const readUrlOf = (r: { body: string; link_url: string | null; public_id: string }) =>
    r.body.trim() || !r.link_url ? pageUrl(r.public_id) : r.link_url;

  async function flexOf(clinicId: string, r: ArticleRow): Promise<messagingApi.FlexMessage> {
    const clinic = await clinicService(deps).get(clinicId);
    return articleFlex({
      title: r.title,
      body: r.body,
      clinicName: clinic.name,
      coverUrl: r.cover_id ? imageUrl(r.cover_id) : null,
      readUrl: readUrlOf(r),
    });
  }

  return {
    ensureSeeded,

    async list(clinicId: string, q: { q?: string; status?: 'draft' | 'published'; category?: string; tag?: string }) {
      await ensureSeeded(clinicId);
      const all = await toArticles(clinicId, await repo.articles(clinicId));
      const needle = q.q?.trim().toLowerCase() ?? '';
      const items = all.filter(
        (a) =>
          (!q.status || a.status === q.status) &&
          (q.category === undefined || a.category === q.category) &&
          (!q.tag || a.tags.includes(q.tag)) &&
          (!needle ||
            a.title.toLowerCase().includes(needle) ||
            a.body.toLowerCase().includes(needle) ||
            a.tags.some((t) => t.toLowerCase().includes(needle))),
      );
      const sorted = (xs: string[]) => [...new Set(xs)].filter(Boolean).sort((a, b) => a.localeCompare(b, 'zh-TW'));
      return {
        items,
        categories: sorted(all.map((a) => a.category)),
        tags: sorted(all.flatMap((a) => a.tags)),
      };
    },

    async byIds(clinicId: string, ids: string[]): Promise<Article[]> {
      await ensureSeeded(clinicId);
      return toArticles(clinicId, await repo.articlesByIds(clinicId, [...new Set(ids)]));
    },

    async get(clinicId: string, id: string): Promise<Article> {
      return (await toArticles(clinicId, [await existing(clinicId, id)]))[0];
    },

    async create(clinicId: string, input: ArticleInput, actor: Actor, ip: string): Promise<Article> {
      await ensureSeeded(clinicId);
      const d = await check(clinicId, input);
      if (d.length) throw errors.validation(d);
      const at = now();
      const id = newId();
      await db.transaction().execute(async (trx) => {
        await careLibraryRepository(trx).insertArticle({
          id,
          clinic_id: clinicId,
          slug: null,
          title: input.title.trim(),
          category: input.category.trim(),
          tags: JSON.stringify(cleanTags(input.tags)),
          body: input.body,
          link_url: input.linkUrl?.trim() ?? null,
          cover_id: input.coverId,
          status: input.status,
          public_id: randomBytes(18).toString('base64url'),
          published_at: input.status === 'published' ? at : null,
          created_at: at,
          updated_at: at,
          updated_by: actor.id,
        });
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'care.article_created',
          entityType: 'care_article',
          entityId: id,
          ip,
          detail: { title: input.title.trim(), status: input.status },
        });
      });
      return this.get(clinicId, id);
    },

    async update(clinicId: string, id: string, input: ArticleInput, actor: Actor, ip: string): Promise<Article> {
      const before = await existing(clinicId, id);
      const d = await check(clinicId, input);
      if (d.length) throw errors.validation(d);
      if (before.status === 'published' && input.status === 'draft') await refuseInUse(clinicId, id, 'unpublish');
      const at = now();
      const patch = {
        title: input.title.trim(),
        category: input.category.trim(),
        tags: JSON.stringify(cleanTags(input.tags)),
        body: input.body,
        link_url: input.linkUrl?.trim() ?? null,
        cover_id: input.coverId,
        status: input.status,
      };
      const fields = (Object.keys(patch) as (keyof typeof patch)[]).filter((k) => patch[k] !== before[k]);
      await db.transaction().execute(async (trx) => {
        await careLibraryRepository(trx).updateArticle(clinicId, id, {
          ...patch,
          published_at: input.status === 'published' ? (before.published_at ?? at) : null,
          updated_at: at,
          updated_by: actor.id,
        });
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'care.article_updated',
          entityType: 'care_article',
          entityId: id,
          ip,
          detail: { title: patch.title, status: input.status, fields },
        });
      });
      return this.get(clinicId, id);
    },

    async setStatus(clinicId: string, id: string, status: 'draft' | 'published', actor: Actor, ip: string) {
      const before = await existing(clinicId, id);
      if (before.status === status) return this.get(clinicId, id);
      if (status === 'draft') await refuseInUse(clinicId, id, 'unpublish');
      const at = now();
      const action = status === 'published' ? 'care.article_published' : 'care.article_unpublished';
      await db.transaction().execute(async (trx) => {
        await careLibraryRepository(trx).updateArticle(clinicId, id, {
          status,
          published_at: status === 'published' ? at : null,
          updated_at: at,
          updated_by: actor.id,
        });
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action,
          entityType: 'care_article',
          entityId: id,
          ip,
          detail: { title: before.title },
        });
      });
      return this.get(clinicId, id);
    },

    async remove(clinicId: string, id: string, actor: Actor, ip: string): Promise<void> {
      const before = await existing(clinicId, id);
      await refuseInUse(clinicId, id, 'delete');
      await db.transaction().execute(async (trx) => {
        await careLibraryRepository(trx).deleteArticle(clinicId, id);
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'care.article_deleted',
          entityType: 'care_article',
          entityId: id,
          ip,
          detail: { title: before.title },
        });
      });
    },

    /** Stores a cover image: JPEG or PNG by its bytes, within LINE's limits for a Flex image. */
    async uploadCover(clinicId: string, body: Buffer | undefined, contentType: string | undefined, actor: Actor) {
      if (!body || body.length === 0) throw new AppError('IMAGE_REQUIRED', 400, '請選擇封面圖片（JPEG 或 PNG）');
      if (body.length > MAX_COVER_BYTES)
        throw new AppError('IMAGE_TOO_LARGE', 413, '圖片超過 10 MB，LINE 無法顯示，請縮小後再上傳');
      const info = imageInfo(body);
      if (!info || (contentType && !contentType.startsWith(info.type)))
        throw new AppError('IMAGE_TYPE', 415, '封面只能是 JPEG 或 PNG 圖片');
      if (info.width > MAX_COVER_SIDE || info.height > MAX_COVER_SIDE || info.width < 1 || info.height < 1)
        throw new AppError(
          'IMAGE_DIMENSIONS',
          413,
          `圖片為 ${info.width}×${info.height} 像素，LINE 的卡片圖片最大 ${MAX_COVER_SIDE}×${MAX_COVER_SIDE}，請縮小後再上傳`,
        );
      const id = randomBytes(18).toString('base64url');
      const at = now();
      await db.transaction().execute(async (trx) => {
        await careLibraryRepository(trx).insertImage({
          id,
          clinic_id: clinicId,
          content_type: info.type,
          size: body.length,
          width: info.width,
          height: info.height,
          data: body,
          created_by: actor.id,
          created_at: at,
        });
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'care.article_cover_uploaded',
          entityType: 'care_article_image',
          entityId: id,
          detail: { size: body.length, width: info.width, height: info.height },
        });
      });
      return {
        id,
        url: imageUrl(id),
        width: info.width,
        height: info.height,
        size: body.length,
        contentType: info.type,
      };
    },

    /** A cover by its unguessable id (public: LINE and the patient's phone fetch it). */
    image: (id: string) => repo.image(id),

    /** The article's LINE message; only a published article is sent to patients. */
    async message(clinicId: string, id: string): Promise<messagingApi.FlexMessage> {
      const r = await existing(clinicId, id);
      if (r.status !== 'published')
        throw errors.conflict('ARTICLE_NOT_PUBLISHED', `衛教文章「${r.title}」尚未發布，發布後才能傳給病患`);
      return flexOf(clinicId, r);
    },

    async flex(clinicId: string, id: string) {
      const m = await flexOf(clinicId, await existing(clinicId, id));
      return { message: m, problems: flexProblems(m) };
    },

    /** The bubble of fields being edited (nothing saved): the editor's live preview. */
    async preview(clinicId: string, input: PreviewInput) {
      const cover = input.coverId ? await repo.imageMeta(clinicId, input.coverId) : undefined;
      const link = input.linkUrl?.trim() || null;
      const clinic = await clinicService(deps).get(clinicId);
      const m = articleFlex({
        title: input.title,
        body: input.body,
        clinicName: clinic.name,
        coverUrl: cover ? imageUrl(cover.id) : null,
        readUrl: input.body.trim() || !link ? `${base}/line/articles/preview` : link,
      });
      return { message: m, problems: flexProblems(m) };
    },

    /** The public page's data: a published article by its public id, with the clinic's contact. */
    async publicArticle(publicId: string) {
      const r = await repo.articleByPublicId(publicId);
      if (!r) return null;
      const clinic = await clinicService(deps).find(r.clinic_id);
      if (!clinic) return null;
      return {
        published: r.status === 'published',
        title: r.title,
        category: r.category,
        body: r.body,
        linkUrl: r.link_url,
        coverUrl: r.cover_id ? imageUrl(r.cover_id) : null,
        updatedAt: r.updated_at,
        clinic: { name: clinic.name, phone: clinic.phone, address: clinic.address, timeZone: clinic.timeZone },
      };
    },
  };

  async function refuseInUse(clinicId: string, id: string, what: 'delete' | 'unpublish') {
    const names = await usedBy(clinicId, id);
    if (!names.length) return;
    const list = names.map((n) => `「${n}」`).join('、');
    throw errors.conflict(
      'ARTICLE_IN_USE',
      what === 'delete'
        ? `照護計畫${list}正在使用這篇文章，請先從計畫中移除再刪除`
        : `照護計畫${list}正在使用這篇文章，請先從計畫中移除再取消發布`,
      { usedBy: names },
    );
  }
}

export type CareLibraryService = ReturnType<typeof careLibraryService>;

/** The LINE Flex message of a published article of the clinic (for care-plan steps and replies). */
export function articleMessage(deps: Deps, clinicId: string, articleId: string): Promise<messagingApi.FlexMessage> {
  return careLibraryService(deps).message(clinicId, articleId);
}

/** The clinic's articles with these ids (drafts too: `status` says which may be sent); unknown ids left out. */
export function articlesByIds(deps: Deps, clinicId: string, ids: string[]): Promise<Article[]> {
  return careLibraryService(deps).byIds(clinicId, ids);
}

/** A starter article's id in the clinic by its slug (copying the starter articles first), or null if deleted. */
export async function articleIdBySlug(deps: Deps, clinicId: string, slug: string): Promise<string | null> {
  await careLibraryService(deps).ensureSeeded(clinicId);
  return (await careLibraryRepository(deps.db).articleBySlug(clinicId, slug))?.id ?? null;
}
