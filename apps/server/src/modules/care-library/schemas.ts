// Request and response schemas of the health-education library (衛教文章).
import { Type, type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const ArticleStatus = Type.Union([Type.Literal('draft'), Type.Literal('published')], {
  description: 'draft：草稿（不會出現在回覆與照護計畫的選項，公開頁面也看不到）；published：已發布',
});

export const ArticleBody = Type.Object(
  {
    title: Type.String({ maxLength: 60, description: '標題（1–60 字），也是病患手機通知上的文字' }),
    category: Type.String({ maxLength: 20, description: '分類，例如「術後照護」；空字串＝未分類' }),
    tags: Type.Array(Type.String({ minLength: 1, maxLength: 20 }), {
      maxItems: 10,
      description: '標籤（最多 10 個，每個最多 20 字），用於搜尋與篩選',
    }),
    body: Type.String({
      maxLength: 10_000,
      description:
        '內文（最多 10,000 字）：以空行分段；「## 」開頭為小標題、「- 」或「・」開頭為項目、「1. 」為步驟、**粗體**。' +
        '沒有內文時必須填連結。',
    }),
    linkUrl: Nullable(
      Type.String({ minLength: 1, maxLength: 1000, description: '延伸閱讀的外部連結（https:// 或 http://）' }),
    ),
    coverId: Nullable(
      Type.String({
        minLength: 1,
        maxLength: 40,
        description: '封面圖片 id（POST /api/care/articles/covers 上傳取得）',
      }),
    ),
    status: ArticleStatus,
  },
  { additionalProperties: false },
);
export type ArticleInput = Static<typeof ArticleBody>;

export const Cover = Type.Object({
  id: Type.String(),
  url: Type.String({ description: '公開網址（LINE 由此取得圖片）' }),
  width: Type.Integer(),
  height: Type.Integer(),
  size: Type.Integer({ description: '位元組' }),
  contentType: Type.String(),
});

export const Article = Type.Object(
  {
    id: Type.String(),
    slug: Nullable(Type.String({ description: '內建文章的固定代碼（照護計畫以此引用）；診所自建的文章為 null' })),
    title: Type.String(),
    category: Type.String(),
    tags: Type.Array(Type.String()),
    body: Type.String(),
    excerpt: Type.String({ description: '摘要（LINE 卡片上顯示的內文開頭）' }),
    linkUrl: Nullable(Type.String()),
    cover: Nullable(Cover),
    status: ArticleStatus,
    publicUrl: Type.String({ description: '公開文章頁（不需登入；病患點「閱讀全文」開啟）' }),
    publishedAt: Nullable(Type.String()),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'CareArticle' },
);

export const ArticleList = Type.Object({
  items: Type.Array(Type.Ref('CareArticle')),
  categories: Type.Array(Type.String(), { description: '本診所用到的分類' }),
  tags: Type.Array(Type.String(), { description: '本診所用到的標籤' }),
});

export const ArticleListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100, description: '搜尋標題、內文與標籤' })),
  status: Type.Optional(ArticleStatus),
  category: Type.Optional(Type.String({ maxLength: 20 })),
  tag: Type.Optional(Type.String({ maxLength: 20 })),
});

export const ArticleParams = Type.Object({ id: Type.String({ maxLength: 40 }) });
export const PublicParams = Type.Object({ publicId: Type.String({ maxLength: 40 }) });
export const ImageParams = Type.Object({ id: Type.String({ maxLength: 40 }) });

export const FlexPreview = Type.Object({
  message: Type.Object(
    {
      type: Type.Literal('flex'),
      altText: Type.String(),
      contents: Type.Object({}, { additionalProperties: true }),
    },
    { description: '傳給病患的 LINE Flex 訊息' },
  ),
  problems: Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() }), {
    description: 'LINE 會拒收的地方（空陣列表示可以傳送）',
  }),
});

export const PreviewBody = Type.Object(
  {
    title: Type.String({ maxLength: 200 }),
    body: Type.String({ maxLength: 20_000 }),
    linkUrl: Nullable(Type.String({ maxLength: 2000 })),
    coverId: Nullable(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type PreviewInput = Static<typeof PreviewBody>;
