import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './testing/helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('/docs', () => {
  it('is a page of ours that loads only from this server', async () => {
    const r = await t.app.inject({ url: '/docs' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.body).toContain('lang="zh-Hant-TW"');
    // Nothing in the page points to another host.
    expect(r.body).not.toMatch(/https?:\/\/|["'(]\/\//);
    expect(r.body).toContain("'/docs/vendor/js/scalar.js'");
    // The HIS operations are in the page itself, linking to the reference's anchors.
    expect(r.body).toContain('href="#his/tag/his-open-api-v1/PUT/his/v1/doctors/{doctorId}"');
    expect(r.body).toContain('新增或更新醫師');
    expect(r.body).toContain('"withDefaultFonts":false');
    expect(r.body).toContain('"showDeveloperTools":"never"');
    expect((await t.app.inject({ url: '/docs/' })).statusCode).toBe(200);
  });

  it("serves the tool's script compressed, revalidated by ETag; the tool's own page is not reachable", async () => {
    const r = await t.app.inject({ url: '/docs/vendor/js/scalar.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.rawPayload.length).toBeLessThan(2_000_000);
    const again = await t.app.inject({
      url: '/docs/vendor/js/scalar.js',
      headers: { 'if-none-match': String(r.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    expect((await t.app.inject({ url: '/docs/vendor/' })).statusCode).toBe(404);
  });

  it('opens on a document of the HIS Open API alone, with the components it uses', async () => {
    const doc = (await t.app.inject({ url: '/docs/his-openapi.json' })).json();
    const paths = Object.keys(doc.paths);
    expect(paths).toContain('/his/v1/appointments/{appointmentId}');
    expect(paths.every((p) => p.startsWith('/his/') || ['/healthz', '/readyz', '/metrics'].includes(p))).toBe(true);
    expect(doc.tags.map((tag: { name: string }) => tag.name)).toEqual(['HIS Open API v1', '系統']);
    const text = JSON.stringify(doc);
    for (const m of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g))
      expect(doc.components.schemas).toHaveProperty(m[1]);
    expect(doc.components.schemas).not.toHaveProperty('StaffMember');
    expect(text).not.toContain('Default Response');
  });
});
