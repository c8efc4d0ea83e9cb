// Request and response schemas of the broadcast routes (訊息 › 群發).
import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const L = Type.Literal;

export const Audience = Type.Object(
  {
    kind: Type.Union([L('segment'), L('tag'), L('all_friends')], {
      description: 'segment 已儲存的分眾、tag 標籤、all_friends 所有 LINE 好友',
    }),
    id: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: 64, description: '分眾或標籤的 id（all_friends 不需要）' })),
    ),
  },
  { additionalProperties: false },
);

const TextMessage = Type.Object(
  {
    type: L('text'),
    text: Type.String({
      minLength: 1,
      maxLength: 5000,
      description: '文字（LINE 上限 5,000 字）；其中的網址會改成診所的追蹤網址，以計算點擊',
    }),
  },
  { additionalProperties: false },
);
const ImageMessage = Type.Object(
  {
    type: L('image'),
    imageId: Type.String({
      maxLength: 64,
      description: 'POST /api/broadcasts/uploads 回傳的 id（JPEG／PNG，最大 10 MB）',
    }),
    previewId: Type.Optional(
      Nullable(Type.String({ maxLength: 64, description: '預覽圖（1 MB 以內）；原圖超過 1 MB 時必填' })),
    ),
  },
  { additionalProperties: false },
);
const ArticleMessage = Type.Object(
  {
    type: L('article'),
    articleId: Type.String({
      maxLength: 64,
      description: '已發布的衛教文章 id（以 Flex 卡片傳送，「閱讀全文」經追蹤網址）',
    }),
  },
  { additionalProperties: false },
);
export const ComposerMessage = Type.Union([TextMessage, ImageMessage, ArticleMessage]);

const messages = Type.Array(ComposerMessage, {
  minItems: 1,
  maxItems: 5,
  description: '一次最多 5 個訊息框（文字、圖片或衛教文章；LINE 的上限），對每位收件人算 1 則',
});
const smsFallback = Type.Boolean({ description: '無法以 LINE 傳送時，改傳簡訊給有手機號碼的病患（診所須已設定簡訊）' });
const smsText = Type.String({ maxLength: 670, description: '改傳簡訊時的內容（70 字以內為 1 則）' });

export const BroadcastBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 60, description: '群發名稱（只在後台顯示）' }),
    audience: Audience,
    messages,
    smsFallback: Type.Optional(smsFallback),
    smsText: Type.Optional(smsText),
  },
  { additionalProperties: false },
);

export const EstimateBody = Type.Object(
  {
    audience: Audience,
    messages: Type.Optional(messages),
    smsFallback: Type.Optional(smsFallback),
    smsText: Type.Optional(smsText),
  },
  { additionalProperties: false },
);

export const Estimate = Type.Object({
  audienceLabel: Type.String(),
  total: Type.Integer({ description: '對象人數（分眾或標籤的病患數，或 LINE 好友數）' }),
  line: Type.Integer({ description: '以 LINE 傳送的人數（綁定且仍是好友，每個 LINE 帳號一次）' }),
  sms: Type.Integer({ description: '改傳簡訊的人數' }),
  skipped: Type.Object({
    blocked: Type.Integer({ description: '已封鎖官方帳號' }),
    noChannel: Type.Integer({ description: '沒有 LINE 也沒有可收簡訊的手機（或未勾選改傳簡訊）' }),
    merged: Type.Integer({ description: '病歷已合併' }),
    duplicate: Type.Integer({ description: '與名單中的家人共用同一個 LINE 帳號' }),
    total: Type.Integer(),
  }),
  lineMessages: Type.Integer({ description: 'LINE 計算的訊息則數（每位收件人 1 則）' }),
  messageBubbles: Type.Integer(),
  quota: Type.Object({
    planLimit: Nullable(Type.Number({ description: 'LINE 方案本月額度（null：無上限或未知）' })),
    planUsed: Nullable(Type.Number()),
    planLeft: Nullable(Type.Number()),
    capLeft: Nullable(Type.Number({ description: '本月非必要訊息上限的剩餘則數（null：沒有上限）' })),
    heldByCap: Type.Integer({ description: '超過上限、會暫停等候的人數' }),
    overPlan: Type.Integer({ description: '超出 LINE 方案額度的則數' }),
  }),
  smsConfigured: Type.Boolean(),
  smsSegments: Type.Integer({ description: '每封簡訊的則數' }),
  smsPoints: Type.Integer({ description: '簡訊總則數' }),
  costNtd: Type.Object({
    line: Type.Number({ description: '方案內的 LINE 訊息不另計費' }),
    sms: Nullable(Type.Number({ description: '簡訊費用（null：未設定單價）' })),
    total: Nullable(Type.Number()),
  }),
  formula: Type.Array(Type.String(), { description: '計算方式（給人看的說明）' }),
});

