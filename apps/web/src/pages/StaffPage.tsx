import { EditOutlined, KeyOutlined, StopOutlined, CheckCircleOutlined, UserAddOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Avatar,
  Button,
  Card,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, errorMessage, type ApiResponse, type Schema } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { CreateRevealModal } from '../components/CreateRevealModal.tsx';
import { OneTimeSecret } from '../components/OneTimeSecret.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { TableLoading } from '../components/TableLoading.tsx';
import { formatDateTime, fromNow } from '../format.ts';
import { applyFieldErrors } from '../forms.ts';
import { keys, useStaffList } from '../queries.ts';
import { ROLE_COLORS, ROLE_OPTIONS, STATUS_META, type StaffRole } from '../roles.ts';
import { useUser } from '../session.tsx';

type StaffMember = Schema<'StaffMember'>;
type LinkResponse = ApiResponse<'/api/staff', 'post'>;

type InviteForm = { email: string; name: string; role: StaffRole };
type EditForm = { name: string; role: StaffRole };

const roleSelectOptions = ROLE_OPTIONS.map((r) => ({
  value: r.value,
  label: r.label,
  title: r.description,
}));

function RoleOption({ value }: { value: StaffRole }) {
  const r = ROLE_OPTIONS.find((o) => o.value === value)!;
  return (
    <div>
      <div>{r.label}</div>
      <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)', whiteSpace: 'normal' }}>{r.description}</div>
    </div>
  );
}

function InviteModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <CreateRevealModal<InviteForm, LinkResponse>
      open={open}
      onClose={onClose}
      title="邀請人員"
      resultTitle="邀請連結已產生"
      submitLabel="產生邀請連結"
      doneLabel="完成"
      submit={(v) => api.post('/api/staff', { body: { email: v.email.trim(), name: v.name.trim(), role: v.role } })}
      invalidates={keys.staff}
      intro="系統會產生一個設定密碼的連結，請將連結交給該人員。對方設定密碼後即可登入。"
      formProps={{ initialValues: { role: 'front_desk' } }}
      result={(result) => (
        <>
          <Typography.Paragraph style={{ margin: 0 }}>
            已為 <Typography.Text strong>{result.staff.name}</Typography.Text>（{result.staff.email}）建立
            {result.staff.roleLabel}帳號。
          </Typography.Paragraph>
          <OneTimeSecret
            value={result.link}
            label="邀請連結"
            notice="請將此連結交給該人員，7 天內有效。連結只會顯示這一次，對方開啟後即可設定密碼。"
          />
        </>
      )}
    >
      <Form.Item
        label="電子郵件"
        name="email"
        rules={[
          { required: true, message: '請輸入電子郵件' },
          { type: 'email', message: '電子郵件格式不正確' },
        ]}
        extra="作為登入帳號"
      >
        <Input placeholder="name@clinic.com.tw" autoComplete="off" />
      </Form.Item>
      <Form.Item
        label="姓名"
        name="name"
        rules={[
          { required: true, whitespace: true, message: '請輸入姓名' },
          { max: 100, message: '最多 100 個字' },
        ]}
      >
        <Input placeholder="例如：王小明" />
      </Form.Item>
      <Form.Item label="角色" name="role" rules={[{ required: true, message: '請選擇角色' }]}>
        <Select options={roleSelectOptions} optionRender={(o) => <RoleOption value={o.value as StaffRole} />} />
      </Form.Item>
    </CreateRevealModal>
  );
}

