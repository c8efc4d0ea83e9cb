import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Skeleton,
  Space,
  Steps,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError, errorMessage, type ApiResponse, type Schema } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatDateTime } from '../format.ts';
import { applyFieldErrors } from '../forms.ts';
import { LinePnpCard } from './LinePnpCard.tsx';

type LineTestResult = ApiResponse<'/api/line/channel/test', 'post'>;
type SmsSettings = Schema<'SmsSettings'>;

const { Text, Paragraph } = Typography;
type ChannelForm = {
  channelId: string;
  channelSecret?: string;
  accessToken?: string;
  liffId?: string;
  greetingText?: string;
  readMode?: 'auto' | 'manual';
  botPauseMinutes?: number;
};
type SmsForm = {
  provider: SmsSettings['provider'];
  username: string;
  password?: string;
  baseUrl?: string;
  reminderFallback: boolean;
};

const PROVIDER_NAME: Record<string, string> = {
  mitake: '三竹簡訊',
  every8d: '互動資通',
  emulator: '模擬器',
  none: '不使用簡訊',
};
const SMS_PROVIDERS = [
  { value: 'default', label: '使用系統預設' },
  { value: 'mitake', label: '三竹簡訊（Mitake）' },
  { value: 'every8d', label: '互動資通（EVERY8D）' },
  { value: 'emulator', label: '模擬器（測試用，不會真的發送）' },
  { value: 'none', label: '不使用簡訊' },
];

function TestResult({ r }: { r: LineTestResult }) {
  if (!r.ok) {
    return (
      <Alert
        type="error"
        showIcon
        title={r.message}
        description={r.lineStatus ? `LINE 回應 ${r.lineStatus}${r.lineMessage ? `：${r.lineMessage}` : ''}` : undefined}
      />
    );
  }
  return (
    <Alert
      type={r.webhook && !r.webhook.ok ? 'warning' : 'success'}
      showIcon
      title={r.message}
      description={
        <Descriptions size="small" column={1} style={{ marginTop: 8 }}>
          {r.bot ? <Descriptions.Item label="機器人名稱">{r.bot.name}</Descriptions.Item> : null}
          {r.bot ? <Descriptions.Item label="LINE ID">{r.bot.basicId}</Descriptions.Item> : null}
          {r.webhook ? <Descriptions.Item label="Webhook">{r.webhook.message}</Descriptions.Item> : null}
          {r.quota ? (
            <Descriptions.Item label="本月訊息額度">
              已使用 {r.quota.used.toLocaleString()}{' '}
              {r.quota.limit != null ? `／ ${r.quota.limit.toLocaleString()} 則` : '則（無上限）'}
            </Descriptions.Item>
          ) : null}
        </Descriptions>
      }
    />
  );
}

