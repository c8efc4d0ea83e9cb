// 訊息 › 收件匣: every LINE conversation of the clinic, newest first, with filters (未指派, 我的,
// 待回覆, 機器人處理, 已完成), unread counts and a search over the message history; the open
// conversation in the middle (see InboxConversation) and its appointment context and internal
// notes beside it. Live: the SSE stream refreshes whatever changed.
import { RobotOutlined, SearchOutlined, StopOutlined, UserOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Avatar, Badge, Button, Empty, Flex, Input, List, Skeleton, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, errorMessage } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime, fromNow } from '../../format.ts';
import { useUser } from '../../session.tsx';
import { OpenCaseButton } from '../support/OpenCaseButton.tsx';
import { InboxConversation } from './InboxConversation.tsx';
import { InboxSide } from './InboxSide.tsx';
import {
  FILTERS,
  inboxKeys,
  REASON_LABELS,
  STATE_META,
  useInboxList,
  useInboxStream,
  waitedFor,
  type InboxFilter,
  type InboxItem,
} from './inbox-data.ts';

const { Text } = Typography;

export function InboxPage() {
  const user = useUser();
  const canAnswer = user.role === 'admin' || user.role === 'front_desk';
  const [params, setParams] = useSearchParams();
  const filter = (params.get('f') as InboxFilter | null) ?? 'waiting';
  const selected = params.get('c');
  const [search, setSearch] = useState('');
  const live = useInboxStream();
  const list = useInboxList(filter, live);
  const set = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };
  // The minute timers (等候 12 分鐘) move on their own.
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 30_000);
    return () => clearInterval(t);
  }, []);

  const counts = list.data?.counts;
  return (
    <>
      <PageHeader
        title="收件匣"
        subtitle="病患在 LINE 傳來的每一則訊息。機器人答不出來或病患要找真人時，對話會出現在「待回覆」，請指派並回覆。"
        extra={
          <Tooltip title={live ? '即時更新中' : '即時更新中斷，每 10 秒重新整理'}>
            <Badge status={live ? 'success' : 'default'} text={live ? '即時' : '定時更新'} />
          </Tooltip>
        }
        help={<HelpDrawer topic="inbox" />}
      />
      <Flex
        style={{
          height: 'calc(100vh - 206px)',
          minHeight: 560,
          background: '#fff',
          border: '1px solid #f0f0f0',
          borderRadius: 10,
          overflow: 'hidden',
        }}
      >
        <Flex vertical style={{ width: 340, flexShrink: 0, borderRight: '1px solid #f0f0f0', minHeight: 0 }}>
          <div style={{ padding: 12, borderBottom: '1px solid #f0f0f0' }}>
            <Input.Search
              aria-label="搜尋訊息紀錄"
              placeholder="搜尋訊息紀錄"
              allowClear
              enterButton={<SearchOutlined />}
              onSearch={(v) => setSearch(v.trim())}
              onChange={(e) => (e.target.value ? null : setSearch(''))}
            />
            {search ? null : (
              <Flex wrap gap={6} style={{ marginTop: 10 }} aria-label="篩選對話">
                {FILTERS.map((f) => (
                  <Button
                    key={f.value}
                    size="small"
                    shape="round"
                    type={filter === f.value ? 'primary' : 'default'}
                    aria-pressed={filter === f.value}
                    onClick={() => set({ f: f.value })}
                  >
                    {f.label}
                    {counts && f.value !== 'all' && f.value !== 'done' ? ` ${counts[f.count]}` : ''}
                  </Button>
                ))}
              </Flex>
            )}
          </div>
          <div style={{ flex: 1, minHeight: 0, overflowY: 'auto' }}>
            {search ? (
              <SearchResults q={search} onOpen={(id) => set({ c: id })} />
            ) : list.isLoading ? (
              <Skeleton active style={{ padding: 16 }} />
            ) : list.isError ? (
              <Alert type="error" showIcon title="無法載入對話" description={errorMessage(list.error)} />
            ) : list.data!.items.length === 0 ? (
              <Empty style={{ marginTop: 48 }} description={EMPTY[filter]} />
            ) : (
              <List
                dataSource={list.data!.items}
                renderItem={(c) => (
                  <ConversationItem key={c.lineUserId} c={c} active={c.lineUserId === selected} onOpen={set} />
                )}
              />
            )}
          </div>
        </Flex>
        <div style={{ flex: 1, minWidth: 0, minHeight: 0 }}>
          {selected ? (
            <InboxConversation
              key={selected}
              lineUserId={selected}
              live={live}
              canAnswer={canAnswer}
              messageActions={(m, c) =>
                canAnswer ? (
                  <OpenCaseButton
                    lineUserId={c.lineUserId}
                    messageId={m.id}
                    text={m.text}
                    displayName={c.displayName}
                  />
                ) : null
              }
            />
          ) : (
            <Empty style={{ marginTop: 120 }} description="從左側選擇一則對話" />
          )}
        </div>
        {selected ? (
          <div style={{ width: 320, flexShrink: 0, borderLeft: '1px solid #f0f0f0', overflowY: 'auto' }}>
            <InboxSide lineUserId={selected} live={live} canAnswer={canAnswer} />
          </div>
        ) : null}
      </Flex>
    </>
  );
}

