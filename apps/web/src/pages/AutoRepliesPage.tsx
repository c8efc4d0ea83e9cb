import { DeleteOutlined, DownloadOutlined, EditOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Radio,
  Row,
  Segmented,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useState } from 'react';
import { api, errorMessage, type ApiBody, type ApiResponse, type Schema } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { BotFlex, BotText, LinePhoneFrame, UserBubble } from '../components/LinePreview.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { applyFieldErrors } from '../forms.ts';
import { useUser } from '../session.tsx';

type AutoReply = Schema<'AutoReply'>;
type AutoReplyBody = ApiBody<'/api/auto-replies', 'post'>;
type ImportResult = ApiResponse<'/api/auto-replies/import', 'post'>;

const { Text } = Typography;
const KEY = ['auto-replies'];
const MATCH_LABEL = { keyword: '包含關鍵字', exact: '完全相同' } as const;
const TEMPLATE_CSV =
  '\uFEFF名稱,比對方式,關鍵字,優先順序,回覆內容\n' +
  '門診時間,keyword,門診時間|看診時間|幾點,10,"門診時間：週一至週五 09:00–12:00、14:00–17:30、18:30–21:00；週六上午。"\n' +
  '停車,keyword,停車|停車場,0,"診所旁有復興南路公有停車場，步行 2 分鐘。"\n' +
  '交通,exact,交通資訊,0,"捷運忠孝復興站 3 號出口步行 5 分鐘。"\n';
const SAMPLE_FLEX = JSON.stringify(
  {
    type: 'bubble',
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        { type: 'text', text: '門診時間', weight: 'bold', size: 'lg' },
        { type: 'text', text: '週一至週五 09:00–21:00', size: 'sm', color: '#555555', wrap: true },
        { type: 'text', text: '週六 09:00–12:00，週日休診', size: 'sm', color: '#555555', wrap: true },
      ],
    },
    footer: {
      type: 'box',
      layout: 'vertical',
      contents: [
        {
          type: 'button',
          style: 'primary',
          color: '#06c755',
          action: { type: 'uri', label: '撥打電話', uri: 'tel:0227001234' },
        },
      ],
    },
  },
  null,
  2,
);

type FormValues = {
  name: string;
  matchType: 'keyword' | 'exact';
  triggers: string[];
  priority: number;
  enabled: boolean;
  replyType: 'text' | 'flex';
  text?: string;
  altText?: string;
  flexJson?: string;
};

function parseFlex(s: string | undefined): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (!s?.trim()) return { ok: false, error: '請輸入 Flex 的 JSON 內容' };
  try {
    const v = JSON.parse(s) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { ok: false, error: 'JSON 最外層必須是物件' };
    const t = (v as { type?: unknown }).type;
    if (t !== 'bubble' && t !== 'carousel')
      return { ok: false, error: '最外層的 type 必須是 "bubble" 或 "carousel"（只貼 contents 部分）' };
    return { ok: true, value: v as Record<string, unknown> };
  } catch (e) {
    return { ok: false, error: `JSON 格式錯誤：${(e as Error).message}` };
  }
}

function toBody(v: FormValues): AutoReplyBody {
  const reply =
    v.replyType === 'flex'
      ? {
          type: 'flex' as const,
          altText: (v.altText ?? '').trim(),
          contents: (parseFlex(v.flexJson) as { value: Record<string, unknown> }).value,
        }
      : { type: 'text' as const, text: v.text ?? '' };
  return {
    name: v.name.trim(),
    matchType: v.matchType,
    triggers: v.triggers.map((t) => t.trim()).filter(Boolean),
    priority: v.priority ?? 0,
    enabled: v.enabled,
    reply,
  };
}

