// One appointment for the front desk: patient, doctor, time, status history (HIS and patient),
// every reminder with "why this time", the LINE thread, notes; actions: mark handled, send a
// message, resend the reminder, open the patient.
import { CheckOutlined, MessageOutlined, SendOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Flex,
  Input,
  Modal,
  Skeleton,
  Space,
  Tabs,
  Tag,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, errorMessage } from '../api.ts';
import { PhoneReveal } from '../components/PhoneReveal.tsx';
import { isAdmin, useUser } from '../session.tsx';
import { dateTime, fdKeys, LineTag, ReplyTag, StatusTag, useFdSettings, weekdayShort } from './data.tsx';
import { REMINDER_CHANNEL_LABEL } from '../components/reminderChannel.ts';

const SOURCE: Record<string, { label: string; color: string }> = {
  his: { label: 'HIS', color: 'blue' },
  patient: { label: '病患', color: 'green' },
  staff: { label: '櫃台', color: 'purple' },
  system: { label: '系統', color: 'default' },
};
const REMINDER_STATE: Record<string, { label: string; color: string }> = {
  planned: { label: '排程中', color: 'processing' },
  sending: { label: '發送中', color: 'processing' },
  sent: { label: '已送出', color: 'success' },
  answered: { label: '已回覆', color: 'success' },
  failed: { label: '發送失敗', color: 'error' },
  cancelled: { label: '已取消', color: 'default' },
  skipped: { label: '略過', color: 'default' },
};
const SMS_STATUS: Record<string, string> = {
  queued: '排隊中',
  retrying: '重試中',
  sent: '已交給簡訊商',
  delivered: '已送達',
  failed: '未送達',
};
const TASK: Record<string, string> = { cancel_request: '取消申請', reschedule_request: '改期申請' };

