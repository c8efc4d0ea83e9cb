import { Type } from 'typebox';
import { HisId, LineLight } from '../patients/schemas.ts';

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

export const HistoryEntry = Type.Object({
  version: Type.Union([Type.Integer(), Type.Null()]),
  source: Type.String({ description: 'his、patient、staff 或 system' }),
  actor: Type.String(),
  oldStatus: Type.Union([Type.String(), Type.Null()]),
  newStatus: Type.String(),
  changedFields: Type.Array(Type.String()),
  at: Type.String(),
});
