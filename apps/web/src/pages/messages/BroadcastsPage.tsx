// 訊息 › 群發: the broadcasts with their state and counts; a composer (audience with a live
// estimate of people, messages and NT$, up to five messages with a LINE-like preview, SMS for
// those without LINE, send now or schedule, a test to a friend); a detail drawer with the live
// progress, the pause at the monthly cap, per-recipient results and the taps on each link.
// Front desk drafts and tests; an admin sends (server: modules/broadcasts/routes.ts).
import { DeleteOutlined, FileImageOutlined, PlusOutlined, ReadOutlined, SendOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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
  Input,
  Progress,
  Radio,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ApiError, errorMessage, type ApiBody } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { BotFlex, BotText, LinePhoneFrame } from '../../components/LinePreview.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { dayjs, formatDateTime } from '../../format.ts';
import { useClinic } from '../../queries.ts';
import { useUser } from '../../session.tsx';
import { previewOf } from './inbox-data.ts';
import {
  CHANNEL_LABEL,
  instantIn,
  isLive,
  MAX_MESSAGES,
  newKey,
  progressOf,
  readyMessages,
  RECIPIENT_STATUS_COLOR,
  RECIPIENT_STATUS_OPTIONS,
  STATE_COLOR,
  toDraft,
  type AudienceKind,
  type BroadcastDetail,
  type BroadcastSummary,
  type DraftMessage,
} from './broadcasts-model.ts';

const { Text, Paragraph } = Typography;
type EstimateBody = ApiBody<'/api/broadcasts/estimate', 'post'>;

export function BroadcastsPage() {
  const user = useUser();
  const canWrite = user.role === 'admin' || user.role === 'front_desk';
  const [params, setParams] = useSearchParams();
  const openId = params.get('b');
  const setOpenId = (id: string | null) => {
    const p = new URLSearchParams(params);
    if (id) p.set('b', id);
    else p.delete('b');
    setParams(p, { replace: true });
  };
  const [composer, setComposer] = useState<{ open: boolean; edit: BroadcastDetail | null }>({
    open: false,
    edit: null,
  });
  return (
    <>
      <PageHeader
        title="群發"
        subtitle="傳訊息給一個分眾、一個標籤或所有 LINE 好友：傳送前先看人數與費用，可立即傳送或排程，傳送中可看進度與停止。"
        extra={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setComposer({ open: true, edit: null })}>
              新增群發
            </Button>
          ) : null
        }
        help={<HelpDrawer topic="broadcasts" />}
      />
      <BroadcastList onOpen={setOpenId} />
      <DetailDrawer
        id={openId}
        onClose={() => setOpenId(null)}
        onEdit={(b) => {
          setOpenId(null);
          setComposer({ open: true, edit: b });
        }}
      />
      {composer.open ? (
        <Composer
          edit={composer.edit}
          onClose={() => setComposer({ open: false, edit: null })}
          onDone={(id) => {
            setComposer({ open: false, edit: null });
            setOpenId(id);
          }}
        />
      ) : null}
    </>
  );
}

function StateTag({ b }: { b: Pick<BroadcastSummary, 'state' | 'stateLabel'> }) {
  return <Tag color={STATE_COLOR[b.state]}>{b.stateLabel}</Tag>;
}

