// The 線上預約 › 看診進度 page: today's queues per doctor and session as the HIS reports them
// (check-ins with their numbers, the number being called), who is waiting and how far ahead, the
// LINE notices each patient got, refreshed every 10 seconds; and the notice settings (admin).
import { ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Flex,
  Form,
  InputNumber,
  Row,
  Skeleton,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useEffect } from 'react';
import { api, errorMessage, type ApiBody, type ApiResponse } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { applyFieldErrors } from '../../forms.ts';
import { dayjs } from '../../format.ts';
import { useClinic } from '../../queries.ts';
import { isAdmin, useSession } from '../../session.tsx';

const { Text } = Typography;
type Day = ApiResponse<'/api/queue/day'>;
type Queue = Day['queues'][number];
type Visit = Queue['visits'][number];
type Settings = ApiBody<'/api/queue/settings', 'put'>;
const KEY = ['queue', 'day'];
const REFRESH_MS = 10_000;

function SettingsCard({ settings, canEdit }: { settings: Settings; canEdit: boolean }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Settings>();
  useEffect(() => form.setFieldsValue(settings), [settings, form]);
  const enabled = Form.useWatch('enabled', form);
  const save = useMutation({
    mutationFn: (body: Settings) => api.put('/api/queue/settings', { body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: KEY });
      message.success('已儲存看診進度通知設定');
    },
    onError: (e) => {
      if (!applyFieldErrors(form, e)) message.error(errorMessage(e));
    },
  });
  return (
    <Card size="small" title="LINE 通知設定" style={{ marginBottom: 16 }}>
      <Form
        form={form}
        layout="inline"
        requiredMark={false}
        initialValues={settings}
        disabled={!canEdit}
        onFinish={(v) => save.mutate({ enabled: v.enabled, nearThreshold: v.nearThreshold })}
        style={{ rowGap: 8, alignItems: 'center' }}
      >
        <Form.Item name="enabled" valuePropName="checked" label="以 LINE 通知已報到的病患">
          <Switch checkedChildren="開啟" unCheckedChildren="關閉" />
        </Form.Item>
        <Form.Item
          name="nearThreshold"
          label="前面還有"
          rules={[{ required: true, type: 'integer', min: 2, max: 20, message: '請填 2 到 20 位' }]}
        >
          <InputNumber
            style={{ width: 150 }}
            aria-label="前面還有幾位時通知"
            min={2}
            max={20}
            precision={0}
            suffix="位時通知"
            disabled={!enabled}
          />
        </Form.Item>
        <Form.Item>
          <Text type="secondary">輪到下一位時另傳「請準備進診間」；每次看診最多兩則。</Text>
        </Form.Item>
        {canEdit ? (
          <Form.Item style={{ marginInlineStart: 'auto' }}>
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              儲存
            </Button>
          </Form.Item>
        ) : null}
      </Form>
    </Card>
  );
}

function stateOf(v: Visit) {
  if (v.state === 'called') return <Tag>已叫號</Tag>;
  if (v.ahead === null) return <Tag color="default">候診中（尚未開始叫號）</Tag>;
  if (v.ahead === 1) return <Tag color="volcano">下一位</Tag>;
  return <Tag color="blue">前面還有 {v.ahead} 號</Tag>;
}

