// 線上預約 › 候補名單 (C5): patients waiting for a slot (added here by the front desk or joined in
// LINE), the slots freed by a cancellation or a move with who was offered each and who took it,
// the refill figures of the last 30 days, and the wave settings (admins) with a preview of the
// offer as the patient's phone shows it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Radio,
  Row,
  Segmented,
  Select,
  Space,
  Statistic,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage, type ApiBody, type ApiQuery, type ApiResponse } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { BotFlex, BotText, LinePhoneFrame, UserBubble } from '../../components/LinePreview.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { dayjs, formatDateTime } from '../../format.ts';
import { applyFieldErrors } from '../../forms.ts';
import { useUser } from '../../session.tsx';

const { Text } = Typography;
type Entry = ApiResponse<'/api/waitlist/entries'>['items'][number];
type Slot = ApiResponse<'/api/waitlist/slots'>['items'][number];
type Settings = ApiResponse<'/api/waitlist/settings'>;
type SettingsBody = ApiBody<'/api/waitlist/settings', 'put'>;
type EntryStatus = ApiQuery<'/api/waitlist/entries'>['status'];

const keys = {
  all: ['waitlist'] as const,
  entries: (status: string, page: number) => ['waitlist', 'entries', status, page] as const,
  slots: (page: number) => ['waitlist', 'slots', page] as const,
  stats: ['waitlist', 'stats'] as const,
  settings: ['waitlist', 'settings'] as const,
};

const ENTRY_COLOR: Record<Entry['status'], string> = {
  waiting: 'blue',
  booked: 'green',
  cancelled: 'default',
  past: 'default',
};
const SLOT_COLOR: Record<Slot['status'], string> = {
  offering: 'blue',
  filled: 'green',
  no_match: 'default',
  expired: 'default',
  failed: 'red',
};
const OFFER_COLOR: Record<Slot['offers'][number]['status'], string> = {
  sent: 'blue',
  accepted: 'green',
  declined: 'default',
  taken: 'orange',
  expired: 'default',
};

const dateRange = (from: string, to: string) =>
  from === to ? from.slice(5).replace('-', '/') : `${from.slice(5).replace('-', '/')}–${to.slice(5).replace('-', '/')}`;

export function WaitlistPage() {
  const user = useUser();
  const canWrite = user.role === 'admin' || user.role === 'front_desk';
  const [adding, setAdding] = useState(false);
  return (
    <>
      <PageHeader
        title="候補名單"
        subtitle="病患登記想看診的醫師、日期與時段；有預約取消或改期釋出時段時，系統以 LINE 分批通知符合的候補病患，先按「我要這個時段」者取得，預約申請送到 HIS。"
        extra={
          canWrite ? (
            <Button type="primary" onClick={() => setAdding(true)}>
              新增候補
            </Button>
          ) : null
        }
        help={<HelpDrawer topic="waitlist" />}
      />
      <StatsRow />
      <Card>
        <Tabs
          destroyOnHidden
          items={[
            { key: 'entries', label: '候補名單', children: <EntriesTab canWrite={canWrite} /> },
            { key: 'slots', label: '釋出的時段', children: <SlotsTab /> },
            { key: 'settings', label: '通知設定', children: <SettingsTab canEdit={user.role === 'admin'} /> },
          ]}
        />
      </Card>
      <AddModal open={adding} onClose={() => setAdding(false)} />
    </>
  );
}