function BroadcastList({ onOpen }: { onOpen: (id: string) => void }) {
  const list = useQuery({
    queryKey: ['broadcasts'],
    queryFn: () => api.get('/api/broadcasts', { params: { query: { pageSize: 100 } } }),
    refetchInterval: (q) => (q.state.data?.items.some((b) => isLive(b.state)) ? 3000 : false),
  });
  return (
    <Card styles={{ body: { padding: 0 } }}>
      <Table<BroadcastSummary>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        onRow={(r) => ({ onClick: () => onOpen(r.id), style: { cursor: 'pointer' } })}
        locale={{ emptyText: <Empty description="還沒有群發。按右上角「新增群發」開始。" /> }}
        columns={[
          { title: '名稱', dataIndex: 'title', render: (v: string) => <Text strong>{v}</Text> },
          { title: '對象', dataIndex: 'audienceLabel' },
          { title: '狀態', key: 'state', width: 100, render: (_, b) => <StateTag b={b} /> },
          {
            title: '傳送時間',
            key: 'at',
            width: 150,
            render: (_, b) => (b.sendAtText ? b.sendAtText.replaceAll('-', '/') : <Text type="secondary">—</Text>),
          },
          {
            title: 'LINE 送達',
            key: 'sent',
            width: 150,
            render: (_, b) =>
              b.state === 'sending' ? (
                <Progress percent={progressOf(b.counts)} size="small" />
              ) : b.counts.line ? (
                `${b.counts.sent.toLocaleString()} / ${b.counts.line.toLocaleString()}`
              ) : (
                <Text type="secondary">—</Text>
              ),
          },
          { title: '簡訊', key: 'sms', width: 70, align: 'right', render: (_, b) => b.counts.sms || '—' },
          { title: '略過', key: 'skipped', width: 70, align: 'right', render: (_, b) => b.counts.skipped || '—' },
          { title: '點擊', key: 'clicked', width: 70, align: 'right', render: (_, b) => b.counts.clicked || '—' },
          { title: '建立者', dataIndex: 'createdBy', width: 120 },
        ]}
      />
    </Card>
  );
}

// ---- composer

