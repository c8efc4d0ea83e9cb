// Request and response schemas of the booking routes: the back office (settings, rules, requests,
// the no-show policy), the HIS's availability write, and the patient's LIFF booking page.
import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Iso = (description: string) => Type.String({ format: 'date-time', maxLength: 40, description });
const day = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
const VisitTypes = (description: string) =>
  Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 50, description }));

const settingsFields = {
  enabled: Type.Boolean({ description: '是否開放病患在 LINE 線上預約' }),
  slotSource: Type.Enum(['rules', 'his'], {
    description:
      '可預約時段的來源：rules 依各醫師的預約規則與門診時間產生；his 由 HIS 以 PUT /his/v1/availability 提供',
  }),
  acceptBy: Type.Enum(['his', 'staff'], {
    description:
      '申請如何成立：his 由 HIS 收到 appointment.requested 事件後回寫預約（帶 bookingRequestId）；staff 由櫃台在後台接受',
  }),
  expireHours: Type.Integer({
    minimum: 1,
    maximum: 168,
    description: '申請多久未處理就自動逾時（小時，預設 48；最晚到看診時間）',
  }),
};
export const BookingSettingsBody = Type.Object(settingsFields, { additionalProperties: false });
export const BookingSettings = Type.Object(settingsFields);

const ruleFields = {
  enabled: Type.Boolean({ description: '是否開放這位醫師線上預約' }),
  visitTypes: VisitTypes('可線上預約的看診類別；null 表示不限'),
  slotMinutes: Type.Integer({ minimum: 5, maximum: 240, description: '每個時段幾分鐘' }),
  daysAhead: Type.Integer({ minimum: 0, maximum: 90, description: '最多可預約幾天後（0 表示只能預約今天）' }),
  cutoffMinutes: Type.Integer({
    minimum: 0,
    maximum: 10080,
    description: '看診前多少分鐘停止線上預約',
  }),
  perSlot: Type.Integer({ minimum: 1, maximum: 50, description: '每個時段可預約幾人' }),
};
export const BookingRuleBody = Type.Object(ruleFields, { additionalProperties: false });
export const BookingRule = Type.Object({ doctorId: Type.String(), ...ruleFields });
export const DoctorParams = Type.Object({ doctorId: Type.String({ minLength: 1, maxLength: 64 }) });
export const BookingRules = Type.Object({
  doctors: Type.Array(
    Type.Object({
      doctorId: Type.String(),
      name: Type.String(),
      active: Type.Boolean(),
      rule: Nullable(BookingRule),
    }),
  ),
  businessHours: Type.Array(Type.Object({ weekday: Type.Integer(), open: Type.String(), close: Type.String() }), {
    description: '診所的門診時間（時段由此產生；休診日依工作日曆）',
  }),
});

const RequestStatus = Type.Enum(['requested', 'accepted', 'declined', 'expired', 'cancelled'], {
  description: 'requested 申請中、accepted 已成立、declined 已婉拒、expired 逾時、cancelled 已取消',
});
export const BookingRequest = Type.Object({
  id: Type.String(),
  patientId: Type.String(),
  patientName: Type.String(),
  chartNo: Nullable(Type.String()),
  doctorId: Type.String(),
  doctorName: Type.String(),
  visitType: Nullable(Type.String()),
  startsAt: Type.String(),
  endsAt: Type.String(),
  source: Type.Enum(['liff', 'waitlist', 'recall', 'staff']),
  status: RequestStatus,
  statusLabel: Type.String(),
  needsApproval: Type.Boolean({ description: '未到診規則：需由櫃台核准' }),
  noShows: Type.Integer({ description: '近 12 個月未到診次數' }),
  declineReason: Nullable(Type.String()),
  appointmentId: Nullable(Type.String()),
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(Type.String()),
  expiresAt: Type.String(),
  createdAt: Type.String(),
});
export const RequestsQuery = Type.Object({
  status: Type.Optional(Type.Union([RequestStatus, Type.Literal('all')], { description: '預設 requested' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })),
});
export const BookingRequests = Type.Object({
  items: Type.Array(BookingRequest),
  open: Type.Integer({ description: '申請中的件數' }),
  acceptBy: Type.Enum(['his', 'staff']),
});
export const RequestParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const DeclineBody = Type.Object(
  {
    reason: Type.String({
      minLength: 1,
      maxLength: 200,
      description: '婉拒的原因（會傳給病患，例如「醫師當天臨時休診」）',
    }),
  },
  { additionalProperties: false },
);