const EMPTY: Record<InboxFilter, string> = {
  unassigned: '沒有待指派的對話',
  mine: '沒有指派給您的對話',
  waiting: '沒有待回覆的對話',
  bot: '沒有機器人處理中的對話',
  done: '沒有已完成的對話',
  all: '還沒有病患傳訊息',
};

function ConversationItem({
  c,
  active,
  onOpen,
}: {
  c: InboxItem;
  active: boolean;
  onOpen: (p: Record<string, string | null>) => void;
}) {
  const state = STATE_META[c.state] ?? STATE_META.bot;
  return (
    <List.Item
      onClick={() => onOpen({ c: c.lineUserId })}
      aria-current={active ? 'true' : undefined}
      aria-label={`與 ${c.displayName || 'LINE 使用者'} 的對話`}
      style={{
        cursor: 'pointer',
        padding: '10px 12px',
        background: active ? '#e8f8ee' : undefined,
        borderLeft: active ? '3px solid #06c755' : '3px solid transparent',
      }}
    >
      <Flex gap={10} style={{ width: '100%', minWidth: 0 }}>
        <Badge count={c.unread} size="small" offset={[-4, 4]}>
          <Avatar src={c.pictureUrl ?? undefined} icon={<UserOutlined />} />
        </Badge>
        <div style={{ flex: 1, minWidth: 0 }}>
          <Flex justify="space-between" gap={6}>
            <Text strong={c.unread > 0} ellipsis style={{ maxWidth: 170 }}>
              {c.displayName || 'LINE 使用者'}
              {c.patients.length ? (
                <Text type="secondary" style={{ fontSize: 12, fontWeight: 400 }}>
                  {' '}
                  （{c.patients.map((p) => p.name).join('、')}）
                </Text>
              ) : null}
            </Text>
            <Tooltip title={formatDateTime(c.lastAt)}>
              <Text type="secondary" style={{ fontSize: 12, flexShrink: 0 }}>
                {fromNow(c.lastAt)}
              </Text>
            </Tooltip>
          </Flex>
          <Text type="secondary" ellipsis style={{ display: 'block', fontSize: 13 }}>
            {c.lastText}
          </Text>
          <Flex gap={4} wrap style={{ marginTop: 4 }}>
            <Tag color={state.color} style={{ marginInlineEnd: 0 }}>
              {c.state === 'bot' ? <RobotOutlined /> : null} {state.label}
            </Tag>
            {c.waitingReason ? (
              <Tag style={{ marginInlineEnd: 0 }}>{REASON_LABELS[c.waitingReason] ?? c.waitingReason}</Tag>
            ) : null}
            {c.waitingSince ? (
              <Text type="warning" style={{ fontSize: 12 }}>
                {waitedFor(c.waitingSince)}
              </Text>
            ) : null}
            {c.assignee ? (
              <Tag color="purple" style={{ marginInlineEnd: 0 }}>
                {c.assignee.name}
              </Tag>
            ) : null}
            {c.friendState === 'blocked' ? (
              <Tag color="red" icon={<StopOutlined />} style={{ marginInlineEnd: 0 }}>
                已封鎖
              </Tag>
            ) : null}
          </Flex>
        </div>
      </Flex>
    </List.Item>
  );
}

function SearchResults({ q, onOpen }: { q: string; onOpen: (lineUserId: string) => void }) {
  const [offset, setOffset] = useState(0);
  const r = useQuery({
    queryKey: inboxKeys.search(q, offset),
    queryFn: () => api.get('/api/inbox/search', { params: { query: { q, limit: 30, offset } } }),
  });
  if (r.isLoading) return <Skeleton active style={{ padding: 16 }} />;
  if (r.isError) return <Alert type="error" showIcon title="搜尋失敗" description={errorMessage(r.error)} />;
  const items = r.data!.items;
  if (items.length === 0) return <Empty style={{ marginTop: 48 }} description={`找不到「${q}」`} />;
  return (
    <>
      <List
        dataSource={items}
        renderItem={(m) => (
          <List.Item style={{ cursor: 'pointer', padding: '10px 12px' }} onClick={() => onOpen(m.lineUserId)}>
            <div style={{ minWidth: 0 }}>
              <Flex justify="space-between" gap={6}>
                <Text strong>{m.direction === 'in' ? m.displayName || 'LINE 使用者' : `診所 → ${m.displayName}`}</Text>
                <Text type="secondary" style={{ fontSize: 12 }}>
                  {formatDateTime(m.at)}
                </Text>
              </Flex>
              <Text type="secondary" style={{ fontSize: 13 }}>
                <Highlight text={m.text} q={q} />
              </Text>
            </div>
          </List.Item>
        )}
      />
      <Flex justify="center" gap={8} style={{ padding: 8 }}>
        {offset > 0 ? <Button onClick={() => setOffset(Math.max(0, offset - 30))}>上一頁</Button> : null}
        {r.data!.nextOffset !== null ? <Button onClick={() => setOffset(r.data!.nextOffset!)}>下一頁</Button> : null}
      </Flex>
    </>
  );
}

function Highlight({ text, q }: { text: string; q: string }) {
  const i = text.toLowerCase().indexOf(q.toLowerCase());
  if (i < 0) return <>{text.slice(0, 80)}</>;
  const start = Math.max(0, i - 20);
  return (
    <>
      {start > 0 ? '…' : ''}
      {text.slice(start, i)}
      <mark>{text.slice(i, i + q.length)}</mark>
      {text.slice(i + q.length, i + q.length + 60)}
    </>
  );
}
