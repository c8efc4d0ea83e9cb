// 設定 → 行事曆訂閱 (B4, admin): secret iCalendar URLs per doctor and for all doctors, copy,
// rotate (the old URL stops at once), initials-only privacy, 民國 dates, Google Calendar steps.
import { CopyOutlined, GoogleOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Flex,
  Input,
  Popconfirm,
  Row,
  Select,
  Skeleton,
  Space,
  Steps,
  Switch,
  Table,
  Tooltip,
  Typography,
} from 'antd';
import { api, errorMessage, type ApiResponse } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { dateTime, fdKeys, useDoctors, type Settings } from '../frontdesk/data.tsx';
import { fromNow } from '../format.ts';

type Feed = ApiResponse<'/api/calendar-feeds'>['feeds'][number];

/** Which HIS doctor each doctor account is: the 行事曆 opens on that doctor's own calendar. */
function DoctorLinks() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const links = useQuery({
    queryKey: ['fd', 'doctor-links'],
    queryFn: async () => (await api.get('/api/doctor-links')).items,
  });
  const doctors = useDoctors();
  const link = useMutation({
    mutationFn: (v: { staffId: string; doctorId: string | null }) =>
      api.put('/api/doctor-links/{staffId}', {
        params: { path: { staffId: v.staffId } },
        body: { doctorId: v.doctorId },
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['fd'] });
      void message.success('已更新醫師帳號的對應');
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  return (
    <Card title="醫師帳號對應">
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        醫師登入後，行事曆預設只顯示自己的門診。未指定時，以帳號姓名與 HIS 醫師姓名相同者對應。
      </Typography.Paragraph>
      {links.isLoading ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : !links.data?.length ? (
        <Typography.Text type="secondary">還沒有醫師角色的帳號。可在「人員管理」邀請醫師。</Typography.Text>
      ) : (
        <Flex vertical gap={10}>
          {links.data.map((l) => (
            <Flex key={l.staffId} justify="space-between" align="center" gap={8}>
              <div style={{ minWidth: 0 }}>
                <div style={{ fontWeight: 500 }}>{l.name}</div>
                <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{l.email}</div>
              </div>
              <Select
                aria-label={`${l.name} 對應的醫師`}
                style={{ width: 170 }}
                value={l.doctorId ?? '__name'}
                onChange={(v) => link.mutate({ staffId: l.staffId, doctorId: v === '__name' ? null : v })}
                options={[
                  {
                    value: '__name',
                    label: l.matchedByName
                      ? `依姓名：${doctors.data?.items.find((d) => d.id === l.matchedByName)?.name ?? l.matchedByName}`
                      : '依姓名（找不到）',
                  },
                  ...(doctors.data?.items ?? []).map((d) => ({ value: d.id, label: d.name })),
                ]}
              />
            </Flex>
          ))}
        </Flex>
      )}
    </Card>
  );
}

export function CalendarFeedsPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const feeds = useQuery({ queryKey: ['fd', 'feeds'], queryFn: () => api.get('/api/calendar-feeds') });
  const roc = feeds.data?.rocDates ?? false;
  const rotate = useMutation({
    mutationFn: (doctorId: string | null) => api.post('/api/calendar-feeds/rotate', { body: { doctorId } }),
    onSuccess: () => {
      void message.success('已更換網址，舊網址已失效。請把新網址重新加到日曆。');
      void qc.invalidateQueries({ queryKey: ['fd', 'feeds'] });
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const settings = useMutation({
    mutationFn: (patch: Partial<Settings>) => api.put('/api/frontdesk/settings', { body: patch }),
    onSuccess: (s) => {
      qc.setQueryData(fdKeys.settings, s);
      void qc.invalidateQueries({ queryKey: ['fd'] });
      void message.success('設定已儲存');
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      void message.success('已複製訂閱網址');
    } catch {
      void message.info('請選取網址後按 Ctrl+C 複製');
    }
  };

  return (
    <>
      <PageHeader
        title="行事曆訂閱"
        subtitle="把門診預約加到 Google 日曆、iPhone 行事曆或 Outlook：每位醫師與全部醫師各有一個秘密網址，預約異動會自動更新。"
        help={<HelpDrawer topic="feeds" />}
      />
      {feeds.error ? (
        <Alert
          type="error"
          showIcon
          title="無法載入訂閱網址"
          description={errorMessage(feeds.error)}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title="訂閱網址" styles={{ body: { padding: 0 } }}>
            <Table<Feed>
              rowKey={(f) => f.doctorId ?? 'all'}
              loading={feeds.isLoading}
              dataSource={feeds.data?.feeds ?? []}
              pagination={false}
              locale={{ emptyText: '還沒有醫師資料。HIS 同步醫師後，這裡會出現每位醫師的訂閱網址。' }}
              columns={[
                {
                  title: '日曆',
                  key: 'name',
                  width: 150,
                  render: (_, f) => (
                    <div>
                      <Typography.Text strong>{f.doctorName}</Typography.Text>
                      {f.department ? (
                        <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{f.department}</div>
                      ) : null}
                    </div>
                  ),
                },
                {
                  title: '網址',
                  key: 'url',
                  render: (_, f) => (
                    <Space.Compact style={{ width: '100%' }}>
                      <Input
                        value={f.url}
                        readOnly
                        aria-label={`${f.doctorName} 訂閱網址`}
                        onFocus={(e) => e.target.select()}
                        style={{ fontFamily: 'ui-monospace, monospace', fontSize: 12 }}
                      />
                      <Tooltip title="複製">
                        <Button
                          icon={<CopyOutlined />}
                          aria-label={`複製 ${f.doctorName} 訂閱網址`}
                          onClick={() => void copy(f.url)}
                        />
                      </Tooltip>
                    </Space.Compact>
                  ),
                },
                {
                  title: '最近讀取',
                  key: 'fetched',
                  width: 120,
                  render: (_, f) =>
                    f.lastFetchedAt ? (
                      <Tooltip title={dateTime(f.lastFetchedAt, roc)}>{fromNow(f.lastFetchedAt)}</Tooltip>
                    ) : (
                      <Typography.Text type="secondary">尚未使用</Typography.Text>
                    ),
                },
                {
                  title: '',
                  key: 'rotate',
                  width: 110,
                  render: (_, f) => (
                    <Popconfirm
                      title="更換這個訂閱網址？"
                      description="舊網址會立即失效，已訂閱的日曆需要改用新網址。"
                      okText="更換"
                      cancelText="取消"
                      onConfirm={() => rotate.mutate(f.doctorId)}
                    >
                      <Button
                        icon={<ReloadOutlined />}
                        size="small"
                        loading={rotate.isPending && rotate.variables === f.doctorId}
                      >
                        更換網址
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Flex vertical gap={16}>
            <Card title="隱私與顯示">
              {!feeds.data ? (
                <Skeleton active paragraph={{ rows: 2 }} />
              ) : (
                <Flex vertical gap={16}>
                  <Flex justify="space-between" align="flex-start" gap={12}>
                    <div>
                      <div style={{ fontWeight: 500 }}>只顯示姓名縮寫</div>
                      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                        日曆上顯示「王○明」而非全名。日曆從不包含電話與身分證字號。
                      </Typography.Text>
                    </div>
                    <Switch
                      aria-label="只顯示姓名縮寫"
                      checked={feeds.data.initialsOnly}
                      loading={settings.isPending}
                      onChange={(v) => settings.mutate({ initialsOnly: v })}
                    />
                  </Flex>
                  <Flex justify="space-between" align="flex-start" gap={12}>
                    <div>
                      <div style={{ fontWeight: 500 }}>以民國年顯示日期</div>
                      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                        後台的預約清單、明細與行事曆以「民國115/05/04」顯示（全診所適用）。
                      </Typography.Text>
                    </div>
                    <Switch
                      aria-label="以民國年顯示日期"
                      checked={feeds.data.rocDates}
                      loading={settings.isPending}
                      onChange={(v) => settings.mutate({ rocDates: v })}
                    />
                  </Flex>
                </Flex>
              )}
            </Card>
            <DoctorLinks />
            <Card
              title={
                <Space>
                  <GoogleOutlined />
                  加入 Google 日曆
                </Space>
              }
            >
              <Steps
                direction="vertical"
                size="small"
                current={-1}
                items={[
                  { title: '複製網址', description: '按左側網址旁的複製按鈕。' },
                  { title: '開啟 Google 日曆（電腦版）', description: '左側「其他日曆」旁按「＋」。' },
                  { title: '透過網址新增', description: '貼上網址，按「新增日曆」。手機會自動同步。' },
                ]}
              />
              <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
                Google 日曆大約每幾個小時重新讀取一次，剛異動的預約可能稍後才出現。
              </Typography.Paragraph>
            </Card>
          </Flex>
        </Col>
      </Row>
    </>
  );
}
