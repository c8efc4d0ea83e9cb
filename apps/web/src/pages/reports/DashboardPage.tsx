// The 報表 › KPI 儀表板 page: the front desk's KPIs over a period, per day, week or month, for one
// doctor or visit type or the whole clinic — each a card with its value, the target and a chart
// whose dashed line is the target; hovering a KPI's name shows its definition and formula. Above
// them, no-show and cancellation rates against the clinic's baseline period (before Careline).
// Filters live in the URL.
import { FilePdfOutlined, InfoCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Flex,
  Popover,
  Row,
  Segmented,
  Select,
  Skeleton,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { Fragment, useMemo, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, errorMessage, type ApiResponse } from '../../api.ts';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { DayRangePicker } from '../../components/DayRangePicker.tsx';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { dayjs, formatDateTimeIn } from '../../format.ts';
import {
  formatValue,
  meets,
  periodLabel,
  targetText,
  valueParts,
  type Grain,
  type Kpi,
  type Kpis,
} from './kpiFormat.ts';

const { Text } = Typography;
type Baseline = ApiResponse<'/api/reports/baseline'>;

const GREEN = '#06c755';
const TARGET_RED = '#cf1322';

// Sections of the dashboard, by KPI key; a KPI the list does not know goes to 其他.
const SECTIONS: { title: string; keys: string[] }[] = [
  {
    title: '預約與提醒',
    keys: [
      'line_binding_rate',
      'reminder_delivery_rate',
      'confirmation_rate',
      'no_show_rate',
      'cancellation_rate',
      'reschedule_rate',
      'slots_refilled',
    ],
  },
  {
    title: '客服、客訴與滿意度',
    keys: [
      'inbox_first_response_minutes',
      'faq_answer_rate',
      'complaint_first_action_4h',
      'complaint_reply_24h',
      'satisfaction_rate',
      'complaint_satisfaction_rate',
    ],
  },
  { title: '訊息費用', keys: ['line_cost_twd', 'sms_cost_twd'] },
];

function useFilters() {
  const [params, setParams] = useSearchParams();
  const grain: Grain = params.get('by') === 'week' ? 'week' : params.get('by') === 'month' ? 'month' : 'day';
  // Without a period in the URL the server picks the grain's default (30 days, 12 weeks, 12 months).
  const f = {
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    grain,
    doctorId: params.get('doctor') ?? undefined,
    visitType: params.get('type') ?? undefined,
  };
  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };
  return { f, set };
}

/** An axis maximum with room above the data and the target; never past 100 % for a rate. */
function axisMax(k: Kpi) {
  return (e: { max: number }) => {
    const top = Math.max(e.max, k.target?.value ?? 0) * 1.15;
    if (k.unit === 'percent') return top ? Math.min(100, Math.ceil(top / 10) * 10) : 10;
    return top ? undefined : 1;
  };
}

/** Minutes drawn in hours (a 24 h target): whole-hour ticks (6 h or 12 h apart), not 8.333…h. */
function hourTicks(k: Kpi): { max: number; interval: number } | null {
  if (k.unit !== 'minutes') return null;
  const top = Math.max(k.target?.value ?? 0, ...k.series.map((s) => s.value ?? 0)) * 1.15;
  if (top <= 120) return null;
  const interval = top > 1440 ? 720 : top > 480 ? 360 : 60;
  return { max: Math.ceil(top / interval) * interval, interval };
}