function QueueCard({ q, zone }: { q: Queue; zone: string | undefined }) {
  const time = (iso: string | null) => (iso ? (zone ? dayjs(iso).tz(zone) : dayjs(iso)).format('HH:mm') : '—');
  return (
    <Card
      title={
        <Space size={8} wrap>
          <span>{q.doctorName || '（未命名醫師）'}</span>
          <Text type="secondary" style={{ fontWeight: 'normal' }}>
            {q.sessionLabel}
          </Text>
          {q.room ? <Tag color="geekblue">{q.room}</Tag> : null}
        </Space>
      }
      extra={<Text type="secondary">候診 {q.waiting} 人</Text>}
      styles={{ body: { paddingTop: 12 } }}
    >
      <Flex align="baseline" gap={12} style={{ marginBottom: 12 }}>
        <Text type="secondary">目前看診</Text>
        <Text
          strong
          style={{ fontSize: 32, lineHeight: 1 }}
          aria-label={`${q.doctorName} ${q.sessionLabel} 目前看診號碼`}
        >
          {q.calledNumber ?? '—'}
        </Text>
        <Text type="secondary">{q.calledNumber === null ? '尚未開始叫號' : `號・${time(q.calledAt)} 叫號`}</Text>
      </Flex>
      <Table<Visit>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={q.visits}
        locale={{ emptyText: '尚無已報到的預約病患' }}
        columns={[
          { title: '號碼', dataIndex: 'queueNumber', width: 64, render: (n: number) => <Text strong>{n}</Text> },
          {
            title: '病患',
            width: 150,
            render: (_: unknown, v) => (
              <Space direction="vertical" size={0}>
                <Text style={{ whiteSpace: 'nowrap' }}>{v.patientName}</Text>
                <Text type="secondary" style={{ fontSize: 12 }}>
                  {v.chartNo ? `病歷號 ${v.chartNo}・` : ''}
                  {time(v.checkedInAt)} 報到
                </Text>
              </Space>
            ),
          },
          { title: '狀態', width: 130, render: (_: unknown, v) => stateOf(v) },
          {
            title: 'LINE 通知',
            render: (_: unknown, v) =>
              !v.lineBound ? (
                <Text type="secondary">未綁定 LINE</Text>
              ) : v.notices.length ? (
                <Space size={[4, 4]} wrap>
                  {v.notices.map((n) => (
                    <Tooltip key={n.kind} title={`${time(n.sentAt)} 傳送`}>
                      <Tag color={n.kind === 'next' ? 'volcano' : 'blue'}>
                        {n.label} {time(n.sentAt)}
                      </Tag>
                    </Tooltip>
                  ))}
                </Space>
              ) : (
                <Text type="secondary">尚未通知</Text>
              ),
          },
        ]}
      />
    </Card>
  );
}

export function QueuePage() {
  const { user } = useSession();
  const clinic = useClinic();
  const day = useQuery({
    queryKey: KEY,
    queryFn: () => api.get('/api/queue/day'),
    refetchInterval: REFRESH_MS,
    refetchIntervalInBackground: false,
  });
  const zone = clinic.data?.timeZone;
  const d = day.data;
  return (
    <>
      <PageHeader
        title="看診進度"
        subtitle="HIS 傳來的報到與叫號，每 10 秒自動更新"
        help={<HelpDrawer topic="queue" />}
        extra={
          <Space>
            {day.dataUpdatedAt ? (
              <Text type="secondary">更新於 {dayjs(day.dataUpdatedAt).format('HH:mm:ss')}</Text>
            ) : null}
            <Button icon={<ReloadOutlined />} onClick={() => void day.refetch()} loading={day.isFetching}>
              重新整理
            </Button>
          </Space>
        }
      />
      {day.isError ? (
        <Alert type="error" showIcon message="無法載入看診進度" description={errorMessage(day.error)} />
      ) : !d ? (
        <Skeleton active />
      ) : (
        <>
          <SettingsCard settings={d.settings} canEdit={isAdmin(user)} />
          {d.queues.length === 0 ? (
            <Card>
              <Empty
                description={
                  <Space direction="vertical" size={4}>
                    <Text>今天（{d.date}）還沒有收到 HIS 的報到或叫號</Text>
                    <Text type="secondary">
                      HIS 在病患報到與醫師叫號時呼叫 POST /his/v1/queue-events，這裡就會出現各診的進度（見 HIS
                      串接指南）。
                    </Text>
                  </Space>
                }
              />
            </Card>
          ) : (
            <Row gutter={[16, 16]}>
              {d.queues.map((q) => (
                <Col key={q.id} xs={24} xl={12}>
                  <QueueCard q={q} zone={zone} />
                </Col>
              ))}
            </Row>
          )}
        </>
      )}
    </>
  );
}
