// 衛教追蹤 › 未到診關懷 (C6): when the HIS marks a visit of today no_show, the patient gets one
// kind message the same day with 「請診所與我聯絡」 / 「不用了，謝謝」. This page switches it on or
// off, edits the text (with a LINE-like preview) and the delay after the mark (admins), and
// lists what was sent and answered, or why nothing was sent.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Form,
  Input,
  InputNumber,
  Row,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage, type ApiBody, type ApiResponse } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { BotRow, BotText, LinePhoneFrame, UserBubble } from '../../components/LinePreview.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format.ts';
import { applyFieldErrors } from '../../forms.ts';
import { useUser } from '../../session.tsx';

const { Text } = Typography;
type Settings = ApiResponse<'/api/no-show/settings'>;
type Body = ApiBody<'/api/no-show/settings', 'put'>;
type LogItem = ApiResponse<'/api/no-show/log'>['items'][number];

const STATUS_COLOR: Record<LogItem['status'], string> = {
  scheduled: 'blue',
  sent: 'default',
  rebook: 'red',
  declined: 'green',
  skipped: 'orange',
};
const SAMPLE_NAME = '王小明';

/** The LINE buttons message as the patient's phone shows it. */
function ButtonsBubble({ text, buttons }: { text: string; buttons: string[] }) {
  return (
    <BotRow>
      <div style={{ background: '#fff', borderRadius: 14, width: 230, overflow: 'hidden', fontSize: 14 }}>
        <div style={{ padding: '12px 14px', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{text}</div>
        {buttons.map((b) => (
          <div
            key={b}
            style={{ borderTop: '1px solid #eee', padding: '10px 14px', textAlign: 'center', color: '#1a5fb4' }}
          >
            {b}
          </div>
        ))}
      </div>
    </BotRow>
  );
}

export function NoShowPage() {
  const user = useUser();
  const isAdmin = user.role === 'admin';
  const settings = useQuery({ queryKey: ['no-show', 'settings'], queryFn: () => api.get('/api/no-show/settings') });
  return (
    <>
      <PageHeader
        title="未到診關懷"
        subtitle="HIS 標記今天的預約「未到」後，當天以 LINE 關心病患，並讓病患一鍵請診所聯絡、重新安排看診。"
        help={<HelpDrawer topic="noShow" />}
      />
      {settings.data ? <SettingsCard s={settings.data} canEdit={isAdmin} /> : <Card loading />}
      <LogCard />
    </>
  );
}

function SettingsCard({ s, canEdit }: { s: Settings; canEdit: boolean }) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Body>();
  const [draft, setDraft] = useState<Body>({ enabled: s.enabled, text: s.text, delayMinutes: s.delayMinutes });
  const save = useMutation({
    mutationFn: (body: Body) => api.put('/api/no-show/settings', { body }),
    onSuccess: (v) => {
      qc.setQueryData(['no-show', 'settings'], v);
      message.success(v.enabled ? '已儲存，未到診關懷已開啟' : '已儲存，未到診關懷已關閉');
    },
    onError: (e) => {
      if (!applyFieldErrors(form, e)) message.error(errorMessage(e));
    },
  });
  const preview = (draft.text ?? '').replaceAll('{name}', SAMPLE_NAME).replaceAll('{clinicName}', s.clinicName);
  const dirty = draft.enabled !== s.enabled || draft.text !== s.text || draft.delayMinutes !== s.delayMinutes;
  return (
    <Row gutter={[24, 24]} style={{ marginBottom: 24 }}>
      <Col xs={24} lg={14}>
        <Card title="設定">
          {!canEdit ? (
            <Alert type="info" showIcon style={{ marginBottom: 16 }} message="只有管理者可以修改設定。" />
          ) : null}
          <Form
            form={form}
            layout="vertical"
            disabled={!canEdit}
            initialValues={draft}
            onValuesChange={(_, all) => setDraft(all)}
            onFinish={(v) => save.mutate({ enabled: v.enabled, text: v.text.trim(), delayMinutes: v.delayMinutes })}
          >
            <Form.Item name="enabled" label="未到診關懷" valuePropName="checked">
              <Switch checkedChildren="開啟" unCheckedChildren="關閉" />
            </Form.Item>
            <Form.Item
              name="text"
              label="訊息內容"
              extra={`${[...(draft.text ?? '')].length} / 120 字・可用 {name}（病患姓名）、{clinicName}（診所名稱）・訊息下方固定附上兩個按鈕`}
              rules={[{ required: true, whitespace: true, message: '請填寫訊息內容' }]}
            >
              <Input.TextArea rows={3} maxLength={120} />
            </Form.Item>
            <Form.Item
              name="delayMinutes"
              label="HIS 標記「未到」後延後"
              extra={
                s.quietHours.enabled
                  ? `遇安靜時段（${s.quietHours.start}–${s.quietHours.end}）延到結束時；若會延到隔天就不傳送。`
                  : '安靜時段已關閉：延後時間一到就傳送。'
              }
              rules={[{ required: true, message: '請填寫延後時間' }]}
            >
              <InputNumber min={0} max={240} precision={0} addonAfter="分鐘" style={{ width: 160 }} />
            </Form.Item>
            {canEdit ? (
              <Space>
                <Button type="primary" htmlType="submit" loading={save.isPending} disabled={!dirty}>
                  儲存
                </Button>
                <Button
                  onClick={() => {
                    form.setFieldsValue({ text: s.defaults.text, delayMinutes: s.defaults.delayMinutes });
                    setDraft({ ...form.getFieldsValue() });
                  }}
                >
                  還原預設文字
                </Button>
              </Space>
            ) : null}
          </Form>
        </Card>
      </Col>
      <Col xs={24} lg={10}>
        <Card title="LINE 預覽" extra={<Text type="secondary">以「{SAMPLE_NAME}」示範</Text>}>
          <LinePhoneFrame title={s.clinicName} minHeight={340}>
            {!draft.enabled ? (
              <Alert type="warning" showIcon style={{ marginBottom: 10 }} message="目前關閉：病患不會收到這則訊息" />
            ) : null}
            <ButtonsBubble text={preview || '（請填寫訊息內容）'} buttons={[s.buttons.rebook, s.buttons.decline]} />
            <UserBubble text={s.buttons.rebook} />
            <BotText text={s.replies.rebook} />
          </LinePhoneFrame>
          <Text type="secondary" style={{ display: 'block', marginTop: 12 }}>
            點「{s.buttons.rebook}」會建立一筆優先的<Link to="/care/follow-ups">待追蹤</Link>；點「{s.buttons.decline}
            」則回覆：「{s.replies.decline}」
          </Text>
        </Card>
      </Col>
    </Row>
  );
}

function LogCard() {
  const [page, setPage] = useState(1);
  const log = useQuery({
    queryKey: ['no-show', 'log', page],
    queryFn: () => api.get('/api/no-show/log', { params: { query: { limit: 50, offset: (page - 1) * 50 } } }),
    refetchInterval: 30_000,
  });
  return (
    <Card title="傳送紀錄">
      <Table<LogItem>
        rowKey="id"
        size="middle"
        loading={log.isLoading}
        dataSource={log.data?.items ?? []}
        locale={{ emptyText: <Empty description="還沒有未到診的紀錄" /> }}
        pagination={{
          current: page,
          pageSize: 50,
          total: log.data?.total ?? 0,
          onChange: setPage,
          showTotal: (t) => `共 ${t} 筆`,
        }}
        scroll={{ x: 820 }}
        columns={[
          {
            title: '病患',
            width: 130,
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <Link to={`/patients/${r.patientId}`}>{r.patientName ?? '病患'}</Link>
                {r.chartNo ? (
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    病歷 {r.chartNo}
                  </Text>
                ) : null}
              </Space>
            ),
          },
          { title: '看診', dataIndex: 'visitText', width: 220, render: (v: string | null) => v ?? '—' },
          { title: '標記未到', dataIndex: 'markedAt', width: 120, render: (v: string) => formatDateTime(v).slice(5) },
          {
            title: '狀態',
            width: 240,
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <Tag color={STATUS_COLOR[r.status]}>{r.statusLabel}</Tag>
                {r.skipReasonLabel ? (
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {r.skipReasonLabel}
                  </Text>
                ) : null}
                {r.status === 'scheduled' ? (
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    預定 {formatDateTime(r.sendAt).slice(11)} 傳送
                  </Text>
                ) : null}
              </Space>
            ),
          },
          {
            title: '傳送／回覆',
            width: 150,
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <Text>{r.sentAt ? `傳送 ${formatDateTime(r.sentAt).slice(11)}` : '—'}</Text>
                {r.answeredAt ? (
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    回覆 {formatDateTime(r.answeredAt).slice(11)}
                  </Text>
                ) : null}
              </Space>
            ),
          },
          {
            title: '待追蹤',
            width: 90,
            render: (_, r) => (r.followUpId ? <Link to={`/care/follow-ups?task=${r.followUpId}`}>開啟</Link> : '—'),
          },
        ]}
      />
    </Card>
  );
}
