// Request and response schemas of appointments: the HIS's writes and reads (HIS Open API v1)
// and the back office's list, detail, notes, saved filters and calendar data.
import { Type } from 'typebox';
import { APPOINTMENT_STATUSES, LINE_STATUSES, REPLY_STATUSES } from '../status/lights.ts';
import { HisId, LineLight } from '../patients/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const AppointmentFields = {
  patientId: HisId('病患'),
  doctorId: HisId('醫師'),
  startsAt: Type.String({
    format: 'date-time',
    maxLength: 40,
    description: '看診時間，RFC 3339 且須含時區，例如 2026-05-04T09:30:00+08:00',
    examples: ['2026-05-04T09:30:00+08:00'],
  }),
  durationMinutes: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1, maximum: 1440 }), Type.Null()], {
      description: '預計看診分鐘數',
      examples: [15],
    }),
  ),
  visitType: Type.Optional(
    Type.Union([Type.String({ minLength: 1, maxLength: 50 }), Type.Null()], {
      description: '門診類別，例如 初診、複診、洗牙；沒有類別請傳 null',
      examples: ['複診'],
    }),
  ),
  status: Type.Enum(['booked', 'checked_in', 'completed', 'cancelled', 'no_show'], {
    description:
      '預約狀態：booked 已預約、checked_in 已報到、completed 已看診、cancelled 已取消、no_show 未到診（報到、看診完成、未到與取消都是同一筆預約的狀態變更）',
    examples: ['booked'],
  }),
  note: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()], { description: '備註' })),
  treatmentCodes: Type.Optional(
    Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 30 }), { maxItems: 50 }), Type.Null()], {
      description:
        '這次看診的處置代碼（健保處置代碼或 HIS 自訂代碼，例如 92013C）；照護計畫可依「看診完成且含某處置代碼」自動加入。' +
        '不知道請傳 null 或不傳（每個版本都是完整資料：不傳即清空）',
      examples: [['92013C']],
    }),
  ),
  bookedAt: Type.Optional(
    Type.Union(
      [
        Type.String({
          format: 'date-time',
          maxLength: 40,
          description: 'HIS 建立這筆預約的時間，RFC 3339 且須含時區',
        }),
        Type.Null(),
      ],
      {
        description:
          '病患預約的時間（HIS 建立預約的時間）。有提供時，只有在診所當地的「今天」建立的預約才會發送預約當下的通知；' +
          '未提供時，初次同步期間（第一次呼叫 API 起，直到管理者在後台結束或滿 24 小時）第一次收到的預約不發送預約當下的通知。' +
          '看診前 48 小時與看診當天的提醒不受影響。',
        examples: ['2026-05-01T10:12:00+08:00'],
      },
    ),
  ),
  bookingRequestId: Type.Optional(
    Type.Union(
      [
        Type.String({
          minLength: 1,
          maxLength: 64,
          description: '線上預約申請的代碼（appointment.requested 事件的 data.requestId）',
        }),
        Type.Null(),
      ],
      {
        writeOnly: true,
        description:
          '這筆預約是由 Careline 的線上預約申請成立時，帶入該申請的代碼（webhook 事件 appointment.requested 的 ' +
          'data.requestId）：申請隨即成立，病患在 LINE 收到預約成功通知。申請已被拒絕、逾時或取消，或已由另一筆預約成立時回 ' +
          '422 BOOKING_REQUEST_CLOSED；代碼不存在回 422 UNKNOWN_REFERENCE。一般預約不傳或傳 null。',
        examples: ['01JF3Z8Q4V7K2M9N5P6R8S0T1U'],
      },
    ),
  ),
  version: Type.Integer({
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description:
      'HIS 每次修改這筆預約時遞增的版本號（例如修改序號或時間戳記數字）。較舊的版本回 409，同版本回 200 不變更',
    examples: [1],
  }),
};

export const AppointmentBody = Type.Object(AppointmentFields, {
  additionalProperties: false,
  examples: [
    {
      patientId: 'P000123',
      doctorId: 'D01',
      startsAt: '2026-05-04T09:30:00+08:00',
      durationMinutes: 15,
      visitType: '複診',
      status: 'booked',
      bookedAt: '2026-05-01T10:12:00+08:00',
      version: 1,
    },
  ],
});

export const BatchItem = Type.Object(
  { appointmentId: HisId('預約'), ...AppointmentFields },
  { additionalProperties: false },
);

export const BatchBody = Type.Object(
  {
    items: Type.Array(BatchItem, {
      minItems: 1,
      maxItems: 1000,
      description: '最多 1,000 筆；依序處理，同一預約可出現多次（以版本決定結果）',
    }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        items: [
          {
            appointmentId: 'A20260504-001',
            patientId: 'P000123',
            doctorId: 'D01',
            startsAt: '2026-05-04T09:30:00+08:00',
            status: 'booked',
            version: 1,
          },
        ],
      },
    ],
  },
);

