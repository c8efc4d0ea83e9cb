// The 客服 › 客服成效 page: seed 004's figures for a period — how many questions patients wrote,
// the answer rate, the share the bot answered, the share handed to a person and the median time
// people took to answer — as cards, a chart per day or week and a table with the exact numbers;
// below, what free-text answers to reminders were read as, and the FAQ bot's and the complaint
// cases' own statistics. Period and granularity live in the URL.
import { ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Row,
  Segmented,
  Skeleton,
  Statistic,
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
import { dayjs } from '../../format.ts';

const { Text } = Typography;
type Stats = ApiResponse<'/api/support/stats'>;
type Row_ = Stats['series'][number];
type Granularity = 'day' | 'week';

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);
const n = (v: number) => v.toLocaleString('zh-TW');

/** 「12 分鐘」「2 小時 5 分」「1 天 3 小時」 */
export function minutesText(m: number | null): string {
  if (m === null) return '—';
  if (m < 1) return '不到 1 分鐘';
  if (m < 60) return `${Math.round(m)} 分鐘`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} 小時${Math.round(m % 60) ? ` ${Math.round(m % 60)} 分` : ''}`;
  return `${Math.floor(h / 24)} 天${h % 24 ? ` ${h % 24} 小時` : ''}`;
}

const periodLabel = (p: string, g: string) => {
  const d = `${Number(p.slice(5, 7))}/${Number(p.slice(8, 10))}`;
  return g === 'week' ? `${d} 當週` : d;
};

export const INTENT_LABEL: Record<string, string> = {
  confirm: '確認赴約',
  cancel: '取消',
  reschedule: '改期',
  running_late: '會晚到',
  question: '問題',
  other: '其他',
};

function answersChart(s: Stats): ChartOption {
  const x = s.series.map((r) => periodLabel(r.period, s.granularity));
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 56, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: x },
    yAxis: [
      { type: 'value', name: '問題數', minInterval: 1 },
      {
        type: 'value',
        name: '回答率',
        min: 0,
        max: 100,
        axisLabel: { formatter: '{value}%' },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: '機器人回答',
        type: 'bar',
        stack: 'q',
        data: s.series.map((r) => r.answeredByBot),
        itemStyle: { color: '#06c755' },
      },
      {
        name: '人員回答',
        type: 'bar',
        stack: 'q',
        data: s.series.map((r) => r.answeredByPerson),
        itemStyle: { color: '#1677ff' },
      },
      {
        name: '尚未回答',
        type: 'bar',
        stack: 'q',
        data: s.series.map((r) => r.unanswered),
        itemStyle: { color: '#fa8c16' },
      },
      {
        name: '回答率',
        type: 'line',
        yAxisIndex: 1,
        connectNulls: false,
        data: s.series.map((r) => (r.answerRate === null ? null : Math.round(r.answerRate * 1000) / 10)),
        lineStyle: { color: '#531dab', width: 2 },
        itemStyle: { color: '#531dab' },
      },
    ],
  };
}

function responseChart(s: Stats): ChartOption {
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? minutesText(v) : '—') },
    grid: { left: 56, right: 24, top: 24, bottom: 32 },
    xAxis: { type: 'category', data: s.series.map((r) => periodLabel(r.period, s.granularity)) },
    yAxis: { type: 'value', name: '分鐘', minInterval: 1 },
    series: [
      {
        name: '人員首次回覆（中位數）',
        type: 'bar',
        data: s.series.map((r) => r.medianFirstResponseMinutes),
        itemStyle: { color: '#1677ff' },
      },
    ],
  };
}

function useFilters() {
  const [params, setParams] = useSearchParams();
  const today = dayjs().format('YYYY-MM-DD');
  const f = {
    to: params.get('to') ?? today,
    from:
      params.get('from') ??
      dayjs(params.get('to') ?? today)
        .subtract(27, 'day')
        .format('YYYY-MM-DD'),
    granularity: (params.get('by') === 'week' ? 'week' : 'day') as Granularity,
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

function FaqFigures({ f }: { f: Stats['faq'] }) {
  const rated = f.helpful + f.notHelpful;
  return (
    <Descriptions size="small" column={2} bordered>
      <Descriptions.Item label="被問的問題">{n(f.asked)}</Descriptions.Item>
      <Descriptions.Item label="機器人回答">
        {n(f.answered)}
        {f.asked ? <Text type="secondary">（{pct(f.answered / f.asked)}）</Text> : null}
      </Descriptions.Item>
      <Descriptions.Item label="沒把握、轉給真人">{n(f.unanswered)}</Descriptions.Item>
      <Descriptions.Item label="「有幫助」">
        {n(f.helpful)}
        {rated ? <Text type="secondary">（{pct(f.helpful / rated)}）</Text> : null}
      </Descriptions.Item>
      <Descriptions.Item label="「沒幫助」">{n(f.notHelpful)}</Descriptions.Item>
    </Descriptions>
  );
}

function CaseFigures({ c }: { c: Stats['cases'] }) {
  const timing = (t: Stats['cases']['firstAction']) =>
    t.count ? `${minutesText(t.medianMinutes)}（時限內 ${pct(t.withinLimitShare)}，${n(t.count)} 件）` : '—';
  return (
    <Descriptions size="small" column={1} bordered>
      <Descriptions.Item label="開立案件">
        {n(c.total)}
        {c.open ? <Text type="secondary">（{n(c.open)} 件未結案）</Text> : null}
      </Descriptions.Item>
      <Descriptions.Item label="首次處理（中位數）">{timing(c.firstAction)}</Descriptions.Item>
      <Descriptions.Item label="回覆病患（中位數）">{timing(c.reply)}</Descriptions.Item>
      <Descriptions.Item label="結案滿意度">
        {c.satisfaction.answered
          ? `滿意 ${pct(c.satisfaction.satisfiedShare)}（${n(c.satisfaction.answered)} 人回答）`
          : '尚無回答'}
      </Descriptions.Item>
    </Descriptions>
  );
}

export function SupportStatsPage() {
  const { f, set } = useFilters();
  const stats = useQuery({
    queryKey: ['support', 'stats', f],
    queryFn: () => api.get('/api/support/stats', { params: { query: f } }),
  });
  const s = stats.data;
  const charts = useMemo(() => (s ? { answers: answersChart(s), response: responseChart(s) } : null), [s]);
  const range: [Dayjs, Dayjs] = [dayjs(f.from), dayjs(f.to)];

  const header = (
    <PageHeader
      title="客服成效"
      subtitle="病患在 LINE 問的問題有多少得到回答、多少由機器人回答、多少轉給真人，以及櫃台多快回覆。"
      help={<HelpDrawer topic="supportStats" />}
      extra={
        <Button icon={<ReloadOutlined />} onClick={() => void stats.refetch()} loading={stats.isFetching}>
          重新整理
        </Button>
      }
    />
  );

  const filters = (
    <Card style={{ marginBottom: 16 }} aria-label="期間">
      <Flex gap={10} wrap align="center">
        <Segmented
          value={f.granularity}
          onChange={(v) => set({ by: v === 'week' ? 'week' : undefined })}
          options={[
            { value: 'day', label: '每日' },
            { value: 'week', label: '每週' },
          ]}
        />
        <DayRangePicker
          label="期間"
          value={range}
          onChange={(from, to) => set({ from, to })}
          presets={[
            { label: '最近 7 天', value: [dayjs().subtract(6, 'day'), dayjs()] },
            { label: '最近 4 週', value: [dayjs().subtract(27, 'day'), dayjs()] },
            { label: '本月', value: [dayjs().startOf('month'), dayjs()] },
            {
              label: '上個月',
              value: [dayjs().subtract(1, 'month').startOf('month'), dayjs().subtract(1, 'month').endOf('month')],
            },
            { label: '最近 3 個月', value: [dayjs().subtract(3, 'month').add(1, 'day'), dayjs()] },
          ]}
        />
        {s ? <Text type="secondary">時區：{s.timeZone}；期間結束後 7 天內的回覆也計入</Text> : null}
      </Flex>
    </Card>
  );

  if (stats.isError)
    return (
      <>
        {header}
        {filters}
        <Alert type="error" showIcon title={errorMessage(stats.error)} />
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
  const columns = [
    {
      title: s.granularity === 'week' ? '週（週一起）' : '日期',
      dataIndex: 'period',
      render: (p: string) => periodLabel(p, s.granularity),
    },
    { title: '問題', dataIndex: 'questions', align: 'right' as const, render: n },
    { title: '機器人回答', dataIndex: 'answeredByBot', align: 'right' as const, render: n },
    { title: '人員回答', dataIndex: 'answeredByPerson', align: 'right' as const, render: n },
    { title: '尚未回答', dataIndex: 'unanswered', align: 'right' as const, render: n },
    { title: '回答率', dataIndex: 'answerRate', align: 'right' as const, render: pct },
    { title: '機器人回答比例', dataIndex: 'botShare', align: 'right' as const, render: pct },
    { title: '轉給真人比例', dataIndex: 'handedShare', align: 'right' as const, render: pct },
    {
      title: '人員首次回覆（中位數）',
      dataIndex: 'medianFirstResponseMinutes',
      align: 'right' as const,
      render: minutesText,
    },
  ];
  const rt = s.reminderText;

  return (
    <>
      {header}
      {filters}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small" aria-label="回答率">
            <Statistic title="回答率" value={pct(t.answerRate)} />
            <Text type="secondary" style={{ fontSize: 12 }}>
              {n(t.questions)} 個問題中 {n(t.answeredByBot + t.answeredByPerson)} 個得到回答
              {t.unanswered ? `，${n(t.unanswered)} 個尚未回答` : ''}
            </Text>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small" aria-label="機器人回答">
            <Statistic title="機器人回答" value={pct(t.botShare)} />
            <Text type="secondary" style={{ fontSize: 12 }}>
              {n(t.answeredByBot)} 個（常見問題、自動回覆、提醒的文字回覆）
            </Text>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small" aria-label="轉給真人">
            <Statistic title="轉給真人" value={pct(t.handedShare)} />
            <Text type="secondary" style={{ fontSize: 12 }}>
              機器人沒有回答、由櫃台處理的問題
            </Text>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small" aria-label="人員首次回覆">
            <Statistic title="人員首次回覆（中位數）" value={minutesText(t.medianFirstResponseMinutes)} />
            <Text type="secondary" style={{ fontSize: 12 }}>
              從待回覆到櫃台第一則訊息，共 {n(t.personResponses)} 次
            </Text>
          </Card>
        </Col>
      </Row>

      {t.questions === 0 ? (
        <Card style={{ marginBottom: 16 }}>
          <Empty description="這段期間沒有病患傳來的問題" />
        </Card>
      ) : (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          <Col xs={24} xl={14}>
            <Card size="small" title={s.granularity === 'week' ? '每週的問題與回答' : '每日的問題與回答'}>
              <Chart option={charts.answers} height={300} label="問題與回答的長條圖" />
            </Card>
          </Col>
          <Col xs={24} xl={10}>
            <Card size="small" title="人員首次回覆時間（中位數）">
              {t.personResponses ? (
                <Chart option={charts.response} height={300} label="人員首次回覆時間的長條圖" />
              ) : (
                <Empty style={{ height: 276, paddingTop: 80 }} description="這段期間沒有由櫃台人員回覆的問題" />
              )}
            </Card>
          </Col>
        </Row>
      )}

      <Card
        size="small"
        title="明細"
        style={{ marginBottom: 16 }}
        extra={<Text type="secondary">只列出有問題的{s.granularity === 'week' ? '週' : '日子'}</Text>}
      >
        <Table<Row_>
          rowKey="period"
          size="small"
          columns={columns}
          dataSource={s.series.filter((r) => r.questions > 0)}
          locale={{ emptyText: '這段期間沒有病患傳來的問題' }}
          pagination={{ pageSize: 31, showSizeChanger: false, hideOnSinglePage: true }}
        />
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" title="提醒的文字回覆" aria-label="提醒的文字回覆">
            {rt.total === 0 ? (
              <Text type="secondary">這段期間沒有病患在提醒後以文字回覆。</Text>
            ) : (
              <Flex vertical gap={8}>
                <Text>
                  病患在提醒後以文字回覆 {n(rt.total)} 則：一鍵確認送出 {n(rt.accepted)} 則、轉給櫃台 {n(rt.handed)}{' '}
                  則。
                </Text>
                <Flex gap={6} wrap>
                  {Object.entries(rt.byIntent).map(([k, v]) => (
                    <Tag key={k}>
                      {INTENT_LABEL[k] ?? k} {n(v)}
                    </Tag>
                  ))}
                </Flex>
              </Flex>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            title="常見問題機器人"
            aria-label="常見問題機器人"
            extra={<Link to="/support/faq">常見問題</Link>}
          >
            <FaqFigures f={s.faq} />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            title="客訴與意見"
            aria-label="客訴與意見"
            extra={<Link to="/support/cases">客訴與意見</Link>}
          >
            <CaseFigures c={s.cases} />
          </Card>
        </Col>
      </Row>
    </>
  );
}
