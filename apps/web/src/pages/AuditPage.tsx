import { SearchOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import {
  Alert,
  AutoComplete,
  Button,
  Card,
  DatePicker,
  Empty,
  Flex,
  Form,
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

/** zh-TW labels of audit action codes; later features add theirs. Unknown codes are shown raw. */
export const AUDIT_ACTIONS: Record<string, string> = {
  'auth.login': '登入',
  'auth.login_failed': '登入失敗',
  'auth.logout': '登出',
  'staff.invited': '邀請人員',
  'staff.updated': '修改人員',
  'staff.password_reset_issued': '產生重設密碼連結',
  'staff.password_set': '設定密碼',
  'clinic.created': '開設診所',
  'clinic.updated': '修改診所資料',
  'api_key.created': '建立 API 金鑰',
  'api_key.revoked': '撤銷 API 金鑰',
  'job.retried': '重新執行工作',
};

export const ENTITY_TYPES: Record<string, string> = {
  staff_user: '人員',
  clinic: '診所',
  api_key: 'API 金鑰',
  job: '背景工作',
};

const ACTION_COLORS: Record<string, string> = {
  auth: 'blue',
  staff: 'green',
  clinic: 'cyan',
  api_key: 'purple',
  job: 'orange',
};

type AuditEntry = ApiResponse<'/api/audit'>['items'][number];
type Filters = Pick<ApiQuery<'/api/audit'>, 'action' | 'entityType' | 'from' | 'to'>;
type FilterForm = { action?: string; entityType?: string; range?: [Dayjs | null, Dayjs | null] | null };

function actionOptions() {
  const groups = new Map<string, string>();
  for (const code of Object.keys(AUDIT_ACTIONS)) {
    const g = code.split('.')[0];
    if (!groups.has(g)) groups.set(g, `${g}.*`);
  }
  return [
    ...Object.entries(AUDIT_ACTIONS).map(([value, label]) => ({ value, label: `${label}（${value}）` })),
    ...[...groups.values()].map((value) => ({ value, label: `${value}（此類全部）` })),
  ];
}

const FIELD_LABELS: Record<string, string> = {
  name: '名稱',
  email: '電子郵件',
  role: '角色',
  status: '狀態',
  phone: '電話',
  address: '地址',
  timeZone: '時區',
  businessHours: '門診時段',
  prefix: '金鑰開頭',
  reason: '原因',
};

/** One readable line for an entry's detail (the full JSON is in the expanded row). */
export function summarise(detail: Record<string, unknown>): string {
  const d = detail ?? {};
  const change = d.change;
  if (change && typeof change === 'object') {
    const parts = Object.entries(change as Record<string, unknown>).map(([k, v]) =>
      k === 'businessHours'
        ? FIELD_LABELS[k]
        : `${FIELD_LABELS[k] ?? k}：${typeof v === 'string' ? v : JSON.stringify(v)}`,
    );
    return parts.length ? `變更 ${parts.join('、')}` : '';
  }
  return Object.entries(d)
    .filter(([k]) => k !== 'before')
    .map(([k, v]) => `${FIELD_LABELS[k] ?? k}：${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('、');
}

function actorTypeLabel(r: AuditEntry): string {
  if (r.action === 'auth.login_failed') return '登入嘗試（帳號未驗證）';
  return { api_key: 'API 金鑰（HIS）', patient: '病患（LINE）', system: '系統' }[r.actorType] ?? r.actorType;
}

export function AuditPage() {
  const [form] = Form.useForm<FilterForm>();
  const [filters, setFilters] = useState<Filters>({});
  const q = useInfiniteQuery({
    queryKey: keys.audit(filters),
    queryFn: ({ pageParam }) =>
      api.get('/api/audit', { params: { query: { ...filters, before: pageParam ?? undefined, limit: 50 } } }),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextBefore,
  });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Object.values(filters).some(Boolean);

  function apply(v: FilterForm) {
    const [from, to] = v.range ?? [];
    setFilters({
      action: v.action?.trim() || undefined,
      entityType: v.entityType?.trim() || undefined,
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
            <AutoComplete
              options={actionOptions()}
              style={{ width: 190 }}
              placeholder="例如 登入、staff.*"
              allowClear
              filterOption={(input, o) =>
                String(o?.label ?? '')
                  .toLowerCase()
                  .includes(input.toLowerCase())
              }
            />
          </Form.Item>
          <Form.Item label="對象" name="entityType">
            <AutoComplete
              options={Object.entries(ENTITY_TYPES).map(([value, label]) => ({ value, label: `${label}（${value}）` }))}
              style={{ width: 130 }}
              placeholder="全部"
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
            rowExpandable: (r) => Object.keys(r.detail ?? {}).length > 0,
            expandedRowRender: (r) => (
              <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}>{JSON.stringify(r.detail, null, 2)}</pre>
            ),
          }}
          columns={[
            {
              title: '時間',
              dataIndex: 'createdAt',
              width: 150,
              render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(v)}</span>,
            },
            {
              title: '操作者',
              dataIndex: 'actorLabel',
              width: 170,
              ellipsis: true,
              render: (v: string, r) => (
                <div>
                  <div title={v} style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                    {v || '—'}
                  </div>
                  {r.actorType !== 'staff' ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {actorTypeLabel(r)}
                    </Typography.Text>
                  ) : null}
                </div>
              ),
            },
            {
              title: '動作',
              dataIndex: 'action',
              width: 140,
              render: (v: string) => (
                <Tooltip title={v}>
                  <Tag color={ACTION_COLORS[v.split('.')[0]] ?? 'default'} variant="filled">
                    {AUDIT_ACTIONS[v] ?? v}
                  </Tag>
                </Tooltip>
              ),
            },
            {
              title: '對象',
              key: 'entity',
              width: 120,
              render: (_, r) => (
                <div>
                  <div>{ENTITY_TYPES[r.entityType] ?? r.entityType}</div>
                  {r.entityId ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: r.entityId }}>
                      {r.entityId}
                    </Typography.Text>
                  ) : null}
                </div>
              ),
            },
            {
              title: '內容',
              dataIndex: 'detail',
              ellipsis: true,
              render: (d: Record<string, unknown>) => {
                const s = summarise(d);
                return s ? (
                  <Typography.Text type="secondary" ellipsis={{ tooltip: s }}>
                    {s}
                  </Typography.Text>
                ) : (
                  <Typography.Text type="secondary">—</Typography.Text>
                );
              },
            },
            {
              title: 'IP',
              dataIndex: 'ip',
              width: 115,
              render: (v: string) => (
                <Typography.Text style={{ fontFamily: 'ui-monospace, monospace', fontSize: 13 }}>{v}</Typography.Text>
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
