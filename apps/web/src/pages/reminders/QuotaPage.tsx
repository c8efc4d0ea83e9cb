// The 提醒 › 額度與費用 page: this month's LINE pushes against the plan's limit and the clinic's
// cap, the forecast to the month's end (a chart per day: bars for what was pushed, a line for
// the running total with its forecast, lines for the cap and the limit), free replies, LINE
// notification messages and SMS with their NT$ at the clinic's unit prices, a table by purpose,
// what happens at the cap in one sentence, and the admin notices with 標為已讀.
import { ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Flex,
  Form,
  InputNumber,
  List,
  Progress,
  Row,
  Skeleton,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo } from 'react';
import { api, errorMessage, type ApiResponse } from '../../api.ts';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format.ts';
import { isAdmin, useUser } from '../../session.tsx';

const { Text } = Typography;
type Quota = ApiResponse<'/api/reminders/quota'>;
const KEY = ['reminders', 'quota'];

const n = (v: number) => v.toLocaleString('zh-TW');
const ntd = (v: number | null) =>
  v === null ? '未設定單價' : `NT$ ${v.toLocaleString('zh-TW', { maximumFractionDigits: 2 })}`;

export function quotaChart(q: Quota): ChartOption {
  const today = q.days.find((d) => d.forecast !== null)?.date ?? null;
  const label = (date: string) => `${Number(date.slice(5, 7))}/${Number(date.slice(8, 10))}`;
  const caps = q.caps;
  const marks = [
    ...(caps.nonEssential !== null && caps.nonEssential !== caps.essential
      ? [{ name: '非必要提醒上限', yAxis: caps.nonEssential, lineStyle: { color: '#fa8c16' } }]
      : []),
    ...(caps.essential !== null
      ? [{ name: 'LINE 方案上限', yAxis: caps.essential, lineStyle: { color: '#f5222d' } }]
      : []),
  ];
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 56, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: q.days.map((d) => label(d.date)) },
    yAxis: [
      { type: 'value', name: '每日', minInterval: 1 },
      {
        type: 'value',
        name: '累計',
        minInterval: 1,
        splitLine: { show: false },
        max: (v: { max: number }) => Math.max(v.max, caps.essential ?? 0, caps.nonEssential ?? 0),
      },
    ],
    series: [
      {
        name: '推播（已用）',
        type: 'bar',
        stack: 'day',
        data: q.days.map((d) => (today === null || d.date <= today ? d.pushes : null)),
        itemStyle: { color: '#06c755' },
      },
      {
        name: '預估推播',
        type: 'bar',
        stack: 'day',
        data: q.days.map((d) => (d.forecast === null ? null : Math.round(d.forecast))),
        itemStyle: { color: '#b7ebc8' },
      },
      {
        name: '累計',
        type: 'line',
        yAxisIndex: 1,
        symbol: 'none',
        data: q.days.map((d) => (today === null || d.date <= today ? d.cumulative : null)),
        lineStyle: { color: '#1677ff', width: 2 },
        itemStyle: { color: '#1677ff' },
        markLine: marks.length
          ? {
              symbol: 'none',
              label: { formatter: '{b}：{c}', position: 'insideStartTop' },
              data: marks,
            }
          : undefined,
      },
      {
        name: '預估累計',
        type: 'line',
        yAxisIndex: 1,
        symbol: 'none',
        data: q.days.map((d) => (today !== null && d.date >= today ? d.cumulative : null)),
        lineStyle: { color: '#1677ff', width: 2, type: 'dashed' },
        itemStyle: { color: '#1677ff' },
      },
    ],
  };
}

