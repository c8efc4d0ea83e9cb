// Request and response schemas of the doctors: the HIS's upsert and the back office's lists.
import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const DoctorBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: '醫師姓名', examples: ['林醫師'] }),
    department: Type.Optional(
      Type.Union([Type.String({ maxLength: 50 }), Type.Null()], { description: '科別', examples: ['牙科'] }),
    ),
    title: Type.Optional(
      Type.Union([Type.String({ maxLength: 50 }), Type.Null()], { description: '職稱', examples: ['主治醫師'] }),
    ),
    active: Type.Optional(Type.Boolean({ description: '是否仍在看診，預設 true' })),
  },
  { additionalProperties: false },
);

export const Doctor = Type.Object(
  {
    doctorId: Type.String(),
    name: Type.String(),
    department: Type.Union([Type.String(), Type.Null()]),
    title: Type.Union([Type.String(), Type.Null()]),
    active: Type.Boolean(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'HisDoctor' },
);

export const Doctors = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String({ description: 'HIS 醫師代碼' }),
      name: Type.String(),
      department: Nullable(Type.String()),
      title: Nullable(Type.String()),
      active: Type.Boolean(),
    }),
  ),
  myDoctorId: Nullable(Type.String({ description: '目前登入者對應的醫師' })),
  matchedBy: Nullable(Type.Enum(['link', 'name'])),
  unlinkedDoctorLogin: Type.Boolean({
    description: '目前登入者是醫師帳號，但沒有對應到任何 HIS 醫師（請管理者在「人員」設定連結）',
  }),
});

export const DoctorLinks = Type.Object({
  items: Type.Array(
    Type.Object({
      staffId: Type.String(),
      name: Type.String(),
      email: Type.String(),
      doctorId: Nullable(Type.String()),
      matchedByName: Nullable(Type.String()),
    }),
  ),
});

export const StaffIdParams = Type.Object({ staffId: Type.String({ maxLength: 64 }) });

export const DoctorLinkBody = Type.Object(
  { doctorId: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]) },
  { additionalProperties: false },
);

export const DoctorLink = Type.Object({ staffId: Type.String(), doctorId: Nullable(Type.String()) });