const policyFields = {
  enabled: Type.Boolean({ description: '是否啟用：預設不啟用，任何人都可直接線上預約' }),
  threshold: Type.Integer({
    minimum: 1,
    maximum: 50,
    description: '近 12 個月未到診達幾次，線上預約需由櫃台核准',
  }),
  message: Type.String({ minLength: 1, maxLength: 300, description: '需核准時病患在 LINE 與預約頁看到的說明' }),
};
export const NoShowPolicyBody = Type.Object(policyFields, { additionalProperties: false });
export const NoShowPolicy = Type.Object(policyFields);
export const OverrideMode = Type.Enum(['exempt', 'require'], {
  description: 'exempt 一律不需核准；require 一律需核准',
});
export const OverrideBody = Type.Object(
  { mode: OverrideMode, note: Type.String({ maxLength: 200, description: '原因（僅後台可見）' }) },
  { additionalProperties: false },
);
export const PatientParams = Type.Object({ patientId: Type.String({ minLength: 1, maxLength: 64 }) });
export const NoShowOverride = Type.Object({
  patientId: Type.String(),
  patientName: Type.String(),
  chartNo: Nullable(Type.String()),
  mode: OverrideMode,
  note: Type.String(),
  setBy: Type.String(),
  updatedAt: Type.String(),
  noShows: Type.Integer(),
});
export const NoShowOverrides = Type.Object({ items: Type.Array(NoShowOverride) });
export const PatientNoShows = Type.Object({
  noShows: Type.Integer({ description: '近 12 個月未到診次數' }),
  needsApproval: Type.Boolean({ description: '依目前規則，這位病患線上預約是否需櫃台核准' }),
  override: Nullable(Type.Object({ mode: OverrideMode, note: Type.String(), setBy: Type.String() })),
  policy: NoShowPolicy,
});

// ---- HIS ----
export const AvailabilityBody = Type.Object(
  {
    slots: Type.Array(
      Type.Object(
        {
          startsAt: Iso('時段開始，RFC 3339 且須含時區，例如 2026-05-04T09:00:00+08:00'),
          endsAt: Iso('時段結束（須晚於開始）'),
          capacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: '可預約人數（預設 1）' })),
          visitTypes: Type.Optional(VisitTypes('這個時段可預約的看診類別；null 或不傳表示不限')),
        },
        { additionalProperties: false },
      ),
      { maxItems: 5000, description: '這位醫師從現在起的全部可預約時段（取代先前提供的）；空陣列表示不開放' },
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        slots: [
          { startsAt: '2026-05-04T09:00:00+08:00', endsAt: '2026-05-04T09:15:00+08:00', capacity: 1 },
          { startsAt: '2026-05-04T09:15:00+08:00', endsAt: '2026-05-04T09:30:00+08:00', capacity: 2 },
        ],
      },
    ],
  },
);
export const AvailabilityResult = Type.Object({
  doctorId: Type.String(),
  slots: Type.Integer({ description: '儲存的未來時段數' }),
  replaced: Type.Integer({ description: '被取代的先前時段數' }),
});

// ---- LIFF ----
export const LiffChannelParams = Type.Object({ channelId: Type.String({ minLength: 1, maxLength: 64 }) });
export const LiffBookingOptions = Type.Object({
  enabled: Type.Boolean(),
  patients: Type.Array(Type.Object({ id: Type.String(), name: Type.String() }), { description: '本人與已綁定的家人' }),
  doctors: Type.Array(
    Type.Object({ id: Type.String(), name: Type.String(), visitTypes: Nullable(Type.Array(Type.String())) }),
  ),
  days: Type.Array(Type.Object({ date: Type.String(), free: Type.Integer({ description: '這天可預約的時段數' }) })),
  clinicPhone: Type.String(),
});
export const LiffSlotsQuery = Type.Object({
  date: day('日期 YYYY-MM-DD（診所時區）'),
  doctorId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '不傳表示任一位醫師' })),
  visitType: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
});
export const LiffSlots = Type.Object({
  slots: Type.Array(
    Type.Object({
      doctorId: Type.String(),
      doctorName: Type.String(),
      startsAt: Type.String(),
      endsAt: Type.String(),
      time: Type.String({ description: 'HH:MM（診所時區）' }),
      free: Type.Integer(),
    }),
  ),
});
export const LiffBookBody = Type.Object(
  {
    patientId: Type.String({ minLength: 1, maxLength: 64, description: '本人或已綁定的家人' }),
    doctorId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '不傳表示任一位醫師' })),
    visitType: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '看診類別（不傳表示不指定）' })),
    startsAt: Iso('時段開始'),
    submissionId: Type.String({ minLength: 8, maxLength: 64, description: '這次送出的代碼：重送同一代碼不會重複申請' }),
    recallId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: '由回診提醒的「線上預約」按鈕開啟時的回診代碼' }),
    ),
  },
  { additionalProperties: false },
);
export const LiffRequest = Type.Object({
  id: Type.String(),
  patientId: Type.String(),
  patientName: Type.String(),
  doctorName: Type.String(),
  visitType: Nullable(Type.String()),
  startsAt: Type.String(),
  whenLabel: Type.String({ description: '看診日期時間，以診所時區表示，例如「12/8（週二）09:00」' }),
  status: RequestStatus,
  statusLabel: Type.String({ description: '例如「預約申請中」' }),
  needsApproval: Type.Boolean(),
  note: Nullable(Type.String({ description: '給病患的說明（核准說明、婉拒原因）' })),
});
export const LiffBookResult = Type.Object({ request: LiffRequest });
export const LiffRequests = Type.Object({ items: Type.Array(LiffRequest) });
export const LiffRequestParams = Type.Object({
  channelId: Type.String({ minLength: 1, maxLength: 64 }),
  id: Type.String({ minLength: 1, maxLength: 64 }),
});
