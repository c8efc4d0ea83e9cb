// Back-office routes of the patient list: search/list, detail, add/edit, national-ID reveal,
// tags, segments, merge, recall, import/export. Thin: schemas here, rules in the services.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses } from '../../platform/http.ts';
import { PatientBody } from '../patients/schemas.ts';
import { mergeService, MERGE_FIELDS } from './merge.ts';
import { previewRecalls, recallService, DEFAULT_RECALL_RULES, RECALL_OUTCOMES } from './recall.ts';
import type { PatientFilter, SortKey } from './search.ts';
import { patientListService } from './service.ts';
import { tagService } from './tags.ts';
import { transferService } from './transfer.ts';

const S = (description: string, extra: Record<string, unknown> = {}) =>
  Type.Optional(Type.String({ maxLength: 100, description, ...extra }));
const Date_ = (description: string) => Type.Optional(Type.String({ maxLength: 30, description }));

/** Conditions shared by the list, segments and automatic-tag rules. */
const FilterFields = {
  q: S('搜尋框：姓名（可部分，如「小明」）、電話（任何寫法或末幾碼）、病歷號、身分證字號（完全相符）或生日 YYYY-MM-DD'),
  name: S('姓名（部分相符；兩個字以上用索引搜尋，一個字為姓氏開頭）'),
  phone: S('電話：任何寫法，或末幾碼（至少 2 碼）'),
  chartNo: S('病歷號（開頭相符）'),
  nationalId: S('身分證字號（完全相符，以雜湊比對）'),
  birthDate: Date_('生日 YYYY-MM-DD'),
  birthFrom: Date_('生日起 YYYY-MM-DD'),
  birthTo: Date_('生日迄 YYYY-MM-DD'),
  ageMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 150, description: '年齡下限（含）' })),
  ageMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 150, description: '年齡上限（含）' })),
  gender: Type.Optional(Type.Enum(['male', 'female', 'other', 'unknown'], { description: '性別' })),
  lastVisitBefore: Date_('上次就診早於（ISO 時間）'),
  lastVisitAfter: Date_('上次就診晚於或等於（ISO 時間）'),
  lastVisitDaysAgo: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 36500, description: '超過幾天沒有就診（或從未就診）' }),
  ),
  nextVisitFrom: Date_('下次預約起（ISO 時間）'),
  nextVisitTo: Date_('下次預約迄（ISO 時間）'),
  hasNextVisit: Type.Optional(Type.Boolean({ description: 'true：有下次預約；false：沒有' })),
  visitType: S('曾有此就診類別（例如 洗牙）'),
  treatmentCode: S('曾有此處置代碼（就診類別或備註含此代碼）'),
  noShowMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: '爽約次數至少' })),
  source: Type.Optional(
    Type.Enum(['his', 'manual', 'import'], { description: '來源：his HIS、manual 後台新增、import 匯入' }),
  ),
};
const FilterBody = Type.Object(
  {
    ...FilterFields,
    tagIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50, description: '有其中任一標籤' })),
    lineStatus: Type.Optional(
      Type.Array(Type.Enum(['bound', 'unbound', 'blocked']), { maxItems: 3, description: 'LINE 狀態燈' }),
    ),
  },
  { additionalProperties: false, $id: 'PatientFilter', description: '篩選條件（全部條件同時成立）' },
);

