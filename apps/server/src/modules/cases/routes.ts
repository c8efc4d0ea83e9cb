// Routes of complaint and feedback cases: the back office (/api/cases/…) and the patient's LIFF
// form (/liff/api/<channelId>/cases…, identified by the LIFF ID token).
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { liffAuthHook } from '../binding/liff-auth.ts';
import {
  CaseDetail,
  CaseList,
  CaseListQuery,
  CaseParams,
  CaseSettings,
  CaseSettingsBody,
  CaseStats,
  CaseSummary,
  CreateCaseBody,
  LiffCase,
  LiffCaseBody,
  LiffCaseParams,
  MoveBody,
  NoteBody,
  PatchCaseBody,
  PhotoParams,
  ReplyBody,
  StatsQuery,
} from './schemas.ts';
import { caseService } from './service.ts';

export function caseRoutes(app: App, deps: Deps): void {
  const svc = caseService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const write = requireStaff(deps, ['admin', 'front_desk']);
  const admin = requireStaff(deps, ['admin']);
  app.addSchema(CaseSummary);
  app.addSchema(CaseDetail);
  const tags = ['後台：客訴與意見'];
  const detail = { 200: Type.Ref('CaseDetail') };

  app.get(
    '/api/cases',
    {
      schema: {
        tags,
        summary: '案件列表',
        description: '預設列出未結案的案件，新的在前；overdue 為未結案且已逾時的件數。',
        querystring: CaseListQuery,
        response: { 200: CaseList, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => svc.list(clinicOf(req), { ...req.query, status: req.query.status ?? 'open' }),
  );
  app.post(
    '/api/cases',
    {
      schema: {
        tags,
        summary: '開立案件（電話、櫃台或由 LINE 訊息開立）',
        description:
          '開案即開始計算兩個時限（首次處理、回覆，依「時限設定」）。由 LINE 訊息開立時帶 lineUserId 與 messageId，同一則訊息只會開立一個案件（再次呼叫回傳同一案件）。',
        body: CreateCaseBody,
        response: { 201: Type.Ref('CaseDetail'), ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      const b = req.body;
      const clinicId = clinicOf(req);
      const out = await svc.create(
        clinicId,
        {
          kind: b.kind,
          category: b.category,
          severity: b.severity,
          source: b.source,
          sourceRef: b.lineUserId && b.messageId ? `message:${b.messageId}` : null,
          lineUserId: b.lineUserId,
          patientId: b.patientId,
          contactName: b.contactName,
          contactMethod: b.contactMethod,
          contactPhone: b.contactPhone,
          contactTime: b.contactTime,
          text: b.text,
        },
        actorOf(req),
        req.ip,
      );
      return reply.status(201).send(out);
    },
  );
  app.get(
    '/api/cases/settings',
    {
      schema: {
        tags,
        summary: '案件時限設定',
        response: { 200: CaseSettings, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => svc.settingsView(clinicOf(req)),
  );
  app.put(
    '/api/cases/settings',
    {
      schema: {
        tags,
        summary: '修改案件時限（管理者）',
        description: '新時限適用於之後開立的案件；已開立的案件維持開案時的時限。',
        body: CaseSettingsBody,
        response: { 200: CaseSettings, ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.saveSettings(clinicOf(req), req.body, actorOf(req), req.ip),
  );
  app.get(
    '/api/cases/stats',
    {
      schema: {
        tags,
        summary: '案件統計',
        description: '期間內開立的案件：依分類與月份的件數、首次處理與回覆所需時間、時限內完成比例、結案滿意度。',
        querystring: StatsQuery,
        response: { 200: CaseStats, ...errorResponses(401, 422) },
      },
      preHandler: read,
    },
    async (req) => svc.stats(clinicOf(req), req.query.from, req.query.to),
  );
  app.get(
    '/api/cases/:id',
    {
      schema: {
        tags,
        summary: '案件內容與處理紀錄',
        params: CaseParams,
        response: { ...detail, ...errorResponses(401, 404) },
      },
      preHandler: read,
    },
    async (req) => svc.get(clinicOf(req), req.params.id),
  );
  app.patch(
    '/api/cases/:id',
    {
      schema: {
        tags,
        summary: '修改類型、分類、嚴重度或負責人',
        params: CaseParams,
        body: PatchCaseBody,
        response: { ...detail, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.update(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );
  const move = (path: string, summary: string, description: string) =>
    ({
      path: `/api/cases/:id/${path}`,
      schema: {
        tags,
        summary,
        description,
        params: CaseParams,
        body: MoveBody,
        response: { ...detail, ...errorResponses(401, 403, 404, 409, 422) },
      },
    }) as const;
  const ack = move(
    'acknowledge',
    '受理',
    '新案件 → 已受理，停止首次處理計時；有 LINE 帳號的病患會收到「已受理」通知。',
  );
  app.post(ack.path, { schema: ack.schema, preHandler: write }, async (req) =>
    svc.acknowledge(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );
  const close = move('close', '結案', '已受理／已回覆 → 已結案；病患會收到結案通知與「這次的處理您滿意嗎？」。');
  app.post(close.path, { schema: close.schema, preHandler: write }, async (req) =>
    svc.close(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );
  const reopen = move('reopen', '重新開啟', '已結案 → 已受理。');
  app.post(reopen.path, { schema: reopen.schema, preHandler: write }, async (req) =>
    svc.reopen(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );
  app.post(
    '/api/cases/:id/reply',
    {
      schema: {
        tags,
        summary: '回覆病患',
        description:
          'line：與收件匣相同的方式傳給病患（回覆權杖有效時免費回覆，否則推播；標示案件編號；對話標示完成、機器人暫停）；' +
          'phone：記錄已以電話回覆，有 LINE 帳號的病患會收到「已電話聯繫」通知。停止兩個時限的計時；同一個 clientKey 只送一次。',
        params: CaseParams,
        body: ReplyBody,
        response: { ...detail, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.reply(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );
  app.post(
    '/api/cases/:id/notes',
    {
      schema: {
        tags,
        summary: '新增內部備註',
        params: CaseParams,
        body: NoteBody,
        response: { ...detail, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.note(clinicOf(req), req.params.id, req.body.text, actorOf(req), req.ip),
  );
  app.get(
    '/api/cases/:id/photos/:photoId',
    {
      schema: {
        tags,
        summary: '病患上傳的照片',
        params: PhotoParams,
        produces: ['image/jpeg', 'image/png'],
        response: { 200: Type.Unknown({ description: 'JPEG 或 PNG 圖檔' }), ...errorResponses(401, 404) },
      },
      preHandler: read,
    },
    async (req, reply) => {
      const p = await svc.photo(clinicOf(req), req.params.id, req.params.photoId);
      return reply.header('content-type', p.contentType).header('cache-control', 'private, max-age=3600').send(p.data);
    },
  );

  // ---- the patient's form
  const liffAuth = liffAuthHook(deps);
  const liffTags = ['LIFF：病患頁面 API（Authorization: Bearer <LIFF ID token>）'];
  app.get(
    '/liff/api/:channelId/cases/:id',
    {
      schema: {
        tags: liffTags,
        summary: '我的意見案件（補充表單用）',
        params: LiffCaseParams,
        response: { 200: LiffCase, ...errorResponses(401, 404) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.liffCase(req.liffUser!, req.params.id),
  );
  app.post(
    '/liff/api/:channelId/cases',
    {
      schema: {
        tags: liffTags,
        summary: '送出意見表單（補充或新開案件）',
        description: `照片最多 3 張，JPEG 或 PNG，每張 2 MB 以內。同一個 submissionId 重送不會重複開案或重複加入照片。`,
        params: Type.Object({ channelId: Type.String() }),
        body: LiffCaseBody,
        response: { 200: LiffCase, ...errorResponses(401, 404, 409, 422) },
      },
      preHandler: liffAuth,
      bodyLimit: 9 * 1024 * 1024,
    },
    async (req) => svc.submitLiff(req.liffUser!, req.body, req.ip),
  );
}
