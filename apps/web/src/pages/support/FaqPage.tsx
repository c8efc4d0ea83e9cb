// 客服 › 常見問題: the FAQs the LINE bot answers (with their wordings, hits and the patients'
// feedback), the clinic's synonym list, and a test console.
import { DeleteOutlined, DislikeOutlined, EditOutlined, LikeOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Col,
  Input,
  Modal,
  Popconfirm,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { api, errorMessage, type ApiResponse } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format.ts';
import { hasRole, useUser } from '../../session.tsx';
import { FaqEditDrawer } from './FaqEditDrawer.tsx';
import { FaqTestConsole } from './FaqTestConsole.tsx';
import { errorText, toFaqBody, toFormValues, type Faq } from './faq-model.ts';

type Synonym = ApiResponse<'/api/faqs/synonyms'>['items'][number];
const { Text } = Typography;
export const FAQ_KEY = ['faqs'];
const SYN_KEY = ['faqs', 'synonyms'];

function SynonymModal({ item, open, onClose }: { item: Synonym | null; open: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [terms, setTerms] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      item
        ? api.put('/api/faqs/synonyms/{id}', { params: { path: { id: item.id } }, body: { terms } })
        : api.post('/api/faqs/synonyms', { body: { terms } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: FAQ_KEY });
      void message.success('已儲存同義詞');
      onClose();
    },
    onError: (err) => setError(errorText(err)),
  });
  return (
    <Modal
      title={item ? '編輯同義詞群組' : '新增同義詞群組'}
      open={open}
      onCancel={onClose}
      onOk={() => save.mutate()}
      okText="儲存"
      cancelText="取消"
      confirmLoading={save.isPending}
      destroyOnHidden
      afterOpenChange={(o) => {
        if (o) {
          setTerms(item?.terms ?? []);
          setError(null);
        }
      }}
    >
      <Typography.Paragraph type="secondary">
        意思相同的詞放成一組，比對時都當成第一個詞（代表詞）。輸入一個詞後按 Enter。
      </Typography.Paragraph>
      <Select
        mode="tags"
        open={false}
        aria-label="同義詞"
        style={{ width: '100%' }}
        tokenSeparators={[',', '，', '=', '、']}
        value={terms}
        onChange={(v: string[]) => setTerms(v)}
        placeholder="例如：停車、泊車、停車場"
      />
      {error && (
        <Text type="danger" role="alert" style={{ display: 'block', marginTop: 8 }}>
          {error}
        </Text>
      )}
    </Modal>
  );
}

