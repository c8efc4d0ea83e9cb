// 標籤與分眾: manual and automatic tags (rules), and the segment builder with a live count.
import { DeleteOutlined, PlusOutlined, ReloadOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  AutoComplete,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format.ts';
import { cleanFilter, LINE_OPTIONS, useDebounced, type PatientFilter } from './api.ts';
import { useTags } from './PatientsPage.tsx';
import { useVisitTypes } from '../../frontdesk/data.tsx';

const { Text } = Typography;
const COLORS = ['blue', 'green', 'gold', 'orange', 'red', 'purple', 'cyan', 'magenta'];

function ruleText(r: Record<string, unknown> | null): string {
  if (!r) return '手動';
  const parts: string[] = [];
  if (r.visitType) parts.push(`就診類別「${String(r.visitType)}」`);
  if (r.treatmentCode) parts.push(`處置代碼「${String(r.treatmentCode)}」`);
  if (r.ageMin !== undefined || r.ageMax !== undefined) parts.push(`年齡 ${r.ageMin ?? 0}–${r.ageMax ?? '∞'} 歲`);
  if (r.lastVisitDaysAgo !== undefined) parts.push(`超過 ${String(r.lastVisitDaysAgo)} 天未就診`);
  if (r.noShowMin !== undefined) parts.push(`爽約 ≥ ${String(r.noShowMin)} 次`);
  return parts.join('、') || '自動';
}

function TagsCard() {
  const tags = useTags();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const create = useMutation({
    mutationFn: (v: {
      name: string;
      color: string;
      auto: boolean;
      visitType?: string;
      treatmentCode?: string;
      ageMin?: number;
      ageMax?: number;
      lastVisitDaysAgo?: number;
      noShowMin?: number;
    }) => {
      const { name, color, auto, ...rule } = v;
      const r = cleanFilter(rule as PatientFilter);
      return api.post('/api/tags', { body: { name, color, rule: auto && Object.keys(r).length ? r : null } });
    },
    onSuccess: (t) => {
      message.success(`已建立標籤「${t.name}」（${t.count} 位）`);
      setOpen(false);
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['tags'] });
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const del = useMutation({
    mutationFn: (id: string) => api.delete('/api/tags/{id}', { params: { path: { id } } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['tags'] }),
    onError: (e) => message.error(errorMessage(e)),
  });
  const recompute = useMutation({
    mutationFn: () => api.post('/api/tags/recompute'),
    onSuccess: () => message.success('已排入重新計算，完成後數字會更新'),
  });
  const auto = Form.useWatch('auto', form);
  return (
    <Card
      title="標籤"
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => recompute.mutate()}>
            重算自動標籤
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
            新增標籤
          </Button>
        </Space>
      }
    >
      <Table
        rowKey="id"
        size="small"
        loading={tags.isLoading}
        dataSource={tags.data?.items ?? []}
        pagination={false}
        columns={[
          {
            title: '標籤',
            render: (_, t) => (
              <Tag color={t.color} variant={t.kind === 'auto' ? 'outlined' : 'filled'}>
                {t.name}
              </Tag>
            ),
          },
          { title: '類型／規則', render: (_, t) => ruleText(t.rule) },
          { title: '人數', dataIndex: 'count', render: (n: number) => n.toLocaleString() },
          { title: '計算時間', dataIndex: 'recomputedAt', render: (v) => (v ? formatDateTime(v) : '—') },
          {
            title: '',
            render: (_, t) => (
              <Popconfirm title={`刪除標籤「${t.name}」？`} onConfirm={() => del.mutate(t.id)}>
                <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label="刪除" />
              </Popconfirm>
            ),
          },
        ]}
      />
      <Modal
        open={open}
        title="新增標籤"
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={create.isPending}
        okText="建立"
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ color: 'blue', auto: false }}
          onFinish={(v) => create.mutate(v)}
        >
          <Form.Item name="name" label="名稱" rules={[{ required: true, message: '請輸入名稱' }]}>
            <Input maxLength={30} />
          </Form.Item>
          <Form.Item name="color" label="顏色">
            <Select options={COLORS.map((c) => ({ value: c, label: <Tag color={c}>{c}</Tag> }))} />
          </Form.Item>
          <Form.Item name="auto" label="類型">
            <Select
              options={[
                { value: false, label: '手動標籤（由人員加上）' },
                { value: true, label: '自動標籤（依規則計算）' },
              ]}
            />
          </Form.Item>
          {auto ? (
            <>
              <Form.Item name="visitType" label="曾有此就診類別">
                <Input placeholder="例如 洗牙" />
              </Form.Item>
              <Form.Item name="treatmentCode" label="處置代碼">
                <Input placeholder="例如 91004C" />
              </Form.Item>
              <Space>
                <Form.Item name="ageMin" label="年齡下限">
                  <InputNumber min={0} max={150} />
                </Form.Item>
                <Form.Item name="ageMax" label="年齡上限">
                  <InputNumber min={0} max={150} />
                </Form.Item>
              </Space>
              <Form.Item name="lastVisitDaysAgo" label="超過幾天未就診">
                <InputNumber min={0} />
              </Form.Item>
              <Form.Item name="noShowMin" label="爽約次數至少">
                <InputNumber min={1} />
              </Form.Item>
            </>
          ) : null}
        </Form>
      </Modal>
    </Card>
  );
}