const ListQuery = Type.Object({
  ...FilterFields,
  tagIds: S('標籤 id，逗號分隔（有其中任一）'),
  lineStatus: S('LINE 狀態，逗號分隔：bound 已綁定、unbound 未綁定、blocked 封鎖'),
  sort: Type.Optional(
    Type.Enum(['name', 'chartNo', 'lastVisit', 'nextVisit', 'createdAt'], { default: 'name', description: '排序欄位' }),
  ),
  order: Type.Optional(Type.Enum(['asc', 'desc'], { default: 'asc' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

const Tag = Type.Object({
  id: Type.String(),
  name: Type.String(),
  color: Type.String(),
  source: Type.String({ description: 'manual 手動、auto 規則自動' }),
});
const ListItem = Type.Object(
  {
    id: Type.String(),
    hisId: Type.String({ description: 'HIS 病患代碼（後台新增者為 CL- 開頭）' }),
    name: Type.String(),
    chartNo: Type.Union([Type.String(), Type.Null()]),
    phoneMasked: Type.Union([Type.String({ examples: ['0912-***-678'] }), Type.Null()]),
    birthDate: Type.Union([Type.String(), Type.Null()]),
    gender: Type.Union([Type.String(), Type.Null()]),
    source: Type.String(),
    line: Type.Object({
      code: Type.String(),
      label: Type.String(),
      friends: Type.Array(Type.Object({ lineUserId: Type.String(), displayName: Type.String(), state: Type.String() })),
    }),
    lastVisitAt: Type.Union([Type.String(), Type.Null()]),
    nextVisitAt: Type.Union([Type.String(), Type.Null()]),
    tags: Type.Array(Tag),
  },
  { $id: 'PatientListItem' },
);
const Detail = Type.Object(
  {
    ...ListItem.properties,
    nationalIdMasked: Type.Union([Type.String(), Type.Null()]),
    phoneType: Type.Union([Type.String(), Type.Null()]),
    notes: Type.String(),
    noShowCount: Type.Integer(),
    mergedInto: Type.Union([Type.String(), Type.Null()]),
    hisOwnedFields: Type.Array(Type.String(), { description: '由 HIS 管理、後台唯讀的欄位' }),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    family: Type.Array(Type.Unknown(), { description: '同一電話的其他病患（家人）' }),
    appointments: Type.Array(Type.Unknown()),
    messages: Type.Array(Type.Unknown()),
    audit: Type.Array(Type.Unknown()),
    merges: Type.Array(Type.Unknown()),
  },
  { $id: 'PatientDetail' },
);
const Transfer = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    format: Type.String(),
    filename: Type.String(),
    status: Type.String({ description: 'preview 預覽、queued 排隊、running 進行中、done 完成' }),
    total: Type.Integer(),
    processed: Type.Integer(),
    imported: Type.Integer(),
    failed: Type.Integer(),
    progress: Type.Number({ description: '0–1' }),
    errors: Type.Array(
      Type.Object({
        row: Type.Integer({ description: '檔案中的列號（標題為第 1 列）' }),
        field: Type.String(),
        message: Type.String(),
      }),
    ),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'PatientTransfer', additionalProperties: true },
);
const RecallRuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50, description: '名稱，例如「半年洗牙」' }),
    kind: Type.Enum(['after_visit', 'yearly', 'chronic_refill'], {
      description: 'after_visit 就診後幾天、yearly 年度、chronic_refill 慢性處方箋領藥',
    }),
    visitType: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 50 }), Type.Null()], {
        description: '以哪種就診類別為準（null＝任何就診）',
      }),
    ),
    intervalDays: Type.Integer({ minimum: 1, maximum: 3650, description: '上次就診後幾天提醒' }),
    message: Type.String({ minLength: 1, maxLength: 500, description: '訊息內容；{name} 代入病患姓名' }),
    button: Type.Enum(['booking', 'call'], { description: 'booking 線上預約按鈕、call 打電話按鈕' }),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const idOf = (req: FastifyRequest) => (req.params as { id: string }).id;
const csv = (s: string | undefined) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;

