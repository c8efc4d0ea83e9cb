import { Type } from 'typebox';

export const AuditQuery = Type.Object(
  {
    action: Type.Optional(
      Type.String({ maxLength: 100, description: '動作，例如 auth.login；結尾加 * 可比對前綴（patient.*）' }),
    ),
    entityType: Type.Optional(Type.String({ maxLength: 50 })),
    entityId: Type.Optional(Type.String({ maxLength: 100 })),
    actorId: Type.Optional(Type.String({ maxLength: 100 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: '分頁：取 id 小於此值的紀錄' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

const DetailItem = Type.Object({
  label: Type.String({ description: '欄位名稱（繁體中文）', examples: ['角色'] }),
  value: Type.String({ description: '給人看的值：代碼已換成中文', examples: ['櫃台人員 → 管理者'] }),
});

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  actorType: Type.String({ description: 'staff、api_key、patient 或 system' }),
  actorTypeLabel: Type.String({ examples: ['人員'] }),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorLabel: Type.String({ description: '操作者：人員的電子郵件、API 金鑰名稱、病患或「系統」' }),
  action: Type.String({ examples: ['staff.updated'] }),
  actionLabel: Type.String({ examples: ['修改人員'] }),
  entityType: Type.String({ examples: ['staff_user'] }),
  entityTypeLabel: Type.String({ examples: ['人員'] }),
  entityId: Type.Union([Type.String(), Type.Null()]),
  entityLabel: Type.Union([Type.String(), Type.Null()], { description: '對象編號給人看的寫法（代碼換成中文）' }),
  detail: Type.Record(Type.String(), Type.Unknown(), { description: '原始內容（JSON）' }),
  detailItems: Type.Array(DetailItem, { description: '內容，逐項以繁體中文呈現' }),
  ip: Type.String(),
  createdAt: Type.String(),
});

export const AuditPage = Type.Object({
  items: Type.Array(AuditEntry),
  nextBefore: Type.Union([Type.Integer(), Type.Null()]),
});

const Code = Type.Object({ code: Type.String(), label: Type.String() });

export const AuditVocabulary = Type.Object({
  actions: Type.Array(Code, { description: '每一種動作與其中文名稱' }),
  actionGroups: Type.Array(Code, { description: '一類動作（例如 patient.*，篩選時比對前綴）與其中文名稱' }),
  entityTypes: Type.Array(Code, { description: '每一種對象與其中文名稱' }),
});
