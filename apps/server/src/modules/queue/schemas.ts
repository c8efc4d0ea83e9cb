// Request and response schemas of 看診進度: the HIS's queue events (HIS Open API v1), the back
// office's queues of the day and settings, and the patient's live queue page (LIFF).
import { Type } from 'typebox';
import { HisId } from '../patients/schemas.ts';
import { MAX_NUMBER, NEAR_MAX, NEAR_MIN, SESSIONS } from './rules.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const QueueNumber = (description: string) => Type.Integer({ minimum: 1, maximum: MAX_NUMBER, description });
const Session = Type.Enum([...SESSIONS], {
  description: '診次：morning 上午診、afternoon 下午診、evening 晚上診（看診號每一診重新編號）',
  examples: ['morning'],
});
const SessionLabel = Type.String({ description: '診次名稱：上午診、下午診、晚上診' });

export const QueueEventBody = Type.Object(
  {
    eventId: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '^[^\\s]+$',
      description:
        'HIS 端這個事件的唯一代碼。同一代碼重送回 200 與第一次的結果（不重複處理）；同一代碼但內容不同回 409',
      examples: ['Q20260504-D01-0001'],
    }),
    type: Type.Enum(['check_in', 'call'], {
      description: '事件類別：check_in 病患報到（帶 appointmentId 與 queueNumber）、call 叫號（帶 calledNumber）',
      examples: ['call'],
    }),
    occurredAt: Type.String({
      format: 'date-time',
      maxLength: 40,
      description:
        '事件在 HIS 發生的時間，RFC 3339 且須含時區。Careline 依這個時間排序：比看診進度已有的叫號舊的事件只記錄、不倒退進度',
      examples: ['2026-05-04T09:42:10+08:00'],
    }),
    doctorId: HisId('醫師'),
    session: Session,
    room: Type.Optional(
      Nullable(
        Type.String({
          minLength: 1,
          maxLength: 20,
          description: '診間名稱，例如「2 診」；不傳則沿用上次，傳 null 表示不顯示診間',
          examples: ['2 診'],
        }),
      ),
    ),
    appointmentId: Type.Optional(HisId('預約')),
    queueNumber: Type.Optional(QueueNumber('（check_in）這筆預約報到後的看診號')),
    calledNumber: Type.Optional(QueueNumber('（call）目前叫到的看診號')),
  },
  {
    additionalProperties: false,
    examples: [
      {
        eventId: 'Q20260504-D01-0007',
        type: 'check_in',
        occurredAt: '2026-05-04T09:05:00+08:00',
        doctorId: 'D01',
        session: 'morning',
        room: '2 診',
        appointmentId: 'A20260504-0031',
        queueNumber: 15,
      },
      {
        eventId: 'Q20260504-D01-0012',
        type: 'call',
        occurredAt: '2026-05-04T09:42:10+08:00',
        doctorId: 'D01',
        session: 'morning',
        room: '2 診',
        calledNumber: 12,
      },
    ],
  },
);

const QueueState = Type.Object({
  doctorId: Type.String({ description: 'HIS 的醫師代碼' }),
  date: Type.String({ description: '診所當地日期 YYYY-MM-DD' }),
  session: Session,
  room: Nullable(Type.String({ description: '診間' })),
  calledNumber: Nullable(Type.Integer({ description: '目前叫到的看診號；尚未叫號為 null' })),
  calledAt: Nullable(Type.String({ description: '目前叫號的時間（HIS 的 occurredAt，UTC）' })),
});

export const QueueEventResult = Type.Object({
  eventId: Type.String(),
  type: Type.String({ description: 'check_in 或 call' }),
  result: Type.Enum(['applied', 'stale'], {
    description: 'applied 已套用；stale 比已有的資料舊（較舊的叫號不倒退進度、較舊的報到不改看診號），只記錄不套用',
  }),
  duplicate: Type.Boolean({ description: '這個 eventId 先前已收過（回覆第一次的結果，不重複處理）' }),
  queue: QueueState,
  noticesQueued: Type.Integer({ description: '這次事件排入傳送的 LINE 通知數（重送時為 0）' }),
});

