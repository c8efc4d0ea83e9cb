// Request and response schemas of the HIS webhook settings and delivery log (back office), and
// the webhook configuration of the HIS Open API.
import { Type } from 'typebox';

export const Config = Type.Object({
  configured: Type.Boolean(),
  url: Type.Union([Type.String(), Type.Null()]),
  secret: Type.Union([Type.String(), Type.Null()], { description: '簽章密鑰（僅管理者可見）' }),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});

export const ConfigBody = Type.Object(
  {
    url: Type.String({ minLength: 8, maxLength: 500 }),
    secret: Type.Optional(Type.String({ minLength: 16, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const Configured = Type.Object({ url: Type.String(), secret: Type.String() });

export const Delivery = Type.Object({
  id: Type.Integer(),
  eventId: Type.String(),
  eventType: Type.String(),
  attempt: Type.Integer(),
  url: Type.String(),
  ok: Type.Boolean(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  durationMs: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export const DeliveriesQuery = Type.Object({
  failed: Type.Optional(Type.Boolean()),
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

export const Deliveries = Type.Object({
  items: Type.Array(Delivery),
  nextBefore: Type.Union([Type.Integer(), Type.Null()]),
});

export const DeliveryParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const Redelivered = Type.Object({ eventId: Type.String(), jobId: Type.Integer() });
export const TestSent = Type.Object({ eventId: Type.String() });

/** The HIS's own webhook configuration (PUT /his/v1/webhook). */
export const HisWebhookBody = Type.Object(
  {
    url: Type.String({ minLength: 8, maxLength: 500, description: '接收網址（https 建議）' }),
    secret: Type.Optional(
      Type.String({ minLength: 16, maxLength: 200, description: '自訂簽章密鑰（至少 16 字元）；不填則產生' }),
    ),
  },
  { additionalProperties: false, examples: [{ url: 'https://his.example.tw/careline/webhook' }] },
);

export const HisWebhookConfig = Type.Object(
  {
    url: Type.String({ examples: ['https://his.example.tw/careline/webhook'] }),
    secret: Type.String({ description: '簽章密鑰：以 HMAC-SHA256 驗證 Careline-Signature', examples: ['whsec_…'] }),
  },
  { $id: 'HisWebhookConfig' },
);