function Prices({ q, canEdit }: { q: Quota; canEdit: boolean }) {
  const [form] = Form.useForm<{ smsPoint: number | null; pnpMessage: number | null }>();
  const { message } = App.useApp();
  const qc = useQueryClient();
  useEffect(() => {
    form.setFieldsValue({ smsPoint: q.prices.smsPoint, pnpMessage: q.prices.pnpMessage });
  }, [form, q.prices.smsPoint, q.prices.pnpMessage]);
  const save = useMutation({
    mutationFn: (v: { smsPoint: number | null; pnpMessage: number | null }) =>
      api.put('/api/reminders/prices', { body: { smsPoint: v.smsPoint ?? null, pnpMessage: v.pnpMessage ?? null } }),
    onSuccess: () => {
      void message.success('單價已儲存');
      void qc.invalidateQueries({ queryKey: KEY });
    },
    onError: (err) => void message.error(errorMessage(err)),
  });
  return (
    <Card title="單價（依合約）" size="small">
      <Form form={form} layout="vertical" disabled={!canEdit} onFinish={(v) => save.mutate(v)}>
        <Form.Item label="每一簡訊點數（新台幣）" name="smsPoint" extra="簡訊商每一計費段扣一點。">
          <InputNumber min={0} max={100} step={0.1} precision={3} style={{ width: '100%' }} placeholder="未設定" />
        </Form.Item>
        <Form.Item label="每則 LINE 通知訊息（新台幣）" name="pnpMessage" extra="依與 LINE 的通知型訊息合約。">
          <InputNumber min={0} max={100} step={0.1} precision={3} style={{ width: '100%' }} placeholder="未設定" />
        </Form.Item>
        {canEdit ? (
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            儲存單價
          </Button>
        ) : (
          <Text type="secondary">只有管理者可以修改單價。</Text>
        )}
        {q.prices.updatedAt ? (
          <div style={{ marginTop: 8 }}>
            <Text type="secondary" style={{ fontSize: 12 }}>
              {q.prices.updatedBy} 於 {formatDateTime(q.prices.updatedAt)} 更新
            </Text>
          </div>
        ) : null}
      </Form>
    </Card>
  );
}