const State = Type.Union([L('draft'), L('scheduled'), L('sending'), L('paused'), L('done'), L('cancelled')], {
  description: 'draft 草稿、scheduled 已排程、sending 傳送中、paused 已暫停（達上限）、done 已完成、cancelled 已取消',
});

const Counts = Type.Object({
  total: Type.Integer({ description: '收件人列數' }),
  line: Type.Integer({ description: 'LINE 收件人' }),
  sent: Type.Integer({ description: 'LINE 已送出（LINE 已接受）' }),
  pending: Type.Integer(),
  failed: Type.Integer(),
  blocked: Type.Integer(),
  cancelled: Type.Integer(),
  sms: Type.Integer({ description: '改傳簡訊' }),
  skipped: Type.Integer(),
  delivered: Type.Integer({ description: '送達（LINE 已接受）的人數' }),
  clicked: Type.Integer({ description: '點擊過連結的人數（每支手機一次）' }),
});

export const BroadcastSummary = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    audienceKind: Audience.properties.kind,
    audienceId: Nullable(Type.String()),
    audienceLabel: Type.String(),
    state: State,
    stateLabel: Type.String(),
    pausedReason: Nullable(Type.String()),
    requestedAt: Nullable(Type.String({ description: '要求的傳送時間' })),
    sendAt: Nullable(Type.String({ description: '實際開始時間（遇安靜時段延到結束時）' })),
    sendAtText: Nullable(Type.String()),
    startedAt: Nullable(Type.String()),
    finishedAt: Nullable(Type.String()),
    createdBy: Type.String(),
    sentBy: Nullable(Type.String()),
    createdAt: Type.String(),
    counts: Counts,
  },
  { $id: 'BroadcastSummary' },
);

export const BroadcastList = Type.Object({ items: Type.Array(Type.Ref('BroadcastSummary')) });

export const BroadcastDetail = Type.Object(
  {
    ...BroadcastSummary.properties,
    messages: Type.Array(ComposerMessage),
    smsFallback: Type.Boolean(),
    smsText: Type.String(),
    estimate: Nullable(Estimate),
    chunks: Type.Record(Type.String(), Type.Integer(), { description: '各狀態的批次數（每批最多 500 人）' }),
    progress: Type.Number({ description: 'LINE 收件人已處理的百分比' }),
    links: Type.Array(
      Type.Object({ token: Type.String(), url: Type.String(), clicks: Type.Integer({ description: '點擊人數' }) }),
    ),
    movedForQuietHours: Type.Optional(Type.Boolean({ description: '排程時間落在安靜時段，已延到安靜時段結束' })),
  },
  { $id: 'BroadcastDetail' },
);

export const SendBody = Type.Object(
  {
    sendAt: Nullable(
      Type.String({
        maxLength: 40,
        description: '傳送時間（ISO 8601，含時區）；null 立即傳送。過去的時間回 422；落在安靜時段時延到結束',
      }),
    ),
  },
  { additionalProperties: false },
);

export const TestBody = Type.Object(
  {
    lineUserId: Type.String({
      minLength: 1,
      maxLength: 64,
      description: '收測試訊息的 LINE 好友（例如員工自己的 LINE）',
    }),
  },
  { additionalProperties: false },
);
export const TestResult = Type.Object({ ok: Type.Boolean(), to: Type.String() });

export const ListQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
});

export const RecipientQuery = Type.Object({
  status: Type.Optional(Type.Union([L('pending'), L('sent'), L('failed'), L('blocked'), L('skipped'), L('cancelled')])),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

export const RecipientList = Type.Object({
  items: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      patientId: Nullable(Type.String()),
      patientName: Nullable(Type.String()),
      chartNo: Nullable(Type.String()),
      lineName: Nullable(Type.String()),
      channel: Type.Union([L('line'), L('sms'), L('none')]),
      status: Type.String(),
      statusLabel: Type.String(),
      reason: Nullable(Type.String()),
      reasonLabel: Nullable(Type.String()),
      updatedAt: Type.String(),
    }),
  ),
});

export const FriendQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 50 })) });
export const FriendList = Type.Object({
  items: Type.Array(Type.Object({ lineUserId: Type.String(), displayName: Type.String() })),
});

export const UploadResult = Type.Object({
  id: Type.String(),
  url: Type.String(),
  size: Type.Integer(),
  contentType: Type.String(),
});

export const TokenParams = Type.Object({ token: Type.String({ maxLength: 64 }) });