function EditModal({ staff, onClose }: { staff: StaffMember | null; onClose: () => void }) {
  const [form] = Form.useForm<EditForm>();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const save = useMutation({
    mutationFn: (v: EditForm) =>
      api.patch('/api/staff/{id}', {
        params: { path: { id: staff!.id } },
        body: { name: v.name.trim(), role: v.role },
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.staff });
      void message.success('已更新人員資料');
      onClose();
    },
    onError: (err) => applyFieldErrors(form, err),
  });
  return (
    <Modal
      title="編輯人員"
      open={!!staff}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText="儲存"
      confirmLoading={save.isPending}
      destroyOnHidden
      afterClose={() => save.reset()}
    >
      {staff ? (
        <>
          <Typography.Paragraph type="secondary">{staff.email}</Typography.Paragraph>
          {save.isError ? (
            <Alert type="error" showIcon title={errorMessage(save.error)} style={{ marginBottom: 16 }} />
          ) : null}
          <Form
            form={form}
            layout="vertical"
            initialValues={{ name: staff.name, role: staff.role }}
            onFinish={(v) => save.mutate(v)}
            preserve={false}
          >
            <Form.Item
              label="姓名"
              name="name"
              rules={[
                { required: true, whitespace: true, message: '請輸入姓名' },
                { max: 100, message: '最多 100 個字' },
              ]}
            >
              <Input />
            </Form.Item>
            <Form.Item label="角色" name="role" rules={[{ required: true }]}>
              <Select options={roleSelectOptions} optionRender={(o) => <RoleOption value={o.value as StaffRole} />} />
            </Form.Item>
          </Form>
        </>
      ) : null}
    </Modal>
  );
}

function ResetLinkModal({ result, onClose }: { result: LinkResponse | null; onClose: () => void }) {
  return (
    <Modal
      title="重設密碼連結"
      open={!!result}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          完成
        </Button>
      }
      width={560}
      destroyOnHidden
    >
      {result ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Typography.Paragraph style={{ margin: 0 }}>
            已為 <Typography.Text strong>{result.staff.name}</Typography.Text>（{result.staff.email}
            ）產生重設密碼連結。對方設定新密碼後，舊密碼即失效。
          </Typography.Paragraph>
          <OneTimeSecret
            value={result.link}
            label="重設密碼連結"
            notice="請將此連結交給該人員，7 天內有效。連結只會顯示這一次。"
          />
        </Space>
      ) : null}
    </Modal>
  );
}