function kpiChart(k: Kpi, grain: Grain): ChartOption {
  const bars = k.unit === 'twd' || k.unit === 'count';
  const hours = hourTicks(k);
  return {
    grid: { left: 8, right: 12, top: 18, bottom: 4, containLabel: true },
    tooltip: {
      trigger: 'axis',
      formatter: (ps: { dataIndex: number }[]) => {
        const s = k.series[ps[0]?.dataIndex ?? 0];
        if (!s) return '';
        const parts = s.numerator !== null && s.denominator !== null ? `<br/>${s.numerator} ÷ ${s.denominator}` : '';
        return `${periodLabel(s.period, grain)}<br/><b>${formatValue(s.value, k.unit)}</b>${parts}`;
      },
    },
    xAxis: {
      type: 'category',
      data: k.series.map((s) => periodLabel(s.period, grain)),
      axisTick: { show: false },
      axisLabel: { color: '#8c8c8c', fontSize: 11, hideOverlap: true },
      axisLine: { lineStyle: { color: '#d9d9d9' } },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: hours?.max ?? axisMax(k),
      ...(hours ? { interval: hours.interval } : { splitNumber: 3 }),
      axisLabel: {
        color: '#8c8c8c',
        fontSize: 11,
        formatter: (v: number) => (k.unit === 'percent' ? `${v}%` : hours ? `${Math.round(v / 60)}h` : `${v}`),
      },
      splitLine: { lineStyle: { color: '#f0f0f0' } },
    },
    series: [
      {
        name: k.label,
        type: bars ? 'bar' : 'line',
        data: k.series.map((s) => s.value),
        connectNulls: true,
        showSymbol: k.series.length <= 31,
        symbolSize: 5,
        barMaxWidth: 18,
        lineStyle: { color: GREEN, width: 2 },
        itemStyle: { color: GREEN },
        areaStyle: bars ? undefined : { color: 'rgba(6, 199, 85, 0.08)' },
        markLine: k.target
          ? {
              silent: true,
              symbol: 'none',
              lineStyle: { color: TARGET_RED, type: 'dashed', width: 1.5 },
              label: { show: false },
              data: [{ yAxis: k.target.value }],
            }
          : undefined,
      },
    ],
  };
}

/** What hovering a KPI's name shows: definition, formula, target and this period's parts. */
function KpiExplanation({ k }: { k: Kpi }) {
  const rows: [string, ReactNode][] = [
    ['定義', k.definition],
    ['公式', <Text strong>{k.formula}</Text>],
  ];
  if (k.target) rows.push(['目標', targetText(k.target, k.unit)]);
  if (k.unit !== 'twd') rows.push(['本期', periodParts(k)]);
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '6px 12px', maxWidth: 380, lineHeight: 1.6 }}>
      {rows.map(([label, body]) => (
        <Fragment key={label}>
          <Text type="secondary">{label}</Text>
          <div>{body}</div>
        </Fragment>
      ))}
    </div>
  );
}

function periodParts(k: Kpi) {
  const num = k.series.reduce((a, s) => a + (s.numerator ?? 0), 0);
  const den = k.series.reduce((a, s) => a + (s.denominator ?? 0), 0);
  if (!den) return '這段期間沒有可計算的資料';
  const n = new Intl.NumberFormat('zh-TW', { maximumFractionDigits: 1 });
  return `${n.format(num)} ÷ ${n.format(den)} = ${formatValue(k.total, k.unit)}`;
}

/** The legend of the target line: a short red dashed stroke. */
const TargetSwatch = () => (
  <span
    aria-hidden
    style={{
      display: 'inline-block',
      width: 14,
      borderTop: `2px dashed ${TARGET_RED}`,
      verticalAlign: 'middle',
      marginRight: 4,
    }}
  />
);