export function FaqPage() {
  const user = useUser();
  const canWrite = hasRole(user, ['admin', 'front_desk']);
  const qc = useQueryClient();
  const { message } = App.useApp();
  const faqs = useQuery({ queryKey: FAQ_KEY, queryFn: () => api.get('/api/faqs') });
  const synonyms = useQuery({ queryKey: SYN_KEY, queryFn: () => api.get('/api/faqs/synonyms') });
  const [editing, setEditing] = useState<Faq | null | 'new'>(null);
  const [syn, setSyn] = useState<Synonym | null | 'new'>(null);
  const [category, setCategory] = useState<string>('');
  const [q, setQ] = useState('');
  const items = useMemo(() => faqs.data?.items ?? [], [faqs.data]);
  const categories = [...new Set(items.map((f) => f.category))].sort();
  const shown = items.filter(
    (f) =>
      (!category || f.category === category) &&
      (!q.trim() || [f.title, ...f.wordings, f.answer.text].some((s) => s.includes(q.trim()))),
  );

  const refresh = () => void qc.invalidateQueries({ queryKey: FAQ_KEY });
  const toggle = useMutation({
    mutationFn: (f: Faq) =>
      api.put('/api/faqs/{id}', {
        params: { path: { id: f.id } },
        body: { ...toFaqBody(toFormValues(f)), enabled: !f.enabled },
      }),
    onSuccess: refresh,
    onError: (e) => void message.error(errorMessage(e)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete('/api/faqs/{id}', { params: { path: { id } } }),
    onSuccess: () => {
      refresh();
      void message.success('已刪除');
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const removeSyn = useMutation({
    mutationFn: (id: string) => api.delete('/api/faqs/synonyms/{id}', { params: { path: { id } } }),
    onSuccess: refresh,
    onError: (e) => void message.error(errorMessage(e)),
  });

  const faqTable = (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label="分類"
          style={{ width: 160 }}
          value={category}
          onChange={setCategory}
          options={[{ value: '', label: '全部分類' }, ...categories.map((c) => ({ value: c, label: c || '未分類' }))]}
        />
        <Input.Search
          aria-label="搜尋常見問題"
          placeholder="搜尋標題、問法或回答"
          allowClear
          style={{ width: 260 }}
          onSearch={setQ}
          onChange={(e) => !e.target.value && setQ('')}
        />
        <Text type="secondary">
          共 {shown.length} 則{shown.length !== items.length ? `（全部 ${items.length} 則）` : ''}
        </Text>
      </Space>
      <Table<Faq>
        rowKey="id"
        size="middle"
        loading={faqs.isLoading}
        dataSource={shown}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: '問題',
            dataIndex: 'title',
            render: (_, f) => (
              <div>
                <Space size={6}>
                  <Text strong>{f.title}</Text>
                  {f.category && <Tag>{f.category}</Tag>}
                </Space>
                <div>
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {f.wordings
                      .filter((w) => w !== f.title)
                      .slice(0, 3)
                      .join('／')}
                    {f.wordings.length > 4 ? ` 等 ${f.wordings.length} 種問法` : ''}
                  </Text>
                </div>
              </div>
            ),
          },
          {
            title: '回答次數',
            dataIndex: 'hits',
            width: 110,
            align: 'right',
            sorter: (a, b) => a.hits - b.hits,
            render: (h: number, f) => (
              <Tooltip title={f.lastHitAt ? `最近一次：${formatDateTime(f.lastHitAt)}` : '還沒有用過'}>{h}</Tooltip>
            ),
          },
          {
            title: '有幫助／沒幫助',
            width: 140,
            align: 'center',
            render: (_, f) => (
              <Space size={4}>
                <Tag color={f.helpful ? 'green' : undefined} icon={<LikeOutlined />} aria-label={`有幫助 ${f.helpful}`}>
                  {f.helpful}
                </Tag>
                <Tag
                  color={f.notHelpful ? 'red' : undefined}
                  icon={<DislikeOutlined />}
                  aria-label={`沒幫助 ${f.notHelpful}`}
                >
                  {f.notHelpful}
                </Tag>
              </Space>
            ),
          },
          {
            title: '啟用',
            width: 80,
            render: (_, f) => (
              <Switch
                size="small"
                checked={f.enabled}
                disabled={!canWrite}
                aria-label={`啟用 ${f.title}`}
                loading={toggle.isPending && toggle.variables?.id === f.id}
                onChange={() => toggle.mutate(f)}
              />
            ),
          },
          {
            title: '',
            width: 100,
            render: (_, f) =>
              canWrite && (
                <Space size={0}>
                  <Button
                    type="text"
                    icon={<EditOutlined />}
                    aria-label={`編輯 ${f.title}`}
                    onClick={() => setEditing(f)}
                  />
                  <Popconfirm
                    title={`刪除「${f.title}」？`}
                    description="機器人不再用這則回答；已記錄的提問會保留。"
                    okText="刪除"
                    cancelText="取消"
                    onConfirm={() => remove.mutate(f.id)}
                  >
                    <Button type="text" danger icon={<DeleteOutlined />} aria-label={`刪除 ${f.title}`} />
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
    </>
  );

  const synonymTable = (
    <>
      <Space style={{ marginBottom: 12 }}>
        {canWrite && (
          <Button icon={<PlusOutlined />} onClick={() => setSyn('new')}>
            新增同義詞群組
          </Button>
        )}
        <Text type="secondary">每組的第一個詞是代表詞；比對時同一組的詞視為相同。</Text>
      </Space>
      <Table<Synonym>
        rowKey="id"
        size="middle"
        loading={synonyms.isLoading}
        dataSource={synonyms.data?.items ?? []}
        pagination={false}
        columns={[
          {
            title: '同義詞',
            render: (_, s) => (
              <Space size={[4, 4]} wrap>
                {s.terms.map((t, i) => (
                  <Tag key={t} color={i === 0 ? 'blue' : undefined}>
                    {t}
                  </Tag>
                ))}
              </Space>
            ),
          },
          {
            title: '',
            width: 100,
            render: (_, s) =>
              canWrite && (
                <Space size={0}>
                  <Button
                    type="text"
                    icon={<EditOutlined />}
                    aria-label={`編輯 ${s.terms[0]}`}
                    onClick={() => setSyn(s)}
                  />
                  <Popconfirm
                    title="刪除這組同義詞？"
                    okText="刪除"
                    cancelText="取消"
                    onConfirm={() => removeSyn.mutate(s.id)}
                  >
                    <Button type="text" danger icon={<DeleteOutlined />} aria-label={`刪除 ${s.terms[0]}`} />
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
    </>
  );

  return (
    <>
      <PageHeader
        title="常見問題"
        subtitle="病患在 LINE 用自己的話問問題時，機器人找出最接近的常見問題自動回答"
        help={<HelpDrawer topic="faq" />}
        extra={
          canWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              新增常見問題
            </Button>
          )
        }
      />
      <Row gutter={24}>
        <Col xs={24} xl={15}>
          <Tabs
            items={[
              { key: 'faqs', label: `常見問題（${items.length}）`, children: faqTable },
              { key: 'synonyms', label: `同義詞（${synonyms.data?.items.length ?? 0}）`, children: synonymTable },
            ]}
          />
        </Col>
        <Col xs={24} xl={9}>
          <FaqTestConsole />
        </Col>
      </Row>
      <FaqEditDrawer
        open={editing !== null}
        item={editing === 'new' ? null : editing}
        faqs={items}
        onClose={() => setEditing(null)}
        onSave={async (body) => {
          if (editing && editing !== 'new')
            await api.put('/api/faqs/{id}', { params: { path: { id: editing.id } }, body });
          else await api.post('/api/faqs', { body });
          refresh();
          void message.success('已儲存');
        }}
      />
      <SynonymModal item={syn === 'new' ? null : syn} open={syn !== null} onClose={() => setSyn(null)} />
    </>
  );
}
