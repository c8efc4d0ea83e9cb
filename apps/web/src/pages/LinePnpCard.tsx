// The LINE 官方帳號 page's section for LINE notification messages: reminders to patients who
// are not friends, by phone number, before SMS. Admin only (the page is); needs LINE's approval.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Card, Flex, Modal, Switch, Tag, Typography } from 'antd';
import { api, errorMessage, type Schema } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';

const { Paragraph, Text } = Typography;

export function LinePnpCard({ channel }: { channel: Schema<'LineChannel'> | null }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const save = useMutation({
    mutationFn: (enabled: boolean) => api.put('/api/line/channel/pnp', { body: { enabled } }),
    onSuccess: (c) => {
      qc.setQueryData(['line', 'channel'], c);
      void message.success(c.pnpEnabled ? '已開啟 LINE 通知訊息' : '已關閉 LINE 通知訊息');
    },
    onError: (err) => void message.error(errorMessage(err)),
  });
  const toggle = (enabled: boolean) => {
    if (!enabled) return save.mutate(false);
    Modal.confirm({
      title: '開啟 LINE 通知訊息？',
      content: '請確認 LINE 已核准此官方帳號使用 LINE 通知訊息。每則通知訊息由 LINE 另外計費，不佔每月訊息額度。',
      okText: '已獲核准，開啟',
      cancelText: '取消',
      onOk: () => save.mutateAsync(true),
    });
  };
  return (
    <Card
      title="LINE 通知訊息（需 LINE 核准）"
      extra={<HelpDrawer topic="linePnp" />}
      style={{ marginBottom: 16 }}
      data-testid="pnp-card"
    >
      <Flex align="center" gap={12} style={{ marginBottom: 12 }}>
        <Switch
          checked={channel?.pnpEnabled ?? false}
          disabled={!channel}
          loading={save.isPending}
          onChange={toggle}
          aria-label="LINE 通知訊息（需 LINE 核准）"
        />
        <Text strong>以 LINE 通知訊息提醒尚未加入好友的病患</Text>
        {channel?.pnpEnabled ? <Tag color="green">已開啟</Tag> : <Tag>未開啟</Tag>}
      </Flex>
      <Paragraph type="secondary" style={{ marginBottom: 8 }}>
        開啟後，尚未綁定 LINE 的病患會先依手機號碼收到 LINE 通知訊息（不必加入好友）；該號碼沒有 LINE 帳號、或 1
        小時內未送達時，再依簡訊備援設定改傳簡訊。通知訊息由 LINE 另外計費，不佔每月訊息額度，且不含確認／取消按鈕。
      </Paragraph>
      {!channel ? <Alert type="info" showIcon title="請先連接 LINE 官方帳號，才能開啟 LINE 通知訊息。" /> : null}
    </Card>
  );
}
