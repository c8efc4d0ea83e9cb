// The 滿意度 › 問卷 page: the clinic's questionnaires with their response rates; a builder
// (single / multiple choice, 1–5 scale, NPS 0–10, free text; required or not; reorder; a
// preview as the patient sees it on the phone); sending to a saved segment or a tag; and the
// results — a chart per question and the CSV/XLSX export. The 看診滿意度調查 template (seed 002's
// dimensions) is offered on every clinic.
import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  DownloadOutlined,
  EyeOutlined,
  PlusOutlined,
  SendOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  DatePicker,
  Drawer,
  Dropdown,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  List,
  Popconfirm,
  Radio,
  Row,
  Select,
  Skeleton,
  Space,
  Statistic,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api, ApiError, errorMessage, type ApiBody, type Schema } from '../../api.ts';
import { Chart } from '../../components/Chart.tsx';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { dayjs, formatDateTime } from '../../format.ts';
import { hasRole, useUser } from '../../session.tsx';
import {
  chartOf,
  move,
  newQuestion,
  pct,
  TYPE_LABELS,
  withType,
  type Question,
  type QuestionResult,
  type QuestionType,
} from './questionnaire-model.ts';

const { Text, Paragraph, Title } = Typography;
type Questionnaire = Schema<'Questionnaire'>;
type Body = ApiBody<'/api/questionnaires', 'post'>;
const KEY = ['questionnaires'] as const;

export function QuestionnairesPage() {
  const user = useUser();
  const canWrite = hasRole(user, ['admin', 'front_desk']);
  const list = useQuery({ queryKey: KEY, queryFn: () => api.get('/api/questionnaires') });
  const templates = useQuery({
    queryKey: ['questionnaire-templates'],
    queryFn: () => api.get('/api/questionnaires/templates'),
  });
  const [editing, setEditing] = useState<{ id: string | null; body: Body } | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);

  const blank: Body = { title: '', intro: '', questions: [newQuestion('scale')] };
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="問卷"
        subtitle="設計問卷，寄給分眾或標籤的病患，或在看診完成後自動寄出；病患在 LINE 內填寫，每人一次。這裡看回覆率與每題的統計。"
        extra={
          canWrite ? (
            <Dropdown
              menu={{
                items: [
                  ...(templates.data?.items ?? []).map((t) => ({
                    key: t.id,
                    label: `從範本建立：${t.title}`,
                  })),
                  { key: 'blank', label: '空白問卷' },
                ],
                onClick: ({ key }) => {
                  const t = templates.data?.items.find((x) => x.id === key);
                  setEditing({
                    id: null,
                    body: t
                      ? { title: t.title, intro: t.intro, questions: t.questions, template: 'satisfaction' }
                      : blank,
                  });
                },
              }}
            >
              <Button type="primary" icon={<PlusOutlined />}>
                新增問卷
              </Button>
            </Dropdown>
          ) : null
        }
        help={<HelpDrawer topic="questionnaires" />}
      />
      {list.error ? <Alert type="error" showIcon message={errorMessage(list.error)} /> : null}
      <Card styles={{ body: { padding: 0 } }}>
        <Table<Questionnaire>
          rowKey="id"
          loading={list.isLoading}
          dataSource={items}
          pagination={false}
          onRow={(r) => ({ onClick: () => setOpenId(r.id), style: { cursor: 'pointer' } })}
          locale={{
            emptyText: (
              <Empty
                description={
                  <>
                    還沒有問卷。按右上角「新增問卷」，可從「看診滿意度調查」範本開始
                    （候診時間、人員態度、說明清楚程度、環境、整體滿意度與建議）。
                  </>
                }
              />
            ),
          }}
          columns={[
            {
              title: '問卷',
              dataIndex: 'title',
              render: (v: string, r) => (
                <Space direction="vertical" size={0}>
                  <Text strong>{v}</Text>
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {r.questions.length} 題・建立於 {formatDateTime(r.createdAt)}
                  </Text>
                </Space>
              ),
            },
            {
              title: '狀態',
              render: (_, r) => (
                <Space size={4} wrap>
                  {r.closed ? <Tag>已截止</Tag> : <Tag color="green">收件中</Tag>}
                  {r.afterVisit ? <Tag color="blue">看診後自動寄出</Tag> : null}
                  {r.closesAt && !r.closed ? <Tag>截止 {formatDateTime(r.closesAt)}</Tag> : null}
                </Space>
              ),
            },
            { title: '已送達', align: 'right', render: (_, r) => r.sent + r.answered },
            { title: '已填答', align: 'right', dataIndex: 'answered' },
            {
              title: '回覆率',
              align: 'right',
              render: (_, r) => <Text strong>{pct(r.responseRate)}</Text>,
            },
          ]}
        />
      </Card>
      {editing ? (
        <Builder
          id={editing.id}
          initial={editing.body}
          onClose={() => setEditing(null)}
          onSaved={(id) => {
            setEditing(null);
            setOpenId(id);
          }}
        />
      ) : null}
      <QuestionnaireDrawer
        id={openId}
        canWrite={canWrite}
        onClose={() => setOpenId(null)}
        onEdit={(q) =>
          setEditing({
            id: q.id,
            body: {
              title: q.title,
              intro: q.intro,
              questions: q.questions,
              closesAt: q.closesAt,
              afterVisit: q.afterVisit,
              afterVisitDelayMinutes: q.afterVisitDelayMinutes,
              afterVisitTypes: q.afterVisitTypes,
            },
          })
        }
      />
    </>
  );
}

