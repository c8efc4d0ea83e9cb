// The 設定 › 登入安全 page: the clinic's two-factor policy (everyone must use it; those without
// it set it up at their next login) and who has it, with a reset for a lost phone.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Popconfirm, Switch, Table, Tag, Typography } from 'antd';
import { api, errorMessage, type ApiResponse } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { TableLoading } from '../components/TableLoading.tsx';

type Settings = ApiResponse<'/api/security/settings'>;
type Person = Settings['staff'][number];
const KEY = ['security', 'settings'] as const;

export function SecurityPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const settings = useQuery({ queryKey: KEY, queryFn: () => api.get('/api/security/settings') });
  const save = useMutation({
    mutationFn: (requireTwoFactor: boolean) => api.put('/api/security/settings', { body: { requireTwoFactor } }),
    onSuccess: (s) => {
      qc.setQueryData(KEY, s);
      void message.success(s.requireTwoFactor ? '已要求所有人員使用兩步驟驗證' : '已取消要求兩步驟驗證');
    },
    onError: (err) => void message.error(errorMessage(err)),
  });
  const reset = useMutation({
    mutationFn: (id: string) => api.post('/api/security/staff/{id}/reset-two-factor', { params: { path: { id } } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: KEY });
      void message.success('已重設，該人員下次登入時重新設定');
    },
    onError: (err) => void message.error(errorMessage(err)),
  });
  const s = settings.data;
  const active = (s?.staff ?? []).filter((p) => p.status !== 'disabled');
  const without = active.filter((p) => !p.twoFactorEnabled).length;

  return (
    <>
      <PageHeader
        title="登入安全"
        subtitle="要求診所人員登入時使用兩步驟驗證（密碼加上手機驗證 App 的 6 位數字）。"
        help={<HelpDrawer topic="loginSecurity" />}
      />
      {settings.isError ? <Alert type="error" showIcon title={errorMessage(settings.error)} /> : null}
      <Card title="兩步驟驗證" style={{ marginBottom: 16 }}>
        <Flex align="center" gap={12}>
          <Switch
            id="require-two-factor"
            checked={s?.requireTwoFactor ?? false}
            loading={save.isPending || settings.isLoading}
            onChange={(v) => save.mutate(v)}
          />
          <label htmlFor="require-two-factor" style={{ fontWeight: 500 }}>
            要求所有人員使用兩步驟驗證
          </label>
        </Flex>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {'開啟後，尚未設定的人員在下次登入時，輸入密碼後會先被引導用驗證 App 完成設定；已登入的人員不受影響。' +
            '人員開啟後無法自行停用。'}
        </Typography.Paragraph>
        {s?.requireTwoFactor && without > 0 ? (
          <Alert
            type="info"
            showIcon
            style={{ marginTop: 12 }}
            title={`還有 ${without} 位人員尚未設定，他們下次登入時會被引導完成設定。`}
          />
        ) : null}
      </Card>
      <Card title="人員" styles={{ body: { padding: 0 } }}>
        <Table<Person>
          rowKey="id"
          dataSource={s?.staff ?? []}
          pagination={false}
          locale={{ emptyText: settings.isLoading ? <TableLoading /> : '沒有人員' }}
          columns={[
            { title: '姓名', dataIndex: 'name', render: (v: string) => <span style={{ fontWeight: 500 }}>{v}</span> },
            { title: '電子郵件', dataIndex: 'email' },
            { title: '角色', dataIndex: 'roleLabel', width: 120 },
            {
              title: '兩步驟驗證',
              dataIndex: 'twoFactorEnabled',
              width: 140,
              render: (on: boolean, p) =>
                p.status === 'disabled' ? (
                  <Tag>帳號已停用</Tag>
                ) : on ? (
                  <Tag color="success">已啟用</Tag>
                ) : (
                  <Tag color={s?.requireTwoFactor ? 'warning' : undefined}>未設定</Tag>
                ),
            },
            {
              title: '操作',
              key: 'actions',
              width: 100,
              render: (_, p) =>
                p.twoFactorEnabled ? (
                  <Popconfirm
                    title={`重設「${p.name}」的兩步驟驗證？`}
                    description="用於手機遺失且沒有復原碼時。請先確認是本人。重設後他下次登入時重新設定。"
                    okText="重設"
                    okButtonProps={{ danger: true }}
                    cancelText="取消"
                    onConfirm={() => reset.mutateAsync(p.id)}
                  >
                    <Button type="link" danger size="small">
                      重設
                    </Button>
                  </Popconfirm>
                ) : null,
            },
          ]}
        />
      </Card>
    </>
  );
}
