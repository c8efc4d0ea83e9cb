// Request and response schemas of 訊息 › 收件匣.
import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const InboxFilterSchema = Type.Union(
  [
    Type.Literal('all'),
    Type.Literal('unassigned'),
    Type.Literal('mine'),
    Type.Literal('waiting'),
    Type.Literal('bot'),
    Type.Literal('done'),
  ],
  {
    description:
      'all：全部；unassigned：待回覆且未指派；mine：指派給我且未完成；waiting：待回覆；bot：機器人處理；done：已完成',
  },
);

const State = Type.String({ description: 'bot：機器人處理 | waiting：待回覆 | done：已完成' });
const WaitingReason = Nullable(
  Type.String({
    description:
      '待回覆的原因：handoff（病患要求真人）、bot_failed（機器人無法回答）、reminder_text（回覆提醒的文字）、' +
      'complaint（客訴）、care（關懷）、conversation（與櫃台對話中）',
  }),
);
const Assignee = Nullable(Type.Object({ id: Type.String(), name: Type.String() }));

export const InboxCounts = Type.Object({
  all: Type.Integer(),
  unassigned: Type.Integer(),
  mine: Type.Integer(),
  waiting: Type.Integer(),
  bot: Type.Integer(),
  done: Type.Integer(),
  unread: Type.Integer({ description: '所有對話的未讀訊息數' }),
  updated: Nullable(Type.String({ description: '最近一次變動的時間（即時更新比對用）' })),
});

export const InboxListQuery = Type.Object(
  {
    filter: Type.Optional(InboxFilterSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

export const InboxList = Type.Object({
  counts: InboxCounts,
  items: Type.Array(
    Type.Object({
      lineUserId: Type.String(),
      displayName: Type.String(),
      pictureUrl: Nullable(Type.String()),
      friendState: Type.String({ description: 'friend | blocked | unknown' }),
      state: State,
      waitingReason: WaitingReason,
      waitingSince: Nullable(Type.String()),
      assignee: Assignee,
      unread: Type.Integer({ description: '櫃台上次開啟後病患傳來的訊息數' }),
      lastText: Type.String(),
      lastAt: Type.String(),
      botPausedUntil: Nullable(Type.String({ description: '機器人暫停回覆到這個時間（櫃台剛回覆過）' })),
      patients: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
    }),
  ),
});

export const InboxParams = Type.Object({ lineUserId: Type.String({ pattern: '^U[0-9a-f]{32}$' }) });

export const InboxConversationQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: '載入這則訊息之前的訊息' })),
  },
  { additionalProperties: false },
);

export const InboxMessage = Type.Object({
  id: Type.Integer(),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  kind: Type.String({ description: 'text、sticker、image、video、audio、file、location、postback、template、flex…' }),
  text: Type.String(),
  source: Type.String({ description: 'user（病患）、staff（櫃台）或自動訊息的來源' }),
  method: Nullable(Type.String({ description: '送出的方式：reply（免費）、push（計入額度）、pnp' })),
  at: Type.String(),
  detail: Type.Object(
    {
      packageId: Type.Optional(Nullable(Type.String())),
      stickerId: Type.Optional(Nullable(Type.String())),
      contentUrl: Type.Optional(
        Nullable(Type.String({ description: '病患傳來的圖片／檔案（經 Careline 向 LINE 取得）' })),
      ),
      imageUrl: Type.Optional(Nullable(Type.String())),
      previewUrl: Type.Optional(Nullable(Type.String())),
      fileName: Type.Optional(Nullable(Type.String())),
      fileSize: Type.Optional(Nullable(Type.Number())),
      duration: Type.Optional(Nullable(Type.Number())),
      title: Type.Optional(Nullable(Type.String())),
      address: Type.Optional(Nullable(Type.String())),
      latitude: Type.Optional(Nullable(Type.Number())),
      longitude: Type.Optional(Nullable(Type.Number())),
    },
    { description: '文字以外的內容：貼圖、圖片、位置、檔案' },
  ),
});

