// Request and response schemas of the iCalendar feeds and the front desk's display settings.
import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const Settings = Type.Object({
  rocDates: Type.Boolean({ description: '以民國年顯示日期' }),
  initialsOnly: Type.Boolean({ description: '行事曆訂閱只顯示姓名縮寫' }),
});

export const SettingsBody = Type.Object(
  { rocDates: Type.Optional(Type.Boolean()), initialsOnly: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const Feeds = Type.Object({
  rocDates: Type.Boolean(),
  initialsOnly: Type.Boolean(),
  feeds: Type.Array(
    Type.Object({
      doctorId: Nullable(Type.String({ description: 'null 為全部醫師' })),
      doctorName: Type.String(),
      department: Nullable(Type.String()),
      url: Type.String(),
      createdAt: Type.String(),
      rotatedAt: Nullable(Type.String()),
      lastFetchedAt: Nullable(Type.String()),
    }),
  ),
});

export const RotateBody = Type.Object(
  {
    doctorId: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
      description: 'HIS 醫師代碼；null 為全部醫師',
    }),
  },
  { additionalProperties: false },
);

export const Rotated = Type.Object({ doctorId: Nullable(Type.String()), url: Type.String() });

export const FeedParams = Type.Object({ file: Type.String({ maxLength: 80, description: '<token>.ics' }) });
export const FeedQuery = Type.Object({
  from: Type.Optional(Type.String({ maxLength: 10 })),
  to: Type.Optional(Type.String({ maxLength: 10 })),
});

// The feed itself is iCalendar text, not JSON.
export const FeedText = Type.String({ description: 'text/calendar' });
