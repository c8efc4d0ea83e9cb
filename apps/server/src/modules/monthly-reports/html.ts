// The monthly report as one self-contained HTML page for Chromium to print on A4: no scripts, no
// outside requests; charts are ECharts drawn to SVG on the server (the same library as the back
// office's charts), so they stay sharp on paper. Colours are chosen to survive grey-scale printing:
// the target is a dashed line, the series a solid one, the verdicts are words as well as colours.
import { formatValue, meets, monthTitle, targetText, type ReportContent, type ReportKpi } from './content.ts';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const FONT = "'Noto Sans CJK TC', 'Noto Sans TC', 'PingFang TC', 'Microsoft JhengHei', sans-serif";
const GREEN = '#06c755';
const INK = '#1f1f1f';

type Echarts = typeof import('echarts/core');
let loaded: Promise<Echarts> | null = null;
/** ECharts with only the parts the report draws, loaded on the first PDF. */
function charts(): Promise<Echarts> {
  loaded ??= (async () => {
    const [core, c, comp, r] = await Promise.all([
      import('echarts/core'),
      import('echarts/charts'),
      import('echarts/components'),
      import('echarts/renderers'),
    ]);
    core.use([
      c.LineChart,
      c.BarChart,
      comp.GridComponent,
      comp.MarkLineComponent,
      comp.LegendComponent,
      r.SVGRenderer,
    ]);
    return core;
  })();
  return loaded;
}

