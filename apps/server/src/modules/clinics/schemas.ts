import { Type } from 'typebox';

const Hhmm = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: '24 小時制 HH:MM',
  examples: ['09:00'],
});

export const BusinessHours = Type.Array(
  Type.Object(
    {
      weekday: Type.Integer({ minimum: 0, maximum: 6, description: '0 = 週日、1 = 週一 … 6 = 週六' }),
      open: Hhmm,
      close: Hhmm,
    },
    { additionalProperties: false },
  ),
  { maxItems: 50, description: '門診時段，一天可有多個時段（早診、午診、晚診）' },
);

export const Clinic = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    timeZone: Type.String({ examples: ['Asia/Taipei'] }),
    address: Type.String(),
    phone: Type.String(),
    businessHours: BusinessHours,
    status: Type.String(),
    isSandbox: Type.Boolean(),
    createdAt: Type.String(),
  },
  { $id: 'Clinic' },
);

export const UpdateClinicBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: '診所名稱' })),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA 時區，預設 Asia/Taipei' })),
    address: Type.Optional(Type.String({ maxLength: 200 })),
    phone: Type.Optional(Type.String({ maxLength: 30 })),
    businessHours: Type.Optional(BusinessHours),
  },
  { additionalProperties: false },
);

export const CreateClinicBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    address: Type.Optional(Type.String({ maxLength: 200 })),
    phone: Type.Optional(Type.String({ maxLength: 30 })),
    adminEmail: Type.String({ format: 'email', maxLength: 200 }),
    adminName: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);

export const ClinicList = Type.Object({ items: Type.Array(Type.Ref('Clinic')) });
export const OpenedClinic = Type.Object({ clinic: Type.Ref('Clinic'), adminInviteLink: Type.String() });
