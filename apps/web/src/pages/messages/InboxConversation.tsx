// One conversation of the inbox: its header (state, assignee, 完成), the messages with non-text
// events drawn (stickers, images, places, files), and the reply box with the canned-reply picker,
// an image and a health-education article (衛教文章, sent as its LINE card). Opening it marks it
// read (and on LINE, in the channel's manual read mode).
import {
  CheckOutlined,
  EnvironmentOutlined,
  FileOutlined,
  PauseCircleOutlined,
  PictureOutlined,
  ReadOutlined,
  SendOutlined,
  SoundOutlined,
  StopOutlined,
  ThunderboltOutlined,
  UserOutlined,
  VideoCameraOutlined,
} from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Avatar,
  Button,
  Dropdown,
  Empty,
  Flex,
  Image,
  Input,
  List,
  Popover,
  Select,
  Skeleton,
  Space,
  Tag,
  Tooltip,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, errorMessage } from '../../api.ts';
import { formatDateTime, fromNow } from '../../format.ts';
import {
  inboxKeys,
  previewOf,
  REASON_LABELS,
  sourceLabel,
  STATE_META,
  useAssignees,
  useCannedReplies,
  useConversation,
  usePublishedArticles,
  waitedFor,
  type Conversation,
  type InboxMessage,
} from './inbox-data.ts';

const { Text } = Typography;

/** A key per message the staff member writes: a double click or a retried request sends it once. */
const newClientKey = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;

const MAX_IMAGE = 10 * 1024 * 1024;

type Props = {
  lineUserId: string;
  live: boolean;
  canAnswer: boolean;
  /** Extra actions beside each incoming message (e.g. 開立案件). */
  messageActions?: (m: InboxMessage, c: Conversation) => ReactNode;
};

