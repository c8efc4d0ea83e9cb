import { Type } from 'typebox';

export const HisId = (what: string) =>
  Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[^\\s/?#]+$',
    description: `HIS 端的${what}代碼（字串，同一診所內唯一）`,
  });

// Identifying fields take null for "none"; an empty string is refused rather than read as null.
export const PatientBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      description: '姓名（前後空白會去除；1–50 字）',
      examples: ['王小明'],
    }),
    phone: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 30 }), Type.Null()], {
        description:
          '電話：手機 0912-345-678、+886 912 345 678 等常見寫法皆可，儲存為 E.164；市話（含區碼）可收但不能用於 LINE 綁定',
        examples: ['0912-345-678'],
      }),
    ),
    birthDate: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 20 }), Type.Null()], {
        description: '出生日期，西元 YYYY-MM-DD，不可晚於今天',
        examples: ['1980-05-17'],
      }),
    ),
    nationalId: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 20 }), Type.Null()], {
        description: '身分證字號或居留證號（新式、舊式皆可），會檢查檢查碼；加密儲存，回應只顯示遮罩',
        examples: ['A123456789'],
      }),
    ),
    chartNo: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 50 }), Type.Null()], {
        description: '病歷號',
        examples: ['0012345'],
      }),
    ),
    gender: Type.Optional(
      Type.Union([Type.Enum(['male', 'female', 'other', 'unknown']), Type.Null()], {
        description: '性別：male 男、female 女、other 其他、unknown 不明',
      }),
    ),
  },
  { additionalProperties: false, description: '省略的欄位維持原值；傳 null 表示清除。' },
);

const LightValue = (codes: string[], examples: [string, string]) =>
  Type.Object(
    { code: Type.Enum(codes), label: Type.String() },
    { examples: [{ code: examples[0], label: examples[1] }] },
  );

export const LineLight = LightValue(['bound', 'unbound', 'blocked'], ['unbound', 'LINE未綁定']);

export const Patient = Type.Object(
  {
    patientId: Type.String(),
    name: Type.String(),
    chartNo: Type.Union([Type.String(), Type.Null()]),
    gender: Type.Union([Type.String(), Type.Null()]),
    birthDate: Type.Union([Type.String(), Type.Null()]),
    phone: Type.Union([
      Type.Object({
        e164: Type.String({ examples: ['+886912345678'] }),
        type: Type.Enum(['mobile', 'landline'], { description: 'mobile 手機（可收簡訊）、landline 市話' }),
      }),
      Type.Null(),
    ]),
    nationalIdMasked: Type.Union([Type.String({ examples: ['A12****789'] }), Type.Null()]),
    lights: Type.Object({ line: LineLight }),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'HisPatient', description: '病患（身分證字號只回傳遮罩）' },
);

export const PatientStatus = Type.Object(
  {
    patientId: Type.String(),
    lights: Type.Object({ line: LineLight }),
    lineStatusChangedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'HisPatientStatus' },
);
