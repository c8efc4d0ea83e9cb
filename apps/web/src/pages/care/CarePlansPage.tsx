// 衛教追蹤 › 照護計畫: the clinic's care plans (on/off, trigger, how many are in each), the editor,
// and the enrolments — who is in which plan at which step, ending one, enrolling a patient.
import { DeleteOutlined, EditOutlined, PlusOutlined, UserAddOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Modal, Popconfirm, Select, Space, Switch, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format.ts';
import { hasRole, useUser } from '../../session.tsx';
import { CarePlanEditor } from './CarePlanEditor.tsx';
import { triggerText, whenText, type Enrolment, type Plan, type PlanBody } from './care-plans-model.ts';

const { Text } = Typography;
const PLANS = ['care', 'plans'];
const ENROLMENTS = ['care', 'enrolments'];

const STEP_COLORS: Record<string, string> = {
  sent: 'green',
  planned: 'blue',
  skipped: 'default',
  cancelled: 'default',
};
const STATUS_COLORS: Record<string, string> = { active: 'processing', done: 'success', ended: 'default' };

/** Enrols a patient found by name, chart number or phone in an enabled plan. */
/**
 * Enrols a patient into an enabled plan: from 照護計畫 (search the patient) or from a patient's
 * page (`patient` given; the plans are fetched here when `plans` is not).
 */
export function EnrolModal({
  open,
  plans: given,
  planId,
  patient: fixed,
  onClose,
}: {
  open: boolean;
  plans?: Plan[];
  planId?: string;
  patient?: { id: string; name: string };
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const fetched = useQuery({
    queryKey: PLANS,
    enabled: open && !given,
    queryFn: () => api.get('/api/care/plans'),
  });
  const plans = given ?? fetched.data?.items ?? [];
  const [plan, setPlan] = useState<string | undefined>(planId);
  const [patient, setPatient] = useState<string | undefined>(fixed?.id);
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['patients', 'pick', q],
    enabled: q.trim().length > 0,
    queryFn: () => api.get('/api/patients', { params: { query: { q: q.trim(), pageSize: 20 } } }),
  });
  const enrol = useMutation({
    mutationFn: () =>
      api.post('/api/care/plans/{id}/enrolments', { params: { path: { id: plan! } }, body: { patientId: patient! } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['care'] });
      void message.success('已加入照護計畫');
      onClose();
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  return (
    <Modal
      title="加入照護計畫"
      open={open}
      onCancel={onClose}
      okText="加入"
      cancelText="取消"
      okButtonProps={{ disabled: !plan || !patient }}
      confirmLoading={enrol.isPending}
      onOk={() => enrol.mutate()}
      destroyOnHidden
      afterOpenChange={(o) => {
        if (o) {
          setPlan(planId);
          setPatient(fixed?.id);
          setQ('');
        }
      }}
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Select
          aria-label="照護計畫"
          placeholder="選擇已啟用的計畫"
          style={{ width: '100%' }}
          value={plan}
          onChange={setPlan}
          options={plans.filter((p) => p.enabled).map((p) => ({ value: p.id, label: p.name }))}
        />
        {fixed ? (
          <Text>
            病患：<Text strong>{fixed.name}</Text>
          </Text>
        ) : (
          <Select
            aria-label="病患"
            showSearch
            filterOption={false}
            placeholder="搜尋姓名、病歷號或電話"
            style={{ width: '100%' }}
            value={patient}
            onSearch={setQ}
            onChange={setPatient}
            notFoundContent={q ? '找不到病患' : '請輸入關鍵字'}
            options={(found.data?.items ?? []).map((p) => ({
              value: p.id,
              label: `${p.name}${p.chartNo ? `（${p.chartNo}）` : ''}`,
            }))}
          />
        )}
        <Text type="secondary">以今天為第 0 天開始；沒有綁定 LINE 的病患會略過每一步（照護訊息只以 LINE 傳送）。</Text>
      </Space>
    </Modal>
  );
}

function EnrolmentsTable({ plans }: { plans: Plan[] }) {
  const user = useUser();
  const canAct = hasRole(user, ['admin', 'front_desk', 'doctor']);
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [planId, setPlanId] = useState<string>('');
  const [status, setStatus] = useState<'active' | 'done' | 'ended' | ''>('active');
  const [page, setPage] = useState(1);
  // Enrolments arrive from the background (an HIS visit, a tag): opening the tab always refetches.
  const list = useQuery({
    staleTime: 0,
    queryKey: [...ENROLMENTS, planId, status, page],
    queryFn: () =>
      api.get('/api/care/enrolments', {
        params: { query: { ...(planId ? { planId } : {}), ...(status ? { status } : {}), page, pageSize: 20 } },
      }),
  });
  const end = useMutation({
    mutationFn: (id: string) => api.post('/api/care/enrolments/{id}/end', { params: { path: { id } } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['care'] });
      void message.success('已結束');
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label="篩選計畫"
          style={{ width: 200 }}
          value={planId}
          onChange={(v) => {
            setPlanId(v);
            setPage(1);
          }}
          options={[{ value: '', label: '全部計畫' }, ...plans.map((p) => ({ value: p.id, label: p.name }))]}
        />
        <Select
          aria-label="篩選狀態"
          style={{ width: 140 }}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={[
            { value: 'active', label: '進行中' },
            { value: 'done', label: '已完成' },
            { value: 'ended', label: '已結束' },
            { value: '', label: '全部' },
          ]}
        />
      </Space>
      <Table<Enrolment>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{
          current: page,
          pageSize: 20,
          total: list.data?.total ?? 0,
          onChange: setPage,
          hideOnSinglePage: true,
        }}
        expandable={{
          expandedRowRender: (e) => (
            <Table
              rowKey="index"
              size="small"
              pagination={false}
              dataSource={e.steps}
              columns={[
                { title: '步驟', dataIndex: 'index', width: 70, render: (i: number) => `第 ${i} 步` },
                { title: '時間', dataIndex: 'when', width: 140 },
                { title: '預定發送', dataIndex: 'dueAt', width: 170, render: (v: string) => formatDateTime(v) },
                {
                  title: '狀態',
                  render: (_, s) => (
                    <Space size={4}>
                      <Tag color={STEP_COLORS[s.status]}>{s.statusLabel}</Tag>
                      {s.reason && <Text type="secondary">{s.reason}</Text>}
                    </Space>
                  ),
                },
                {
                  title: '病患回覆',
                  render: (_, s) =>
                    s.answer ? (
                      <Tag color={s.answerRoute === 'call' ? 'red' : s.answerRoute === 'worrying' ? 'orange' : 'green'}>
                        {s.answer}
                      </Tag>
                    ) : (
                      '—'
                    ),
                },
              ]}
            />
          ),
        }}
        columns={[
          {
            title: '病患',
            render: (_, e) => (
              <div>
                <Text strong>{e.patientName}</Text>
                {e.chartNo && <Text type="secondary">（{e.chartNo}）</Text>}
                {e.lineStatus !== 'bound' && (
                  <Tag style={{ marginLeft: 6 }}>{e.lineStatus === 'blocked' ? '已封鎖' : '未綁定 LINE'}</Tag>
                )}
              </div>
            ),
          },
          { title: '計畫', dataIndex: 'planName' },
          {
            title: '進度',
            render: (_, e) => (
              <Space size={2}>
                {e.steps.map((s) => (
                  <Tooltip
                    key={s.index}
                    title={`第 ${s.index} 步 ${s.when}：${s.statusLabel}${s.answer ? `（${s.answer}）` : ''}`}
                  >
                    <Tag
                      color={s.answer && s.answerRoute !== 'fine' ? 'red' : STEP_COLORS[s.status]}
                      style={{ marginInlineEnd: 0 }}
                    >
                      {s.index}
                    </Tag>
                  </Tooltip>
                ))}
              </Space>
            ),
          },
          {
            title: '下一步',
            render: (_, e) => (e.nextAt ? `第 ${e.nextStep} 步 ${formatDateTime(e.nextAt)}` : '—'),
          },
          {
            title: '狀態',
            render: (_, e) => (
              <div>
                <Tag color={STATUS_COLORS[e.status]}>{e.statusLabel}</Tag>
                {e.endReasonLabel && <Text type="secondary">{e.endReasonLabel}</Text>}
              </div>
            ),
          },
          {
            title: '',
            width: 90,
            render: (_, e) =>
              canAct && e.status === 'active' ? (
                <Popconfirm
                  title="結束這位病患的照護計畫？"
                  description="尚未傳送的步驟都會取消。"
                  okText="結束"
                  cancelText="取消"
                  onConfirm={() => end.mutate(e.id)}
                >
                  <Button size="small" danger>
                    結束
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
    </>
  );
}

export function CarePlansPage() {
  const user = useUser();
  const canEdit = hasRole(user, ['admin']);
  const canEnrol = hasRole(user, ['admin', 'front_desk', 'doctor']);
  const qc = useQueryClient();
  const { message } = App.useApp();
  const plans = useQuery({ queryKey: PLANS, queryFn: () => api.get('/api/care/plans') });
  const tags = useQuery({ queryKey: ['tags'], queryFn: () => api.get('/api/tags') });
  const [editing, setEditing] = useState<Plan | null | 'new'>(null);
  const [enrolFor, setEnrolFor] = useState<string | null | undefined>(undefined);
  const items = plans.data?.items ?? [];
  const tagList = (tags.data?.items ?? []).map((t) => ({ id: t.id, name: t.name }));
  const refresh = () => void qc.invalidateQueries({ queryKey: ['care'] });

  const toggle = useMutation({
    mutationFn: (p: Plan) =>
      api.put('/api/care/plans/{id}/enabled', { params: { path: { id: p.id } }, body: { enabled: !p.enabled } }),
    onSuccess: (p) => {
      refresh();
      void message.success(p.enabled ? `已啟用「${p.name}」` : `已停用「${p.name}」`);
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete('/api/care/plans/{id}', { params: { path: { id } } }),
    onSuccess: () => {
      refresh();
      void message.success('已刪除');
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const save = (body: PlanBody) =>
    (editing && editing !== 'new'
      ? api.put('/api/care/plans/{id}', { params: { path: { id: editing.id } }, body })
      : api.post('/api/care/plans', { body })
    ).then(() => {
      refresh();
      void message.success('已儲存照護計畫');
    });

  const planTable = (
    <Table<Plan>
      rowKey="id"
      size="middle"
      loading={plans.isLoading}
      dataSource={items}
      pagination={false}
      columns={[
        {
          title: '計畫',
          render: (_, p) => (
            <div>
              <Space size={6}>
                <Text strong>{p.name}</Text>
                {p.shippedKey && <Tag>內建</Tag>}
              </Space>
              <div>
                <Text type="secondary" style={{ fontSize: 12 }}>
                  {p.steps.map((s) => whenText(s.when)).join('、')}
                </Text>
              </div>
            </div>
          ),
        },
        {
          title: '觸發',
          render: (_, p) => triggerText(p.trigger, (id) => tagList.find((t) => t.id === id)?.name),
        },
        { title: '步驟', width: 70, align: 'right', render: (_, p) => p.steps.length },
        { title: '進行中', dataIndex: 'enrolled', width: 90, align: 'right' },
        {
          title: '啟用',
          width: 80,
          render: (_, p) => (
            <Switch
              aria-label={`啟用「${p.name}」`}
              checked={p.enabled}
              disabled={!canEdit}
              loading={toggle.isPending && toggle.variables?.id === p.id}
              onChange={() => toggle.mutate(p)}
            />
          ),
        },
        {
          title: '',
          width: 170,
          render: (_, p) => (
            <Space size={4}>
              {canEdit && (
                <Button
                  size="small"
                  icon={<EditOutlined />}
                  onClick={() => setEditing(p)}
                  aria-label={`編輯「${p.name}」`}
                >
                  編輯
                </Button>
              )}
              {canEnrol && p.enabled && (
                <Tooltip title="加入病患">
                  <Button
                    size="small"
                    icon={<UserAddOutlined />}
                    aria-label={`加入病患到「${p.name}」`}
                    onClick={() => setEnrolFor(p.id)}
                  />
                </Tooltip>
              )}
              {canEdit && (
                <Popconfirm
                  title={`刪除「${p.name}」？`}
                  description="進行中的病患會一併結束（紀錄保留）。"
                  okText="刪除"
                  cancelText="取消"
                  onConfirm={() => remove.mutate(p.id)}
                >
                  <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={`刪除「${p.name}」`} />
                </Popconfirm>
              )}
            </Space>
          ),
        },
      ]}
    />
  );

  return (
    <>
      <PageHeader
        title="照護計畫"
        subtitle="看診後第 1 天到第 N 天的衛教與關心訊息；病患的回覆會轉成待追蹤。"
        help={<HelpDrawer topic="carePlans" />}
        extra={
          <Space>
            {canEnrol && (
              <Button icon={<UserAddOutlined />} onClick={() => setEnrolFor(null)}>
                加入病患
              </Button>
            )}
            {canEdit && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
                新增計畫
              </Button>
            )}
          </Space>
        }
      />
      <Tabs
        destroyOnHidden
        items={[
          { key: 'plans', label: '計畫', children: planTable },
          { key: 'enrolments', label: '照護紀錄', children: <EnrolmentsTable plans={items} /> },
        ]}
      />
      <CarePlanEditor
        open={editing !== null}
        plan={editing === 'new' ? null : editing}
        tags={tagList}
        onClose={() => setEditing(null)}
        onSave={save}
      />
      <EnrolModal
        open={enrolFor !== undefined}
        plans={items}
        planId={enrolFor ?? undefined}
        onClose={() => setEnrolFor(undefined)}
      />
    </>
  );
}
