// 整併重複病患: candidates, side-by-side review with a choice per field, merge, history + undo.
import { MergeCellsOutlined, RollbackOutlined, SearchOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Input, Modal, Popconfirm, Radio, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage, type ApiResponse } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format.ts';
import { GENDER_LABEL, REASON_LABEL, SOURCE_LABEL, useDebounced, type MergeSide } from './api.ts';

const { Text } = Typography;
type Pair = ApiResponse<'/api/patients/merge-candidates'>['items'][number];
const FIELDS: { key: string; label: string; get: (s: MergeSide) => string | null }[] = [
  { key: 'name', label: '姓名', get: (s) => s.name },
  { key: 'chartNo', label: '病歷號', get: (s) => s.chartNo },
  { key: 'phone', label: '電話', get: (s) => s.phoneMasked },
  { key: 'birthDate', label: '生日', get: (s) => s.birthDate },
  { key: 'gender', label: '性別', get: (s) => (s.gender ? GENDER_LABEL[s.gender] : null) },
  { key: 'nationalId', label: '身分證字號', get: (s) => s.nationalIdMasked },
];

function Review({ pair, onClose }: { pair: Pair | null; onClose: () => void }) {
  const [survivor, setSurvivor] = useState<'a' | 'b'>('a');
  const [take, setTake] = useState<Record<string, 'a' | 'b'>>({});
  const qc = useQueryClient();
  const { message } = App.useApp();
  const merge = useMutation({
    mutationFn: () => {
      const s = pair![survivor];
      const m = pair![survivor === 'a' ? 'b' : 'a'];
      const t = Object.fromEntries(
        Object.entries(take).map(([k, v]) => [k, v === survivor ? ('survivor' as const) : ('merged' as const)]),
      );
      return api.post('/api/patients/merges', { body: { survivorId: s.id, mergedId: m.id, take: t } });
    },
    onSuccess: () => {
      message.success('已整併，7 天內可復原');
      void qc.invalidateQueries({ queryKey: ['merge'] });
      void qc.invalidateQueries({ queryKey: ['patients'] });
      setTake({});
      onClose();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  if (!pair) return null;
  const col = (side: 'a' | 'b') => (
    <Space orientation="vertical" size={2}>
      <Radio checked={survivor === side} onChange={() => setSurvivor(side)}>
        保留這筆
      </Radio>
      <Text type="secondary">
        {SOURCE_LABEL[pair[side].source]}・{pair[side].hisId}
      </Text>
    </Space>
  );
  return (
    <Modal
      open
      title="並排比較並選擇保留的值"
      width={860}
      onCancel={onClose}
      onOk={() => merge.mutate()}
      okText="整併"
      confirmLoading={merge.isPending}
    >
      <Table
        size="small"
        pagination={false}
        rowKey="key"
        dataSource={[
          ...FIELDS.map((f) => ({ key: f.key, label: f.label, a: f.get(pair.a), b: f.get(pair.b) })),
          { key: '_appts', label: '預約', a: String(pair.a.appointments), b: String(pair.b.appointments) },
          { key: '_line', label: 'LINE 綁定', a: String(pair.a.lineBound), b: String(pair.b.lineBound) },
        ]}
        columns={[
          { title: '欄位', dataIndex: 'label', width: 110 },
          ...(['a', 'b'] as const).map((side) => ({
            title: col(side),
            dataIndex: side,
            render: (v: string | null, r: { key: string; a: string | null; b: string | null }) => {
              if (r.key.startsWith('_')) return v;
              const chosen = (take[r.key] ?? survivor) === side;
              return r.a === r.b ? (
                (v ?? '—')
              ) : (
                <Radio checked={chosen} onChange={() => setTake((t) => ({ ...t, [r.key]: side }))}>
                  {v ?? '（空白）'}
                </Radio>
              );
            },
          })),
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
        整併後，另一筆的預約、LINE 綁定與手動標籤會移到保留的病患；原資料完整保留，7 天內可在整併紀錄復原。HIS 會收到
        patient.merged 通知。
      </Typography.Paragraph>
    </Modal>
  );
}

export function MergePage() {
  const [pair, setPair] = useState<Pair | null>(null);
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const dq = useDebounced(q.trim(), 300);
  const cands = useQuery({
    queryKey: ['merge', 'candidates', dq],
    queryFn: () => api.get('/api/patients/merge-candidates', { params: { query: { q: dq } } }),
    placeholderData: (prev) => prev,
  });
  const total = cands.data?.total ?? 0;
  const shown = cands.data?.items.length ?? 0;
  const history = useQuery({
    queryKey: ['merge', 'history'],
    queryFn: () => api.get('/api/patients/merges'),
  });
  const undo = useMutation({
    mutationFn: (id: string) => api.post('/api/patients/merges/{id}/undo', { params: { path: { id } } }),
    onSuccess: () => {
      message.success('已復原');
      void qc.invalidateQueries({ queryKey: ['merge'] });
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  return (
    <>
      <PageHeader
        title="整併重複病患"
        subtitle="系統找出可能是同一人的病患：身分證字號相同、病歷號相同，或電話相同且姓名相近。確認後並排比較、選擇要保留的值再整併。"
        help={<HelpDrawer topic="merge" />}
      />
      <Card
        title="可能重複"
        style={{ marginBottom: 16 }}
        extra={
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder="姓名、病歷號或電話"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            style={{ width: 260 }}
            aria-label="搜尋可能重複的病患"
          />
        }
      >
        <Table
          rowKey={(r) => `${r.a.id}|${r.b.id}`}
          loading={cands.isLoading}
          dataSource={cands.data?.items ?? []}
          pagination={false}
          locale={{
            emptyText: <Empty description={dq ? `沒有符合「${dq}」的可能重複病患` : '目前沒有找到可能重複的病患'} />,
          }}
          footer={
            total
              ? () => (
                  <Text type="secondary">
                    {shown < total
                      ? `共 ${total} 組，顯示最可能的 ${shown} 組；可用右上角搜尋找特定病患。`
                      : `共 ${total} 組`}
                  </Text>
                )
              : undefined
          }
          columns={[
            { title: '病患 A', render: (_, r) => <Link to={`/patients/${r.a.id}`}>{r.a.name}</Link> },
            { title: '病患 B', render: (_, r) => <Link to={`/patients/${r.b.id}`}>{r.b.name}</Link> },
            {
              title: '原因',
              dataIndex: 'reasons',
              render: (rs: string[]) =>
                rs.map((x) => (
                  <Tag key={x} color="orange">
                    {REASON_LABEL[x] ?? x}
                  </Tag>
                )),
            },
            {
              title: '',
              render: (_, r) => (
                <Button icon={<MergeCellsOutlined />} onClick={() => setPair(r)}>
                  比較與整併
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Card title="整併紀錄">
        <Table
          rowKey="id"
          loading={history.isLoading}
          dataSource={history.data?.items ?? []}
          pagination={false}
          columns={[
            { title: '時間', dataIndex: 'createdAt', render: formatDateTime },
            { title: '保留', render: (_, r) => <Link to={`/patients/${r.survivorId}`}>{r.survivorName}</Link> },
            { title: '被整併', render: (_, r) => <Link to={`/patients/${r.mergedId}`}>{r.mergedName}</Link> },
            { title: '人員', dataIndex: 'createdBy' },
            {
              title: '狀態',
              render: (_, r) =>
                r.undoneAt ? <Tag>已復原</Tag> : <Text type="secondary">可復原至 {formatDateTime(r.undoUntil)}</Text>,
            },
            {
              title: '',
              render: (_, r) =>
                !r.undoneAt && new Date(r.undoUntil) > new Date() ? (
                  <Popconfirm title="復原這次整併？" onConfirm={() => undo.mutate(r.id)}>
                    <Button size="small" icon={<RollbackOutlined />}>
                      復原
                    </Button>
                  </Popconfirm>
                ) : null,
            },
          ]}
        />
      </Card>
      <Review pair={pair} onClose={() => setPair(null)} />
    </>
  );
}
