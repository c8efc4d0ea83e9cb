import { ApiOutlined, FileTextOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Form, Input, Popconfirm, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { api, errorMessage, type ApiResponse, type Schema } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { CreateRevealModal } from '../components/CreateRevealModal.tsx';
import { OneTimeSecret } from '../components/OneTimeSecret.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { HisWebhookSection } from '../frontdesk/HisWebhookSection.tsx';
import { HisInitialSyncSection } from './HisInitialSyncSection.tsx';
import { TableLoading } from '../components/TableLoading.tsx';
import { formatDateTime, fromNow } from '../format.ts';
import { keys, useApiKeys } from '../queries.ts';

type ApiKey = Schema<'ApiKey'>;
type Created = ApiResponse<'/api/api-keys', 'post'>;

function CreateKeyModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <CreateRevealModal<{ name: string }, Created>
      open={open}
      onClose={onClose}
      title="建立 API 金鑰"
      resultTitle="金鑰已建立"
      submitLabel="建立金鑰"
      doneLabel="我已妥善保存"
      width={600}
      secret
      submit={(v) => api.post('/api/api-keys', { body: { name: v.name.trim() } })}
      invalidates={keys.apiKeys}
      intro="為金鑰取一個好辨認的名稱，例如使用它的系統或地點，日後需要撤銷時才知道是哪一把。"
      result={(created) => (
        <>
          <Typography.Paragraph style={{ margin: 0 }}>
            金鑰「<Typography.Text strong>{created.apiKey.name}</Typography.Text>」已建立。HIS 呼叫 API
            時，請在每個請求帶上標頭：
            <br />
            <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
              Authorization: Bearer &lt;金鑰&gt;
            </Typography.Text>
          </Typography.Paragraph>
          <OneTimeSecret
            type="warning"
            value={created.key}
            label="API 金鑰"
            notice="金鑰只會顯示這一次，關閉後無法再查看。請立即複製並交給資訊人員妥善保存；若遺失，請建立新金鑰並撤銷這一把。"
          />
        </>
      )}
    >
      <Form.Item
        label="金鑰名稱"
        name="name"
        rules={[
          { required: true, whitespace: true, message: '請輸入金鑰名稱' },
          { max: 100, message: '最多 100 個字' },
        ]}
      >
        <Input placeholder="例如：門診 HIS 正式機" autoComplete="off" />
      </Form.Item>
    </CreateRevealModal>
  );
}

export function ApiKeysPage() {
  const list = useApiKeys();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);
  const revoke = useMutation({
    mutationFn: (id: string) => api.delete('/api/api-keys/{id}', { params: { path: { id } } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.apiKeys });
      void message.success('金鑰已撤銷');
    },
    onError: (err) => void message.error(errorMessage(err)),
  });
  const rows = [...(list.data ?? [])].sort(
    (a, b) => Number(!!a.revokedAt) - Number(!!b.revokedAt) || b.createdAt.localeCompare(a.createdAt),
  );

  return (
    <>
      <PageHeader
        title="HIS 串接"
        subtitle="醫院資訊系統（HIS）以 API 金鑰呼叫 Careline 的 Open API，即時同步醫師、病患與預約。"
        help={<HelpDrawer topic="apiKeys" />}
        extra={
          <>
            <Button icon={<FileTextOutlined />} href="/docs" target="_blank">
              API 文件
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              建立金鑰
            </Button>
          </>
        }
      />
      <Card title="API 金鑰" styles={{ body: { padding: 0 } }}>
        {list.isError ? <Alert type="error" showIcon title={errorMessage(list.error)} style={{ margin: 16 }} /> : null}
        <Table<ApiKey>
          rowKey="id"
          loading={list.isFetching && !list.isLoading}
          dataSource={rows}
          pagination={false}
          locale={{
            emptyText: list.isLoading ? (
              <TableLoading />
            ) : (
              <Empty
                image={<ApiOutlined style={{ fontSize: 40, color: '#bfbfbf' }} />}
                styles={{ image: { height: 48 } }}
                description="尚未建立任何金鑰。建立一把金鑰交給 HIS 廠商或資訊人員，即可開始同步預約。"
              >
                <Button type="primary" onClick={() => setCreating(true)}>
                  建立金鑰
                </Button>
              </Empty>
            ),
          }}
          columns={[
            {
              title: '名稱',
              dataIndex: 'name',
              render: (v: string, k) => (
                <span style={{ fontWeight: 500, color: k.revokedAt ? 'rgba(0,0,0,0.45)' : undefined }}>
                  {v}
                  {(k as ApiKey & { sandbox?: boolean }).sandbox ? (
                    <Tag color="orange" style={{ marginInlineStart: 8 }}>
                      沙盒
                    </Tag>
                  ) : null}
                </span>
              ),
            },
            {
              title: '金鑰開頭',
              dataIndex: 'prefix',
              width: 160,
              render: (v: string) => <Typography.Text code>{v}…</Typography.Text>,
            },
            { title: '建立時間', dataIndex: 'createdAt', width: 170, render: formatDateTime },
            {
              title: '最後使用',
              dataIndex: 'lastUsedAt',
              width: 190,
              render: (v: string | null) =>
                v ? (
                  <Tooltip title={formatDateTime(v)}>{fromNow(v)}</Tooltip>
                ) : (
                  <Typography.Text type="secondary">從未使用</Typography.Text>
                ),
            },
            {
              title: '狀態',
              dataIndex: 'revokedAt',
              width: 200,
              render: (v: string | null) =>
                v ? <Tag>已撤銷・{formatDateTime(v)}</Tag> : <Tag color="success">有效</Tag>,
            },
            {
              title: '操作',
              key: 'actions',
              width: 100,
              render: (_, k) =>
                k.revokedAt ? null : (
                  <Popconfirm
                    title={`撤銷「${k.name}」？`}
                    description="撤銷後立即失效，使用這把金鑰的 HIS 將無法再呼叫 API，且無法復原。"
                    okText="撤銷"
                    okButtonProps={{ danger: true }}
                    cancelText="取消"
                    onConfirm={() => revoke.mutateAsync(k.id)}
                  >
                    <Button type="link" danger size="small">
                      撤銷
                    </Button>
                  </Popconfirm>
                ),
            },
          ]}
        />
      </Card>
      <HisInitialSyncSection />
      <HisWebhookSection />
      <CreateKeyModal open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
