// Routes of 說明中心's documents: the operator manual and the system specification as PDF (printed
// by headless Chromium through platform/pdf.ts, the monthly report's renderer), and the screenshots
// the manual's chapters show (the help centre draws the chapters in the browser, the images come
// from here). For every role of a clinic: the manual is the same for all of them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { pdfRenderer } from '../../platform/pdf.ts';
import { formatInZone } from '../../platform/time.ts';
import {
  fingerprint,
  manualChapters,
  manualHtml,
  SCREENSHOT_NAME,
  SCREENSHOTS_DIR,
  screenshotsOf,
  SPEC_FILE,
  specHtml,
} from './documents.ts';

export const MANUAL_RENDERER_MISSING =
  '伺服器尚未安裝產生 PDF 的程式（Chromium），暫時無法下載 PDF。您仍可在說明中心線上閱讀全部內容；' +
  '請系統管理者安裝 chromium 與 fonts-noto-cjk 套件。';

const ScreenshotParams = Type.Object({ name: Type.String({ description: '截圖檔名，例如 frontdesk-list.png' }) });

export function manualRoutes(app: App, deps: Deps): void {
  const pdf = pdfRenderer(deps.config.chromiumPath);
  app.addHook('onClose', async () => pdf.close());
  const tags = ['後台：說明中心'];
  const staff = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  // One rendered copy per document while its sources stay the same (the manual takes seconds).
  const cache = new Map<string, { key: string; data: Buffer }>();

  async function render(name: string, key: string, html: () => Promise<string>, footer: string): Promise<Buffer> {
    const hit = cache.get(name);
    if (hit?.key === key) return hit.data;
    try {
      const data = await pdf.render(await html(), { footer });
      cache.set(name, { key, data });
      return data;
    } catch (e) {
      if (e instanceof AppError && e.code === 'PDF_RENDERER_MISSING')
        throw new AppError('PDF_RENDERER_MISSING', 503, MANUAL_RENDERER_MISSING);
      throw e;
    }
  }
  const today = () => formatInZone(deps.clock.now(), 'Asia/Taipei', 'date');
  const send = (reply: FastifyReply, data: Buffer, filename: string) =>
    reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`)
      .send(data);

  const pdfSchema = (summary: string, description: string) => ({
    tags,
    summary,
    description: `${description} 伺服器未安裝 Chromium 時回 503 PDF_RENDERER_MISSING（線上說明不受影響）。`,
    produces: ['application/pdf'],
    response: { ...errorResponses(401, 403, 503) },
  });

  app.get(
    '/api/help/manual.pdf',
    {
      schema: pdfSchema(
        '下載系統操作手冊（PDF）',
        '操作手冊全部章節（docs/manual）與其中的畫面截圖，A4，含封面與目錄，由伺服器上的 Chromium 產生。',
      ),
      preHandler: staff,
    },
    async (_req, reply) => {
      const chapters = await manualChapters();
      const data = await render(
        'manual',
        fingerprint(chapters.map((c) => c.source)),
        () => manualHtml(chapters, today()),
        'Careline 系統操作手冊',
      );
      return send(reply, data, 'Careline-系統操作手冊.pdf');
    },
  );

  app.get(
    '/api/help/spec.pdf',
    {
      schema: pdfSchema('下載系統規格說明書（PDF）', '系統規格說明書（docs/spec.md），A4，含封面。'),
      preHandler: staff,
    },
    async (_req, reply) => {
      const source = await readFile(SPEC_FILE, 'utf8');
      const data = await render(
        'spec',
        fingerprint([source]),
        () => specHtml(source, today()),
        'Careline 系統規格說明書',
      );
      return send(reply, data, 'Careline-系統規格說明書.pdf');
    },
  );

  app.get(
    '/api/help/screenshots/:name',
    {
      schema: {
        tags,
        summary: '操作手冊的畫面截圖',
        description: '說明中心顯示操作手冊章節時使用的截圖（只提供章節中引用的圖片）。',
        params: ScreenshotParams,
        produces: ['image/png'],
        response: { ...errorResponses(401, 403, 404) },
      },
      preHandler: staff,
    },
    async (req, reply) => {
      const { name } = req.params;
      if (!SCREENSHOT_NAME.test(name)) throw errors.notFound('截圖');
      const used = new Set((await manualChapters()).flatMap((c) => screenshotsOf(c.source)));
      if (!used.has(name)) throw errors.notFound('截圖');
      const png = await readFile(path.join(SCREENSHOTS_DIR, name)).catch(() => null);
      if (!png) throw errors.notFound('截圖');
      return reply.header('content-type', 'image/png').header('cache-control', 'private, max-age=3600').send(png);
    },
  );
}
