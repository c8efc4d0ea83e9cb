// The second step of a login (after the password): the code from the authenticator app or a
// recovery code, or — when the clinic requires two-factor login and it is not set up yet — the
// set-up itself, ending with the recovery codes.
import { KeyOutlined, SafetyOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError, errorMessage, type ApiResponse, type Schema } from '../api.ts';
import { RecoveryCodes, TotpSetup } from '../components/TwoFactor.tsx';

export type Challenge = Schema<'TwoFactorChallenge'>['twoFactor'];
type Session = ApiResponse<'/api/auth/login/code', 'post'>;

export function TwoFactorStep({
  challenge,
  onDone,
  onRestart,
}: {
  challenge: Challenge;
  onDone: (s: Session) => void;
  onRestart: () => void;
}) {
  const [recovery, setRecovery] = useState(false);
  const [done, setDone] = useState<Session | null>(null);
  const [form] = Form.useForm<{ code: string }>();
  const verify = useMutation({
    mutationFn: (v: { code: string }) =>
      api.post('/api/auth/login/code', {
        body: { challenge: challenge.challenge, code: v.code.trim() },
        allowUnauthenticated: true,
      }),
    onSuccess: (s) => (s.recoveryCodes ? setDone(s) : onDone(s)),
    onError: () => form.setFieldValue('code', ''),
  });
  const expired = verify.error instanceof ApiError && verify.error.code === 'CHALLENGE_EXPIRED';

  if (done?.recoveryCodes)
    return (
      <>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          兩步驟驗證已啟用
        </Typography.Title>
        <RecoveryCodes codes={done.recoveryCodes} />
        <Button type="primary" block size="large" style={{ marginTop: 20 }} onClick={() => onDone(done)}>
          我已妥善保存，繼續
        </Button>
      </>
    );

  const enrol = challenge.step === 'enrol' && challenge.setup;
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>
        {enrol ? '設定兩步驟驗證' : '兩步驟驗證'}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 20 }}>
        {enrol
          ? '您的帳號需要使用兩步驟驗證才能登入。請用手機上的驗證 App 完成設定，之後每次登入都要輸入 App 上的 6 位數字。'
          : recovery
            ? '請輸入一組尚未使用過的復原碼（每組只能使用一次）。'
            : '請輸入手機驗證 App 上目前顯示的 6 位數字。'}
      </Typography.Paragraph>
      {enrol ? (
        <div style={{ marginBottom: 20 }}>
          <TotpSetup secret={enrol.secret} otpauthUri={enrol.otpauthUri} />
        </div>
      ) : null}
      {verify.isError ? (
        <Alert
          type="error"
          showIcon
          title={errorMessage(verify.error)}
          style={{ marginBottom: 20 }}
          action={
            expired ? (
              <Button size="small" onClick={onRestart}>
                重新登入
              </Button>
            ) : undefined
          }
        />
      ) : null}
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => verify.mutate(v)} size="large">
        <Form.Item
          label={recovery ? '復原碼' : '驗證碼'}
          name="code"
          rules={[
            { required: true, message: recovery ? '請輸入復原碼' : '請輸入 6 位數字驗證碼' },
            ...(recovery ? [] : [{ pattern: /^\s*\d{6}\s*$/, message: '驗證碼是 6 位數字' }]),
          ]}
        >
          <Input
            prefix={recovery ? <KeyOutlined /> : <SafetyOutlined />}
            autoComplete="one-time-code"
            inputMode={recovery ? 'text' : 'numeric'}
            maxLength={recovery ? 40 : 6}
            placeholder={recovery ? 'xxxxx-xxxxx' : '123456'}
            autoFocus
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={verify.isPending}>
          {enrol ? '啟用並登入' : '驗證並登入'}
        </Button>
      </Form>
      <Typography.Paragraph type="secondary" style={{ fontSize: 13, marginTop: 16, marginBottom: 0 }}>
        {enrol ? null : (
          <Button
            type="link"
            size="small"
            style={{ padding: 0 }}
            onClick={() => {
              setRecovery(!recovery);
              form.resetFields();
              verify.reset();
            }}
          >
            {recovery ? '改用驗證 App 的驗證碼' : '手機不在身邊？改用復原碼'}
          </Button>
        )}{' '}
        <Button type="link" size="small" style={{ padding: 0 }} onClick={onRestart}>
          返回登入
        </Button>
      </Typography.Paragraph>
    </>
  );
}
