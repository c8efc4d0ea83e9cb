import { SearchOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Empty,
  Flex,
  Form,
  Select,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, errorMessage, type ApiQuery, type ApiResponse } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { TableLoading } from '../components/TableLoading.tsx';
import { formatDateTime } from '../format.ts';
import { keys } from '../queries.ts';

type AuditEntry = ApiResponse<'/api/audit'>['items'][number];
type DetailItem = AuditEntry['detailItems'][number];
type Filters = Pick<ApiQuery<'/api/audit'>, 'action' | 'entityType' | 'from' | 'to'>;
type FilterForm = { action?: string; entityType?: string; range?: [Dayjs | null, Dayjs | null] | null };

// Colours by the family of the action (the words themselves come from the server).
const ACTION_COLORS: Record<string, string> = {
  auth: 'blue',
  staff: 'green',
  clinic: 'cyan',
  api_key: 'purple',
  job: 'orange',
  patient: 'magenta',
  appointment: 'geekblue',
  binding: 'lime',
};

/** An entry's detail on one line: 「角色：櫃台人員 → 管理者、狀態：啟用中 → 已停用」. */
export function detailText(items: readonly DetailItem[]): string {
  return items.map((d) => `${d.label}：${d.value}`).join('、');
}

const wrap = { wordBreak: 'break-word' as const, overflowWrap: 'anywhere' as const };

