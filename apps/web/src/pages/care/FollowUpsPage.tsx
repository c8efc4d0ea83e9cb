// 衛教追蹤 › 待追蹤: the tasks staff follow up — a care plan's worrying answer, a no-show patient
// asking to be called back, a task staff opened — with a priority, a clock counted in the
// clinic's open hours (overdue ones in red), an owner, and an outcome when done. A drawer shows
// one task with the patient's answer, the phone (revealed on demand), the LINE conversation and
// the history. Live: the page follows /api/follow-ups/stream.
import { ExclamationCircleFilled, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Radio,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, errorMessage, type ApiBody, type ApiQuery, type Schema } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PhoneReveal } from '../../components/PhoneReveal.tsx';
import { formatDateTime } from '../../format.ts';
import { applyFieldErrors } from '../../forms.ts';
import { useStaffList } from '../../queries.ts';
import { useUser } from '../../session.tsx';
import { newClientKey } from '../support/cases-model.ts';

const { Text, Paragraph } = Typography;
type ListQuery = ApiQuery<'/api/follow-ups'>;
type Summary = Schema<'FollowUpSummary'>;
type Detail = Schema<'FollowUpDetail'>;
type Outcome = NonNullable<Detail['outcome']>;

const STATUS_COLOR: Record<Summary['status'], string> = { open: 'blue', in_progress: 'gold', done: 'default' };
const SOURCE_OPTIONS = [
  { value: 'care_checkin', label: '照護計畫回覆' },
  { value: 'no_show', label: '未到診關懷' },
  { value: 'broadcast_reply', label: '群發回覆' },
  { value: 'staff', label: '人員建立' },
] as const;
export const OUTCOME_OPTIONS: { value: Outcome; label: string }[] = [
  { value: 'called', label: '已電話關心' },
  { value: 'rebooked', label: '已安排回診' },
  { value: 'no_answer', label: '病患無回應' },
  { value: 'other', label: '其他' },
];
const EVENT_LABEL: Record<string, string> = {
  opened: '建立',
  assigned: '指派',
  started: '開始處理',
  done: '完成',
  reopened: '重新開啟',
  note: '備註',
};
const EVENT_COLOR: Record<string, string> = { opened: 'blue', started: 'gold', done: 'green', reopened: 'orange' };

const keys = { all: ['follow-ups'] as const };

/** Live updates: the stream sends the counts and the newest change; every follow-up query is then refetched. */
function useFollowUpStream(): boolean {
  const qc = useQueryClient();
  const [live, setLive] = useState(false);
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const es = new EventSource('/api/follow-ups/stream');
    let last = '';
    es.onopen = () => setLive(true);
    es.onerror = () => setLive(false);
    es.addEventListener('follow-ups', (e) => {
      const data = (e as MessageEvent<string>).data;
      if (data === last) return;
      const first = last === '';
      last = data;
      if (!first) void qc.invalidateQueries({ queryKey: keys.all });
    });
    return () => es.close();
  }, [qc]);
  return live;
}

function DueTag({ t }: { t: Pick<Summary, 'dueText' | 'overdue' | 'late' | 'status'> }) {
  if (!t.dueText) return <Text type="secondary">—</Text>;
  const when = t.dueText.slice(5);
  if (t.overdue)
    return (
      <Tag color="red" icon={<ExclamationCircleFilled />}>
        已逾時 {when}
      </Tag>
    );
  if (t.status === 'done') return t.late ? <Tag color="orange">逾時完成</Tag> : <Tag color="green">如期完成</Tag>;
  return <Tag>{when} 前</Tag>;
}

