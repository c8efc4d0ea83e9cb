// Routes of the clinic's full data export (/api/exports/…, admins only): start, progress,
// a short-lived signed link, and the download.
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { DataExport, DownloadLink, DownloadQuery, ExportList, IdParams } from './schemas.ts';
import { exportService } from './service.ts';

export function exportRoutes(app: App, deps: Deps): void {
  const svc = exportService(deps);
  const admin = requireStaff(deps, ['admin']);
  const tags = ['後台：資料匯出'];

  app.get(
    '/api/exports',
    {
      schema: {
        tags,
        summary: '資料匯出紀錄（管理者）',
        description: '最近的匯出與進度，以及不匯出的資料表與欄位（憑證）和原因。',
        response: { 200: ExportList, ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async (req) => svc.list(clinicOf(req)),
  );
  app.post(
    '/api/exports',
    {
      schema: {
        tags,
        summary: '開始匯出診所全部資料（管理者）',
        description:
          '背景產生一個 ZIP：每個資料表的 JSON Lines 與 CSV，以及 FHIR R4 NDJSON（Patient、Practitioner、' +
          'Organization、Appointment、Encounter、Communication、QuestionnaireResponse）。以 GET /api/exports/{id} 查進度。' +
          '同一診所同時只能有一份匯出在進行（409 EXPORT_RUNNING）。',
        response: { 202: DataExport, ...errorResponses(401, 403, 409) },
      },
      preHandler: admin,
    },
    async (req, reply) => reply.status(202).send(await svc.start(clinicOf(req), actorOf(req), req.ip)),
  );
  app.get(
    '/api/exports/:id',
    {
      schema: {
        tags,
        summary: '一次匯出的進度（管理者）',
        params: IdParams,
        response: { 200: DataExport, ...errorResponses(401, 403, 404) },
      },
      preHandler: admin,
    },
    async (req) => svc.get(clinicOf(req), req.params.id),
  );
  app.post(
    '/api/exports/:id/link',
    {
      schema: {
        tags,
        summary: '取得下載連結（管理者）',
        description: '連結只給申請的管理者本人使用，5 分鐘內有效；匯出尚未完成回 409，檔案已刪除回 410。',
        params: IdParams,
        response: { 200: DownloadLink, ...errorResponses(401, 403, 404, 409, 410) },
      },
      preHandler: admin,
    },
    async (req) => svc.link(clinicOf(req), req.params.id, req.staff!.userId),
  );
  app.get(
    '/api/exports/:id/download',
    {
      schema: {
        tags,
        summary: '下載匯出檔（管理者，需有效的下載連結）',
        description: '簽章不符或不是本人回 403，連結過期或檔案已刪除回 410。每次下載都記入稽核紀錄。',
        params: IdParams,
        querystring: DownloadQuery,
        produces: ['application/zip'],
        response: { ...errorResponses(401, 403, 404, 409, 410) },
      },
      preHandler: admin,
    },
    async (req, reply) => {
      const actor = actorOf(req);
      if (actor.type !== 'staff') throw errors.forbidden();
      const f = await svc.download(clinicOf(req), req.params.id, req.query, actor, req.ip);
      reply.header('content-type', 'application/zip');
      reply.header('content-disposition', `attachment; filename="${f.fileName}"`);
      reply.header('content-length', String(f.size));
      reply.header('cache-control', 'no-store');
      return reply.send(f.stream);
    },
  );
}
