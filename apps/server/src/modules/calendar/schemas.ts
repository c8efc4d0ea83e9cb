// Request and response schemas of the working-day calendar routes.
import { Type } from 'typebox';

const DateStr = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD（診所所在時區的日期）' });
const OverrideKind = Type.Union([Type.Literal('closed'), Type.Literal('open')], {
  description: 'closed：診所休診（例如颱風停診）；open：加開（平常休診或國定假日照常看診）',
});

export const CalendarOverride = Type.Object(
  {
    id: Type.String(),
    date: Type.String(),
    kind: OverrideKind,
    note: Type.String(),
    createdBy: Type.String(),
    createdAt: Type.String(),
  },
  { $id: 'CalendarOverride' },
);

export const DaysQuery = Type.Object({ from: DateStr, to: DateStr });

export const DaysResponse = Type.Object({
  items: Type.Array(Type.Object({ date: Type.String(), working: Type.Boolean(), reason: Type.String() })),
});

export const YearsResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      year: Type.Integer(),
      source: Type.String(),
      importedAt: Type.Union([Type.String(), Type.Null()]),
      importedBy: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const ImportBody = Type.Object(
  {
    year: Type.Integer({ minimum: 2000, maximum: 2100, description: '西元年，須與檔案內容相符' }),
    csv: Type.Optional(Type.String({ maxLength: 200_000, description: 'CSV 文字（UTF-8）' })),
    csvBase64: Type.Optional(
      Type.String({ maxLength: 300_000, description: 'CSV 檔案內容（Big5 或 UTF-8）的 Base64' }),
    ),
  },
  { additionalProperties: false },
);

export const ImportResponse = Type.Object({
  year: Type.Integer(),
  days: Type.Integer(),
  daysOff: Type.Integer(),
  makeUpWorkdays: Type.Integer(),
  entries: Type.Array(Type.Object({ date: Type.String(), off: Type.Boolean(), name: Type.String() })),
});

export const ClosuresQuery = Type.Object({ from: Type.Optional(DateStr) });

export const ClosuresResponse = Type.Object({ items: Type.Array(Type.Ref('CalendarOverride')) });

export const ClosureBody = Type.Object(
  {
    date: DateStr,
    kind: Type.Union([Type.Literal('closed'), Type.Literal('open')], { description: 'closed 休診／open 加開' }),
    note: Type.Optional(Type.String({ maxLength: 100, description: '原因，例如「颱風停診」' })),
  },
  { additionalProperties: false },
);

export const ClosureParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