export const ReplyLight = Type.Object(
  {
    code: Type.Enum(['not_sent', 'awaiting_reply', 'confirmed', 'cancel_requested', 'reschedule_requested']),
    label: Type.String(),
  },
  { examples: [{ code: 'not_sent', label: '尚未提醒' }] },
);

export const Appointment = Type.Object(
  {
    appointmentId: Type.String({ examples: ['A20260504-001'] }),
    patientId: Type.String({ examples: ['P000123'] }),
    doctorId: Type.String({ examples: ['D01'] }),
    startsAt: Type.String({ description: 'HIS 傳入的時間（保留原時區）', examples: ['2026-05-04T09:30:00+08:00'] }),
    durationMinutes: Type.Union([Type.Integer(), Type.Null()]),
    visitType: Type.Union([Type.String(), Type.Null()]),
    status: Type.String({ examples: ['booked'] }),
    statusLabel: Type.String({ examples: ['已預約'] }),
    note: Type.Union([Type.String(), Type.Null()]),
    bookedAt: Type.Union([Type.String(), Type.Null()], { description: 'HIS 提供的預約建立時間（未提供為 null）' }),
    treatmentCodes: Type.Union([Type.Array(Type.String()), Type.Null()], {
      description: 'HIS 提供的處置代碼（未提供為 null）',
    }),
    version: Type.Integer({ examples: [1] }),
    lights: Type.Object(
      { reply: ReplyLight, line: LineLight },
      { description: '燈號：reply 病患回覆狀態、line 病患 LINE 綁定狀態' },
    ),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'HisAppointment', description: '預約與其燈號' },
);

export const BatchResult = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        index: Type.Integer({ description: '對應請求中 items 的位置（從 0 開始）' }),
        appointmentId: Type.Union([Type.String(), Type.Null()]),
        status: Type.Integer({
          description: '201 新增、200 更新或相同版本未變更、409 版本較舊（附 current）、422 資料有誤（附 error）',
          examples: [201],
        }),
        result: Type.Optional(Type.Enum(['created', 'updated', 'unchanged'])),
        version: Type.Optional(Type.Integer()),
        error: Type.Optional(
          Type.Object({
            code: Type.String(),
            message: Type.String(),
            details: Type.Array(
              Type.Object(
                { field: Type.Optional(Type.String()), code: Type.Optional(Type.String()), message: Type.String() },
                { additionalProperties: true },
              ),
            ),
          }),
        ),
        current: Type.Optional(Type.Ref('HisAppointment')),
      }),
    ),
    summary: Type.Object({
      created: Type.Integer(),
      updated: Type.Integer(),
      unchanged: Type.Integer(),
      conflicts: Type.Integer(),
      invalid: Type.Integer(),
    }),
  },
  { description: '每筆一個結果，順序與請求相同；一筆有誤不影響其他筆' },
);

// ---- back office

const Light = Type.Object({ code: Type.String(), label: Type.String() });
const Lights = Type.Object({ reply: Light, line: Light }, { description: 'reply 病患回覆燈號、line LINE 綁定燈號' });
const Visit = Type.Object(
  { code: Type.String(), label: Type.String() },
  {
    description:
      '櫃台看到的燈號：看診時間前為病患回覆燈號（尚未提醒、尚未回覆、確認赴約…），之後為實際結果（已看診、已報到、未到診、已取消；HIS 未報到為「未報到」）',
  },
);

