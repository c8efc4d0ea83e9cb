// The 帳號安全 page: the signed-in user's own two-factor login — set it up (QR code or key,
// then the first code), see how many recovery codes are left, make new ones, or turn it off.
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Skeleton, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, errorMessage } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { RecoveryCodes, TotpSetup } from '../components/TwoFactor.tsx';
import { formatDateTime } from '../format.ts';
import { isOperator, useUser } from '../session.tsx';

const STATUS_KEY = ['account', 'two-factor'] as const;

/** A 6-digit code (or, where allowed, a recovery code) asked for before a change. */
function CodeModal({
  open,
  title,
  intro,
  okText,
  danger,
  allowRecovery,
  onCancel,
  submit,
}: {
  open: boolean;
  title: string;
  intro: string;
  okText: string;
  danger?: boolean;
  allowRecovery?: boolean;
  onCancel: () => void;
  submit: (code: string) => Promise<unknown>;
}) {
  const [form] = Form.useForm<{ code: string }>();
  const run = useMutation({ mutationFn: (code: string) => submit(code), onError: () => form.resetFields() });
  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      cancelText="取消"
      okButtonProps={{ danger, loading: run.isPending }}
      onOk={() => form.submit()}
      onCancel={onCancel}
      afterClose={() => {
        form.resetFields();
        run.reset();
      }}
      destroyOnHidden
    >
      <Typography.Paragraph>{intro}</Typography.Paragraph>
      {run.isError ? (
        <Alert type="error" showIcon title={errorMessage(run.error)} style={{ marginBottom: 16 }} />
      ) : null}
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => run.mutate(v.code.trim())}>
        <Form.Item
          label={allowRecovery ? '驗證碼或復原碼' : '驗證碼'}
          name="code"
          rules={[{ required: true, message: '請輸入驗證碼' }]}
        >
          <Input autoComplete="one-time-code" maxLength={40} placeholder="123456" autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function AccountSecurityPage() {
  const user = useUser();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const status = useQuery({ queryKey: STATUS_KEY, queryFn: () => api.get('/api/account/two-factor') });
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [asking, setAsking] = useState<'regenerate' | 'disable' | null>(null);
  const [form] = Form.useForm<{ code: string }>();
  const refresh = () => qc.invalidateQueries({ queryKey: STATUS_KEY });

  const begin = useMutation({
    mutationFn: () => api.post('/api/account/two-factor/setup'),
    onSuccess: (s) => setSetup(s),
  });
  const enable = useMutation({
    mutationFn: (code: string) => api.post('/api/account/two-factor/enable', { body: { code } }),
    onSuccess: (r) => {
      setSetup(null);
      setCodes(r.recoveryCodes);
      form.resetFields();
      void refresh();
      void message.success('兩步驟驗證已啟用');
    },
    onError: () => form.resetFields(),
  });

  const s = status.data;
  const who = isOperator(user) ? '平台營運人員必須使用兩步驟驗證。' : '診所要求所有人員使用兩步驟驗證。';
  return (
    <>
      <PageHeader
        title="帳號安全"
        subtitle="用手機的驗證 App 保護您的帳號：登入時除了密碼，還要輸入 App 上的 6 位數字。"
        help={<HelpDrawer topic="accountSecurity" />}
      />
      <Card
        title={
          <Space>
            <SafetyCertificateOutlined />
            兩步驟驗證
            {s ? s.enabled ? <Tag color="success">已啟用</Tag> : <Tag>未啟用</Tag> : null}
          </Space>
        }
        style={{ maxWidth: 760 }}
      >
        {status.isError ? <Alert type="error" showIcon title={errorMessage(status.error)} /> : null}
        {status.isLoading ? <Skeleton active /> : null}
        {s?.required ? <Alert type="info" showIcon title={who} style={{ marginBottom: 16 }} /> : null}
        {s && s.enabled ? (
          <>
            <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
              <Descriptions.Item label="帳號">{user.email}</Descriptions.Item>
              <Descriptions.Item label="啟用時間">{s.enabledAt ? formatDateTime(s.enabledAt) : '—'}</Descriptions.Item>
              <Descriptions.Item label="剩餘復原碼">
                {s.recoveryCodesLeft} 組
                {s.recoveryCodesLeft <= 3 ? (
                  <Tag color="warning" style={{ marginInlineStart: 8 }}>
                    所剩不多，請重新產生
                  </Tag>
                ) : null}
              </Descriptions.Item>
            </Descriptions>
            <Space wrap>
              <Button onClick={() => setAsking('regenerate')}>重新產生復原碼</Button>
              <Button danger disabled={s.required} onClick={() => setAsking('disable')}>
                停用兩步驟驗證
              </Button>
            </Space>
          </>
        ) : null}
        {s && !s.enabled && !setup ? (
          <>
            <Typography.Paragraph>
              啟用後，登入時除了密碼，還要輸入手機驗證 App（Google Authenticator、Microsoft Authenticator 等）上每 30
              秒更新的 6 位數字。就算密碼外洩，沒有您的手機也無法登入。
            </Typography.Paragraph>
            {begin.isError ? <Alert type="error" showIcon title={errorMessage(begin.error)} /> : null}
            <Button type="primary" loading={begin.isPending} onClick={() => begin.mutate()}>
              開始設定
            </Button>
          </>
        ) : null}
        {setup ? (
          <>
            <Typography.Title level={5} style={{ marginTop: 0 }}>
              1. 用驗證 App 加入帳號
            </Typography.Title>
            <TotpSetup secret={setup.secret} otpauthUri={setup.otpauthUri} />
            <Typography.Title level={5}>2. 輸入 App 顯示的 6 位數字</Typography.Title>
            {enable.isError ? (
              <Alert type="error" showIcon title={errorMessage(enable.error)} style={{ marginBottom: 12 }} />
            ) : null}
            <Form form={form} layout="inline" onFinish={(v) => enable.mutate(v.code.trim())}>
              <Form.Item
                name="code"
                label="驗證碼"
                rules={[
                  { required: true, message: '請輸入驗證碼' },
                  { pattern: /^\s*\d{6}\s*$/, message: '驗證碼是 6 位數字' },
                ]}
              >
                <Input autoComplete="one-time-code" inputMode="numeric" maxLength={6} placeholder="123456" />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={enable.isPending}>
                啟用
              </Button>
              <Button type="link" onClick={() => setSetup(null)}>
                取消
              </Button>
            </Form>
          </>
        ) : null}
      </Card>

      <Modal
        open={!!codes}
        title="您的復原碼"
        closable={false}
        maskClosable={false}
        footer={
          <Button type="primary" onClick={() => setCodes(null)}>
            我已妥善保存
          </Button>
        }
        width={560}
      >
        {codes ? <RecoveryCodes codes={codes} /> : null}
      </Modal>
      <CodeModal
        open={asking === 'regenerate'}
        title="重新產生復原碼"
        intro="請輸入驗證 App 上的 6 位數字。產生新的 10 組復原碼後，舊的復原碼全部失效。"
        okText="產生"
        allowRecovery
        onCancel={() => setAsking(null)}
        submit={async (code) => {
          const r = await api.post('/api/account/two-factor/recovery-codes', { body: { code } });
          setAsking(null);
          setCodes(r.recoveryCodes);
          await refresh();
        }}
      />
      <CodeModal
        open={asking === 'disable'}
        title="停用兩步驟驗證"
        intro="停用後登入只需要密碼。請輸入驗證 App 上的 6 位數字（或一組復原碼）確認。"
        okText="停用"
        danger
        allowRecovery
        onCancel={() => setAsking(null)}
        submit={async (code) => {
          await api.post('/api/account/two-factor/disable', { body: { code } });
          setAsking(null);
          await refresh();
          void message.success('已停用兩步驟驗證');
        }}
      />
    </>
  );
}
