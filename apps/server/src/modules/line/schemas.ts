// Request and response schemas of the LINE channel, its webhook, friends and conversations.
import { Type } from 'typebox';

/** The webhook check of a connection test; null when the bot check failed first. */
const WebhookCheck = Type.Union([Type.Object({ ok: Type.Boolean(), message: Type.String() }), Type.Null()], {
  description: 'Webhook 檢查：LINE 設定的網址是否為 Careline、「Use webhook」是否開啟、LINE 的測試呼叫是否送達',
});

export const LineChannel = Type.Object(
  {
    channelId: Type.String(),
    accessTokenHint: Type.String({ description: '存取權杖只顯示頭尾幾碼' }),
    liffId: Type.String(),
    greetingText: Type.String(),
    webhookUrl: Type.String({ description: '貼到 LINE Developers → Messaging API → Webhook URL' }),
    botName: Type.Union([Type.String(), Type.Null()]),
    botUserId: Type.Union([Type.String(), Type.Null()]),
    pnpEnabled: Type.Boolean({
      description: '以 LINE 通知訊息（需 LINE 核准、另計費用）提醒未加入好友的病患，送不到時再改用簡訊',
    }),
    readMode: Type.Union([Type.Literal('auto'), Type.Literal('manual')], {
      description:
        'auto：LINE 收到訊息即顯示已讀（LINE 預設）；manual：櫃台在收件匣開啟對話時才顯示已讀（連線測試時依 LINE 的設定更新）',
    }),
    botPauseMinutes: Type.Integer({ description: '櫃台回覆後，機器人對這位病患暫停自動回覆的分鐘數' }),
    lastTest: Type.Union([
      Type.Object({
        at: Type.String(),
        ok: Type.Boolean(),
        message: Type.String(),
        webhook: WebhookCheck,
      }),
      Type.Null(),
    ]),
    updatedAt: Type.String(),
  },
  { $id: 'LineChannel' },
);

export const SaveChannelBody = Type.Object(
  {
    channelId: Type.String({
      pattern: '^[0-9]{6,20}$',
      description: 'LINE Developers 的 Channel ID（數字）',
      examples: ['1000000001'],
    }),
    channelSecret: Type.Optional(
      Type.String({ minLength: 8, maxLength: 100, description: 'Channel secret；留空表示不變更' }),
    ),
    accessToken: Type.Optional(
      Type.String({ minLength: 8, maxLength: 1000, description: 'Channel access token（長期）；留空表示不變更' }),
    ),
    liffId: Type.Optional(
      Type.String({
        maxLength: 100,
        pattern: '^$|^[0-9]+-[A-Za-z0-9]+$',
        description: 'LIFF ID，例如 1234567890-AbCdEfGh',
      }),
    ),
    greetingText: Type.Optional(
      Type.String({ maxLength: 500, description: '加入好友時的歡迎訊息，{clinic} 會換成診所名稱' }),
    ),
    readMode: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('manual')], {
        description: '已讀模式：auto（LINE 預設）或 manual（開啟對話時才顯示已讀；需在 LINE 官方帳號設定相同模式）',
      }),
    ),
    botPauseMinutes: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1440, description: '櫃台回覆後機器人暫停自動回覆的分鐘數（預設 30）' }),
    ),
  },
  { additionalProperties: false },
);

export const TestResult = Type.Object({
  ok: Type.Boolean(),
  message: Type.String(),
  webhook: WebhookCheck,
  bot: Type.Union([Type.Object({ name: Type.String(), basicId: Type.String(), userId: Type.String() }), Type.Null()]),
  quota: Type.Union([
    Type.Object({ type: Type.String(), limit: Type.Union([Type.Integer(), Type.Null()]), used: Type.Integer() }),
    Type.Null(),
  ]),
  lineStatus: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  lineMessage: Type.Optional(Type.String()),
});

export const FriendsQuery = Type.Object(
  {
    state: Type.Optional(Type.Union([Type.Literal('friend'), Type.Literal('blocked')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

export const Friends = Type.Object({
  items: Type.Array(
    Type.Object({
      lineUserId: Type.String(),
      displayName: Type.String(),
      pictureUrl: Type.Union([Type.String(), Type.Null()]),
      state: Type.String(),
      followedAt: Type.Union([Type.String(), Type.Null()]),
      blockedAt: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const WebhookParams = Type.Object({ channelId: Type.String({ maxLength: 30 }) });
export const WebhookResult = Type.Object({ received: Type.Integer(), stored: Type.Integer() });

export const ChannelResult = Type.Object({ channel: Type.Union([Type.Ref('LineChannel'), Type.Null()]) });

export const PnpBody = Type.Object(
  { enabled: Type.Boolean({ description: 'true：開啟 LINE 通知訊息；false：關閉' }) },
  { additionalProperties: false },
);
