// Back office: the delivery log, the month's LINE / SMS usage and cost with its unit prices, and
// the admin notices about the quota.
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { reminderLog } from './log.ts';
import {
  LogQuery,
  LogResponse,
  NoticeParams,
  PricesBody,
  PricesResponse,
  QuotaQuery,
  QuotaResponse,
} from './log-schemas.ts';
import { markNoticeRead, pricesOf, quotaReport, savePrices } from './quota.ts';

const tags = ['後台：看診提醒'];
export function reminderLogRoutes(app: App, deps: Deps): void {
  const log = reminderLog(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const admin = requireStaff(deps, ['admin']);

  app.get(
    '/api/reminders/log',
    {
      schema: {
        tags,
        summary: '發送紀錄',
        description:
          '一段日期（診所時區，依發送時間或看診時間）內的每一則提醒：狀態、管道（LINE／簡訊／LINE 通知訊息）、' +
          '發送或排定時間、「為什麼是這個時間」與錯誤原因。可依規則（含其重新發送）、狀態、醫師、管道篩選，或搜尋病患與預約；' +
          '失敗的排最前，其餘由新到舊；summary 為不含狀態篩選的各狀態數量。一次最多 62 天。',
        querystring: LogQuery,
        response: { 200: LogResponse, ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: read,
    },
    async (req) =>
      log.list(clinicOf(req), {
        ...req.query,
        by: req.query.by ?? 'send',
        page: req.query.page ?? 1,
        pageSize: req.query.pageSize ?? 50,
      }),
  );

  app.get(
    '/api/reminders/quota',
    {
      schema: {
        tags,
        summary: '本月 LINE 訊息額度與費用',
        description:
          '本月推播（計入額度；我們的計數與 LINE 額度 API 取較大者）、免費回覆、LINE 通知訊息（另計費）、依用途的分類、' +
          '每日用量與到月底的預估（排程中的提醒＋其他推播目前的速度）、上限與達上限時會發生什麼、簡訊則數／段數／點數、' +
          '依診所設定單價換算的新台幣，以及管理者通知（80%、100%）。',
        querystring: QuotaQuery,
        response: { 200: QuotaResponse, ...errorResponses(400, 401, 403) },
      },
      preHandler: read,
    },
    async (req) => quotaReport(deps, clinicOf(req), { refresh: req.query.refresh }),
  );

  app.get(
    '/api/reminders/prices',
    {
      schema: {
        tags,
        summary: '簡訊與 LINE 通知訊息單價',
        response: { 200: PricesResponse, ...errorResponses(401, 403) },
      },
      preHandler: read,
    },
    async (req) => pricesOf(deps, clinicOf(req)),
  );

  app.put(
    '/api/reminders/prices',
    {
      schema: {
        tags,
        summary: '儲存單價（管理者）',
        description:
          '額度與費用頁用來換算新台幣的單價：每一簡訊點數、每則 LINE 通知訊息（依診所與簡訊商、LINE 的合約）。' +
          'null 表示未設定，費用顯示為「未設定單價」。',
        body: PricesBody,
        response: { 200: PricesResponse, ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => savePrices(deps, clinicOf(req), req.body, actorOf(req), req.ip),
  );

  app.post(
    '/api/reminders/notices/:id/read',
    {
      schema: {
        tags,
        summary: '管理者通知標為已讀',
        params: NoticeParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: admin,
    },
    async (req, reply) => {
      await markNoticeRead(deps, clinicOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
