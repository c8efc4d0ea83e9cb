// Back-office routes of patients: search/list, detail, add/edit, national-ID and phone reveal,
// merge, import/export. Thin: schemas in schemas.ts, rules in the services.
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { patientBackoffice, PHONE_REVEAL_ROLES } from './backoffice.ts';
import { mergeService } from './merge.ts';
import {
  CreateBody,
  Detail,
  ExportBody,
  IdParams,
  ImportBody,
  ImportPreview,
  LineFriendsQuery,
  LineFriendsResponse,
  ListItem,
  ListQuery,
  ListResponse,
  Merge,
  MergeBody,
  MergeCandidates,
  MergeCandidatesQuery,
  MergeCompare,
  MergeCompareQuery,
  MergeList,
  RevealedNationalId,
  RevealedPhone,
  RevealNationalIdBody,
  Transfer,
  UpdateBody,
} from './schemas.ts';
import { transferService } from './transfer.ts';

const csv = (s: string | undefined) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;

const LINE_STATUSES = ['bound', 'unbound', 'blocked'] as const;
const isLineStatus = (s: string): s is (typeof LINE_STATUSES)[number] =>
  (LINE_STATUSES as readonly string[]).includes(s);

export function patientRoutes(app: App, deps: Deps): void {
  const svc = patientBackoffice(deps);
  const merges = mergeService(deps);
  const transfers = transferService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const write = requireStaff(deps, ['admin', 'front_desk']);
  const revealId = requireStaff(deps, ['admin', 'front_desk', 'doctor']);
  const revealPhone = requireStaff(deps, PHONE_REVEAL_ROLES);
  for (const s of [ListItem, Detail, Transfer]) app.addSchema(s);
  const tags = ['後台：病患名單'];

  app.get(
    '/api/patients',
    {
      schema: {
        tags,
        summary: '病患名單（搜尋、篩選、分頁、排序）',
        description:
          '每位病患一列（已綁定的 LINE 好友併在病患列）。所有條件可任意組合；姓名依筆畫排序。' +
          '病患 20,000 位以內的診所回傳確實的總數；更大的診所總數超過 1,000 時顯示 1,000 且 totalCapped 為 true。' +
          '每次查詢都記錄在稽核紀錄。',
        querystring: ListQuery,
        response: { 200: ListResponse, ...errorResponses(400, 401) },
      },
      preHandler: read,
    },
    async (req) => {
      const { sort, order, page, pageSize, tagIds, lineStatus, ...rest } = req.query;
      return svc.list(
        clinicOf(req),
        { ...rest, tagIds: csv(tagIds), lineStatus: csv(lineStatus)?.filter(isLineStatus) },
        { sort, order, page: page ?? 1, pageSize: pageSize ?? 50 },
        actorOf(req),
        req.ip,
      );
    },
  );

  app.get(
    '/api/patients/line-friends',
    {
      schema: {
        tags,
        summary: '尚未綁定病患的 LINE 好友',
        querystring: LineFriendsQuery,
        response: { 200: LineFriendsResponse, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => svc.unboundFriends(clinicOf(req), req.query.q, req.query.page ?? 1, req.query.pageSize ?? 50),
  );

  app.post(
    '/api/patients',
    {
      schema: {
        tags,
        summary: '新增病患（後台）',
        description: '欄位檢查與 HIS API 相同。後台新增的病患所有欄位都可在後台修改。',
        body: CreateBody,
        response: { 201: Type.Ref('PatientDetail'), ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      const id = await svc.create(clinicOf(req), req.body, actorOf(req), req.ip);
      return reply.status(201).send(await svc.detail(clinicOf(req), id, actorOf(req), req.ip, req.staff?.role));
    },
  );

  app.get(
    '/api/patients/merge-candidates',
    {
      schema: {
        tags,
        summary: '可能重複的病患（整併候選）',
        description:
          '同身分證字號、同病歷號、或同電話且姓名相近；理由多者在前，再依較新的建立時間。' +
          'q 只列出任一方姓名包含、病歷號開頭或電話號碼相符的組合。',
        querystring: MergeCandidatesQuery,
        response: { 200: MergeCandidates, ...errorResponses(400, 401) },
      },
      preHandler: write,
    },
    async (req) => merges.candidates(clinicOf(req), req.query),
  );
  app.get(
    '/api/patients/merge-compare',
    {
      schema: {
        tags,
        summary: '並排比較兩位病患',
        querystring: MergeCompareQuery,
        response: { 200: MergeCompare, ...errorResponses(400, 401, 404) },
      },
      preHandler: write,
    },
    async (req) => merges.compare(clinicOf(req), req.query.a, req.query.b),
  );
  app.get(
    '/api/patients/merges',
    {
      schema: { tags, summary: '整併紀錄', response: { 200: MergeList, ...errorResponses(401) } },
      preHandler: write,
    },
    async (req) => merges.listMerges(clinicOf(req)),
  );
  app.post(
    '/api/patients/merges',
    {
      schema: {
        tags,
        summary: '整併兩位病患',
        description:
          'mergedId 的預約、LINE 綁定、手動標籤移到 survivorId；take 指定各欄位保留哪一方的值' +
          '（未指定時保留存留者，存留者空白則取被整併者）。完整保留紀錄，7 天內可復原；HIS 會收到 patient.merged Webhook。',
        body: MergeBody,
        response: { 201: Merge, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (req, reply) => reply.status(201).send(await merges.merge(clinicOf(req), req.body, actorOf(req), req.ip)),
  );
  app.post(
    '/api/patients/merges/:id/undo',
    {
      schema: {
        tags,
        summary: '復原整併（7 天內）',
        params: IdParams,
        response: { 200: Merge, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (req) => merges.undo(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );

  app.post(
    '/api/patients/imports',
    {
      schema: {
        tags,
        summary: '匯入病患：上傳並預覽',
        description:
          'CSV（UTF-8）或 XLSX，第一列為標題：姓名、電話、生日、身分證字號、病歷號、性別、備註、標籤（以 | 或 、 分隔）。' +
          '回傳逐列錯誤；確認後呼叫 commit 匯入正確的列。',
        body: ImportBody,
        response: { 200: ImportPreview, ...errorResponses(401, 403, 413, 422) },
      },
      preHandler: write,
      bodyLimit: 40 * 1024 * 1024,
    },
    async (req) => transfers.preview(clinicOf(req), req.body, actorOf(req), req.ip),
  );
  app.post(
    '/api/patients/imports/:id/commit',
    {
      schema: {
        tags,
        summary: '匯入病患：開始匯入正確的列',
        params: IdParams,
        response: { 200: Type.Ref('PatientTransfer'), ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (req) => transfers.commit(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );
  app.get(
    '/api/patients/transfers/:id',
    {
      schema: {
        tags,
        summary: '匯入／匯出進度',
        params: IdParams,
        response: { 200: Type.Ref('PatientTransfer'), ...errorResponses(401, 404) },
      },
      preHandler: write,
    },
    async (req) => transfers.get(clinicOf(req), req.params.id),
  );
  app.post(
    '/api/patients/exports',
    {
      schema: {
        tags,
        summary: '匯出目前篩選的病患',
        description:
          '背景產生 CSV 或 XLSX，以 transfers/:id 查進度，完成後下載。時間欄位以診所時區書寫，欄名註明時區' +
          '（例如「下次預約（Asia/Taipei +08:00）」）。匯出與下載都記錄在稽核紀錄。',
        body: ExportBody,
        response: { 202: Type.Ref('PatientTransfer'), ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) =>
      reply.status(202).send(await transfers.startExport(clinicOf(req), req.body, actorOf(req), req.ip)),
  );
  app.get(
    '/api/patients/exports/:id/download',
    {
      schema: {
        tags,
        summary: '下載匯出檔',
        params: IdParams,
        description: '匯出檔保留 24 小時，之後為保護個資刪除（410 EXPORT_EXPIRED）。',
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { ...errorResponses(401, 404, 409, 410) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      const f = await transfers.download(clinicOf(req), req.params.id, actorOf(req), req.ip);
      reply.header(
        'content-type',
        f.format === 'xlsx'
          ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
          : 'text/csv; charset=utf-8',
      );
      reply.header('content-disposition', `attachment; filename="${f.filename}"`);
      reply.header('content-length', String(f.size));
      return reply.send(f.stream);
    },
  );

  app.get(
    '/api/patients/:id',
    {
      schema: {
        tags,
        summary: '病患詳細資料',
        description: '身分、家人（同電話）、預約、訊息、標籤、備註與稽核紀錄。讀取會記錄在稽核紀錄。',
        params: IdParams,
        response: { 200: Type.Ref('PatientDetail'), ...errorResponses(401, 404) },
      },
      preHandler: read,
    },
    async (req) => svc.detail(clinicOf(req), req.params.id, actorOf(req), req.ip, req.staff?.role),
  );
  app.patch(
    '/api/patients/:id',
    {
      schema: {
        tags,
        summary: '修改病患',
        description:
          '來自 HIS 的病患，姓名、病歷號、性別、生日、電話、身分證字號由 HIS 管理（唯讀）；備註與標籤可在後台修改。' +
          '清除選填欄位請傳 null（空字串會被拒絕）。',
        params: IdParams,
        body: UpdateBody,
        response: { 200: Type.Ref('PatientDetail'), ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (req) => {
      await svc.update(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip);
      return svc.detail(clinicOf(req), req.params.id, actorOf(req), req.ip, req.staff?.role);
    },
  );
  app.post(
    '/api/patients/:id/national-id/reveal',
    {
      schema: {
        tags,
        summary: '顯示完整身分證字號（記錄在稽核紀錄）',
        params: IdParams,
        body: RevealNationalIdBody,
        response: { 200: RevealedNationalId, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: revealId,
    },
    async (req) => svc.revealNationalId(clinicOf(req), req.params.id, req.body.reason, actorOf(req), req.ip),
  );
  app.post(
    '/api/patients/:id/phone/reveal',
    {
      schema: {
        tags,
        summary: '顯示完整電話以便撥打（記錄在稽核紀錄）',
        description: '櫃台與管理者可用；醫師與檢視者只能看到遮罩的號碼（403）。',
        params: IdParams,
        response: { 200: RevealedPhone, ...errorResponses(401, 403, 404) },
      },
      preHandler: revealPhone,
    },
    async (req) => svc.revealPhone(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );
}
