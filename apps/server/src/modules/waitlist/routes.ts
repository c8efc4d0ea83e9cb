// Routes of the waitlist: the back office (/api/waitlist/…: entries, freed slots, settings, the
// refill figures) and the patient's LIFF page (/liff/api/<channelId>/waitlist, identified by the
// LIFF ID token).
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { liffAuthHook } from '../binding/liff-auth.ts';
import {
  IdParams,
  LiffEntryParams,
  LiffJoinBody,
  LiffParams,
  LiffWaitlist,
  RefillQuery,
  RefillStats,
  WaitlistEntries,
  WaitlistEntriesQuery,
  WaitlistEntry,
  WaitlistEntryBody,
  WaitlistSettings,
  WaitlistSettingsBody,
  WaitlistSlots,
  WaitlistSlotsQuery,
} from './schemas.ts';
import { waitlistService } from './service.ts';

export function waitlistRoutes(app: App, deps: Deps): void {
  const svc = waitlistService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const write = requireStaff(deps, ['admin', 'front_desk']);
  const admin = requireStaff(deps, ['admin']);
  const tags = ['後台：候補名單'];

  app.get(
    '/api/waitlist/settings',
    {
      schema: {
        tags,
        summary: '候補通知設定',
        description: '尚未設定過的診所回傳預設值（開啟，每批 5 人、每 5 分鐘一批）。',
        response: { 200: WaitlistSettings, ...errorResponses(401, 403) },
      },
      preHandler: read,
    },
    async (req) => svc.settings(clinicOf(req)),
  );
  app.put(
    '/api/waitlist/settings',
    {
      schema: {
        tags,
        summary: '修改候補通知設定（管理者）',
        description: '每批通知人數與間隔；適用於之後釋出的時段。',
        body: WaitlistSettingsBody,
        response: { 200: WaitlistSettings, ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.saveSettings(clinicOf(req), req.body, actorOf(req), req.ip),
  );
  app.get(
    '/api/waitlist/entries',
    {
      schema: {
        tags,
        summary: '候補名單',
        description: '新登記的在前。預設只列候補中且日期未過的登記。',
        querystring: WaitlistEntriesQuery,
        response: { 200: WaitlistEntries, ...errorResponses(401, 403) },
      },
      preHandler: read,
    },
    async (req) => svc.entries(clinicOf(req), req.query),
  );
  app.post(
    '/api/waitlist/entries',
    {
      schema: {
        tags,
        summary: '新增候補（櫃台）',
        description:
          '病患想提前或改到某段日期看診時登記。日期不早於今天、最多到 90 天後；同一位病患對同一位醫師（或不限醫師）' +
          '已有候補中的登記時回 409 WAITLIST_DUPLICATE。有時段釋出時，病患綁定的 LINE 會收到通知。',
        body: WaitlistEntryBody,
        response: { 201: WaitlistEntry, ...errorResponses(401, 403, 409, 422) },
      },
      preHandler: write,
    },
    async (req, reply) => reply.status(201).send(await svc.addByStaff(clinicOf(req), req.body, actorOf(req), req.ip)),
  );
  app.post(
    '/api/waitlist/entries/:id/cancel',
    {
      schema: {
        tags,
        summary: '取消候補',
        description: '之後釋出的時段不再通知這筆登記；已取消的再取消一次回傳相同結果。已補上時段的登記回 409。',
        params: IdParams,
        response: { 200: WaitlistEntry, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (req) => svc.cancelByStaff(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );
  app.get(
    '/api/waitlist/slots',
    {
      schema: {
        tags,
        summary: '釋出的時段與通知紀錄',
        description: '預約取消或改期釋出的未來時段，新的在前：每批通知了誰、誰取得時段、從釋出到補上花了幾分鐘。',
        querystring: WaitlistSlotsQuery,
        response: { 200: WaitlistSlots, ...errorResponses(401, 403) },
      },
      preHandler: read,
    },
    async (req) => svc.slots(clinicOf(req), req.query),
  );
  app.get(
    '/api/waitlist/stats',
    {
      schema: {
        tags,
        summary: '缺額回收成效',
        description: '期間內（依釋出日，診所時區）釋出、通知、補上的時段數，以及補上所需分鐘數的中位數。',
        querystring: RefillQuery,
        response: { 200: RefillStats, ...errorResponses(401, 403, 422) },
      },
      preHandler: read,
    },
    async (req) => svc.stats(clinicOf(req), req.query.from, req.query.to),
  );

  const liffAuth = liffAuthHook(deps);
  const liffTags = ['LIFF：病患頁面 API（Authorization: Bearer <LIFF ID token>）'];
  app.get(
    '/liff/api/:channelId/waitlist',
    {
      schema: {
        tags: liffTags,
        summary: '我的候補登記',
        description: '這個 LINE 帳號綁定的本人與家人的候補登記，以及登記表單需要的醫師與時段選項。',
        params: LiffParams,
        response: { 200: LiffWaitlist, ...errorResponses(401, 404) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.mine(req.liffUser!.clinicId, req.liffUser!.lineUserId),
  );
  app.post(
    '/liff/api/:channelId/waitlist',
    {
      schema: {
        tags: liffTags,
        summary: '登記候補',
        description: '為本人或已綁定的家人登記候補；有符合的時段釋出時以 LINE 通知，先按「我要這個時段」者取得。',
        params: LiffParams,
        body: LiffJoinBody,
        response: { 200: LiffWaitlist, ...errorResponses(401, 404, 409, 422) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.join(req.liffUser!.clinicId, req.liffUser!, req.body, req.ip),
  );
  app.post(
    '/liff/api/:channelId/waitlist/:id/cancel',
    {
      schema: {
        tags: liffTags,
        summary: '取消候補',
        params: LiffEntryParams,
        response: { 200: LiffWaitlist, ...errorResponses(401, 404, 409) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.leave(req.liffUser!.clinicId, req.liffUser!, req.params.id, req.ip),
  );
}
