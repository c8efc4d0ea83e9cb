// 設定 › 資料匯出 (admin): the clinic downloads all of its data at any time — every table as
// JSON Lines and CSV and FHIR R4 NDJSON in one ZIP, built in the background with progress; the
// download link is signed for the admin who asks and lives 5 minutes; what is left out (the
// credentials) is listed with the reason.
import { CloudDownloadOutlined, DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Flex, Progress, Row, Space, Steps, Table, Tag, Typography } from 'antd';
import { api, errorMessage, type ApiResponse } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatDateTime } from '../format.ts';

type Data = ApiResponse<'/api/exports'>;
type Export = Data['exports'][number];

const KEY = ['exports'];
const STATUS: Record<Export['status'], { label: string; color: string }> = {
  queued: { label: '排隊中', color: 'default' },
  running: { label: '匯出中', color: 'processing' },
  done: { label: '可下載', color: 'success' },
  failed: { label: '失敗', color: 'error' },
  expired: { label: '已刪除', color: 'default' },
};
const FHIR_RESOURCES = [
  ['Patient', '病患（身分證字號、病歷號、電話）'],
  ['Practitioner', '醫師'],
  ['Organization', '診所'],
  ['Appointment', '預約'],
  ['Encounter', '已完成的看診'],
  ['Communication', 'LINE 訊息'],
  ['QuestionnaireResponse', '問卷回覆'],
] as const;

const n = (v: number) => v.toLocaleString('zh-TW');
const size = (b: number | null) =>
  b === null
    ? '—'
    : b >= 1024 * 1024
      ? `${(b / 1024 / 1024).toFixed(1)} MB`
      : `${Math.max(1, Math.round(b / 1024))} KB`;

/** The omitted columns grouped by table: [[table, [column, …]], …]. */
function secretColumns(columns: Data['columns']): [string, string[]][] {
  const by = new Map<string, string[]>();
  for (const c of columns) by.set(c.table, [...(by.get(c.table) ?? []), c.column]);
  return [...by];
}

/** Rough share done: the tables are most of the work, then FHIR, then the ZIP. */
function percent(e: Export): number {
  if (e.status === 'done') return 100;
  if (e.status !== 'running') return 0;
  if (e.phase === 'tables') return Math.round((e.tablesDone / Math.max(1, e.tablesTotal)) * 70);
  if (e.phase === 'fhir') return 75;
  return 95;
}

function Running({ e }: { e: Export }) {
  const total = e.tablesTotal;
  const step = e.status === 'queued' ? 0 : e.phase === 'tables' ? 0 : e.phase === 'fhir' ? 1 : 2;
  const now =
    e.status === 'queued'
      ? '排隊中，馬上開始…'
      : e.phase === 'tables'
        ? `正在匯出資料表${e.current ? ` ${e.current}` : ''}（第 ${Math.min(e.tablesDone + 1, e.tablesTotal)} / ${total} 個）`
        : e.phase === 'fhir'
          ? `正在產生 FHIR${e.current ? ` ${e.current}` : ''} 資源`
          : '正在壓縮成 ZIP 檔…';
  return (
    <Card title="匯出進行中" data-testid="export-progress">
      <Steps
        size="small"
        current={step}
        items={[{ title: '資料表' }, { title: 'FHIR 資源' }, { title: '壓縮' }]}
        style={{ marginBottom: 20, maxWidth: 560 }}
      />
      <Progress percent={percent(e)} status="active" />
      <Flex gap={24} wrap style={{ marginTop: 8 }}>
        <Typography.Text>{now}</Typography.Text>
        <Typography.Text type="secondary">已寫出 {n(e.rowsWritten)} 筆資料</Typography.Text>
        <Typography.Text type="secondary">{n(e.fhirWritten)} 個 FHIR 資源</Typography.Text>
      </Flex>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 13 }}>
        匯出在背景進行，可以離開這一頁，完成後回來下載。
      </Typography.Paragraph>
    </Card>
  );
}