export const InboxConversation = Type.Object(
  {
    lineUserId: Type.String(),
    displayName: Type.String(),
    pictureUrl: Nullable(Type.String()),
    friendState: Type.String({ description: 'friend | blocked（已封鎖或刪除好友）| unknown' }),
    blockedAt: Nullable(Type.String()),
    state: State,
    waitingReason: WaitingReason,
    waitingNote: Nullable(Type.String()),
    waitingSince: Nullable(Type.String()),
    waitingAppointmentId: Nullable(Type.String()),
    assignee: Assignee,
    unread: Type.Integer(),
    botPausedUntil: Nullable(Type.String()),
    freeReplyUntil: Nullable(
      Type.String({ description: '在這個時間前回覆可用免費的回覆 API（病患最後一則訊息的回覆權杖仍有效）' }),
    ),
    handledAt: Nullable(Type.String()),
    handledBy: Nullable(Type.String()),
    patients: Type.Array(Type.Object({ id: Type.String(), hisId: Type.String(), name: Type.String() }), {
      description: '綁定在這個 LINE 帳號的病患（家人）',
    }),
    notes: Type.Array(
      Type.Object({ id: Type.Integer(), body: Type.String(), author: Type.String(), at: Type.String() }),
      { description: '內部備註：只有診所人員看得到，不會傳給病患' },
    ),
    moreBefore: Nullable(Type.Integer({ description: '還有更早的訊息時，用於 before 參數' })),
    messages: Type.Array(InboxMessage),
  },
  { $id: 'InboxConversation' },
);

export const MarkReadResult = Type.Object({
  markedOnLine: Type.Boolean({ description: '已透過 LINE 標示為已讀（頻道為手動已讀模式時）' }),
});

export const AssignBody = Type.Object(
  { assigneeId: Nullable(Type.String({ minLength: 1, description: '工作人員 ID；null 表示取消指派' })) },
  { additionalProperties: false },
);

export const NoteBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 2000, description: '內部備註（不會傳給病患）' }) },
  { additionalProperties: false },
);

export const SendBody = Type.Object(
  {
    clientKey: Type.String({
      minLength: 8,
      maxLength: 64,
      pattern: '^[A-Za-z0-9_-]+$',
      description: '每則訊息一個新的識別碼（例如 UUID）：同一個識別碼只會送出一次（重複點擊、重送請求）',
    }),
    text: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: 5000, description: '文字訊息（LINE 上限 5000 字）' })),
    ),
    imageId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 40, description: '先上傳的圖片 ID' }))),
    previewId: Type.Optional(
      Nullable(
        Type.String({ minLength: 1, maxLength: 40, description: '預覽圖 ID（1 MB 以內；圖片本身 1 MB 以內可省略）' }),
      ),
    ),
    articleId: Type.Optional(
      Nullable(
        Type.String({
          minLength: 1,
          maxLength: 40,
          description: '要附上的衛教文章 ID（已發布的文章，以 LINE 卡片送出，排在文字之後）',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);

export const SendResult = Type.Object({
  method: Type.Union([Type.Literal('reply'), Type.Literal('push')], {
    description: 'reply：用回覆權杖免費回覆；push：推播（計入每月訊息額度）',
  }),
  duplicate: Type.Boolean({ description: 'true：這個 clientKey 先前已送出，這次沒有再送' }),
});

export const UploadResult = Type.Object({
  id: Type.String(),
  url: Type.String({ description: '公開網址（LINE 由此取得圖片）' }),
  size: Type.Integer(),
  contentType: Type.String(),
});

export const MediaParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{16,40}$' }) });
export const MessageParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 100, description: '要搜尋的文字' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

export const SearchResult = Type.Object({
  items: Type.Array(
    Type.Object({
      messageId: Type.Integer(),
      lineUserId: Type.String(),
      displayName: Type.String(),
      direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
      kind: Type.String(),
      text: Type.String(),
      at: Type.String(),
    }),
  ),
  nextOffset: Nullable(Type.Integer()),
});

export const InboxContext = Type.Object({
  appointments: Type.Array(
    Type.Object({
      id: Type.String(),
      patientId: Type.String(),
      patientName: Type.String(),
      startsAt: Type.String(),
      status: Type.String({ description: '預約狀態燈號' }),
      replyStatus: Type.String({ description: '病患回覆燈號' }),
      visitType: Nullable(Type.String()),
      doctorName: Type.String(),
    }),
    { description: '綁定病患即將到來的預約（含燈號）' },
  ),
  requests: Type.Array(
    Type.Object({
      id: Type.String(),
      appointmentId: Type.String(),
      patientName: Type.String(),
      kind: Type.String({ description: 'cancel_request | reschedule_request' }),
      createdAt: Type.String(),
      note: Nullable(Type.String()),
      preferredTimes: Type.Array(Type.String()),
    }),
    { description: '尚未處理的取消／改期申請' },
  ),
});

export const Assignees = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: Type.String() })),
});

export const InboxSummary = Type.Object({ unanswered: Type.Integer({ description: '待回覆的對話數' }) });