function SegmentBuilder() {
  const tags = useTags();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [name, setName] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [cond, setCond] = useState<PatientFilter>({});
  const dc = useDebounced(cleanFilter(cond), 300);
  const preview = useQuery({
    queryKey: ['segment-preview', dc],
    queryFn: () => api.post('/api/segments/preview', { body: { conditions: dc } }),
  });
  const segments = useQuery({ queryKey: ['segments'], queryFn: () => api.get('/api/segments') });
  const save = useMutation({
    mutationFn: () =>
      editing
        ? api.put('/api/segments/{id}', {
            params: { path: { id: editing } },
            body: { name, conditions: cleanFilter(cond) },
          })
        : api.post('/api/segments', { body: { name, conditions: cleanFilter(cond) } }),
    onSuccess: (s) => {
      message.success(`已儲存分眾「${s.name}」（${(s.count ?? 0).toLocaleString()} 位）`);
      setEditing(s.id);
      void qc.invalidateQueries({ queryKey: ['segments'] });
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const del = useMutation({
    mutationFn: (id: string) => api.delete('/api/segments/{id}', { params: { path: { id } } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['segments'] }),
  });
  const visitTypes = useVisitTypes();
  const set = (k: keyof PatientFilter) => (v: unknown) => setCond((c) => ({ ...c, [k]: v ?? undefined }));
  return (
    <Row gutter={16}>
      <Col xs={24} lg={14}>
        <Card
          title={editing ? '編輯分眾' : '建立分眾'}
          extra={
            editing ? (
              <Button
                onClick={() => {
                  setEditing(null);
                  setName('');
                  setCond({});
                }}
              >
                新的分眾
              </Button>
            ) : null
          }
        >
          <Form layout="vertical">
            <Form.Item label="分眾名稱">
              <Input
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="例如：半年未洗牙的長者"
                maxLength={50}
                aria-label="分眾名稱"
              />
            </Form.Item>
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item label="有任一標籤">
                  <Select
                    mode="multiple"
                    allowClear
                    value={cond.tagIds ?? []}
                    onChange={set('tagIds')}
                    options={(tags.data?.items ?? []).map((t) => ({ value: t.id, label: t.name }))}
                    aria-label="分眾標籤"
                  />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item label="LINE 狀態">
                  <Select
                    mode="multiple"
                    allowClear
                    value={cond.lineStatus ?? []}
                    onChange={set('lineStatus')}
                    options={LINE_OPTIONS}
                    aria-label="分眾 LINE 狀態"
                  />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item label="年齡下限">
                  <InputNumber
                    min={0}
                    max={150}
                    value={cond.ageMin}
                    onChange={set('ageMin')}
                    style={{ width: '100%' }}
                  />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item label="年齡上限">
                  <InputNumber
                    min={0}
                    max={150}
                    value={cond.ageMax}
                    onChange={set('ageMax')}
                    style={{ width: '100%' }}
                  />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item label="超過幾天未就診">
                  <InputNumber
                    min={0}
                    value={cond.lastVisitDaysAgo}
                    onChange={set('lastVisitDaysAgo')}
                    style={{ width: '100%' }}
                  />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item label="性別">
                  <Select
                    allowClear
                    value={cond.gender}
                    onChange={set('gender')}
                    options={[
                      { value: 'male', label: '男' },
                      { value: 'female', label: '女' },
                    ]}
                  />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item label="曾有就診類別">
                  <AutoComplete
                    aria-label="曾有就診類別"
                    value={cond.visitType ?? ''}
                    onChange={(v: string) => set('visitType')(v || undefined)}
                    allowClear
                    placeholder="例如：洗牙"
                    options={(visitTypes.data?.items ?? []).map((v) => ({
                      value: v.visitType,
                      label: `${v.visitType}（${v.count.toLocaleString()}）`,
                    }))}
                    filterOption={(input, o) => String(o?.value ?? '').includes(input)}
                  />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item label="爽約至少">
                  <InputNumber min={1} value={cond.noShowMin} onChange={set('noShowMin')} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            </Row>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              disabled={!name.trim()}
              loading={save.isPending}
              onClick={() => save.mutate()}
            >
              儲存分眾
            </Button>
          </Form>
        </Card>
      </Col>
      <Col xs={24} lg={10}>
        <Card title="符合人數（即時）" style={{ marginBottom: 16 }}>
          <Statistic value={preview.data?.count ?? 0} suffix="位" loading={preview.isFetching && !preview.data} />
          <div style={{ marginTop: 8 }}>
            {(preview.data?.sample ?? []).map((p) => (
              <Tag key={p.id}>{p.name}</Tag>
            ))}
          </div>
          <Text type="secondary">分眾可用於之後的群發訊息與問卷。</Text>
        </Card>
        <Card title="已儲存的分眾">
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={segments.data?.items ?? []}
            columns={[
              {
                title: '名稱',
                dataIndex: 'name',
                render: (v: string, s) => (
                  <a
                    onClick={() => {
                      setEditing(s.id);
                      setName(s.name);
                      setCond(s.conditions);
                    }}
                  >
                    {v}
                  </a>
                ),
              },
              { title: '更新', dataIndex: 'updatedAt', render: formatDateTime },
              {
                title: '',
                render: (_, s) => (
                  <Popconfirm title="刪除這個分眾？" onConfirm={() => del.mutate(s.id)}>
                    <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label="刪除分眾" />
                  </Popconfirm>
                ),
              },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}

export function SegmentsPage() {
  return (
    <>
      <PageHeader
        title="標籤與分眾"
        subtitle="以標籤標記病患（手動或依規則自動），再以條件組成分眾，之後的群發訊息與問卷都以分眾為對象。"
        help={<HelpDrawer topic="segments" />}
      />
      <div style={{ marginBottom: 16 }}>
        <TagsCard />
      </div>
      <SegmentBuilder />
    </>
  );
}
