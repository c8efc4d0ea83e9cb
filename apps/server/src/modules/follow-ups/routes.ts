// Routes of the follow-up list (/api/follow-ups/…) and the no-show follow-up (/api/no-show/…).
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { eventStreams, pollingEventStream } from '../../platform/sse.ts';
import { noShowService } from './no-show.ts';
import {
  AssignBody,
  CloseBody,
  CreateFollowUpBody,
  EmptyBody,
  FollowUpCounts,
  FollowUpDetail,
  FollowUpList,
  FollowUpListQuery,
  FollowUpParams,
  FollowUpSummary,
  NoShowLog,
  NoShowLogQuery,
  NoShowSettings,
  NoShowSettingsBody,
  NoteBody,
  ReopenBody,
} from './schemas.ts';
import { followUpCounts, followUpService } from './service.ts';

export function followUpRoutes(app: App, deps: Deps): void {
  const svc = followUpService(deps);
  const noShow = noShowService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const write = requireStaff(deps, ['admin', 'front_desk']);
  const admin = requireStaff(deps, ['admin']);
  const streams = eventStreams(app);
  app.addSchema(FollowUpSummary);
  app.addSchema(FollowUpDetail);
  const tags = ['後台：待追蹤'];
  const detail = { 200: Type.Ref('FollowUpDetail') };

  app.get(
    '/api/follow-ups',
    {
      schema: {
        tags,
        summary: '待追蹤列表',
        description:
          '預設列出未完成的事項，優先事項在前、時限早的在前；active、overdue 為全部未完成與已逾時的件數（不受篩選影響）。',
        querystring: FollowUpListQuery,
        response: { 200: FollowUpList, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => ({
      ...(await svc.list(clinicOf(req), { ...req.query, status: req.query.status ?? 'active' })),
      limits: svc.limits(),
    }),
  );
  app.get(
    '/api/follow-ups/counts',
    {
      schema: {
        tags,
        summary: '未完成與已逾時的待追蹤件數',
        response: { 200: FollowUpCounts, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => followUpCounts(deps, clinicOf(req)),
  );
  app.get(
    '/api/follow-ups/stream',
    {
      schema: {
        tags,
        summary: '待追蹤的即時更新（Server-Sent Events）',
        description: '有新的或變動的待追蹤時送出 `follow-ups` 事件（內容為件數），頁面收到後重新讀取列表。',
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req, reply) => {
      const clinicId = clinicOf(req);
      await pollingEventStream(req, reply, deps, streams, {
        event: 'follow-ups',
        everyMs: 3000,
        read: async () => ({ ...(await followUpCounts(deps, clinicId)), changedAt: await svc.lastChange(clinicId) }),
      });
    },
  );
  app.post(
    '/api/follow-ups',
    {
      schema: {
        tags,
        summary: '新增待追蹤（人員建立）',
        description: '例如接到電話後要再回電的事項；同一個 clientKey 只建立一筆。',
        body: CreateFollowUpBody,
        response: { 201: Type.Ref('FollowUpDetail'), ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) => reply.status(201).send(await svc.create(clinicOf(req), req.body, actorOf(req), req.ip)),
  );
  app.get(
    '/api/follow-ups/:id',
    {
      schema: {
        tags,
        summary: '待追蹤內容與處理紀錄',
        params: FollowUpParams,
        response: { ...detail, ...errorResponses(401, 404) },
      },
      preHandler: read,
    },
    async (req) => svc.get(clinicOf(req), req.params.id),
  );
  app.post(
    '/api/follow-ups/:id/assign',
    {
      schema: {
        tags,
        summary: '指派負責人',
        params: FollowUpParams,
        body: AssignBody,
        response: { ...detail, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.assign(clinicOf(req), req.params.id, req.body.ownerId, actorOf(req), req.ip),
  );
  app.post(
    '/api/follow-ups/:id/start',
    {
      schema: {
        tags,
        summary: '開始處理',
        description: '待處理 → 處理中；未指派的事項由按下的人員負責。',
        params: FollowUpParams,
        body: EmptyBody,
        response: { ...detail, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (req) => svc.start(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );
  app.post(
    '/api/follow-ups/:id/close',
    {
      schema: {
        tags,
        summary: '完成（記錄處理結果）',
        description: '待處理／處理中 → 已完成，記錄結果（已電話關心、已安排回診、病患無回應、其他＋說明）。',
        params: FollowUpParams,
        body: CloseBody,
        response: { ...detail, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.close(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );
  app.post(
    '/api/follow-ups/:id/reopen',
    {
      schema: {
        tags,
        summary: '重新開啟',
        description: '已完成 → 處理中，清除結果。',
        params: FollowUpParams,
        body: ReopenBody,
        response: { ...detail, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.reopen(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );
  app.post(
    '/api/follow-ups/:id/notes',
    {
      schema: {
        tags,
        summary: '新增備註',
        params: FollowUpParams,
        body: NoteBody,
        response: { ...detail, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.note(clinicOf(req), req.params.id, req.body.text, actorOf(req), req.ip),
  );

  // ---- no-show follow-up
  const nsTags = ['後台：未到診關懷'];
  app.get(
    '/api/no-show/settings',
    {
      schema: {
        tags: nsTags,
        summary: '未到診關懷設定',
        description: '尚未設定過的診所回傳預設值（已啟用）。',
        response: { 200: NoShowSettings, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => noShow.settings(clinicOf(req)),
  );
  app.put(
    '/api/no-show/settings',
    {
      schema: {
        tags: nsTags,
        summary: '修改未到診關懷設定（管理者）',
        description: '開關、訊息內容與延後時間；適用於之後標記的未到。',
        body: NoShowSettingsBody,
        response: { 200: NoShowSettings, ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => noShow.saveSettings(clinicOf(req), req.body, actorOf(req), req.ip),
  );
  app.get(
    '/api/no-show/log',
    {
      schema: {
        tags: nsTags,
        summary: '未到診關懷紀錄',
        description: '每個被標記未到的今日看診一列：是否傳送（或未傳送的原因）、病患的回覆與開立的待追蹤，新的在前。',
        querystring: NoShowLogQuery,
        response: { 200: NoShowLog, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => noShow.log(clinicOf(req), req.query),
  );
}
