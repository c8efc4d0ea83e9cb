// 客服 › 客訴與意見: the cases with their two clocks (first action, reply), a red notice for the
// overdue ones (admins were notified), a drawer to move one (受理 → 回覆 → 結案) with its
// timeline, phone complaints, the clinic's time limits, and the statistics.
import { ExclamationCircleFilled, PhoneOutlined, SettingOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Drawer,
  Empty,
  Flex,
  Form,
  Image,
  Input,
  InputNumber,
  Modal,
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
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import { useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, errorMessage, type ApiBody, type ApiQuery } from '../../api.ts';
import { Chart } from '../../components/Chart.tsx';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { dayjs, formatDateTime } from '../../format.ts';
import { applyFieldErrors } from '../../forms.ts';
import { useStaffList } from '../../queries.ts';
import { useUser } from '../../session.tsx';
import {
  CATEGORY_OPTIONS,
  clockText,
  KIND_COLOR,
  KIND_OPTIONS,
  minutesText,
  monthStart,
  newClientKey,
  SEVERITY_COLOR,
  SEVERITY_OPTIONS,
  STATUS_COLOR,
  type CaseDetail,
  type CaseSummary,
  type Clock,
} from './cases-model.ts';

const { Text, Paragraph } = Typography;
type ListQuery = ApiQuery<'/api/cases'>;

function ClockTag({ c, withDue = false }: { c: Clock; withDue?: boolean }) {
  const t = clockText(c);
  if (c.state === 'stopped') return <Text type="secondary">—</Text>;
  const tag = (
    <Tag color={t.color} icon={c.state === 'overdue' ? <ExclamationCircleFilled /> : undefined}>
      {t.text}
    </Tag>
  );
  if (!withDue) return <Tooltip title={t.detail}>{tag}</Tooltip>;
  return (
    <Space direction="vertical" size={2}>
      {tag}
      <Text type="secondary" style={{ fontSize: 12 }}>
        {t.detail}
      </Text>
    </Space>
  );
}

export function CasesPage() {
  const user = useUser();
  const canWrite = user.role === 'admin' || user.role === 'front_desk';
  const [params, setParams] = useSearchParams();
  const openId = params.get('case');
  const setOpenId = (id: string | null) => {
    const p = new URLSearchParams(params);
    if (id) p.set('case', id);
    else p.delete('case');
    setParams(p, { replace: true });
  };
  const [tab, setTab] = useState('cases');
  const [creating, setCreating] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  return (
    <>
      <PageHeader
        title="客訴與意見"
        subtitle="病患的客訴、意見與讚美：受理、回覆、結案，並追蹤兩個時限（首次處理、回覆）。逾時的案件會通知管理員。"
        extra={
          <>
            {user.role === 'admin' ? (
              <Button icon={<SettingOutlined />} onClick={() => setSettingsOpen(true)}>
                時限設定
              </Button>
            ) : null}
            {canWrite ? (
              <Button type="primary" icon={<PhoneOutlined />} onClick={() => setCreating(true)}>
                登記電話／櫃台客訴
              </Button>
            ) : null}
          </>
        }
        help={<HelpDrawer topic="cases" />}
      />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'cases', label: '案件', children: <CaseList onOpen={setOpenId} /> },
          { key: 'stats', label: '統計', children: <CaseStats /> },
        ]}
      />
      <CaseDrawer id={openId} canWrite={canWrite} onClose={() => setOpenId(null)} />
      <CreateModal open={creating} onClose={() => setCreating(false)} onCreated={(id) => setOpenId(id)} />
      <SettingsModal open={settingsOpen} onClose={() => setSettingsOpen(false)} />
    </>
  );
}

