import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, errorMessage, type Schema } from '../api.ts';
import { LogoMark } from '../components/Logo.tsx';
import { applyFieldErrors } from '../forms.ts';
import { FullPageSpin, useSession, useSetSession } from '../session.tsx';
import { BRAND } from '../theme.ts';
import { TwoFactorStep, type Challenge } from './TwoFactorStep.tsx';

type LoginForm = { email: string; password: string };
type SignedIn = { user: Schema<'SessionUser'>; csrfToken: string };

/** Only same-site paths are allowed as the place to go after login. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <Flex style={{ minHeight: '100vh', background: '#f4f6f5' }}>
      <Flex
        vertical
        justify="space-between"
        style={{
          flex: '0 0 44%',
          maxWidth: 640,
          padding: '48px 56px',
          color: '#fff',
          background:
            'radial-gradient(circle at 20% 15%, rgba(255,255,255,0.12), transparent 45%), ' +
            `linear-gradient(160deg, #0a7d3c 0%, ${BRAND.siderBg} 100%)`,
        }}
        className="auth-brand"
      >
        <Flex align="center" gap={12}>
          <LogoMark size={40} />
          <span style={{ fontSize: 24, fontWeight: 700, letterSpacing: 0.5 }}>{BRAND.name}</span>
        </Flex>
        <div>
          <div style={{ fontSize: 32, fontWeight: 700, lineHeight: 1.35, marginBottom: 16 }}>
            讓每一次預約，
            <br />
            都準時赴約。
          </div>
          <div style={{ fontSize: 16, opacity: 0.85, marginBottom: 28 }}>{BRAND.tagline}</div>
          <ul
            style={{ listStyle: 'none', padding: 0, margin: 0, display: 'grid', gap: 14, fontSize: 15, opacity: 0.92 }}
          >
            {[
              'HIS 預約即時同步，自動發送 LINE 提醒',
              '病患一鍵確認、取消或改期，結果回傳 HIS',
              '衛教追蹤、滿意度與客服，集中在一個後台',
            ].map((t) => (
              <li key={t} style={{ display: 'flex', gap: 10, alignItems: 'center' }}>
                <span style={{ width: 8, height: 8, borderRadius: 4, background: '#7ee2a8', flexShrink: 0 }} />
                {t}
              </li>
            ))}
          </ul>
        </div>
        <div style={{ fontSize: 12, opacity: 0.6 }}>© {new Date().getFullYear()} Careline · 資料加密傳輸與保存</div>
      </Flex>
      <Flex flex={1} align="center" justify="center" style={{ padding: 32 }}>
        {children}
      </Flex>
    </Flex>
  );
}

export function LoginPage() {
  const { user, isLoading } = useSession();
  const setSession = useSetSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form] = Form.useForm<LoginForm>();
  const next = safeNext(params.get('next'));
  const [challenge, setChallenge] = useState<Challenge | null>(null);

  const signedIn = (s: SignedIn) => {
    setSession(s);
    navigate(s.user.role === 'platform_operator' ? '/platform/clinics' : next, { replace: true });
  };
  const login = useMutation({
    mutationFn: (v: LoginForm) =>
      api.post('/api/auth/login', {
        body: { email: v.email.trim(), password: v.password },
        allowUnauthenticated: true,
      }),
    onSuccess: (s) => ('twoFactor' in s ? setChallenge(s.twoFactor) : signedIn(s)),
    onError: (err) => applyFieldErrors(form, err),
  });

  if (isLoading) return <FullPageSpin />;
  if (user) return <Navigate to={next} replace />;

  if (challenge)
    return (
      <AuthLayout>
        <Card style={{ width: 480, boxShadow: '0 8px 32px rgba(15, 42, 33, 0.08)' }} styles={{ body: { padding: 36 } }}>
          <TwoFactorStep
            challenge={challenge}
            onDone={signedIn}
            onRestart={() => {
              setChallenge(null);
              login.reset();
              form.setFieldValue('password', '');
            }}
          />
        </Card>
      </AuthLayout>
    );

  return (
    <AuthLayout>
      <Card style={{ width: 420, boxShadow: '0 8px 32px rgba(15, 42, 33, 0.08)' }} styles={{ body: { padding: 36 } }}>
        <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>
          登入診所後台
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 28 }}>
          請使用診所管理者邀請您的電子郵件登入
        </Typography.Paragraph>
        {login.isError ? (
          <Alert type="error" showIcon title={errorMessage(login.error)} style={{ marginBottom: 20 }} />
        ) : null}
        <Form
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={(v) => login.mutate(v)}
          size="large"
          disabled={login.isPending}
        >
          <Form.Item
            label="電子郵件"
            name="email"
            rules={[
              { required: true, message: '請輸入電子郵件' },
              { type: 'email', message: '電子郵件格式不正確' },
            ]}
          >
            <Input
              prefix={<MailOutlined style={{ color: 'rgba(0,0,0,0.35)' }} />}
              autoComplete="username"
              placeholder="name@clinic.com.tw"
              autoFocus
            />
          </Form.Item>
          <Form.Item label="密碼" name="password" rules={[{ required: true, message: '請輸入密碼' }]}>
            <Input.Password
              prefix={<LockOutlined style={{ color: 'rgba(0,0,0,0.35)' }} />}
              autoComplete="current-password"
              placeholder="請輸入密碼"
            />
          </Form.Item>
          <Form.Item style={{ marginBottom: 12, marginTop: 8 }}>
            <Button type="primary" htmlType="submit" block loading={login.isPending}>
              登入
            </Button>
          </Form.Item>
        </Form>
        <Typography.Paragraph type="secondary" style={{ fontSize: 13, marginBottom: 0 }}>
          忘記密碼？請聯絡診所管理者為您產生重設密碼連結。
        </Typography.Paragraph>
      </Card>
    </AuthLayout>
  );
}
