// Request and response schemas of the patients module: the HIS's patient (Open API v1) and the
// back office's list, detail, edits, reveals, merges and import/export.
import { Type } from 'typebox';
import { MERGE_FIELDS } from './merge-fields.ts';

export const HisId = (what: string) =>
  Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[^\\s/?#]+$',
    description: `HIS 端的${what}代碼（字串，同一診所內唯一）`,
  });

// Identifying fields take null for "none"; an empty string is refused rather than read as null.
export const PatientBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      description: '姓名（前後空白會去除；1–50 字）',
      examples: ['王小明'],
    }),
    phone: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 30 }), Type.Null()], {
        description:
          '電話：手機 0912-345-678、+886 912 345 678 等常見寫法皆可，儲存為 E.164；市話（含區碼）可收但不能用於 LINE 綁定',
        examples: ['0912-345-678'],
      }),
    ),
    birthDate: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 20 }), Type.Null()], {
        description: '出生日期，西元 YYYY-MM-DD，不可晚於今天',
        examples: ['1980-05-17'],
      }),
    ),
    nationalId: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 20 }), Type.Null()], {
        description: '身分證字號或居留證號（新式、舊式皆可），會檢查檢查碼；加密儲存，回應只顯示遮罩',
        examples: ['A123456789'],
      }),
    ),
    chartNo: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 50 }), Type.Null()], {
        description: '病歷號',
        examples: ['0012345'],
      }),
    ),
    gender: Type.Optional(
      Type.Union([Type.Enum(['male', 'female', 'other', 'unknown']), Type.Null()], {
        description: '性別：male 男、female 女、other 其他、unknown 不明',
      }),
    ),
  },
  { additionalProperties: false, description: '省略的欄位維持原值；傳 null 表示清除。' },
);

const LightValue = (codes: string[], examples: [string, string]) =>
  Type.Object(
    { code: Type.Enum(codes), label: Type.String() },
    { examples: [{ code: examples[0], label: examples[1] }] },
  );

export const LineLight = LightValue(['bound', 'unbound', 'blocked'], ['unbound', 'LINE未綁定']);

export const Patient = Type.Object(
  {
    patientId: Type.String(),
    name: Type.String(),
    chartNo: Type.Union([Type.String(), Type.Null()]),
    gender: Type.Union([Type.String(), Type.Null()]),
    birthDate: Type.Union([Type.String(), Type.Null()]),
    phone: Type.Union([
      Type.Object({
        e164: Type.String({ examples: ['+886912345678'] }),
        type: Type.Enum(['mobile', 'landline'], { description: 'mobile 手機（可收簡訊）、landline 市話' }),
      }),
      Type.Null(),
    ]),
    nationalIdMasked: Type.Union([Type.String({ examples: ['A12****789'] }), Type.Null()]),
    lights: Type.Object({ line: LineLight }),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'HisPatient', description: '病患（身分證字號只回傳遮罩）' },
);

export const PatientStatus = Type.Object(
  {
    patientId: Type.String(),
    lights: Type.Object({ line: LineLight }),
    lineStatusChangedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'HisPatientStatus' },
);

// ---- Back office ----

const S = (description: string, extra: Record<string, unknown> = {}) =>
  Type.Optional(Type.String({ maxLength: 100, description, ...extra }));