function CaseList({ onOpen }: { onOpen: (id: string) => void }) {
  const [status, setStatus] = useState<NonNullable<ListQuery['status']>>('open');
  const [kind, setKind] = useState<ListQuery['kind']>();
  const [q, setQ] = useState('');
  const [overdue, setOverdue] = useState(false);
  const [page, setPage] = useState(1);
  const query: ListQuery = {
    status,
    kind,
    q: q || undefined,
    overdue: overdue || undefined,
    limit: 50,
    offset: (page - 1) * 50,
  };
  const list = useQuery({
    queryKey: ['cases', 'list', query],
    queryFn: () => api.get('/api/cases', { params: { query } }),
    refetchInterval: 60_000,
  });
  const data = list.data;
  return (
    <>
      {data && data.overdue > 0 ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          message={`${data.overdue} 件案件已超過處理時限`}
          description="逾時的案件已通知管理員（若診所設定了 Webhook，也送出了 case.escalated 事件）。請盡快受理或回覆病患。"
          action={
            <Button
              size="small"
              danger
              onClick={() => {
                setStatus('open');
                setOverdue(true);
                setPage(1);
              }}
            >
              只看逾時案件
            </Button>
          }
        />
      ) : null}
      <Flex gap={12} wrap style={{ marginBottom: 16 }} align="center">
        <Segmented<NonNullable<ListQuery['status']>>
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={[
            { value: 'open', label: '處理中' },
            { value: 'closed', label: '已結案' },
            { value: 'all', label: '全部' },
          ]}
        />
        <Select
          allowClear
          placeholder="全部類型"
          style={{ width: 130 }}
          value={kind}
          onChange={(v) => {
            setKind(v);
            setPage(1);
          }}
          options={[...KIND_OPTIONS]}
        />
        <Input.Search
          allowClear
          placeholder="搜尋編號、內容、聯絡人"
          style={{ width: 260 }}
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
        />
        <Checkbox
          checked={overdue}
          onChange={(e) => {
            setOverdue(e.target.checked);
            setPage(1);
          }}
        >
          只看逾時
        </Checkbox>
      </Flex>
      <Table<CaseSummary & { patientName?: string | null }>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        dataSource={data?.items ?? []}
        onRow={(r) => ({ onClick: () => onOpen(r.id), style: { cursor: 'pointer' } })}
        locale={{ emptyText: <Empty description={status === 'open' ? '目前沒有處理中的案件' : '沒有符合的案件'} /> }}
        pagination={{
          current: page,
          pageSize: 50,
          total: data?.total ?? 0,
          onChange: setPage,
          showTotal: (t) => `共 ${t} 件`,
        }}
        tableLayout="fixed"
        columns={[
          {
            title: '編號',
            dataIndex: 'number',
            width: 124,
            render: (v: string, r) => (
              <Space direction="vertical" size={0}>
                <Text strong>{v}</Text>
                <Text type="secondary" style={{ fontSize: 12 }}>
                  {r.sourceLabel}
                </Text>
              </Space>
            ),
          },
          {
            title: '類型／分類',
            width: 170,
            render: (_, r) => (
              <Space size={4} wrap>
                <Tag color={KIND_COLOR[r.kind]}>{r.kindLabel}</Tag>
                <Text>{r.categoryLabel}</Text>
                {r.severity !== 'normal' ? <Tag color={SEVERITY_COLOR[r.severity]}>{r.severityLabel}</Tag> : null}
              </Space>
            ),
          },
          {
            title: '狀態',
            dataIndex: 'statusLabel',
            width: 84,
            render: (v: string, r) => <Tag color={STATUS_COLOR[r.status]}>{v}</Tag>,
          },
          {
            title: '病患／聯絡人',
            width: 112,
            ellipsis: true,
            render: (_, r) => r.patientName ?? (r.contactName || '—'),
          },
          { title: '內容', dataIndex: 'text', ellipsis: true },
          { title: '首次處理', width: 142, render: (_, r) => <ClockTag c={r.firstAction} withDue /> },
          { title: '回覆', width: 142, render: (_, r) => <ClockTag c={r.reply} withDue /> },
          {
            title: '負責人',
            dataIndex: 'ownerName',
            width: 90,
            ellipsis: true,
            render: (v: string | null) => v ?? '未指派',
          },
          {
            title: '開立',
            dataIndex: 'createdAt',
            width: 104,
            render: (v: string) => formatDateTime(v).slice(5),
          },
        ]}
      />
    </>
  );
}