function Composer({
  edit,
  onClose,
  onDone,
}: {
  edit: BroadcastDetail | null;
  onClose: () => void;
  onDone: (id: string) => void;
}) {
  const { message, modal } = App.useApp();
  const user = useUser();
  const isAdmin = user.role === 'admin';
  const qc = useQueryClient();
  const clinic = useClinic();
  const zone = clinic.data?.timeZone;
  const [id, setId] = useState<string | null>(edit?.id ?? null);
  const [title, setTitle] = useState(edit?.title ?? '');
  const [kind, setKind] = useState<AudienceKind>(edit?.audienceKind ?? 'segment');
  const [audienceId, setAudienceId] = useState<string | null>(edit?.audienceId ?? null);
  const [messages, setMessages] = useState<DraftMessage[]>(
    edit ? edit.messages.map((m) => toDraft(m)) : [{ key: newKey(), type: 'text', text: '' }],
  );
  const [smsFallback, setSmsFallback] = useState(edit?.smsFallback ?? false);
  const [smsText, setSmsText] = useState(edit?.smsText ?? '');
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const [at, setAt] = useState<dayjs.Dayjs | null>(null);
  const [testTo, setTestTo] = useState<string | null>(null);
  const [friendQ, setFriendQ] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});

  const segments = useQuery({ queryKey: ['segments'], queryFn: () => api.get('/api/segments') });
  const tags = useQuery({ queryKey: ['tags'], queryFn: () => api.get('/api/tags') });
  const articles = useQuery({ queryKey: ['care-articles'], queryFn: () => api.get('/api/care/articles') });
  const friends = useQuery({
    queryKey: ['broadcast-friends', friendQ],
    queryFn: () => api.get('/api/broadcasts/test-recipients', { params: { query: { q: friendQ || undefined } } }),
  });

  const ready = readyMessages(messages);
  const estimateBody: EstimateBody | null =
    kind === 'all_friends' || audienceId
      ? {
          audience: { kind, id: kind === 'all_friends' ? null : audienceId },
          ...(ready.length ? { messages: ready } : {}),
          smsFallback,
          smsText,
        }
      : null;
  const [debounced, setDebounced] = useState(estimateBody);
  const bodyKey = JSON.stringify(estimateBody);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(estimateBody), 400);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [bodyKey]);
  const estimate = useQuery({
    queryKey: ['broadcast-estimate', JSON.stringify(debounced)],
    queryFn: () => api.post('/api/broadcasts/estimate', { body: debounced! }),
    enabled: debounced !== null,
    retry: false,
    placeholderData: keepPreviousData,
  });

  const body = () => ({
    title: title.trim(),
    audience: { kind, id: kind === 'all_friends' ? null : audienceId },
    messages: ready,
    smsFallback,
    smsText,
  });
  const fieldErrors = (err: unknown) => {
    if (err instanceof ApiError && err.details.length)
      setErrors(Object.fromEntries(err.details.map((d) => [d.field ?? '', d.message])));
  };
  const save = async (): Promise<string> => {
    setErrors({});
    const b = body();
    const r = id
      ? await api.put('/api/broadcasts/{id}', { params: { path: { id } }, body: b })
      : await api.post('/api/broadcasts', { body: b });
    setId(r.id);
    await qc.invalidateQueries({ queryKey: ['broadcasts'] });
    return r.id;
  };
  const saveDraft = useMutation({
    mutationFn: save,
    onSuccess: () => message.success('草稿已儲存'),
    onError: (e) => (fieldErrors(e), message.error(errorMessage(e))),
  });
  const test = useMutation({
    mutationFn: async () => {
      const bid = await save();
      return api.post('/api/broadcasts/{id}/test', { params: { path: { id: bid } }, body: { lineUserId: testTo! } });
    },
    onSuccess: (r) => message.success(`測試訊息已傳給「${r.to}」`),
    onError: (e) => (fieldErrors(e), message.error(errorMessage(e))),
  });
  const send = useMutation({
    mutationFn: async () => {
      const bid = await save();
      return api.post('/api/broadcasts/{id}/send', {
        params: { path: { id: bid } },
        body: { sendAt: when === 'later' && at ? instantIn(at.format('YYYY-MM-DD HH:mm'), zone) : null },
      });
    },
    onSuccess: (r) => {
      qc.invalidateQueries({ queryKey: ['broadcasts'] });
      if (r.movedForQuietHours)
        modal.info({
          title: '已延到安靜時段結束後傳送',
          content: `您選的時間在診所的安靜時段內，群發會在 ${r.sendAtText ?? ''} 開始。`,
        });
      else message.success(when === 'later' ? `已排程：${r.sendAtText ?? ''}` : '開始傳送');
      onDone(r.id);
    },
    onError: (e) => (fieldErrors(e), message.error(errorMessage(e))),
  });

  const e = estimate.data;
  const confirmSend = () => {
    if (!e) return;
    modal.confirm({
      title: when === 'later' ? '確定排程這則群發？' : '確定立即傳送這則群發？',
      content: (
        <Space direction="vertical" size={4}>
          <Text>
            LINE {e.line.toLocaleString()} 人、簡訊 {e.sms.toLocaleString()} 人、略過 {e.skipped.total.toLocaleString()}{' '}
            人
          </Text>
          {e.costNtd.total !== null && e.costNtd.total > 0 ? <Text>預估費用 NT${e.costNtd.total}</Text> : null}
          {e.quota.heldByCap ? (
            <Text type="warning">超過本月非必要訊息上限：傳到第 {e.quota.capLeft?.toLocaleString()} 位後會暫停。</Text>
          ) : null}
        </Space>
      ),
      okText: when === 'later' ? '排程' : '傳送',
      onOk: () => send.mutateAsync(),
    });
  };

  const audienceOptions =
    kind === 'segment'
      ? (segments.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))
      : (tags.data?.items ?? []).map((t) => ({ value: t.id, label: `${t.name}（${t.count} 人）` }));
  const articleOptions = (articles.data?.items ?? [])
    .filter((a) => a.status === 'published')
    .map((a) => ({ value: a.id, label: a.title }));
  const setMsg = (key: string, m: DraftMessage | null) =>
    setMessages((list) => (m ? list.map((x) => (x.key === key ? m : x)) : list.filter((x) => x.key !== key)));

  const upload = async (file: File) => {
    try {
      const img = await api.uploadNew('/api/broadcasts/uploads', file);
      const pv = await previewOf(file);
      const previewId = pv ? (await api.uploadNew('/api/broadcasts/uploads', pv)).id : null;
      setMessages((list) => [
        ...list,
        { key: newKey(), type: 'image', imageId: img.id, previewId, url: `/line/media/${previewId ?? img.id}` },
      ]);
    } catch (err) {
      message.error(errorMessage(err));
    }
    return false;
  };

  return (
    <Drawer
      open
      width={1180}
      title={id ? '編輯群發' : '新增群發'}
      onClose={onClose}
      destroyOnHidden
      footer={
        <Flex justify="space-between" align="center">
          <Text type="secondary">{isAdmin ? '' : '櫃台可以建立草稿與傳送測試；正式傳送由管理員執行。'}</Text>
          <Space>
            <Button onClick={() => saveDraft.mutate()} loading={saveDraft.isPending} disabled={!title.trim()}>
              儲存草稿
            </Button>
            {isAdmin ? (
              <Button
                type="primary"
                icon={<SendOutlined />}
                disabled={!e || !title.trim() || !ready.length || (when === 'later' && !at) || e.line + e.sms === 0}
                loading={send.isPending}
                onClick={confirmSend}
              >
                {when === 'later' ? '排程傳送' : '立即傳送'}
              </Button>
            ) : null}
          </Space>
        </Flex>
      }
    >
      <Row gutter={24}>
        <Col span={14}>
          <Form layout="vertical">
            <Form.Item
              label="名稱（只在後台顯示）"
              required
              validateStatus={errors.title ? 'error' : undefined}
              help={errors.title}
            >
              <Input
                value={title}
                maxLength={60}
                onChange={(ev) => setTitle(ev.target.value)}
                placeholder="例如：六月洗牙優惠"
              />
            </Form.Item>
            <Form.Item
              label="對象"
              required
              validateStatus={errors['audience.id'] ? 'error' : undefined}
              help={errors['audience.id']}
            >
              <Space direction="vertical" style={{ width: '100%' }}>
                <Radio.Group
                  value={kind}
                  onChange={(ev) => {
                    setKind(ev.target.value);
                    setAudienceId(null);
                  }}
                  options={[
                    { value: 'segment', label: '分眾' },
                    { value: 'tag', label: '標籤' },
                    { value: 'all_friends', label: '所有 LINE 好友' },
                  ]}
                />
                {kind !== 'all_friends' ? (
                  <Select
                    aria-label={kind === 'segment' ? '選擇分眾' : '選擇標籤'}
                    value={audienceId ?? undefined}
                    onChange={setAudienceId}
                    options={audienceOptions}
                    placeholder={kind === 'segment' ? '選擇已儲存的分眾（病患 › 分眾）' : '選擇標籤'}
                    showSearch
                    optionFilterProp="label"
                  />
                ) : null}
              </Space>
            </Form.Item>
            <EstimateCard query={estimate} waiting={estimateBody === null} />
            <Form.Item label={`訊息（最多 ${MAX_MESSAGES} 則，每位收件人算 1 則）`} required>
              <Space direction="vertical" style={{ width: '100%' }}>
                {messages.map((m, i) => (
                  <Card
                    key={m.key}
                    size="small"
                    title={`第 ${i + 1} 則`}
                    extra={
                      <Button
                        size="small"
                        type="text"
                        icon={<DeleteOutlined />}
                        aria-label="移除這則"
                        onClick={() => setMsg(m.key, null)}
                      />
                    }
                  >
                    {m.type === 'text' ? (
                      <Input.TextArea
                        aria-label={`第 ${i + 1} 則文字`}
                        value={m.text}
                        autoSize={{ minRows: 3, maxRows: 10 }}
                        maxLength={5000}
                        showCount
                        onChange={(ev) => setMsg(m.key, { ...m, text: ev.target.value })}
                        placeholder="訊息內容；網址會自動改為可計算點擊的追蹤網址"
                      />
                    ) : m.type === 'image' ? (
                      <img src={m.url} alt="群發圖片" style={{ maxWidth: 200, maxHeight: 160, borderRadius: 6 }} />
                    ) : (
                      <Select
                        aria-label="選擇衛教文章"
                        value={m.articleId || undefined}
                        onChange={(v) => setMsg(m.key, { ...m, articleId: v })}
                        options={articleOptions}
                        placeholder="選擇已發布的衛教文章"
                        style={{ width: '100%' }}
                        showSearch
                        optionFilterProp="label"
                      />
                    )}
                    {errors[`messages.${i}.articleId`] || errors[`messages.${i}.imageId`] ? (
                      <Text type="danger">{errors[`messages.${i}.articleId`] ?? errors[`messages.${i}.imageId`]}</Text>
                    ) : null}
                  </Card>
                ))}
                <Space wrap>
                  <Button
                    icon={<PlusOutlined />}
                    disabled={messages.length >= MAX_MESSAGES}
                    onClick={() => setMessages((l) => [...l, { key: newKey(), type: 'text', text: '' }])}
                  >
                    文字
                  </Button>
                  <Upload accept="image/jpeg,image/png" showUploadList={false} beforeUpload={upload}>
                    <Button icon={<FileImageOutlined />} disabled={messages.length >= MAX_MESSAGES}>
                      圖片（JPEG／PNG，10 MB 內）
                    </Button>
                  </Upload>
                  <Button
                    icon={<ReadOutlined />}
                    disabled={messages.length >= MAX_MESSAGES}
                    onClick={() => setMessages((l) => [...l, { key: newKey(), type: 'article', articleId: '' }])}
                  >
                    衛教文章
                  </Button>
                </Space>
              </Space>
            </Form.Item>
            <Form.Item validateStatus={errors.smsText ? 'error' : undefined} help={errors.smsText}>
              <Checkbox checked={smsFallback} onChange={(ev) => setSmsFallback(ev.target.checked)}>
                沒有 LINE（或已封鎖）的病患改傳簡訊（需有手機號碼，會另外計費）
              </Checkbox>
              {smsFallback ? (
                <Input.TextArea
                  aria-label="簡訊內容"
                  style={{ marginTop: 8 }}
                  value={smsText}
                  maxLength={670}
                  showCount
                  autoSize={{ minRows: 2, maxRows: 5 }}
                  onChange={(ev) => setSmsText(ev.target.value)}
                  placeholder="簡訊內容（70 字內為 1 則，超過分則計費）"
                />
              ) : null}
            </Form.Item>
            {isAdmin ? (
              <Form.Item label="傳送時間" validateStatus={errors.sendAt ? 'error' : undefined} help={errors.sendAt}>
                <Space wrap>
                  <Radio.Group
                    value={when}
                    onChange={(ev) => setWhen(ev.target.value)}
                    options={[
                      { value: 'now', label: '立即傳送' },
                      { value: 'later', label: '排程' },
                    ]}
                  />
                  {when === 'later' ? (
                    <DatePicker
                      aria-label="排程時間"
                      showTime={{ format: 'HH:mm', minuteStep: 5 }}
                      format="YYYY/MM/DD HH:mm"
                      value={at}
                      onChange={setAt}
                      disabledDate={(d) => d.isBefore(dayjs().startOf('day'))}
                    />
                  ) : null}
                </Space>
                <div>
                  <Text type="secondary">
                    以診所時區{zone ? `（${zone}）` : ''}為準；落在安靜時段內會延到安靜時段結束後才開始。
                  </Text>
                </div>
              </Form.Item>
            ) : null}
            <Form.Item label="傳送測試">
              <Space.Compact style={{ width: '100%' }}>
                <Select
                  aria-label="測試對象"
                  style={{ flex: 1 }}
                  value={testTo ?? undefined}
                  onChange={setTestTo}
                  showSearch
                  filterOption={false}
                  onSearch={setFriendQ}
                  placeholder="搜尋 LINE 好友的名稱（例如您自己的 LINE）"
                  options={(friends.data?.items ?? []).map((f) => ({ value: f.lineUserId, label: f.displayName }))}
                />
                <Button
                  onClick={() => test.mutate()}
                  loading={test.isPending}
                  disabled={!testTo || !title.trim() || !ready.length}
                >
                  傳送測試
                </Button>
              </Space.Compact>
            </Form.Item>
          </Form>
        </Col>
        <Col span={10}>
          <Text type="secondary">預覽（病患在 LINE 看到的樣子）</Text>
          <div style={{ marginTop: 8 }} data-testid="broadcast-preview">
            <LinePhoneFrame title={clinic.data?.name ?? '診所'} minHeight={420}>
              {messages.length === 0 ? <Text type="secondary">新增一則訊息後在此預覽</Text> : null}
              {messages.map((m) => (
                <PreviewBubble key={m.key} m={m} />
              ))}
            </LinePhoneFrame>
          </div>
        </Col>
      </Row>
    </Drawer>
  );
}

