// The 滿意度 › 滿意度總覽 page: the post-visit surveys sent in a period — average stars, response
// rate, the 1–5 distribution, the trend per day or week, per doctor and visit type — and the
// answers with their comments (filters: stars, doctor, visit type, period, with a comment), with
// CSV / Excel export of every survey. Filters live in the URL.
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Empty,
  Flex,
  Rate,
  Row,
  Segmented,
  Select,
  Skeleton,
  Statistic,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, errorMessage, type ApiResponse } from '../../api.ts';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { DayRangePicker } from '../../components/DayRangePicker.tsx';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { dayjs, formatDateTimeIn } from '../../format.ts';
import { useUser } from '../../session.tsx';

const { Text } = Typography;
type Summary = ApiResponse<'/api/satisfaction/summary'>;
type Answer = ApiResponse<'/api/satisfaction/answers'>['items'][number];
type Figures = Omit<Summary['byDoctor'][number], 'doctorId'>;

const STAR_LABEL: Record<number, string> = { 5: '非常滿意', 4: '滿意', 3: '普通', 2: '不滿意', 1: '非常不滿意' };
const STAR_COLOR: Record<number, string> = { 5: '#389e0d', 4: '#7cb305', 3: '#d4b106', 2: '#fa8c16', 1: '#cf1322' };
const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);
const avg = (v: number | null) => (v === null ? '—' : v.toFixed(2));
const periodLabel = (p: string, g: string) => {
  const d = `${Number(p.slice(5, 7))}/${Number(p.slice(8, 10))}`;
  return g === 'week' ? `${d} 當週` : d;
};

function useFilters() {
  const [params, setParams] = useSearchParams();
  const today = dayjs().format('YYYY-MM-DD');
  const to = params.get('to') ?? today;
  const f = {
    from: params.get('from') ?? dayjs(to).subtract(29, 'day').format('YYYY-MM-DD'),
    to,
    doctorId: params.get('doctor') ?? undefined,
    visitType: params.get('type') ?? undefined,
    granularity: (params.get('by') === 'week' ? 'week' : 'day') as 'day' | 'week',
    stars: params.get('stars') ?? undefined,
    withComment: params.get('comment') === '1' ? true : undefined,
    page: Number(params.get('page') ?? 1) || 1,
  };
  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  };
  return { f, set };
}

function distributionChart(s: Summary): ChartOption {
  const d = [...s.total.distribution].reverse();
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 88, right: 40, top: 8, bottom: 24 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: d.map((x) => `${x.stars} 星 ${STAR_LABEL[x.stars]}`), inverse: true },
    series: [
      {
        name: '人數',
        type: 'bar',
        data: d.map((x) => ({ value: x.count, itemStyle: { color: STAR_COLOR[x.stars] } })),
        label: { show: true, position: 'right' },
      },
    ],
  };
}

function trendChart(s: Summary): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: s.trend.map((t) => periodLabel(t.period, s.granularity)) },
    yAxis: [
      { type: 'value', name: '份數', minInterval: 1 },
      { type: 'value', name: '平均星等', min: 1, max: 5, splitLine: { show: false } },
    ],
    series: [
      { name: '已傳送', type: 'bar', data: s.trend.map((t) => t.sent), itemStyle: { color: '#bfbfbf' } },
      { name: '已回覆', type: 'bar', data: s.trend.map((t) => t.answered), itemStyle: { color: '#06c755' } },
      {
        name: '平均星等',
        type: 'line',
        yAxisIndex: 1,
        connectNulls: true,
        data: s.trend.map((t) => t.average),
        lineStyle: { color: '#531dab', width: 2 },
        itemStyle: { color: '#531dab' },
      },
    ],
  };
}

const breakdownColumns = (title: string) => [
  { title, dataIndex: 'name' },
  { title: '已傳送', dataIndex: 'sent', align: 'right' as const },
  { title: '已回覆', dataIndex: 'answered', align: 'right' as const },
  { title: '回覆率', dataIndex: 'responseRate', align: 'right' as const, render: pct },
  {
    title: '平均星等',
    dataIndex: 'average',
    align: 'right' as const,
    render: (v: number | null) => (v === null ? '—' : `${v.toFixed(2)} ★`),
    sorter: (a: Figures, b: Figures) => (a.average ?? 0) - (b.average ?? 0),
  },
  { title: '3 星以下', dataIndex: 'lowScores', align: 'right' as const },
];

