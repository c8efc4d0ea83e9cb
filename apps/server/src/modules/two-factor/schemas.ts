import { Type } from 'typebox';

export const TwoFactorStatus = Type.Object({
  enabled: Type.Boolean({ description: '是否已啟用兩步驟驗證' }),
  enabledAt: Type.Union([Type.String(), Type.Null()]),
  recoveryCodesLeft: Type.Integer({ description: '尚未使用的復原碼數量' }),
  required: Type.Boolean({ description: '診所要求（或平台營運人員）必須使用，不能停用' }),
});

export const SetupResponse = Type.Object({
  secret: Type.String({ description: '手動輸入用的金鑰（base32）' }),
  otpauthUri: Type.String({ description: 'QR code 內容（otpauth://totp/…）' }),
});

export const CodeBody = Type.Object(
  {
    code: Type.String({
      minLength: 1,
      maxLength: 40,
      description: '驗證 App 的 6 位數字（停用與重新產生時也可用復原碼）',
    }),
  },
  { additionalProperties: false },
);

export const RecoveryCodesResponse = Type.Object({
  recoveryCodes: Type.Array(Type.String(), { description: '10 組復原碼，只顯示這一次；每組只能使用一次' }),
});

export const SecuritySettings = Type.Object({
  requireTwoFactor: Type.Boolean({ description: '要求診所所有人員使用兩步驟驗證' }),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
  staff: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      email: Type.String(),
      roleLabel: Type.String(),
      status: Type.String({ description: 'invited 已邀請、active 啟用中、disabled 已停用' }),
      twoFactorEnabled: Type.Boolean(),
    }),
    { description: '診所人員與各自是否已啟用兩步驟驗證' },
  ),
});

export const SecuritySettingsBody = Type.Object(
  { requireTwoFactor: Type.Boolean({ description: '要求診所所有人員使用兩步驟驗證' }) },
  { additionalProperties: false },
);

export const StaffIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