function EditDrawer({ open, item, onClose }: { open: boolean; item: AutoReply | null; onClose: () => void }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const replyType = Form.useWatch('replyType', form) ?? 'text';
  const text = Form.useWatch('text', form) ?? '';
  const flexJson = Form.useWatch('flexJson', form);
  const triggers = Form.useWatch('triggers', form) ?? [];

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (item) {
      form.setFieldsValue({
        name: item.name,
        matchType: item.matchType,
        triggers: item.triggers,
        priority: item.priority,
        enabled: item.enabled,
        replyType: item.reply.type,
        text: item.reply.type === 'text' ? item.reply.text : '',
        altText: item.reply.type === 'flex' ? item.reply.altText : '',
        flexJson: item.reply.type === 'flex' ? JSON.stringify(item.reply.contents, null, 2) : SAMPLE_FLEX,
      });
    } else
      form.setFieldsValue({
        matchType: 'keyword',
        priority: 0,
        enabled: true,
        replyType: 'text',
        triggers: [],
        flexJson: SAMPLE_FLEX,
      });
  }, [open, item, form]);

  const save = useMutation({
    mutationFn: (v: FormValues) =>
      item
        ? api.put('/api/auto-replies/{id}', { params: { path: { id: item.id } }, body: toBody(v) })
        : api.post('/api/auto-replies', { body: toBody(v) }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: KEY });
      void message.success(item ? '已儲存' : '已新增自動回覆');
      onClose();
    },
    onError: (err) => {
      if (!applyFieldErrors(form, err)) void message.error(errorMessage(err));
    },
  });
  const parsed = replyType === 'flex' ? parseFlex(flexJson) : null;

  return (
    <Drawer
      title={item ? `編輯：${item.name}` : '新增自動回覆'}
      open={open}
      onClose={onClose}
      size={980}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
            儲存
          </Button>
        </Space>
      }
    >
      <Row gutter={24}>
        <Col xs={24} lg={14}>
          <Form form={form} layout="vertical" requiredMark="optional" onFinish={(v) => save.mutate(v)}>
            <Form.Item
              label="名稱"
              name="name"
              rules={[
                { required: true, whitespace: true, message: '請輸入名稱' },
                { max: 100, message: '最多 100 個字' },
              ]}
            >
              <Input placeholder="例如：門診時間" />
            </Form.Item>
            <Form.Item label="比對方式" name="matchType">
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'keyword', label: '包含關鍵字' },
                  { value: 'exact', label: '完全相同' },
                ]}
              />
            </Form.Item>
            <Form.Item
              label="關鍵字"
              name="triggers"
              rules={[{ required: true, type: 'array', min: 1, message: '至少輸入一個關鍵字' }]}
              extra="輸入後按 Enter 新增；可以有多個說法，例如「門診時間」「看診時間」「幾點開」"
            >
              <Select mode="tags" open={false} tokenSeparators={[',', '，', '|']} placeholder="輸入關鍵字後按 Enter" />
            </Form.Item>
            <Row gutter={16}>
              <Col span={12}>
                <Form.Item label="優先順序" name="priority" extra="數字越大越優先（-100 到 100）">
                  <InputNumber min={-100} max={100} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item label="啟用" name="enabled" valuePropName="checked">
                  <Switch />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item label="回覆類型" name="replyType">
              <Segmented
                options={[
                  { value: 'text', label: '文字' },
                  { value: 'flex', label: 'Flex 訊息（卡片）' },
                ]}
              />
            </Form.Item>
            {replyType === 'text' ? (
              <Form.Item
                label="回覆內容"
                name="text"
                rules={[
                  { required: true, whitespace: true, message: '請輸入回覆內容' },
                  { max: 5000, message: '最多 5,000 個字' },
                ]}
              >
                <Input.TextArea
                  rows={8}
                  showCount
                  maxLength={5000}
                  placeholder="門診時間：週一至週五 09:00–12:00、14:00–17:30…"
                />
              </Form.Item>
            ) : (
              <>
                <Form.Item
                  label="替代文字"
                  name="altText"
                  rules={[
                    { required: true, whitespace: true, message: '請輸入替代文字' },
                    { max: 400, message: '最多 400 個字' },
                  ]}
                  extra="顯示在聊天列表與通知中"
                >
                  <Input placeholder="例如：門診時間" />
                </Form.Item>
                <Form.Item
                  label="Flex JSON"
                  name="flexJson"
                  extra={
                    <>
                      可在 LINE 的 Flex Message Simulator 設計後，貼上 <Text code>{'{"type":"bubble",…}'}</Text> 部分
                    </>
                  }
                  rules={[
                    { required: true, message: '請輸入 Flex 的 JSON 內容' },
                    {
                      validator: (_, v: string) => {
                        if (!v?.trim()) return Promise.resolve();
                        const r = parseFlex(v);
                        return r.ok ? Promise.resolve() : Promise.reject(new Error(r.error));
                      },
                    },
                  ]}
                >
                  <Input.TextArea
                    rows={14}
                    spellCheck={false}
                    style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 12 }}
                  />
                </Form.Item>
              </>
            )}
          </Form>
        </Col>
        <Col xs={24} lg={10}>
          <Text strong>預覽</Text>
          <div style={{ marginTop: 8 }}>
            <LinePhoneFrame title="診所官方帳號">
              <UserBubble text={triggers[0] ?? '（病患的訊息）'} />
              {replyType === 'text' ? (
                <BotText text={text} />
              ) : parsed?.ok ? (
                <BotFlex contents={parsed.value} />
              ) : (
                <Alert type="warning" showIcon title={parsed?.error ?? ''} />
              )}
            </LinePhoneFrame>
          </div>
        </Col>
      </Row>
    </Drawer>
  );
}

