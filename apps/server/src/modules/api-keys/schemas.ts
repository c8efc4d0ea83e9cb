import { Type } from 'typebox';

export const ApiKey = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String({ description: '金鑰開頭幾碼，方便辨識' }),
    sandbox: Type.Boolean({ description: '沙盒金鑰：寫入本診所的沙盒，不會動到正式病患資料' }),
    createdAt: Type.String(),
    lastUsedAt: Type.Union([Type.String(), Type.Null()]),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ApiKey' },
);

export const ApiKeyList = Type.Object({ items: Type.Array(Type.Ref('ApiKey')) });

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: '用途說明，例如「院內 HIS 正式機」' }),
    sandbox: Type.Optional(
      Type.Boolean({
        description: 'true：建立沙盒金鑰（寫入「<診所> (沙盒)」，第一次使用時自動建立），給廠商測試串接用',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CreatedApiKey = Type.Object({
  apiKey: Type.Ref('ApiKey'),
  key: Type.String({ description: '金鑰本身，只在建立時顯示這一次' }),
});

export const ApiKeyParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
