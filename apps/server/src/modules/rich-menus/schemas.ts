// Request and response schemas of the rich-menu routes.
import { Type } from 'typebox';

const Label = Type.String({ minLength: 1, maxLength: 20, description: '按鈕名稱（最多 20 字）' });
export const MenuAction = Type.Union([
  Type.Object(
    {
      type: Type.Literal('liff'),
      page: Type.Union(
        [Type.Literal('bind'), Type.Literal('appointments'), Type.Literal('family'), Type.Literal('queue')],
        {
          description: '開啟病患頁面：綁定 / 我的預約 / 家人預約 / 看診進度',
        },
      ),
      label: Label,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('message'),
      text: Type.String({ minLength: 1, maxLength: 300, description: '使用者點擊後送出的文字' }),
      label: Label,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('postback'),
      data: Type.String({ minLength: 1, maxLength: 300 }),
      displayText: Type.Optional(Type.String({ maxLength: 300 })),
      label: Label,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('uri'), uri: Type.String({ minLength: 1, maxLength: 1000 }), label: Label },
    { additionalProperties: false },
  ),
]);
export const MenuArea = Type.Object(
  {
    bounds: Type.Object(
      {
        x: Type.Integer({ minimum: 0 }),
        y: Type.Integer({ minimum: 0 }),
        width: Type.Integer({ minimum: 1 }),
        height: Type.Integer({ minimum: 1 }),
      },
      { additionalProperties: false },
    ),
    action: MenuAction,
  },
  { additionalProperties: false },
);
export const MenuSize = Type.Object(
  { width: Type.Literal(2500), height: Type.Union([Type.Literal(1686), Type.Literal(843)]) },
  { additionalProperties: false, description: '2500×1686（大型）或 2500×843（小型）' },
);
export const MenuKindParams = Type.Object({
  kind: Type.Union([Type.Literal('unbound'), Type.Literal('bound')], {
    description: 'unbound 未綁定（預設選單）/ bound 已綁定',
  }),
});

export const RichMenu = Type.Object(
  {
    kind: MenuKindParams.properties.kind,
    name: Type.String(),
    chatBarText: Type.String(),
    size: Type.Object({ width: Type.Integer(), height: Type.Integer() }),
    areas: Type.Array(MenuArea),
    hasImage: Type.Boolean({ description: '已上傳圖片；否則使用系統產生的預設圖片' }),
    imageUrl: Type.String(),
    lineRichMenuId: Type.Union([Type.String(), Type.Null()]),
    publishedAt: Type.Union([Type.String(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'RichMenu' },
);

export const RichMenuList = Type.Object({
  items: Type.Array(Type.Ref('RichMenu')),
  templates: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      size: Type.Object({ width: Type.Integer(), height: Type.Integer() }),
      areas: Type.Array(MenuArea),
    }),
  ),
});

export const SaveMenuBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 300 }),
    chatBarText: Type.String({ minLength: 1, maxLength: 14 }),
    size: MenuSize,
    areas: Type.Array(MenuArea, { minItems: 1, maxItems: 20 }),
  },
  { additionalProperties: false },
);