export function ExportPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const data = useQuery({
    queryKey: KEY,
    queryFn: () => api.get('/api/exports'),
    refetchInterval: (q) =>
      q.state.data?.exports.some((e) => e.status === 'queued' || e.status === 'running') ? 1000 : false,
  });
  const exports = data.data?.exports ?? [];
  const active = exports.find((e) => e.status === 'queued' || e.status === 'running');
  const start = useMutation({
    mutationFn: () => api.post('/api/exports'),
    onSuccess: () => void qc.invalidateQueries({ queryKey: KEY }),
    onError: (e) => void message.error(errorMessage(e)),
  });
  const download = useMutation({
    mutationFn: (id: string) => api.post('/api/exports/{id}/link', { params: { path: { id } } }),
    onSuccess: (link) => {
      // The browser downloads with the session cookie; the link is this admin's for 5 minutes.
      window.location.assign(link.url);
    },
    onError: (e) => {
      void message.error(errorMessage(e));
      void qc.invalidateQueries({ queryKey: KEY });
    },
  });

  return (
    <>
      <PageHeader
        title="資料匯出"
        subtitle="診所的資料屬於診所：隨時把全部資料下載成一個 ZIP 檔，可用 Excel 開啟，也可匯入其他系統。"
        help={<HelpDrawer topic="dataExport" />}
        extra={
          <Button
            type="primary"
            icon={<CloudDownloadOutlined />}
            loading={start.isPending}
            disabled={!!active}
            onClick={() => start.mutate()}
          >
            匯出全部資料
          </Button>
        }
      />
      {data.error ? (
        <Alert
          type="error"
          showIcon
          title="無法載入匯出紀錄"
          description={errorMessage(data.error)}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            {active ? <Running e={active} /> : null}
            <Card title="匯出紀錄" styles={{ body: { padding: 0 } }}>
              <Table<Export>
                rowKey="id"
                loading={data.isLoading}
                dataSource={exports}
                pagination={false}
                locale={{ emptyText: '還沒有匯出過。按右上角「匯出全部資料」開始。' }}
                columns={[
                  {
                    title: '開始時間',
                    key: 'createdAt',
                    width: 150,
                    render: (_, e) => (
                      <div>
                        <div>{formatDateTime(e.createdAt)}</div>
                        <Typography.Text type="secondary" ellipsis style={{ fontSize: 12, maxWidth: 140 }}>
                          {e.requestedBy}
                        </Typography.Text>
                      </div>
                    ),
                  },
                  {
                    title: '狀態',
                    key: 'status',
                    width: 90,
                    render: (_, e) => <Tag color={STATUS[e.status].color}>{STATUS[e.status].label}</Tag>,
                  },
                  {
                    title: '內容',
                    key: 'rows',
                    render: (_, e) =>
                      e.status === 'failed' ? (
                        <Typography.Text type="danger">{e.error ?? '匯出失敗，請再試一次'}</Typography.Text>
                      ) : (
                        <div>
                          <div>{n(e.rowsWritten)} 筆資料</div>
                          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                            {n(e.fhirWritten)} 個 FHIR 資源{e.sizeBytes === null ? '' : `・${size(e.sizeBytes)}`}
                          </Typography.Text>
                        </div>
                      ),
                  },
                  {
                    title: '檔案保存到',
                    key: 'expiresAt',
                    width: 150,
                    render: (_, e) => (e.expiresAt ? formatDateTime(e.expiresAt) : '—'),
                  },
                  {
                    title: '',
                    key: 'download',
                    width: 100,
                    align: 'right',
                    render: (_, e) =>
                      e.status === 'done' ? (
                        <Button
                          icon={<DownloadOutlined />}
                          loading={download.isPending && download.variables === e.id}
                          onClick={() => download.mutate(e.id)}
                        >
                          下載
                        </Button>
                      ) : null,
                  },
                ]}
              />
            </Card>
          </Space>
        </Col>
        <Col xs={24} xl={8}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <Card title="ZIP 檔裡有什麼">
              <Typography.Paragraph style={{ marginBottom: 8 }}>
                <Typography.Text strong>tables/</Typography.Text>　每個資料表各一份 CSV（Excel 可直接開啟）與 JSON
                Lines。
              </Typography.Paragraph>
              <Typography.Paragraph style={{ marginBottom: 4 }}>
                <Typography.Text strong>fhir/</Typography.Text>　FHIR R4 NDJSON，識別碼依 TW Core IG：
              </Typography.Paragraph>
              <ul style={{ margin: '0 0 8px', paddingLeft: 20 }}>
                {FHIR_RESOURCES.map(([type, label]) => (
                  <li key={type}>
                    <Typography.Text code>{type}</Typography.Text> {label}
                  </li>
                ))}
              </ul>
              <Typography.Paragraph type="secondary" style={{ marginBottom: 0, fontSize: 13 }}>
                檔案含病患的身分證字號（明碼），請妥善保管。下載連結只限申請的管理者本人在 5 分鐘內使用， 檔案保存 24
                小時後自動刪除；每次匯出與下載都記錄在稽核紀錄。
              </Typography.Paragraph>
            </Card>
            <Card title="不會匯出的內容">
              <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
                登入與串接用的秘密不會離開系統；搬到新系統後請重新設定。
              </Typography.Paragraph>
              <div data-testid="export-exclusions">
                <Typography.Text strong>憑證欄位</Typography.Text>
                <ul style={{ margin: '4px 0 12px', paddingLeft: 20 }}>
                  {secretColumns(data.data?.columns ?? []).map(([table, columns]) => (
                    <li key={table} style={{ marginBottom: 4 }}>
                      <Typography.Text code>{table}</Typography.Text>{' '}
                      <Typography.Text type="secondary">{columns.join('、')}</Typography.Text>
                    </li>
                  ))}
                </ul>
                <Typography.Text strong>整個資料表</Typography.Text>
                <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
                  {(data.data?.tables ?? []).map((t) => (
                    <li key={t.table} style={{ marginBottom: 4 }}>
                      <Typography.Text code>{t.table}</Typography.Text>{' '}
                      <Typography.Text type="secondary">{t.reason}</Typography.Text>
                    </li>
                  ))}
                </ul>
              </div>
            </Card>
          </Space>
        </Col>
      </Row>
    </>
  );
}