export function FollowUpsPage() {
  const user = useUser();
  const canWrite = user.role === 'admin' || user.role === 'front_desk';
  const [params, setParams] = useSearchParams();
  const openId = params.get('task');
  const setOpenId = (id: string | null) => {
    const p = new URLSearchParams(params);
    if (id) p.set('task', id);
    else p.delete('task');
    setParams(p, { replace: true });
  };
  const [creating, setCreating] = useState(false);
  const live = useFollowUpStream();
  return (
    <>
      <PageHeader
        title="待追蹤"
        subtitle="需要人員跟進的病患：照護計畫中回覆「有點腫」「很痛，想問醫師」的、未到診後點「請診所與我聯絡」的，以及人員自行建立的事項。"
        extra={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              新增待追蹤
            </Button>
          ) : null
        }
        help={<HelpDrawer topic="followUps" />}
      />
      <TaskList onOpen={setOpenId} live={live} initialOverdue={params.get('overdue') === '1'} />
      <TaskDrawer id={openId} canWrite={canWrite} onClose={() => setOpenId(null)} />
      <CreateModal open={creating} onClose={() => setCreating(false)} onCreated={(id) => setOpenId(id)} />
    </>
  );
}

function TaskList({
  onOpen,
  live,
  initialOverdue,
}: {
  onOpen: (id: string) => void;
  live: boolean;
  initialOverdue: boolean;
}) {
  const user = useUser();
  const staff = useStaffList();
  const [status, setStatus] = useState<NonNullable<ListQuery['status']>>('active');
  const [source, setSource] = useState<ListQuery['source']>();
  const [ownerId, setOwnerId] = useState<string>();
  const [overdue, setOverdue] = useState(initialOverdue);
  const [page, setPage] = useState(1);
  const query: ListQuery = {
    status,
    source,
    ownerId,
    overdue: overdue || undefined,
    limit: 50,
    offset: (page - 1) * 50,
  };
  const list = useQuery({
    queryKey: [...keys.all, 'list', query],
    queryFn: () => api.get('/api/follow-ups', { params: { query } }),
    refetchInterval: live ? 60_000 : 10_000,
  });
  const data = list.data;
  const reset = () => setPage(1);
  return (
    <>
      {data && data.overdue > 0 ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          message={`${data.overdue} 件待追蹤已超過處理時限`}
          description="請盡快聯絡病患，完成後記錄結果。"
          action={
            <Button
              size="small"
              danger
              onClick={() => {
                setStatus('active');
                setOverdue(true);
                reset();
              }}
            >
              只看逾時
            </Button>
          }
        />
      ) : null}
      <Flex gap={12} wrap style={{ marginBottom: 16 }} align="center">
        <Segmented<NonNullable<ListQuery['status']>>
          value={status}
          onChange={(v) => {
            setStatus(v);
            reset();
          }}
          options={[
            { value: 'active', label: `未完成${data ? ` ${data.active}` : ''}` },
            { value: 'open', label: '待處理' },
            { value: 'in_progress', label: '處理中' },
            { value: 'done', label: '已完成' },
            { value: 'all', label: '全部' },
          ]}
        />
        <Select
          allowClear
          placeholder="全部來源"
          style={{ width: 150 }}
          value={source}
          onChange={(v) => {
            setSource(v);
            reset();
          }}
          options={[...SOURCE_OPTIONS]}
        />
        <Select
          allowClear
          placeholder="全部負責人"
          style={{ width: 150 }}
          value={ownerId}
          onChange={(v) => {
            setOwnerId(v);
            reset();
          }}
          options={[
            { value: user.id, label: '我負責的' },
            { value: 'none', label: '未指派' },
            ...(staff.data ?? [])
              .filter((m) => m.status === 'active' && m.id !== user.id)
              .map((m) => ({ value: m.id, label: m.name || m.email })),
          ]}
        />
        <Checkbox
          checked={overdue}
          onChange={(e) => {
            setOverdue(e.target.checked);
            reset();
          }}
        >
          只看逾時
        </Checkbox>
        {data ? (
          <Text type="secondary" style={{ marginLeft: 'auto' }}>
            處理時限（以門診時間計）：優先 {data.limits.highHours} 小時、一般 {data.limits.normalHours} 小時
          </Text>
        ) : null}
      </Flex>
      <Table<Summary>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        dataSource={data?.items ?? []}
        onRow={(r) => ({
          onClick: () => onOpen(r.id),
          style: { cursor: 'pointer', background: r.overdue ? '#fff1f0' : undefined },
        })}
        locale={{ emptyText: <Empty description={status === 'active' ? '目前沒有待追蹤的病患' : '沒有符合的事項'} /> }}
        pagination={{
          current: page,
          pageSize: 50,
          total: data?.total ?? 0,
          onChange: setPage,
          showTotal: (t) => `共 ${t} 件`,
        }}
        scroll={{ x: 900 }}
        tableLayout="fixed"
        columns={[
          {
            title: '病患',
            width: 130,
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <Text strong>{r.patientName ?? '—'}</Text>
                <Text type="secondary" style={{ fontSize: 12 }}>
                  {r.chartNo ? `病歷 ${r.chartNo}` : (r.phoneMasked ?? '')}
                </Text>
              </Space>
            ),
          },
          {
            title: '事項',
            render: (_, r) => (
              <Space direction="vertical" size={2} style={{ minWidth: 0 }}>
                <Space size={4} wrap>
                  {r.priority === 'high' ? <Tag color="red">優先</Tag> : null}
                  <Text ellipsis>{r.title}</Text>
                </Space>
                {r.answer ? (
                  <Text type="secondary" ellipsis style={{ fontSize: 12 }}>
                    病患回覆：「{r.answer}」
                  </Text>
                ) : null}
              </Space>
            ),
          },
          { title: '來源', dataIndex: 'sourceLabel', width: 112 },
          {
            title: '狀態',
            width: 92,
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <Tag color={STATUS_COLOR[r.status]}>{r.statusLabel}</Tag>
                {r.outcomeLabel ? (
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {r.outcomeLabel}
                  </Text>
                ) : null}
              </Space>
            ),
          },
          { title: '時限', width: 150, render: (_, r) => <DueTag t={r} /> },
          {
            title: '負責人',
            dataIndex: 'ownerName',
            width: 96,
            ellipsis: true,
            render: (v: string | null) => v ?? <Text type="secondary">未指派</Text>,
          },
          {
            title: '建立',
            dataIndex: 'createdAt',
            width: 104,
            render: (v: string) => formatDateTime(v).slice(5),
          },
        ]}
      />
    </>
  );
}