export function InboxConversation({ lineUserId, live, canAnswer, messageActions }: Props) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const q = useConversation(lineUserId, live);
  const assignees = useAssignees();
  const canned = useCannedReplies();
  const [text, setText] = useState('');
  const [image, setImage] = useState<{ file: File; url: string } | null>(null);
  const [article, setArticle] = useState<{ id: string; title: string } | null>(null);
  const [articlePicker, setArticlePicker] = useState(false);
  const [articleQuery, setArticleQuery] = useState('');
  const articles = usePublishedArticles(articlePicker);
  const clientKey = useRef(newClientKey());
  const logRef = useRef<HTMLDivElement>(null);
  const c = q.data;

  // Opening (and new messages while open) marks the conversation read.
  const readOnce = useRef<string | null>(null);
  const unread = c?.unread ?? 0;
  const loaded = Boolean(c);
  useEffect(() => {
    if (!loaded || (unread === 0 && readOnce.current === lineUserId)) return;
    readOnce.current = lineUserId;
    void api
      .post('/api/inbox/conversations/{lineUserId}/read', { params: { path: { lineUserId } } })
      .then(() => qc.invalidateQueries({ queryKey: ['inbox', 'list'] }))
      .catch(() => undefined);
  }, [lineUserId, unread, loaded, qc]);

  const lastId = c?.messages.at(-1)?.id;
  useEffect(() => {
    logRef.current?.scrollTo({ top: logRef.current.scrollHeight });
  }, [lastId, lineUserId]);

  const refresh = (data?: Conversation) => {
    if (data) qc.setQueryData(inboxKeys.conversation(lineUserId), data);
    void qc.invalidateQueries({ queryKey: inboxKeys.all });
  };

  const send = useMutation({
    mutationFn: async () => {
      let imageId: string | null = null;
      let previewId: string | null = null;
      if (image) {
        imageId = (await api.uploadNew('/api/inbox/uploads', image.file)).id;
        const preview = await previewOf(image.file);
        if (preview) previewId = (await api.uploadNew('/api/inbox/uploads', preview)).id;
      }
      return api.post('/api/inbox/conversations/{lineUserId}/messages', {
        params: { path: { lineUserId } },
        body: {
          clientKey: clientKey.current,
          text: text.trim() || null,
          imageId,
          previewId,
          articleId: article?.id ?? null,
        },
      });
    },
    onSuccess: (r) => {
      clientKey.current = newClientKey();
      setText('');
      setImage(null);
      setArticle(null);
      message.success(r.method === 'reply' ? '已傳送（免費回覆）' : '已傳送（推播，計入訊息額度）');
      refresh();
      // the push is logged once it went out
      setTimeout(() => refresh(), 1500);
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const assign = useMutation({
    mutationFn: (assigneeId: string | null) =>
      api.post('/api/inbox/conversations/{lineUserId}/assign', {
        params: { path: { lineUserId } },
        body: { assigneeId },
      }),
    onSuccess: (d) => {
      refresh(d);
      message.success(d.assignee ? `已指派給 ${d.assignee.name}` : '已取消指派');
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const done = useMutation({
    mutationFn: () => api.post('/api/inbox/conversations/{lineUserId}/done', { params: { path: { lineUserId } } }),
    onSuccess: (d) => {
      refresh(d);
      message.success('已標示完成');
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  if (q.isLoading) return <Skeleton active style={{ padding: 24 }} />;
  if (q.isError || !c)
    return (
      <Alert type="error" showIcon title="無法載入對話" description={errorMessage(q.error)} style={{ margin: 16 }} />
    );

  const state = STATE_META[c.state] ?? STATE_META.bot;
  const blocked = c.friendState === 'blocked';
  const pickImage = (file: File) => {
    if (!['image/jpeg', 'image/png'].includes(file.type)) message.error('LINE 只能傳送 JPEG 或 PNG 圖片');
    else if (file.size > MAX_IMAGE) message.error('圖片超過 10 MB，LINE 無法傳送，請縮小後再試');
    else setImage({ file, url: URL.createObjectURL(file) });
    return false;
  };

  return (
    <Flex vertical style={{ height: '100%', minHeight: 0 }}>
      <Flex
        align="center"
        justify="space-between"
        gap={12}
        wrap
        style={{ padding: '12px 16px', borderBottom: '1px solid #f0f0f0' }}
      >
        <Space size={12}>
          <Avatar size={40} src={c.pictureUrl ?? undefined} icon={<UserOutlined />} />
          <div>
            <Space size={6} wrap>
              <Text strong style={{ fontSize: 16 }}>
                {c.displayName || 'LINE 使用者'}
              </Text>
              <Tag color={state.color}>{state.label}</Tag>
              {c.waitingReason ? <Tag>{REASON_LABELS[c.waitingReason] ?? c.waitingReason}</Tag> : null}
              {blocked ? (
                <Tag color="red" icon={<StopOutlined />}>
                  已封鎖{c.blockedAt ? `（${formatDateTime(c.blockedAt)}）` : ''}
                </Tag>
              ) : null}
            </Space>
            <div>
              <Text type="secondary" style={{ fontSize: 13 }}>
                {c.patients.length ? (
                  <>
                    綁定病患：
                    {c.patients.map((p, i) => (
                      <span key={p.id}>
                        {i ? '、' : ''}
                        <Link to={`/patients/${p.id}`}>{p.name}</Link>
                      </span>
                    ))}
                  </>
                ) : (
                  '尚未綁定病患'
                )}
                {c.waitingSince ? `・${waitedFor(c.waitingSince)}` : ''}
              </Text>
            </div>
          </div>
        </Space>
        <Space wrap>
          <Select
            aria-label="指派給"
            style={{ width: 170 }}
            placeholder="指派給…"
            allowClear
            disabled={!canAnswer}
            loading={assign.isPending}
            value={c.assignee?.id ?? undefined}
            onChange={(v) => assign.mutate(v ?? null)}
            options={(assignees.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
          />
          {canAnswer && c.state !== 'done' ? (
            <Button icon={<CheckOutlined />} loading={done.isPending} onClick={() => done.mutate()}>
              標示完成
            </Button>
          ) : null}
        </Space>
      </Flex>
      {c.waitingNote ? (
        <Alert
          type="warning"
          showIcon
          style={{ margin: '8px 16px 0' }}
          title={`${REASON_LABELS[c.waitingReason ?? ''] ?? '待回覆'}：${c.waitingNote}`}
        />
      ) : null}
      <div
        ref={logRef}
        role="log"
        aria-label="訊息"
        style={{ flex: 1, minHeight: 0, overflowY: 'auto', padding: '12px 16px', background: '#f7f8fa' }}
      >
        {c.messages.length === 0 ? <Empty description="還沒有訊息" /> : null}
        <Flex vertical gap={10}>
          {c.messages.map((m) => (
            <MessageRow key={m.id} m={m} actions={m.direction === 'in' ? messageActions?.(m, c) : null} />
          ))}
        </Flex>
      </div>
      {canAnswer ? (
        <div style={{ borderTop: '1px solid #f0f0f0', padding: '10px 16px 14px' }}>
          <Flex justify="space-between" align="center" style={{ marginBottom: 6 }} wrap gap={8}>
            <Space size={4} wrap>
              <Dropdown
                trigger={['click']}
                menu={{
                  items: (canned.data ?? []).length
                    ? (canned.data ?? []).map((r) => ({
                        key: r.id,
                        label: (
                          <div style={{ maxWidth: 360 }}>
                            <Text strong>{r.name}</Text>
                            <div>
                              <Text type="secondary" ellipsis style={{ maxWidth: 340 }}>
                                {r.text}
                              </Text>
                            </div>
                          </div>
                        ),
                      }))
                    : [{ key: 'none', label: '尚未建立文字的自動回覆', disabled: true }],
                  onClick: ({ key }) => {
                    const r = canned.data?.find((x) => x.id === key);
                    if (r) setText((t) => (t.trim() ? `${t}\n${r.text}` : r.text));
                  },
                }}
              >
                <Button size="small" icon={<ThunderboltOutlined />}>
                  罐頭訊息
                </Button>
              </Dropdown>
              <Popover
                trigger="click"
                placement="topLeft"
                open={articlePicker}
                onOpenChange={setArticlePicker}
                title="傳送衛教文章"
                content={
                  <div style={{ width: 340 }}>
                    <Input.Search
                      aria-label="搜尋衛教文章"
                      placeholder="搜尋標題、分類或標籤"
                      allowClear
                      value={articleQuery}
                      onChange={(e) => setArticleQuery(e.target.value)}
                      style={{ marginBottom: 8 }}
                    />
                    <List
                      size="small"
                      loading={articles.isLoading}
                      style={{ maxHeight: 300, overflowY: 'auto' }}
                      locale={{ emptyText: '沒有已發布的衛教文章' }}
                      dataSource={(articles.data ?? []).filter((a) =>
                        [a.title, a.category, ...a.tags].some((x) => x.includes(articleQuery.trim())),
                      )}
                      renderItem={(a) => (
                        <List.Item
                          style={{ cursor: 'pointer' }}
                          onClick={() => {
                            setArticle({ id: a.id, title: a.title });
                            setArticlePicker(false);
                          }}
                        >
                          <div>
                            <Text strong>{a.title}</Text>
                            <div>
                              <Text type="secondary" style={{ fontSize: 12 }}>
                                {a.category || '未分類'}
                              </Text>
                            </div>
                          </div>
                        </List.Item>
                      )}
                    />
                    <div style={{ marginTop: 6 }}>
                      <Link to="/care/library">管理衛教文章</Link>
                    </div>
                  </div>
                }
              >
                <Button size="small" icon={<ReadOutlined />}>
                  衛教文章
                </Button>
              </Popover>
              <Upload accept="image/jpeg,image/png" showUploadList={false} beforeUpload={pickImage}>
                <Button size="small" icon={<PictureOutlined />}>
                  圖片
                </Button>
              </Upload>
            </Space>
            <Text type="secondary" style={{ fontSize: 12 }}>
              {c.botPausedUntil ? (
                <>
                  <PauseCircleOutlined /> 機器人暫停回覆到 {formatDateTime(c.botPausedUntil).slice(-5)}・
                </>
              ) : null}
              {c.freeReplyUntil ? '現在回覆免費（回覆權杖有效）' : '將以推播送出，計入每月訊息額度'}
            </Text>
          </Flex>
          {image ? (
            <Flex align="center" gap={8} style={{ marginBottom: 6 }}>
              <img src={image.url} alt="要傳送的圖片" style={{ height: 56, borderRadius: 6 }} />
              <Text type="secondary">{image.file.name}</Text>
              <Button size="small" type="link" onClick={() => setImage(null)}>
                移除
              </Button>
            </Flex>
          ) : null}
          {article ? (
            <Flex align="center" gap={8} style={{ marginBottom: 6 }}>
              <Tag icon={<ReadOutlined />} color="cyan">
                衛教文章：{article.title}
              </Tag>
              <Text type="secondary" style={{ fontSize: 12 }}>
                以 LINE 卡片送出，排在文字之後
              </Text>
              <Button size="small" type="link" onClick={() => setArticle(null)}>
                移除
              </Button>
            </Flex>
          ) : null}
          <Flex gap={8}>
            <Input.TextArea
              aria-label="回覆內容"
              value={text}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (
                  e.key === 'Enter' &&
                  (e.ctrlKey || e.metaKey) &&
                  (text.trim() || image || article) &&
                  !send.isPending
                )
                  send.mutate();
              }}
              autoSize={{ minRows: 2, maxRows: 6 }}
              maxLength={5000}
              disabled={blocked}
              placeholder={blocked ? '這位使用者已封鎖診所帳號，訊息無法送達' : '輸入回覆（Ctrl + Enter 傳送）'}
            />
            <Button
              type="primary"
              icon={<SendOutlined />}
              disabled={blocked || (!text.trim() && !image && !article)}
              loading={send.isPending}
              onClick={() => send.mutate()}
            >
              傳送
            </Button>
          </Flex>
        </div>
      ) : null}
    </Flex>
  );
}

const bubble = (incoming: boolean) =>
  ({
    maxWidth: 520,
    padding: '8px 12px',
    borderRadius: 14,
    background: incoming ? '#fff' : '#06c755',
    color: incoming ? undefined : '#fff',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    boxShadow: incoming ? '0 1px 1px rgba(0,0,0,.06)' : undefined,
  }) as const;

function MessageRow({ m, actions }: { m: InboxMessage; actions: ReactNode }) {
  const incoming = m.direction === 'in';
  if (m.kind === 'postback')
    return (
      <Flex justify="center">
        <Text type="secondary" style={{ fontSize: 12 }}>
          病患點了按鈕・{fromNow(m.at)}
        </Text>
      </Flex>
    );
  return (
    <Flex justify={incoming ? 'flex-start' : 'flex-end'} align="flex-end" gap={6}>
      <div>
        <MessageBody m={m} />
        <div style={{ fontSize: 11, color: '#8c8c8c', marginTop: 2, textAlign: incoming ? 'left' : 'right' }}>
          <Tooltip title={formatDateTime(m.at)}>{formatDateTime(m.at).slice(-5)}</Tooltip>
          {incoming ? null : (
            <>
              ・{sourceLabel(m.source)}
              {m.method === 'push' ? '・推播' : m.method === 'reply' ? '・免費回覆' : ''}
            </>
          )}
        </div>
      </div>
      {actions ? <div style={{ marginBottom: 18 }}>{actions}</div> : null}
    </Flex>
  );
}

function MessageBody({ m }: { m: InboxMessage }) {
  const incoming = m.direction === 'in';
  const d = m.detail;
  const [stickerFailed, setStickerFailed] = useState(false);
  switch (m.kind) {
    case 'sticker':
      return d.stickerId && !stickerFailed ? (
        <img
          src={`https://stickershop.line-scdn.net/stickershop/v1/sticker/${d.stickerId}/android/sticker.png`}
          alt="貼圖"
          style={{ width: 96, height: 96, objectFit: 'contain' }}
          onError={() => setStickerFailed(true)}
        />
      ) : (
        <div style={bubble(incoming)}>😊 貼圖</div>
      );
    case 'image': {
      const src = incoming ? d.contentUrl : (d.previewUrl ?? d.imageUrl);
      return src ? (
        <Image
          src={src}
          preview={{ src: incoming ? (d.contentUrl ?? undefined) : (d.imageUrl ?? undefined) }}
          alt="圖片"
          width={200}
          style={{ borderRadius: 10, maxHeight: 260, objectFit: 'cover' }}
          fallback="data:image/gif;base64,R0lGODlhAQABAAAAACw="
        />
      ) : (
        <div style={bubble(incoming)}>
          <PictureOutlined /> 圖片
        </div>
      );
    }
    case 'location': {
      const map =
        d.latitude != null && d.longitude != null
          ? `https://www.google.com/maps/search/?api=1&query=${d.latitude},${d.longitude}`
          : null;
      return (
        <div style={bubble(incoming)}>
          <EnvironmentOutlined /> {d.title || '位置'}
          {d.address ? <div style={{ fontSize: 13, opacity: 0.85 }}>{d.address}</div> : null}
          {map ? (
            <a href={map} target="_blank" rel="noreferrer" style={{ fontSize: 13 }}>
              在地圖上開啟
            </a>
          ) : null}
        </div>
      );
    }
    case 'audio':
    case 'video':
    case 'file': {
      const icon =
        m.kind === 'audio' ? <SoundOutlined /> : m.kind === 'video' ? <VideoCameraOutlined /> : <FileOutlined />;
      const label =
        m.kind === 'audio'
          ? `語音訊息${d.duration ? `（${Math.round(d.duration / 1000)} 秒）` : ''}`
          : m.kind === 'video'
            ? `影片${d.duration ? `（${Math.round(d.duration / 1000)} 秒）` : ''}`
            : `檔案：${d.fileName ?? ''}${d.fileSize ? `（${Math.ceil(d.fileSize / 1024)} KB）` : ''}`;
      return (
        <div style={bubble(incoming)}>
          {icon} {label}
          {d.contentUrl ? (
            <div>
              <a href={d.contentUrl} target="_blank" rel="noreferrer" style={{ fontSize: 13 }}>
                開啟
              </a>
            </div>
          ) : null}
        </div>
      );
    }
    case 'text':
      return <div style={bubble(incoming)}>{m.text}</div>;
    default:
      return (
        <div style={bubble(incoming)}>
          {m.kind === 'template' || m.kind === 'flex' ? (
            <Tag color={incoming ? undefined : 'green'} style={{ marginRight: 6 }}>
              卡片
            </Tag>
          ) : null}
          {m.text || '（不支援顯示的訊息）'}
        </div>
      );
  }
}