const When = (description: string) => Type.Optional(Type.String({ maxLength: 30, description }));
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** Conditions shared by the list, segments, exports and automatic-tag rules. */
export const FilterFields = {
  q: S('搜尋框：姓名（可部分，如「小明」）、電話（任何寫法或末幾碼）、病歷號、身分證字號（完全相符）或生日 YYYY-MM-DD'),
  name: S('姓名（部分相符；兩個字以上用索引搜尋，一個字為姓氏開頭）'),
  phone: S('電話：任何寫法，或末幾碼（至少 2 碼）'),
  chartNo: S('病歷號（開頭相符）'),
  nationalId: S('身分證字號（完全相符，以雜湊比對）'),
  birthDate: When('生日 YYYY-MM-DD'),
  birthFrom: When('生日起 YYYY-MM-DD'),
  birthTo: When('生日迄 YYYY-MM-DD'),
  ageMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 150, description: '年齡下限（含）' })),
  ageMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 150, description: '年齡上限（含）' })),
  gender: Type.Optional(Type.Enum(['male', 'female', 'other', 'unknown'], { description: '性別' })),
  lastVisitBefore: When('上次就診早於（ISO 時間）'),
  lastVisitAfter: When('上次就診晚於或等於（ISO 時間）'),
  lastVisitDaysAgo: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 36500, description: '超過幾天沒有就診（或從未就診）' }),
  ),
  nextVisitFrom: When('下次預約起（ISO 時間）'),
  nextVisitTo: When('下次預約迄（ISO 時間）'),
  hasNextVisit: Type.Optional(Type.Boolean({ description: 'true：有下次預約；false：沒有' })),
  visitType: S('曾有此就診類別（例如 洗牙）'),
  treatmentCode: S('曾有此處置代碼（就診類別或備註含此代碼）'),
  noShowMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: '爽約次數至少' })),
  source: Type.Optional(
    Type.Enum(['his', 'manual', 'import'], { description: '來源：his HIS、manual 後台新增、import 匯入' }),
  ),
};

export const LineStatuses = Type.Array(Type.Enum(['bound', 'unbound', 'blocked']), {
  maxItems: 3,
  description: 'LINE 狀態燈',
});

/** The filter as a JSON body (segments, exports). */
export const PatientFilterBody = Type.Object(
  {
    ...FilterFields,
    tagIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50, description: '有其中任一標籤' })),
    lineStatus: Type.Optional(LineStatuses),
  },
  { additionalProperties: false, description: '篩選條件（全部條件同時成立）' },
);

