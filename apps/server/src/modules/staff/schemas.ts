import { Type } from 'typebox';

export const RoleSchema = Type.Union(
  [Type.Literal('admin'), Type.Literal('front_desk'), Type.Literal('doctor'), Type.Literal('viewer')],
  {
    description: '角色：admin 管理者、front_desk 櫃台人員、doctor 醫師、viewer 唯讀',
  },
);

export const Email = Type.String({
  format: 'email',
  maxLength: 200,
  description: '電子郵件（登入帳號）',
  examples: ['desk@demo.careline.tw'],
});
export const Password = Type.String({ minLength: 10, maxLength: 200, description: '密碼，至少 10 個字元' });

export const SessionUser = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: Type.Union([...RoleSchema.anyOf, Type.Literal('platform_operator')], {
      description: 'admin、front_desk、doctor、viewer 或 platform_operator',
    }),
    roleLabel: Type.String({ examples: ['管理者'] }),
    clinicId: Type.Union([Type.String(), Type.Null()]),
    clinicName: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'SessionUser' },
);

export const SessionResponse = Type.Object({
  user: Type.Ref('SessionUser'),
  csrfToken: Type.String({ description: '寫入請求須帶在 x-csrf-token 標頭' }),
});

export const LoginBody = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 200 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export const AcceptInviteBody = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 200 }), password: Password },
  { additionalProperties: false },
);

export const StaffMember = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    roleLabel: Type.String(),
    status: Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('disabled')], {
      description: 'invited 已邀請、active 啟用中、disabled 已停用',
    }),
    lastLoginAt: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
  },
  { $id: 'StaffMember' },
);

export const InviteBody = Type.Object(
  { email: Email, name: Type.String({ minLength: 1, maxLength: 100, description: '姓名' }), role: RoleSchema },
  { additionalProperties: false },
);
export const UpdateStaffBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    role: Type.Optional(RoleSchema),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
  },
  { additionalProperties: false },
);
export const LinkResponse = Type.Object({
  staff: Type.Ref('StaffMember'),
  link: Type.String({ description: '設定密碼的連結（7 天內有效，只顯示這一次）' }),
});

export const StaffList = Type.Object({ items: Type.Array(Type.Ref('StaffMember')) });
export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