export const SORT_KEYS = [
  'startsAt',
  'patientName',
  'doctorName',
  'status',
  'reply',
  'visitType',
  'updatedAt',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const ListQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: '起（含），RFC 3339' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: '迄（不含），RFC 3339' })),
  fromDate: Type.Optional(Type.String({ format: 'date', description: '起日（診所當地日期，含）' })),
  toDate: Type.Optional(Type.String({ format: 'date', description: '迄日（診所當地日期，含）' })),
  doctorId: Type.Optional(Type.String({ maxLength: 64, description: 'HIS 醫師代碼' })),
  visitType: Type.Optional(Type.String({ maxLength: 50, description: '門診類別' })),
  status: Type.Optional(Type.Enum([...APPOINTMENT_STATUSES], { description: '預約狀態' })),
  reply: Type.Optional(Type.Enum([...REPLY_STATUSES], { description: '回覆燈號' })),
  line: Type.Optional(
    Type.Enum([...LINE_STATUSES], { description: 'LINE 燈號（bound 已綁定、unbound 未綁定、blocked 被封鎖）' }),
  ),
  q: Type.Optional(
    Type.String({
      maxLength: 50,
      description: '搜尋：病患姓名（部分）、電話（任何格式或末 3 碼以上）、病歷號或 HIS 病患代碼',
    }),
  ),
  failed: Type.Optional(Type.Boolean({ description: '只列出有提醒發送失敗的預約' })),
  openTasks: Type.Optional(Type.Boolean({ description: '只列出有未處理的取消／改期申請的預約' })),
  sort: Type.Optional(Type.Enum([...SORT_KEYS], { description: '排序欄位（預設看診時間）' })),
  order: Type.Optional(Type.Enum(['asc', 'desc'], { description: '排序方向（預設 asc）' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

export const ListItem = Type.Object({
  id: Type.String({ description: 'Careline 內部預約 id（明細網址用）' }),
  appointmentId: Type.String({ description: 'HIS 預約代碼' }),
  patientId: Type.String({ description: 'HIS 病患代碼' }),
  patientRef: Type.String({ description: 'Careline 內部病患 id（顯示完整電話用）' }),
  doctorId: Type.String({ description: 'HIS 醫師代碼' }),
  startsAt: Type.String({ description: 'HIS 傳入的看診時間（保留原時區）' }),
  startsAtUtc: Type.String(),
  durationMinutes: Nullable(Type.Integer()),
  visitType: Nullable(Type.String()),
  status: Type.String(),
  statusLabel: Type.String(),
  note: Nullable(Type.String()),
  version: Type.Integer(),
  lights: Lights,
  visit: Visit,
  patientName: Type.String(),
  chartNo: Nullable(Type.String()),
  phoneMasked: Nullable(Type.String({ description: '遮罩後的電話，例如 0912-***-678' })),
  doctorName: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const ListResponse = Type.Object({
  items: Type.Array(ListItem),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  total: Type.Integer({ description: '符合條件的總筆數' }),
  hasMore: Type.Boolean(),
});

export const VisitTypes = Type.Object({
  items: Type.Array(Type.Object({ visitType: Type.String(), count: Type.Integer() })),
});

export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const Note = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'note 備註、handled 已處理、message 傳送訊息、reminder 重送提醒' }),
  body: Type.String(),
  author: Type.String(),
  at: Type.String(),
});

export const HistoryEntry = Type.Object({
  version: Nullable(Type.Integer()),
  source: Type.String({ description: 'his、patient、staff 或 system' }),
  actor: Type.String(),
  oldStatus: Nullable(Type.String()),
  newStatus: Type.String(),
  oldStatusLabel: Nullable(Type.String()),
  newStatusLabel: Type.String(),
  changedFields: Type.Array(Type.String()),
  lines: Type.Array(Type.String(), {
    description: '這次變更的內容（每行一項），例如「看診時間：5/4（一）09:30 → 5/6（三）14:00（HIS）」',
  }),
  at: Type.String(),
});

export const Reminder = Type.Object({
  id: Type.String(),
  ruleName: Type.String(),
  dueAt: Nullable(Type.String()),
  explanation: Type.String({ description: '為什麼在這個時間發送（例如「週一的 48 小時前提醒提早到週五」）' }),
  state: Type.String({ description: 'planned、sending、sent、failed、cancelled、skipped' }),
  channel: Nullable(
    Type.String({ description: 'line LINE 訊息、pnp LINE 通知訊息（以手機號碼傳送）、sms 簡訊；尚未送出為 null' }),
  ),
  sentAt: Nullable(Type.String()),
  deliveredAt: Nullable(Type.String({ description: 'LINE 通知訊息送達手機的時間（LINE 的送達事件）' })),
  channelReason: Nullable(Type.String({ description: '為什麼走這個管道（LINE 通知訊息、或改傳簡訊的原因）' })),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  cancelReason: Nullable(Type.String()),
  familySize: Nullable(
    Type.Integer({ description: '與家人合併成一則 LINE 訊息發送時，該訊息包含的家人提醒數；單獨發送為 null' }),
  ),
  sms: Nullable(
    Type.Object(
      {
        status: Type.String({
          description: 'queued 排隊中、retrying 重試中、sent 已交給簡訊商、delivered 已送達手機、failed 失敗',
        }),
        toMasked: Type.String({ description: '收件號碼（遮蔽）' }),
        segments: Type.Integer({ description: '計費則數（70/67 字一則）' }),
        cost: Type.Number({ description: '簡訊費用（新台幣）' }),
        deliveredAt: Nullable(Type.String()),
        error: Nullable(Type.String()),
      },
      { description: '以簡訊代替 LINE 送出時的簡訊狀態；LINE 送出時為 null' },
    ),
  ),
});

export const Detail = Type.Object({
  id: Type.String(),
  appointmentId: Type.String(),
  startsAt: Type.String(),
  startsAtUtc: Type.String(),
  durationMinutes: Nullable(Type.Integer()),
  visitType: Nullable(Type.String()),
  status: Type.String(),
  statusLabel: Type.String(),
  note: Nullable(Type.String()),
  bookedAt: Nullable(Type.String()),
  version: Type.Integer(),
  lights: Lights,
  visit: Visit,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  patient: Type.Object({
    ref: Type.String({ description: 'Careline 內部病患 id（顯示完整電話用）' }),
    id: Type.String(),
    name: Type.String(),
    chartNo: Nullable(Type.String()),
    phoneMasked: Nullable(Type.String()),
    nationalIdMasked: Nullable(Type.String({ description: '身分證字號遮罩，例如 A12****789' })),
    birthDate: Nullable(Type.String()),
    gender: Nullable(Type.String()),
    line: Light,
    boundLineUsers: Type.Integer({ description: '已綁定的 LINE 帳號數' }),
  }),
  doctor: Type.Object({ id: Type.String(), name: Type.String(), department: Nullable(Type.String()) }),
  history: Type.Array(HistoryEntry),
  notes: Type.Array(Note),
  tasks: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      status: Type.String(),
      source: Type.String(),
      payload: Type.Object(
        {
          reason: Type.Optional(Nullable(Type.String())),
          preferredTimes: Type.Optional(Type.Array(Type.String())),
          note: Type.Optional(
            Nullable(Type.String({ description: '病患的留言（例如回覆提醒時寫的「可以改下午嗎？」）' })),
          ),
        },
        { additionalProperties: true, description: '病患申請的內容：原因、希望的時段、留言' },
      ),
      createdAt: Type.String(),
      handledAt: Nullable(Type.String()),
      handledBy: Nullable(Type.String()),
    }),
  ),
  reminders: Type.Array(Reminder),
});