// ---- Builder ----

function Builder({
  id,
  initial,
  onClose,
  onSaved,
}: {
  id: string | null;
  initial: Body;
  onClose: () => void;
  onSaved: (id: string) => void;
}) {
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [body, setBody] = useState<Body>(initial);
  const [preview, setPreview] = useState(false);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const set = (patch: Partial<Body>) => setBody((b) => ({ ...b, ...patch }));
  const setQ = (i: number, q: Question) => set({ questions: body.questions.map((x, j) => (j === i ? q : x)) });

  const save = useMutation({
    mutationFn: () =>
      id
        ? api.put('/api/questionnaires/{id}', { params: { path: { id } }, body })
        : api.post('/api/questionnaires', { body }),
    onSuccess: (q) => {
      message.success(id ? '已儲存問卷' : '已建立問卷');
      void qc.invalidateQueries({ queryKey: KEY });
      onSaved(q.id);
    },
    onError: (e) => {
      const out: Record<string, string> = {};
      if (e instanceof ApiError) for (const d of e.details) if (d.field) out[d.field] = d.message;
      setProblems(out);
      message.error(errorMessage(e));
    },
  });

  // Checks the browser can do before asking the server (the server checks again).
  function validate(): boolean {
    const out: Record<string, string> = {};
    if (!body.title.trim()) out.title = '請填寫問卷名稱';
    body.questions.forEach((q, i) => {
      if (!q.title.trim()) out[`questions[${i}].title`] = `第 ${i + 1} 題請填寫題目`;
      if ((q.type === 'single' || q.type === 'multi') && (q.options ?? []).some((o) => !o.label.trim()))
        out[`questions[${i}].options`] = `第 ${i + 1} 題有空白的選項`;
    });
    setProblems(out);
    return Object.keys(out).length === 0;
  }

  const problemOf = (i: number) =>
    Object.entries(problems)
      .filter(([k]) => k.startsWith(`questions[${i}]`))
      .map(([, v]) => v)
      .join('；');

  return (
    <Drawer
      open
      onClose={onClose}
      size={preview ? 1180 : 760}
      title={id ? '編輯問卷' : '新增問卷'}
      extra={
        <Space>
          <Button icon={<EyeOutlined />} onClick={() => setPreview((p) => !p)}>
            {preview ? '關閉預覽' : '預覽'}
          </Button>
          <Button type="primary" loading={save.isPending} onClick={() => validate() && save.mutate()}>
            儲存
          </Button>
        </Space>
      }
    >
      <Flex gap={24} align="flex-start">
        <div style={{ flex: 1, minWidth: 0 }}>
          <Form layout="vertical" requiredMark={false}>
            <Form.Item
              label="問卷名稱（病患看得到）"
              validateStatus={problems.title ? 'error' : undefined}
              help={problems.title}
            >
              <Input
                aria-label="問卷名稱"
                value={body.title}
                maxLength={100}
                onChange={(e) => set({ title: e.target.value })}
              />
            </Form.Item>
            <Form.Item label="開頭說明（選填）">
              <Input.TextArea
                aria-label="開頭說明"
                value={body.intro}
                maxLength={500}
                autoSize={{ minRows: 2, maxRows: 4 }}
                onChange={(e) => set({ intro: e.target.value })}
              />
            </Form.Item>
            <Row gutter={16}>
              <Col span={12}>
                <Form.Item label="截止時間（選填）" extra="截止後不再收答案；也可以隨時按「截止」。">
                  <DatePicker
                    showTime={{ format: 'HH:mm' }}
                    format="YYYY/MM/DD HH:mm"
                    style={{ width: '100%' }}
                    value={body.closesAt ? dayjs(body.closesAt) : null}
                    onChange={(d) => set({ closesAt: d ? d.toISOString() : null })}
                  />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item
                  label="看診完成後自動寄出"
                  extra="每位病患一次；與滿意度調查共用「同一位病患至少間隔 N 天」。"
                >
                  <Space wrap>
                    <Switch checked={!!body.afterVisit} onChange={(v) => set({ afterVisit: v })} />
                    {body.afterVisit ? (
                      <InputNumber
                        min={0}
                        max={10080}
                        value={body.afterVisitDelayMinutes ?? 120}
                        addonAfter="分鐘後"
                        style={{ width: 150 }}
                        onChange={(v) => set({ afterVisitDelayMinutes: v ?? 120 })}
                      />
                    ) : null}
                  </Space>
                </Form.Item>
              </Col>
            </Row>
            {body.afterVisit ? (
              <Form.Item label="只在這些就診類別後寄出（空白＝所有就診）">
                <Select
                  mode="tags"
                  value={body.afterVisitTypes ?? []}
                  placeholder="例如：洗牙、拔牙"
                  onChange={(v: string[]) => set({ afterVisitTypes: v.length ? v : null })}
                />
              </Form.Item>
            ) : null}
          </Form>
          <Title level={5} style={{ marginTop: 8 }}>
            題目
          </Title>
          <Space direction="vertical" style={{ width: '100%' }} size={12}>
            {body.questions.map((q, i) => (
              <QuestionEditor
                key={q.id}
                q={q}
                index={i}
                count={body.questions.length}
                problem={problemOf(i)}
                onChange={(x) => setQ(i, x)}
                onMove={(by) => set({ questions: move(body.questions, i, by) })}
                onRemove={() => set({ questions: body.questions.filter((_, j) => j !== i) })}
              />
            ))}
            <Dropdown
              menu={{
                items: (Object.keys(TYPE_LABELS) as QuestionType[]).map((t) => ({ key: t, label: TYPE_LABELS[t] })),
                onClick: ({ key }) => set({ questions: [...body.questions, newQuestion(key as QuestionType)] }),
              }}
            >
              <Button icon={<PlusOutlined />} block disabled={body.questions.length >= 30}>
                新增題目
              </Button>
            </Dropdown>
          </Space>
        </div>
        {preview ? (
          <div style={{ width: 390, flexShrink: 0, position: 'sticky', top: 0 }}>
            <Text type="secondary">病患在手機上看到的樣子（寬 390 px）</Text>
            <PhonePreview body={body} />
          </div>
        ) : null}
      </Flex>
    </Drawer>
  );
}