function svg(ec: Echarts, option: Record<string, unknown>, width: number, height: number): string {
  const chart = ec.init(null, undefined, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT, color: INK }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function dailyChart(ec: Echarts, k: ReportKpi): string {
  const days = k.daily.map((d) => `${Number(d.period.slice(8, 10))}`);
  const values = k.daily.map((d) => d.value);
  return svg(
    ec,
    {
      grid: { left: 44, right: 14, top: 14, bottom: 22 },
      xAxis: {
        type: 'category',
        data: days,
        axisLabel: { fontSize: 9, interval: Math.max(0, Math.ceil(days.length / 8) - 1) },
        axisTick: { show: false },
      },
      yAxis: {
        type: 'value',
        axisLabel: {
          fontSize: 9,
          formatter: (v: number) =>
            k.unit === 'percent' ? `${v}%` : k.unit === 'minutes' && v >= 120 ? `${Math.round(v / 6) / 10}h` : `${v}`,
        },
        splitLine: { lineStyle: { color: '#f0f0f0' } },
        min: 0,
        // Room above the highest day and the target line; a rate never goes past 100 %.
        max: (e: { max: number }) => {
          const top = Math.max(e.max, k.target?.value ?? 0) * 1.15 || 1;
          return k.unit === 'percent' ? Math.min(100, Math.ceil(top / 5) * 5) : undefined;
        },
      },
      series: [
        {
          type: k.unit === 'count' || k.unit === 'twd' ? 'bar' : 'line',
          data: values,
          connectNulls: true,
          symbolSize: 3,
          lineStyle: { color: GREEN, width: 2 },
          itemStyle: { color: GREEN },
          markLine: k.target
            ? {
                silent: true,
                symbol: 'none',
                lineStyle: { color: '#cf1322', type: 'dashed', width: 1.5 },
                label: { show: false },
                data: [{ yAxis: k.target.value }],
              }
            : undefined,
        },
      ],
    },
    330,
    150,
  );
}

function baselineChart(ec: Echarts, b: NonNullable<ReportContent['baseline']>): string {
  return svg(
    ec,
    {
      legend: { top: 0, textStyle: { fontSize: 10 } },
      grid: { left: 40, right: 14, top: 44, bottom: 24 }, // room for the legend above the bars' labels
      xAxis: { type: 'category', data: b.rows.map((r) => r.label), axisLabel: { fontSize: 10 } },
      yAxis: { type: 'value', axisLabel: { fontSize: 9, formatter: '{value}%' } },
      series: [
        {
          name: `基準期（${b.label}）`,
          type: 'bar',
          data: b.rows.map((r) => r.baseline),
          itemStyle: { color: '#bfbfbf' },
          label: {
            show: true,
            position: 'top',
            fontSize: 9,
            formatter: (p: { value: number }) => `${p.value.toFixed(1)}%`,
          },
        },
        {
          name: '本月',
          type: 'bar',
          data: b.rows.map((r) => r.current),
          itemStyle: { color: GREEN },
          label: {
            show: true,
            position: 'top',
            fontSize: 9,
            formatter: (p: { value: number }) => `${p.value.toFixed(1)}%`,
          },
        },
      ],
    },
    330,
    170,
  );
}

const verdict = (k: ReportKpi) => {
  const m = meets(k.value, k.target);
  if (m === null) return '<td class="c muted">—</td>';
  return m ? '<td class="c ok">✔ 達標</td>' : '<td class="c bad">✘ 未達標</td>';
};

const change = (k: ReportKpi) => {
  if (k.value === null || k.previous === null) return '—';
  const d = k.value - k.previous;
  if (Math.abs(d) < 0.05) return '持平';
  const unit = k.unit === 'percent' ? ' 個百分點' : '';
  const abs = k.unit === 'percent' ? Math.abs(d).toFixed(1) : formatValue(Math.abs(d), k.unit);
  return `${d > 0 ? '▲' : '▼'} ${abs}${unit}`;
};

const DAILY_NOTE = '<p class="note">實線為每日數值，紅色虛線為目標；沒有資料的日子不畫點。</p>';
const points = (d: number | null) => (d === null ? '—' : `${d > 0 ? '+' : ''}${d.toFixed(1)} 個百分點`);
const targetMark = (k: ReportKpi) =>
  k.target ? `<i class="dash"></i>目標 ${esc(targetText(k.target, k.unit))}　` : '';

const CSS = `
@page { size: A4; }
* { box-sizing: border-box; }
body { margin: 0; font-family: ${FONT}; color: ${INK}; font-size: 10pt; line-height: 1.5;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 20pt; margin: 0; letter-spacing: 0.02em; }
h2 { font-size: 13pt; margin: 18px 0 8px; padding-left: 8px; border-left: 4px solid ${GREEN}; break-after: avoid; }
.head { display: flex; justify-content: space-between; align-items: flex-end; border-bottom: 2px solid ${INK};
  padding-bottom: 8px; margin-bottom: 12px; }
.brand { color: ${GREEN}; font-weight: 700; font-size: 10pt; letter-spacing: 0.08em; }
.meta { text-align: right; font-size: 9pt; color: #595959; }
.note { font-size: 8.5pt; color: #595959; }
.partial { background: #fffbe6; border: 1px solid #ffe58f; padding: 6px 10px; border-radius: 4px; margin-bottom: 10px; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; }
.tile { border: 1px solid #d9d9d9; border-radius: 6px; padding: 8px 10px; break-inside: avoid; }
.tile .l { font-size: 8.5pt; color: #595959; }
.tile .v { font-size: 15pt; font-weight: 700; margin-top: 2px; }
.tile .s { font-size: 8pt; color: #595959; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; }
th { background: #f5f5f5; text-align: left; font-weight: 600; }
th, td { border-bottom: 1px solid #e8e8e8; padding: 5px 6px; vertical-align: top; }
tr { break-inside: avoid; }
td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.c { text-align: center; white-space: nowrap; }
.ok { color: #237804; font-weight: 600; }
.bad { color: #a8071a; font-weight: 600; }
.muted { color: #8c8c8c; }
.formula { font-size: 8pt; color: #595959; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 10px 14px; }
.chart { border: 1px solid #e8e8e8; border-radius: 6px; padding: 6px 6px 0; break-inside: avoid; }
.chart .t { font-size: 9pt; font-weight: 600; padding: 0 4px; display: flex; justify-content: space-between; }
.chart .t span { font-weight: 400; color: #595959; }
.chart svg { display: block; width: 100%; height: auto; }
.dash { display: inline-block; width: 14px; border-top: 1.5px dashed #cf1322; vertical-align: middle;
  margin-right: 4px; }
.break { break-before: page; }
.total td { font-weight: 700; border-top: 2px solid ${INK}; background: #f6ffed; }
`;

export async function reportHtml(r: ReportContent): Promise<string> {
  const ec = await charts();
  const net = r.value.figures.find((f) => f.key === 'net_value_twd') ?? r.value.figures.at(-1);
  const byKey = new Map(r.kpis.map((k) => [k.key, k]));
  const tiles = [
    net
      ? { l: net.label, v: formatValue(net.value, net.unit), s: 'Careline 的效益（新台幣）', bad: (net.value ?? 0) < 0 }
      : null,
    ...['no_show_rate', 'confirmation_rate', 'line_binding_rate'].map((key) => {
      const k = byKey.get(key);
      if (!k) return null;
      const s = k.target ? `目標 ${targetText(k.target, k.unit)}` : `上月 ${formatValue(k.previous, k.unit)}`;
      return { l: k.label, v: formatValue(k.value, k.unit), s, bad: meets(k.value, k.target) === false };
    }),
  ].filter((t) => t !== null);
  const met = r.kpis.filter((k) => meets(k.value, k.target) === true).length;
  const judged = r.kpis.filter((k) => meets(k.value, k.target) !== null).length;

  const kpiRows = r.kpis
    .map(
      (k) => `<tr>
  <td><b>${esc(k.label)}</b><div class="formula">${esc(k.formula)}</div></td>
  <td class="n"><b>${esc(formatValue(k.value, k.unit))}</b></td>
  <td class="n">${esc(formatValue(k.previous, k.unit))}</td>
  <td class="n">${esc(change(k))}</td>
  <td class="n">${esc(targetText(k.target, k.unit))}</td>
  ${verdict(k)}
</tr>`,
    )
    .join('\n');

  const charted = r.kpis.filter((k) => k.daily.some((d) => d.value !== null));
  const chartCells = charted
    .map((k) => {
      const title = `${esc(k.label)}<span>${targetMark(k)}本月 ${esc(formatValue(k.value, k.unit))}</span>`;
      return `<div class="chart"><div class="t">${title}</div>\n${dailyChart(ec, k)}</div>`;
    })
    .join('\n');

  const valueRows = r.value.figures
    .map(
      (f) => `<tr${f === net ? ' class="total"' : ''}>
  <td>${esc(f.label)}</td><td class="n">${esc(formatValue(f.value, f.unit))}</td>
  <td class="formula">${esc(f.formula)}</td>
</tr>`,
    )
    .join('\n');

  const b = r.baseline;
  const baselineBlock = b
    ? `<h2>導入前後比較</h2>
<div class="grid"><div>
<table><tr><th>指標</th><th class="n">基準期</th><th class="n">本月</th><th class="n">差異</th></tr>
${b.rows
  .map((x) => {
    const d = x.baseline !== null && x.current !== null ? Math.round((x.current - x.baseline) * 10) / 10 : null;
    return `<tr><td>${esc(x.label)}</td><td class="n">${esc(formatValue(x.baseline, x.unit))}</td>
<td class="n">${esc(formatValue(x.current, x.unit))}</td>
<td class="n ${d !== null && d < 0 ? 'ok' : d !== null && d > 0 ? 'bad' : ''}">${points(d)}</td></tr>`;
  })
  .join('\n')}
</table><p class="note">基準期：${esc(b.label)}。比率越低越好：負的差異表示比導入前改善。</p></div>
<div class="chart">${baselineChart(ec, b)}</div></div>`
    : '';

  return `<!doctype html>
<html lang="zh-TW"><head><meta charset="utf-8"><title>${esc(r.clinicName)} ${esc(monthTitle(r.month))} 月報</title>
<style>${CSS}</style></head><body>
<div class="head"><div><div class="brand">CARELINE 月報</div>
<h1>${esc(r.clinicName)}　${esc(monthTitle(r.month))}</h1></div>
<div class="meta">期間 ${esc(r.from)} ～ ${esc(r.to)}<br>時區 ${esc(r.timeZone)}<br>產生時間 ${esc(r.generatedAt)}</div></div>
${r.partial ? `<div class="partial">本月尚未結束：數字計算到 ${esc(r.to)} 為止，月底後重新下載可取得完整月報。</div>` : ''}
<div class="tiles">${tiles
    .map(
      (t) =>
        `<div class="tile"><div class="l">${esc(t.l)}</div><div class="v${t.bad ? ' bad' : ''}">${esc(t.v)}</div>` +
        `<div class="s">${esc(t.s)}</div></div>`,
    )
    .join('')}</div>

<h2>關鍵指標（KPI）</h2>
<p class="note">有目標的 ${judged} 項指標中，本月 ${met} 項達標。目標依櫃台服務標準；「—」表示本月沒有可計算的資料。</p>
<table><tr><th>指標與計算方式</th><th class="n">本月</th><th class="n">上月</th><th class="n">變化</th>
<th class="n">目標</th><th class="c">結果</th></tr>
${kpiRows}
</table>

<h2 class="break">Careline 效益（新台幣）</h2>
<table><tr><th>項目</th><th class="n">本月</th><th>計算方式</th></tr>
${valueRows}
</table>
<p class="note">診所設定：${r.value.settings.map((s) => `${esc(s.label)} ${esc(s.value)}`).join('；')}。這些是估算，不是會計數字。</p>
${baselineBlock}
${charted.length ? `<h2 class="break">每日趨勢</h2>${DAILY_NOTE}<div class="grid">${chartCells}</div>` : ''}
</body></html>`;
}
