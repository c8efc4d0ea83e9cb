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

const DayCategory = Type.Union(
  [
    Type.Literal('holiday'),
    Type.Literal('observed'),
    Type.Literal('makeup_workday'),
    Type.Literal('weekly_closed'),
    Type.Literal('clinic_closed'),
    Type.Literal('clinic_open'),
    Type.Literal('working'),
  ],
  {
    description:
      'holiday 國定假日（政府放假日）；observed 補假；makeup_workday 補行上班（補班）；weekly_closed 每週固定休診' +
      '（依門診時段）；clinic_closed 診所休診（自訂）；clinic_open 診所加開（自訂）；working 一般上班日',
  },
);

export const CalendarDay = Type.Object(
  {
    date: Type.String(),
    working: Type.Boolean({ description: '診所這天是否看診（提醒排程據此判斷）' }),
    category: DayCategory,
    reason: Type.String({
      description: '原因（中文），例如「春節」「和平紀念日補假」「週日休診」「診所休診：颱風停診」',
    }),
  },
  { $id: 'CalendarDay' },
);

export const DaysResponse = Type.Object({ items: Type.Array(Type.Ref('CalendarDay')) });

const Year = Type.Integer({ minimum: 2000, maximum: 2100, description: '西元年' });

export const YearQuery = Type.Object({ year: Year });

const Source = Type.Union(
  [Type.Literal('shipped'), Type.Literal('platform_import'), Type.Literal('clinic_import'), Type.Literal('none')],
  {
    description:
      '政府行政機關辦公日曆表的來源：shipped 系統內建、platform_import 平台匯入、clinic_import 本診所匯入、none 尚無資料（只依週末與門診時段）',
  },
);

export const YearResponse = Type.Object({
  year: Type.Integer(),
  source: Source,
  provisional: Type.Boolean({
    description: '這一年的政府辦公日曆尚未以官方檔案核對（系統依放假規則推算，或尚無資料）；官方公布後請匯入',
  }),
  importedAt: Type.Union([Type.String(), Type.Null()]),
  counts: Type.Record(Type.String(), Type.Integer(), { description: '每種類別的天數' }),
  items: Type.Array(Type.Ref('CalendarDay')),
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

const GovDay = Type.Object({
  off: Type.Boolean({ description: '政府行政機關是否放假' }),
  name: Type.String({ description: '備註（假日名稱）；一般週末與上班日為空字串' }),
});

export const ImportPreviewResponse = Type.Object({
  year: Type.Integer(),
  days: Type.Integer(),
  daysOff: Type.Integer({ description: '週末以外的放假日與有名稱的週末假日數' }),
  makeUpWorkdays: Type.Integer(),
  current: Source,
  changes: Type.Array(
    Type.Object({
      date: Type.String(),
      change: Type.Union([Type.Literal('becomes_off'), Type.Literal('becomes_working'), Type.Literal('renamed')], {
        description: 'becomes_off 改為放假；becomes_working 改為上班；renamed 只有名稱不同',
      }),
      before: GovDay,
      after: GovDay,
    }),
    { description: '與目前使用中的資料相比有差異的日子，依日期排序' },
  ),
});

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