export function StaffPage() {
  const me = useUser();
  const staff = useStaffList();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<StaffMember | null>(null);
  const [resetResult, setResetResult] = useState<LinkResponse | null>(null);

  const setStatus = useMutation({
    mutationFn: (v: { id: string; status: 'active' | 'disabled' }) =>
      api.patch('/api/staff/{id}', { params: { path: { id: v.id } }, body: { status: v.status } }),
    onSuccess: (s) => {
      void qc.invalidateQueries({ queryKey: keys.staff });
      void message.success(s.status === 'disabled' ? `已停用 ${s.name}` : `已啟用 ${s.name}`);
    },
    onError: (err) => void message.error(errorMessage(err)),
  });
  const reset = useMutation({
    mutationFn: (id: string) => api.post('/api/staff/{id}/reset-password', { params: { path: { id } } }),
    onSuccess: (r) => setResetResult(r),
    onError: (err) => void message.error(errorMessage(err)),
  });

  const rows = staff.data ?? [];
  const activeCount = rows.filter((s) => s.status === 'active').length;

  return (
    <>
      <PageHeader
        title="人員管理"
        subtitle="邀請診所同仁使用後台，並依工作內容指派角色。停用的帳號會立即無法登入。"
        help={<HelpDrawer topic="staff" />}
        extra={
          <Button type="primary" icon={<UserAddOutlined />} onClick={() => setInviting(true)}>
            邀請人員
          </Button>
        }
      />
      <Card
        styles={{ body: { padding: 0 } }}
        title={staff.data ? `共 ${rows.length} 位人員・${activeCount} 位啟用中` : '人員'}
      >
        {staff.isError ? (
          <Alert type="error" showIcon title={errorMessage(staff.error)} style={{ margin: 16 }} />
        ) : null}
        <Table<StaffMember>
          rowKey="id"
          loading={staff.isFetching && !staff.isLoading}
          dataSource={rows}
          pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          locale={{
            emptyText: staff.isLoading ? (
              <TableLoading />
            ) : (
              <Empty
                description="還沒有其他人員。按「邀請人員」為櫃台或醫師建立帳號。"
                image={Empty.PRESENTED_IMAGE_SIMPLE}
              >
                <Button type="primary" onClick={() => setInviting(true)}>
                  邀請人員
                </Button>
              </Empty>
            ),
          }}
          columns={[
            {
              title: '姓名',
              dataIndex: 'name',
              render: (_, s) => (
                <Flex align="center" gap={12}>
                  <Avatar style={{ background: s.status === 'disabled' ? '#bfbfbf' : '#5bbf85', flexShrink: 0 }}>
                    {s.name.slice(0, 1)}
                  </Avatar>
                  <div style={{ minWidth: 0 }}>
                    <div style={{ fontWeight: 500 }}>
                      {s.name}
                      {s.id === me.id ? (
                        <Tag variant="filled" style={{ marginInlineStart: 8 }}>
                          您
                        </Tag>
                      ) : null}
                    </div>
                    <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                      {s.email}
                    </Typography.Text>
                  </div>
                </Flex>
              ),
            },
            {
              title: '角色',
              dataIndex: 'role',
              width: 120,
              render: (_, s) => <Tag color={ROLE_COLORS[s.role]}>{s.roleLabel}</Tag>,
            },
            {
              title: '狀態',
              dataIndex: 'status',
              width: 110,
              render: (_, s) => (
                <Tag color={STATUS_META[s.status]?.color}>{STATUS_META[s.status]?.label ?? s.status}</Tag>
              ),
            },
            {
              title: '最後登入',
              dataIndex: 'lastLoginAt',
              width: 190,
              render: (v: string | null) =>
                v ? (
                  <Tooltip title={fromNow(v)}>
                    <span>{formatDateTime(v)}</span>
                  </Tooltip>
                ) : (
                  <Typography.Text type="secondary">尚未登入</Typography.Text>
                ),
            },
            {
              title: '操作',
              key: 'actions',
              width: 260,
              render: (_, s) => (
                <Space size={0} wrap>
                  <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(s)}>
                    編輯
                  </Button>
                  <Popconfirm
                    title={s.status === 'invited' ? '重新產生邀請連結？' : '產生重設密碼連結？'}
                    description={s.status === 'invited' ? '先前的邀請連結將失效。' : '對方設定新密碼後，舊密碼即失效。'}
                    okText="產生連結"
                    cancelText="取消"
                    onConfirm={() => reset.mutateAsync(s.id)}
                  >
                    <Button type="link" size="small" icon={<KeyOutlined />} disabled={s.status === 'disabled'}>
                      {s.status === 'invited' ? '重新邀請' : '重設密碼'}
                    </Button>
                  </Popconfirm>
                  {s.status === 'disabled' ? (
                    <Popconfirm
                      title={`啟用 ${s.name}？`}
                      description="啟用後對方即可再次登入。"
                      okText="啟用"
                      cancelText="取消"
                      onConfirm={() => setStatus.mutateAsync({ id: s.id, status: 'active' })}
                    >
                      <Button type="link" size="small" icon={<CheckCircleOutlined />}>
                        啟用
                      </Button>
                    </Popconfirm>
                  ) : (
                    <Popconfirm
                      title={`停用 ${s.name}？`}
                      description="停用後對方會立即登出且無法再登入，紀錄仍會保留。"
                      okText="停用"
                      okButtonProps={{ danger: true }}
                      cancelText="取消"
                      onConfirm={() => setStatus.mutateAsync({ id: s.id, status: 'disabled' })}
                    >
                      <Button type="link" size="small" danger icon={<StopOutlined />} disabled={s.id === me.id}>
                        停用
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <InviteModal open={inviting} onClose={() => setInviting(false)} />
      <EditModal staff={editing} onClose={() => setEditing(null)} />
      <ResetLinkModal result={resetResult} onClose={() => setResetResult(null)} />
    </>
  );
}