export function SatisfactionPage() {
  const user = useUser();
  const canExport = user.role === 'admin' || user.role === 'front_desk';
  const { f, set } = useFilters();
  const base = { from: f.from, to: f.to, doctorId: f.doctorId, visitType: f.visitType };
  const summary = useQuery({
    queryKey: ['satisfaction', 'summary', base, f.granularity],
    queryFn: () => api.get('/api/satisfaction/summary', { params: { query: { ...base, granularity: f.granularity } } }),
  });
  const answers = useQuery({
    queryKey: ['satisfaction', 'answers', base, f.stars, f.withComment, f.page],
    queryFn: () =>
      api.get('/api/satisfaction/answers', {
        params: { query: { ...base, stars: f.stars, withComment: f.withComment, page: f.page, pageSize: 20 } },
      }),
  });
  const doctors = useQuery({ queryKey: ['doctors'], queryFn: () => api.get('/api/doctors'), staleTime: 5 * 60_000 });
  const visitTypes = useQuery({
    queryKey: ['appointments', 'visit-types'],
    queryFn: () => api.get('/api/appointments/visit-types'),
    staleTime: 5 * 60_000,
    retry: false,
  });
  const s = summary.data;
  const charts = useMemo(() => (s ? { dist: distributionChart(s), trend: trendChart(s) } : null), [s]);
  const range: [Dayjs, Dayjs] = [dayjs(f.from), dayjs(f.to)];
  const exportHref = (format: 'csv' | 'xlsx') => {
    const q = new URLSearchParams({ from: f.from, to: f.to, format });
    if (f.doctorId) q.set('doctorId', f.doctorId);
    if (f.visitType) q.set('visitType', f.visitType);
    return `/api/satisfaction/export?${q}`;
  };
  const starFilter = f.stars ? f.stars.split(',').map(Number) : [];

  const header = (
    <PageHeader
      title="滿意度總覽"
      subtitle="看診後滿意度調查的結果：平均星等、回覆率、分布與趨勢，以及病患留下的意見。"
      help={<HelpDrawer topic="satisfaction" />}
      extra={
        <Flex gap={8} wrap>
          <Button icon={<ReloadOutlined />} onClick={() => void summary.refetch()} loading={summary.isFetching}>
            重新整理
          </Button>
          {canExport ? (
            <>
              <Button icon={<DownloadOutlined />} href={exportHref('xlsx')} download>
                匯出 Excel
              </Button>
              <Button icon={<DownloadOutlined />} href={exportHref('csv')} download>
                匯出 CSV
              </Button>
            </>
          ) : null}
        </Flex>
      }
    />
  );

  const filters = (
    <Card style={{ marginBottom: 16 }} aria-label="篩選">
      <Flex gap={10} wrap align="center">
        <DayRangePicker
          label="期間"
          value={range}
          onChange={(from, to) => set({ from, to })}
          presets={[
            { label: '最近 7 天', value: [dayjs().subtract(6, 'day'), dayjs()] },
            { label: '最近 30 天', value: [dayjs().subtract(29, 'day'), dayjs()] },
            { label: '本月', value: [dayjs().startOf('month'), dayjs()] },
            {
              label: '上個月',
              value: [dayjs().subtract(1, 'month').startOf('month'), dayjs().subtract(1, 'month').endOf('month')],
            },
            { label: '最近 3 個月', value: [dayjs().subtract(3, 'month').add(1, 'day'), dayjs()] },
          ]}
        />
        <Select
          allowClear
          aria-label="醫師"
          placeholder="所有醫師"
          style={{ minWidth: 140 }}
          value={f.doctorId}
          onChange={(v?: string) => set({ doctor: v })}
          options={(doctors.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
        />
        <Select
          allowClear
          aria-label="看診類別"
          placeholder="所有看診類別"
          style={{ minWidth: 140 }}
          value={f.visitType}
          onChange={(v?: string) => set({ type: v })}
          options={(visitTypes.data?.items ?? []).map((t) => ({ value: t.visitType, label: t.visitType }))}
        />
        <Segmented
          value={f.granularity}
          onChange={(v) => set({ by: v === 'week' ? 'week' : undefined })}
          options={[
            { value: 'day', label: '每日' },
            { value: 'week', label: '每週' },
          ]}
        />
        {s ? <Text type="secondary">依調查傳送日；時區：{s.timeZone}</Text> : null}
      </Flex>
    </Card>
  );

  if (summary.isError)
    return (
      <>
        {header}
        {filters}
        <Alert type="error" showIcon title={errorMessage(summary.error)} />
      </>
    );
  if (!s || !charts)
    return (
      <>
        {header}
        {filters}
        <Skeleton active />
      </>
    );
  const t = s.total;

  const answerColumns = [
    {
      title: '回覆時間',
      dataIndex: 'answeredAt',
      width: 150,
      render: (v: string) => formatDateTimeIn(v, s.timeZone),
    },
    {
      title: '病患',
      dataIndex: 'patientName',
      width: 110,
      render: (v: string, a: Answer) => <Link to={`/patients/${a.patientId}`}>{v || '（未知）'}</Link>,
    },
    { title: '醫師', dataIndex: 'doctorName', width: 90 },
    { title: '看診類別', dataIndex: 'visitType', width: 100, render: (v: string | null) => v ?? '—' },
    {
      title: '星等',
      dataIndex: 'stars',
      width: 150,
      render: (v: number) => (
        <span aria-label={`${v} 星`}>
          <Rate disabled value={v} style={{ fontSize: 14 }} />
        </span>
      ),
    },
    {
      title: '意見',
      dataIndex: 'comment',
      render: (v: string | null, a: Answer) =>
        v ? (
          <Flex vertical gap={2}>
            <Text style={{ whiteSpace: 'pre-wrap' }}>{v}</Text>
            <Text type="secondary" style={{ fontSize: 12 }}>
              {a.commentVia === 'line' ? '在聊天室回覆' : '意見頁'}
            </Text>
          </Flex>
        ) : (
          <Text type="secondary">—</Text>
        ),
    },
    {
      title: '跟進',
      dataIndex: 'caseNumber',
      width: 130,
      render: (v: string | null, a: Answer) =>
        v ? <Link to={`/support/cases?case=${a.caseId}`}>案件 {v}</Link> : <Text type="secondary">—</Text>,
    },
  ];

  return (
    <>
      {header}
      {filters}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small" aria-label="平均星等">
            <Statistic title="平均星等" value={avg(t.average)} suffix={t.average === null ? undefined : '★'} />
            <Text type="secondary" style={{ fontSize: 12 }}>
              共 {t.answered} 份回覆
            </Text>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small" aria-label="回覆率">
            <Statistic title="回覆率" value={pct(t.responseRate)} />
            <Text type="secondary" style={{ fontSize: 12 }}>
              傳送 {t.sent} 份，回覆 {t.answered} 份
            </Text>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small" aria-label="3 星以下">
            <Statistic title="3 星以下" value={t.lowScores} suffix="份" />
            <Text type="secondary" style={{ fontSize: 12 }}>
              開立意見案件 {t.cases} 件
            </Text>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small" aria-label="留下意見">
            <Statistic title="留下意見" value={t.comments} suffix="份" />
            <Text type="secondary" style={{ fontSize: 12 }}>
              每位回覆者都收到 Google 評論連結
            </Text>
          </Card>
        </Col>
      </Row>

      {t.sent === 0 ? (
        <Card style={{ marginBottom: 16 }}>
          <Empty description="這段期間沒有傳送的滿意度調查" />
        </Card>
      ) : (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          <Col xs={24} xl={9}>
            <Card size="small" title="星等分布">
              <Chart option={charts.dist} height={260} label="星等分布的長條圖" />
            </Card>
          </Col>
          <Col xs={24} xl={15}>
            <Card size="small" title={s.granularity === 'week' ? '每週趨勢' : '每日趨勢'}>
              <Chart option={charts.trend} height={260} label="傳送、回覆與平均星等的趨勢圖" />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title="各醫師">
              <Table<Summary['byDoctor'][number]>
                rowKey="doctorId"
                size="small"
                columns={breakdownColumns('醫師')}
                dataSource={s.byDoctor}
                pagination={false}
              />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title="各看診類別">
              <Table<Summary['byVisitType'][number]>
                rowKey="name"
                size="small"
                columns={breakdownColumns('看診類別')}
                dataSource={s.byVisitType}
                pagination={false}
              />
            </Card>
          </Col>
        </Row>
      )}

      <Card
        size="small"
        title="回覆與意見"
        aria-label="回覆與意見"
        extra={
          <Flex gap={12} wrap align="center">
            <Checkbox.Group
              aria-label="星等"
              value={starFilter}
              onChange={(v) => set({ stars: (v as number[]).sort().join(',') || undefined })}
              options={[1, 2, 3, 4, 5].map((n) => ({ value: n, label: `${n} 星` }))}
            />
            <label>
              <Flex gap={6} align="center">
                <Switch
                  size="small"
                  checked={!!f.withComment}
                  onChange={(v) => set({ comment: v ? '1' : undefined })}
                  aria-label="只看有意見的"
                />
                只看有意見的
              </Flex>
            </label>
          </Flex>
        }
      >
        {answers.isError ? <Alert type="error" showIcon title={errorMessage(answers.error)} /> : null}
        <Table<Answer>
          rowKey="id"
          size="small"
          loading={answers.isLoading}
          columns={answerColumns}
          dataSource={answers.data?.items ?? []}
          scroll={{ x: 900 }}
          locale={{ emptyText: '沒有符合條件的回覆' }}
          pagination={{
            current: f.page,
            pageSize: 20,
            total: answers.data?.total ?? 0,
            showSizeChanger: false,
            hideOnSinglePage: true,
            onChange: (page) => set({ page: String(page) }),
          }}
        />
        {starFilter.length ? (
          <Flex gap={6} style={{ marginTop: 8 }}>
            {starFilter.map((n) => (
              <Tag key={n} color={STAR_COLOR[n]}>
                {n} 星 {STAR_LABEL[n]}
              </Tag>
            ))}
          </Flex>
        ) : null}
      </Card>
    </>
  );
}
