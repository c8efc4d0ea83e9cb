// Request and response schemas of the LIFF patient API and the staff's LINE binding operations.
import { Type } from 'typebox';

export const Member = Type.Object({
  id: Type.String(),
  name: Type.String(),
  birthYear: Type.Union([Type.Integer(), Type.Null()]),
});
export const LiffAppointment = Type.Object(
  {
    id: Type.String(),
    startsAt: Type.String({ description: 'ISO 8601（UTC）' }),
    dateLabel: Type.String({ description: '診所時區的日期時間，例如「11月27日（五）14:30」' }),
    doctorName: Type.String(),
    visitType: Type.Union([Type.String(), Type.Null()]),
    status: Type.String(),
    statusLabel: Type.String(),
    reply: Type.String(),
    replyLabel: Type.String(),
    canConfirm: Type.Boolean(),
    canCancel: Type.Boolean(),
    canReschedule: Type.Boolean(),
    canWithdraw: Type.Boolean({ description: '有處理中的取消或改期申請，可以撤回' }),
    pendingLabel: Type.Union([Type.String(), Type.Null()], {
      description: '處理中的申請，例如「取消申請處理中」；沒有則為 null',
    }),
  },
  { $id: 'LiffAppointment' },
);
export const Params = Type.Object({ channelId: Type.String({ pattern: '^[0-9]{6,20}$' }) });
export const ApptParams = Type.Object({
  channelId: Type.String({ pattern: '^[0-9]{6,20}$' }),
  id: Type.String({ maxLength: 64 }),
});
export const Phone = Type.String({
  minLength: 1,
  maxLength: 30,
  description: '手機號碼，例如 0912-345-678',
  examples: ['0912345678'],
});

export const MeResponse = Type.Object({
  lineUser: Type.Object({
    userId: Type.String(),
    displayName: Type.String(),
    pictureUrl: Type.Union([Type.String(), Type.Null()]),
  }),
  bound: Type.Boolean(),
  phoneMasked: Type.Union([Type.String(), Type.Null()], { description: '例如 0912-***-678' }),
  patients: Type.Array(Member),
  privacyNotice: Type.Object({ version: Type.String(), title: Type.String(), text: Type.String() }),
});

export const OtpBody = Type.Object(
  { phone: Phone, consent: Type.Boolean({ description: '已閱讀並同意個資告知' }) },
  { additionalProperties: false },
);
export const OtpSent = Type.Object({
  sentTo: Type.String(),
  expiresInSeconds: Type.Integer(),
  resendAfterSeconds: Type.Integer(),
});
export const VerifyBody = Type.Object(
  { phone: Phone, code: Type.String({ pattern: '^[0-9]{6}$', description: '6 位數驗證碼' }) },
  { additionalProperties: false },
);
export const VerifyResult = Type.Object({ bound: Type.Boolean(), patients: Type.Array(Member) });
export const UnbindResult = Type.Object({ bound: Type.Boolean() });

export const FamilyAppointments = Type.Object({
  members: Type.Array(
    Type.Object({
      patient: Type.Object({ id: Type.String(), name: Type.String() }),
      upcoming: Type.Array(Type.Ref('LiffAppointment')),
      recent: Type.Array(Type.Ref('LiffAppointment')),
    }),
  ),
});

export const ConfirmBody = Type.Object({}, { additionalProperties: false });
export const CancelBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);
export const RescheduleBody = Type.Object(
  {
    preferredTimes: Type.Optional(
      Type.Array(Type.String({ format: 'date-time' }), { maxItems: 5, description: '希望的時段（可多選）' }),
    ),
    note: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);

// ---- staff: the patient's LINE users
export const PatientParams = Type.Object({ id: Type.String({ maxLength: 64, description: '病患的內部 id' }) });
const LineUserOfPatient = Type.Object({
  lineUserId: Type.String(),
  displayName: Type.String(),
  family: Type.Array(Type.String(), { description: '這個 LINE 帳號已綁定的病患姓名' }),
});
export const PatientLine = Type.Object({
  bound: Type.Array(LineUserOfPatient, { description: '已綁定這位病患的 LINE 帳號' }),
  candidates: Type.Array(LineUserOfPatient, { description: '驗證過同一支手機、尚未綁定這位病患的 LINE 帳號' }),
});
export const LinkBody = Type.Object(
  { lineUserId: Type.String({ pattern: '^U[0-9a-f]{32}$' }) },
  { additionalProperties: false },
);
export const UnbindPatientResult = Type.Object({ patientId: Type.String(), unboundLineUsers: Type.Integer() });
export const ChannelParams = Type.Object({ channelId: Type.String() });
