// Request and response schemas of 報表 › 月報.
import { Type } from 'typebox';

export const MonthParams = Type.Object({
  month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: '月份 YYYY-MM（診所所在時區）' }),
});

export const DownloadQuery = Type.Object({
  format: Type.Union([Type.Literal('xlsx'), Type.Literal('pdf')], { description: 'xlsx（Excel）或 pdf' }),
});

export const MonthsResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      month: Type.String({ description: 'YYYY-MM' }),
      label: Type.String({ description: '例如「2026 年 11 月」' }),
      from: Type.String({ description: '月報的第一天 YYYY-MM-DD' }),
      to: Type.String({ description: '月報的最後一天；本月為今天' }),
      partial: Type.Boolean({ description: '本月尚未結束（數字計算到今天）' }),
    }),
    { description: '本月與之前 12 個月，新的在前' },
  ),
});
