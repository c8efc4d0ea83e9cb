// Request and response schemas of Google 評論 (the Business Profile connection and reviews).
import { Type } from 'typebox';
import { MAX_REPLY } from './service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const L = Type.Literal;

export const GoogleStatus = Type.Object(
  {
    status: Type.Union([L('not_connected'), L('needs_location'), L('connected'), L('revoked')], {
      description:
        'not_connected 尚未連結、needs_location 已授權但尚未選擇商家地點、connected 已連結、revoked 授權已失效（請重新連結）',
    }),
    accountName: Nullable(Type.String()),
    locationTitle: Nullable(Type.String()),
    placeId: Nullable(Type.String()),
    reviewLink: Nullable(Type.String({ description: '病患留下 Google 評論的連結（由 Place ID 產生）' })),
    averageRating: Nullable(Type.Number({ description: 'Google 上的平均星等（最近一次同步）' })),
    totalReviewCount: Nullable(Type.Integer()),
    lastSyncAt: Nullable(Type.String()),
    lastError: Nullable(Type.String()),
    connectedBy: Nullable(Type.String()),
    connectedAt: Nullable(Type.String()),
  },
  { $id: 'GoogleStatus' },
);

export const ConnectResult = Type.Object({ url: Type.String({ description: '請以瀏覽器前往的 Google 授權頁' }) });
export const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 2000 })),
  state: Type.Optional(Type.String({ maxLength: 4000 })),
  error: Type.Optional(Type.String({ maxLength: 200 })),
  scope: Type.Optional(Type.String({ maxLength: 2000 })),
});
export const Locations = Type.Object({
  items: Type.Array(
    Type.Object({
      name: Type.String({ description: 'accounts/…/locations/…' }),
      title: Type.String(),
      placeId: Nullable(Type.String()),
      accountName: Type.String(),
    }),
  ),
});
export const LocationBody = Type.Object(
  { location: Type.String({ minLength: 1, maxLength: 300, description: 'accounts/…/locations/…' }) },
  { additionalProperties: false },
);

export const Review = Type.Object(
  {
    id: Type.String(),
    reviewerName: Type.String(),
    starRating: Type.Integer({ minimum: 0, maximum: 5 }),
    comment: Type.String(),
    createTime: Type.String(),
    updateTime: Type.String(),
    reply: Nullable(Type.String({ description: '診所的公開回覆' })),
    replyUpdateTime: Nullable(Type.String()),
    repliedBy: Nullable(Type.String({ description: '在 Careline 回覆的人員' })),
    isNew: Type.Boolean({ description: '7 天內新同步到的評論' }),
  },
  { $id: 'GoogleReview' },
);
export const ReviewsQuery = Type.Object({
  unreplied: Type.Optional(Type.Boolean({ description: '只看尚未回覆的' })),
});
export const ReviewList = Type.Object({
  connection: Type.Ref('GoogleStatus'),
  items: Type.Array(Type.Ref('GoogleReview')),
  trend: Type.Array(
    Type.Object({
      month: Type.String({ description: 'YYYY-MM（診所時區）' }),
      count: Type.Integer(),
      average: Nullable(Type.Number()),
      cumulativeAverage: Nullable(Type.Number({ description: '到該月為止所有評論的平均' })),
    }),
  ),
});
export const ReplyBody = Type.Object(
  { comment: Type.String({ minLength: 1, maxLength: MAX_REPLY * 2, description: `回覆內容（最多 ${MAX_REPLY} 字）` }) },
  { additionalProperties: false },
);
export const SyncResult = Type.Object({ fetched: Type.Integer(), added: Type.Integer() });
