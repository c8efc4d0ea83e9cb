// Request and response schemas of the waitlist (候補名單): settings, entries, freed slots, the
// refill figures and the patient's LIFF page.
import { Type } from 'typebox';
import {
  ENTRY_SOURCES,
  ENTRY_STATUSES,
  MAX_RANGE_DAYS,
  OFFER_STATUSES,
  SLOT_REASONS,
  SLOT_STATUSES,
  TIMES_OF_DAY,
  WAVE_MINUTES_MAX,
  WAVE_SIZE_MAX,
} from './service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const described = (labels: Record<string, string>, what: string) => ({
  description: `${what}：${Object.entries(labels)
    .map(([k, v]) => `${k} ${v}`)
    .join('、')}`,
});
const L = Type.Literal;

const TimeOfDay = Type.Union([L('any'), L('morning'), L('afternoon'), L('evening')], described(TIMES_OF_DAY, '時段'));
const EntryStatus = Type.Union(
  [L('waiting'), L('booked'), L('cancelled'), L('past')],
  described(ENTRY_STATUSES, '候補狀態（past：仍在候補但日期已過）'),
);
const Day = (description: string) => Type.String({ description: `${description}（YYYY-MM-DD，診所日期）` });

export const WaitlistSettings = Type.Object({
  enabled: Type.Boolean({ description: '是否在預約取消或改期釋出時段時通知候補病患' }),
  waveSize: Type.Integer({ description: '每批通知的人數' }),
  waveMinutes: Type.Integer({ description: '兩批通知之間的分鐘數' }),
  defaults: Type.Object({ enabled: Type.Boolean(), waveSize: Type.Integer(), waveMinutes: Type.Integer() }),
  closeMinutes: Type.Integer({ description: '時段開始前幾分鐘停止通知' }),
  preview: Type.Unknown({ description: '候補通知的範例（LINE Flex 訊息的 contents，以王小明示範）' }),
  replies: Type.Object({
    won: Type.String({ description: '取得時段的回覆（範例）' }),
    taken: Type.String({ description: '時段已被預約的回覆' }),
  }),
});
export const WaitlistSettingsBody = Type.Object(
  {
    enabled: Type.Boolean({ description: '是否通知候補病患' }),
    waveSize: Type.Integer({ minimum: 1, maximum: WAVE_SIZE_MAX, description: `每批通知人數（1–${WAVE_SIZE_MAX}）` }),
    waveMinutes: Type.Integer({
      minimum: 1,
      maximum: WAVE_MINUTES_MAX,
      description: `每批間隔分鐘（1–${WAVE_MINUTES_MAX}）`,
    }),
  },
  { additionalProperties: false },
);

