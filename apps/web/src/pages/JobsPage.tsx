import { ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Card, Empty, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, errorMessage, type ApiResponse } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { TableLoading } from '../components/TableLoading.tsx';
import { formatDateTime, fromNow } from '../format.ts';
import { useJobs } from '../queries.ts';

type Job = ApiResponse<'/api/jobs'>['items'][number];
type JobStatus = Job['status'];

// How each status looks; its words come from the server with the list.
const STATUS_LOOK: Record<JobStatus, { color: string; badge: 'processing' | 'success' | 'error' | 'warning' }> = {
  pending: { color: 'default', badge: 'warning' },
  running: { color: 'processing', badge: 'processing' },
  done: { color: 'success', badge: 'success' },
  dead: { color: 'error', badge: 'error' },
};

const wrap = { wordBreak: 'break-word' as const, overflowWrap: 'anywhere' as const };

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
  // The tabs keep the last known statuses while another tab's list loads.
  const [statuses, setStatuses] = useState<NonNullable<typeof jobs.data>['statuses']>([]);
  useEffect(() => {
    if (jobs.data) setStatuses(jobs.data.statuses);
  }, [jobs.data]);

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
          items={[
            { key: 'all' as const, label: '全部', count: total, status: null },
            ...statuses.map((st) => ({
              key: st.status,
              label: st.label,
              count: st.count,
              status: st.status,
            })),
          ].map((t) => ({
            key: t.key,
            label: (
              <span>
                {t.status ? <Badge status={STATUS_LOOK[t.status].badge} /> : null} {t.label}{' '}
                <Tag
                  variant="filled"
                  color={t.key === 'dead' && t.count ? 'error' : undefined}
                  style={{ marginInlineStart: 4 }}
                >
                  {t.count}
                </Tag>
              </span>
            ),
          }))}
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
              key: 'type',
              width: 190,
              render: (_, j) => <Typography.Text ellipsis={{ tooltip: j.typeLabel }}>{j.typeLabel}</Typography.Text>,
            },
            {
              title: '狀態',
              key: 'status',
              width: 90,
              render: (_, j) => <Tag color={STATUS_LOOK[j.status].color}>{j.statusLabel}</Tag>,
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
                ) : (
                  // Two lines at most; the whole error on hover or 「展開」.
                  <Typography.Paragraph
                    type={j.status === 'dead' ? 'danger' : 'secondary'}
                    style={{ fontSize: 13, marginBottom: 0, ...wrap }}
                    ellipsis={{ rows: 2, expandable: true, symbol: '展開', tooltip: <span style={wrap}>{v}</span> }}
                  >
                    {v}
                  </Typography.Paragraph>
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