function TryBox() {
  const [text, setText] = useState('');
  const tryIt = useMutation({
    mutationFn: (t: string) => api.post('/api/auto-replies/preview', { body: { text: t } }),
  });
  const m = tryIt.data?.match;
  return (
    <Card title="試算" size="small" style={{ marginBottom: 16 }}>
      <Text type="secondary">輸入一句病患可能傳來的話，看看會得到哪一則回覆。</Text>
      <Input.Search
        style={{ marginTop: 8 }}
        placeholder="例如：請問禮拜六有看診嗎"
        enterButton="試算"
        value={text}
        onChange={(e) => setText(e.target.value)}
        loading={tryIt.isPending}
        onSearch={(v) => v.trim() && tryIt.mutate(v.trim())}
      />
      {tryIt.isError ? (
        <Alert style={{ marginTop: 12 }} type="error" showIcon title={errorMessage(tryIt.error)} />
      ) : null}
      {tryIt.isSuccess ? (
        m ? (
          <div style={{ marginTop: 12 }}>
            <Space wrap style={{ marginBottom: 8 }}>
              <span>符合</span>
              <Tag color="green">{m.reply.name}</Tag>
              <span>關鍵字</span>
              <Tag>{m.trigger}</Tag>
            </Space>
            <LinePhoneFrame title="診所官方帳號" minHeight={160}>
              <UserBubble text={tryIt.variables ?? ''} />
              {m.reply.reply.type === 'text' ? (
                <BotText text={m.reply.reply.text} />
              ) : (
                <BotFlex contents={m.reply.reply.contents} />
              )}
            </LinePhoneFrame>
          </div>
        ) : (
          <Alert
            style={{ marginTop: 12 }}
            type="info"
            showIcon
            title="沒有符合的自動回覆"
            description="這則訊息會留在收件匣由櫃台回覆。可以新增關鍵字讓它自動回覆。"
          />
        )
      ) : null}
    </Card>
  );
}

