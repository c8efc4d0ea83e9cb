// What patients wrote on LINE and nobody has answered yet (until the inbox exists): a list of
// conversations, and one conversation with its messages, the patients bound to that LINE user,
// a reply box (a LINE push) and 「標示已處理」.
import { CheckOutlined, SendOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Avatar,
  Button,
  Card,
  Empty,
  Flex,
  Input,
  List,
  Segmented,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, errorMessage } from '../api.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatDateTime, fromNow } from '../format.ts';
import { useUser } from '../session.tsx';

const SUMMARY_KEY = ['line', 'conversations', 'summary'] as const;

export function ConversationsPage() {
  const [only, setOnly] = useState<'unanswered' | 'all'>('unanswered');
  const q = useQuery({
    queryKey: ['line', 'conversations', only],
    queryFn: () => api.get('/api/line/conversations', { params: { query: { unanswered: only === 'unanswered' } } }),
  });
  return (
    <>
      <PageHeader
        title="LINE 對話"
        subtitle="病患在 LINE 傳來、沒有自動回覆能回答的訊息。系統已先回覆「已收到」，請櫃台於上班時間回覆。"
      />
      <Card
        extra={
          <Segmented
            value={only}
            onChange={(v) => setOnly(v as 'unanswered' | 'all')}
            options={[
              { value: 'unanswered', label: '尚未回覆' },
              { value: 'all', label: '全部' },
            ]}
          />
        }
        title="對話"
      >
        {q.isLoading ? (
          <Skeleton active />
        ) : q.isError ? (
          <Alert type="error" showIcon title="無法載入對話" description={errorMessage(q.error)} />
        ) : q.data!.items.length === 0 ? (
          <Empty description={only === 'unanswered' ? '沒有等待回覆的訊息' : '還沒有病患傳訊息'} />
        ) : (
          <List
            dataSource={q.data!.items}
            renderItem={(c) => (
              <List.Item
                actions={[
                  c.unanswered ? (
                    <Tag color="orange" key="s">
                      尚未回覆
                    </Tag>
                  ) : (
                    <Tag key="s">已處理</Tag>
                  ),
                ]}
              >
                <List.Item.Meta
                  avatar={<Avatar src={c.pictureUrl ?? undefined} icon={<UserOutlined />} />}
                  title={<Link to={`/messages/conversations/${c.lineUserId}`}>{c.displayName || 'LINE 使用者'}</Link>}
                  description={
                    <Typography.Text type="secondary" ellipsis style={{ maxWidth: 720 }}>
                      {fromNow(c.lastAt)}・{c.lastText}
                    </Typography.Text>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </Card>
    </>
  );
}

export function ConversationPage() {
  const { lineUserId = '' } = useParams();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const user = useUser();
  const canAnswer = user?.role === 'admin' || user?.role === 'front_desk';
  const [text, setText] = useState('');
  const key = ['line', 'conversation', lineUserId];
  const q = useQuery({
    queryKey: key,
    queryFn: () => api.get('/api/line/conversations/{lineUserId}', { params: { path: { lineUserId } } }),
    // new messages from the patient, and our reply once its push went out (it is logged when sent)
    refetchInterval: 4_000,
  });
  const done = (data: Awaited<ReturnType<typeof api.get<'/api/line/conversations/{lineUserId}'>>>) => {
    qc.setQueryData(key, data);
    void qc.invalidateQueries({ queryKey: ['line', 'conversations'] });
    void qc.invalidateQueries({ queryKey: SUMMARY_KEY });
  };
  const reply = useMutation({
    mutationFn: () =>
      api.post('/api/line/conversations/{lineUserId}/reply', { params: { path: { lineUserId } }, body: { text } }),
    onSuccess: (data) => {
      done(data);
      setText('');
      message.success('已傳送');
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const handled = useMutation({
    mutationFn: () => api.post('/api/line/conversations/{lineUserId}/handled', { params: { path: { lineUserId } } }),
    onSuccess: (data) => {
      done(data);
      message.success('已標示為已處理');
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  if (q.isLoading) return <Skeleton active />;
  if (q.isError) return <Alert type="error" showIcon title="無法載入對話" description={errorMessage(q.error)} />;
  const c = q.data!;
  return (
    <>
      <PageHeader
        title={
          <Space>
            <Avatar src={c.pictureUrl ?? undefined} icon={<UserOutlined />} />
            {c.displayName || 'LINE 使用者'}
            {c.unanswered ? <Tag color="orange">尚未回覆</Tag> : <Tag>已處理</Tag>}
          </Space>
        }
        subtitle={
          c.patients.length ? (
            <Space wrap>
              綁定的病患：
              {c.patients.map((p) => (
                <Link key={p.id} to={`/patients/${p.id}`}>
                  {p.name}
                </Link>
              ))}
            </Space>
          ) : (
            '這個 LINE 帳號尚未綁定病患'
          )
        }
        extra={
          <Space>
            <Link to="/messages/conversations">所有對話</Link>
            {canAnswer && c.unanswered ? (
              <Button icon={<CheckOutlined />} loading={handled.isPending} onClick={() => handled.mutate()}>
                標示已處理
              </Button>
            ) : null}
          </Space>
        }
      />
      <Card>
        <Flex vertical gap={10} style={{ maxHeight: 520, overflowY: 'auto', padding: '4px 8px' }} role="log">
          {c.messages.map((m) => (
            <Flex key={m.id} justify={m.direction === 'in' ? 'flex-start' : 'flex-end'}>
              <div
                style={{
                  maxWidth: '70%',
                  padding: '8px 12px',
                  borderRadius: 14,
                  background: m.direction === 'in' ? '#f0f2f5' : '#06c755',
                  color: m.direction === 'in' ? undefined : '#fff',
                  whiteSpace: 'pre-wrap',
                }}
              >
                {m.text || `（${m.kind}）`}
                <div style={{ fontSize: 11, opacity: 0.7, marginTop: 2 }}>
                  {formatDateTime(m.at)}
                  {m.direction === 'out' ? `・${SOURCE_LABELS[m.source.split(':')[0]] ?? '診所'}` : ''}
                </div>
              </div>
            </Flex>
          ))}
        </Flex>
        {canAnswer ? (
          <Flex gap={8} style={{ marginTop: 16 }}>
            <Input.TextArea
              aria-label="回覆內容"
              value={text}
              onChange={(e) => setText(e.target.value)}
              autoSize={{ minRows: 2, maxRows: 6 }}
              maxLength={2000}
              placeholder="輸入要傳給病患的文字（以 LINE 推播傳送，會使用訊息額度）"
            />
            <Button
              type="primary"
              icon={<SendOutlined />}
              disabled={!text.trim()}
              loading={reply.isPending}
              onClick={() => reply.mutate()}
            >
              傳送
            </Button>
          </Flex>
        ) : null}
      </Card>
    </>
  );
}

const SOURCE_LABELS: Record<string, string> = {
  acknowledgement: '自動回覆（已收到）',
  auto_reply: '自動回覆',
  staff: '櫃台',
  reminder: '提醒',
  greeting: '歡迎訊息',
  binding: '綁定',
};

/** The count of conversations waiting for the front desk (the home page's counter). */
export const useUnansweredLine = () =>
  useQuery({
    queryKey: SUMMARY_KEY,
    queryFn: () => api.get('/api/line/conversations/summary'),
    refetchInterval: 60_000,
  });