function SmsSection() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<SmsForm>();
  const sms = useQuery({
    queryKey: ['sms', 'settings'],
    queryFn: () => api.get('/api/sms/settings'),
    retry: false,
  });
  useEffect(() => {
    if (sms.data) form.setFieldsValue({ ...sms.data, baseUrl: sms.data.baseUrl ?? '', password: '' });
  }, [sms.data, form]);
  const save = useMutation({
    mutationFn: (v: SmsForm) =>
      api.put('/api/sms/settings', {
        body: {
          provider: v.provider,
          username: v.username ?? '',
          reminderFallback: !!v.reminderFallback,
          ...(v.password ? { password: v.password } : {}),
          ...(v.provider === 'mitake' || v.provider === 'every8d' ? { baseUrl: v.baseUrl?.trim() || null } : {}),
        },
      }),
    onSuccess: (s) => {
      qc.setQueryData(['sms', 'settings'], s);
      void message.success('簡訊設定已儲存');
    },
    onError: (err) => {
      if (!applyFieldErrors(form, err)) void message.error(errorMessage(err));
    },
  });
  const provider = Form.useWatch('provider', form);

  if (sms.isLoading) return <Skeleton active paragraph={{ rows: 3 }} />;
  if (sms.isError) {
    const notYet = sms.error instanceof ApiError && (sms.error.status === 404 || sms.error.status === 405);
    return (
      <Alert
        type={notYet ? 'info' : 'error'}
        showIcon
        title={notYet ? '簡訊服務設定即將開放' : '無法載入簡訊設定'}
        description={
          notYet
            ? '目前綁定驗證碼由系統預設的簡訊通道發送（示範環境為 LINE 模擬器的簡訊收件匣）。開放後可在這裡填入診所自己的簡訊商帳號，並設定沒有 LINE 的病患改以簡訊提醒。'
            : errorMessage(sms.error)
        }
      />
    );
  }
  return (
    <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} disabled={save.isPending}>
      <Row gutter={24}>
        <Col xs={24} md={12}>
          <Form.Item
            label="簡訊商"
            name="provider"
            rules={[{ required: true, message: '請選擇簡訊商' }]}
            extra={
              sms.data?.effectiveProvider ? (
                <>
                  目前實際使用：
                  <Tag color={sms.data.effectiveProvider === 'none' ? 'default' : 'green'}>
                    {PROVIDER_NAME[sms.data.effectiveProvider] ?? sms.data.effectiveProvider}
                  </Tag>
                </>
              ) : undefined
            }
          >
            <Select
              options={SMS_PROVIDERS.map((o) =>
                o.value === 'default' && sms.data?.defaultProvider
                  ? {
                      ...o,
                      label: `使用系統預設（${PROVIDER_NAME[sms.data.defaultProvider] ?? sms.data.defaultProvider}）`,
                    }
                  : o,
              )}
            />
          </Form.Item>
        </Col>
        {provider === 'mitake' || provider === 'every8d' ? (
          <>
            <Col xs={24} md={12}>
              <Form.Item
                label="帳號"
                name="username"
                rules={[{ required: true, whitespace: true, message: '請輸入簡訊商帳號' }]}
              >
                <Input autoComplete="off" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item label="密碼" name="password" extra="以加密方式保存；留空表示不變更">
                <Input.Password
                  autoComplete="new-password"
                  placeholder={sms.data?.passwordSet ? '已設定（不顯示）' : '請輸入密碼'}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                label="API 網址（選填）"
                name="baseUrl"
                extra="留空使用簡訊商的預設網址"
                rules={[{ type: 'url', message: '請輸入完整網址，例如 https://…' }]}
              >
                <Input placeholder="https://" />
              </Form.Item>
            </Col>
          </>
        ) : null}
        <Col xs={24} md={12}>
          <Form.Item
            label="沒有 LINE 的病患改以簡訊提醒"
            name="reminderFallback"
            valuePropName="checked"
            extra="每則中文簡訊 70 字內計 1 則費用"
          >
            <Switch />
          </Form.Item>
        </Col>
      </Row>
      <Button type="primary" htmlType="submit" loading={save.isPending}>
        儲存簡訊設定
      </Button>
    </Form>
  );
}