function QuestionEditor({
  q,
  index,
  count,
  problem,
  onChange,
  onMove,
  onRemove,
}: {
  q: Question;
  index: number;
  count: number;
  problem: string;
  onChange: (q: Question) => void;
  onMove: (by: number) => void;
  onRemove: () => void;
}) {
  const choice = q.type === 'single' || q.type === 'multi';
  return (
    <Card
      size="small"
      title={`第 ${index + 1} 題`}
      aria-label={`第 ${index + 1} 題`}
      extra={
        <Space size={4}>
          <Button
            size="small"
            type="text"
            icon={<ArrowUpOutlined />}
            aria-label="上移"
            disabled={index === 0}
            onClick={() => onMove(-1)}
          />
          <Button
            size="small"
            type="text"
            icon={<ArrowDownOutlined />}
            aria-label="下移"
            disabled={index === count - 1}
            onClick={() => onMove(1)}
          />
          <Button
            size="small"
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label="刪除題目"
            disabled={count === 1}
            onClick={onRemove}
          />
        </Space>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Flex gap={8} wrap>
          <Select
            value={q.type}
            style={{ width: 200 }}
            aria-label="題型"
            options={(Object.keys(TYPE_LABELS) as QuestionType[]).map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
            onChange={(t) => onChange(withType(q, t))}
          />
          <Input
            style={{ flex: 1, minWidth: 200 }}
            placeholder="題目，例如：候診時間"
            aria-label="題目"
            value={q.title}
            maxLength={200}
            status={problem && !q.title.trim() ? 'error' : undefined}
            onChange={(e) => onChange({ ...q, title: e.target.value })}
          />
          <Space>
            <Switch size="small" checked={q.required} onChange={(v) => onChange({ ...q, required: v })} />
            <Text>必填</Text>
          </Space>
        </Flex>
        {choice ? (
          <Space direction="vertical" style={{ width: '100%' }} size={4}>
            {(q.options ?? []).map((o, j) => (
              <Flex key={o.id} gap={8}>
                <Input
                  size="small"
                  placeholder={`選項 ${j + 1}`}
                  aria-label={`選項 ${j + 1}`}
                  value={o.label}
                  maxLength={100}
                  onChange={(e) =>
                    onChange({
                      ...q,
                      options: q.options!.map((x, k) => (k === j ? { ...x, label: e.target.value } : x)),
                    })
                  }
                />
                <Button
                  size="small"
                  type="text"
                  icon={<DeleteOutlined />}
                  aria-label={`刪除選項 ${j + 1}`}
                  disabled={(q.options ?? []).length <= 2}
                  onClick={() => onChange({ ...q, options: q.options!.filter((_, k) => k !== j) })}
                />
              </Flex>
            ))}
            <Button
              size="small"
              type="dashed"
              icon={<PlusOutlined />}
              disabled={(q.options ?? []).length >= 12}
              onClick={() =>
                onChange({
                  ...q,
                  options: [...(q.options ?? []), { id: `o${Math.random().toString(36).slice(2, 8)}`, label: '' }],
                })
              }
            >
              新增選項
            </Button>
          </Space>
        ) : (
          <Text type="secondary" style={{ fontSize: 12 }}>
            {q.type === 'scale'
              ? '病患選 1（非常不滿意）到 5（非常滿意）分'
              : q.type === 'nps'
                ? '「您有多願意推薦給親友？」0–10 分；結果計算 NPS'
                : '病患自由輸入，最多 1,000 字'}
          </Text>
        )}
        {problem ? <Text type="danger">{problem}</Text> : null}
      </Space>
    </Card>
  );
}

/** A static picture of the LIFF form (the real form is apps/web/src/liff/Questionnaire.tsx). */
function PhonePreview({ body }: { body: Body }) {
  return (
    <div
      style={{
        marginTop: 8,
        width: 390,
        border: '1px solid #e5e7eb',
        borderRadius: 16,
        overflow: 'hidden',
        background: '#f5f6f8',
      }}
    >
      <div style={{ background: '#06c755', color: '#fff', padding: '12px 16px', fontWeight: 600 }}>
        {body.title || '問卷名稱'}
      </div>
      <div style={{ padding: 12, maxHeight: 640, overflow: 'auto' }}>
        {body.intro ? <Paragraph style={{ fontSize: 14 }}>{body.intro}</Paragraph> : null}
        {body.questions.map((q, i) => (
          <div key={q.id} style={{ background: '#fff', borderRadius: 12, padding: 12, marginBottom: 10 }}>
            <div style={{ fontWeight: 600, marginBottom: 8 }}>
              {i + 1}. {q.title || '（題目）'} {q.required ? <span style={{ color: '#e5484d' }}>*</span> : null}
            </div>
            {q.type === 'single' || q.type === 'multi' ? (
              (q.options ?? []).map((o) => (
                <div
                  key={o.id}
                  style={{ border: '1px solid #d9d9d9', borderRadius: 8, padding: '8px 10px', marginBottom: 6 }}
                >
                  {q.type === 'single' ? '○' : '☐'} {o.label || '（選項）'}
                </div>
              ))
            ) : q.type === 'text' ? (
              <div style={{ border: '1px solid #d9d9d9', borderRadius: 8, height: 64 }} />
            ) : (
              <Flex gap={4} wrap>
                {Array.from({ length: q.type === 'scale' ? 5 : 11 }, (_, k) => (q.type === 'scale' ? k + 1 : k)).map(
                  (n) => (
                    <div
                      key={n}
                      style={{
                        width: q.type === 'scale' ? 56 : 28,
                        textAlign: 'center',
                        border: '1px solid #d9d9d9',
                        borderRadius: 8,
                        padding: '6px 0',
                      }}
                    >
                      {n}
                    </div>
                  ),
                )}
              </Flex>
            )}
          </div>
        ))}
        <div style={{ background: '#06c755', color: '#fff', textAlign: 'center', borderRadius: 10, padding: 12 }}>
          送出
        </div>
      </div>
    </div>
  );
}

// ---- One questionnaire: results, sending, questions ----

function QuestionnaireDrawer({
  id,
  canWrite,
  onClose,
  onEdit,
}: {
  id: string | null;
  canWrite: boolean;
  onClose: () => void;
  onEdit: (q: Questionnaire) => void;
}) {
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const results = useQuery({
    queryKey: [...KEY, id, 'results'],
    queryFn: () => api.get('/api/questionnaires/{id}/results', { params: { path: { id: id! } } }),
    enabled: !!id,
  });
  const q = results.data?.questionnaire;
  const close = useMutation({
    mutationFn: () => api.post('/api/questionnaires/{id}/close', { params: { path: { id: id! } } }),
    onSuccess: () => {
      message.success('問卷已截止，之後不再收答案');
      void qc.invalidateQueries({ queryKey: KEY });
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const remove = useMutation({
    mutationFn: () => api.delete('/api/questionnaires/{id}', { params: { path: { id: id! } } }),
    onSuccess: () => {
      message.success('已刪除問卷');
      void qc.invalidateQueries({ queryKey: KEY });
      onClose();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      size={920}
      title={q?.title ?? '問卷'}
      extra={
        q && canWrite ? (
          <Space>
            <Button onClick={() => onEdit(q)}>{q.locked ? '修改名稱與設定' : '編輯題目'}</Button>
            {!q.closed ? (
              <Popconfirm title="立即截止這份問卷？之後病患無法再填答。" onConfirm={() => close.mutate()}>
                <Button>截止</Button>
              </Popconfirm>
            ) : null}
            {!q.locked ? (
              <Popconfirm title="刪除這份問卷？" onConfirm={() => remove.mutate()}>
                <Button danger>刪除</Button>
              </Popconfirm>
            ) : null}
          </Space>
        ) : null
      }
    >
      {results.isLoading || !q ? (
        <Skeleton active />
      ) : (
        <Tabs
          items={[
            {
              key: 'results',
              label: '結果',
              children: <ResultsView id={q.id} results={results.data!} canWrite={canWrite} />,
            },
            ...(canWrite ? [{ key: 'send', label: '寄出', children: <SendView q={q} /> }] : []),
          ]}
        />
      )}
    </Drawer>
  );
}

function ResultsView({
  id,
  results,
  canWrite,
}: {
  id: string;
  results: { questionnaire: Questionnaire; responses: number; questions: QuestionResult[] };
  canWrite: boolean;
}) {
  const q = results.questionnaire;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={16}>
        <Col span={6}>
          <Statistic title="已送達" value={q.sent + q.answered} suffix="人" />
        </Col>
        <Col span={6}>
          <Statistic title="已填答" value={q.answered} suffix="人" />
        </Col>
        <Col span={6}>
          <Statistic title="回覆率" value={pct(q.responseRate)} />
        </Col>
        <Col span={6}>
          <Statistic title="未能寄出／排程中" value={`${q.notSent} / ${q.queued}`} />
        </Col>
      </Row>
      <Flex justify="space-between" align="center">
        <Text type="secondary">回覆率＝已填答 ÷ 已送達。未綁定 LINE、已達本月訊息上限的病患不計入。</Text>
        {canWrite ? (
          <Space>
            <Button icon={<DownloadOutlined />} href={`/api/questionnaires/${id}/export?format=csv`}>
              CSV
            </Button>
            <Button icon={<DownloadOutlined />} href={`/api/questionnaires/${id}/export?format=xlsx`}>
              XLSX
            </Button>
          </Space>
        ) : null}
      </Flex>
      {results.responses === 0 ? (
        <Empty description={`還沒有人填答。共 ${q.questions.length} 題，有人填答後這裡會顯示每一題的統計圖。`} />
      ) : null}
      {results.questions
        .filter(() => results.responses > 0)
        .map((r, i) => (
          <Card
            key={r.questionId}
            size="small"
            title={`${i + 1}. ${r.title}`}
            extra={
              <Space size={12}>
                <Tag>{TYPE_LABELS[r.type]}</Tag>
                <Text type="secondary">{r.answered} 人回答</Text>
              </Space>
            }
          >
            {r.type === 'text' ? (
              <List
                size="small"
                dataSource={r.texts}
                locale={{ emptyText: '沒有文字回答' }}
                renderItem={(t) => (
                  <List.Item>
                    <Flex justify="space-between" gap={16} style={{ width: '100%' }}>
                      <Text style={{ whiteSpace: 'pre-wrap' }}>{t.text}</Text>
                      <Text type="secondary" style={{ flexShrink: 0 }}>
                        {formatDateTime(t.submittedAt)}
                      </Text>
                    </Flex>
                  </List.Item>
                )}
              />
            ) : (
              <Row gutter={16} align="middle">
                <Col flex="auto">
                  <Chart
                    option={chartOf(r)}
                    height={r.type === 'single' || r.type === 'multi' ? Math.max(120, r.counts.length * 40) : 200}
                    label={`${r.title} 的統計圖`}
                  />
                </Col>
                {r.type === 'scale' || r.type === 'nps' ? (
                  <Col flex="160px">
                    {r.type === 'nps' ? (
                      <Space direction="vertical">
                        <Statistic title="NPS" value={r.nps ?? '—'} />
                        <Text type="secondary" style={{ fontSize: 12 }}>
                          推薦 {r.promoters}・中立 {r.passives}・批評 {r.detractors}
                        </Text>
                      </Space>
                    ) : (
                      <Statistic title="平均" value={r.average ?? '—'} suffix="/ 5" />
                    )}
                  </Col>
                ) : null}
              </Row>
            )}
          </Card>
        ))}
    </Space>
  );
}

function SendView({ q }: { q: Questionnaire }) {
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [kind, setKind] = useState<'segment' | 'tag'>('segment');
  const [target, setTarget] = useState<string | undefined>();
  const segments = useQuery({ queryKey: ['segments'], queryFn: () => api.get('/api/segments') });
  const tags = useQuery({ queryKey: ['tags'], queryFn: () => api.get('/api/tags') });
  const sends = useQuery({
    queryKey: [...KEY, q.id, 'sends'],
    queryFn: () => api.get('/api/questionnaires/{id}/sends', { params: { path: { id: q.id } } }),
  });
  useEffect(() => setTarget(undefined), [kind]);
  const options = useMemo(
    () =>
      kind === 'segment'
        ? (segments.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))
        : (tags.data?.items ?? []).map((t) => ({ value: t.id, label: `${t.name}（${t.count} 人）` })),
    [kind, segments.data, tags.data],
  );
  const send = useMutation({
    mutationFn: () =>
      api.post('/api/questionnaires/{id}/sends', {
        params: { path: { id: q.id } },
        body: { audience: kind, audienceId: target! },
      }),
    onSuccess: (r) => {
      message.success(
        `已排入 ${r.queued} 位以 LINE 傳送` +
          (r.noLine ? `；${r.noLine} 位未綁定 LINE` : '') +
          (r.alreadyAsked ? `；${r.alreadyAsked} 位先前已寄過而略過` : ''),
      );
      void qc.invalidateQueries({ queryKey: KEY });
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      {q.closed ? <Alert type="warning" showIcon message="這份問卷已截止，要再寄出請先修改截止時間。" /> : null}
      <Card size="small" title="寄給一群病患">
        <Space direction="vertical" style={{ width: '100%' }}>
          <Radio.Group value={kind} onChange={(e) => setKind(e.target.value)}>
            <Radio.Button value="segment">分眾</Radio.Button>
            <Radio.Button value="tag">標籤</Radio.Button>
          </Radio.Group>
          <Select
            style={{ width: '100%' }}
            placeholder={kind === 'segment' ? '選擇已存的分眾（在「病患」頁建立）' : '選擇標籤'}
            options={options}
            value={target}
            onChange={setTarget}
            aria-label="寄送對象"
            showSearch
            optionFilterProp="label"
          />
          <Text type="secondary">
            每位病患收到一則 LINE 訊息與「填寫問卷」按鈕；同一份問卷每人只寄一次。勿擾時段內會等到時段結束才送出；
            本月非必要訊息達上限時不會送出。
          </Text>
          <Popconfirm
            title="確定寄出？"
            description="送出後無法收回，題目也不能再修改。"
            onConfirm={() => send.mutate()}
            disabled={!target || q.closed}
          >
            <Button type="primary" icon={<SendOutlined />} disabled={!target || q.closed} loading={send.isPending}>
              寄出問卷
            </Button>
          </Popconfirm>
        </Space>
      </Card>
      <Card size="small" title="寄送紀錄">
        <Table
          size="small"
          rowKey="id"
          loading={sends.isLoading}
          dataSource={sends.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: q.afterVisit ? '尚未手動寄出（看診後會自動寄出）' : '尚未寄出' }}
          columns={[
            { title: '時間', dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
            { title: '對象', dataIndex: 'audienceLabel' },
            { title: '符合', dataIndex: 'matched', align: 'right' },
            { title: 'LINE 傳送', dataIndex: 'queued', align: 'right' },
            { title: '寄出者', dataIndex: 'createdBy' },
          ]}
        />
      </Card>
    </Space>
  );
}