function PreviewBubble({ m }: { m: DraftMessage }) {
  const flex = useQuery({
    queryKey: ['care-article-flex', m.type === 'article' ? m.articleId : ''],
    queryFn: () =>
      api.get('/api/care/articles/{id}/flex', { params: { path: { id: (m as { articleId: string }).articleId } } }),
    enabled: m.type === 'article' && !!m.articleId,
  });
  if (m.type === 'text') return <BotText text={m.text} />;
  if (m.type === 'image')
    return (
      <div style={{ marginLeft: 40, marginBottom: 10 }}>
        <img src={m.url} alt="" style={{ maxWidth: 200, borderRadius: 12 }} />
      </div>
    );
  if (!m.articleId) return <BotText text="（選擇衛教文章）" />;
  const msg = flex.data?.message as { contents?: unknown } | undefined;
  return msg?.contents ? <BotFlex contents={msg.contents} /> : <BotText text="載入中…" />;
}

function EstimateCard({
  query,
  waiting,
}: {
  query: ReturnType<typeof useQuery<Awaited<ReturnType<typeof api.post<'/api/broadcasts/estimate'>>>>>;
  waiting: boolean;
}) {
  if (waiting)
    return <Alert style={{ marginBottom: 16 }} type="info" showIcon message="選擇對象後，這裡會顯示人數與費用估算。" />;
  if (query.error)
    return <Alert style={{ marginBottom: 16 }} type="error" showIcon message={errorMessage(query.error)} />;
  const e = query.data;
  if (!e) return <Card loading size="small" style={{ marginBottom: 16 }} />;
  const skippedWhy = [
    e.skipped.blocked ? `已封鎖 ${e.skipped.blocked}` : null,
    e.skipped.noChannel ? `無 LINE 也無可收簡訊的手機 ${e.skipped.noChannel}` : null,
    e.skipped.merged ? `病歷已合併 ${e.skipped.merged}` : null,
    e.skipped.duplicate ? `家人共用 LINE ${e.skipped.duplicate}` : null,
  ].filter(Boolean);
  return (
    <Card
      size="small"
      title={`估算：${e.audienceLabel}（${e.total.toLocaleString()} 人）`}
      style={{ marginBottom: 16 }}
      data-testid="estimate"
    >
      <Row gutter={12}>
        <Col span={6}>
          <Statistic title="LINE" value={e.line} suffix="人" />
        </Col>
        <Col span={6}>
          <Statistic title="改傳簡訊" value={e.sms} suffix="人" />
        </Col>
        <Col span={6}>
          <Statistic title="略過" value={e.skipped.total} suffix="人" />
        </Col>
        <Col span={6}>
          <Statistic
            title="預估費用"
            value={e.costNtd.total === null ? '未設定單價' : e.costNtd.total}
            prefix={e.costNtd.total === null ? undefined : 'NT$'}
          />
        </Col>
      </Row>
      {skippedWhy.length ? (
        <Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          略過：{skippedWhy.join('、')}
        </Paragraph>
      ) : null}
      <ul style={{ margin: '8px 0 0', paddingLeft: 18, color: 'rgba(0,0,0,.65)' }}>
        {e.formula.map((f) => (
          <li key={f}>{f}</li>
        ))}
      </ul>
      {e.quota.heldByCap ? (
        <Alert
          style={{ marginTop: 8 }}
          type="warning"
          showIcon
          message={`超過本月非必要訊息上限：${e.quota.heldByCap.toLocaleString()} 人會等到上限調高或下個月後才送出`}
        />
      ) : null}
    </Card>
  );
}

