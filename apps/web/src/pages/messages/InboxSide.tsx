// Beside the chat: the appointment context of the linked patients (upcoming visits with their
// lights, open cancel / reschedule requests) and the internal notes (staff only, never sent).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Flex, Input, List, Skeleton, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { AppointmentDrawer } from '../../frontdesk/AppointmentDrawer.tsx';
import { ReplyTag, StatusTag } from '../../frontdesk/data.tsx';
import { inboxKeys, useConversation, useInboxContext } from './inbox-data.ts';

const { Text } = Typography;

const REQUEST_LABELS: Record<string, string> = { cancel_request: '取消申請', reschedule_request: '改期申請' };

export function InboxSide({ lineUserId, live, canAnswer }: { lineUserId: string; live: boolean; canAnswer: boolean }) {
  const ctx = useInboxContext(lineUserId);
  const conv = useConversation(lineUserId, live);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Flex vertical gap={12} style={{ padding: 12 }}>
      <Card size="small" title="預約資訊">
        {ctx.isLoading ? (
          <Skeleton active paragraph={{ rows: 2 }} />
        ) : !ctx.data || (ctx.data.appointments.length === 0 && ctx.data.requests.length === 0) ? (
          <Empty
            image={Empty.PRESENTED_IMAGE_SIMPLE}
            description={conv.data?.patients.length ? '沒有即將到來的預約' : '尚未綁定病患'}
          />
        ) : (
          <>
            {ctx.data.requests.length ? (
              <List
                size="small"
                dataSource={ctx.data.requests}
                renderItem={(r) => (
                  <List.Item style={{ paddingInline: 0 }}>
                    <div>
                      <Tag color="orange">{REQUEST_LABELS[r.kind] ?? r.kind}</Tag>
                      <Text>{r.patientName}</Text>
                      {r.note ? <div style={{ fontSize: 13 }}>「{r.note}」</div> : null}
                      <Button size="small" type="link" style={{ padding: 0 }} onClick={() => setOpen(r.appointmentId)}>
                        查看預約
                      </Button>
                    </div>
                  </List.Item>
                )}
              />
            ) : null}
            <List
              size="small"
              dataSource={ctx.data.appointments}
              renderItem={(a) => (
                <List.Item style={{ paddingInline: 0, cursor: 'pointer' }} onClick={() => setOpen(a.id)}>
                  <div>
                    <div>
                      <Text strong>{formatDateTime(a.startsAt)}</Text>
                    </div>
                    <Text type="secondary" style={{ fontSize: 13 }}>
                      {a.patientName}・{a.doctorName}
                      {a.visitType ? `・${a.visitType}` : ''}
                    </Text>
                    <div style={{ marginTop: 4 }}>
                      <Space size={4}>
                        <ReplyTag code={a.replyStatus} />
                        <StatusTag code={a.status} />
                      </Space>
                    </div>
                  </div>
                </List.Item>
              )}
            />
          </>
        )}
      </Card>
      <Notes lineUserId={lineUserId} live={live} canAnswer={canAnswer} />
      <AppointmentDrawer id={open} onClose={() => setOpen(null)} />
    </Flex>
  );
}

function Notes({ lineUserId, live, canAnswer }: { lineUserId: string; live: boolean; canAnswer: boolean }) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const conv = useConversation(lineUserId, live);
  const [body, setBody] = useState('');
  const add = useMutation({
    mutationFn: () =>
      api.post('/api/inbox/conversations/{lineUserId}/notes', { params: { path: { lineUserId } }, body: { body } }),
    onSuccess: (d) => {
      qc.setQueryData(inboxKeys.conversation(lineUserId), d);
      setBody('');
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const notes = conv.data?.notes ?? [];
  return (
    <Card size="small" title="內部備註" extra={<Text type="secondary">不會傳給病患</Text>}>
      {notes.length === 0 ? (
        <Text type="secondary">還沒有備註</Text>
      ) : (
        <List
          size="small"
          dataSource={notes}
          renderItem={(n) => (
            <List.Item style={{ paddingInline: 0 }}>
              <div>
                <div style={{ whiteSpace: 'pre-wrap' }}>{n.body}</div>
                <Text type="secondary" style={{ fontSize: 12 }}>
                  {n.author}・{formatDateTime(n.at)}
                </Text>
              </div>
            </List.Item>
          )}
        />
      )}
      {canAnswer ? (
        <Flex vertical gap={6} style={{ marginTop: 8 }}>
          <Input.TextArea
            aria-label="新增內部備註"
            value={body}
            onChange={(e) => setBody(e.target.value)}
            autoSize={{ minRows: 2, maxRows: 5 }}
            maxLength={2000}
            placeholder="給同事看的備註，例如「已請醫師確認」"
          />
          <Button size="small" disabled={!body.trim()} loading={add.isPending} onClick={() => add.mutate()}>
            新增備註
          </Button>
        </Flex>
      ) : null}
    </Card>
  );
}