function StatsRow() {
  const to = dayjs().format('YYYY-MM-DD');
  const from = dayjs().subtract(29, 'day').format('YYYY-MM-DD');
  const stats = useQuery({
    queryKey: [...keys.stats, from, to],
    queryFn: () => api.get('/api/waitlist/stats', { params: { query: { from, to } } }),
    refetchInterval: 30_000,
  });
  const s = stats.data;
  const items: { title: string; value: number | string; suffix?: string }[] = [
    { title: '近 30 天釋出的時段', value: s?.freed ?? 0, suffix: '個' },
    { title: '已通知候補病患', value: s?.offered ?? 0, suffix: '個' },
    { title: '由候補補上', value: s?.filled ?? 0, suffix: '個' },
    {
      title: '補上所需時間（中位數）',
      value: s?.medianMinutesToFill ?? '—',
      suffix: s?.medianMinutesToFill != null ? '分鐘' : undefined,
    },
  ];
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
      {items.map((i) => (
        <Col key={i.title} xs={12} lg={6}>
          <Card size="small">
            <Statistic title={i.title} value={i.value} suffix={i.suffix} loading={stats.isLoading} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

function EntriesTab({ canWrite }: { canWrite: boolean }) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [status, setStatus] = useState<EntryStatus>('waiting');
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: keys.entries(status ?? 'waiting', page),
    queryFn: () =>
      api.get('/api/waitlist/entries', { params: { query: { status, limit: 50, offset: (page - 1) * 50 } } }),
    refetchInterval: 30_000,
  });
  const cancel = useMutation({
    mutationFn: (id: string) => api.post('/api/waitlist/entries/{id}/cancel', { params: { path: { id } } }),
    onSuccess: (e) => {
      void qc.invalidateQueries({ queryKey: keys.all });
      message.success(`已取消 ${e.patientName} 的候補`);
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  return (
    <>
      <Segmented<NonNullable<EntryStatus>>
        style={{ marginBottom: 16 }}
        value={status ?? 'waiting'}
        onChange={(v) => {
          setStatus(v);
          setPage(1);
        }}
        options={[
          { value: 'waiting', label: '候補中' },
          { value: 'booked', label: '已補上' },
          { value: 'past', label: '已過期' },
          { value: 'cancelled', label: '已取消' },
          { value: 'all', label: '全部' },
        ]}
      />
      <Table<Entry>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: <Empty description="目前沒有候補的病患" /> }}
        pagination={{
          current: page,
          pageSize: 50,
          total: list.data?.total ?? 0,
          onChange: setPage,
          showTotal: (t) => `共 ${t} 筆`,
          hideOnSinglePage: true,
        }}
        scroll={{ x: 960 }}
        columns={[
          {
            title: '病患',
            width: 210,
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <Link to={`/patients/${r.patientId}`}>{r.patientName}</Link>
                <Text type="secondary" style={{ fontSize: 12 }}>
                  {r.chartNo ? `病歷 ${r.chartNo}・` : ''}
                  {r.lineReachable ? 'LINE 可通知' : <Text type="warning">沒有可通知的 LINE</Text>}
                </Text>
              </Space>
            ),
          },
          { title: '醫師', width: 110, render: (_, r) => r.doctorName ?? <Text type="secondary">不限</Text> },
          { title: '日期', width: 120, render: (_, r) => dateRange(r.dateFrom, r.dateTo) },
          { title: '時段', dataIndex: 'timeOfDayLabel', width: 150 },
          {
            title: '項目／備註',
            render: (_, r) =>
              r.visitType || r.note ? (
                <Space direction="vertical" size={0}>
                  {r.visitType ? <Text>{r.visitType}</Text> : null}
                  {r.note ? (
                    <Text type="secondary" style={{ fontSize: 12 }}>
                      {r.note}
                    </Text>
                  ) : null}
                </Space>
              ) : (
                '—'
              ),
          },
          {
            title: '登記',
            width: 150,
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <Text>{r.sourceLabel}</Text>
                <Text type="secondary" style={{ fontSize: 12 }}>
                  {formatDateTime(r.createdAt).slice(5)}
                </Text>
              </Space>
            ),
          },
          {
            title: '狀態',
            width: 90,
            render: (_, r) => <Tag color={ENTRY_COLOR[r.status]}>{r.statusLabel}</Tag>,
          },
          ...(canWrite
            ? [
                {
                  title: '',
                  width: 80,
                  render: (_: unknown, r: Entry) =>
                    r.status === 'waiting' ? (
                      <Popconfirm
                        title={`取消 ${r.patientName} 的候補？`}
                        description="之後釋出的時段不再通知這筆登記。"
                        okText="取消候補"
                        cancelText="返回"
                        onConfirm={() => cancel.mutate(r.id)}
                      >
                        <Button size="small" type="link" danger>
                          取消
                        </Button>
                      </Popconfirm>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
    </>
  );
}

function SlotsTab() {
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: keys.slots(page),
    queryFn: () => api.get('/api/waitlist/slots', { params: { query: { limit: 50, offset: (page - 1) * 50 } } }),
    refetchInterval: 15_000,
  });
  return (
    <Table<Slot>
      rowKey="id"
      size="middle"
      loading={list.isLoading}
      dataSource={list.data?.items ?? []}
      locale={{ emptyText: <Empty description="還沒有釋出的時段：未來的預約被取消或改期時會出現在這裡" /> }}
      pagination={{
        current: page,
        pageSize: 50,
        total: list.data?.total ?? 0,
        onChange: setPage,
        showTotal: (t) => `共 ${t} 筆`,
        hideOnSinglePage: true,
      }}
      scroll={{ x: 960 }}
      expandable={{
        rowExpandable: (r) => r.offers.length > 0,
        expandedRowRender: (r) => (
          <Space wrap size={[8, 8]}>
            {r.offers.map((o) => (
              <Tag key={`${o.patientName}-${o.sentAt}`} color={OFFER_COLOR[o.status]}>
                第 {o.wave} 批・{o.patientName}・{o.statusLabel}
                {o.answeredAt ? `（${formatDateTime(o.answeredAt).slice(11)}）` : ''}
              </Tag>
            ))}
          </Space>
        ),
      }}
      columns={[
        {
          title: '時段',
          width: 190,
          render: (_, r) => (
            <Space direction="vertical" size={0}>
              <Text strong>
                {formatDateTime(r.startsAt).slice(5)}–{formatDateTime(r.endsAt).slice(11)}
              </Text>
              <Text type="secondary" style={{ fontSize: 12 }}>
                {r.doctorName}
                {r.visitType ? `・${r.visitType}` : ''}
              </Text>
            </Space>
          ),
        },
        {
          title: '釋出',
          width: 130,
          render: (_, r) => (
            <Space direction="vertical" size={0}>
              <Text>{r.reasonLabel}</Text>
              <Text type="secondary" style={{ fontSize: 12 }}>
                {formatDateTime(r.freedAt).slice(5)}
              </Text>
            </Space>
          ),
        },
        {
          title: '通知',
          width: 130,
          render: (_, r) => (r.offersSent ? `${r.waves} 批・${r.offersSent} 人` : '—'),
        },
        {
          title: '狀態',
          width: 110,
          render: (_, r) => <Tag color={SLOT_COLOR[r.status]}>{r.statusLabel}</Tag>,
        },
        {
          title: '補上',
          render: (_, r) =>
            r.filledPatientName ? (
              <Space direction="vertical" size={0}>
                <Text>{r.filledPatientName}</Text>
                <Text type="secondary" style={{ fontSize: 12 }}>
                  {r.minutesToFill !== null ? `釋出後 ${r.minutesToFill} 分鐘・` : ''}
                  {r.bookingRequestId ? '已送出預約申請' : r.failure ? `預約失敗：${r.failure}` : '送出預約申請中'}
                </Text>
              </Space>
            ) : (
              '—'
            ),
        },
      ]}
    />
  );
}

function SettingsTab({ canEdit }: { canEdit: boolean }) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: keys.settings, queryFn: () => api.get('/api/waitlist/settings') });
  const [form] = Form.useForm<SettingsBody>();
  const save = useMutation({
    mutationFn: (body: SettingsBody) => api.put('/api/waitlist/settings', { body }),
    onSuccess: (v) => {
      qc.setQueryData(keys.settings, v);
      message.success(v.enabled ? '已儲存，候補通知已開啟' : '已儲存，候補通知已關閉');
    },
    onError: (e) => {
      if (!applyFieldErrors(form, e)) message.error(errorMessage(e));
    },
  });
  const s: Settings | undefined = settings.data;
  if (!s) return <Card loading bordered={false} />;
  return (
    <Row gutter={[24, 24]}>
      <Col xs={24} lg={13}>
        {!canEdit ? (
          <Alert type="info" showIcon style={{ marginBottom: 16 }} message="只有管理者可以修改設定。" />
        ) : null}
        <Form
          form={form}
          layout="vertical"
          disabled={!canEdit}
          initialValues={{ enabled: s.enabled, waveSize: s.waveSize, waveMinutes: s.waveMinutes }}
          onFinish={(v) => save.mutate(v)}
        >
          <Form.Item name="enabled" label="釋出時段時通知候補病患" valuePropName="checked">
            <Switch checkedChildren="開啟" unCheckedChildren="關閉" />
          </Form.Item>
          <Space size={24} wrap>
            <Form.Item name="waveSize" label="每批通知人數" rules={[{ required: true, message: '請填寫每批通知人數' }]}>
              <InputNumber min={1} max={50} precision={0} addonAfter="人" style={{ width: 140 }} />
            </Form.Item>
            <Form.Item name="waveMinutes" label="每批間隔" rules={[{ required: true, message: '請填寫每批間隔' }]}>
              <InputNumber min={1} max={240} precision={0} addonAfter="分鐘" style={{ width: 150 }} />
            </Form.Item>
          </Space>
          <Alert
            type="info"
            style={{ marginBottom: 16 }}
            message="怎麼通知"
            description={
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                <li>依登記先後，每批通知符合醫師、日期與時段的候補病患；沒人取得時，間隔後再通知下一批。</li>
                <li>名額只有一位：第一位按「我要這個時段」的病患取得，其他收到通知的病患會被告知已被預約。</li>
                <li>時段開始前 {s.closeMinutes} 分鐘停止通知；安靜時段內不傳送，等安靜時段結束再通知。</li>
                <li>候補通知是病患自己登記要收的，不受每月非必要訊息上限限制；「已被預約」的告知則受上限限制。</li>
              </ul>
            }
          />
          {canEdit ? (
            <Space>
              <Button type="primary" htmlType="submit" loading={save.isPending}>
                儲存
              </Button>
              <Button
                onClick={() =>
                  form.setFieldsValue({ waveSize: s.defaults.waveSize, waveMinutes: s.defaults.waveMinutes })
                }
              >
                還原預設（每批 {s.defaults.waveSize} 人、間隔 {s.defaults.waveMinutes} 分鐘）
              </Button>
            </Space>
          ) : null}
        </Form>
      </Col>
      <Col xs={24} lg={11}>
        <Text type="secondary" style={{ display: 'block', marginBottom: 8 }}>
          病患收到的通知（以「王小明」示範）
        </Text>
        <LinePhoneFrame title="LINE" minHeight={360}>
          <BotFlex contents={s.preview} />
          <UserBubble text="我要這個時段" />
          <BotText text={s.replies.won} />
        </LinePhoneFrame>
      </Col>
    </Row>
  );
}

type AddForm = {
  patientId: string;
  doctorId: string;
  range: [Dayjs, Dayjs];
  timeOfDay: 'any' | 'morning' | 'afternoon' | 'evening';
  visitType?: string;
  note?: string;
};

function AddModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<AddForm>();
  const [q, setQ] = useState('');
  const patients = useQuery({
    queryKey: ['patients', 'pick', q],
    queryFn: () => api.get('/api/patients', { params: { query: { q, pageSize: 20 } } }),
    enabled: open && q.trim().length > 0,
  });
  const doctors = useQuery({
    queryKey: ['doctors'],
    queryFn: () => api.get('/api/doctors'),
    staleTime: 5 * 60_000,
    enabled: open,
  });
  const create = useMutation({
    mutationFn: (v: AddForm) =>
      api.post('/api/waitlist/entries', {
        body: {
          patientId: v.patientId,
          doctorId: v.doctorId === 'any' ? null : v.doctorId,
          visitType: v.visitType?.trim() || null,
          dateFrom: v.range[0].format('YYYY-MM-DD'),
          dateTo: v.range[1].format('YYYY-MM-DD'),
          timeOfDay: v.timeOfDay,
          note: v.note?.trim() || null,
        },
      }),
    onSuccess: (e) => {
      void qc.invalidateQueries({ queryKey: keys.all });
      message.success(`已將 ${e.patientName} 加入候補名單`);
      form.resetFields();
      onClose();
    },
    onError: (e) => {
      if (!applyFieldErrors(form, e, { dateFrom: 'range', dateTo: 'range' })) message.error(errorMessage(e));
    },
  });
  const today = dayjs().startOf('day');
  return (
    <Modal
      open={open}
      title="新增候補"
      okText="加入候補名單"
      cancelText="取消"
      onCancel={onClose}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ doctorId: 'any', timeOfDay: 'any', range: [today, today.add(14, 'day')] }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item name="patientId" label="病患" rules={[{ required: true, message: '請選擇病患' }]}>
          <Select
            showSearch
            filterOption={false}
            placeholder="輸入姓名、病歷號或電話搜尋"
            onSearch={setQ}
            loading={patients.isFetching}
            notFoundContent={q ? '找不到病患' : '請輸入搜尋'}
            options={(patients.data?.items ?? []).map((p) => ({
              value: p.id,
              label: `${p.name}${p.chartNo ? `（病歷 ${p.chartNo}）` : ''}`,
            }))}
          />
        </Form.Item>
        <Form.Item name="doctorId" label="醫師">
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={[
              { value: 'any', label: '不限醫師' },
              ...(doctors.data?.items ?? []).filter((d) => d.active).map((d) => ({ value: d.id, label: d.name })),
            ]}
          />
        </Form.Item>
        <Form.Item
          name="range"
          label="可看診的日期"
          extra="最多登記到 90 天後"
          rules={[{ required: true, message: '請選擇日期' }]}
        >
          <DatePicker.RangePicker
            style={{ width: '100%' }}
            disabledDate={(d) => d.isBefore(today) || d.isAfter(today.add(90, 'day'))}
            allowClear={false}
          />
        </Form.Item>
        <Form.Item name="timeOfDay" label="時段">
          <Radio.Group
            optionType="button"
            options={[
              { value: 'any', label: '不限' },
              { value: 'morning', label: '上午' },
              { value: 'afternoon', label: '下午' },
              { value: 'evening', label: '晚上' },
            ]}
          />
        </Form.Item>
        <Form.Item name="visitType" label="看診項目（選填）">
          <Input maxLength={40} placeholder="例如：洗牙" />
        </Form.Item>
        <Form.Item name="note" label="備註（選填，病患看不到）">
          <Input.TextArea rows={2} maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