// ---- back office

const settingsFields = {
  enabled: Type.Boolean({ description: '是否以 LINE 通知已報到的病患看診進度' }),
  nearThreshold: Type.Integer({
    minimum: NEAR_MIN,
    maximum: NEAR_MAX,
    description: `前面還有幾位時傳「前面還有 N 位」（${NEAR_MIN}–${NEAR_MAX}，預設 3）；輪到下一位時另傳「請準備進診間」`,
  }),
};
export const QueueSettingsBody = Type.Object(settingsFields, { additionalProperties: false });
export const QueueSettings = Type.Object(settingsFields);

export const QueueDayQuery = Type.Object({
  date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: '日期（預設診所的今天）' })),
});

const NoticeView = Type.Object({
  kind: Type.Enum(['near', 'next'], { description: 'near 前面還有 N 位、next 請準備進診間' }),
  label: Type.String(),
  ahead: Type.Integer({ description: '傳送時前面還有幾號' }),
  sentAt: Type.String(),
});

export const QueueDay = Type.Object({
  date: Type.String(),
  settings: QueueSettings,
  queues: Type.Array(
    Type.Object({
      id: Type.String(),
      doctorId: Type.String(),
      doctorName: Type.String(),
      session: Session,
      sessionLabel: SessionLabel,
      room: Nullable(Type.String()),
      calledNumber: Nullable(Type.Integer()),
      calledAt: Nullable(Type.String()),
      waiting: Type.Integer({ description: '已報到、尚未叫到的人數' }),
      visits: Type.Array(
        Type.Object({
          id: Type.String(),
          appointmentId: Type.String({ description: 'HIS 的預約代碼' }),
          patientId: Type.String(),
          patientName: Type.String(),
          chartNo: Nullable(Type.String()),
          queueNumber: Type.Integer(),
          ahead: Nullable(Type.Integer({ description: '前面還有幾號（尚未叫號為 null；已叫到為 0）' })),
          state: Type.Enum(['waiting', 'called'], { description: 'waiting 候診中、called 已叫號' }),
          checkedInAt: Type.String(),
          calledAt: Nullable(Type.String()),
          lineBound: Type.Boolean({ description: '病患（或家人）有可傳送的 LINE 綁定' }),
          notices: Type.Array(NoticeView),
        }),
      ),
    }),
  ),
});

// ---- the patient's page

export const LiffQueueParams = Type.Object({ channelId: Type.String() });
const LiffQueueBoard = Type.Object({
  doctorName: Type.String(),
  session: Session,
  sessionLabel: SessionLabel,
  room: Nullable(Type.String()),
  calledNumber: Nullable(Type.Integer()),
  calledAt: Nullable(Type.String()),
});
export const LiffQueue = Type.Object({
  date: Type.String({ description: '診所當地的今天 YYYY-MM-DD' }),
  updatedAt: Type.String({ description: '這份資料的時間（UTC）' }),
  refreshSeconds: Type.Integer({ description: '頁面自動更新的間隔（秒）' }),
  visits: Type.Array(
    Type.Object({
      ...LiffQueueBoard.properties,
      patientName: Type.String(),
      queueNumber: Type.Integer(),
      ahead: Nullable(Type.Integer({ description: '前面還有幾號（尚未開始叫號為 null）' })),
      state: Type.Enum(['waiting', 'next', 'called'], {
        description: 'waiting 候診中、next 下一位（請準備進診間）、called 已叫到您的號碼',
      }),
    }),
    { description: '綁定在這個 LINE 帳號下的病患（本人與家人）今天已報到的看診' },
  ),
  boards: Type.Array(LiffQueueBoard, { description: '今天各診的看診進度' }),
});