const EVENT_LABEL: Record<string, string> = {
  opened: '開案',
  acknowledged: '受理',
  replied: '回覆',
  closed: '結案',
  reopened: '重新開啟',
  note: '內部備註',
  updated: '修改',
  escalated: '逾時通知管理員',
  details: '病患補充',
  satisfaction: '結案滿意度',
};
const EVENT_COLOR: Record<string, string> = {
  opened: 'blue',
  acknowledged: 'gold',
  replied: 'green',
  closed: 'gray',
  escalated: 'red',
  satisfaction: 'purple',
};
const CHANNEL_LABEL: Record<string, string> = {
  line: 'LINE',
  liff: 'LINE 表單',
  phone: '電話',
  staff: '櫃台',
  inbox: '收件匣',
};

function CaseDrawer({ id, canWrite, onClose }: { id: string | null; canWrite: boolean; onClose: () => void }) {
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const staff = useStaffList(canWrite);
  const detail = useQuery({
    queryKey: ['cases', 'detail', id],
    queryFn: () => api.get('/api/cases/{id}', { params: { path: { id: id! } } }),
    enabled: !!id,
  });
  const [replyOpen, setReplyOpen] = useState(false);
  const [note, setNote] = useState('');
  const done = (c: CaseDetail) => {
    qc.setQueryData(['cases', 'detail', id], c);
    void qc.invalidateQueries({ queryKey: ['cases', 'list'] });
  };
  const act = useMutation({
    mutationFn: (a: { path: 'acknowledge' | 'close' | 'reopen' }) =>
      api.post(`/api/cases/{id}/${a.path}`, { params: { path: { id: id! } }, body: {} }),
    onSuccess: (c, a) => {
      done(c);
      message.success({ acknowledge: '已受理', close: '已結案，已詢問病患滿意度', reopen: '已重新開啟' }[a.path]);
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const patch = useMutation({
    mutationFn: (body: ApiBody<'/api/cases/{id}', 'patch'>) =>
      api.patch('/api/cases/{id}', { params: { path: { id: id! } }, body }),
    onSuccess: done,
    onError: (e) => message.error(errorMessage(e)),
  });
  const addNote = useMutation({
    mutationFn: () => api.post('/api/cases/{id}/notes', { params: { path: { id: id! } }, body: { text: note } }),
    onSuccess: (c) => {
      done(c);
      setNote('');
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const c = detail.data;
  const open = c && c.status !== 'closed';
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      size={760}
      title={
        c ? (
          <Space>
            <span>案件 {c.number}</span>
            <Tag color={STATUS_COLOR[c.status]}>{c.statusLabel}</Tag>
          </Space>
        ) : (
          '案件'
        )
      }
      extra={
        c && canWrite ? (
          <Space>
            {c.status === 'new' ? (
              <Button type="primary" loading={act.isPending} onClick={() => act.mutate({ path: 'acknowledge' })}>
                受理
              </Button>
            ) : null}
            {open ? (
              <Button type={c.status === 'new' ? 'default' : 'primary'} onClick={() => setReplyOpen(true)}>
                回覆病患
              </Button>
            ) : null}
            {c.status === 'acknowledged' || c.status === 'replied' ? (
              <Button
                loading={act.isPending}
                onClick={() =>
                  modal.confirm({
                    title: `結案 ${c.number}？`,
                    content: c.lineUserId
                      ? '病患會在 LINE 收到結案通知，並被詢問「這次的處理您滿意嗎？」。'
                      : '這位病患沒有 LINE，結案不會通知病患。',
                    okText: '結案',
                    cancelText: '取消',
                    onOk: () => act.mutateAsync({ path: 'close' }),
                  })
                }
              >
                結案
              </Button>
            ) : null}
            {c.status === 'closed' ? (
              <Button onClick={() => act.mutate({ path: 'reopen' })} loading={act.isPending}>
                重新開啟
              </Button>
            ) : null}
          </Space>
        ) : null
      }
    >
      {!c ? (
        <div aria-busy="true" />
      ) : (
        <Space direction="vertical" size={20} style={{ width: '100%' }}>
          <Row gutter={12}>
            <Col span={12}>
              <Card size="small" title="首次處理（受理）">
                <ClockTag c={c.firstAction} />
                <div>
                  <Text type="secondary">{clockText(c.firstAction).detail}</Text>
                </div>
              </Card>
            </Col>
            <Col span={12}>
              <Card size="small" title="回覆病患">
                <ClockTag c={c.reply} />
                <div>
                  <Text type="secondary">{clockText(c.reply).detail}</Text>
                </div>
              </Card>
            </Col>
          </Row>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label="類型">
              <Select
                size="small"
                variant="borderless"
                disabled={!canWrite}
                value={c.kind}
                options={[...KIND_OPTIONS]}
                onChange={(kind) => patch.mutate({ kind })}
                style={{ width: 100 }}
              />
            </Descriptions.Item>
            <Descriptions.Item label="分類">
              <Select
                size="small"
                variant="borderless"
                disabled={!canWrite}
                value={c.category}
                options={[...CATEGORY_OPTIONS]}
                onChange={(category) => patch.mutate({ category })}
                style={{ width: 120 }}
              />
            </Descriptions.Item>
            <Descriptions.Item label="嚴重度">
              <Select
                size="small"
                variant="borderless"
                disabled={!canWrite}
                value={c.severity}
                options={[...SEVERITY_OPTIONS]}
                onChange={(severity) => patch.mutate({ severity })}
                style={{ width: 100 }}
              />
            </Descriptions.Item>
            <Descriptions.Item label="負責人">
              <Select
                size="small"
                variant="borderless"
                disabled={!canWrite}
                allowClear
                placeholder="未指派"
                value={c.ownerId ?? undefined}
                options={(staff.data ?? [])
                  .filter((m) => m.status === 'active')
                  .map((m) => ({ value: m.id, label: m.name || m.email }))}
                onChange={(ownerId) => patch.mutate({ ownerId: ownerId ?? null })}
                style={{ width: 160 }}
              />
            </Descriptions.Item>
            <Descriptions.Item label="來源">{c.sourceLabel}</Descriptions.Item>
            <Descriptions.Item label="開立">{formatDateTime(c.createdAt)}</Descriptions.Item>
            <Descriptions.Item label="病患">
              {c.patientName ??
                (c.lineFamily.length ? c.lineFamily.map((p) => p.name).join('、') + '（家人共用 LINE）' : '—')}
            </Descriptions.Item>
            <Descriptions.Item label="LINE">
              {c.lineUserId ? (
                <Space size={8}>
                  <span>{c.lineDisplayName ?? 'LINE 使用者'}</span>
                  <Link to={`/messages/inbox?f=all&c=${encodeURIComponent(c.lineUserId)}`}>在收件匣開啟對話</Link>
                </Space>
              ) : (
                '無'
              )}
            </Descriptions.Item>
            <Descriptions.Item label="聯絡方式" span={2}>
              {c.contactMethod === 'line' ? 'LINE' : `電話 ${c.contactPhone ?? '（未留電話）'}`}
              {c.contactMethod === 'line' && c.contactPhone ? `（電話 ${c.contactPhone}）` : ''}
              {c.contactTime ? `・${c.contactTime}` : ''}
              {c.contactName ? `・${c.contactName}` : ''}
            </Descriptions.Item>
            {c.satisfactionLabel ? (
              <Descriptions.Item label="結案滿意度" span={2}>
                <Tag
                  color={
                    c.satisfaction === 'unsatisfied' ? 'red' : c.satisfaction === 'satisfied' ? 'green' : 'default'
                  }
                >
                  {c.satisfactionLabel}
                </Tag>
              </Descriptions.Item>
            ) : null}
          </Descriptions>
          <Card size="small" title="病患反映的內容">
            <Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{c.text}</Paragraph>
            {c.events
              .filter((e) => e.kind === 'details' && e.text)
              .map((e) => (
                <Paragraph key={e.id} style={{ whiteSpace: 'pre-wrap', margin: '8px 0 0' }}>
                  <Text type="secondary">病患補充（{formatDateTime(e.at)}）：</Text>
                  {'\n'}
                  {e.text}
                </Paragraph>
              ))}
            {c.photos.length ? (
              <Image.PreviewGroup>
                <Space style={{ marginTop: 12 }}>
                  {c.photos.map((p) => (
                    <Image
                      key={p.id}
                      width={96}
                      height={96}
                      style={{ objectFit: 'cover', borderRadius: 6 }}
                      src={`/api/cases/${c.id}/photos/${p.id}`}
                      alt="病患上傳的照片"
                    />
                  ))}
                </Space>
              </Image.PreviewGroup>
            ) : null}
          </Card>
          <Card size="small" title="處理紀錄">
            <Timeline
              items={c.events.map((e) => ({
                color: EVENT_COLOR[e.kind] ?? 'gray',
                children: (
                  <div>
                    <Space size={8} wrap>
                      <Text strong>{EVENT_LABEL[e.kind] ?? e.kind}</Text>
                      {e.channel && CHANNEL_LABEL[e.channel] ? <Tag>{CHANNEL_LABEL[e.channel]}</Tag> : null}
                      <Text type="secondary" style={{ fontSize: 12 }}>
                        {formatDateTime(e.at)}・{e.actor}
                      </Text>
                    </Space>
                    {e.text && e.kind !== 'opened' ? (
                      <Paragraph style={{ whiteSpace: 'pre-wrap', margin: '4px 0 0' }}>{e.text}</Paragraph>
                    ) : null}
                  </div>
                ),
              }))}
            />
            {canWrite ? (
              <Space.Compact style={{ width: '100%' }}>
                <Input
                  placeholder="內部備註（病患看不到）"
                  value={note}
                  maxLength={2000}
                  onChange={(e) => setNote(e.target.value)}
                  onPressEnter={() => note.trim() && addNote.mutate()}
                />
                <Button onClick={() => addNote.mutate()} disabled={!note.trim()} loading={addNote.isPending}>
                  新增備註
                </Button>
              </Space.Compact>
            ) : null}
          </Card>
        </Space>
      )}
      {c ? <ReplyModal c={c} open={replyOpen} onClose={() => setReplyOpen(false)} onDone={done} /> : null}
    </Drawer>
  );
}

function ReplyModal({
  c,
  open,
  onClose,
  onDone,
}: {
  c: CaseDetail;
  open: boolean;
  onClose: () => void;
  onDone: (c: CaseDetail) => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ channel: 'line' | 'phone'; text: string }>();
  const channel = Form.useWatch('channel', form);
  // One key per reply written: a double click or a retry sends and records it once.
  const clientKey = useRef(newClientKey());
  const send = useMutation({
    mutationFn: (v: { channel: 'line' | 'phone'; text: string }) =>
      api.post('/api/cases/{id}/reply', {
        params: { path: { id: c.id } },
        body: { ...v, clientKey: clientKey.current },
      }),
    onSuccess: (d, v) => {
      clientKey.current = newClientKey();
      onDone(d);
      onClose();
      form.resetFields();
      message.success(v.channel === 'line' ? '已傳送給病患' : '已記錄電話回覆');
    },
    onError: (e) => {
      if (!applyFieldErrors(form, e)) message.error(errorMessage(e));
    },
  });
  return (
    <Modal
      title={`回覆 ${c.number}`}
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={channel === 'phone' ? '記錄電話回覆' : '傳送'}
      cancelText="取消"
      confirmLoading={send.isPending}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ channel: c.lineUserId && c.contactMethod === 'line' ? 'line' : 'phone', text: '' }}
        onFinish={(v) => send.mutate(v)}
        requiredMark={false}
      >
        <Form.Item name="channel" label="回覆方式">
          <Radio.Group>
            <Radio.Button value="line" disabled={!c.lineUserId}>
              以 LINE 傳送
            </Radio.Button>
            <Radio.Button value="phone">已電話回覆（記錄）</Radio.Button>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="text"
          label={channel === 'phone' ? '電話中說明的內容' : '傳給病患的訊息'}
          extra={channel === 'line' ? `病患會在 LINE 收到「【案件 ${c.number} 回覆】」開頭的訊息。` : undefined}
          rules={[{ required: true, whitespace: true, message: '請填寫內容' }]}
        >
          <Input.TextArea rows={5} maxLength={5000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type CreateValues = {
  source: 'phone' | 'staff';
  kind: 'complaint' | 'suggestion' | 'praise';
  category: ApiBody<'/api/cases', 'post'>['category'];
  severity: ApiBody<'/api/cases', 'post'>['severity'];
  contactName?: string;
  contactPhone?: string;
  contactTime?: string;
  text: string;
};

function CreateModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<CreateValues>();
  const create = useMutation({
    mutationFn: (v: CreateValues) =>
      api.post('/api/cases', {
        body: {
          kind: v.kind,
          category: v.category,
          severity: v.severity,
          source: v.source,
          text: v.text,
          contactName: v.contactName?.trim() ?? '',
          contactMethod: 'phone',
          contactPhone: v.contactPhone?.trim() || null,
          contactTime: v.contactTime?.trim() || null,
          patientId: null,
          lineUserId: null,
          messageId: null,
        },
      }),
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: ['cases'] });
      message.success(`已開立案件 ${c.number}`);
      form.resetFields();
      onClose();
      onCreated(c.id);
    },
    onError: (e) => {
      if (!applyFieldErrors(form, e)) message.error(errorMessage(e));
    },
  });
  return (
    <Modal
      title="登記電話／櫃台客訴"
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText="開立案件"
      cancelText="取消"
      confirmLoading={create.isPending}
      width={560}
    >
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ source: 'phone', kind: 'complaint', category: 'other', severity: 'normal' }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item name="source" label="來源">
          <Radio.Group>
            <Radio.Button value="phone">電話</Radio.Button>
            <Radio.Button value="staff">櫃台當面</Radio.Button>
          </Radio.Group>
        </Form.Item>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="kind" label="類型">
              <Select options={[...KIND_OPTIONS]} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="category" label="分類">
              <Select options={[...CATEGORY_OPTIONS]} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="severity" label="嚴重度">
              <Select options={[...SEVERITY_OPTIONS]} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="contactName" label="聯絡人">
              <Input maxLength={50} placeholder="例如 林太太" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="contactPhone" label="電話">
              <Input maxLength={20} placeholder="0912-345-678" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="contactTime" label="方便聯絡的時間">
              <Input maxLength={100} placeholder="平日下午" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="text" label="反映的內容" rules={[{ required: true, whitespace: true, message: '請填寫內容' }]}>
          <Input.TextArea rows={5} maxLength={5000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function SettingsModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<ApiBody<'/api/cases/settings', 'put'>>();
  const settings = useQuery({
    queryKey: ['cases', 'settings'],
    queryFn: () => api.get('/api/cases/settings'),
    enabled: open,
  });
  const save = useMutation({
    mutationFn: (v: ApiBody<'/api/cases/settings', 'put'>) => api.put('/api/cases/settings', { body: v }),
    onSuccess: (s) => {
      qc.setQueryData(['cases', 'settings'], s);
      message.success('已儲存，之後開立的案件採用新時限');
      onClose();
    },
    onError: (e) => {
      if (!applyFieldErrors(form, e)) message.error(errorMessage(e));
    },
  });
  return (
    <Modal
      title="案件時限"
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText="儲存"
      cancelText="取消"
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      {settings.data ? (
        <Form
          form={form}
          layout="vertical"
          initialValues={settings.data}
          onFinish={(v) => save.mutate(v)}
          requiredMark={false}
        >
          <Form.Item name="firstActionHours" label="首次處理（受理）時限" extra="服務規範建議：投訴初步處理 ≤ 4 小時">
            <InputNumber min={0.5} max={168} step={0.5} addonAfter="小時" />
          </Form.Item>
          <Form.Item name="replyHours" label="回覆時限" extra="服務規範建議：回應時間 ≤ 24 小時">
            <InputNumber min={0.5} max={720} step={0.5} addonAfter="小時" />
          </Form.Item>
          <Form.Item
            name="businessHoursOnly"
            label="只計算門診時間"
            valuePropName="checked"
            extra="開啟時，夜間、週末、國定假日與診所休診日不計時（依「診所設定」的門診時段與「工作日曆」）。"
          >
            <Switch />
          </Form.Item>
          <Alert type="info" showIcon message="病患開案時收到的說明" description={settings.data.patientText} />
        </Form>
      ) : null}
    </Modal>
  );
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

function CaseStats() {
  const [range, setRange] = useState<[string, string]>([monthStart(5), dayjs().format('YYYY-MM-DD')]);
  const stats = useQuery({
    queryKey: ['cases', 'stats', range],
    queryFn: () => api.get('/api/cases/stats', { params: { query: { from: range[0], to: range[1] } } }),
  });
  const s = stats.data;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Flex gap={12} align="center">
        <Text>開案期間</Text>
        <DatePicker.RangePicker
          allowClear={false}
          value={[dayjs(range[0]), dayjs(range[1])]}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')])}
        />
      </Flex>
      {!s ? null : (
        <>
          <Row gutter={16}>
            <Col span={4}>
              <Card size="small">
                <Statistic title="案件數" value={s.total} suffix={<Text type="secondary">（處理中 {s.open}）</Text>} />
              </Card>
            </Col>
            <Col span={5}>
              <Card size="small">
                <Statistic
                  title="首次處理時限內"
                  value={pct(s.firstAction.withinLimitShare)}
                  suffix={<Text type="secondary">（{s.firstAction.count} 件）</Text>}
                />
              </Card>
            </Col>
            <Col span={5}>
              <Card size="small">
                <Statistic
                  title="首次處理所需（中位數）"
                  value={s.firstAction.medianMinutes === null ? '—' : minutesText(s.firstAction.medianMinutes)}
                />
              </Card>
            </Col>
            <Col span={5}>
              <Card size="small">
                <Statistic
                  title="回覆時限內"
                  value={pct(s.reply.withinLimitShare)}
                  suffix={
                    <Text type="secondary">
                      （中位數 {s.reply.medianMinutes === null ? '—' : minutesText(s.reply.medianMinutes)}）
                    </Text>
                  }
                />
              </Card>
            </Col>
            <Col span={5}>
              <Card size="small">
                <Statistic
                  title="結案滿意"
                  value={pct(s.satisfaction.satisfiedShare)}
                  suffix={<Text type="secondary">（{s.satisfaction.answered} 人回覆）</Text>}
                />
              </Card>
            </Col>
          </Row>
          <Text type="secondary">所需時間依時限的計算方式（只計門診時間時，不含夜間、週末與休診日）。</Text>
          <Row gutter={16}>
            <Col span={12}>
              <Card size="small" title="依分類">
                <Chart
                  height={300}
                  label="依分類的案件數"
                  option={{
                    grid: { left: 80, right: 24, top: 16, bottom: 24 },
                    tooltip: { trigger: 'axis' },
                    xAxis: { type: 'value', minInterval: 1 },
                    yAxis: { type: 'category', data: s.byCategory.map((c) => c.label).reverse() },
                    series: [
                      {
                        type: 'bar',
                        barMaxWidth: 28,
                        name: '案件數',
                        data: s.byCategory.map((c) => c.count).reverse(),
                        itemStyle: { color: '#1677ff' },
                      },
                    ],
                  }}
                />
              </Card>
            </Col>
            <Col span={12}>
              <Card size="small" title="依月份">
                {s.byMonth.length ? (
                  <Chart
                    height={300}
                    label="每月案件數（客訴、意見、讚美）"
                    option={{
                      grid: { left: 40, right: 24, top: 40, bottom: 24 },
                      legend: { top: 0 },
                      tooltip: { trigger: 'axis' },
                      xAxis: { type: 'category', data: s.byMonth.map((m) => m.month) },
                      yAxis: { type: 'value', minInterval: 1 },
                      series: [
                        {
                          type: 'bar',
                          barMaxWidth: 56,
                          stack: 'k',
                          name: '客訴',
                          data: s.byMonth.map((m) => m.complaint),
                          itemStyle: { color: '#fa541c' },
                        },
                        {
                          type: 'bar',
                          barMaxWidth: 56,
                          stack: 'k',
                          name: '意見',
                          data: s.byMonth.map((m) => m.suggestion),
                          itemStyle: { color: '#1677ff' },
                        },
                        {
                          type: 'bar',
                          barMaxWidth: 56,
                          stack: 'k',
                          name: '讚美',
                          data: s.byMonth.map((m) => m.praise),
                          itemStyle: { color: '#52c41a' },
                        },
                      ],
                    }}
                  />
                ) : (
                  <Empty description="這段期間沒有案件" />
                )}
              </Card>
            </Col>
          </Row>
        </>
      )}
    </Space>
  );
}
