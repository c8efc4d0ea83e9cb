// Routes of post-visit satisfaction: settings (admin), the dashboard, the answers and the export
// (/api/satisfaction/…), and the patient's comment page (/liff/api/<channelId>/surveys/…,
// identified by the LIFF ID token).
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { liffAuthHook } from '../binding/liff-auth.ts';
import { satisfactionReport } from './report.ts';
import {
  AnswersQuery,
  AnswersResponse,
  ExportQuery,
  LiffSurvey,
  LiffSurveyBody,
  LiffSurveyParams,
  PreviewBody,
  PreviewResponse,
  ReportQuery,
  SummaryResponse,
  SurveySettings,
  SurveySettingsBody,
} from './schemas.ts';
import { satisfactionService } from './service.ts';

export function satisfactionRoutes(app: App, deps: Deps): void {
  const svc = satisfactionService(deps);
  const report = satisfactionReport(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const write = requireStaff(deps, ['admin', 'front_desk']);
  const admin = requireStaff(deps, ['admin']);
  const tags = ['後台：滿意度'];

  app.get(
    '/api/satisfaction/settings',
    {
      schema: { tags, summary: '滿意度調查設定', response: { 200: SurveySettings, ...errorResponses(401, 403) } },
      preHandler: read,
    },
    async (req) => svc.settingsView(clinicOf(req)),
  );
  app.put(
    '/api/satisfaction/settings',
    {
      schema: {
        tags,
        summary: '修改滿意度調查設定（管理者）',
        description:
          '新設定適用於之後完成的看診。Place ID 格式不正確時回 422（placeId 欄位）。' +
          'Google 禁止只邀請滿意的病患留下評論（review gating）：每一位回覆者不論星等都會收到 Google 評論連結。',
        body: SurveySettingsBody,
        response: { 200: SurveySettings, ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.saveSettings(clinicOf(req), req.body, actorOf(req), req.ip),
  );
  app.post(
    '/api/satisfaction/settings/preview',
    {
      schema: {
        tags,
        summary: '預覽病患收到的訊息',
        description: '以範例病患（王小明）產生調查訊息，以及評 2 星、5 星後收到的訊息；不會傳送。',
        body: PreviewBody,
        response: { 200: PreviewResponse, ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async (req) => svc.preview(clinicOf(req), req.body),
  );
  app.get(
    '/api/satisfaction/summary',
    {
      schema: {
        tags,
        summary: '滿意度總覽',
        description:
          '期間內（依傳送日，診所時區）傳送的調查：回覆率、平均星等、1–5 星分布、每日或每週趨勢、各醫師與各看診類別的數字。',
        querystring: ReportQuery,
        response: { 200: SummaryResponse, ...errorResponses(401, 403, 422) },
      },
      preHandler: read,
    },
    async (req) => report.summary(clinicOf(req), req.query),
  );
  app.get(
    '/api/satisfaction/answers',
    {
      schema: {
        tags,
        summary: '回覆與意見列表',
        description: '期間內的回覆，新的在前；可依星等、醫師、看診類別、是否留下意見篩選。',
        querystring: AnswersQuery,
        response: { 200: AnswersResponse, ...errorResponses(401, 403, 422) },
      },
      preHandler: read,
    },
    async (req) =>
      report.answers(clinicOf(req), {
        ...req.query,
        stars: req.query.stars ? req.query.stars.split(',').map(Number) : undefined,
      }),
  );
  app.get(
    '/api/satisfaction/export',
    {
      schema: {
        tags,
        summary: '匯出每一筆調查（CSV／XLSX）',
        description:
          '期間內傳送的每一筆調查與回覆（未回覆的也列出）；時間以診所時區書寫，欄名註明時區。匯出記錄在稽核紀錄。一次最多 50,000 筆。',
        querystring: ExportQuery,
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      const f = await report.export(clinicOf(req), req.query, actorOf(req), req.ip);
      reply.header('content-type', f.contentType);
      reply.header('content-disposition', `attachment; filename="${f.filename}"`);
      return reply.send(f.data);
    },
  );

  // ---- the patient's comment page
  const liffAuth = liffAuthHook(deps);
  const liffTags = ['LIFF：病患頁面 API（Authorization: Bearer <LIFF ID token>）'];
  app.get(
    '/liff/api/:channelId/surveys/:id',
    {
      schema: {
        tags: liffTags,
        summary: '我的滿意度調查（意見頁用）',
        params: LiffSurveyParams,
        response: { 200: LiffSurvey, ...errorResponses(401, 404) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.patientSurvey(req.liffUser!.clinicId, req.params.id, req.liffUser!.lineUserId),
  );
  app.post(
    '/liff/api/:channelId/surveys/:id',
    {
      schema: {
        tags: liffTags,
        summary: '送出星等與意見',
        description:
          '尚未評分時需帶 stars。意見最多 1,000 字（超過回 422）；3 星以下並留下意見時開立意見案件，由專人跟進。' +
          '已評分的調查不會重複計分；超過填答期限回 409 SURVEY_EXPIRED。',
        params: LiffSurveyParams,
        body: LiffSurveyBody,
        response: { 200: LiffSurvey, ...errorResponses(401, 404, 409, 422) },
      },
      preHandler: liffAuth,
    },
    async (req) => {
      const u = req.liffUser!;
      return svc.comment(
        u.clinicId,
        req.params.id,
        { lineUserId: u.lineUserId, displayName: u.displayName },
        { comment: req.body.comment, stars: req.body.stars, via: 'liff', ref: `liff:${req.body.submissionId}` },
        req.ip,
      );
    },
  );
}