function TaskDrawer({ id, canWrite, onClose }: { id: string | null; canWrite: boolean; onClose: () => void }) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const staff = useStaffList(canWrite);
  const detail = useQuery({
    queryKey: [...keys.all, 'detail', id],
    queryFn: () => api.get('/api/follow-ups/{id}', { params: { path: { id: id! } } }),
    enabled: !!id,
  });
  const [closing, setClosing] = useState(false);
  const [note, setNote] = useState('');
  const done = (t: Detail) => {
    qc.setQueryData([...keys.all, 'detail', id], t);
    void qc.invalidateQueries({ queryKey: [...keys.all, 'list'] });
    void qc.invalidateQueries({ queryKey: ['home'] });
  };
  const onError = (e: unknown) => message.error(errorMessage(e));
  const start = useMutation({
    mutationFn: () => api.post('/api/follow-ups/{id}/start', { params: { path: { id: id! } }, body: {} }),
    onSuccess: (t) => {
      done(t);
      message.success('已開始處理');
    },
    onError,
  });
  const reopen = useMutation({
    mutationFn: () => api.post('/api/follow-ups/{id}/reopen', { params: { path: { id: id! } }, body: {} }),
    onSuccess: (t) => {
      done(t);
      message.success('已重新開啟');
    },
    onError,
  });
  const assign = useMutation({
    mutationFn: (ownerId: string | null) =>
      api.post('/api/follow-ups/{id}/assign', { params: { path: { id: id! } }, body: { ownerId } }),
    onSuccess: (t) => {
      done(t);
      message.success(t.ownerName ? `已指派給 ${t.ownerName}` : '已取消指派');
    },
    onError,
  });
  const addNote = useMutation({
    mutationFn: () => api.post('/api/follow-ups/{id}/notes', { params: { path: { id: id! } }, body: { text: note } }),
    onSuccess: (t) => {
      done(t);
      setNote('');
    },
    onError,
  });
  const t = detail.data;
  const active = t && t.status !== 'done';
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      size={640}
      title={
        t ? (
          <Space>
            <span>待追蹤：{t.patientName ?? '病患'}</span>
            <Tag color={STATUS_COLOR[t.status]}>{t.statusLabel}</Tag>
            {t.priority === 'high' ? <Tag color="red">優先</Tag> : null}
          </Space>
        ) : (
          '待追蹤'
        )
      }
      extra={
        t && canWrite ? (
          <Space>
            {t.status === 'open' ? (
              <Button loading={start.isPending} onClick={() => start.mutate()}>
                開始處理
              </Button>
            ) : null}
            {active ? (
              <Button type="primary" onClick={() => setClosing(true)}>
                完成
              </Button>
            ) : (
              <Button loading={reopen.isPending} onClick={() => reopen.mutate()}>
                重新開啟
              </Button>
            )}
          </Space>
        ) : null
      }
    >
      {!t ? (
        <div aria-busy="true" />
      ) : (
        <Space direction="vertical" size={20} style={{ width: '100%' }}>
          {t.overdue ? (
            <Alert type="error" showIcon message={`已超過處理時限（${t.dueText}），請盡快聯絡病患`} />
          ) : null}
          <Card size="small" title={t.title}>
            {t.answer ? (
              <Paragraph style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }}>
                <Text type="secondary">病患回覆：</Text>「{t.answer}」
              </Paragraph>
            ) : (
              <Text type="secondary">（沒有病患回覆的內容）</Text>
            )}
          </Card>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label="病患">
              <Space size={8}>
                <Link to={`/patients/${t.patientId}`}>{t.patientName ?? '病患'}</Link>
                {t.chartNo ? <Text type="secondary">病歷 {t.chartNo}</Text> : null}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label="電話">
              <PhoneReveal patientId={t.patientId} masked={t.phoneMasked} />
            </Descriptions.Item>
            <Descriptions.Item label="LINE">
              {t.lineUserId ? (
                <Link to={`/messages/inbox?f=all&c=${encodeURIComponent(t.lineUserId)}`}>在收件匣開啟對話</Link>
              ) : (
                '無'
              )}
            </Descriptions.Item>
            <Descriptions.Item label="來源">{t.sourceLabel}</Descriptions.Item>
            <Descriptions.Item label="處理時限">
              <Space size={8}>
                <span>{t.dueText ?? '—'}</span>
                <DueTag t={t} />
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label="負責人">
              <Select
                size="small"
                variant="borderless"
                disabled={!canWrite || !active}
                allowClear
                placeholder="未指派"
                aria-label="負責人"
                value={t.ownerId ?? undefined}
                options={(staff.data ?? [])
                  .filter((m) => m.status === 'active')
                  .map((m) => ({ value: m.id, label: m.name || m.email }))}
                onChange={(ownerId) => assign.mutate(ownerId ?? null)}
                style={{ width: 180 }}
              />
            </Descriptions.Item>
            {t.outcomeLabel ? (
              <Descriptions.Item label="處理結果">
                <Tag color="green">{t.outcomeLabel}</Tag>
                {t.outcomeNote}
              </Descriptions.Item>
            ) : null}
            <Descriptions.Item label="建立">{formatDateTime(t.createdAt)}</Descriptions.Item>
          </Descriptions>
          <Card size="small" title="處理紀錄">
            <Timeline
              items={t.events.map((e) => ({
                color: EVENT_COLOR[e.kind] ?? 'gray',
                children: (
                  <div>
                    <Space size={8} wrap>
                      <Text strong>{EVENT_LABEL[e.kind] ?? e.kind}</Text>
                      <Text type="secondary">
                        {e.actor === 'system' ? '系統' : e.actor}・{formatDateTime(e.at)}
                      </Text>
                    </Space>
                    {e.text ? <div style={{ whiteSpace: 'pre-wrap' }}>{e.text}</div> : null}
                  </div>
                ),
              }))}
            />
            {canWrite ? (
              <Space.Compact style={{ width: '100%' }}>
                <Input
                  placeholder="新增備註（例如：已留言，下午再撥）"
                  value={note}
                  maxLength={2000}
                  onChange={(e) => setNote(e.target.value)}
                  onPressEnter={() => note.trim() && addNote.mutate()}
                />
                <Button disabled={!note.trim()} loading={addNote.isPending} onClick={() => addNote.mutate()}>
                  加入
                </Button>
              </Space.Compact>
            ) : null}
          </Card>
        </Space>
      )}
      {t ? <CloseModal task={t} open={closing} onClose={() => setClosing(false)} onDone={done} /> : null}
    </Drawer>
  );
}