export const ListQuery = Type.Object({
  ...FilterFields,
  tagIds: S('標籤 id，逗號分隔（有其中任一）'),
  lineStatus: S('LINE 狀態，逗號分隔：bound 已綁定、unbound 未綁定、blocked 封鎖', {
    pattern: '^(bound|unbound|blocked)(,(bound|unbound|blocked))*$',
  }),
  sort: Type.Optional(
    Type.Enum(['name', 'chartNo', 'lastVisit', 'nextVisit', 'createdAt'], {
      default: 'name',
      description: '排序欄位（姓名依筆畫）',
    }),
  ),
  order: Type.Optional(Type.Enum(['asc', 'desc'], { default: 'asc' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

export const PatientTag = Type.Object({
  id: Type.String(),
  name: Type.String(),
  color: Type.String(),
  source: Type.String({ description: 'manual 手動、auto 規則自動' }),
});

const BoundFriend = Type.Object({ lineUserId: Type.String(), displayName: Type.String(), state: Type.String() });

const listItemProperties = {
  id: Type.String(),
  hisId: Type.String({ description: 'HIS 病患代碼（後台新增者為 CL- 開頭）' }),
  name: Type.String(),
  chartNo: Nullable(Type.String()),
  phoneMasked: Nullable(Type.String({ examples: ['0912-***-678'] })),
  birthDate: Nullable(Type.String()),
  gender: Nullable(Type.Enum(['male', 'female', 'other', 'unknown'])),
  source: Type.String(),
  line: Type.Object({ code: Type.String(), label: Type.String(), friends: Type.Array(BoundFriend) }),
  lastVisitAt: Nullable(Type.String()),
  nextVisitAt: Nullable(Type.String()),
  tags: Type.Array(PatientTag),
};

export const ListItem = Type.Object(listItemProperties, { $id: 'PatientListItem' });

export const ListResponse = Type.Object({
  items: Type.Array(Type.Ref('PatientListItem')),
  total: Type.Integer({ description: '符合條件的人數（totalCapped 時為上限）' }),
  totalCapped: Type.Boolean({ description: 'true：人數超過上限，total 只算到上限' }),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const Detail = Type.Object(
  {
    ...listItemProperties,
    nationalIdMasked: Nullable(Type.String()),
    phoneType: Nullable(Type.String()),
    phoneRevealable: Type.Boolean({ description: '目前登入者可按「顯示」看完整電話（櫃台、管理者）' }),
    notes: Type.String(),
    noShowCount: Type.Integer(),
    mergedInto: Nullable(Type.String()),
    hisOwnedFields: Type.Array(Type.String(), { description: '由 HIS 管理、後台唯讀的欄位' }),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    family: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        chartNo: Nullable(Type.String()),
        birthDate: Nullable(Type.String()),
      }),
      { description: '同一電話的其他病患（家人）' },
    ),
    appointments: Type.Array(
      Type.Object({
        id: Type.String(),
        hisId: Type.String(),
        startsAt: Type.String(),
        startsAtLocal: Type.String(),
        visitType: Nullable(Type.String()),
        status: Type.String(),
        statusLabel: Type.String(),
        doctorName: Type.String(),
      }),
    ),
    messages: Type.Array(
      Type.Object({
        id: Type.Integer(),
        lineUserId: Type.String(),
        direction: Type.String(),
        kind: Type.String(),
        text: Type.String(),
        createdAt: Type.String(),
      }),
    ),
    audit: Type.Array(
      Type.Object({
        id: Type.Integer(),
        actor: Type.String(),
        action: Type.String(),
        actionLabel: Type.String({ description: '動作的中文名稱' }),
        detail: Type.Unknown(),
        detailItems: Type.Array(Type.Object({ label: Type.String(), value: Type.String() }), {
          description: '內容，逐項以繁體中文呈現',
        }),
        createdAt: Type.String(),
      }),
    ),
    merges: Type.Array(
      Type.Object({
        id: Type.String(),
        survivorId: Type.String(),
        mergedId: Type.String(),
        createdAt: Type.String(),
        undoUntil: Type.String(),
        undoneAt: Nullable(Type.String()),
      }),
    ),
  },
  { $id: 'PatientDetail' },
);

export const LineFriendsQuery = Type.Object({
  q: S('顯示名稱'),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

export const LineFriendsResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      lineUserId: Type.String(),
      displayName: Type.String(),
      state: Type.String(),
      followedAt: Nullable(Type.String()),
      lastEventAt: Type.String(),
    }),
  ),
});

export const CreateBody = Type.Object(
  {
    ...PatientBody.properties,
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
    tagIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);

export const UpdateBody = Type.Object(
  {
    name: Type.Optional(PatientBody.properties.name),
    phone: PatientBody.properties.phone,
    birthDate: PatientBody.properties.birthDate,
    nationalId: PatientBody.properties.nationalId,
    chartNo: PatientBody.properties.chartNo,
    gender: PatientBody.properties.gender,
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false, description: '省略的欄位維持原值；傳 null 表示清除。' },
);

export const RevealNationalIdBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 200, description: '查看原因' }) },
  { additionalProperties: false },
);

export const RevealedPhone = Type.Object({
  e164: Type.String({ examples: ['+886912345678'] }),
  display: Type.String({ description: '國內寫法', examples: ['0912-345-678'] }),
  tel: Type.String({ description: '撥號連結', examples: ['tel:+886912345678'] }),
  type: Type.Enum(['mobile', 'landline'], { description: 'mobile 手機、landline 市話' }),
});

// Merges

const MergeSide = Type.Object({
  id: Type.String(),
  hisId: Type.String(),
  name: Type.String(),
  chartNo: Nullable(Type.String()),
  gender: Nullable(Type.String()),
  birthDate: Nullable(Type.String()),
  phoneMasked: Nullable(Type.String()),
  nationalIdMasked: Nullable(Type.String()),
  source: Type.String(),
  appointments: Type.Integer({ description: '預約數' }),
  lineBound: Type.Integer({ description: '綁定的 LINE 帳號數' }),
});

