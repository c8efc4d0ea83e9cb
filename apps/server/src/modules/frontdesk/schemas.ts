// Response schemas of the front-desk back office (the OpenAPI document and the serializer).
import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Light = Type.Object({ code: Type.String(), label: Type.String() });
const Lights = Type.Object({ reply: Light, line: Light }, { description: 'reply 病患回覆燈號、line LINE 綁定燈號' });

export const ListItem = Type.Object({
  id: Type.String({ description: 'Careline 內部預約 id（明細網址用）' }),
  appointmentId: Type.String({ description: 'HIS 預約代碼' }),
  patientId: Type.String({ description: 'HIS 病患代碼' }),
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

export const Note = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'note 備註、handled 已處理、message 傳送訊息、reminder 重送提醒' }),
  body: Type.String(),
  author: Type.String(),
  at: Type.String(),
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
  version: Type.Integer(),
  lights: Lights,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  patient: Type.Object({
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
  history: Type.Array(
    Type.Object({
      version: Nullable(Type.Integer()),
      source: Type.String({ description: 'his、patient、staff 或 system' }),
      actor: Type.String(),
      oldStatus: Nullable(Type.String()),
      newStatus: Type.String(),
      oldStatusLabel: Nullable(Type.String()),
      newStatusLabel: Type.String(),
      changedFields: Type.Array(Type.String()),
      at: Type.String(),
    }),
  ),
  notes: Type.Array(Note),
  tasks: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      status: Type.String(),
      source: Type.String(),
      payload: Type.Object(
        { reason: Type.Optional(Nullable(Type.String())), preferredTimes: Type.Optional(Type.Array(Type.String())) },
        { additionalProperties: true, description: '病患申請的內容：原因、希望的時段' },
      ),
      createdAt: Type.String(),
      handledAt: Nullable(Type.String()),
      handledBy: Nullable(Type.String()),
    }),
  ),
  reminders: Type.Array(
    Type.Object({
      id: Type.String(),
      ruleName: Type.String(),
      dueAt: Nullable(Type.String()),
      explanation: Type.String({ description: '為什麼在這個時間發送（例如「週一的 48 小時前提醒提早到週五」）' }),
      state: Type.String({ description: 'planned、sending、sent、failed、cancelled、skipped' }),
      channel: Nullable(Type.String()),
      sentAt: Nullable(Type.String()),
      attempts: Type.Integer(),
      lastError: Nullable(Type.String()),
      cancelReason: Nullable(Type.String()),
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
    }),
  ),
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

export const Schedule = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      startsAt: Type.String(),
      durationMinutes: Nullable(Type.Integer()),
      visitType: Nullable(Type.String()),
      status: Type.String(),
      reply: Type.String(),
      line: Type.String(),
      patientName: Type.String(),
      doctorId: Type.String(),
      doctorName: Type.String(),
    }),
  ),
  truncated: Type.Boolean({ description: '超過 5,000 筆時只回傳前 5,000 筆' }),
});

export const Doctors = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String({ description: 'HIS 醫師代碼' }),
      name: Type.String(),
      department: Nullable(Type.String()),
      title: Nullable(Type.String()),
      active: Type.Boolean(),
    }),
  ),
  myDoctorId: Nullable(Type.String({ description: '目前登入者對應的醫師' })),
  matchedBy: Nullable(Type.Enum(['link', 'name'])),
});

const TodayItem = {
  id: Type.String(),
  startsAt: Type.String(),
  patientName: Type.String(),
  chartNo: Nullable(Type.String()),
  phoneMasked: Nullable(Type.String()),
  doctorId: Type.String(),
  doctorName: Type.String(),
  visitType: Nullable(Type.String()),
  status: Type.String(),
  statusLabel: Type.String(),
  reply: Type.String(),
  replyLabel: Type.String(),
  line: Type.String(),
};

export const Today = Type.Object({
  date: Type.String({ description: '今天（診所時區）' }),
  timeZone: Type.String(),
  generatedAt: Type.String(),
  counts: Type.Object({
    total: Type.Integer({ description: '今日預約（不含已取消）' }),
    cancelled: Type.Integer(),
    confirmed: Type.Integer(),
    awaitingReply: Type.Integer(),
    notSent: Type.Integer(),
    checkedIn: Type.Integer(),
    noShow: Type.Integer(),
    openRequests: Type.Integer({ description: '未處理的取消／改期申請（所有日期）' }),
    blockedToday: Type.Integer(),
    failedMessages: Type.Integer({ description: '今天起的預約中，有提醒發送失敗的預約數' }),
  }),
  hours: Type.Array(Type.Integer()),
  doctors: Type.Array(Type.Object({ doctorId: Type.String(), name: Type.String(), total: Type.Integer() })),
  cells: Type.Array(
    Type.Object({
      doctorId: Type.String(),
      hour: Type.Integer(),
      total: Type.Integer(),
      confirmed: Type.Integer(),
      awaiting: Type.Integer(),
      notSent: Type.Integer(),
      requests: Type.Integer(),
    }),
  ),
  awaiting: Type.Array(Type.Object(TodayItem)),
  requests: Type.Array(
    Type.Object({
      ...TodayItem,
      taskId: Type.String(),
      kind: Type.String(),
      requestedAt: Type.String(),
      reason: Nullable(Type.String()),
    }),
  ),
  blocked: Type.Array(Type.Object(TodayItem)),
  failed: Type.Array(
    Type.Object({
      ...TodayItem,
      deliveryId: Type.String(),
      ruleName: Type.String(),
      error: Nullable(Type.String()),
      failedAt: Type.String(),
    }),
  ),
});

const Kpi = Type.Object({
  label: Type.String(),
  value: Nullable(Type.Number({ description: '0–1；分母為 0 時為 null' })),
  numerator: Type.Integer(),
  denominator: Type.Integer(),
  definition: Type.String(),
});
export const Kpis = Type.Object({
  period: Type.String(),
  from: Type.String(),
  to: Type.String(),
  kpis: Type.Object({ bindingRate: Kpi, deliveryRate: Kpi, confirmationRate: Kpi, cancelRate: Kpi, noShowRate: Kpi }),
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

export const Settings = Type.Object({
  rocDates: Type.Boolean({ description: '以民國年顯示日期' }),
  initialsOnly: Type.Boolean({ description: '行事曆訂閱只顯示姓名縮寫' }),
});

export const Feeds = Type.Object({
  rocDates: Type.Boolean(),
  initialsOnly: Type.Boolean(),
  feeds: Type.Array(
    Type.Object({
      doctorId: Nullable(Type.String({ description: 'null 為全部醫師' })),
      doctorName: Type.String(),
      department: Nullable(Type.String()),
      url: Type.String(),
      createdAt: Type.String(),
      rotatedAt: Nullable(Type.String()),
      lastFetchedAt: Nullable(Type.String()),
    }),
  ),
});
