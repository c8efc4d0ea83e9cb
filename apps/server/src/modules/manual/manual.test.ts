// 說明中心's documents end to end: the operator manual and the system specification download as A4
// PDFs printed by headless Chromium (read back with pdfinfo/pdftotext/pdfimages: Traditional Chinese
// text, a cover and contents, the chapters' screenshots embedded), for every role of a clinic and
// nobody else; the screenshots a chapter shows are served to the help centre, others are not;
// without Chromium the PDFs are a clear zh-TW 503. The Chromium cases are skipped only on a machine
// without Chromium (CI has it: scripts/test.sh checks the system packages).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp, type TestClinic } from '../../testing/helpers.ts';
import { manualChapters, manualHtml, screenshotsOf } from './documents.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

let t: TestApp;
let c: TestClinic;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-06-03T04:00:00.000Z' });
  c = await createTestClinic(t, { name: '手冊測試診所' });
});
afterAll(async () => t?.close());

function pdfFile(body: Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'careline-manual-')), 'doc.pdf');
  writeFileSync(file, body);
  return file;
}

describe('manual and specification PDFs', () => {
  it.skipIf(!hasChromium)(
    'prints the whole manual: cover, contents, every chapter, the screenshots',
    async () => {
      const r = await as(t.app, c.admin).get('/api/help/manual.pdf');
      expect(r.statusCode, r.body.slice(0, 200)).toBe(200);
      expect(r.headers['content-type']).toBe('application/pdf');
      expect(r.headers['content-disposition']).toContain(encodeURIComponent('Careline-系統操作手冊.pdf'));
      const file = pdfFile(r.rawPayload);
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      expect(info).toMatch(/Page size:.*\(A4\)/);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain('系統操作手冊');
      expect(text).toContain('目錄');
      for (const ch of await manualChapters()) expect(text).toContain(ch.title);
      expect(text).toContain('第 1 章');
      expect(text).toContain('2026-06-03'); // the date it was printed, in Taipei
      // links between chapters stay inside the PDF
      expect(await manualHtml(await manualChapters(), 'x')).not.toMatch(/href="[^"#]*\.md/);
      // every screenshot the chapters show is in the PDF (some appear twice in the chapters)
      const shots = new Set((await manualChapters()).flatMap((ch) => screenshotsOf(ch.source)));
      const images = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').length - 2;
      expect(images).toBeGreaterThanOrEqual(shots.size);

      // a second download is the same document, without printing it again
      const started = Date.now();
      const again = await as(t.app, c.admin).get('/api/help/manual.pdf');
      expect(again.rawPayload.equals(r.rawPayload)).toBe(true);
      expect(Date.now() - started).toBeLessThan(1000);
    },
    120_000, // Chromium prints every chapter with its screenshots: 27 s alone on a slow 2-core host
  );

  it.skipIf(!hasChromium)('prints the specification, and lets every role of the clinic download', async () => {
    for (const role of ['front_desk', 'doctor', 'viewer'] as const) {
      const r = await as(t.app, await c.staff(role)).get('/api/help/spec.pdf');
      expect(r.statusCode, role).toBe(200);
      const text = execFileSync('pdftotext', [pdfFile(r.rawPayload), '-'], { encoding: 'utf8' });
      expect(text).toContain('系統規格說明書');
      expect(text).toContain('保存的資料與期限');
    }
  });

  it('refuses strangers', async () => {
    for (const url of ['/api/help/manual.pdf', '/api/help/spec.pdf', '/api/help/screenshots/login.png'])
      expect((await as(t.app, null).get(url)).statusCode, url).toBe(401);
  });

  it('without Chromium: a clear zh-TW 503, the online help unaffected', async () => {
    const bare = await createTestApp({ env: { CHROMIUM_PATH: '/nonexistent/chromium' } });
    try {
      const k = await createTestClinic(bare, { name: '沒有 Chromium 的診所' });
      const r = await as(bare.app, k.admin).get('/api/help/manual.pdf');
      expect(r.statusCode).toBe(503);
      expect(r.json().error.code).toBe('PDF_RENDERER_MISSING');
      expect(r.json().error.message).toContain('暫時無法下載 PDF');
      expect(r.json().error.message).toContain('說明中心線上閱讀');
      expect(r.json().error.message).not.toContain('Excel');
      expect((await as(bare.app, k.admin).get('/api/help/spec.pdf')).statusCode).toBe(503);
      expect((await as(bare.app, k.admin).get('/api/help/screenshots/login.png')).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });
});

describe('screenshots for the help centre', () => {
  it('serves a screenshot a chapter shows, and nothing else', async () => {
    const admin = as(t.app, c.admin);
    const name = screenshotsOf((await manualChapters())[0].source)[0];
    const r = await admin.get(`/api/help/screenshots/${name}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('image/png');
    expect(r.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    // a screenshot no chapter shows, a path out of the folder, another file type
    for (const bad of ['emulator-phone.png', '..%2F..%2Fpackage.json', 'login.jpg'])
      expect((await admin.get(`/api/help/screenshots/${bad}`)).statusCode, bad).toBe(404);
  });

  it('the PDF page marks a missing screenshot instead of failing', async () => {
    const html = await manualHtml(
      [{ file: '01-x.md', slug: 'x', title: '測試', source: '# 測試\n\n![不存在的圖](../screenshots/none.png)\n' }],
      '2026-06-03',
    );
    expect(html).toContain('（圖片缺少：不存在的圖）');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });
});