export function patientListRoutes(app: FastifyInstance, deps: Deps): void {
  const svc = patientListService(deps);
  const tags = tagService(deps);
  const merges = mergeService(deps);
  const recall = recallService(deps);
  const transfers = transferService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const write = requireStaff(deps, ['admin', 'front_desk']);
  const reveal = requireStaff(deps, ['admin', 'front_desk', 'doctor']);
  for (const s of [ListItem, Detail, Transfer, FilterBody]) app.addSchema(s);
  const T = ['後台：病患名單'];
  const TT = ['後台：標籤與分眾'];
  const TR = ['後台：回診提醒'];

  app.get(
    '/api/patients',
    {
      schema: {
        tags: T,
        summary: '病患名單（搜尋、篩選、分頁、排序）',
        description:
          '每位病患一列（已綁定的 LINE 好友併在病患列）。所有條件可任意組合；總數超過 1,000 時顯示 1,000 且 totalCapped 為 true。每次查詢都記錄在稽核紀錄。',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref('PatientListItem')),
            total: Type.Integer(),
            totalCapped: Type.Boolean(),
            page: Type.Integer(),
            pageSize: Type.Integer(),
          }),
          ...errorResponses(400, 401),
        },
      },
      preHandler: read,
    },
    async (req) => {
      const q = req.query as Record<string, unknown> & {
        sort?: SortKey;
        order?: 'asc' | 'desc';
        page: number;
        pageSize: number;
        tagIds?: string;
        lineStatus?: string;
      };
      const { sort, order, page, pageSize, tagIds, lineStatus, ...rest } = q;
      const filter: PatientFilter = { ...(rest as PatientFilter), tagIds: csv(tagIds), lineStatus: csv(lineStatus) };
      return svc.list(
        clinicOf(req),
        filter,
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
        tags: T,
        summary: '尚未綁定病患的 LINE 好友',
        querystring: Type.Object({
          q: S('顯示名稱'),
          page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
          pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                lineUserId: Type.String(),
                displayName: Type.String(),
                state: Type.String(),
                followedAt: Type.Union([Type.String(), Type.Null()]),
                lastEventAt: Type.String(),
              }),
            ),
          }),
          ...errorResponses(401),
        },
      },
      preHandler: read,
    },
    async (req) => {
      const q = req.query as { q?: string; page?: number; pageSize?: number };
      return svc.unboundFriends(clinicOf(req), q.q, q.page ?? 1, q.pageSize ?? 50);
    },
  );

  app.post(
    '/api/patients',
    {
      schema: {
        tags: T,
        summary: '新增病患（後台）',
        description: '欄位檢查與 HIS API 相同。後台新增的病患所有欄位都可在後台修改。',
        body: Type.Object(
          {
            ...PatientBody.properties,
            notes: Type.Optional(Type.String({ maxLength: 2000 })),
            tagIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('PatientDetail'), ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) =>
      reply.status(201).send(await svc.create(clinicOf(req), req.body as never, actorOf(req), req.ip)),
  );

  // Static paths before /api/patients/:id.
  app.get(
    '/api/patients/merge-candidates',
    {
      schema: {
        tags: T,
        summary: '可能重複的病患（整併候選）',
        description:
          '同身分證字號、同病歷號、或同電話且姓名相近；理由多者在前，再依較新的建立時間。q 只列出任一方姓名包含、病歷號開頭或電話號碼相符的組合。',
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 50, description: '姓名、病歷號或電話' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Unknown()),
            total: Type.Integer({ description: '符合條件的組數（items 最多 limit 組）' }),
          }),
          ...errorResponses(400, 401),
        },
      },
      preHandler: write,
    },
    async (req) => merges.candidates(clinicOf(req), req.query as { q?: string; limit?: number }),
  );
  app.get(
    '/api/patients/merge-compare',
    {
      schema: {
        tags: T,
        summary: '並排比較兩位病患',
        querystring: Type.Object({ a: Type.String({ maxLength: 64 }), b: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Object({ a: Type.Unknown(), b: Type.Unknown() }), ...errorResponses(400, 401, 404) },
      },
      preHandler: write,
    },
    async (req) => {
      const q = req.query as { a: string; b: string };
      return merges.compare(clinicOf(req), q.a, q.b);
    },
  );
  app.get(
    '/api/patients/merges',
    {
      schema: {
        tags: T,
        summary: '整併紀錄',
        response: { 200: Type.Object({ items: Type.Array(Type.Unknown()) }), ...errorResponses(401) },
      },
      preHandler: write,
    },
    async (req) => merges.listMerges(clinicOf(req)),
  );
  app.post(
    '/api/patients/merges',
    {
      schema: {
        tags: T,
        summary: '整併兩位病患',
        description: `mergedId 的預約、LINE 綁定、手動標籤移到 survivorId；take 指定各欄位保留哪一方的值（未指定時保留存留者，存留者空白則取被整併者）。完整保留紀錄，7 天內可復原；HIS 會收到 patient.merged Webhook。`,
        body: Type.Object(
          {
            survivorId: Type.String({ maxLength: 64 }),
            mergedId: Type.String({ maxLength: 64 }),
            take: Type.Optional(
              Type.Object(
                Object.fromEntries(MERGE_FIELDS.map((f) => [f, Type.Optional(Type.Enum(['survivor', 'merged']))])),
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Unknown(), ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (req, reply) =>
      reply.status(201).send(await merges.merge(clinicOf(req), req.body as never, actorOf(req), req.ip)),
  );
  app.post(
    '/api/patients/merges/:id/undo',
    {
      schema: {
        tags: T,
        summary: '復原整併（7 天內）',
        params: Id,
        response: { 200: Type.Unknown(), ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (req) => merges.undo(clinicOf(req), idOf(req), actorOf(req), req.ip),
  );

  app.post(
    '/api/patients/tags',
    {
      schema: {
        tags: TT,
        summary: '為病患加上或移除手動標籤',
        body: Type.Object(
          {
            patientIds: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 500 }),
            tagIds: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 50 }),
            remove: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => {
      const b = req.body as { patientIds: string[]; tagIds: string[]; remove?: boolean };
      return tags.assign(clinicOf(req), b.patientIds, b.tagIds, !!b.remove, actorOf(req), req.ip);
    },
  );

  app.post(
    '/api/patients/imports',
    {
      schema: {
        tags: T,
        summary: '匯入病患：上傳並預覽',
        description:
          'CSV（UTF-8）或 XLSX，第一列為標題：姓名、電話、生日、身分證字號、病歷號、性別、備註、標籤（以 | 或 、 分隔）。回傳逐列錯誤；確認後呼叫 commit 匯入正確的列。',
        bodyLimit: 30 * 1024 * 1024,
        body: Type.Object(
          {
            filename: Type.String({ minLength: 1, maxLength: 200 }),
            format: Type.Enum(['csv', 'xlsx']),
            contentBase64: Type.String({ minLength: 1, maxLength: 40 * 1024 * 1024 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('PatientTransfer'), ...errorResponses(401, 403, 413, 422) },
      },
      preHandler: write,
      bodyLimit: 40 * 1024 * 1024,
    },
    async (req) => transfers.preview(clinicOf(req), req.body as never, actorOf(req), req.ip),
  );
  app.post(
    '/api/patients/imports/:id/commit',
    {
      schema: {
        tags: T,
        summary: '匯入病患：開始匯入正確的列',
        params: Id,
        response: { 200: Type.Ref('PatientTransfer'), ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (req) => transfers.commit(clinicOf(req), idOf(req), actorOf(req), req.ip),
  );
  app.get(
    '/api/patients/transfers/:id',
    {
      schema: {
        tags: T,
        summary: '匯入／匯出進度',
        params: Id,
        response: { 200: Type.Ref('PatientTransfer'), ...errorResponses(401, 404) },
      },
      preHandler: write,
    },
    async (req) => transfers.get(clinicOf(req), idOf(req)),
  );
  app.post(
    '/api/patients/exports',
    {
      schema: {
        tags: T,
        summary: '匯出目前篩選的病患',
        description: '背景產生 CSV 或 XLSX，以 transfers/:id 查進度，完成後下載。匯出與下載都記錄在稽核紀錄。',
        body: Type.Object(
          { format: Type.Enum(['csv', 'xlsx']), filter: Type.Ref('PatientFilter') },
          { additionalProperties: false },
        ),
        response: { 202: Type.Ref('PatientTransfer'), ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) =>
      reply.status(202).send(await transfers.startExport(clinicOf(req), req.body as never, actorOf(req), req.ip)),
  );
  app.get(
    '/api/patients/exports/:id/download',
    {
      schema: {
        tags: T,
        summary: '下載匯出檔',
        params: Id,
        description: '匯出檔保留 24 小時，之後為保護個資刪除（410 EXPORT_EXPIRED）。',
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { ...errorResponses(401, 404, 409, 410) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      const f = await transfers.download(clinicOf(req), idOf(req), actorOf(req), req.ip);
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
        tags: T,
        summary: '病患詳細資料',
        description: '身分、家人（同電話）、預約、訊息、標籤、備註與稽核紀錄。讀取會記錄在稽核紀錄。',
        params: Id,
        response: { 200: Type.Ref('PatientDetail'), ...errorResponses(401, 404) },
      },
      preHandler: read,
    },
    async (req) => svc.detail(clinicOf(req), idOf(req), actorOf(req), req.ip),
  );
  app.patch(
    '/api/patients/:id',
    {
      schema: {
        tags: T,
        summary: '修改病患',
        description:
          '來自 HIS 的病患，姓名、病歷號、性別、生日、電話、身分證字號由 HIS 管理（唯讀）；備註與標籤可在後台修改。',
        params: Id,
        body: Type.Object(
          {
            ...(Object.fromEntries(
              Object.entries(PatientBody.properties).map(([k, v]) => [k, Type.Optional(v as never)]),
            ) as Record<string, never>),
            notes: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('PatientDetail'), ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.update(clinicOf(req), idOf(req), req.body as never, actorOf(req), req.ip),
  );
  app.post(
    '/api/patients/:id/national-id/reveal',
    {
      schema: {
        tags: T,
        summary: '顯示完整身分證字號（記錄在稽核紀錄）',
        params: Id,
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 200, description: '查看原因' }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ nationalId: Type.String() }), ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: reveal,
    },
    async (req) =>
      svc.revealNationalId(clinicOf(req), idOf(req), (req.body as { reason: string }).reason, actorOf(req), req.ip),
  );

  // Tags
  const TagRule = Type.Object(
    {
      ...(Object.fromEntries(
        [
          'visitType',
          'treatmentCode',
          'ageMin',
          'ageMax',
          'lastVisitDaysAgo',
          'lastVisitBefore',
          'noShowMin',
          'gender',
        ].map((k) => [k, (FilterFields as Record<string, unknown>)[k]]),
      ) as Record<string, never>),
      lineStatus: Type.Optional(Type.Array(Type.Enum(['bound', 'unbound', 'blocked']))),
    },
    { additionalProperties: false, description: '自動標籤規則（條件同時成立）' },
  );
  const TagOut = Type.Object({
    id: Type.String(),
    name: Type.String(),
    color: Type.String(),
    kind: Type.String({ description: 'manual 手動、auto 自動' }),
    rule: Type.Unknown(),
    recomputedAt: Type.Union([Type.String(), Type.Null()]),
    count: Type.Integer(),
  });
  app.get(
    '/api/tags',
    {
      schema: {
        tags: TT,
        summary: '標籤列表',
        response: { 200: Type.Object({ items: Type.Array(TagOut) }), ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => tags.list(clinicOf(req)),
  );
  app.post(
    '/api/tags',
    {
      schema: {
        tags: TT,
        summary: '新增標籤',
        description: '有 rule 的是自動標籤，由排程依規則重新計算（年齡層、就診類別、處置代碼、多久沒回診、爽約次數）。',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 30 }),
            color: Type.Optional(Type.String({ maxLength: 20 })),
            rule: Type.Optional(Type.Union([TagRule, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 201: TagOut, ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) =>
      reply.status(201).send(await tags.create(clinicOf(req), req.body as never, actorOf(req), req.ip)),
  );
  app.delete(
    '/api/tags/:id',
    {
      schema: {
        tags: TT,
        summary: '刪除標籤',
        params: Id,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      await tags.remove(clinicOf(req), idOf(req), actorOf(req), req.ip);
      return reply.status(204).send();
    },
  );
  app.post(
    '/api/tags/recompute',
    {
      schema: {
        tags: TT,
        summary: '立即重新計算自動標籤',
        response: { 202: Type.Object({ jobId: Type.Integer() }), ...errorResponses(401, 403) },
      },
      preHandler: write,
    },
    async (req, reply) => reply.status(202).send(await tags.requestRecompute(clinicOf(req), actorOf(req), req.ip)),
  );

  // Segments
  const SegmentOut = Type.Object({
    id: Type.String(),
    name: Type.String(),
    conditions: Type.Ref('PatientFilter'),
    updatedAt: Type.String(),
    count: Type.Optional(Type.Integer()),
    countCapped: Type.Optional(Type.Boolean()),
  });
  const SegmentBody = Type.Object(
    { name: Type.String({ minLength: 1, maxLength: 50 }), conditions: Type.Ref('PatientFilter') },
    { additionalProperties: false },
  );
  app.get(
    '/api/segments',
    {
      schema: {
        tags: TT,
        summary: '分眾列表',
        response: { 200: Type.Object({ items: Type.Array(SegmentOut) }), ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => tags.listSegments(clinicOf(req)),
  );
  app.post(
    '/api/segments/preview',
    {
      schema: {
        tags: TT,
        summary: '分眾試算：符合人數與前 10 位',
        body: Type.Object({ conditions: Type.Ref('PatientFilter') }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            count: Type.Integer(),
            countCapped: Type.Boolean(),
            sample: Type.Array(Type.Ref('PatientListItem')),
          }),
          ...errorResponses(401, 422),
        },
      },
      preHandler: read,
    },
    async (req) => tags.preview(clinicOf(req), (req.body as { conditions: PatientFilter }).conditions),
  );
  app.post(
    '/api/segments',
    {
      schema: {
        tags: TT,
        summary: '儲存分眾',
        body: SegmentBody,
        response: { 201: SegmentOut, ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) =>
      reply.status(201).send(await tags.saveSegment(clinicOf(req), null, req.body as never, actorOf(req), req.ip)),
  );
  app.put(
    '/api/segments/:id',
    {
      schema: {
        tags: TT,
        summary: '修改分眾',
        params: Id,
        body: SegmentBody,
        response: { 200: SegmentOut, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => tags.saveSegment(clinicOf(req), idOf(req), req.body as never, actorOf(req), req.ip),
  );
  app.delete(
    '/api/segments/:id',
    {
      schema: {
        tags: TT,
        summary: '刪除分眾',
        params: Id,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      await tags.removeSegment(clinicOf(req), idOf(req), actorOf(req), req.ip);
      return reply.status(204).send();
    },
  );

  // Recall
  const RuleOut = Type.Object({
    id: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    visitType: Type.Union([Type.String(), Type.Null()]),
    intervalDays: Type.Integer(),
    message: Type.String(),
    button: Type.String(),
    enabled: Type.Boolean(),
  });
  app.get(
    '/api/recall-rules',
    {
      schema: {
        tags: TR,
        summary: '回診提醒規則',
        response: { 200: Type.Object({ items: Type.Array(RuleOut) }), ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => recall.listRules(clinicOf(req)),
  );
  app.post(
    '/api/recall-rules',
    {
      schema: {
        tags: TR,
        summary: '新增回診提醒規則',
        body: RecallRuleBody,
        response: { 201: RuleOut, ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) =>
      reply.status(201).send(await recall.saveRule(clinicOf(req), null, req.body as never, actorOf(req), req.ip)),
  );
  app.post(
    '/api/recall-rules/defaults',
    {
      schema: {
        tags: TR,
        summary: '建立預設規則（半年洗牙、年度健檢、慢性處方箋領藥）',
        response: { 200: Type.Object({ items: Type.Array(RuleOut) }), ...errorResponses(401, 403) },
      },
      preHandler: write,
    },
    async (req) => {
      for (const r of DEFAULT_RECALL_RULES) await recall.saveRule(clinicOf(req), null, r, actorOf(req), req.ip);
      return recall.listRules(clinicOf(req));
    },
  );
  app.put(
    '/api/recall-rules/:id',
    {
      schema: {
        tags: TR,
        summary: '修改回診提醒規則',
        params: Id,
        body: RecallRuleBody,
        response: { 200: RuleOut, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => recall.saveRule(clinicOf(req), idOf(req), req.body as never, actorOf(req), req.ip),
  );
  app.delete(
    '/api/recall-rules/:id',
    {
      schema: {
        tags: TR,
        summary: '刪除回診提醒規則（已有名單者改為停用）',
        params: Id,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      await recall.removeRule(clinicOf(req), idOf(req), actorOf(req), req.ip);
      return reply.status(204).send();
    },
  );
  app.get(
    '/api/recalls',
    {
      schema: {
        tags: TR,
        summary: '回診提醒名單（櫃台）',
        querystring: Type.Object({
          status: Type.Optional(Type.Enum(['due', 'sent', 'booked', 'declined', 'no_answer', 'skipped'])),
          ruleId: S('規則 id'),
          page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
          pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(Type.Unknown()) }), ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => {
      const q = req.query as { status?: string; ruleId?: string; page?: number; pageSize?: number };
      return recall.list(clinicOf(req), { ...q, page: q.page ?? 1, pageSize: q.pageSize ?? 50 }, actorOf(req), req.ip);
    },
  );
  app.get(
    '/api/recalls/preview',
    {
      schema: {
        tags: TR,
        summary: '預覽：現在檢查會新增幾位到提醒名單',
        description: '每條啟用中的規則目前到期、尚未在名單上的病患人數，以及下次自動檢查的時間；不傳送任何訊息。',
        response: {
          200: Type.Object({
            rules: Type.Array(Type.Object({ ruleId: Type.String(), name: Type.String(), due: Type.Integer() })),
            total: Type.Integer(),
            nextScanAt: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses(401),
        },
      },
      preHandler: read,
    },
    async (req) => previewRecalls(deps, clinicOf(req)),
  );
  app.put(
    '/api/recalls/:id/outcome',
    {
      schema: {
        tags: TR,
        summary: '記錄聯絡結果',
        params: Id,
        body: Type.Object(
          {
            outcome: Type.Enum([...RECALL_OUTCOMES], { description: 'booked 已預約、declined 婉拒、no_answer 未接聽' }),
            note: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => {
      const b = req.body as { outcome: (typeof RECALL_OUTCOMES)[number]; note?: string };
      return recall.setOutcome(clinicOf(req), idOf(req), b.outcome, b.note, actorOf(req), req.ip);
    },
  );
  app.post(
    '/api/recalls/scan',
    {
      schema: {
        tags: TR,
        summary: '立即檢查到期的回診提醒並傳送',
        response: {
          200: Type.Object({ created: Type.Integer(), sent: Type.Integer(), failed: Type.Integer() }),
          ...errorResponses(401, 403),
        },
      },
      preHandler: write,
    },
    async (req) => recall.runNow(clinicOf(req), actorOf(req), req.ip),
  );
}