export const MergeCandidatesQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 50, description: '姓名、病歷號或電話' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const MergeCandidates = Type.Object({
  items: Type.Array(
    Type.Object({
      a: MergeSide,
      b: MergeSide,
      reasons: Type.Array(Type.Enum(['national_id', 'chart_no', 'phone_name']), {
        description: 'national_id 同身分證、chart_no 同病歷號、phone_name 同電話且姓名相近',
      }),
    }),
  ),
  total: Type.Integer({ description: '符合條件的組數（items 最多 limit 組）' }),
});

export const MergeCompareQuery = Type.Object({ a: Type.String({ maxLength: 64 }), b: Type.String({ maxLength: 64 }) });
export const MergeCompare = Type.Object({ a: MergeSide, b: MergeSide });

export const MergeBody = Type.Object(
  {
    survivorId: Type.String({ maxLength: 64 }),
    mergedId: Type.String({ maxLength: 64 }),
    take: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.Enum(['survivor', 'merged'])),
          chartNo: Type.Optional(Type.Enum(['survivor', 'merged'])),
          gender: Type.Optional(Type.Enum(['survivor', 'merged'])),
          birthDate: Type.Optional(Type.Enum(['survivor', 'merged'])),
          phone: Type.Optional(Type.Enum(['survivor', 'merged'])),
          nationalId: Type.Optional(Type.Enum(['survivor', 'merged'])),
        },
        { additionalProperties: false, description: `各欄位保留哪一方的值（${MERGE_FIELDS.join('、')}）` },
      ),
    ),
  },
  { additionalProperties: false },
);

export const Merge = Type.Object({
  id: Type.String(),
  survivorId: Type.String(),
  mergedId: Type.String(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  undoUntil: Type.String(),
  undoneAt: Nullable(Type.String()),
  movedAppointments: Type.Integer(),
  movedBindings: Type.Integer(),
  chosen: Type.Record(Type.String(), Type.String()),
});

export const MergeList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      survivorId: Type.String(),
      mergedId: Type.String(),
      survivorName: Type.String(),
      mergedName: Type.String(),
      createdAt: Type.String(),
      createdBy: Type.String(),
      undoUntil: Type.String(),
      undoneAt: Nullable(Type.String()),
    }),
  ),
});

// Import and export

const transferProperties = {
  id: Type.String(),
  kind: Type.String({ description: 'import 匯入、export 匯出' }),
  format: Type.String(),
  filename: Type.String(),
  status: Type.String({ description: 'preview 預覽、queued 排隊、running 進行中、done 完成、expired 已刪除' }),
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
};

export const Transfer = Type.Object(transferProperties, { $id: 'PatientTransfer' });

export const ImportBody = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 200 }),
    format: Type.Enum(['csv', 'xlsx']),
    contentBase64: Type.String({ minLength: 1, maxLength: 40 * 1024 * 1024 }),
  },
  { additionalProperties: false },
);

export const ImportPreview = Type.Object({
  ...transferProperties,
  valid: Type.Integer({ description: '可匯入的列數' }),
  unknownHeaders: Type.Array(Type.String(), { description: '無法辨識、會略過的標題' }),
  sample: Type.Array(
    Type.Object({
      row: Type.Integer(),
      name: Type.String(),
      phone: Type.String(),
      chartNo: Type.String(),
      birthDate: Type.String(),
      ok: Type.Boolean(),
    }),
  ),
});

export const ExportBody = Type.Object(
  { format: Type.Enum(['csv', 'xlsx']), filter: PatientFilterBody },
  { additionalProperties: false },
);

export const RevealedNationalId = Type.Object({ nationalId: Type.String() });
