// Request and response schemas of the follow-up list (待追蹤) and the no-show follow-up (未到診關懷).
import { Type } from 'typebox';
import { NO_SHOW_DELAY_MAX, NO_SHOW_SKIP_REASONS, NO_SHOW_STATUSES, NO_SHOW_TEXT_MAX } from './no-show.ts';
import { FOLLOW_UP_OUTCOMES, FOLLOW_UP_PRIORITIES, FOLLOW_UP_SOURCES, FOLLOW_UP_STATUSES } from './service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const described = (labels: Record<string, string>, what: string) => ({
  description: `${what}：${Object.entries(labels)
    .map(([k, v]) => `${k} ${v}`)
    .join('、')}`,
});
const L = Type.Literal;

const Source = Type.Union(
  [L('care_checkin'), L('no_show'), L('broadcast_reply'), L('staff')],
  described(FOLLOW_UP_SOURCES, '來源'),
);
const Status = Type.Union([L('open'), L('in_progress'), L('done')], described(FOLLOW_UP_STATUSES, '狀態'));
const Priority = Type.Union([L('normal'), L('high')], described(FOLLOW_UP_PRIORITIES, '優先程度'));
const Outcome = Type.Union(
  [L('called'), L('rebooked'), L('no_answer'), L('other')],
  described(FOLLOW_UP_OUTCOMES, '處理結果'),
);

const fields = {
  id: Type.String(),
  source: Source,
  sourceLabel: Type.String(),
  priority: Priority,
  priorityLabel: Type.String(),
  status: Status,
  statusLabel: Type.String(),
  title: Type.String({ description: '要追蹤的事項' }),
  answer: Nullable(Type.String({ description: '病患的回覆（例如照護計畫的「很痛，想問醫師」）' })),
  patientId: Type.String(),
  patientName: Nullable(Type.String()),
  chartNo: Nullable(Type.String()),
  phoneMasked: Nullable(Type.String()),
  appointmentId: Nullable(Type.String({ description: '相關的看診' })),
  lineUserId: Nullable(Type.String()),
  ownerId: Nullable(Type.String()),
  ownerName: Nullable(Type.String()),
  dueAt: Nullable(Type.String({ description: '處理時限（ISO 8601，以門診時間計算）；null 表示一年內沒有門診時間' })),
  dueText: Nullable(Type.String({ description: '處理時限（診所時區，YYYY-MM-DD HH:MM）' })),
  overdue: Type.Boolean({ description: '未完成且已過時限' }),
  late: Type.Boolean({ description: '已完成，但晚於時限' }),
  outcome: Nullable(Outcome),
  outcomeLabel: Nullable(Type.String()),
  outcomeNote: Nullable(Type.String()),
  doneAt: Nullable(Type.String()),
  createdAt: Type.String(),
};

export const FollowUpSummary = Type.Object(fields, { $id: 'FollowUpSummary' });
export const FollowUpDetail = Type.Object(
  {
    ...fields,
    events: Type.Array(
      Type.Object({
        id: Type.Integer(),
        kind: Type.String({
          description: 'opened 建立、assigned 指派、started 開始處理、done 完成、reopened 重新開啟、note 備註',
        }),
        text: Type.String(),
        actor: Type.String(),
        at: Type.String(),
      }),
    ),
  },
  { $id: 'FollowUpDetail' },
);

export const FollowUpList = Type.Object({
  items: Type.Array(Type.Ref('FollowUpSummary')),
  total: Type.Integer(),
  active: Type.Integer({ description: '未完成（待處理＋處理中）的件數（不受篩選影響）' }),
  overdue: Type.Integer({ description: '未完成且已過時限的件數（不受篩選影響）' }),
  limits: Type.Object({
    highHours: Type.Number({ description: '優先事項的處理時限（門診小時）' }),
    normalHours: Type.Number({ description: '一般事項的處理時限（門診小時）' }),
  }),
});