export function QuotaPage() {
  const user = useUser();
  const admin = isAdmin(user);
  const qc = useQueryClient();
  const { message } = App.useApp();
  const quota = useQuery({ queryKey: KEY, queryFn: () => api.get('/api/reminders/quota') });
  // 重新整理 asks LINE for the plan's numbers now instead of the ones kept for 10 minutes.
  const refresh = useMutation({
    mutationFn: () => api.get('/api/reminders/quota', { params: { query: { refresh: true } } }),
    onSuccess: (data) => qc.setQueryData(KEY, data),
    onError: (err) => void message.error(errorMessage(err)),
  });
  const read = useMutation({
    mutationFn: (id: number) => api.post('/api/reminders/notices/{id}/read', { params: { path: { id } } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: KEY }),
    onError: (err) => void message.error(errorMessage(err)),
  });
  const q = quota.data;
  const option = useMemo(() => (q ? quotaChart(q) : null), [q]);

  const header = (
    <PageHeader
      title="額度與費用"
      subtitle="本月 LINE 訊息用了多少、到月底預估會用到多少，以及簡訊與 LINE 通知訊息的費用。病患互動的回覆免費，不計入額度。"
      help={<HelpDrawer topic="quota" />}
      extra={
        <Button
          icon={<ReloadOutlined />}
          onClick={() => refresh.mutate()}
          loading={refresh.isPending || quota.isFetching}
        >
          重新整理
        </Button>
      }
    />
  );
  if (quota.isError)
    return (
      <>
        {header}
        <Alert type="error" showIcon title={errorMessage(quota.error)} />
      </>
    );
  if (!q || !option)
    return (
      <>
        {header}
        <Skeleton active />
      </>
    );

  const planLimit = q.line.limit;
  const cap = q.caps.nonEssential;
  const unread = q.notices.filter((x) => !x.readAt);
  const percent = q.percentOfLimit;
  return (
    <>
      {header}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small" aria-label="本月推播">
            <Statistic
              title={`${q.month.slice(0, 4)} 年 ${Number(q.month.slice(5))} 月 LINE 推播（計入額度）`}
              value={n(q.used)}
              suffix={planLimit === null ? '則' : `/ ${n(planLimit)} 則`}
            />
            {percent !== null ? (
              <Progress
                percent={Math.min(100, percent)}
                status={percent >= 100 ? 'exception' : percent >= 80 ? 'active' : 'normal'}
                strokeColor={percent >= 100 ? '#f5222d' : percent >= 80 ? '#fa8c16' : '#06c755'}
                format={() => `${percent}%`}
                aria-label="使用率"
              />
            ) : null}
            <Text type="secondary" style={{ fontSize: 12 }}>
              {planLimit === null
                ? q.line.type === 'none'
                  ? 'LINE 方案沒有訊息上限'
                  : '尚未取得 LINE 方案額度'
                : `LINE 方案上限 ${n(planLimit)} 則`}
              {cap !== null && cap !== planLimit ? `；非必要提醒上限 ${n(cap)} 則（使用率以此計）` : ''}
            </Text>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small" aria-label="月底預估">
            <Statistic title="月底預估推播" value={n(q.forecast)} suffix="則" />
            <Flex gap={6} wrap style={{ marginTop: 8 }}>
              {q.willExceed ? <Tag color="orange">預估會超過上限</Tag> : <Tag color="green">預估在上限內</Tag>}
              <Tag bordered={false}>排程中的提醒 {n(q.plannedThisMonth)}</Tag>
              <Tag bordered={false}>其他推播每日約 {q.pace}</Tag>
            </Flex>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small" aria-label="免費回覆">
            <Statistic title="免費回覆（不計入額度）" value={n(q.replies)} suffix="則" />
            <Text type="secondary" style={{ fontSize: 12 }}>
              病患按確認、傳關鍵字、加好友時以回覆答覆
            </Text>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small" aria-label="費用合計">
            <Statistic title="本月費用（簡訊＋LINE 通知訊息）" value={ntd(q.costNtd)} />
            <Text type="secondary" style={{ fontSize: 12 }}>
              不含 LINE 方案月費
            </Text>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small" aria-label="簡訊">
            <Statistic title="簡訊" value={n(q.sms.messages)} suffix="則" />
            <Text type="secondary" style={{ fontSize: 12 }}>
              {n(q.sms.segments)} 段 · {n(q.sms.cost)} 點 · {ntd(q.sms.ntd)}
            </Text>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card size="small" aria-label="LINE 通知訊息">
            <Statistic title="LINE 通知訊息（另計費）" value={n(q.pnp.messages)} suffix="則" />
            <Text type="secondary" style={{ fontSize: 12 }}>
              {ntd(q.pnp.ntd)}
            </Text>
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Alert
            type={q.willExceed || (percent ?? 0) >= 80 ? 'warning' : 'info'}
            showIcon
            title="達到上限時"
            description={q.capExplanation}
            style={{ height: '100%' }}
          />
        </Col>
      </Row>

      {unread.length || q.notices.length ? (
        <Card title="管理者通知" size="small" style={{ marginBottom: 16 }}>
          <List
            dataSource={q.notices}
            renderItem={(x) => (
              <List.Item
                actions={
                  !x.readAt && admin
                    ? [
                        <Button key="read" size="small" onClick={() => read.mutate(x.id)} loading={read.isPending}>
                          標為已讀
                        </Button>,
                      ]
                    : [
                        <Text key="done" type="secondary">
                          {x.readAt ? '已讀' : ''}
                        </Text>,
                      ]
                }
              >
                <List.Item.Meta
                  avatar={
                    <Tag color={x.level === 'error' ? 'red' : 'orange'}>
                      {x.kind === 'line_quota_100' ? '已達上限' : '80%'}
                    </Tag>
                  }
                  title={<Text type={x.readAt ? 'secondary' : undefined}>{x.message}</Text>}
                  description={`${x.period} · ${formatDateTime(x.createdAt)}`}
                />
              </List.Item>
            )}
          />
        </Card>
      ) : null}

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title="每日推播與月底預估" size="small">
            <Chart option={option} height={320} label="本月每日 LINE 推播、累計與預估，以及上限" />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Prices q={q} canEdit={admin} />
        </Col>
        <Col xs={24}>
          <Card title="依用途" size="small">
            <Table
              rowKey="purpose"
              size="small"
              pagination={false}
              dataSource={q.byPurpose}
              locale={{ emptyText: <Empty description="本月還沒有訊息" /> }}
              columns={[
                { title: '用途', dataIndex: 'label', key: 'label' },
                { title: '推播（計入額度）', dataIndex: 'pushes', key: 'pushes', align: 'right', render: n },
                { title: '免費回覆', dataIndex: 'replies', key: 'replies', align: 'right', render: n },
                { title: 'LINE 通知訊息', dataIndex: 'pnp', key: 'pnp', align: 'right', render: n },
                { title: '簡訊', dataIndex: 'sms', key: 'sms', align: 'right', render: n },
              ]}
              summary={(rows) => (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0}>
                    <Text strong>合計</Text>
                  </Table.Summary.Cell>
                  {(['pushes', 'replies', 'pnp', 'sms'] as const).map((k, i) => (
                    <Table.Summary.Cell key={k} index={i + 1} align="right">
                      <Text strong>{n(rows.reduce((a, r) => a + r[k], 0))}</Text>
                    </Table.Summary.Cell>
                  ))}
                </Table.Summary.Row>
              )}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