// ---- detail

function DetailDrawer({
  id,
  onClose,
  onEdit,
}: {
  id: string | null;
  onClose: () => void;
  onEdit: (b: BroadcastDetail) => void;
}) {
  const { message, modal } = App.useApp();
  const user = useUser();
  const canWrite = user.role === 'admin' || user.role === 'front_desk';
  const qc = useQueryClient();
  const detail = useQuery({
    queryKey: ['broadcast', id],
    queryFn: () => api.get('/api/broadcasts/{id}', { params: { path: { id: id! } } }),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data && isLive(q.state.data.state) ? 1500 : false),
  });
  const [status, setStatus] = useState<(typeof RECIPIENT_STATUS_OPTIONS)[number]['value'] | undefined>();
  const [page, setPage] = useState(1);
  const recipients = useQuery({
    queryKey: ['broadcast-recipients', id, status, page, detail.data?.counts.pending, detail.data?.state],
    queryFn: () =>
      api.get('/api/broadcasts/{id}/recipients', {
        params: { path: { id: id! }, query: { status, page, pageSize: 20 } },
      }),
    enabled: !!id && !!detail.data && detail.data.state !== 'draft',
    placeholderData: keepPreviousData,
  });
  const refresh = () => {
    qc.invalidateQueries({ queryKey: ['broadcast', id] });
    qc.invalidateQueries({ queryKey: ['broadcasts'] });
  };
  const act = useMutation({
    mutationFn: (what: 'cancel' | 'resume' | 'delete') =>
      what === 'delete'
        ? api.delete('/api/broadcasts/{id}', { params: { path: { id: id! } } })
        : api.post(`/api/broadcasts/{id}/${what}`, { params: { path: { id: id! } } }),
    onSuccess: (_r, what) => {
      message.success(what === 'cancel' ? '已取消' : what === 'resume' ? '繼續傳送' : '草稿已刪除');
      refresh();
      if (what === 'delete') onClose();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const b = detail.data;
  const c = b?.counts;
  const articles = useMemo(() => (b?.messages ?? []).filter((m) => m.type === 'article').length, [b]);
  return (
    <Drawer open={!!id} width={980} onClose={onClose} title={b ? b.title : '群發'} destroyOnHidden>
      {!b || !c ? (
        <Card loading />
      ) : (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Space>
              <StateTag b={b} />
              <Text type="secondary">
                {b.audienceLabel} · 建立 {b.createdBy} · {formatDateTime(b.createdAt)}
              </Text>
            </Space>
            <Space>
              {b.state === 'draft' && canWrite ? (
                <>
                  <Button onClick={() => onEdit(b)}>編輯</Button>
                  <Button danger onClick={() => act.mutate('delete')}>
                    刪除草稿
                  </Button>
                </>
              ) : null}
              {b.state === 'scheduled' && canWrite ? <Button onClick={() => onEdit(b)}>編輯</Button> : null}
              {b.state === 'paused' && user.role === 'admin' ? (
                <Button type="primary" onClick={() => act.mutate('resume')} loading={act.isPending}>
                  繼續傳送
                </Button>
              ) : null}
              {['scheduled', 'sending', 'paused'].includes(b.state) && canWrite ? (
                <Button
                  danger
                  onClick={() =>
                    modal.confirm({
                      title: b.state === 'scheduled' ? '取消這則排程？' : '停止傳送？',
                      content:
                        b.state === 'scheduled' ? '群發不會開始。' : '尚未交給 LINE 的人不會收到；已送出的維持已送出。',
                      okText: b.state === 'scheduled' ? '取消排程' : '停止傳送',
                      okButtonProps: { danger: true },
                      cancelText: '返回',
                      onOk: () => act.mutateAsync('cancel'),
                    })
                  }
                >
                  {b.state === 'scheduled' ? '取消排程' : '停止傳送'}
                </Button>
              ) : null}
            </Space>
          </Flex>
          {(b.state === 'paused' || b.state === 'cancelled') && b.pausedReason ? (
            <Alert type="warning" showIcon message={b.pausedReason} />
          ) : null}
          {b.state === 'scheduled' ? (
            <Alert
              type="info"
              showIcon
              message={`將於 ${b.sendAtText?.replaceAll('-', '/') ?? ''} 開始傳送`}
              description={
                b.requestedAt && b.sendAt && b.requestedAt !== b.sendAt
                  ? `您選的 ${formatDateTime(b.requestedAt)} 在安靜時段內，已延到安靜時段結束。`
                  : undefined
              }
            />
          ) : null}
          {b.state !== 'draft' && b.state !== 'scheduled' ? (
            <Card size="small">
              <Progress percent={b.progress} status={b.state === 'sending' ? 'active' : undefined} />
              <Row gutter={12} style={{ marginTop: 8 }}>
                {[
                  ['收件人', c.total],
                  ['LINE 送達', c.delivered],
                  ['等待傳送', c.pending],
                  ['失敗', c.failed],
                  ['已封鎖', c.blocked],
                  ['簡訊', c.sms],
                  ['略過', c.skipped],
                  ['點擊', c.clicked],
                ].map(([label, v]) => (
                  <Col key={label} span={3}>
                    <Statistic title={label} value={v} />
                  </Col>
                ))}
              </Row>
            </Card>
          ) : null}
          <Row gutter={16}>
            <Col span={14}>
              <Descriptions size="small" column={1} bordered>
                <Descriptions.Item label="傳送時間">
                  {b.sendAtText?.replaceAll('-', '/') ?? '—'}
                  {b.sentBy ? `（${b.sentBy}）` : ''}
                </Descriptions.Item>
                <Descriptions.Item label="完成時間">{formatDateTime(b.finishedAt)}</Descriptions.Item>
                <Descriptions.Item label="改傳簡訊">
                  {b.smsFallback ? b.smsText || '（未填）' : '不改傳'}
                </Descriptions.Item>
                <Descriptions.Item label="訊息">
                  {b.messages.length} 則{articles ? `（含 ${articles} 篇衛教文章）` : ''}
                </Descriptions.Item>
              </Descriptions>
              {b.estimate ? (
                <Card size="small" title="傳送前的估算" style={{ marginTop: 12 }}>
                  <ul style={{ margin: 0, paddingLeft: 18 }}>
                    {b.estimate.formula.map((f) => (
                      <li key={f}>{f}</li>
                    ))}
                  </ul>
                </Card>
              ) : null}
              {b.links.length ? (
                <Card size="small" title="連結點擊（每支手機計一次）" style={{ marginTop: 12 }}>
                  <Table
                    size="small"
                    rowKey="token"
                    pagination={false}
                    dataSource={b.links}
                    columns={[
                      { title: '網址', dataIndex: 'url', ellipsis: true },
                      { title: '點擊人數', dataIndex: 'clicks', width: 100, align: 'right' },
                    ]}
                  />
                </Card>
              ) : null}
            </Col>
            <Col span={10}>
              <LinePhoneFrame title="預覽" minHeight={220}>
                {b.messages.map((m, i) => (
                  <PreviewBubble key={i} m={toDraft(m)} />
                ))}
              </LinePhoneFrame>
            </Col>
          </Row>
          {b.state !== 'draft' && b.state !== 'scheduled' ? (
            <Card
              size="small"
              title="每位收件人的結果"
              extra={
                <Select
                  aria-label="依結果篩選"
                  allowClear
                  placeholder="全部"
                  style={{ width: 140 }}
                  value={status}
                  onChange={(v) => {
                    setStatus(v);
                    setPage(1);
                  }}
                  options={[...RECIPIENT_STATUS_OPTIONS]}
                />
              }
            >
              <Table
                size="small"
                rowKey="seq"
                loading={recipients.isFetching && !recipients.data}
                dataSource={recipients.data?.items ?? []}
                pagination={{
                  current: page,
                  pageSize: 20,
                  total: status ? undefined : c.total,
                  onChange: setPage,
                  showSizeChanger: false,
                  simple: !!status,
                }}
                columns={[
                  {
                    title: '病患／LINE 名稱',
                    key: 'who',
                    render: (_, r) => (
                      <Space direction="vertical" size={0}>
                        <Text>{r.patientName ?? r.lineName ?? '—'}</Text>
                        {r.patientName && r.lineName ? (
                          <Text type="secondary" style={{ fontSize: 12 }}>
                            LINE：{r.lineName}
                          </Text>
                        ) : null}
                      </Space>
                    ),
                  },
                  { title: '病歷號', dataIndex: 'chartNo', width: 100, render: (v) => v ?? '—' },
                  { title: '管道', dataIndex: 'channel', width: 70, render: (v: string) => CHANNEL_LABEL[v] ?? v },
                  {
                    title: '結果',
                    key: 'status',
                    width: 100,
                    render: (_, r) => <Tag color={RECIPIENT_STATUS_COLOR[r.status]}>{r.statusLabel}</Tag>,
                  },
                  { title: '原因', dataIndex: 'reasonLabel', render: (v) => v ?? '' },
                ]}
              />
            </Card>
          ) : null}
        </Space>
      )}
    </Drawer>
  );
}