function CloseModal({
  task,
  open,
  onClose,
  onDone,
}: {
  task: Detail;
  open: boolean;
  onClose: () => void;
  onDone: (t: Detail) => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<ApiBody<'/api/follow-ups/{id}/close', 'post'>>();
  const outcome = Form.useWatch('outcome', form);
  const close = useMutation({
    mutationFn: (body: ApiBody<'/api/follow-ups/{id}/close', 'post'>) =>
      api.post('/api/follow-ups/{id}/close', { params: { path: { id: task.id } }, body }),
    onSuccess: (t) => {
      onDone(t);
      message.success(`已完成：${t.outcomeLabel}`);
      form.resetFields();
      onClose();
    },
    onError: (e) => {
      if (!applyFieldErrors(form, e)) message.error(errorMessage(e));
    },
  });
  return (
    <Modal
      open={open}
      title={`完成待追蹤：${task.patientName ?? '病患'}`}
      okText="完成"
      cancelText="取消"
      onCancel={onClose}
      confirmLoading={close.isPending}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => close.mutate({ outcome: v.outcome, note: v.note?.trim() || undefined })}
      >
        <Form.Item name="outcome" label="處理結果" rules={[{ required: true, message: '請選擇處理結果' }]}>
          <Radio.Group options={OUTCOME_OPTIONS} optionType="button" buttonStyle="solid" />
        </Form.Item>
        <Form.Item
          name="note"
          label="說明"
          rules={
            outcome === 'other' ? [{ required: true, whitespace: true, message: '結果選「其他」時，請填寫說明' }] : []
          }
        >
          <Input.TextArea rows={3} maxLength={2000} placeholder="例如：已改約 12/12（五）上午 10:00" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

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
  const [form] = Form.useForm<{ patientId: string; priority: 'normal' | 'high'; title: string; note?: string }>();
  const [q, setQ] = useState('');
  const [clientKey, setClientKey] = useState(newClientKey);
  const patients = useQuery({
    queryKey: ['patients', 'pick', q],
    queryFn: () => api.get('/api/patients', { params: { query: { q, pageSize: 20 } } }),
    enabled: open && q.trim().length > 0,
  });
  const create = useMutation({
    mutationFn: (v: { patientId: string; priority: 'normal' | 'high'; title: string; note?: string }) =>
      api.post('/api/follow-ups', { body: { ...v, note: v.note?.trim() || undefined, clientKey } }),
    onSuccess: (t) => {
      void qc.invalidateQueries({ queryKey: keys.all });
      message.success('已新增待追蹤');
      form.resetFields();
      setClientKey(newClientKey());
      onClose();
      onCreated(t.id);
    },
    onError: (e) => {
      if (!applyFieldErrors(form, e)) message.error(errorMessage(e));
    },
  });
  return (
    <Modal
      open={open}
      title="新增待追蹤"
      okText="新增"
      cancelText="取消"
      onCancel={onClose}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ priority: 'normal' }} onFinish={(v) => create.mutate(v)}>
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
        <Form.Item
          name="title"
          label="要追蹤的事項"
          rules={[{ required: true, whitespace: true, message: '請填寫要追蹤的事項' }]}
        >
          <Input maxLength={200} placeholder="例如：電話詢問術後出血，下午回電" />
        </Form.Item>
        <Form.Item name="priority" label="優先程度">
          <Radio.Group
            options={[
              { value: 'normal', label: '一般' },
              { value: 'high', label: '優先' },
            ]}
            optionType="button"
          />
        </Form.Item>
        <Form.Item name="note" label="補充說明">
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
