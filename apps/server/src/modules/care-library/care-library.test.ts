// 衛教文章 through the API: the starter articles, CRUD with validation, covers within LINE's
// limits (size, pixels, type by signature), the Flex bubble, publish / unpublish, an article in
// use by a care plan, the public page, and another clinic seeing and changing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type Session, type TestApp } from '../../testing/helpers.ts';
import { encodePng } from '../rich-menus/image.ts';
import { careLibraryService, articleIdBySlug, articleMessage, articlesByIds } from './service.ts';
import { STARTER_SLUGS } from './starter.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const png = (w: number, h: number) => encodePng(w, h, Buffer.alloc(w * h * 3, 0x80));
/** A JPEG's first bytes with a SOF0 marker saying w×h (enough for the header check). */
const jpeg = (w: number, h: number) => {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, h >> 8, h & 0xff, w >> 8, w & 0xff, 0x03]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.alloc(64)]);
};

const upload = (s: Session, body: Buffer, type = 'image/png') =>
  t.app.inject({
    method: 'POST',
    url: '/api/care/articles/covers',
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': type },
    payload: body,
  });

const articleBody = (over: Record<string, unknown> = {}) => ({
  title: '矯正期間的清潔',
  category: '口腔保健',
  tags: ['矯正', ' 刷牙 ', '矯正'],
  body: '戴矯正器時食物容易卡住。\n\n## 建議\n- 每餐飯後刷牙\n- 使用牙間刷',
  linkUrl: null,
  coverId: null,
  status: 'draft',
  ...over,
});