function KpiCard({ k, grain, filtered }: { k: Kpi; grain: Grain; filtered: boolean }) {
  const option = useMemo(() => kpiChart(k, grain), [k, grain]);
  const met = meets(k.total, k.target);
  const [num, unit] = valueParts(k.total, k.unit);
  const empty = k.series.every((s) => s.value === null);
  return (
    <Card size="small" style={{ height: '100%' }} styles={{ body: { padding: '14px 16px 8px' } }} aria-label={k.label}>
      <Flex justify="space-between" align="flex-start" gap={8}>
        <Popover title={k.label} content={<KpiExplanation k={k} />} placement="bottomLeft" mouseEnterDelay={0.15}>
          <span style={{ cursor: 'help', fontWeight: 600, fontSize: 14 }} data-testid={`kpi-name-${k.key}`}>
            {k.label} <InfoCircleOutlined style={{ color: '#8c8c8c', fontSize: 12 }} aria-label="定義與公式" />
          </span>
        </Popover>
        <Flex gap={4}>
          {filtered && k.scope === 'clinic' ? (
            <Tag style={{ marginInlineEnd: 0 }} title="全診所的數字，不受醫師與看診類別篩選影響">
              全診所
            </Tag>
          ) : null}
          {met === null ? null : met ? (
            <Tag color="success" style={{ marginInlineEnd: 0 }}>
              達標
            </Tag>
          ) : (
            <Tag color="error" style={{ marginInlineEnd: 0 }}>
              未達標
            </Tag>
          )}
        </Flex>
      </Flex>
      <Flex align="baseline" gap={6} style={{ marginTop: 6 }}>
        {unit === 'NT$' ? <Text style={{ fontSize: 16, color: '#595959' }}>NT$</Text> : null}
        <span style={{ fontSize: 30, fontWeight: 600, lineHeight: 1.1, fontVariantNumeric: 'tabular-nums' }}>
          {num}
        </span>
        {unit && unit !== 'NT$' ? <Text style={{ fontSize: 16, color: '#595959' }}>{unit}</Text> : null}
        <Text type="secondary" style={{ marginLeft: 'auto', fontSize: 12 }}>
          {k.target ? (
            <>
              <TargetSwatch />
              目標 {targetText(k.target, k.unit)}
            </>
          ) : (
            '無目標'
          )}
        </Text>
      </Flex>
      {empty ? (
        <Flex align="center" justify="center" style={{ height: 140 }}>
          <Text type="secondary">
            {k.key === 'slots_refilled' ? '這段期間沒有交給候補名單的空檔' : '這段期間沒有資料'}
          </Text>
        </Flex>
      ) : (
        <Chart option={option} height={140} label={`${k.label}的趨勢圖`} />
      )}
    </Card>
  );
}

