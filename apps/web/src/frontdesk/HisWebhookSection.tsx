// 設定 → HIS 串接: the webhook (URL + signing secret shown once / regenerated), the delivery log
// (status, response code, duration, error, 重新傳送) and 傳送測試事件.
import { EyeInvisibleOutlined, EyeOutlined, KeyOutlined, ReloadOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Flex,
  Form,
  Input,
  Popconfirm,
  Segmented,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, errorMessage, type ApiResponse } from '../api.ts';
import { OneTimeSecret } from '../components/OneTimeSecret.tsx';
import { TableLoading } from '../components/TableLoading.tsx';
import { formatDateTime, fromNow } from '../format.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';

type Delivery = ApiResponse<'/api/his/webhook/deliveries'>['items'][number];

const EVENT: Record<string, string> = {
  'appointment.status_changed': '預約狀態變更',
  'appointment.reply_changed': '病患回覆變更',
  'patient.line_changed': 'LINE 綁定變更',
  'patient.merged': '病患合併',
  'webhook.test': '測試事件',
};

export function HisWebhookSection() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ url: string }>();
  const [reveal, setReveal] = useState(false);
  const [fresh, setFresh] = useState<string | null>(null);
  const [onlyFailed, setOnlyFailed] = useState(false);
  const hook = useQuery({ queryKey: ['his-webhook'], queryFn: () => api.get('/api/his/webhook') });
  const deliveries = useQuery({
    queryKey: ['his-webhook', 'deliveries', onlyFailed],
    queryFn: () =>
      api.get('/api/his/webhook/deliveries', { params: { query: { failed: onlyFailed || undefined, limit: 50 } } }),
    refetchInterval: 10_000,
  });
  const save = useMutation({
    mutationFn: (v: { url: string }) => api.put('/api/his/webhook', { body: { url: v.url.trim() } }),
    onSuccess: (r) => {
      setFresh(r.secret);
      void qc.invalidateQueries({ queryKey: ['his-webhook'] });
      void message.success('Webhook 已儲存，已產生新的簽章密鑰');
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const test = useMutation({
    mutationFn: () => api.post('/api/his/webhook/test'),
    onSuccess: () => {
      void message.success('測試事件已送出，結果稍後會出現在傳送紀錄');
      setTimeout(() => void qc.invalidateQueries({ queryKey: ['his-webhook', 'deliveries'] }), 1500);
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const redeliver = useMutation({
    mutationFn: (id: number) => api.post('/api/his/webhook/deliveries/{id}/redeliver', { params: { path: { id } } }),
    onSuccess: () => {
      void message.success('已重新排入傳送');
      setTimeout(() => void qc.invalidateQueries({ queryKey: ['his-webhook', 'deliveries'] }), 1500);
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const h = hook.data;
  const masked = h?.secret ? `${h.secret.slice(0, 6)}${'•'.repeat(18)}${h.secret.slice(-4)}` : '';

  return (
    <Card title="Webhook（通知 HIS）" style={{ marginTop: 16 }} extra={<HelpDrawer topic="webhook" />}>
      {hook.error ? (
        <Alert type="error" showIcon title={errorMessage(hook.error)} style={{ marginBottom: 16 }} />
      ) : null}
      <Typography.Paragraph type="secondary">
        病患在 LINE 確認、取消或改期，或綁定狀態改變時，Careline 以簽章過的 HTTP POST 通知 HIS。
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={{ url: h?.url ?? '' }}
        key={h?.updatedAt ?? 'new'}
      >
        <Flex gap={12} align="flex-end" wrap>
          <Form.Item
            label="接收網址"
            name="url"
            style={{ flex: '1 1 420px', marginBottom: 0 }}
            rules={[
              { required: true, message: '請輸入 HIS 接收通知的網址' },
              { type: 'url', message: '網址格式不正確，例如 https://his.example.com/careline/webhook' },
            ]}
          >
            <Input placeholder="https://his.example.com/careline/webhook" autoComplete="off" />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              {h?.configured ? '儲存並重新產生密鑰' : '儲存'}
            </Button>
            <Button
              icon={<SendOutlined />}
              disabled={!h?.configured}
              loading={test.isPending}
              onClick={() => test.mutate()}
            >
              傳送測試事件
            </Button>
          </Space>
        </Flex>
      </Form>
      {fresh ? (
        <div style={{ marginTop: 16 }}>
          <OneTimeSecret
            type="warning"
            value={fresh}
            label="簽章密鑰"
            notice="請立即複製交給 HIS 廠商設定簽章驗證；離開此頁後請以下方的遮罩版本核對。若密鑰外流，按「儲存並重新產生密鑰」即可更換。"
          />
        </div>
      ) : h?.configured ? (
        <Flex align="center" gap={8} style={{ marginTop: 16 }}>
          <KeyOutlined style={{ color: 'rgba(0,0,0,0.45)' }} />
          <Typography.Text type="secondary">簽章密鑰：</Typography.Text>
          <Typography.Text code>{reveal ? h.secret : masked}</Typography.Text>
          <Button
            size="small"
            type="text"
            icon={reveal ? <EyeInvisibleOutlined /> : <EyeOutlined />}
            onClick={() => setReveal((x) => !x)}
            aria-label={reveal ? '隱藏密鑰' : '顯示密鑰'}
          />
          {h.updatedAt ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              更新於 {formatDateTime(h.updatedAt)}
            </Typography.Text>
          ) : null}
        </Flex>
      ) : null}

      <Flex justify="space-between" align="center" style={{ margin: '24px 0 12px' }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          傳送紀錄
        </Typography.Title>
        <Space>
          <Segmented
            size="small"
            value={onlyFailed ? 'failed' : 'all'}
            onChange={(v) => setOnlyFailed(v === 'failed')}
            options={[
              { label: '全部', value: 'all' },
              { label: '只看失敗', value: 'failed' },
            ]}
          />
          <Button
            size="small"
            icon={<ReloadOutlined />}
            onClick={() => void deliveries.refetch()}
            aria-label="重新整理傳送紀錄"
          />
        </Space>
      </Flex>
      <Table<Delivery>
        rowKey="id"
        size="small"
        dataSource={deliveries.data?.items ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{
          emptyText: deliveries.isLoading ? (
            <TableLoading />
          ) : (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={
                h?.configured
                  ? '還沒有傳送紀錄。按「傳送測試事件」確認 HIS 收得到。'
                  : '設定接收網址後，每一次通知的結果會列在這裡。'
              }
            />
          ),
        }}
        columns={[
          {
            title: '時間',
            dataIndex: 'createdAt',
            width: 150,
            render: (v: string) => <Tooltip title={formatDateTime(v)}>{fromNow(v)}</Tooltip>,
          },
          {
            title: '事件',
            dataIndex: 'eventType',
            render: (v: string, d) => (
              <span>
                {EVENT[v] ?? v}
                {d.attempt > 1 ? <Tag style={{ marginInlineStart: 6 }}>第 {d.attempt} 次</Tag> : null}
              </span>
            ),
          },
          {
            title: '結果',
            dataIndex: 'ok',
            width: 90,
            render: (ok: boolean) => (ok ? <Tag color="success">成功</Tag> : <Tag color="error">失敗</Tag>),
          },
          { title: '回應碼', dataIndex: 'statusCode', width: 80, render: (v: number | null) => v ?? '—' },
          { title: '耗時', dataIndex: 'durationMs', width: 80, render: (v: number) => `${v} ms` },
          {
            title: '錯誤',
            dataIndex: 'error',
            ellipsis: true,
            render: (v: string | null) =>
              v ? (
                <Tooltip title={v}>
                  <Typography.Text type="danger">{v}</Typography.Text>
                </Tooltip>
              ) : (
                '—'
              ),
          },
          {
            title: '',
            key: 'redo',
            width: 100,
            render: (_, d) => (
              <Popconfirm
                title="重新傳送這個事件？"
                description="HIS 會以相同的事件 id 再收到一次（可依 id 去重）。"
                okText="重新傳送"
                cancelText="取消"
                onConfirm={() => redeliver.mutate(d.id)}
              >
                <Button size="small" type="link">
                  重新傳送
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Card>
  );
}
