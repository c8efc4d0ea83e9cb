// Request and response schemas of the reports routes: the KPIs (day / week / month, per doctor
// and visit type), the value of Careline in NT$, the baseline comparison and the settings.
import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const day = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
const NullableNumber = (description: string) => Nullable(Type.Number({ description }));

const Unit = Type.Union(
  [Type.Literal('percent'), Type.Literal('minutes'), Type.Literal('hours'), Type.Literal('count'), Type.Literal('twd')],
  { description: 'percent 百分比（0–100）、minutes 分鐘、hours 小時、count 件數、twd 新台幣' },
);
const Target = Type.Object(
  {
    op: Type.Union([Type.Literal('>='), Type.Literal('<=')]),
    value: Type.Number({ description: '目標值，單位同 unit（百分比為 0–100）' }),
  },
  { description: '目標（客服人員職務說明書的績效指標）；null 表示沒有目標' },
);
const Figure = {
  value: NullableNumber('數值；分母為 0 或無資料時為 null'),
  numerator: NullableNumber('分子（費用為則數或點數）'),
  denominator: NullableNumber('分母（費用沒有分母）'),
};
const Range = Type.Object({ from: day('起始日（含）'), to: day('結束日（含）') });
const RollupState = Type.Object(
  {
    state: Type.Union([Type.Literal('ready'), Type.Literal('building')], {
      description: 'ready：彙總已建立；building：第一次建立（或重建）歷史資料中，數字可能不完整',
    }),
    refreshedAt: Nullable(Type.String({ description: '最近一次更新彙總的時間' })),
  },
  { description: '每日彙總的狀態（由背景工作每小時更新）' },
);

export const KpisQuery = Type.Object({
  from: Type.Optional(day('起始日（含，診所時區）；預設依 grain：30 天、12 週或 12 個月前')),
  to: Type.Optional(day('結束日（含），預設今天')),
  grain: Type.Optional(
    Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], {
      description: 'day 每日（預設）、week 每週（週一起算，以週一日期表示）、month 每月（YYYY-MM）',
    }),
  ),
  doctorId: Type.Optional(Type.String({ minLength: 1, description: '只看這位醫師（HIS 醫師代碼）' })),
  visitType: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '只看這個看診類別' })),
});

export const KpisResponse = Type.Object({
  from: day('起始日'),
  to: day('結束日'),
  grain: Type.String(),
  timeZone: Type.String(),
  rollup: RollupState,
  kpis: Type.Array(
    Type.Object({
      key: Type.String({ description: '穩定的英文代碼，例如 no_show_rate' }),
      label: Type.String(),
      unit: Unit,
      definition: Type.String({ description: '定義（滑鼠移到指標上顯示）' }),
      formula: Type.String({ description: '計算公式' }),
      target: Nullable(Target),
      scope: Type.Union([Type.Literal('visit'), Type.Literal('clinic')], {
        description: 'visit：依醫師與看診類別篩選；clinic：全診所的數字，不受醫師與看診類別篩選影響',
      }),
      total: NullableNumber('整個期間的數值'),
      series: Type.Array(
        Type.Object({
          period: Type.String({ description: 'YYYY-MM-DD（日、週的週一）或 YYYY-MM（月）' }),
          ...Figure,
        }),
      ),
    }),
  ),
  filters: Type.Object({
    doctors: Type.Array(Type.Object({ id: Type.String({ description: 'HIS 醫師代碼' }), name: Type.String() })),
    visitTypes: Type.Array(Type.String()),
  }),
});

export const ValueQuery = Type.Object({
  month: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$', description: '月份 YYYY-MM，預設本月' })),
});
export const ValueResponse = Type.Object({
  month: Type.String(),
  from: day('月初'),
  to: day('月底（本月為今天）'),
  baseline: Range,
  figures: Type.Array(
    Type.Object({
      key: Type.String(),
      label: Type.String(),
      unit: Unit,
      value: NullableNumber('數值；無法計算時為 null（公式中說明原因）'),
      formula: Type.String({ description: '公式與代入的數字' }),
    }),
  ),
});

export const BaselineQuery = Type.Object({
  from: Type.Optional(day('比較期間起始日，預設三個月前')),
  to: Type.Optional(day('比較期間結束日，預設今天')),
  doctorId: Type.Optional(Type.String({ minLength: 1, description: '只看這位醫師（HIS 醫師代碼）' })),
  visitType: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '只看這個看診類別' })),
});
export const BaselineResponse = Type.Object({
  baseline: Range,
  current: Range,
  figures: Type.Array(
    Type.Object({
      key: Type.String(),
      label: Type.String(),
      unit: Unit,
      formula: Type.String(),
      baseline: Type.Object(Figure),
      current: Type.Object(Figure),
      change: NullableNumber('比較期間減去基準期間（百分點）'),
    }),
  ),
});

const settingsFields = {
  baselinePeriod: Nullable(
    Type.Object(
      { from: day('基準期間起始日（含）'), to: day('基準期間結束日（含）') },
      { additionalProperties: false, description: '基準期間；null 表示使用預設（導入 Careline 前三個月）' },
    ),
  ),
  averageVisitValueTwd: Type.Integer({ minimum: 0, maximum: 1_000_000, description: '平均每診收入（新台幣）' }),
  minutesPerCall: Type.Integer({ minimum: 0, maximum: 120, description: '櫃台打一通確認電話的平均分鐘數' }),
  staffHourlyCostTwd: Type.Integer({ minimum: 0, maximum: 100_000, description: '櫃台人員每小時人事成本（新台幣）' }),
};
export const ReportSettingsBody = Type.Object(settingsFields, { additionalProperties: false });
export const ReportSettings = Type.Object({
  ...settingsFields,
  baseline: Type.Object({
    ...Range.properties,
    isDefault: Type.Boolean({ description: '是否為預設的基準期間' }),
  }),
  carelineSince: Nullable(day('開始使用 Careline 的日期（HIS 第一次連線，否則診所建立日）')),
  updatedAt: Nullable(Type.String()),
  updatedBy: Nullable(Type.String()),
});
