// 衛教追蹤 › 衛教文章: the clinic's health-education articles (starter ones included) — search and
// filters, the editor with a live preview of the LINE card, publish / unpublish, the public page,
// delete (refused while a care plan uses the article).
import {
  CloudUploadOutlined,
  DeleteOutlined,
  EditOutlined,
  ExportOutlined,
  PlusOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format.ts';
import { hasRole, useUser } from '../../session.tsx';
import { LibraryEditor } from './LibraryEditor.tsx';
import { STATUS_META, type Article } from './library-model.ts';

const { Text } = Typography;
const KEY = ['care-articles'];

export function LibraryPage() {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const user = useUser();
  const canWrite = hasRole(user, ['admin', 'front_desk']);
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<'published' | 'draft' | undefined>(undefined);
  const [category, setCategory] = useState<string | undefined>(undefined);
  const [tag, setTag] = useState<string | undefined>(undefined);
  const [editing, setEditing] = useState<Article | 'new' | null>(null);

  const list = useQuery({
    queryKey: [...KEY, 'list', { q, status, category, tag }],
    queryFn: () =>
      api.get('/api/care/articles', {
        params: { query: { q: q.trim() || undefined, status, category, tag } },
      }),
    placeholderData: keepPreviousData,
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: KEY });

  const setPublished = useMutation({
    mutationFn: (a: Article) =>
      a.status === 'published'
        ? api.post('/api/care/articles/{id}/unpublish', { params: { path: { id: a.id } } })
        : api.post('/api/care/articles/{id}/publish', { params: { path: { id: a.id } } }),
    onSuccess: (a) => {
      refresh();
      void message.success(a.status === 'published' ? `已發布「${a.title}」` : `「${a.title}」已改為草稿`);
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const remove = useMutation({
    mutationFn: (a: Article) => api.delete('/api/care/articles/{id}', { params: { path: { id: a.id } } }),
    onSuccess: () => {
      refresh();
      void message.success('已刪除');
    },
    onError: (e) => void message.error(errorMessage(e)),
  });

  const items = list.data?.items ?? [];
  const categories = list.data?.categories ?? [];
  const tags = list.data?.tags ?? [];

  return (
    <>
      <PageHeader
        title="衛教文章"
        subtitle="術後照護與口腔保健的說明，以 LINE 卡片傳給病患（收件匣回覆、照護計畫）；病患點「閱讀全文」看完整內容。"
        help={<HelpDrawer topic="careLibrary" />}
        extra={
          canWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              新增文章
            </Button>
          )
        }
      />
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          aria-label="搜尋文章"
          placeholder="搜尋標題、內文或標籤"
          allowClear
          style={{ width: 260 }}
          onSearch={setQ}
          onChange={(e) => {
            if (!e.target.value) setQ('');
          }}
        />
        <Select
          aria-label="狀態"
          style={{ width: 120 }}
          value={status ?? 'all'}
          onChange={(v) => setStatus(v === 'published' || v === 'draft' ? v : undefined)}
          options={[
            { value: 'all', label: '全部狀態' },
            { value: 'published', label: '已發布' },
            { value: 'draft', label: '草稿' },
          ]}
        />
        <Select
          aria-label="分類"
          style={{ width: 150 }}
          allowClear
          placeholder="全部分類"
          value={category}
          onChange={setCategory}
          options={categories.map((value) => ({ value, label: value }))}
        />
        <Select
          aria-label="標籤"
          style={{ width: 150 }}
          allowClear
          showSearch
          placeholder="全部標籤"
          value={tag}
          onChange={setTag}
          options={tags.map((value) => ({ value, label: value }))}
        />
      </Space>
      <Table<Article>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        dataSource={items}
        pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        locale={{ emptyText: q || status || category || tag ? '沒有符合條件的文章' : '還沒有衛教文章' }}
        columns={[
          {
            title: '封面',
            width: 108,
            render: (_, a) =>
              a.cover ? (
                <img
                  src={a.cover.url}
                  alt=""
                  style={{ width: 84, height: 55, objectFit: 'cover', borderRadius: 6, display: 'block' }}
                />
              ) : (
                <div style={{ width: 84, height: 55, borderRadius: 6, background: '#f0f2f5' }} />
              ),
          },
          {
            title: '文章',
            render: (_, a) => (
              <div style={{ minWidth: 0 }}>
                <Space size={6} wrap>
                  <Text strong>{a.title}</Text>
                  {a.slug ? (
                    <Tooltip title="系統內建的文章，可自由修改；照護計畫範本以它為預設">
                      <Tag>內建</Tag>
                    </Tooltip>
                  ) : null}
                </Space>
                <div>
                  <Text type="secondary" ellipsis style={{ maxWidth: 560, fontSize: 13 }}>
                    {a.excerpt || (a.linkUrl ? `連結：${a.linkUrl}` : '')}
                  </Text>
                </div>
                {a.tags.length ? (
                  <Space size={[4, 4]} wrap style={{ marginTop: 4 }}>
                    {a.tags.map((t) => (
                      <Tag key={t} color="blue" style={{ marginInlineEnd: 0 }}>
                        {t}
                      </Tag>
                    ))}
                  </Space>
                ) : null}
              </div>
            ),
          },
          { title: '分類', dataIndex: 'category', width: 110, render: (c: string) => c || '—' },
          {
            title: '狀態',
            width: 90,
            render: (_, a) => <Tag color={STATUS_META[a.status].color}>{STATUS_META[a.status].label}</Tag>,
          },
          {
            title: '最後修改',
            dataIndex: 'updatedAt',
            width: 170,
            render: (t: string) => <Text type="secondary">{formatDateTime(t)}</Text>,
          },
          {
            title: '',
            width: 170,
            render: (_, a) => (
              <Space size={0}>
                {canWrite ? (
                  <Button
                    type="text"
                    icon={<EditOutlined />}
                    aria-label={`編輯 ${a.title}`}
                    onClick={() => setEditing(a)}
                  />
                ) : null}
                {canWrite ? (
                  <Tooltip title={a.status === 'published' ? '取消發布（改為草稿）' : '發布'}>
                    <Button
                      type="text"
                      icon={a.status === 'published' ? <StopOutlined /> : <CloudUploadOutlined />}
                      aria-label={`${a.status === 'published' ? '取消發布' : '發布'} ${a.title}`}
                      loading={setPublished.isPending && setPublished.variables?.id === a.id}
                      onClick={() => setPublished.mutate(a)}
                    />
                  </Tooltip>
                ) : null}
                <Tooltip title={a.status === 'published' ? '開啟公開文章頁' : '草稿沒有公開頁面'}>
                  <Button
                    type="text"
                    icon={<ExportOutlined />}
                    aria-label={`公開頁面 ${a.title}`}
                    disabled={a.status !== 'published'}
                    href={a.publicUrl}
                    target="_blank"
                  />
                </Tooltip>
                {canWrite ? (
                  <Popconfirm
                    title={`刪除「${a.title}」？`}
                    description="已傳給病患的卡片會打不開；照護計畫使用中的文章無法刪除。"
                    okText="刪除"
                    cancelText="取消"
                    onConfirm={() => remove.mutate(a)}
                  >
                    <Button type="text" danger icon={<DeleteOutlined />} aria-label={`刪除 ${a.title}`} />
                  </Popconfirm>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      <LibraryEditor
        open={editing !== null}
        item={editing === 'new' ? null : editing}
        categories={categories}
        tags={tags}
        onClose={() => setEditing(null)}
        onSave={async (body) => {
          if (editing && editing !== 'new')
            await api.put('/api/care/articles/{id}', { params: { path: { id: editing.id } }, body });
          else await api.post('/api/care/articles', { body });
          refresh();
          void message.success('已儲存');
        }}
      />
    </>
  );
}