function baselineChart(b: Baseline): ChartOption {
  const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)}%`);
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, itemWidth: 14 },
    grid: { left: 8, right: 16, top: 36, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: b.figures.map((x) => x.label), axisTick: { show: false } },
    yAxis: { type: 'value', axisLabel: { formatter: '{value}%' }, splitLine: { lineStyle: { color: '#f0f0f0' } } },
    series: [
      {
        name: '基準期（導入前）',
        type: 'bar',
        barMaxWidth: 44,
        data: b.figures.map((x) => x.baseline.value),
        itemStyle: { color: '#bfbfbf' },
        label: { show: true, position: 'top', formatter: (p: { value: number | null }) => pct(p.value) },
      },
      {
        name: '所選期間',
        type: 'bar',
        barMaxWidth: 44,
        data: b.figures.map((x) => x.current.value),
        itemStyle: { color: GREEN },
        label: { show: true, position: 'top', formatter: (p: { value: number | null }) => pct(p.value) },
      },
    ],
  };
}

const rangeText = (r: { from: string; to: string }) => `${r.from.replaceAll('-', '/')} ～ ${r.to.replaceAll('-', '/')}`;

function BaselineCard({ query }: { query: { from: string; to: string; doctorId?: string; visitType?: string } }) {
  const baseline = useQuery({
    queryKey: ['reports', 'baseline', query],
    queryFn: () => api.get('/api/reports/baseline', { params: { query } }),
  });
  const b = baseline.data;
  const option = useMemo(() => (b ? baselineChart(b) : null), [b]);
  const noData = b ? b.figures.every((x) => x.baseline.value === null) : false;
  return (
    <Card
      size="small"
      title="導入前後比較"
      aria-label="導入前後比較"
      style={{ marginBottom: 24 }}
      extra={<Link to="/reports/value#settings">設定基準期</Link>}
    >
      {baseline.isError ? <Alert type="error" showIcon title={errorMessage(baseline.error)} /> : null}
      {!b || !option ? (
        baseline.isError ? null : (
          <Skeleton active paragraph={{ rows: 4 }} />
        )
      ) : noData ? (
        <Empty
          description={
            <>
              基準期（{rangeText(b.baseline)}）沒有 HIS 看診紀錄可以比較。
              <br />
              請到 <Link to="/reports/value#settings">Careline 效益 › 診所設定</Link> 選擇 HIS 已有完整紀錄的期間。
            </>
          }
        />
      ) : (
        <Row gutter={24} align="middle">
          <Col xs={24} lg={10}>
            <Chart option={option} height={220} label="基準期與所選期間的未到診率、取消率長條圖" />
          </Col>
          <Col xs={24} lg={14}>
            <Table<Baseline['figures'][number]>
              rowKey="key"
              size="small"
              pagination={false}
              dataSource={b.figures}
              columns={[
                {
                  title: '指標',
                  dataIndex: 'label',
                  render: (v: string, x) => (
                    <Popover content={<div style={{ maxWidth: 320 }}>{x.formula}</div>} title={v}>
                      <span style={{ cursor: 'help' }}>
                        {v} <InfoCircleOutlined style={{ color: '#8c8c8c', fontSize: 12 }} aria-label="計算方式" />
                      </span>
                    </Popover>
                  ),
                },
                {
                  title: '基準期',
                  align: 'right',
                  render: (_: unknown, x) => formatValue(x.baseline.value, x.unit),
                },
                {
                  title: '所選期間',
                  align: 'right',
                  render: (_: unknown, x) => <Text strong>{formatValue(x.current.value, x.unit)}</Text>,
                },
                {
                  title: '變化',
                  align: 'right',
                  render: (_: unknown, x) =>
                    x.change === null ? (
                      '—'
                    ) : (
                      <Text type={x.change < 0 ? 'success' : x.change > 0 ? 'danger' : undefined} strong>
                        {x.change > 0 ? '▲ ' : x.change < 0 ? '▼ ' : ''}
                        {Math.abs(x.change).toFixed(1)} 個百分點
                      </Text>
                    ),
                },
              ]}
            />
            <Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 8 }}>
              基準期 {rangeText(b.baseline)}，所選期間 {rangeText(b.current)}。比率越低越好：▼ 表示比導入前改善。
            </Text>
          </Col>
        </Row>
      )}
    </Card>
  );
}

export function ReportsDashboardPage() {
  const { f, set } = useFilters();
  const query = { from: f.from, to: f.to, grain: f.grain, doctorId: f.doctorId, visitType: f.visitType };
  const kpis = useQuery({
    queryKey: ['reports', 'kpis', query],
    queryFn: () => api.get('/api/reports/kpis', { params: { query } }),
  });
  const d: Kpis | undefined = kpis.data;
  const filtered = !!(f.doctorId || f.visitType);
  const from = f.from ?? d?.from;
  const to = f.to ?? d?.to;
  const range: [Dayjs, Dayjs] | null = from && to ? [dayjs(from), dayjs(to)] : null;

  const header = (
    <PageHeader
      title="KPI 儀表板"
      subtitle="預約、提醒、客服、滿意度與訊息費用的關鍵指標，對照櫃台服務標準的目標與導入 Careline 前的基準期。把滑鼠移到指標名稱上可看定義與公式。"
      help={<HelpDrawer topic="reportsDashboard" />}
      extra={
        <Flex gap={8}>
          <Button icon={<ReloadOutlined />} onClick={() => void kpis.refetch()} loading={kpis.isFetching}>
            重新整理
          </Button>
          <Link to="/reports/monthly">
            <Button icon={<FilePdfOutlined />}>下載月報</Button>
          </Link>
        </Flex>
      }
    />
  );

  const filters = (
    <Card style={{ marginBottom: 16 }} aria-label="篩選" styles={{ body: { padding: '12px 16px' } }}>
      <Flex gap={10} wrap align="center">
        <Segmented
          aria-label="單位"
          value={f.grain}
          onChange={(v) => set({ by: v === 'day' ? undefined : v, from: undefined, to: undefined })}
          options={[
            { value: 'day', label: '每日' },
            { value: 'week', label: '每週' },
            { value: 'month', label: '每月' },
          ]}
        />
        {range ? (
          <DayRangePicker
            label="期間"
            value={range}
            onChange={(from, to) => set({ from, to })}
            presets={[
              { label: '最近 30 天', value: [dayjs().subtract(29, 'day'), dayjs()] },
              { label: '本月', value: [dayjs().startOf('month'), dayjs()] },
              {
                label: '上個月',
                value: [dayjs().subtract(1, 'month').startOf('month'), dayjs().subtract(1, 'month').endOf('month')],
              },
              { label: '最近 3 個月', value: [dayjs().subtract(3, 'month').add(1, 'day'), dayjs()] },
              { label: '最近 12 個月', value: [dayjs().subtract(11, 'month').startOf('month'), dayjs()] },
            ]}
          />
        ) : null}
        <Select
          allowClear
          aria-label="醫師"
          placeholder="所有醫師"
          style={{ minWidth: 150 }}
          value={f.doctorId}
          onChange={(v?: string) => set({ doctor: v })}
          options={(d?.filters.doctors ?? []).map((x) => ({ value: x.id, label: x.name }))}
        />
        <Select
          allowClear
          aria-label="看診類別"
          placeholder="所有看診類別"
          style={{ minWidth: 150 }}
          value={f.visitType}
          onChange={(v?: string) => set({ type: v })}
          options={(d?.filters.visitTypes ?? []).map((t) => ({ value: t, label: t }))}
        />
        {d ? (
          <Text type="secondary" style={{ marginLeft: 'auto', fontSize: 12 }}>
            時區 {d.timeZone}
            {d.rollup.refreshedAt ? `　·　更新於 ${formatDateTimeIn(d.rollup.refreshedAt, d.timeZone)}` : ''}
          </Text>
        ) : null}
      </Flex>
    </Card>
  );

  if (kpis.isError)
    return (
      <>
        {header}
        {filters}
        <Alert type="error" showIcon title={errorMessage(kpis.error)} />
      </>
    );
  if (!d)
    return (
      <>
        {header}
        {filters}
        <Skeleton active />
      </>
    );

  const known = new Set(SECTIONS.flatMap((s) => s.keys));
  const sections = [
    ...SECTIONS.map((s) => ({ title: s.title, kpis: s.keys.flatMap((key) => d.kpis.filter((k) => k.key === key)) })),
    { title: '其他', kpis: d.kpis.filter((k) => !known.has(k.key)) },
  ].filter((s) => s.kpis.length);
  const judged = d.kpis.filter((k) => meets(k.total, k.target) !== null);
  const met = judged.filter((k) => meets(k.total, k.target));

  return (
    <>
      {header}
      {filters}
      {d.rollup.state === 'building' ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title="正在整理歷史資料"
          description="第一次使用報表或 HIS 重新同步後，系統會在背景重算過去的數字，完成前部分指標可能不完整。"
        />
      ) : null}
      <BaselineCard query={{ from: d.from, to: d.to, doctorId: f.doctorId, visitType: f.visitType }} />
      {judged.length ? (
        <Flex align="center" gap={8} style={{ marginBottom: 12 }}>
          <Text strong style={{ fontSize: 15 }}>
            有目標的 {judged.length} 項指標中，{met.length} 項達標
          </Text>
          <Text type="secondary">（目標依櫃台服務標準；紅色虛線）</Text>
        </Flex>
      ) : null}
      {sections.map((s) => (
        <section key={s.title} aria-label={s.title} style={{ marginBottom: 24 }}>
          <Typography.Title level={5} style={{ margin: '0 0 10px' }}>
            {s.title}
          </Typography.Title>
          <Row gutter={[16, 16]}>
            {s.kpis.map((k) => (
              <Col key={k.key} xs={24} md={12} xl={8}>
                <KpiCard k={k} grain={f.grain} filtered={filtered} />
              </Col>
            ))}
          </Row>
        </section>
      ))}
    </>
  );
}
