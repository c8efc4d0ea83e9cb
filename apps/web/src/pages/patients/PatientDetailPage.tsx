// 病患詳細資料: identity (HIS-owned fields marked; national ID and phone masked, each with an
// audited reveal, the phone as a tel: link), family (same phone), appointments, LINE messages,
// tags, notes, merges and the audit trail.
import { EditOutlined, EyeOutlined, HeartOutlined, RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  Modal,
  Popconfirm,
  Row,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, errorMessage } from '../../api.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { EnrolModal } from '../care/CarePlansPage.tsx';
import { PhoneReveal } from '../../components/PhoneReveal.tsx';
import { formatDate, formatDateTime } from '../../format.ts';
import { useUser } from '../../session.tsx';
import { GENDER_LABEL, LINE_COLORS, SOURCE_LABEL } from './api.ts';
import { PatientLineLinks } from '../../line/PatientLineLinks.tsx';
import { NoShowCard } from '../booking/NoShowCard.tsx';
import { PatientFormDrawer, TagChips, useTags } from './PatientsPage.tsx';

const { Text } = Typography;
export function PatientDetailPage() {
  const { id = '' } = useParams();
  const user = useUser();
  const canWrite = user.role === 'admin' || user.role === 'front_desk';
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [editing, setEditing] = useState(false);
  const [enrolling, setEnrolling] = useState(false);
  const canEnrol = canWrite || user.role === 'doctor';
  const [revealOpen, setRevealOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [revealed, setRevealed] = useState<string | null>(null);
  const [notes, setNotes] = useState<string | null>(null);
  const tags = useTags();
  const path = { id };
  const q = useQuery({ queryKey: ['patient', id], queryFn: () => api.get('/api/patients/{id}', { params: { path } }) });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['patient', id] });
    void qc.invalidateQueries({ queryKey: ['patients'] });
  };
  const reveal = useMutation({
    mutationFn: () => api.post('/api/patients/{id}/national-id/reveal', { params: { path }, body: { reason } }),
    onSuccess: (r) => {
      setRevealed(r.nationalId);
      setRevealOpen(false);
      refresh();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const setTags = useMutation({
    mutationFn: async (next: string[]) => {
      const cur = (q.data?.tags ?? []).filter((t) => t.source === 'manual').map((t) => t.id);
      const add = next.filter((t) => !cur.includes(t));
      const del = cur.filter((t) => !next.includes(t));
      if (add.length) await api.post('/api/patients/tags', { body: { patientIds: [id], tagIds: add } });
      if (del.length) await api.post('/api/patients/tags', { body: { patientIds: [id], tagIds: del, remove: true } });
    },
    onSuccess: refresh,
    onError: (e) => message.error(errorMessage(e)),
  });
  const saveNotes = useMutation({
    mutationFn: () => api.patch('/api/patients/{id}', { params: { path }, body: { notes: notes ?? '' } }),
    onSuccess: () => {
      message.success('備註已儲存');
      setNotes(null);
      refresh();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const undo = useMutation({
    mutationFn: (mid: string) => api.post('/api/patients/merges/{id}/undo', { params: { path: { id: mid } } }),
    onSuccess: () => {
      message.success('已復原整併');
      refresh();
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  const p = q.data;
  if (q.isError) return <Empty description={errorMessage(q.error)} />;
  if (!p) return <Card loading />;
  const his = new Set(p.hisOwnedFields);
  const H = (label: string, field: string) =>
    his.has(field) ? (
      <Space size={4}>
        {label}
        <Tag color="geekblue" title="由 HIS 管理，後台唯讀">
          HIS
        </Tag>
      </Space>
    ) : (
      label
    );
  const manualTagIds = p.tags.filter((t) => t.source === 'manual').map((t) => t.id);

  return (
    <>
      <PageHeader
        title={
          <Space>
            {p.name}
            <Tag color={LINE_COLORS[p.line.code]}>{p.line.label}</Tag>
            {p.mergedInto ? <Tag color="orange">已整併</Tag> : null}
          </Space>
        }
        subtitle={
          <>
            病歷號 {p.chartNo ?? '—'}・來源 {SOURCE_LABEL[p.source] ?? p.source}・HIS 代碼 {p.hisId}
          </>
        }
        extra={
          <>
            <Link to="/patients/list">回名單</Link>
            {canEnrol && !p.mergedInto ? (
              <Button icon={<HeartOutlined />} onClick={() => setEnrolling(true)}>
                加入照護計畫
              </Button>
            ) : null}
            {canWrite && !p.mergedInto ? (
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
                編輯
              </Button>
            ) : null}
          </>
        }
      />
      {p.mergedInto ? (
        <Card style={{ marginBottom: 16 }}>
          <Text>
            此病患已整併到 <Link to={`/patients/${p.mergedInto}`}>另一位病患</Link>。
          </Text>
        </Card>
      ) : null}
      <Row gutter={16}>
        <Col xs={24} lg={10}>
          <Card title="基本資料" style={{ marginBottom: 16 }}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={H('姓名', 'name')}>{p.name}</Descriptions.Item>
              <Descriptions.Item label={H('病歷號', 'chartNo')}>{p.chartNo ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={H('電話', 'phone')}>
                <Space size={4}>
                  <PhoneReveal patientId={p.id} masked={p.phoneMasked} />
                  {p.phoneType === 'landline' ? <Text type="secondary">（市話）</Text> : null}
                </Space>
              </Descriptions.Item>
              <Descriptions.Item label={H('生日', 'birthDate')}>{p.birthDate ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={H('性別', 'gender')}>
                {p.gender ? GENDER_LABEL[p.gender] : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={H('身分證字號', 'nationalId')}>
                <Space>
                  {revealed ?? p.nationalIdMasked ?? '—'}
                  {p.nationalIdMasked && !revealed && user.role !== 'viewer' ? (
                    <Button size="small" icon={<EyeOutlined />} onClick={() => setRevealOpen(true)}>
                      顯示
                    </Button>
                  ) : null}
                </Space>
              </Descriptions.Item>
              <Descriptions.Item label="LINE">
                <PatientLineLinks patientId={p.id} canWrite={canWrite} />
              </Descriptions.Item>
              <Descriptions.Item label="上次就診">{formatDate(p.lastVisitAt)}</Descriptions.Item>
              <Descriptions.Item label="下次預約">{formatDateTime(p.nextVisitAt)}</Descriptions.Item>
              <Descriptions.Item label="爽約次數">{p.noShowCount}</Descriptions.Item>
            </Descriptions>
          </Card>
          <NoShowCard patientId={p.id} canWrite={canWrite} />
          <Card title="標籤" style={{ marginBottom: 16 }}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              <TagChips tags={p.tags.filter((t) => t.source === 'auto')} />
              {canWrite ? (
                <Select
                  mode="multiple"
                  style={{ width: '100%' }}
                  placeholder="手動標籤"
                  value={manualTagIds}
                  onChange={(v) => setTags.mutate(v)}
                  loading={setTags.isPending}
                  aria-label="手動標籤"
                  options={(tags.data?.items ?? [])
                    .filter((t) => t.kind === 'manual')
                    .map((t) => ({ value: t.id, label: t.name }))}
                />
              ) : (
                <TagChips tags={p.tags.filter((t) => t.source === 'manual')} />
              )}
              <Text type="secondary">外框的是自動標籤（依規則計算）。</Text>
            </Space>
          </Card>
          <Card
            title="備註"
            style={{ marginBottom: 16 }}
            extra={
              canWrite && notes !== null ? (
                <Button size="small" type="primary" loading={saveNotes.isPending} onClick={() => saveNotes.mutate()}>
                  儲存
                </Button>
              ) : null
            }
          >
            <Input.TextArea
              rows={3}
              value={notes ?? p.notes}
              onChange={(e) => setNotes(e.target.value)}
              disabled={!canWrite}
              placeholder="例如：過敏、行動不便、偏好時段"
              aria-label="備註"
            />
          </Card>
          <Card title="家人（同一電話）">
            {p.family.length ? (
              p.family.map((f) => (
                <div key={f.id}>
                  <Link to={`/patients/${f.id}`}>{f.name}</Link>{' '}
                  <Text type="secondary">
                    {f.chartNo ?? ''} {f.birthDate ?? ''}
                  </Text>
                </div>
              ))
            ) : (
              <Text type="secondary">沒有其他病患使用同一電話</Text>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card>
            <Tabs
              items={[
                {
                  key: 'appts',
                  label: `預約（${p.appointments.length}）`,
                  children: (
                    <Table
                      rowKey="id"
                      size="small"
                      pagination={false}
                      dataSource={p.appointments}
                      columns={[
                        { title: '時間', dataIndex: 'startsAt', render: formatDateTime },
                        { title: '醫師', dataIndex: 'doctorName' },
                        { title: '類別', dataIndex: 'visitType', render: (v) => v ?? '—' },
                        { title: '狀態', dataIndex: 'statusLabel' },
                      ]}
                    />
                  ),
                },
                {
                  key: 'msgs',
                  label: `LINE 訊息（${p.messages.length}）`,
                  children: p.messages.length ? (
                    <Timeline
                      items={p.messages.map((m) => ({
                        color: m.direction === 'in' ? 'green' : 'blue',
                        content: (
                          <>
                            <Text type="secondary">
                              {formatDateTime(m.createdAt)} {m.direction === 'in' ? '病患' : '診所'}
                            </Text>
                            <div>{m.text || `（${m.kind}）`}</div>
                          </>
                        ),
                      }))}
                    />
                  ) : (
                    <Empty description="尚無 LINE 訊息" />
                  ),
                },
                {
                  key: 'merges',
                  label: `整併（${p.merges.length}）`,
                  children: p.merges.length ? (
                    <Table
                      rowKey="id"
                      size="small"
                      pagination={false}
                      dataSource={p.merges}
                      columns={[
                        { title: '時間', dataIndex: 'createdAt', render: formatDateTime },
                        { title: '角色', render: (_, m) => (m.survivorId === p.id ? '保留者' : '被整併') },
                        {
                          title: '狀態',
                          render: (_, m) =>
                            m.undoneAt
                              ? `已於 ${formatDateTime(m.undoneAt)} 復原`
                              : `可復原至 ${formatDateTime(m.undoUntil)}`,
                        },
                        {
                          title: '',
                          render: (_, m) =>
                            canWrite && !m.undoneAt && new Date(m.undoUntil) > new Date() ? (
                              <Popconfirm
                                title="復原這次整併？預約與 LINE 綁定會移回原病患。"
                                onConfirm={() => undo.mutate(m.id)}
                              >
                                <Button size="small" icon={<RollbackOutlined />}>
                                  復原
                                </Button>
                              </Popconfirm>
                            ) : null,
                        },
                      ]}
                    />
                  ) : (
                    <Empty description="沒有整併紀錄" />
                  ),
                },
                {
                  key: 'audit',
                  label: '異動與查看紀錄',
                  children: (
                    <Table
                      rowKey="id"
                      size="small"
                      pagination={{ pageSize: 10 }}
                      dataSource={p.audit}
                      columns={[
                        { title: '時間', dataIndex: 'createdAt', render: formatDateTime },
                        { title: '人員', dataIndex: 'actor' },
                        { title: '動作', dataIndex: 'actionLabel' },
                      ]}
                    />
                  ),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Modal
        open={revealOpen}
        title="顯示完整身分證字號"
        onCancel={() => setRevealOpen(false)}
        onOk={() => reveal.mutate()}
        okButtonProps={{ disabled: !reason.trim() }}
        confirmLoading={reveal.isPending}
        okText="顯示"
      >
        <p>查看會記錄在稽核紀錄（人員、時間、原因）。</p>
        <Input
          placeholder="查看原因，例如：核對健保身分"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={200}
          aria-label="查看原因"
        />
      </Modal>
      <PatientFormDrawer open={editing} patient={p} onClose={() => setEditing(false)} />
      <EnrolModal open={enrolling} patient={{ id: p.id, name: p.name }} onClose={() => setEnrolling(false)} />
    </>
  );
}
