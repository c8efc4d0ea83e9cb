import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Empty, Form, Input, Row, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, errorMessage, type ApiResponse, type Schema } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { CreateRevealModal } from '../components/CreateRevealModal.tsx';
import { OneTimeSecret } from '../components/OneTimeSecret.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { TableLoading } from '../components/TableLoading.tsx';
import { formatDateTime } from '../format.ts';
import { keys } from '../queries.ts';
import { TIME_ZONES } from './ClinicSettingsPage.tsx';

type CreateForm = {
  name: string;
  timeZone: string;
  address?: string;
  phone?: string;
  adminEmail: string;
  adminName: string;
};
type Created = ApiResponse<'/api/platform/clinics', 'post'>;

function CreateClinicModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <CreateRevealModal<CreateForm, Created>
      open={open}
      onClose={onClose}
      title="開設診所"
      resultTitle="診所已開設"
      submitLabel="開設診所"
      doneLabel="完成"
      width={640}
      submit={(v) =>
        api.post('/api/platform/clinics', {
          body: {
            name: v.name.trim(),
            timeZone: v.timeZone,
            address: v.address?.trim() || undefined,
            phone: v.phone?.trim() || undefined,
            adminEmail: v.adminEmail.trim(),
            adminName: v.adminName.trim(),
          },
        })
      }
      invalidates={keys.platformClinics}
      formProps={{ initialValues: { timeZone: 'Asia/Taipei' }, requiredMark: 'optional' }}
      result={(created) => (
        <>
          <Typography.Paragraph style={{ margin: 0 }}>
            已開設「<Typography.Text strong>{created.clinic.name}</Typography.Text>
            」。請將下方連結交給診所的第一位管理者，對方設定密碼後即可登入並邀請其他人員。
          </Typography.Paragraph>
          <OneTimeSecret
            value={created.adminInviteLink}
            label="管理者邀請連結"
            notice="請將此連結交給該人員，7 天內有效。連結只會顯示這一次。"
          />
        </>
      )}
    >
      <Typography.Text strong>診所</Typography.Text>
      <Row gutter={16} style={{ marginTop: 8 }}>
        <Col span={12}>
          <Form.Item
            label="診所名稱"
            name="name"
            rules={[{ required: true, whitespace: true, message: '請輸入診所名稱' }]}
          >
            <Input placeholder="例如：晴光牙醫診所" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item label="時區" name="timeZone">
            <Select options={TIME_ZONES} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item label="電話" name="phone">
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item label="地址" name="address">
            <Input />
          </Form.Item>
        </Col>
      </Row>
      <Typography.Text strong>第一位管理者</Typography.Text>
      <Row gutter={16} style={{ marginTop: 8 }}>
        <Col span={12}>
          <Form.Item
            label="電子郵件"
            name="adminEmail"
            rules={[
              { required: true, message: '請輸入電子郵件' },
              { type: 'email', message: '電子郵件格式不正確' },
            ]}
          >
            <Input autoComplete="off" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            label="姓名"
            name="adminName"
            rules={[{ required: true, whitespace: true, message: '請輸入姓名' }]}
          >
            <Input />
          </Form.Item>
        </Col>
      </Row>
    </CreateRevealModal>
  );
}

export function PlatformClinicsPage() {
  const [creating, setCreating] = useState(false);
  const list = useQuery({
    queryKey: keys.platformClinics,
    queryFn: async () => (await api.get('/api/platform/clinics')).items,
  });
  return (
    <>
      <PageHeader
        title="診所列表"
        subtitle="使用 Careline 的所有診所。開設新診所時會同時產生第一位管理者的邀請連結。"
        help={<HelpDrawer topic="platform" />}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            開設診所
          </Button>
        }
      />
      <Card styles={{ body: { padding: 0 } }} title={list.data ? `共 ${list.data.length} 間診所` : '診所'}>
        {list.isError ? <Alert type="error" showIcon title={errorMessage(list.error)} style={{ margin: 16 }} /> : null}
        <Table<Schema<'Clinic'>>
          rowKey="id"
          loading={list.isFetching && !list.isLoading}
          dataSource={list.data ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{
            emptyText: list.isLoading ? (
              <TableLoading />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="尚未開設任何診所。">
                <Button type="primary" onClick={() => setCreating(true)}>
                  開設診所
                </Button>
              </Empty>
            ),
          }}
          columns={[
            {
              title: '診所',
              dataIndex: 'name',
              render: (v: string, c) => (
                <div>
                  <span style={{ fontWeight: 500 }}>{v}</span>
                  {c.isSandbox ? (
                    <Tag color="orange" style={{ marginInlineStart: 8 }}>
                      測試環境
                    </Tag>
                  ) : null}
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                      {c.address || '—'}
                    </Typography.Text>
                  </div>
                </div>
              ),
            },
            { title: '電話', dataIndex: 'phone', width: 160, render: (v: string) => v || '—' },
            { title: '時區', dataIndex: 'timeZone', width: 150 },
            {
              title: '狀態',
              dataIndex: 'status',
              width: 100,
              render: (v: string) => (v === 'active' ? <Tag color="success">使用中</Tag> : <Tag>{v}</Tag>),
            },
            { title: '開設時間', dataIndex: 'createdAt', width: 170, render: formatDateTime },
          ]}
        />
      </Card>
      <CreateClinicModal open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