function downloadTemplate() {
  const url = URL.createObjectURL(new Blob([TEMPLATE_CSV], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = '自動回覆範本.csv';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function AutoRepliesPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const user = useUser();
  const canEdit = user.role === 'admin' || user.role === 'front_desk';
  const [editing, setEditing] = useState<AutoReply | null>(null);
  const [open, setOpen] = useState(false);
  const [importResult, setImportResult] = useState<ImportResult | null>(null);
  const list = useQuery({
    queryKey: KEY,
    queryFn: async () => (await api.get('/api/auto-replies')).items,
  });

  const toggle = useMutation({
    mutationFn: (r: AutoReply) =>
      api.put('/api/auto-replies/{id}', {
        params: { path: { id: r.id } },
        body: {
          name: r.name,
          matchType: r.matchType,
          triggers: r.triggers,
          priority: r.priority,
          reply: r.reply,
          enabled: !r.enabled,
        },
      }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: KEY }),
    onError: (err) => void message.error(errorMessage(err)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete('/api/auto-replies/{id}', { params: { path: { id } } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: KEY });
      void message.success('已刪除');
    },
    onError: (err) => void message.error(errorMessage(err)),
  });
  const importCsv = useMutation({
    mutationFn: (csv: string) => api.post('/api/auto-replies/import', { body: { csv } }),
    onSuccess: (r) => {
      setImportResult(r);
      void qc.invalidateQueries({ queryKey: KEY });
    },
    onError: (err) => void message.error(errorMessage(err)),
  });

  return (
    <>
      <PageHeader
        title="罐頭訊息與關鍵字回覆"
        subtitle="病患在 LINE 傳來的訊息符合關鍵字時，立即回覆診所準備好的內容（門診時間、交通、停車、自費項目…）。"
        help={<HelpDrawer topic="autoReplies" />}
        extra={
          canEdit ? (
            <>
              <Button icon={<DownloadOutlined />} onClick={downloadTemplate}>
                CSV 範本
              </Button>
              <Upload
                accept=".csv,text/csv"
                showUploadList={false}
                beforeUpload={(file) => {
                  void file.text().then((t) => importCsv.mutate(t));
                  return false;
                }}
              >
                <Button icon={<UploadOutlined />} loading={importCsv.isPending}>
                  匯入 CSV
                </Button>
              </Upload>
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => {
                  setEditing(null);
                  setOpen(true);
                }}
              >
                新增回覆
              </Button>
            </>
          ) : null
        }
      />
      <Row gutter={16}>
        <Col xs={24} xl={17}>
          <Card styles={{ body: { padding: 0 } }} style={{ marginBottom: 16 }}>
            {list.isError ? (
              <Alert
                type="error"
                showIcon
                title="無法載入自動回覆"
                description={errorMessage(list.error)}
                style={{ margin: 16 }}
              />
            ) : null}
            <Table<AutoReply>
              rowKey="id"
              loading={list.isLoading}
              dataSource={list.data ?? []}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              locale={{ emptyText: <Empty description="還沒有自動回覆。按「新增回覆」或下載 CSV 範本整批匯入。" /> }}
              columns={[
                {
                  title: '名稱',
                  dataIndex: 'name',
                  width: 200,
                  render: (v: string, r) => (
                    <div style={{ minWidth: 0 }}>
                      <Text strong>{v}</Text>
                      <Text
                        type="secondary"
                        ellipsis={{ tooltip: r.reply.type === 'text' ? r.reply.text : undefined }}
                        style={{ display: 'block', fontSize: 12, maxWidth: 176 }}
                      >
                        {r.reply.type === 'flex' ? `Flex：${r.reply.altText}` : r.reply.text}
                      </Text>
                    </div>
                  ),
                },
                {
                  title: '比對方式',
                  dataIndex: 'matchType',
                  width: 104,
                  render: (v: AutoReply['matchType']) => (
                    <Tag color={v === 'exact' ? 'purple' : 'blue'}>{MATCH_LABEL[v]}</Tag>
                  ),
                },
                {
                  title: '關鍵字',
                  dataIndex: 'triggers',
                  render: (v: string[]) => (
                    <Space size={[4, 4]} wrap>
                      {v.map((t) => (
                        <Tag key={t}>{t}</Tag>
                      ))}
                    </Space>
                  ),
                },
                {
                  title: '優先',
                  dataIndex: 'priority',
                  width: 80,
                  align: 'right',
                  sorter: (a, b) => a.priority - b.priority,
                },
                {
                  title: '使用次數',
                  dataIndex: 'hits',
                  width: 110,
                  align: 'right',
                  sorter: (a, b) => a.hits - b.hits,
                  render: (v: number) => v.toLocaleString(),
                },
                {
                  title: '啟用',
                  dataIndex: 'enabled',
                  width: 72,
                  render: (v: boolean, r) => (
                    <Switch
                      size="small"
                      checked={v}
                      disabled={!canEdit}
                      loading={toggle.isPending && toggle.variables?.id === r.id}
                      onChange={() => toggle.mutate(r)}
                      aria-label={`啟用 ${r.name}`}
                    />
                  ),
                },
                ...(canEdit
                  ? [
                      {
                        title: '',
                        key: 'ops',
                        width: 96,
                        render: (_: unknown, r: AutoReply) => (
                          <Space size={0}>
                            <Button
                              type="text"
                              icon={<EditOutlined />}
                              aria-label={`編輯 ${r.name}`}
                              onClick={() => {
                                setEditing(r);
                                setOpen(true);
                              }}
                            />
                            <Popconfirm
                              title={`刪除「${r.name}」？`}
                              description="刪除後病患傳這些關鍵字將不再自動回覆。"
                              okText="刪除"
                              okButtonProps={{ danger: true }}
                              cancelText="取消"
                              onConfirm={() => remove.mutate(r.id)}
                            >
                              <Button type="text" danger icon={<DeleteOutlined />} aria-label={`刪除 ${r.name}`} />
                            </Popconfirm>
                          </Space>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={7}>
          <TryBox />
        </Col>
      </Row>
      <EditDrawer open={open} item={editing} onClose={() => setOpen(false)} />
      <Modal
        open={!!importResult}
        title="CSV 匯入結果"
        onCancel={() => setImportResult(null)}
        footer={
          <Button type="primary" onClick={() => setImportResult(null)}>
            完成
          </Button>
        }
        width={720}
      >
        {importResult ? (
          <>
            <Alert
              type={importResult.failed ? 'warning' : 'success'}
              showIcon
              title={`成功匯入 ${importResult.imported} 筆${importResult.failed ? `，${importResult.failed} 筆有錯誤未匯入` : ''}`}
              style={{ marginBottom: 12 }}
            />
            <Table
              size="small"
              rowKey="row"
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              dataSource={importResult.rows}
              columns={[
                { title: '列', dataIndex: 'row', width: 60 },
                {
                  title: '結果',
                  dataIndex: 'ok',
                  width: 80,
                  render: (ok: boolean) => (ok ? <Tag color="green">成功</Tag> : <Tag color="red">失敗</Tag>),
                },
                {
                  title: '說明',
                  dataIndex: 'errors',
                  render: (errs: ImportResult['rows'][number]['errors']) =>
                    errs.length
                      ? errs.map((e, i) => (
                          <div key={i}>
                            <Text type="secondary">{e.field}</Text>：{e.message}
                          </div>
                        ))
                      : '—',
                },
              ]}
            />
          </>
        ) : null}
      </Modal>
    </>
  );
}