describe('care library', () => {
  it('ships the starter articles, published, with covers and stable slugs', async () => {
    const c = await createTestClinic(t);
    const list = (await as(t.app, c.admin).get('/api/care/articles')).json();
    const bySlug = new Map(list.items.map((a: { slug: string | null }) => [a.slug, a]));
    for (const slug of STARTER_SLUGS) expect(bySlug.has(slug), slug).toBe(true);
    const titles = list.items.map((a: { title: string }) => a.title);
    expect(titles).toEqual(
      expect.arrayContaining(['拔牙後照護', '植牙術後照護', '根管治療後注意事項', '洗牙後注意事項', '正確刷牙與牙線']),
    );
    for (const a of list.items) {
      expect(a.status).toBe('published');
      expect(a.body).toContain('請立即回診或來電');
      expect(a.cover).toMatchObject({ width: 800, height: 520, contentType: 'image/png' });
    }
    // the cover is public by its random id and is a real PNG
    const cover = await t.app.inject({ method: 'GET', url: new URL(list.items[0].cover.url).pathname });
    expect(cover.statusCode).toBe(200);
    expect(cover.headers['content-type']).toBe('image/png');
    expect(cover.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    // seeded once: a second listing does not add them again, and a deleted one stays deleted
    const id = await articleIdBySlug(t.deps, c.clinicId, 'after-scaling');
    expect(id).toBeTruthy();
    expect((await as(t.app, c.admin).delete(`/api/care/articles/${id}`)).statusCode).toBe(204);
    const again = (await as(t.app, c.admin).get('/api/care/articles')).json();
    expect(again.items).toHaveLength(STARTER_SLUGS.length - 1);
    expect(await articleIdBySlug(t.deps, c.clinicId, 'after-scaling')).toBeNull();
  });

  it('creates, edits, publishes and deletes an article, with an audit entry for each change', async () => {
    const c = await createTestClinic(t);
    const api = as(t.app, c.admin);
    const up = await upload(c.admin, png(600, 390));
    expect(up.statusCode, up.body).toBe(200);
    const cover = up.json();
    expect(cover).toMatchObject({ width: 600, height: 390, contentType: 'image/png' });

    const created = await api.post('/api/care/articles', articleBody({ coverId: cover.id }));
    expect(created.statusCode, created.body).toBe(201);
    const a = created.json();
    expect(a).toMatchObject({ title: '矯正期間的清潔', tags: ['矯正', '刷牙'], status: 'draft', slug: null });
    expect(a.cover.id).toBe(cover.id);
    expect(a.excerpt).toBe('戴矯正器時食物容易卡住。 每餐飯後刷牙 使用牙間刷');

    // a draft's page is not public
    const draftPage = await t.app.inject({ method: 'GET', url: new URL(a.publicUrl).pathname });
    expect(draftPage.statusCode).toBe(404);
    expect(draftPage.body).toContain('找不到這篇文章');
    await expect(articleMessage(t.deps, c.clinicId, a.id)).rejects.toMatchObject({ code: 'ARTICLE_NOT_PUBLISHED' });

    const pub = await api.post(`/api/care/articles/${a.id}/publish`);
    expect(pub.json()).toMatchObject({ status: 'published' });
    expect(pub.json().publishedAt).toBeTruthy();

    const edited = await api.put(
      `/api/care/articles/${a.id}`,
      articleBody({
        title: '矯正期間的口腔清潔',
        coverId: cover.id,
        status: 'published',
        linkUrl: 'https://example.org/x',
      }),
    );
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ title: '矯正期間的口腔清潔', linkUrl: 'https://example.org/x' });

    const list = (await api.get('/api/care/articles?q=矯正期間')).json();
    expect(list.items.map((x: { id: string }) => x.id)).toEqual([a.id]);
    expect((await api.get('/api/care/articles?tag=矯正')).json().items).toHaveLength(1);
    expect((await api.get('/api/care/articles?status=draft')).json().items).toHaveLength(0);
    expect(list.categories).toContain('口腔保健');

    expect((await api.post(`/api/care/articles/${a.id}/unpublish`)).json().status).toBe('draft');
    expect((await api.delete(`/api/care/articles/${a.id}`)).statusCode).toBe(204);
    expect((await api.get(`/api/care/articles/${a.id}`)).statusCode).toBe(404);

    const audit = (await api.get('/api/audit?action=care.*&limit=50')).json();
    const actions = audit.items.map((e: { action: string }) => e.action);
    for (const x of [
      'care.article_cover_uploaded',
      'care.article_created',
      'care.article_published',
      'care.article_updated',
      'care.article_unpublished',
      'care.article_deleted',
    ])
      expect(actions).toContain(x);
  });

  it('refuses bad input with a zh-TW message per field and saves nothing', async () => {
    const c = await createTestClinic(t);
    const api = as(t.app, c.admin);
    const before = (await api.get('/api/care/articles')).json().items.length;
    const bad = async (body: unknown, field: string, code: string) => {
      const r = await api.post('/api/care/articles', body);
      expect(r.statusCode, r.body).toBe(422);
      const d = r.json().error.details.find((x: { field: string }) => x.field === field);
      expect(d, r.body).toMatchObject({ code });
      expect(d.message).toMatch(/[\u4e00-\u9fff]/);
    };
    await bad(articleBody({ title: '   ' }), 'title', 'required');
    await bad(articleBody({ title: '長'.repeat(61) }), 'title', 'maxLength');
    await bad(articleBody({ body: '字'.repeat(10_001) }), 'body', 'maxLength');
    await bad(articleBody({ body: ' ', linkUrl: null }), 'body', 'required');
    await bad(articleBody({ linkUrl: 'javascript:alert(1)' }), 'linkUrl', 'format');
    await bad(articleBody({ linkUrl: '' }), 'linkUrl', 'minLength');
    await bad(articleBody({ coverId: 'nope' }), 'coverId', 'unknown');
    await bad(articleBody({ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }), 'tags', 'maxItems');
    await bad(articleBody({ status: 'archived' }), 'status', 'const');
    expect((await api.get('/api/care/articles')).json().items).toHaveLength(before);

    // a link alone is an article whose 「閱讀全文」 opens the link
    const linkOnly = await api.post(
      '/api/care/articles',
      articleBody({ body: '', linkUrl: 'https://www.hpa.gov.tw/', status: 'published' }),
    );
    expect(linkOnly.statusCode, linkOnly.body).toBe(201);
    const m = await articleMessage(t.deps, c.clinicId, linkOnly.json().id);
    expect(JSON.stringify(m)).toContain('"uri":"https://www.hpa.gov.tw/"');
  });

  it('takes covers within LINE limits only: JPEG/PNG by signature, ≤ 10 MB, ≤ 1024×1024', async () => {
    const c = await createTestClinic(t);
    const ok = await upload(c.admin, jpeg(1024, 768), 'image/jpeg');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ width: 1024, height: 768, contentType: 'image/jpeg' });

    const wide = await upload(c.admin, png(1025, 10));
    expect(wide.statusCode).toBe(413);
    expect(wide.json().error).toMatchObject({ code: 'IMAGE_DIMENSIONS' });
    expect(wide.json().error.message).toContain('1025×10');

    const big = await upload(c.admin, Buffer.concat([png(10, 10), Buffer.alloc(10 * 1024 * 1024)]));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('IMAGE_TOO_LARGE');
    expect(big.json().error.message).toContain('10 MB');

    const gif = await upload(c.admin, Buffer.from('GIF89a' + 'x'.repeat(40)), 'image/png');
    expect(gif.statusCode).toBe(415);
    expect(gif.json().error).toMatchObject({ code: 'IMAGE_TYPE', message: '封面只能是 JPEG 或 PNG 圖片' });

    const gifType = await upload(c.admin, Buffer.from('GIF89a' + 'x'.repeat(40)), 'image/gif');
    expect(gifType.statusCode).toBe(415);
    expect(gifType.json().error.message).toContain('JPEG 或 PNG');

    const lying = await upload(c.admin, png(10, 10), 'image/jpeg');
    expect(lying.statusCode).toBe(415);

    const empty = await upload(c.admin, Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);

    // a viewer may read the library but not upload
    const viewer = await c.staff('viewer');
    expect((await upload(viewer, png(10, 10))).statusCode).toBe(403);
    expect((await as(t.app, viewer).get('/api/care/articles')).statusCode).toBe(200);
  });

  it('draws a published article as a Flex bubble within LINE limits', async () => {
    const c = await createTestClinic(t);
    const id = (await articleIdBySlug(t.deps, c.clinicId, 'after-extraction'))!;
    const m = await articleMessage(t.deps, c.clinicId, id);
    expect(m.type).toBe('flex');
    expect(m.altText).toBe('【衛教】拔牙後照護');
    const bubble = m.contents as any;
    expect(bubble.type).toBe('bubble');
    expect(bubble.hero).toMatchObject({ type: 'image', size: 'full', aspectRatio: '20:13', aspectMode: 'cover' });
    expect(bubble.hero.url).toMatch(/^http:\/\/careline\.test\/line\/care-images\/[\w-]{24}$/);
    const texts = bubble.body.contents.map((x: { text: string }) => x.text);
    expect(texts[0]).toContain('測試診所');
    expect(texts[1]).toBe('拔牙後照護');
    expect(texts[2]).toMatch(/^拔牙後的傷口需要幾天時間癒合/);
    const button = bubble.footer.contents[0];
    expect(button.action).toMatchObject({ type: 'uri', label: '閱讀全文' });
    expect(button.action.uri).toMatch(/^http:\/\/careline\.test\/line\/articles\/[\w-]{24}$/);
    expect(Buffer.byteLength(JSON.stringify(bubble))).toBeLessThan(30_000);

    const api = as(t.app, c.admin);
    const flex = (await api.get(`/api/care/articles/${id}/flex`)).json();
    expect(flex.problems).toEqual([]);
    expect(flex.message).toEqual(m);

    const preview = await api.post('/api/care/articles/preview', {
      title: '標'.repeat(200),
      body: '內文',
      linkUrl: null,
      coverId: null,
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().message.contents.hero).toBeUndefined();
    expect([...preview.json().message.altText].length).toBeLessThanOrEqual(400);

    const byIds = await articlesByIds(t.deps, c.clinicId, [id, 'unknown', id]);
    expect(byIds.map((a) => a.id)).toEqual([id]);
  });

  it('serves the public article page without login, with the clinic name and phone', async () => {
    const c = await createTestClinic(t, { name: '晴天牙醫診所' });
    await as(t.app, c.admin).patch('/api/clinic', { phone: '02-2345-6789', address: '台北市信義區松高路 1 號' });
    const id = (await articleIdBySlug(t.deps, c.clinicId, 'brushing-and-flossing'))!;
    const a = (await as(t.app, c.admin).get(`/api/care/articles/${id}`)).json();
    const r = await t.app.inject({ method: 'GET', url: new URL(a.publicUrl).pathname });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.body).toContain('<h1>正確刷牙與牙線</h1>');
    expect(r.body).toContain('<h2>刷牙：貝氏刷牙法</h2>');
    expect(r.body).toContain('<ol>');
    expect(r.body).toContain('晴天牙醫診所');
    expect(r.body).toContain('href="tel:0223456789"');
    expect(r.body).toContain('width=device-width');

    // the text is escaped: markup typed by staff is shown, never run
    const x = await as(t.app, c.admin).post(
      '/api/care/articles',
      articleBody({ body: '<script>alert(1)</script> **重點**', status: 'published' }),
    );
    const page = await t.app.inject({ method: 'GET', url: new URL(x.json().publicUrl).pathname });
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).toContain('&lt;script&gt;');
    expect(page.body).toContain('<strong>重點</strong>');

    expect((await t.app.inject({ method: 'GET', url: '/line/articles/nope' })).statusCode).toBe(404);
  });

  it('refuses to delete or unpublish an article a care plan uses', async () => {
    const c = await createTestClinic(t);
    const used = new Set<string>();
    const svc = careLibraryService(t.deps, { usage: [async (_d, _c, id) => (used.has(id) ? ['拔牙後照護'] : [])] });
    const id = (await articleIdBySlug(t.deps, c.clinicId, 'after-extraction'))!;
    used.add(id);
    const actor = { type: 'staff' as const, id: c.admin.userId, label: 'admin' };
    await expect(svc.remove(c.clinicId, id, actor, '127.0.0.1')).rejects.toMatchObject({
      code: 'ARTICLE_IN_USE',
      status: 409,
      message: expect.stringContaining('「拔牙後照護」'),
    });
    await expect(svc.setStatus(c.clinicId, id, 'draft', actor, '127.0.0.1')).rejects.toMatchObject({
      code: 'ARTICLE_IN_USE',
    });
    expect((await svc.get(c.clinicId, id)).status).toBe('published');
    used.delete(id);
    await svc.remove(c.clinicId, id, actor, '127.0.0.1');
  });

  it('keeps each clinic to itself', async () => {
    const a = await createTestClinic(t);
    const b = await createTestClinic(t);
    const apiA = as(t.app, a.admin);
    const apiB = as(t.app, b.admin);
    const cover = (await upload(a.admin, png(20, 13))).json();
    const art = (await apiA.post('/api/care/articles', articleBody({ coverId: cover.id }))).json();

    expect((await apiB.get(`/api/care/articles/${art.id}`)).statusCode).toBe(404);
    expect((await apiB.put(`/api/care/articles/${art.id}`, articleBody())).statusCode).toBe(404);
    expect((await apiB.post(`/api/care/articles/${art.id}/publish`)).statusCode).toBe(404);
    expect((await apiB.delete(`/api/care/articles/${art.id}`)).statusCode).toBe(404);
    expect((await apiB.get(`/api/care/articles/${art.id}/flex`)).statusCode).toBe(404);
    // B cannot use A's cover
    const steal = await apiB.post('/api/care/articles', articleBody({ coverId: cover.id }));
    expect(steal.statusCode).toBe(422);
    expect((await apiB.get('/api/care/articles')).json().items.map((x: { id: string }) => x.id)).not.toContain(art.id);
    expect(await articlesByIds(t.deps, b.clinicId, [art.id])).toEqual([]);
    await expect(articleMessage(t.deps, b.clinicId, art.id)).rejects.toMatchObject({ status: 404 });
    expect((await apiA.get(`/api/care/articles/${art.id}`)).json().status).toBe('draft');
  });
});
