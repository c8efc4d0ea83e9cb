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
/**
 * The shortest password a staff member may set (OWASP ASVS 2.1.1: at least 12). Passwords set
 * before the rule keep working at login (the login schema takes any length); the next password
 * set through a link must follow it.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const Password = Type.String({
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: 200,
  description: `密碼，至少 ${PASSWORD_MIN_LENGTH} 個字元`,
});

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

export const TwoFactorChallenge = Type.Object(
  {
    twoFactor: Type.Object({
      step: Type.Union([Type.Literal('verify'), Type.Literal('enrol')], {
        description: 'verify：輸入驗證 App 的 6 位數字或復原碼；enrol：診所要求兩步驟驗證，先掃描 QR code 設定',
      }),
      challenge: Type.String({ description: '第二步驟要帶回的登入驗證代碼（5 分鐘內有效）' }),
      expiresAt: Type.String(),
      setup: Type.Union([
        Type.Object({
          secret: Type.String({ description: '手動輸入用的金鑰（base32）' }),
          otpauthUri: Type.String({ description: 'QR code 內容（otpauth://totp/…）' }),
        }),
        Type.Null(),
      ]),
    }),
  },
  { $id: 'TwoFactorChallenge' },
);

export const LoginResponse = Type.Union([SessionResponse, Type.Ref('TwoFactorChallenge')], {
  description: '登入成功（session）或需要第二步驟（twoFactor）',
});

export const LoginCodeBody = Type.Object(
  {
    challenge: Type.String({ minLength: 10, maxLength: 200 }),
    code: Type.String({ minLength: 1, maxLength: 40, description: '驗證 App 的 6 位數字，或一組復原碼' }),
  },
  { additionalProperties: false },
);

export const LoginCodeResponse = Type.Object({
  user: Type.Ref('SessionUser'),
  csrfToken: Type.String(),
  recoveryCodes: Type.Union([Type.Array(Type.String()), Type.Null()], {
    description: '登入時完成兩步驟驗證設定才有：10 組復原碼，只顯示這一次',
  }),
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
