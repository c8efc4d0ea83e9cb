// Back office: 訊息 › 收件匣 — the conversations, one conversation, staff replies and images, notes,
// assignment, search, the appointment context, and live updates (SSE, the home page's shape).
// Uploaded images are public under /line/media/<id> (LINE fetches them to deliver an image message).
import { Type } from 'typebox';
import { actorOf, clinicOf, loadSession, requireStaff, SESSION_COOKIE } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { eventStreams, pollingEventStream } from '../../platform/sse.ts';
import type { AfterStaffReply } from './inbox.ts';
import {
  AssignBody,
  Assignees,
  InboxContext,
  InboxConversation,
  InboxConversationQuery,
  InboxList,
  InboxListQuery,
  InboxParams,
  InboxSummary,
  MarkReadResult,
  MediaParams,
  MessageParams,
  NoteBody,
  SearchQuery,
  SearchResult,
  SendBody,
  SendResult,
  UploadResult,
} from './inbox.schemas.ts';
import { inboxService, MAX_IMAGE_BYTES } from './inbox.service.ts';

const tags = ['後台：收件匣'];

export function inboxRoutes(app: App, deps: Deps, opts: { afterStaffReply: AfterStaffReply[] }): void {
  const inbox = inboxService(deps, { afterStaffReply: opts.afterStaffReply });
  const desk = requireStaff(deps, ['admin', 'front_desk']);
  const readers = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const staffId = (req: { staff?: { userId: string } }) => req.staff?.userId ?? null;
  const streams = eventStreams(app);
  app.addSchema(InboxConversation);

  app.get(
    '/api/inbox/summary',
    {
      schema: {
        tags,
        summary: '待回覆的 LINE 對話數（首頁）',
        response: { 200: InboxSummary, ...errorResponses(401, 403) },
      },
      preHandler: readers,
    },
    async (req) => inbox.summary(clinicOf(req)),
  );

  app.get(
    '/api/inbox/conversations',
    {
      schema: {
        tags,
        summary: '收件匣：LINE 對話（最新的在前）',
        description: '每位 LINE 使用者一則對話，附未讀數、狀態（機器人處理／待回覆／已完成）、指派對象與綁定的病患。',
        querystring: InboxListQuery,
        response: { 200: InboxList, ...errorResponses(400, 401, 403) },
      },
      preHandler: readers,
    },
    async (req) =>
      inbox.list(clinicOf(req), staffId(req), {
        filter: req.query.filter ?? 'all',
        limit: req.query.limit ?? 50,
        offset: req.query.offset ?? 0,
      }),
  );

  app.get(
    '/api/inbox/conversations/:lineUserId',
    {
      schema: {
        tags,
        summary: '一則對話：訊息、內部備註、綁定的病患',
        description: '只讀取，不會標示已讀（開啟對話時另呼叫 POST …/read）。',
        params: InboxParams,
        querystring: InboxConversationQuery,
        response: { 200: Type.Ref('InboxConversation'), ...errorResponses(400, 401, 403, 404) },
      },
      preHandler: readers,
    },
    async (req) => inbox.get(clinicOf(req), req.params.lineUserId, req.query),
  );

  app.post(
    '/api/inbox/conversations/:lineUserId/read',
    {
      schema: {
        tags,
        summary: '開啟對話：標示已讀',
        description:
          '櫃台的未讀數歸零；LINE 頻道為手動已讀模式時，同時以最新訊息的 markAsReadToken 讓病患看到「已讀」。',
        params: InboxParams,
        response: { 200: MarkReadResult, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: readers,
    },
    async (req) => inbox.markRead(clinicOf(req), req.params.lineUserId),
  );

  app.post(
    '/api/inbox/conversations/:lineUserId/messages',
    {
      schema: {
        tags,
        summary: '回覆病患（文字或圖片）',
        description:
          '回覆權杖仍有效（病患最後一則訊息 50 秒內、尚未使用）時以免費的回覆 API 送出，否則以推播送出（計入每月訊息額度）。' +
          '同一個 clientKey 只送一次。送出後機器人對這位病患暫停自動回覆一段時間（LINE 設定），對話標示為已完成。',
        params: InboxParams,
        body: SendBody,
        response: { 200: SendResult, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: desk,
    },
    async (req) => inbox.send(clinicOf(req), req.params.lineUserId, req.body, actorOf(req), req.ip),
  );

  app.post(
    '/api/inbox/conversations/:lineUserId/assign',
    {
      schema: {
        tags,
        summary: '指派或取消指派',
        params: InboxParams,
        body: AssignBody,
        response: { 200: Type.Ref('InboxConversation'), ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: desk,
    },
    async (req) => inbox.assign(clinicOf(req), req.params.lineUserId, req.body.assigneeId, actorOf(req), req.ip),
  );

  app.post(
    '/api/inbox/conversations/:lineUserId/done',
    {
      schema: {
        tags,
        summary: '標示已完成',
        params: InboxParams,
        response: { 200: Type.Ref('InboxConversation'), ...errorResponses(401, 403, 404) },
      },
      preHandler: desk,
    },
    async (req) => inbox.done(clinicOf(req), req.params.lineUserId, actorOf(req), req.ip),
  );

  app.post(
    '/api/inbox/conversations/:lineUserId/notes',
    {
      schema: {
        tags,
        summary: '新增內部備註（不會傳給病患）',
        params: InboxParams,
        body: NoteBody,
        response: { 200: Type.Ref('InboxConversation'), ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: desk,
    },
    async (req) =>
      inbox.addNote(
        clinicOf(req),
        req.params.lineUserId,
        req.body.body,
        { id: req.staff!.userId, name: req.staff!.name || req.staff!.email },
        actorOf(req),
        req.ip,
      ),
  );

  app.get(
    '/api/inbox/conversations/:lineUserId/context',
    {
      schema: {
        tags,
        summary: '對話旁的預約資訊：綁定病患即將到來的預約與未處理的申請',
        params: InboxParams,
        response: { 200: InboxContext, ...errorResponses(401, 403, 404) },
      },
      preHandler: readers,
    },
    async (req) => inbox.context(clinicOf(req), req.params.lineUserId),
  );

  app.get(
    '/api/inbox/assignees',
    {
      schema: {
        tags,
        summary: '可指派的工作人員',
        response: { 200: Assignees, ...errorResponses(401, 403) },
      },
      preHandler: readers,
    },
    async (req) => ({ items: await inbox.assignees(clinicOf(req)) }),
  );

  app.get(
    '/api/inbox/search',
    {
      schema: {
        tags,
        summary: '搜尋訊息紀錄',
        description: '在本診所所有對話的訊息文字中搜尋（不分大小寫），最新的在前，分頁。',
        querystring: SearchQuery,
        response: { 200: SearchResult, ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: readers,
    },
    async (req) => inbox.search(clinicOf(req), req.query.q, req.query.limit ?? 30, req.query.offset ?? 0),
  );

  app.post(
    '/api/inbox/uploads',
    {
      schema: {
        tags,
        summary: '上傳要傳給病患的圖片',
        description:
          'Content-Type: image/jpeg 或 image/png，原始檔案內容，最大 10 MB。回傳的 id 用於回覆的 imageId／previewId；' +
          '圖片以無法猜測的公開網址提供給 LINE。',
        response: { 200: UploadResult, ...errorResponses(400, 401, 403, 413, 415) },
      },
      bodyLimit: MAX_IMAGE_BYTES + 1024,
      preHandler: desk,
    },
    async (req) =>
      inbox.upload(
        clinicOf(req),
        Buffer.isBuffer(req.body) ? req.body : undefined,
        req.headers['content-type'],
        actorOf(req),
      ),
  );

  app.get(
    '/line/media/:id',
    {
      schema: {
        tags: ['LINE Webhook'],
        summary: '診所傳給病患的圖片（LINE 由此取得）',
        params: MediaParams,
        response: { ...errorResponses(400, 404) },
      },
    },
    async (req, reply) => {
      const m = await inbox.media(req.params.id);
      if (!m) throw errors.notFound('圖片');
      return reply
        .type(m.content_type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(Buffer.from(m.data));
    },
  );

  app.get(
    '/api/inbox/messages/:id/content',
    {
      schema: {
        tags,
        summary: '病患傳來的圖片／影片／語音／檔案（向 LINE 取得）',
        params: MessageParams,
        response: { ...errorResponses(400, 401, 403, 404, 502) },
      },
      preHandler: readers,
    },
    async (req, reply) => {
      const c = await inbox.content(clinicOf(req), req.params.id);
      return reply.type(c.contentType).header('cache-control', 'private, max-age=3600').send(c.data);
    },
  );

  // Live updates: one `inbox` event with the counts when anything changed (checked every 2 s),
  // and again every 15 s; the page reloads what it shows. Authenticated by the session cookie.
  app.get(
    '/api/inbox/stream',
    {
      schema: {
        tags,
        summary: '收件匣即時更新（SSE）',
        description:
          'text/event-stream：連線時送一次 `inbox` 事件（各篩選的數量與最近變動時間），之後有變動（每 2 秒檢查）或每 15 秒再送一次。以登入 cookie 驗證。',
        response: { 200: Type.String({ description: 'event-stream' }), ...errorResponses(401, 403) },
      },
    },
    async (req, reply) => {
      const staff = await loadSession(deps, req.cookies?.[SESSION_COOKIE]);
      if (!staff) throw errors.unauthenticated('登入已失效，請重新登入');
      if (!staff.clinicId) throw errors.forbidden();
      const clinicId = staff.clinicId;
      await pollingEventStream(req, reply, deps, streams, {
        event: 'inbox',
        everyMs: 2_000,
        read: () => inbox.counts(clinicId, staff.userId),
      });
    },
  );
}
