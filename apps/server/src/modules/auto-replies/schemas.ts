// Request and response schemas of the auto-reply routes.
import { Type } from 'typebox';

export const ReplyContent = Type.Union([
  Type.Object({ type: Type.Literal('text'), text: Type.String({ maxLength: 5000 }) }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('flex'),
      altText: Type.String({ maxLength: 1500 }),
      contents: Type.Record(Type.String(), Type.Unknown()),
    },
    { additionalProperties: false },
  ),
]);

export const AutoReplyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: '名稱，例如「門診時間」' }),
    matchType: Type.Union([Type.Literal('exact'), Type.Literal('keyword')], {
      description: 'keyword：訊息包含關鍵字；exact：訊息與關鍵字完全相同',
    }),
    triggers: Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: 50 }),
    priority: Type.Optional(Type.Integer({ minimum: -100, maximum: 100, default: 0, description: '數字越大越優先' })),
    reply: ReplyContent,
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

// One CSV row's outcome: its line number, whether it was saved (with the new id) and what is wrong with it.
const ImportRow = Type.Object({
  row: Type.Integer(),
  ok: Type.Boolean(),
  errors: Type.Array(
    Type.Object({ field: Type.Optional(Type.String()), code: Type.Optional(Type.String()), message: Type.String() }),
  ),
  id: Type.Optional(Type.String()),
});

export const AutoReply = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    matchType: AutoReplyBody.properties.matchType,
    triggers: Type.Array(Type.String()),
    priority: Type.Integer(),
    reply: ReplyContent,
    enabled: Type.Boolean(),
    hits: Type.Integer(),
    updatedAt: Type.String(),
  },
  { $id: 'AutoReply' },
);

export const AutoReplyParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const AutoReplyList = Type.Object({ items: Type.Array(Type.Ref('AutoReply')) });

export const PreviewBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 5000 }) },
  { additionalProperties: false },
);

export const PreviewResult = Type.Object({
  match: Type.Union([Type.Object({ reply: Type.Ref('AutoReply'), trigger: Type.String() }), Type.Null()]),
});

export const ImportBody = Type.Object(
  { csv: Type.String({ minLength: 1, maxLength: 2_000_000 }) },
  { additionalProperties: false },
);

export const ImportResult = Type.Object({
  imported: Type.Integer(),
  failed: Type.Integer(),
  rows: Type.Array(ImportRow),
});
