// 回診提醒: rules (半年洗牙, 年度健檢, 慢性處方箋領藥 …) and the front desk's recall list with outcomes.
import { PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Segmented,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage, type ApiBody, type ApiQuery } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PhoneReveal } from '../../components/PhoneReveal.tsx';
import { formatDate, formatDateTime } from '../../format.ts';
import { textOrNull, type RecallRule } from './api.ts';

type RecallStatus = NonNullable<ApiQuery<'/api/recalls'>['status']>;
type RuleBody = ApiBody<'/api/recall-rules', 'post'>;

const { Text } = Typography;
const KIND_LABEL: Record<string, string> = { after_visit: '就診後', yearly: '年度', chronic_refill: '慢性處方箋領藥' };
const STATUS_COLOR: Record<string, string> = {
  due: 'orange',
  sent: 'blue',
  booked: 'green',
  declined: 'default',
  no_answer: 'gold',
  skipped: 'default',
};

export function RecallPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [status, setStatus] = useState<RecallStatus | 'all'>('all');
  const [editing, setEditing] = useState<RecallRule | 'new' | null>(null);
  const [form] = Form.useForm<RuleBody>();
  const rules = useQuery({
    queryKey: ['recall-rules'],
    queryFn: () => api.get('/api/recall-rules'),
  });
  const list = useQuery({
    queryKey: ['recalls', status],
    queryFn: () => api.get('/api/recalls', { params: { query: { status: status === 'all' ? undefined : status } } }),
  });
  // Counts only (sends nothing): what the next scan would add, per rule.
  const preview = useQuery({
    queryKey: ['recalls', 'preview'],
    queryFn: () => api.get('/api/recalls/preview'),
  });
  const dueOf = new Map((preview.data?.rules ?? []).map((r) => [r.ruleId, r.due]));
  const inv = () => {
    void qc.invalidateQueries({ queryKey: ['recall-rules'] });
    void qc.invalidateQueries({ queryKey: ['recalls'] });
  };
  const defaults = useMutation({
    mutationFn: () => api.post('/api/recall-rules/defaults'),
    onSuccess: inv,
    onError: (e) => message.error(errorMessage(e)),
  });
  const save = useMutation({
    // An emptied visit type is sent as null (any visit); the server refuses "".
    mutationFn: (v: RuleBody) => {
      const body = { ...v, visitType: textOrNull(v.visitType) };
      return editing && editing !== 'new'
        ? api.put('/api/recall-rules/{id}', { params: { path: { id: editing.id } }, body })
        : api.post('/api/recall-rules', { body });
    },
    onSuccess: () => {
      setEditing(null);
      inv();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const scan = useMutation({
    mutationFn: () => api.post('/api/recalls/scan'),
    onSuccess: (r) => {
      message.success(`新增 ${r.created} 位到提醒名單，已傳送 ${r.sent} 則`);
      inv();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const outcome = useMutation({
    mutationFn: ({ id, o }: { id: string; o: ApiBody<'/api/recalls/{id}/outcome', 'put'>['outcome'] }) =>
      api.put('/api/recalls/{id}/outcome', { params: { path: { id } }, body: { outcome: o } }),
    onSuccess: inv,
    onError: (e) => message.error(errorMessage(e)),
  });
  const open = (r: RecallRule | 'new') => {
    setEditing(r);
    form.resetFields();
    form.setFieldsValue(
      r === 'new'
        ? { kind: 'after_visit', intervalDays: 182, button: 'booking', enabled: true, message: '{name} 您好，' }
        : r,
    );
  };
  return (
    <>
      <PageHeader
        title="回診提醒"
        subtitle="依規則找出該回診的病患（例如上次洗牙後半年），以 LINE 傳送附預約或來電按鈕的訊息（未綁定者以簡訊），櫃台再記錄聯絡結果。"
        extra={
          <Button icon={<PlayCircleOutlined />} loading={scan.isPending} onClick={() => scan.mutate()}>
            立即檢查並傳送
          </Button>
        }
        help={<HelpDrawer topic="recall" />}
      />
      <Card
        title="規則"
        style={{ marginBottom: 16 }}
        extra={
          <Space>
            {/* offered while no rule is on: rules kept only for their lists (deleted ones) are off */}
            {!rules.data?.items.some((r) => r.enabled) ? (
              <Button onClick={() => defaults.mutate()}>建立預設規則</Button>
            ) : null}
            <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
              新增規則
            </Button>
          </Space>
        }
      >
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          loading={rules.isLoading}
          dataSource={rules.data?.items ?? []}
          columns={[
            { title: '名稱', dataIndex: 'name', render: (v: string, r) => <a onClick={() => open(r)}>{v}</a> },
            { title: '類型', dataIndex: 'kind', render: (k: string) => KIND_LABEL[k] ?? k },
            { title: '依據', dataIndex: 'visitType', render: (v) => (v ? `上次「${v}」` : '任何就診') },
            { title: '間隔', dataIndex: 'intervalDays', render: (d: number) => `${d} 天後` },
            { title: '按鈕', dataIndex: 'button', render: (b: string) => (b === 'booking' ? '線上預約' : '打電話') },
            {
              title: '啟用',
              dataIndex: 'enabled',
              render: (e: boolean) => (e ? <Tag color="green">啟用</Tag> : <Tag>停用</Tag>),
            },
            {
              title: '目前到期',
              key: 'due',
              render: (_, r) => (r.enabled ? `${(dueOf.get(r.id) ?? 0).toLocaleString()} 位` : '—'),
            },
          ]}
        />
        {preview.data && preview.data.rules.length ? (
          <Alert
            style={{ marginTop: 12 }}
            type={preview.data.total ? 'info' : 'success'}
            showIcon
            message={
              preview.data.total
                ? `目前有 ${preview.data.total.toLocaleString()} 位病患到期、尚未通知`
                : '目前沒有到期、尚未通知的病患'
            }
            description={
              (preview.data.nextScanAt
                ? `下次自動檢查：${formatDateTime(preview.data.nextScanAt)}，` +
                  '屆時會傳送給當時到期的病患（LINE，未綁定者以簡訊）。'
                : '尚未排定自動檢查。') + '也可按右上角「立即檢查並傳送」。'
            }
          />
        ) : null}
      </Card>
      <Card
        title="提醒名單"
        extra={
          <Segmented<RecallStatus | 'all'>
            value={status}
            onChange={setStatus}
            options={[
              { value: 'all', label: '全部' },
              { value: 'due', label: '待通知' },
              { value: 'sent', label: '已通知' },
              { value: 'booked', label: '已預約' },
              { value: 'declined', label: '婉拒' },
              { value: 'no_answer', label: '未接聽' },
            ]}
          />
        }
      >
        <Table
          rowKey="id"
          size="middle"
          loading={list.isLoading}
          dataSource={list.data?.items ?? []}
          columns={[
            { title: '病患', render: (_, r) => <Link to={`/patients/${r.patientId}`}>{r.patientName}</Link> },
            { title: '病歷號', dataIndex: 'chartNo', render: (v) => v ?? '—' },
            {
              title: '電話',
              dataIndex: 'phoneMasked',
              render: (v: string | null, r) => <PhoneReveal compact patientId={r.patientId} masked={v} />,
            },
            { title: '規則', dataIndex: 'ruleName' },
            { title: '到期', dataIndex: 'dueDate' },
            { title: '上次就診', dataIndex: 'basisVisitAt', render: formatDate },
            {
              title: '狀態',
              render: (_, r) => (
                <Space size={4}>
                  <Tag color={STATUS_COLOR[r.status]}>{r.statusLabel}</Tag>
                  {r.channel ? <Text type="secondary">{r.channel === 'line' ? 'LINE' : '簡訊'}</Text> : null}
                </Space>
              ),
            },
            {
              title: '聯絡結果',
              render: (_, r) => (
                <Space size={4}>
                  {(
                    [
                      ['booked', '已預約'],
                      ['declined', '婉拒'],
                      ['no_answer', '未接聽'],
                    ] as const
                  ).map(([o, l]) => (
                    <Button
                      key={o}
                      size="small"
                      type={r.outcome === o ? 'primary' : 'default'}
                      onClick={() => outcome.mutate({ id: r.id, o })}
                    >
                      {l}
                    </Button>
                  ))}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={!!editing}
        title={editing === 'new' ? '新增回診提醒規則' : '修改規則'}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
      >
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Form.Item name="name" label="名稱" rules={[{ required: true, message: '請輸入名稱' }]}>
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item name="kind" label="類型">
            <Select options={Object.entries(KIND_LABEL).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="visitType" label="依據的就診類別（空白＝任何就診）">
            <Input placeholder="例如 洗牙、健檢、慢性處方" />
          </Form.Item>
          <Form.Item name="intervalDays" label="上次就診後幾天提醒" rules={[{ required: true }]}>
            <InputNumber min={1} max={3650} />
          </Form.Item>
          <Form.Item name="message" label="訊息（{name} 代入姓名）" rules={[{ required: true, message: '請輸入訊息' }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
          <Form.Item name="button" label="按鈕">
            <Select
              options={[
                { value: 'booking', label: '線上預約' },
                { value: 'call', label: '打電話到診所' },
              ]}
            />
          </Form.Item>
          <Form.Item name="enabled" label="啟用" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
