import { LockOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, errorMessage, type Schema } from '../api.ts';
import { applyFieldErrors } from '../forms.ts';
import { useSetSession } from '../session.tsx';
import { AuthLayout } from './LoginPage.tsx';
import { TwoFactorStep, type Challenge } from './TwoFactorStep.tsx';

type InviteForm = { password: string; confirm: string };

export function InvitePage() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const setSession = useSetSession();
  const [form] = Form.useForm<InviteForm>();
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const signedIn = (s: { user: Schema<'SessionUser'>; csrfToken: string }) => {
    setSession(s);
    navigate(s.user.role === 'platform_operator' ? '/platform/clinics' : '/', { replace: true });
  };

  const accept = useMutation({
    mutationFn: (v: InviteForm) =>
      api.post('/api/auth/accept-invite', { body: { token, password: v.password }, allowUnauthenticated: true }),
    onSuccess: (s) => ('twoFactor' in s ? setChallenge(s.twoFactor) : signedIn(s)),
    onError: (err) => applyFieldErrors(form, err),
  });

  if (challenge)
    return (
      <AuthLayout>
        <Card style={{ width: 480, boxShadow: '0 8px 32px rgba(15, 42, 33, 0.08)' }} styles={{ body: { padding: 36 } }}>
          <TwoFactorStep
            challenge={challenge}
            onDone={signedIn}
            onRestart={() => navigate('/login', { replace: true })}
          />
        </Card>
      </AuthLayout>
    );

  return (
    <AuthLayout>
      <Card style={{ width: 440, boxShadow: '0 8px 32px rgba(15, 42, 33, 0.08)' }} styles={{ body: { padding: 36 } }}>
        <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>
          設定您的密碼
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 28 }}>
          歡迎加入 Careline。設定密碼後即可登入診所後台，之後請以電子郵件與這組密碼登入。
        </Typography.Paragraph>
        {accept.isError ? (
          <Alert type="error" showIcon title={errorMessage(accept.error)} style={{ marginBottom: 20 }} />
        ) : null}
        <Form
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={(v) => accept.mutate(v)}
          size="large"
          disabled={accept.isPending}
        >
          <Form.Item
            label="新密碼"
            name="password"
            extra="至少 12 個字元，建議使用一句好記但不易猜的句子"
            rules={[
              { required: true, message: '請輸入新密碼' },
              { min: 12, message: '密碼至少需要 12 個字元' },
              { max: 200, message: '密碼最多 200 個字元' },
            ]}
          >
            <Input.Password
              prefix={<LockOutlined style={{ color: 'rgba(0,0,0,0.35)' }} />}
              autoComplete="new-password"
              autoFocus
            />
          </Form.Item>
          <Form.Item
            label="確認新密碼"
            name="confirm"
            dependencies={['password']}
            rules={[
              { required: true, message: '請再輸入一次新密碼' },
              ({ getFieldValue }) => ({
                validator: (_, v) =>
                  !v || v === getFieldValue('password')
                    ? Promise.resolve()
                    : Promise.reject(new Error('兩次輸入的密碼不一致')),
              }),
            ]}
          >
            <Input.Password
              prefix={<LockOutlined style={{ color: 'rgba(0,0,0,0.35)' }} />}
              autoComplete="new-password"
            />
          </Form.Item>
          <Form.Item style={{ marginBottom: 0, marginTop: 8 }}>
            <Button type="primary" htmlType="submit" block loading={accept.isPending}>
              設定密碼並登入
            </Button>
          </Form.Item>
        </Form>
      </Card>
    </AuthLayout>
  );
}
