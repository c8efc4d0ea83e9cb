// The 提醒 › 發送紀錄 page: every reminder of a range of send (or visit) days with its state,
// channel, time, the planner's "why at this time", the error, the patient and the visit;
// filters kept in the address (shareable, back button works), failed ones first, a page at a
// time. The front desk and admins can send a reminder again after confirming that the
// patient will get a second message.
import { ReloadOutlined, SearchOutlined, SendOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Flex,
  Input,
  Popconfirm,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useSearchParams } from 'react-router';
import { api, errorMessage, type ApiQuery, type ApiResponse } from '../../api.ts';
import { DayRangePicker } from '../../components/DayRangePicker.tsx';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useSearchText } from '../../components/useSearchText.ts';
import { dayjs, formatDateTimeIn } from '../../format.ts';
import { useClinic } from '../../queries.ts';
import { hasRole, useUser } from '../../session.tsx';

const { Text } = Typography;

type LogPage = ApiResponse<'/api/reminders/log'>;
type Row = LogPage['items'][number];
type Query = ApiQuery<'/api/reminders/log'>;
type State = NonNullable<Query['state']>;
type Channel = NonNullable<Query['channel']>;

export const STATE_TAG: Record<string, { label: string; color: string }> = {
  failed: { label: '失敗', color: 'red' },
  planned: { label: '排程中', color: 'blue' },
  sending: { label: '發送中', color: 'processing' },
  sent: { label: '已送出', color: 'cyan' },
  answered: { label: '已回覆', color: 'green' },
  skipped: { label: '略過', color: 'orange' },
  cancelled: { label: '已取消', color: 'default' },
};
const STATES: State[] = ['failed', 'planned', 'sent', 'answered', 'skipped', 'cancelled'];
export const CHANNEL_LABEL: Record<string, string> = { line: 'LINE', sms: '簡訊', pnp: 'LINE 通知訊息' };
const CHANNELS: Channel[] = ['line', 'sms', 'pnp'];
const PAGE_SIZE = 50;

