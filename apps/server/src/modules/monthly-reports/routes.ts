// Routes of 報表 › 月報: the months offered and one month's report as XLSX or PDF (audited).
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { pdfRenderer } from '../../platform/pdf.ts';
import { DownloadQuery, MonthParams, MonthsResponse } from './schemas.ts';
import { monthlyReportService } from './service.ts';

export function monthlyReportRoutes(app: App, deps: Deps): void {
  const pdf = pdfRenderer(deps.config.chromiumPath);
  app.addHook('onClose', async () => pdf.close());
  const svc = monthlyReportService(deps, pdf);
  const tags = ['後台：報表'];
  // The same figures as the dashboard, which every role reads; aggregates only, no patient's data.
  const staff = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);

  app.get(
    '/api/reports/monthly',
    {
      schema: {
        tags,
        summary: '可下載的月報',
        description: '本月（計算到今天）與之前 12 個完整月份，依診所所在時區。',
        response: { 200: MonthsResponse, ...errorResponses(401, 403) },
      },
      preHandler: staff,
    },
    async (req) => svc.months(clinicOf(req)),
  );
  app.get(
    '/api/reports/monthly/:month',
    {
      schema: {
        tags,
        summary: '下載月報（Excel／PDF）',
        description:
          '一個月份的月報：各項 KPI（本月、上月、目標與是否達標，以及每日數字）、Careline 效益（新台幣，附計算方式）' +
          '與導入前後比較。只提供本月與之前 12 個月（其他月份回 422 MONTH_NOT_OFFERED）。下載記錄在稽核紀錄。' +
          'PDF 由伺服器上的 Chromium 產生；伺服器未安裝時回 503 PDF_RENDERER_MISSING（Excel 版不受影響）。',
        params: MonthParams,
        querystring: DownloadQuery,
        produces: ['application/pdf', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { ...errorResponses(400, 401, 403, 422, 503) },
      },
      preHandler: staff,
    },
    async (req, reply) => {
      const f = await svc.download(clinicOf(req), req.params.month, req.query.format, actorOf(req), req.ip);
      reply.header('content-type', f.contentType);
      reply.header('content-disposition', `attachment; filename="${f.filename}"`);
      return reply.send(f.data);
    },
  );
}