export function AuditPage() {
  const [form] = Form.useForm<FilterForm>();
  const [filters, setFilters] = useState<Filters>({});
  const vocabulary = useQuery({ queryKey: ['audit', 'vocabulary'], queryFn: () => api.get('/api/audit/vocabulary') });
  const q = useInfiniteQuery({
    queryKey: keys.audit(filters),
    queryFn: ({ pageParam }) =>
      api.get('/api/audit', { params: { query: { ...filters, before: pageParam ?? undefined, limit: 50 } } }),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextBefore,
  });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Object.values(filters).some(Boolean);
  const v = vocabulary.data;
  const actionOptions = v
    ? [
        { label: '單一動作', options: v.actions.map((a) => ({ value: a.code, label: a.label })) },
        { label: '一類動作', options: v.actionGroups.map((a) => ({ value: a.code, label: a.label })) },
      ]
    : [];

  function apply(f: FilterForm) {
    const [from, to] = f.range ?? [];
    setFilters({
      action: f.action || undefined,
      entityType: f.entityType || undefined,
      from: from ? from.startOf('day').toISOString() : undefined,
      to: to ? to.add(1, 'day').startOf('day').toISOString() : undefined,
    });
  }

  return (
    <>
      <PageHeader
        title="稽核紀錄"
        subtitle="誰在什麼時間、從哪個 IP 看過或改過哪些資料。紀錄只能新增，任何人都無法修改或刪除。"
        help={<HelpDrawer topic="audit" />}
      />
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form form={form} layout="inline" onFinish={apply} style={{ rowGap: 16 }}>
          <Form.Item label="動作" name="action">
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={actionOptions}
              loading={vocabulary.isLoading}
              style={{ width: 230 }}
              placeholder="全部動作"
              allowClear
            />
          </Form.Item>
          <Form.Item label="對象" name="entityType">
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={v?.entityTypes.map((e) => ({ value: e.code, label: e.label })) ?? []}
              loading={vocabulary.isLoading}
              style={{ width: 170 }}
              placeholder="全部對象"
              allowClear
            />
          </Form.Item>
          <Form.Item label="日期" name="range">
            <DatePicker.RangePicker format="YYYY/MM/DD" allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item>
            <Flex gap={8}>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                篩選
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  setFilters({});
                }}
              >
                清除
              </Button>
            </Flex>
          </Form.Item>
        </Form>
        <div style={{ height: 16 }} />
      </Card>
      <Card styles={{ body: { padding: 0 } }}>
        {q.isError ? <Alert type="error" showIcon title={errorMessage(q.error)} style={{ margin: 16 }} /> : null}
        <Table<AuditEntry>
          tableLayout="fixed"
          rowKey="id"
          loading={q.isFetching && !q.isLoading && !q.isFetchingNextPage}
          dataSource={rows}
          pagination={false}
          locale={{
            emptyText: q.isLoading ? (
              <TableLoading />
            ) : (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={filtered ? '沒有符合條件的紀錄，請調整篩選條件。' : '目前還沒有任何紀錄。'}
              />
            ),
          }}
          expandable={{
            rowExpandable: (r) => r.detailItems.length > 0 || r.entityId !== null,
            expandedRowRender: (r) => (
              <Descriptions size="small" column={1} styles={{ label: { width: 140 }, content: wrap }}>
                {r.entityLabel ? (
                  <Descriptions.Item label={r.entityTypeLabel}>{r.entityLabel}</Descriptions.Item>
                ) : null}
                {r.detailItems.map((d, i) => (
                  <Descriptions.Item key={i} label={d.label}>
                    {d.value}
                  </Descriptions.Item>
                ))}
              </Descriptions>
            ),
          }}
          columns={[
            {
              title: '時間',
              dataIndex: 'createdAt',
              width: 150,
              render: (t: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(t)}</span>,
            },
            {
              title: '操作者',
              key: 'actor',
              width: 190,
              render: (_, r) => (
                <div style={{ minWidth: 0 }}>
                  <Typography.Text ellipsis={{ tooltip: r.actorLabel }} style={{ display: 'block' }}>
                    {r.actorLabel || '—'}
                  </Typography.Text>
                  {r.actorType !== 'staff' && r.actorTypeLabel !== r.actorLabel ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {r.actorTypeLabel}
                    </Typography.Text>
                  ) : null}
                </div>
              ),
            },
            {
              title: '動作',
              key: 'action',
              width: 190,
              render: (_, r) => (
                <Tooltip title={r.actionLabel}>
                  <Tag
                    color={ACTION_COLORS[r.action.split('.')[0]] ?? 'default'}
                    variant="filled"
                    style={{ maxWidth: '100%', overflow: 'hidden', textOverflow: 'ellipsis' }}
                  >
                    {r.actionLabel}
                  </Tag>
                </Tooltip>
              ),
            },
            {
              title: '對象',
              key: 'entity',
              width: 150,
              render: (_, r) => (
                <div style={{ minWidth: 0 }}>
                  <div>{r.entityTypeLabel}</div>
                  {r.entityLabel ? (
                    <Typography.Text
                      type="secondary"
                      style={{ fontSize: 12, display: 'block' }}
                      ellipsis={{ tooltip: r.entityLabel }}
                    >
                      {r.entityLabel}
                    </Typography.Text>
                  ) : null}
                </div>
              ),
            },
            {
              title: '內容',
              key: 'detail',
              render: (_, r) => {
                const text = detailText(r.detailItems);
                return text ? (
                  <Typography.Text
                    type="secondary"
                    style={{ display: 'block' }}
                    ellipsis={{ tooltip: <span style={wrap}>{text}</span> }}
                  >
                    {text}
                  </Typography.Text>
                ) : (
                  <Typography.Text type="secondary">—</Typography.Text>
                );
              },
            },
            {
              title: 'IP',
              dataIndex: 'ip',
              width: 130,
              render: (ip: string) => (
                <Typography.Text
                  style={{ fontFamily: 'ui-monospace, monospace', fontSize: 13, display: 'block' }}
                  ellipsis={{ tooltip: ip }}
                >
                  {ip || '—'}
                </Typography.Text>
              ),
            },
          ]}
        />
        <Flex justify="center" style={{ padding: 16 }}>
          {q.hasNextPage ? (
            <Button onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
              載入更多
            </Button>
          ) : rows.length ? (
            <Typography.Text type="secondary">已顯示全部 {rows.length} 筆紀錄</Typography.Text>
          ) : null}
        </Flex>
      </Card>
    </>
  );
}
