import { ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Card, Empty, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { api, errorMessage, type ApiQuery, type ApiResponse } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { TableLoading } from '../components/TableLoading.tsx';
import { formatDateTime, fromNow } from '../format.ts';
import { useJobs } from '../queries.ts';

type Job = ApiResponse<'/api/jobs'>['items'][number];
type JobStatus = NonNullable<ApiQuery<'/api/jobs'>['status']>;

export const JOB_STATUS: Record<
  JobStatus,
  { label: string; color: string; badge: 'default' | 'processing' | 'success' | 'error' | 'warning' }
> = {
  pending: { label: '等待中', color: 'default', badge: 'warning' },
  running: { label: '執行中', color: 'processing', badge: 'processing' },
  done: { label: '完成', color: 'success', badge: 'success' },
  dead: { label: '已放棄', color: 'error', badge: 'error' },
};

/** zh-TW names of job types; later features add theirs. Unknown types are shown raw. */
export const JOB_TYPES: Record<string, string> = {
  'line.push': 'LINE 推播',
  'sms.send': '簡訊發送',
  'his.webhook': '通知 HIS',
  'reminder.send': '預約提醒',
  'export.build': '資料匯出',
};

const TABS: { key: JobStatus | 'all'; label: string }[] = [
  { key: 'all', label: '全部' },
  { key: 'dead', label: '已放棄' },
  { key: 'pending', label: '等待中' },
  { key: 'running', label: '執行中' },
  { key: 'done', label: '完成' },
];

export function JobsPage() {
  const [tab, setTab] = useState<JobStatus | 'all'>('all');
  const jobs = useJobs(tab === 'all' ? undefined : tab);
  const qc = useQueryClient();
  const { message } = App.useApp();
  const retry = useMutation({
    mutationFn: (id: number) => api.post('/api/jobs/{id}/retry', { params: { path: { id } } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['jobs'] });
      void message.success('已重新排入執行');
    },
    onError: (err) => void message.error(errorMessage(err)),
  });
  const counts = jobs.data?.counts ?? {};
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);

  return (
    <>
      <PageHeader
        title="背景工作"
        subtitle="發送 LINE 訊息、簡訊與通知 HIS 等工作會在背景執行並自動重試。重試多次仍失敗的工作會標示為「已放棄」，排除原因後可重新執行。"
        help={<HelpDrawer topic="jobs" />}
        extra={
          <Button
            icon={<ReloadOutlined />}
            onClick={() => void qc.invalidateQueries({ queryKey: ['jobs'] })}
            loading={jobs.isFetching}
          >
            重新整理
          </Button>
        }
      />
      {counts.dead ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={`有 ${counts.dead} 筆工作重試多次仍失敗，請查看最後錯誤並排除原因後重新執行。`}
        />
      ) : null}
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={tab}
          onChange={(k) => setTab(k as JobStatus | 'all')}
          items={TABS.map((t) => {
            const n = t.key === 'all' ? total : (counts[t.key] ?? 0);
            return {
              key: t.key,
              label: (
                <span>
                  {t.key !== 'all' ? <Badge status={JOB_STATUS[t.key].badge} /> : null} {t.label}{' '}
                  <Tag
                    variant="filled"
                    color={t.key === 'dead' && n ? 'error' : undefined}
                    style={{ marginInlineStart: 4 }}
                  >
                    {n}
                  </Tag>
                </span>
              ),
            };
          })}
        />
        {jobs.isError ? (
          <Alert type="error" showIcon title={errorMessage(jobs.error)} style={{ marginBottom: 16 }} />
        ) : null}
        <Table<Job>
          tableLayout="fixed"
          rowKey="id"
          loading={jobs.isFetching && !jobs.isLoading}
          dataSource={jobs.data?.items ?? []}
          pagination={false}
          locale={{
            emptyText: jobs.isLoading ? (
              <TableLoading />
            ) : (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={
                  tab === 'dead'
                    ? '沒有失敗的工作，一切運作正常。'
                    : '目前沒有背景工作。開始發送提醒或訊息後，工作會出現在這裡。'
                }
              />
            ),
          }}
          columns={[
            { title: '編號', dataIndex: 'id', width: 72 },
            {
              title: '類型',
              dataIndex: 'type',
              width: 170,
              render: (v: string) => (
                <div>
                  <div>{JOB_TYPES[v] ?? v}</div>
                  {JOB_TYPES[v] ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {v}
                    </Typography.Text>
                  ) : null}
                </div>
              ),
            },
            {
              title: '狀態',
              dataIndex: 'status',
              width: 90,
              render: (v: JobStatus) => <Tag color={JOB_STATUS[v]?.color}>{JOB_STATUS[v]?.label ?? v}</Tag>,
            },
            { title: '嘗試', key: 'attempts', width: 80, render: (_, j) => `${j.attempts} / ${j.maxAttempts}` },
            {
              title: '預定執行',
              dataIndex: 'runAt',
              width: 150,
              render: (v: string) => <Tooltip title={fromNow(v)}>{formatDateTime(v)}</Tooltip>,
            },
            { title: '完成時間', dataIndex: 'finishedAt', width: 150, render: formatDateTime },
            {
              title: '最後錯誤',
              dataIndex: 'lastError',
              render: (v: string | null, j) =>
                !v ? (
                  <Typography.Text type="secondary">—</Typography.Text>
                ) : j.status === 'dead' ? (
                  <Typography.Text type="danger" style={{ fontSize: 13 }}>
                    {v}
                  </Typography.Text>
                ) : (
                  <Typography.Text type="secondary" style={{ fontSize: 13 }} ellipsis={{ tooltip: v }}>
                    {v}
                  </Typography.Text>
                ),
            },
            {
              title: '操作',
              key: 'actions',
              width: 120,
              render: (_, j) =>
                j.status === 'dead' ? (
                  <Button
                    size="small"
                    icon={<ReloadOutlined />}
                    loading={retry.isPending && retry.variables === j.id}
                    onClick={() => retry.mutate(j.id)}
                  >
                    重新執行
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
    </>
  );
}