function useFilters() {
  const [params, setParams] = useSearchParams();
  const today = dayjs().format('YYYY-MM-DD');
  const f = {
    from: params.get('from') ?? today,
    to: params.get('to') ?? params.get('from') ?? today,
    by: (params.get('by') === 'visit' ? 'visit' : 'send') as 'send' | 'visit',
    state: (params.get('state') ?? undefined) as State | undefined,
    ruleId: params.get('rule') ?? undefined,
    doctorId: params.get('doctor') ?? undefined,
    channel: (params.get('channel') ?? undefined) as Channel | undefined,
    q: params.get('q') ?? undefined,
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

export function DeliveryLogPage() {
  const user = useUser();
  const canResend = hasRole(user, ['admin', 'front_desk']);
  const { message } = App.useApp();
  const qc = useQueryClient();
  const clinic = useClinic();
  const zone = clinic.data?.timeZone;
  const { f, set } = useFilters();
  const box = useSearchText(f.q, (q) => set({ q }));

  const query: Query = {
    from: f.from,
    to: f.to,
    by: f.by,
    state: f.state,
    ruleId: f.ruleId,
    doctorId: f.doctorId,
    channel: f.channel,
    q: f.q,
    page: f.page,
    pageSize: PAGE_SIZE,
  };
  const log = useQuery({
    queryKey: ['reminders', 'log', query],
    queryFn: () => api.get('/api/reminders/log', { params: { query } }),
    placeholderData: keepPreviousData,
  });
  const rules = useQuery({
    queryKey: ['reminders', 'rules'],
    queryFn: () => api.get('/api/reminders/rules'),
    staleTime: 60_000,
  });
  const doctors = useQuery({ queryKey: ['doctors'], queryFn: () => api.get('/api/doctors'), staleTime: 5 * 60_000 });

  const resend = useMutation({
    mutationFn: (id: string) => api.post('/api/reminders/{id}/resend', { params: { path: { id } } }),
    onSuccess: () => {
      void message.success('已排入重新發送，病患稍後會收到第二則提醒');
      void qc.invalidateQueries({ queryKey: ['reminders', 'log'] });
    },
    onError: (err) => void message.error(errorMessage(err)),
  });

  const when = (r: Row) => {
    const at = r.sentAt ?? r.dueAt;
    return at ? formatDateTimeIn(at, zone) : '—';
  };

  const columns = [
    {
      title: '狀態',
      key: 'state',
      width: 88,
      render: (_: unknown, r: Row) => {
        const t = STATE_TAG[r.state] ?? { label: r.state, color: 'default' };
        return (
          <Tag color={t.color} data-state={r.state}>
            {t.label}
          </Tag>
        );
      },
    },
    {
      title: '發送時間',
      key: 'time',
      width: 140,
      render: (_: unknown, r: Row) => (
        <Flex vertical>
          <span>{when(r)}</span>
          {r.sentAt ? null : (
            <Text type="secondary" style={{ fontSize: 12 }}>
              {r.dueAt ? '預定時間' : '未排定'}
            </Text>
          )}
        </Flex>
      ),
    },
    {
      title: '病患與看診',
      key: 'patient',
      render: (_: unknown, r: Row) => (
        <Flex vertical>
          <Text strong>{r.patientName}</Text>
          <Text type="secondary" style={{ fontSize: 12 }}>
            {formatDateTimeIn(r.visitStartsAt, zone)} · {r.doctorName} · {r.appointmentHisId}
          </Text>
        </Flex>
      ),
    },
    {
      title: '規則',
      dataIndex: 'ruleName',
      key: 'rule',
      width: 160,
      render: (name: string, r: Row) => (
        <Space size={4} wrap>
          <span>{name}</span>
          {r.essential ? null : <Tag bordered={false}>非必要</Tag>}
        </Space>
      ),
    },
    {
      title: '管道',
      key: 'channel',
      width: 110,
      render: (_: unknown, r: Row) =>
        r.channel ? (
          <Space size={4} wrap>
            <span>{CHANNEL_LABEL[r.channel] ?? r.channel}</span>
            {r.channel === 'pnp' && r.deliveredAt ? (
              <Tooltip title={`LINE 確認送達手機：${formatDateTimeIn(r.deliveredAt, zone)}`}>
                <Tag color="green" bordered={false}>
                  已送達
                </Tag>
              </Tooltip>
            ) : null}
            {r.familySize && r.familySize > 1 ? (
              <Tooltip
                title={`與家人合併發送（共 ${r.familySize} 位）：同一個 LINE 帳號綁定的家人，提醒合併成一則訊息`}
              >
                <Tag color="purple">家人 {r.familySize}</Tag>
              </Tooltip>
            ) : null}
          </Space>
        ) : (
          <Text type="secondary">—</Text>
        ),
    },
    {
      title: '錯誤或原因',
      key: 'error',
      width: 240,
      render: (_: unknown, r: Row) => {
        // channelReason: why a LINE notification message, or SMS after LINE found no account; a row
        // planning skipped says why in its explanation (a booking from the HIS's first sync …).
        const why =
          r.lastError ?? r.cancelReason ?? r.channelReason ?? (r.rawState === 'skipped' ? r.explanation : null);
        return why ? <Text type={r.state === 'failed' ? 'danger' : 'secondary'}>{why}</Text> : null;
      },
    },
    ...(canResend
      ? [
          {
            title: '',
            key: 'actions',
            width: 120,
            render: (_: unknown, r: Row) =>
              r.rawState === 'planned' || r.rawState === 'sending' || r.rawState === 'cancelled' ? null : (
                <Popconfirm
                  title="重新發送提醒"
                  description={`這會再傳一則提醒給${r.patientName}（病患會收到第二則訊息），確定要重新發送嗎？`}
                  okText="重新發送"
                  cancelText="取消"
                  onConfirm={() => resend.mutateAsync(r.id)}
                >
                  <Button size="small" icon={<SendOutlined />}>
                    重新發送
                  </Button>
                </Popconfirm>
              ),
          },
        ]
      : []),
  ];

  const data = log.data;
  const summary = data?.summary ?? {};
  const all = Object.values(summary).reduce((a, n) => a + n, 0);
  const range: [Dayjs, Dayjs] = [dayjs(f.from), dayjs(f.to)];

  return (
    <>
      <PageHeader
        title="發送紀錄"
        subtitle="每一則看診提醒的狀態、管道與發送時間，以及為什麼在這個時間發送。失敗的排在最前面。"
        help={<HelpDrawer topic="deliveryLog" />}
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => void log.refetch()} loading={log.isFetching}>
            重新整理
          </Button>
        }
      />
      <Card style={{ marginBottom: 16 }} aria-label="篩選">
        <Flex gap={10} wrap align="center">
          <Segmented
            value={f.by}
            onChange={(v) => set({ by: v === 'visit' ? 'visit' : undefined })}
            options={[
              { value: 'send', label: '依發送日' },
              { value: 'visit', label: '依看診日' },
            ]}
          />
          <DayRangePicker
            label="日期"
            value={range}
            onChange={(from, to) => set({ from, to })}
            presets={[
              { label: '今天', value: [dayjs(), dayjs()] },
              { label: '明天', value: [dayjs().add(1, 'day'), dayjs().add(1, 'day')] },
              { label: '最近 7 天', value: [dayjs().subtract(6, 'day'), dayjs()] },
              { label: '本月', value: [dayjs().startOf('month'), dayjs().endOf('month')] },
            ]}
          />
          <Select
            aria-label="狀態"
            placeholder="全部狀態"
            allowClear
            style={{ width: 116 }}
            value={f.state}
            onChange={(v) => set({ state: v })}
            options={STATES.map((s) => ({ value: s, label: STATE_TAG[s].label }))}
          />
          <Select
            aria-label="規則"
            placeholder="全部規則"
            allowClear
            style={{ width: 168 }}
            value={f.ruleId}
            onChange={(v) => set({ rule: v })}
            loading={rules.isLoading}
            options={(rules.data?.rules ?? []).map((r) => ({ value: r.id, label: r.name }))}
          />
          <Select
            aria-label="醫師"
            placeholder="全部醫師"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 124 }}
            value={f.doctorId}
            onChange={(v) => set({ doctor: v })}
            loading={doctors.isLoading}
            options={(doctors.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
          />
          <Select
            aria-label="管道"
            placeholder="全部管道"
            allowClear
            style={{ width: 136 }}
            value={f.channel}
            onChange={(v) => set({ channel: v })}
            options={CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABEL[c] }))}
          />
          <Input
            allowClear
            prefix={<SearchOutlined style={{ color: 'rgba(0,0,0,0.35)' }} />}
            placeholder="姓名、病歷號或預約代碼"
            aria-label="搜尋病患或預約"
            value={box.text}
            onPressEnter={() => box.search(box.text)}
            onChange={(e) => {
              box.setText(e.target.value);
              if (!e.target.value) box.search('');
            }}
            style={{ width: 230 }}
          />
        </Flex>
        <Flex gap={6} wrap style={{ marginTop: 14 }} aria-label="各狀態數量">
          <Tag.CheckableTag checked={!f.state} onChange={() => set({ state: undefined })}>
            全部 {all}
          </Tag.CheckableTag>
          {STATES.map((s) => (
            <Tag.CheckableTag key={s} checked={f.state === s} onChange={(on) => set({ state: on ? s : undefined })}>
              {STATE_TAG[s].label} {summary[s] ?? 0}
            </Tag.CheckableTag>
          ))}
        </Flex>
      </Card>
      <Card styles={{ body: { padding: 0 } }}>
        {log.isError ? <Alert type="error" showIcon title={errorMessage(log.error)} style={{ margin: 16 }} /> : null}
        <Table<Row>
          tableLayout="fixed"
          rowKey="id"
          size="middle"
          loading={log.isFetching}
          columns={columns}
          dataSource={data?.items ?? []}
          locale={{ emptyText: '這段期間沒有符合條件的提醒' }}
          expandable={{
            expandedRowRender: (r) => (
              <Descriptions size="small" column={1} style={{ maxWidth: 900 }}>
                <Descriptions.Item label="為什麼是這個時間">{r.explanation}</Descriptions.Item>
                <Descriptions.Item label="預定發送">{formatDateTimeIn(r.dueAt, zone)}</Descriptions.Item>
                <Descriptions.Item label="實際送出">{formatDateTimeIn(r.sentAt, zone)}</Descriptions.Item>
                <Descriptions.Item label="嘗試次數">{r.attempts}</Descriptions.Item>
                {r.lineRequestId ? (
                  <Descriptions.Item label="LINE 請求代碼">
                    <Text copyable>{r.lineRequestId}</Text>
                  </Descriptions.Item>
                ) : null}
                <Descriptions.Item label="預約代碼">{r.appointmentHisId}</Descriptions.Item>
              </Descriptions>
            ),
          }}
          pagination={{
            current: f.page,
            pageSize: PAGE_SIZE,
            total: data?.total ?? 0,
            showSizeChanger: false,
            showTotal: (n) => `共 ${n} 則`,
            onChange: (p) => set({ page: p === 1 ? undefined : String(p) }),
          }}
        />
      </Card>
    </>
  );
}