export const Thread = Type.Object({
  bound: Type.Boolean({ description: '病患是否有已綁定的 LINE 帳號' }),
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      direction: Type.String({ description: 'in 病患傳來、out 診所送出' }),
      kind: Type.String(),
      text: Type.String(),
      source: Type.String(),
      at: Type.String(),
      relatedToThis: Type.Boolean(),
    }),
  ),
});

export const NoteBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 1000, description: '備註內容' }) },
  { additionalProperties: false },
);

export const HandleBody = Type.Object(
  {
    comment: Type.Optional(Type.String({ maxLength: 500, description: '處理說明，例如「已電話聯絡改至 5/8 上午」' })),
  },
  { additionalProperties: false },
);
export const Handled = Type.Object({ handledTasks: Type.Integer(), note: Note });

export const MessageBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 1000, description: '訊息內容' }) },
  { additionalProperties: false },
);
export const Sent = Type.Object({ recipients: Type.Integer(), note: Note });

export const ScheduleQuery = Type.Object({
  fromDate: Type.String({ format: 'date' }),
  toDate: Type.String({ format: 'date' }),
  doctorId: Type.Optional(Type.String({ maxLength: 64, description: 'HIS 醫師代碼；不填為全部醫師' })),
});

export const Schedule = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      startsAt: Type.String(),
      durationMinutes: Nullable(Type.Integer()),
      visitType: Nullable(Type.String()),
      status: Type.String(),
      reply: Type.String(),
      visit: Visit,
      line: Type.String(),
      patientName: Type.String(),
      doctorId: Type.String(),
      doctorName: Type.String(),
    }),
  ),
  truncated: Type.Boolean({ description: '超過 5,000 筆時只回傳前 5,000 筆' }),
});

export const FilterValues = Type.Object(
  {
    preset: Type.Optional(Type.Enum(['today', 'tomorrow', 'week', 'custom'])),
    fromDate: Type.Optional(Type.String({ format: 'date' })),
    toDate: Type.Optional(Type.String({ format: 'date' })),
    doctorId: Type.Optional(Type.String({ maxLength: 64 })),
    visitType: Type.Optional(Type.String({ maxLength: 50 })),
    status: Type.Optional(Type.String({ maxLength: 30 })),
    reply: Type.Optional(Type.String({ maxLength: 30 })),
    line: Type.Optional(Type.String({ maxLength: 30 })),
    q: Type.Optional(Type.String({ maxLength: 50 })),
    sort: Type.Optional(Type.String({ maxLength: 30 })),
    order: Type.Optional(Type.Enum(['asc', 'desc'])),
    openTasks: Type.Optional(Type.String({ maxLength: 5 })),
    failed: Type.Optional(Type.String({ maxLength: 5 })),
  },
  { additionalProperties: false, description: '預約列表的篩選條件' },
);

export const SavedFilter = Type.Object({
  id: Type.String(),
  name: Type.String(),
  filters: FilterValues,
  createdAt: Type.String(),
});

export const SavedFilterBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 40, description: '名稱，例如「明天尚未回覆」' }),
    filters: FilterValues,
  },
  { additionalProperties: false },
);

export const SavedFilterList = Type.Object({ items: Type.Array(SavedFilter) });
