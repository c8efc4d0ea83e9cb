// Routes of 看診進度: the HIS's queue events (HIS Open API v1, the clinic's API key), the back
// office's queues of the day and settings (/api/queue/…), and the patient's live queue page
// (/liff/api/<channelId>/queue, identified by the LIFF ID token).
import type { FastifyRequest } from 'fastify';
import { actorOf, clinicOf, requireApiKey, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { liffAuthHook } from '../binding/liff-auth.ts';
import { noteHisCall } from '../his/sync.ts';
import {
  LiffQueue,
  LiffQueueParams,
  QueueDay,
  QueueDayQuery,
  QueueEventBody,
  QueueEventResult,
  QueueSettings,
  QueueSettingsBody,
} from './schemas.ts';
import { queueService } from './service.ts';

export function queueRoutes(app: App, deps: Deps): void {
  const svc = queueService(deps);
  const apiKey = requireApiKey(deps);
  const his = async (req: FastifyRequest) => {
    await apiKey(req);
    if (req.apiClient) await noteHisCall(deps, req.apiClient.clinicId);
  };

  app.post(
    '/his/v1/queue-events',
    {
      schema: {
        tags: ['HIS Open API v1'],
        operationId: 'postQueueEvent',
        security: [{ hisApiKey: [] }],
        summary: '看診進度事件（報到、叫號）',
        description:
          '每發生一次報到或叫號送一個事件。check_in：病患報到，帶 appointmentId 與這筆預約的 queueNumber（看診號）；' +
          'call：醫師叫號，帶 calledNumber（目前叫到的號碼）。看診進度以醫師、診所當地日期（依 occurredAt）與診次 session 區分。' +
          '同一 eventId 重送回 200 與第一次的結果；內容不同回 409 EVENT_ID_REUSED。事件可不依順序送達：' +
          '比已有叫號舊（occurredAt 較早）的叫號回 201 result=stale，不會讓進度倒退；較舊的報到不會改掉較新的看診號。' +
          '已綁定 LINE 的報到病患，在前面還有 N 位（診所設定，預設 3）時收到「前面還有 N 位」、輪到下一位時收到「請準備進診間」，' +
          '每次看診最多這兩則；只有 30 分鐘內發生的事件會發通知（離線補送的舊事件只更新進度）。醫師或預約尚未建立回 422 UNKNOWN_REFERENCE。',
        body: QueueEventBody,
        response: { 200: QueueEventResult, 201: QueueEventResult, ...errorResponses(401, 409, 422) },
      },
      onRequest: his,
    },
    async (req, reply) => {
      const r = await svc.receive(clinicOf(req), req.body);
      return reply.status(r.status).send(r.body);
    },
  );

  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const admin = requireStaff(deps, ['admin']);
  const tags = ['後台：看診進度'];
  app.get(
    '/api/queue/day',
    {
      schema: {
        tags,
        summary: '當日各診看診進度',
        description:
          '指定日期（預設診所的今天）各醫師、各診次的目前叫號，已報到的病患、前面還有幾號，以及已傳送的 LINE 通知。',
        querystring: QueueDayQuery,
        response: { 200: QueueDay, ...errorResponses(401, 403) },
      },
      preHandler: read,
    },
    async (req) => svc.day(clinicOf(req), req.query.date),
  );
  app.get(
    '/api/queue/settings',
    {
      schema: { tags, summary: '看診進度通知設定', response: { 200: QueueSettings, ...errorResponses(401, 403) } },
      preHandler: read,
    },
    async (req) => svc.settings(clinicOf(req)),
  );
  app.put(
    '/api/queue/settings',
    {
      schema: {
        tags,
        summary: '修改看診進度通知設定（管理者）',
        description: '新設定適用於之後收到的叫號；已傳送的通知不受影響。',
        body: QueueSettingsBody,
        response: { 200: QueueSettings, ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.saveSettings(clinicOf(req), req.body, actorOf(req), req.ip),
  );

  const liffAuth = liffAuthHook(deps);
  app.get(
    '/liff/api/:channelId/queue',
    {
      schema: {
        tags: ['LIFF：病患頁面 API（Authorization: Bearer <LIFF ID token>）'],
        summary: '即時看診進度',
        description: '這個 LINE 帳號綁定的病患（本人與家人）今天已報到的看診與前面還有幾號，以及今天各診的目前叫號。',
        params: LiffQueueParams,
        response: { 200: LiffQueue, ...errorResponses(401, 404) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.liffView(req.liffUser!.clinicId, req.liffUser!.lineUserId),
  );
}
