// The monthly report as an Excel workbook: 摘要 (the month's KPIs against target and last month),
// 每日 (one row per day, one column per KPI), 效益 (the NT$ figures with their formulas) and
// 導入前後 (the baseline comparison). Values are numbers with a number format, so a clinic can
// chart or sum them in Excel; percentages are written as percent cells.
import { excel, neutraliseWorkbook } from '../../platform/xlsx.ts';
import { meets, monthTitle, targetText, type ReportContent, type Unit } from './content.ts';

const NUM_FMT: Record<Unit, string> = {
  percent: '0.0%',
  minutes: '0.0" 分鐘"',
  hours: '0.0" 小時"',
  count: '#,##0.#',
  twd: '"NT$ "#,##0;"−NT$ "#,##0',
};
/** Percent KPIs are 0–100 in the API; Excel's percent cells hold fractions. A missing value is an
 * empty cell in the day grid and "—" in the summary, never a zero. */
const cell = (v: number | null, unit: Unit) => (v === null ? null : unit === 'percent' ? v / 100 : v);

export async function reportXlsx(r: ReportContent): Promise<Buffer> {
  const ExcelJS = await excel();
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Careline';
  wb.title = `${r.clinicName} ${monthTitle(r.month)} 月報`;
  const bold = { bold: true };

  const sum = wb.addWorksheet('摘要', { views: [{ state: 'frozen', ySplit: 4 }] });
  sum.addRow([`${r.clinicName} ${monthTitle(r.month)} 月報`]).font = { bold: true, size: 14 };
  sum.addRow([
    `期間 ${r.from} ～ ${r.to}（${r.timeZone}）${r.partial ? '，本月尚未結束' : ''}；產生時間 ${r.generatedAt}`,
  ]);
  sum.addRow([]);
  sum.addRow(['指標', '本月', '上月', '目標', '結果', '分子', '分母', '定義', '計算方式']).font = bold;
  for (const k of r.kpis) {
    const m = meets(k.value, k.target);
    const row = sum.addRow([
      k.label,
      cell(k.value, k.unit) ?? '—',
      cell(k.previous, k.unit) ?? '—',
      targetText(k.target, k.unit),
      m === null ? '—' : m ? '達標' : '未達標',
      k.numerator,
      k.denominator,
      k.definition,
      k.formula,
    ]);
    row.getCell(2).numFmt = NUM_FMT[k.unit];
    row.getCell(3).numFmt = NUM_FMT[k.unit];
    if (m !== null) row.getCell(5).font = { bold: true, color: { argb: m ? 'FF237804' : 'FFA8071A' } };
  }
  sum.columns.forEach((c, i) => (c.width = [22, 12, 12, 14, 9, 10, 10, 50, 50][i]));

  const daily = wb.addWorksheet('每日', { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
  const withDays = r.kpis.filter((k) => k.daily.length);
  daily.addRow(['日期', ...withDays.map((k) => k.label)]).font = bold;
  const days = withDays[0]?.daily.map((d) => d.period) ?? [];
  days.forEach((day, i) => {
    const row = daily.addRow([day, ...withDays.map((k) => cell(k.daily[i]?.value ?? null, k.unit))]);
    withDays.forEach((k, j) => (row.getCell(j + 2).numFmt = NUM_FMT[k.unit]));
  });
  daily.columns.forEach((c, i) => (c.width = i === 0 ? 12 : 14));

  const value = wb.addWorksheet('效益');
  value.addRow(['項目', '本月', '計算方式']).font = bold;
  for (const f of r.value.figures) {
    const row = value.addRow([f.label, cell(f.value, f.unit), f.formula]);
    row.getCell(2).numFmt = NUM_FMT[f.unit];
  }
  value.lastRow!.font = bold;
  value.addRow([]);
  value.addRow(['診所設定']).font = bold;
  for (const s of r.value.settings) value.addRow([s.label, s.value]);
  value.columns.forEach((c, i) => (c.width = [26, 16, 70][i]));

  if (r.baseline) {
    const b = wb.addWorksheet('導入前後');
    b.addRow([`基準期：${r.baseline.label}`]).font = bold;
    b.addRow(['指標', '基準期', '本月', '差異']).font = bold;
    for (const x of r.baseline.rows) {
      const row = b.addRow([
        x.label,
        cell(x.baseline, x.unit),
        cell(x.current, x.unit),
        x.baseline !== null && x.current !== null ? cell(x.current - x.baseline, x.unit) : null,
      ]);
      [2, 3, 4].forEach((n) => (row.getCell(n).numFmt = NUM_FMT[x.unit]));
    }
    b.columns.forEach((c, i) => (c.width = [22, 14, 14, 14][i]));
  }
  neutraliseWorkbook(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
