// Schemas of the HIS Open API v1 that belong to no other module: the lights feed, and the back
// office's view of the HIS connection (the initial sync).
import { Type } from 'typebox';
import { HisId } from '../patients/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const StatusChange = Type.Object(
  {
    cursor: Type.String({ description: '這筆變更的游標；下次以 after=<cursor> 繼續' }),
    subject: Type.Enum(['patient', 'appointment']),
    appointmentId: Type.Optional(Type.String()),
    patientId: Type.Union([Type.String(), Type.Null()]),
    light: Type.Enum(['line', 'reply', 'status'], {
      description: 'line 病患 LINE 綁定、reply 病患回覆、status 預約狀態',
    }),
    from: Type.Union([Type.Object({ code: Type.String(), label: Type.String() }), Type.Null()]),
    to: Type.Object({ code: Type.String(), label: Type.String() }),
    source: Type.String({ description: 'his、patient（病患在 LINE 操作）、staff（櫃台）或 system' }),
    reason: Type.Union([Type.String(), Type.Null()]),
    changedAt: Type.String(),
  },
  {
    $id: 'HisStatusChange',
    examples: [
      {
        cursor: 'c1_2s',
        subject: 'appointment',
        appointmentId: 'A20260504-001',
        patientId: 'P000123',
        light: 'reply',
        from: { code: 'awaiting_reply', label: '尚未回覆' },
        to: { code: 'confirmed', label: '確認赴約' },
        source: 'patient',
        reason: null,
        changedAt: '2026-05-03T01:02:03.000Z',
      },
    ],
  },
);

// Path parameters: the HIS's own ids.
export const DoctorParams = Type.Object({ doctorId: HisId('醫師') });
export const PatientParams = Type.Object({ patientId: HisId('病患') });
export const AppointmentParams = Type.Object({ appointmentId: HisId('預約') });

export const StatusChangesQuery = Type.Object({
  after: Type.Optional(Type.String({ maxLength: 40, description: '上次回應的 nextCursor（不帶則從頭開始）' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});

export const StatusChanges = Type.Object({
  items: Type.Array(Type.Ref('HisStatusChange')),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: '下次的 after；沒有新資料時與傳入的 after 相同',
  }),
  hasMore: Type.Boolean(),
});

export const InitialSync = Type.Object({
  state: Type.Enum(['not_started', 'active', 'ended'], {
    description: 'not_started 尚未收到 HIS 的呼叫、active 初次同步中、ended 已結束',
  }),
  startedAt: Nullable(Type.String({ description: '第一次收到 HIS 呼叫的時間' })),
  endsAt: Nullable(Type.String({ description: '初次同步中：自動結束的時間；已結束：結束的時間' })),
  endedAt: Nullable(Type.String()),
  endedBy: Nullable(Type.String({ description: '結束的人（自動結束為 null）' })),
});