export const FollowUpListQuery = Type.Object({
  status: Type.Optional(
    Type.Union([L('active'), L('open'), L('in_progress'), L('done'), L('all')], {
      default: 'active',
      description: 'active 未完成（預設）、open 待處理、in_progress 處理中、done 已完成、all 全部',
    }),
  ),
  source: Type.Optional(Source),
  ownerId: Type.Optional(Type.String({ minLength: 1, description: '負責人員 id；none 為未指派' })),
  overdue: Type.Optional(Type.Boolean({ description: '只列出已過時限的未完成事項' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});

export const FollowUpParams = Type.Object({ id: Type.String() });

export const CreateFollowUpBody = Type.Object(
  {
    patientId: Type.String({ minLength: 1 }),
    priority: Priority,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    clientKey: Type.String({ minLength: 8, maxLength: 64, description: '同一個 clientKey 只建立一筆（重送不重複）' }),
  },
  { additionalProperties: false },
);

export const AssignBody = Type.Object(
  { ownerId: Nullable(Type.String({ minLength: 1, description: '負責人員；null 取消指派' })) },
  { additionalProperties: false },
);
export const CloseBody = Type.Object(
  {
    outcome: Outcome,
    note: Type.Optional(Type.String({ maxLength: 2000, description: '說明；結果為「其他」時必填' })),
  },
  { additionalProperties: false },
);
export const ReopenBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export const EmptyBody = Type.Object({}, { additionalProperties: false });
export const NoteBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

export const FollowUpCounts = Type.Object({
  active: Type.Integer({ description: '未完成的待追蹤' }),
  overdue: Type.Integer({ description: '其中已過時限的' }),
});

// ---- no-show follow-up

export const NoShowSettingsBody = Type.Object(
  {
    enabled: Type.Boolean({ description: '是否在 HIS 標記「未到」後傳送關懷訊息' }),
    text: Type.String({
      minLength: 1,
      maxLength: NO_SHOW_TEXT_MAX,
      description: `訊息內容（最多 ${NO_SHOW_TEXT_MAX} 字）；可用 {name} 病患姓名、{clinicName} 診所名稱`,
    }),
    delayMinutes: Type.Integer({
      minimum: 0,
      maximum: NO_SHOW_DELAY_MAX,
      description: 'HIS 標記「未到」後延後幾分鐘傳送（遇安靜時段再往後；當天送不出就不送）',
    }),
  },
  { additionalProperties: false },
);

export const NoShowSettings = Type.Object({
  enabled: Type.Boolean(),
  text: Type.String(),
  delayMinutes: Type.Integer(),
  defaults: Type.Object({ enabled: Type.Boolean(), text: Type.String(), delayMinutes: Type.Integer() }),
  buttons: Type.Object({ rebook: Type.String(), decline: Type.String() }),
  replies: Type.Object({
    rebook: Type.String({ description: '病患點「請診所與我聯絡」後收到的回覆' }),
    decline: Type.String({ description: '病患點「不用了，謝謝」後收到的回覆' }),
  }),
  clinicName: Type.String(),
  quietHours: Type.Object({ enabled: Type.Boolean(), start: Type.String(), end: Type.String() }),
});

export const NoShowLogQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});

export const NoShowLog = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      appointmentId: Type.String(),
      patientId: Type.String(),
      patientName: Nullable(Type.String()),
      chartNo: Nullable(Type.String()),
      visitText: Nullable(Type.String({ description: '看診時間、醫師與類別' })),
      status: Type.Union(
        [L('scheduled'), L('sent'), L('rebook'), L('declined'), L('skipped')],
        described(NO_SHOW_STATUSES, '狀態'),
      ),
      statusLabel: Type.String(),
      skipReason: Nullable(
        Type.Union(
          [
            L('quiet_hours'),
            L('already_today'),
            L('no_line'),
            L('over_cap'),
            L('disabled'),
            L('status_changed'),
            L('too_late'),
          ],
          described(NO_SHOW_SKIP_REASONS, '未傳送的原因'),
        ),
      ),
      skipReasonLabel: Nullable(Type.String()),
      markedAt: Type.String({ description: 'HIS 標記未到的時間' }),
      sendAt: Type.String({ description: '排定的傳送時間' }),
      sentAt: Nullable(Type.String()),
      answeredAt: Nullable(Type.String()),
      followUpId: Nullable(Type.String({ description: '病患要求聯絡時開立的待追蹤' })),
    }),
  ),
  total: Type.Integer(),
});