export function AppointmentDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const open = !!id;
  const qc = useQueryClient();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const user = useUser();
  const canAct = user.role === 'admin' || user.role === 'front_desk';
  const roc = useFdSettings().data?.rocDates ?? false;
  const detail = useQuery({
    queryKey: fdKeys.detail(id ?? ''),
    queryFn: () => api.get('/api/appointments/{id}', { params: { path: { id: id! } } }),
    enabled: open,
  });
  const thread = useQuery({
    queryKey: fdKeys.thread(id ?? ''),
    queryFn: () => api.get('/api/appointments/{id}/messages', { params: { path: { id: id! } } }),
    enabled: open,
    refetchInterval: open ? 10_000 : false,
  });
  const [note, setNote] = useState('');
  const [msgOpen, setMsgOpen] = useState(false);
  const [msg, setMsg] = useState('');

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['fd'] });
  };
  const act = useMutation({
    mutationFn: async (kind: 'handle' | 'resend' | 'note' | 'message') => {
      const path = { id: id! };
      if (kind === 'handle') return api.post('/api/appointments/{id}/handle', { params: { path }, body: {} });
      if (kind === 'note') return api.post('/api/appointments/{id}/notes', { params: { path }, body: { body: note } });
      if (kind === 'message') {
        return api.post('/api/appointments/{id}/send-message', { params: { path }, body: { text: msg } });
      }
      // Resend: the reminder engine's last sent/failed reminder if there is one, else a reminder now.
      const last = [...(detail.data?.reminders ?? [])]
        .reverse()
        .find((r) => r.state === 'sent' || r.state === 'failed' || r.state === 'answered');
      return last
        ? api.post('/api/reminders/{id}/resend', { params: { path: { id: last.id } } })
        : api.post('/api/appointments/{id}/resend-reminder', { params: { path } });
    },
    onSuccess: (_r, kind) => {
      if (kind === 'note') setNote('');
      if (kind === 'message') {
        setMsg('');
        setMsgOpen(false);
      }
      void message.success(
        {
          handle: '已標記為處理完成',
          resend: '提醒已排入發送，病患幾秒內會在 LINE 收到',
          note: '已新增備註',
          message: '訊息已排入發送',
        }[kind],
      );
      refresh();
    },
    onError: (err) => void message.error(errorMessage(err)),
  });

  const d = detail.data;
  const openTasks = d?.tasks.filter((t) => t.status === 'open') ?? [];
  const bound = (d?.patient.boundLineUsers ?? 0) > 0;

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={640}
      title={
        d ? (
          <Flex align="center" gap={10}>
            <span>{d.patient.name}</span>
            <ReplyTag code={d.lights.reply.code} />
            <StatusTag code={d.status} />
          </Flex>
        ) : (
          '預約明細'
        )
      }
      destroyOnHidden
      footer={
        canAct && d ? (
          <Flex gap={8} wrap>
            <Button
              type="primary"
              icon={<CheckOutlined />}
              onClick={() => act.mutate('handle')}
              loading={act.isPending && act.variables === 'handle'}
            >
              標記已處理{openTasks.length ? `（${openTasks.length}）` : ''}
            </Button>
            <Tooltip title={bound ? '' : '病患尚未綁定 LINE，請改以電話聯絡'}>
              <Button icon={<MessageOutlined />} disabled={!bound} onClick={() => setMsgOpen(true)}>
                傳送訊息
              </Button>
            </Tooltip>
            <Tooltip title={bound ? '立即以 LINE 再送一次看診提醒' : '病患尚未綁定 LINE，無法以 LINE 提醒'}>
              <Button
                icon={<SendOutlined />}
                disabled={!bound || d.status === 'cancelled'}
                onClick={() => act.mutate('resend')}
                loading={act.isPending && act.variables === 'resend'}
              >
                重送提醒
              </Button>
            </Tooltip>
            <Button
              icon={<UserOutlined />}
              onClick={() => navigate(`/patients?q=${encodeURIComponent(d.patient.chartNo ?? d.patient.id)}`)}
            >
              開啟病患
            </Button>
          </Flex>
        ) : null
      }
    >
      {detail.isLoading ? <Skeleton active paragraph={{ rows: 10 }} /> : null}
      {detail.error ? (
        <Alert type="error" showIcon title="無法載入這筆預約" description={errorMessage(detail.error)} />
      ) : null}
      {d ? (
        <Flex vertical gap={16}>
          {openTasks.map((t) => (
            <Alert
              key={t.id}
              type={t.kind === 'cancel_request' ? 'error' : 'info'}
              showIcon
              title={`病患${TASK[t.kind] ?? t.kind}（${dateTime(t.createdAt, roc)}）`}
              description={
                [
                  t.payload.note ? `病患留言：「${t.payload.note}」` : null,
                  t.payload.reason ? `原因：${t.payload.reason}` : null,
                  t.payload.preferredTimes?.length ? `希望時段：${t.payload.preferredTimes.join('、')}` : null,
                ]
                  .filter(Boolean)
                  .join('　') || '請聯絡病患確認後，在 HIS 修改預約，再按「標記已處理」。'
              }
            />
          ))}
          <Descriptions size="small" column={2} bordered styles={{ label: { width: 96, background: '#f7f9f8' } }}>
            <Descriptions.Item label="看診時間" span={2}>
              <Typography.Text strong>
                {dateTime(d.startsAtUtc, roc)}（{weekdayShort(d.startsAtUtc)}）
              </Typography.Text>
              {d.durationMinutes ? (
                <Typography.Text type="secondary">　{d.durationMinutes} 分鐘</Typography.Text>
              ) : null}
            </Descriptions.Item>
            <Descriptions.Item label="醫師">
              {d.doctor.name}
              {d.doctor.department ? (
                <Typography.Text type="secondary">（{d.doctor.department}）</Typography.Text>
              ) : null}
            </Descriptions.Item>
            <Descriptions.Item label="門診類別">{d.visitType ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="病歷號">{d.patient.chartNo ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="電話">
              <PhoneReveal patientId={d.patient.ref} masked={d.patient.phoneMasked} />
            </Descriptions.Item>
            <Descriptions.Item label="身分證">{d.patient.nationalIdMasked ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="LINE">
              <LineTag code={d.patient.line.code} />
            </Descriptions.Item>
            <Descriptions.Item label="預約編號" span={2}>
              <Typography.Text type="secondary" copyable>
                {d.appointmentId}
              </Typography.Text>
            </Descriptions.Item>
            {d.note ? (
              <Descriptions.Item label="HIS 備註" span={2}>
                {d.note}
              </Descriptions.Item>
            ) : null}
          </Descriptions>

          <Tabs
            defaultActiveKey="history"
            items={[
              {
                key: 'history',
                label: `歷程（${d.history.length}）`,
                children: (
                  <Timeline
                    items={d.history.map((h) => ({
                      color: h.source === 'patient' ? 'green' : h.source === 'his' ? 'blue' : 'gray',
                      content: (
                        <div>
                          <Flex gap={6} align="flex-start">
                            <Tag color={SOURCE[h.source]?.color}>{SOURCE[h.source]?.label ?? h.source}</Tag>
                            <Flex vertical>
                              {h.lines.map((l, i) => (
                                <Typography.Text key={i}>{l}</Typography.Text>
                              ))}
                            </Flex>
                          </Flex>
                          <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.5)', marginTop: 2 }}>
                            {dateTime(h.at, roc)}・{h.actor}
                            {h.version !== null ? `・版本 ${h.version}` : ''}
                          </div>
                        </div>
                      ),
                    }))}
                  />
                ),
              },
              {
                key: 'reminders',
                label: `提醒（${d.reminders.length}）`,
                children: d.reminders.length ? (
                  <Flex vertical gap={10}>
                    {d.reminders.map((r) => (
                      <div key={r.id} style={{ border: '1px solid #edf0ee', borderRadius: 8, padding: '10px 12px' }}>
                        <Flex justify="space-between" align="center">
                          <Space>
                            <Typography.Text strong>{r.ruleName}</Typography.Text>
                            <Tag color={REMINDER_STATE[r.state]?.color}>
                              {REMINDER_STATE[r.state]?.label ?? r.state}
                            </Tag>
                            {r.channel ? <Tag>{REMINDER_CHANNEL_LABEL[r.channel] ?? r.channel}</Tag> : null}
                            {r.familySize ? (
                              <Tooltip title="同一個 LINE 帳號綁定的家人，提醒時間相近時合併成一則訊息，每位家人各有自己的確認、取消、改期按鈕">
                                <Tag color="cyan">與家人合併發送（共 {r.familySize} 位）</Tag>
                              </Tooltip>
                            ) : null}
                          </Space>
                          <Typography.Text type="secondary">
                            {r.sentAt
                              ? `送出 ${dateTime(r.sentAt, roc)}`
                              : r.dueAt
                                ? `預定 ${dateTime(r.dueAt, roc)}`
                                : ''}
                          </Typography.Text>
                        </Flex>
                        <div style={{ fontSize: 13, color: 'rgba(0,0,0,0.6)', marginTop: 4 }}>
                          為什麼是這個時間：{r.explanation || '—'}
                        </div>
                        {r.channelReason ? (
                          <div style={{ fontSize: 13, color: 'rgba(0,0,0,0.6)', marginTop: 2 }}>{r.channelReason}</div>
                        ) : null}
                        {r.channel === 'pnp' ? (
                          <div style={{ fontSize: 13, color: 'rgba(0,0,0,0.6)', marginTop: 2 }}>
                            {r.deliveredAt ? `已送達手機 ${dateTime(r.deliveredAt, roc)}` : '等待 LINE 確認送達'}
                          </div>
                        ) : null}
                        {r.sms ? (
                          <div
                            style={{
                              fontSize: 13,
                              color: r.sms.status === 'failed' ? '#cf1322' : 'rgba(0,0,0,0.6)',
                              marginTop: 2,
                            }}
                          >
                            簡訊 {r.sms.toMasked}・{SMS_STATUS[r.sms.status] ?? r.sms.status}
                            {r.sms.deliveredAt ? `（${dateTime(r.sms.deliveredAt, roc)}）` : ''}・{r.sms.segments} 則
                            {r.sms.cost ? `・NT$${r.sms.cost}` : ''}
                            {r.sms.error ? `・${r.sms.error}` : ''}
                          </div>
                        ) : null}
                        {r.lastError ? (
                          <div style={{ fontSize: 13, color: '#cf1322', marginTop: 2 }}>失敗原因：{r.lastError}</div>
                        ) : null}
                        {r.cancelReason ? (
                          <div style={{ fontSize: 13, color: 'rgba(0,0,0,0.45)', marginTop: 2 }}>
                            取消原因：{r.cancelReason}
                          </div>
                        ) : null}
                      </div>
                    ))}
                  </Flex>
                ) : (
                  <Empty
                    image={Empty.PRESENTED_IMAGE_SIMPLE}
                    description="這筆預約還沒有排定的提醒。病患綁定 LINE 後，系統會依「提醒」規則自動排程。"
                  />
                ),
              },
              {
                key: 'thread',
                label: `LINE 對話${thread.data?.items.length ? `（${thread.data.items.length}）` : ''}`,
                children: thread.isLoading ? (
                  <Skeleton active />
                ) : !thread.data?.bound ? (
                  <Empty
                    image={Empty.PRESENTED_IMAGE_SIMPLE}
                    description="病患尚未綁定 LINE，沒有對話紀錄。可請病患加入診所 LINE 官方帳號並完成綁定。"
                  />
                ) : thread.data.items.length ? (
                  <Flex
                    vertical
                    gap={8}
                    style={{ background: '#eef3f0', padding: 12, borderRadius: 10, maxHeight: 420, overflow: 'auto' }}
                  >
                    {thread.data.items.map((m) => (
                      <Flex key={m.id} justify={m.direction === 'out' ? 'flex-end' : 'flex-start'}>
                        <div style={{ maxWidth: '78%' }}>
                          <div
                            style={{
                              background: m.direction === 'out' ? '#06c755' : '#fff',
                              color: m.direction === 'out' ? '#fff' : 'rgba(0,0,0,0.88)',
                              padding: '8px 12px',
                              borderRadius: 14,
                              whiteSpace: 'pre-wrap',
                              fontSize: 13.5,
                            }}
                          >
                            {m.text || `〔${m.kind}〕`}
                          </div>
                          <div
                            style={{
                              fontSize: 11,
                              color: 'rgba(0,0,0,0.45)',
                              textAlign: m.direction === 'out' ? 'right' : 'left',
                              marginTop: 2,
                            }}
                          >
                            {dateTime(m.at, roc)}
                            {m.direction === 'out'
                              ? `・${m.source === 'staff' ? '櫃台' : m.source === 'reminder' ? '提醒' : '自動'}`
                              : ''}
                          </div>
                        </div>
                      </Flex>
                    ))}
                  </Flex>
                ) : (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="還沒有訊息往來" />
                ),
              },
              {
                key: 'notes',
                label: `備註（${d.notes.length}）`,
                children: (
                  <Flex vertical gap={10}>
                    {d.notes.length ? (
                      d.notes.map((n) => (
                        <div
                          key={n.id}
                          style={{
                            borderInlineStart: `3px solid ${n.kind === 'handled' ? '#06a94d' : '#d9d9d9'}`,
                            paddingInlineStart: 10,
                          }}
                        >
                          <div style={{ whiteSpace: 'pre-wrap' }}>{n.body}</div>
                          <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>
                            {n.author}・{dateTime(n.at, roc)}
                          </div>
                        </div>
                      ))
                    ) : (
                      <Typography.Text type="secondary">
                        還沒有備註。電話聯絡的結果、病患的特殊需求都可以記在這裡，其他同事都看得到。
                      </Typography.Text>
                    )}
                    {canAct ? (
                      <Flex gap={8} align="flex-start">
                        <Input.TextArea
                          value={note}
                          onChange={(e) => setNote(e.target.value)}
                          maxLength={1000}
                          autoSize={{ minRows: 2, maxRows: 5 }}
                          placeholder="新增備註，例如：已電話聯絡，改約 5/8 上午"
                          aria-label="新增備註"
                        />
                        <Button
                          onClick={() => act.mutate('note')}
                          disabled={!note.trim()}
                          loading={act.isPending && act.variables === 'note'}
                        >
                          新增
                        </Button>
                      </Flex>
                    ) : null}
                  </Flex>
                ),
              },
            ]}
          />
          {!isAdmin(user) && user.role === 'viewer' ? (
            <Typography.Text type="secondary">唯讀帳號只能檢視。</Typography.Text>
          ) : null}
        </Flex>
      ) : null}
      <Modal
        open={msgOpen}
        title={`傳送 LINE 訊息給 ${d?.patient.name ?? ''}`}
        okText="傳送"
        cancelText="取消"
        onCancel={() => setMsgOpen(false)}
        onOk={() => act.mutate('message')}
        okButtonProps={{ disabled: !msg.trim(), loading: act.isPending && act.variables === 'message' }}
      >
        <Typography.Paragraph type="secondary">
          訊息會以診所的 LINE 官方帳號推播給病患已綁定的 LINE（計入每月訊息用量）。
        </Typography.Paragraph>
        <Input.TextArea
          value={msg}
          onChange={(e) => setMsg(e.target.value)}
          maxLength={1000}
          showCount
          autoSize={{ minRows: 4, maxRows: 8 }}
          placeholder="例如：王先生您好，醫師明天上午臨時請假，想幫您改約到週五同一時間，方便嗎？"
          aria-label="訊息內容"
        />
      </Modal>
    </Drawer>
  );
}