export const WaitlistEntry = Type.Object(
  {
    id: Type.String(),
    patientId: Type.String(),
    patientName: Type.String(),
    chartNo: Nullable(Type.String()),
    lineReachable: Type.Boolean({ description: '病患（或家人）有綁定且仍是好友的 LINE，可收到候補通知' }),
    doctorId: Nullable(Type.String({ description: 'HIS 醫師代碼；null：不限醫師' })),
    doctorName: Nullable(Type.String()),
    visitType: Nullable(Type.String()),
    dateFrom: Day('可看診的開始日'),
    dateTo: Day('可看診的結束日'),
    timeOfDay: TimeOfDay,
    timeOfDayLabel: Type.String(),
    note: Nullable(Type.String()),
    source: Type.Union([L('liff'), L('staff')], described(ENTRY_SOURCES, '登記方式')),
    sourceLabel: Type.String(),
    status: EntryStatus,
    statusLabel: Type.String(),
    createdAt: Type.String(),
  },
  { $id: 'WaitlistEntry' },
);
export const WaitlistEntriesQuery = Type.Object({
  status: Type.Union([L('waiting'), L('booked'), L('cancelled'), L('past'), L('all')], {
    default: 'waiting',
    description: '篩選：waiting 候補中（預設）、booked 已補上、cancelled 已取消、past 日期已過、all 全部',
  }),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export const WaitlistEntries = Type.Object({ items: Type.Array(WaitlistEntry), total: Type.Integer() });
export const WaitlistEntryBody = Type.Object(
  {
    patientId: Type.String({ minLength: 1, description: 'Careline 的病患 id' }),
    doctorId: Nullable(
      Type.String({ minLength: 1, description: 'HIS 醫師代碼（同 /api/doctors 的 id）；null 表示不限醫師' }),
    ),
    visitType: Nullable(Type.String({ minLength: 1, maxLength: 40, description: '看診項目（預約申請時帶給 HIS）' })),
    dateFrom: Day('可看診的開始日，不早於今天'),
    dateTo: Day(`可看診的結束日，最多到 ${MAX_RANGE_DAYS} 天後`),
    timeOfDay: TimeOfDay,
    note: Nullable(Type.String({ minLength: 1, maxLength: 200, description: '櫃台備註（病患看不到）' })),
  },
  { additionalProperties: false },
);
export const IdParams = Type.Object({ id: Type.String() });

export const WaitlistSlotsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export const WaitlistSlots = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      reason: Type.Union([L('cancelled'), L('moved')], described(SLOT_REASONS, '釋出原因')),
      reasonLabel: Type.String(),
      doctorName: Type.String(),
      visitType: Nullable(Type.String()),
      startsAt: Type.String({ description: '時段開始（ISO 8601）' }),
      endsAt: Type.String(),
      status: Type.Union(
        [L('offering'), L('filled'), L('no_match'), L('expired'), L('failed')],
        described(SLOT_STATUSES, '狀態'),
      ),
      statusLabel: Type.String(),
      waves: Type.Integer({ description: '已送出的批次' }),
      offersSent: Type.Integer({ description: '已通知的人數' }),
      freedAt: Type.String({ description: '時段釋出的時間' }),
      filledAt: Nullable(Type.String()),
      minutesToFill: Nullable(Type.Integer({ description: '從釋出到有人取得的分鐘數' })),
      filledPatientName: Nullable(Type.String()),
      bookingRequestId: Nullable(Type.String({ description: '送給 HIS 的預約申請 id' })),
      failure: Nullable(Type.String({ description: '取得後預約申請失敗的原因' })),
      offers: Type.Array(
        Type.Object({
          patientName: Type.String(),
          wave: Type.Integer(),
          status: Type.Union(
            [L('sent'), L('accepted'), L('declined'), L('taken'), L('expired')],
            described(OFFER_STATUSES, '通知狀態'),
          ),
          statusLabel: Type.String(),
          sentAt: Type.String(),
          answeredAt: Nullable(Type.String()),
        }),
      ),
    }),
  ),
  total: Type.Integer(),
});
export const RefillQuery = Type.Object({ from: Day('期間開始'), to: Day('期間結束（含）') });
export const RefillStats = Type.Object({
  freed: Type.Integer({ description: '期間內釋出的時段數（預約取消或改期）' }),
  offered: Type.Integer({ description: '其中至少通知一位候補病患的時段數' }),
  filled: Type.Integer({ description: '由候補病患補上的時段數' }),
  medianMinutesToFill: Nullable(Type.Number({ description: '從釋出到補上的分鐘數中位數；沒有補上的時段時為 null' })),
});

// ---- LIFF
export const LiffParams = Type.Object({ channelId: Type.String() });
export const LiffEntryParams = Type.Object({ channelId: Type.String(), id: Type.String() });
export const LiffWaitlist = Type.Object({
  today: Type.String(),
  lastDate: Type.String({ description: '最遠可登記的日期' }),
  members: Type.Array(Type.Object({ id: Type.String(), name: Type.String() }), {
    description: '這個 LINE 帳號綁定的本人與家人',
  }),
  doctors: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  timesOfDay: Type.Array(Type.Object({ value: TimeOfDay, label: Type.String() })),
  entries: Type.Array(
    Type.Object({
      id: Type.String(),
      patientId: Type.String(),
      patientName: Type.String(),
      doctorName: Nullable(Type.String()),
      dateFrom: Type.String(),
      dateTo: Type.String(),
      timeOfDayLabel: Type.String(),
      status: EntryStatus,
      statusLabel: Type.String(),
    }),
  ),
});
export const LiffJoinBody = Type.Object(
  {
    patientId: Type.String({ minLength: 1, description: '本人或已綁定的家人' }),
    doctorId: Type.Optional(Type.String({ minLength: 1, description: '醫師 id；不填表示不限醫師' })),
    dateFrom: Day('可看診的開始日'),
    dateTo: Day('可看診的結束日'),
    timeOfDay: TimeOfDay,
  },
  { additionalProperties: false },
);