export function LineSettingsPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<ChannelForm>();
  const [test, setTest] = useState<LineTestResult | null>(null);
  const q = useQuery({
    queryKey: ['line', 'channel'],
    queryFn: async () => (await api.get('/api/line/channel')).channel,
  });
  const channel = q.data ?? null;
  const channelIdInput = Form.useWatch('channelId', form);

  useEffect(() => {
    if (channel)
      form.setFieldsValue({
        channelId: channel.channelId,
        liffId: channel.liffId,
        greetingText: channel.greetingText,
        readMode: channel.readMode,
        botPauseMinutes: channel.botPauseMinutes,
        channelSecret: '',
        accessToken: '',
      });
  }, [channel, form]);

  const save = useMutation({
    mutationFn: (v: ChannelForm) =>
      api.put('/api/line/channel', {
        body: {
          channelId: v.channelId.trim(),
          ...(v.channelSecret ? { channelSecret: v.channelSecret.trim() } : {}),
          ...(v.accessToken ? { accessToken: v.accessToken.trim() } : {}),
          liffId: (v.liffId ?? '').trim(),
          greetingText: v.greetingText ?? '',
          ...(v.readMode ? { readMode: v.readMode } : {}),
          ...(v.botPauseMinutes ? { botPauseMinutes: v.botPauseMinutes } : {}),
        },
      }),
    onSuccess: (c) => {
      qc.setQueryData(['line', 'channel'], c);
      void message.success('LINE 設定已儲存，建議按「測試連線」確認');
    },
    onError: (err) => {
      if (!applyFieldErrors(form, err)) void message.error(errorMessage(err));
      else void message.error('請修正標示的欄位');
    },
  });
  const runTest = useMutation({
    mutationFn: () => api.post('/api/line/channel/test'),
    onSuccess: (r) => {
      setTest(r);
      void qc.invalidateQueries({ queryKey: ['line', 'channel'] });
    },
    onError: (err) => setTest({ ok: false, message: errorMessage(err), webhook: null, bot: null, quota: null }),
  });

  const publicBase = channel?.webhookUrl.replace(/\/line\/webhook\/.*$/, '') ?? window.location.origin;
  const cid = (channelIdInput || channel?.channelId || '').trim();
  const webhookUrl = channel?.webhookUrl ?? (cid ? `${publicBase}/line/webhook/${cid}` : '');
  const liffUrl = cid ? `${publicBase}/liff/${cid}/` : '';

  return (
    <>
      <PageHeader
        title="LINE 官方帳號"
        subtitle="連接診所的 LINE 官方帳號：病患加入好友、綁定、查詢預約與收到提醒都透過這個帳號。"
        help={<HelpDrawer topic="lineChannel" />}
      />
      {q.isLoading ? (
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      ) : q.isError ? (
        <Alert type="error" showIcon title="無法載入 LINE 設定" description={errorMessage(q.error)} />
      ) : (
        <Row gutter={16}>
          <Col xs={24} xl={14}>
            <Card title="Channel 資料" style={{ marginBottom: 16 }}>
              <Form
                form={form}
                layout="vertical"
                requiredMark="optional"
                disabled={save.isPending}
                onFinish={(v) => save.mutate(v)}
              >
                <Form.Item
                  label="Channel ID"
                  name="channelId"
                  rules={[
                    { required: true, message: '請輸入 Channel ID' },
                    { pattern: /^\d{6,20}$/, message: 'Channel ID 是 6–20 位數字' },
                  ]}
                  extra="LINE Developers → 你的 Messaging API channel → Basic settings"
                >
                  <Input inputMode="numeric" placeholder="例如 1657012345" style={{ maxWidth: 320 }} />
                </Form.Item>
                <Form.Item
                  label="Channel secret"
                  name="channelSecret"
                  rules={[
                    { required: !channel, message: '請輸入 Channel secret' },
                    { min: 8, message: '至少 8 個字元' },
                  ]}
                  extra={channel ? '已加密保存；要更換時才需輸入新的值' : '用來驗證 LINE 送來的 Webhook'}
                >
                  <Input.Password
                    autoComplete="new-password"
                    placeholder={channel ? '已設定（不顯示）' : '請貼上 Channel secret'}
                  />
                </Form.Item>
                <Form.Item
                  label="Channel access token（長期）"
                  name="accessToken"
                  rules={[
                    { required: !channel, message: '請輸入 access token' },
                    { min: 8, message: '至少 8 個字元' },
                  ]}
                  extra={
                    channel ? (
                      <>
                        目前：<Text code>{channel.accessTokenHint}</Text>；要更換時才需輸入新的值
                      </>
                    ) : (
                      'Messaging API 頁下方按 Issue 產生'
                    )
                  }
                >
                  <Input.Password
                    autoComplete="new-password"
                    placeholder={channel ? '已設定（不顯示）' : '請貼上 Channel access token'}
                  />
                </Form.Item>
                <Form.Item
                  label="LIFF ID"
                  name="liffId"
                  rules={[{ pattern: /^$|^\d+-[A-Za-z0-9]+$/, message: '格式如 1234567890-AbCdEfGh' }]}
                  extra="病患綁定與查詢預約的頁面；沒有設定時無法在 LINE 中綁定"
                >
                  <Input placeholder="例如 1657012345-AbCdEfGh" style={{ maxWidth: 320 }} />
                </Form.Item>
                <Form.Item
                  label="加入好友歡迎訊息"
                  name="greetingText"
                  rules={[{ max: 500, message: '最多 500 個字' }]}
                  extra="{clinic} 會換成診所名稱；訊息下方會自動附上「立即綁定」按鈕"
                >
                  <Input.TextArea
                    rows={4}
                    showCount
                    maxLength={500}
                    placeholder="歡迎加入{clinic}！綁定手機號碼後，就能收到看診提醒並查詢預約。"
                  />
                </Form.Item>
                <Row gutter={16}>
                  <Col xs={24} md={12}>
                    <Form.Item
                      label="已讀模式"
                      name="readMode"
                      extra="需與 LINE Official Account Manager 的設定相同；按「測試連線」會讀取 LINE 的設定"
                    >
                      <Select
                        options={[
                          { value: 'auto', label: '自動（LINE 收到即顯示已讀）' },
                          { value: 'manual', label: '手動（櫃台開啟對話才顯示已讀）' },
                        ]}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item
                      label="櫃台回覆後機器人暫停（分鐘）"
                      name="botPauseMinutes"
                      rules={[{ type: 'number', min: 1, max: 1440, message: '1–1440 分鐘' }]}
                      extra="期間病患的訊息不自動回覆，直接等櫃台回覆"
                    >
                      <InputNumber min={1} max={1440} style={{ width: 140 }} />
                    </Form.Item>
                  </Col>
                </Row>
                <Space>
                  <Button type="primary" htmlType="submit" loading={save.isPending}>
                    儲存
                  </Button>
                  <Button onClick={() => runTest.mutate()} loading={runTest.isPending} disabled={!channel}>
                    測試連線
                  </Button>
                </Space>
              </Form>
              {test ? (
                <div style={{ marginTop: 16 }}>
                  <TestResult r={test} />
                </div>
              ) : null}
            </Card>
            <Card title="簡訊服務" style={{ marginBottom: 16 }}>
              <Paragraph type="secondary" style={{ marginTop: 0 }}>
                綁定時的簡訊驗證碼，以及沒有 LINE 的病患的提醒備援。
              </Paragraph>
              <SmsSection />
            </Card>
            <LinePnpCard channel={channel} />
          </Col>
          <Col xs={24} xl={10}>
            <Card title="連線狀態" style={{ marginBottom: 16 }}>
              {channel ? (
                <Descriptions size="small" column={1}>
                  <Descriptions.Item label="機器人">
                    {channel.botName ?? <Text type="secondary">尚未測試</Text>}
                  </Descriptions.Item>
                  <Descriptions.Item label="最近測試">
                    {channel.lastTest ? (
                      <Space size={6}>
                        {channel.lastTest.ok ? (
                          <CheckCircleFilled style={{ color: '#389e0d' }} />
                        ) : (
                          <CloseCircleFilled style={{ color: '#cf1322' }} />
                        )}
                        <span>{channel.lastTest.message}</span>
                        <Text type="secondary">{formatDateTime(channel.lastTest.at)}</Text>
                      </Space>
                    ) : (
                      <Text type="secondary">尚未測試</Text>
                    )}
                  </Descriptions.Item>
                  <Descriptions.Item label="Webhook">
                    {channel.lastTest?.webhook ? (
                      <Space size={6} align="start">
                        {channel.lastTest.webhook.ok ? (
                          <CheckCircleFilled style={{ color: '#389e0d' }} />
                        ) : (
                          <CloseCircleFilled style={{ color: '#cf1322' }} />
                        )}
                        <span>{channel.lastTest.webhook.message}</span>
                      </Space>
                    ) : (
                      <Text type="secondary">「測試連線」時一併檢查</Text>
                    )}
                  </Descriptions.Item>
                  <Descriptions.Item label="LIFF">
                    {channel.liffId ? <Tag color="green">{channel.liffId}</Tag> : <Tag color="orange">未設定</Tag>}
                  </Descriptions.Item>
                  <Descriptions.Item label="更新時間">{formatDateTime(channel.updatedAt)}</Descriptions.Item>
                </Descriptions>
              ) : (
                <Alert
                  type="info"
                  showIcon
                  title="尚未連接 LINE 官方帳號"
                  description="填寫左側的 Channel 資料並儲存，再依照下方步驟到 LINE Developers 完成設定。"
                />
              )}
            </Card>
            <Card title="在 LINE Developers 完成設定">
              <Paragraph strong style={{ marginBottom: 4 }}>
                Webhook URL
              </Paragraph>
              {webhookUrl ? (
                <Paragraph copyable={{ text: webhookUrl, tooltips: ['複製', '已複製'] }}>
                  <Text code>{webhookUrl}</Text>
                </Paragraph>
              ) : (
                <Paragraph type="secondary">輸入 Channel ID 後顯示</Paragraph>
              )}
              <Paragraph strong style={{ marginBottom: 4 }}>
                LIFF Endpoint URL
              </Paragraph>
              {liffUrl ? (
                <Paragraph copyable={{ text: liffUrl, tooltips: ['複製', '已複製'] }}>
                  <Text code>{liffUrl}</Text>
                </Paragraph>
              ) : (
                <Paragraph type="secondary">輸入 Channel ID 後顯示</Paragraph>
              )}
              <Steps
                orientation="vertical"
                size="small"
                current={-1}
                items={[
                  {
                    title: '貼上 Webhook URL',
                    content:
                      '登入 LINE Developers → 選擇診所的 Messaging API channel → Messaging API 分頁 → ' +
                      'Webhook settings → Edit，貼上上方的 Webhook URL 後按 Update、Verify。',
                  },
                  { title: '開啟「使用 Webhook」', content: '同一區塊把「Use webhook（使用 Webhook）」切換為開啟。' },
                  {
                    title: '關閉「自動回應訊息」',
                    content:
                      '在 LINE Official Account Manager → 設定 → 回應設定，關閉「自動回應訊息」與「加入好友的歡迎訊息」，改由 Careline 回覆，避免重複。',
                  },
                  {
                    title: '建立 LIFF app',
                    content:
                      '在同一個 Provider 的 LINE Login channel → LIFF 分頁 → Add：Size 選 Full、' +
                      'Endpoint URL 貼上上方的 LIFF 網址、Scope 勾選 openid 與 profile，完成後把 LIFF ID 填回左側。',
                  },
                  { title: '測試連線', content: '回到本頁按「測試連線」，看到機器人名稱與本月訊息額度即完成。' },
                ]}
              />
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}
