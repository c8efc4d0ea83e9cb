// Request and response schemas of the SMS routes.
import { Type } from 'typebox';

const Provider = Type.Union(
  [
    Type.Literal('default'),
    Type.Literal('emulator'),
    Type.Literal('mitake'),
    Type.Literal('every8d'),
    Type.Literal('none'),
  ],
  {
    description:
      '簡訊服務商：default（使用系統預設）、mitake（三竹）、every8d（互動資通，未經實機測試）、emulator（模擬器）、none（不發簡訊）',
  },
);

export const SmsSettings = Type.Object(
  {
    provider: Provider,
    effectiveProvider: Type.String({ description: '實際使用的服務商' }),
    defaultProvider: Type.String({ description: '系統預設服務商（環境變數 SMS_PROVIDER）' }),
    username: Type.String(),
    passwordSet: Type.Boolean({ description: '密碼已設定（不回傳密碼本身）' }),
    baseUrl: Type.Union([Type.String(), Type.Null()]),
    reminderFallback: Type.Boolean({
      description: '未綁定 LINE 或 LINE 發送失敗時，是否改以簡訊提醒（會產生簡訊費用）',
    }),
    updatedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'SmsSettings' },
);

export const SmsSettingsBody = Type.Object(
  {
    provider: Provider,
    username: Type.Optional(Type.String({ maxLength: 100, description: '簡訊帳號' })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: '簡訊密碼；留空表示不變更' })),
    baseUrl: Type.Optional(
      Type.Union([Type.String({ format: 'uri', maxLength: 300 }), Type.Null()], {
        description: 'API 網址；留空用服務商預設',
      }),
    ),
    reminderFallback: Type.Boolean(),
  },
  { additionalProperties: false },
);

const SmsMessage = Type.Object({
  id: Type.String(),
  to: Type.String({ description: '遮罩後的手機號碼' }),
  purpose: Type.String({ description: 'otp 綁定驗證碼 / reminder 提醒 / recall 回診' }),
  provider: Type.String(),
  encoding: Type.String(),
  chars: Type.Integer(),
  segments: Type.Integer({ description: '則數（中文 70 字一則，超過以 67 字計）' }),
  cost: Type.Number({ description: '點數' }),
  status: Type.String({ description: 'queued / retrying / sent / delivered / failed' }),
  providerMessageId: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  deliveryStatus: Type.Union([Type.String(), Type.Null()]),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export const SmsMessagesQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) },
  { additionalProperties: false },
);

export const SmsMessages = Type.Object({ items: Type.Array(SmsMessage) });

// Mitake's delivery report: our signature plus the provider's fields (msgid, statuscode, statusstr …).
export const ReportParams = Type.Object({ smsId: Type.String({ maxLength: 64 }) });
export const ReportQuery = Type.Object({ sig: Type.Optional(Type.String()) }, { additionalProperties: Type.String() });
