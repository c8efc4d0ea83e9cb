// The 線上預約 › 預約申請 page: the patients' online booking requests. Open ones first (by visit
// time): accept (makes the appointment, or forwards one the no-show rule held to the HIS) or
// decline with a reason the patient reads; the rest by status. The list refetches every 30 s
// and on focus, because requests arrive from LINE in the background.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage, type ApiQuery, type ApiResponse } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { dayjs, formatDateTimeIn, fromNow, WEEKDAY_LABELS } from '../../format.ts';
import { useClinic } from '../../queries.ts';

const { Text } = Typography;
type Item = ApiResponse<'/api/booking/requests'>['items'][number];
type Status = NonNullable<ApiQuery<'/api/booking/requests'>['status']>;

const SOURCE: Record<Item['source'], string> = {
  liff: 'LINE 預約頁',
  recall: '回診提醒',
  waitlist: '候補',
  staff: '櫃台',
};
const COLOR: Record<string, string> = {
  requested: 'gold',
  accepted: 'green',
  declined: 'red',
  expired: 'default',
  cancelled: 'default',
};

export function BookingRequestsPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const zone = useClinic().data?.timeZone;
  const [status, setStatus] = useState<Status>('requested');
  const [declining, setDeclining] = useState<Item | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const list = useQuery({
    queryKey: ['booking', 'requests', status],
    queryFn: () => api.get('/api/booking/requests', { params: { query: { status } } }),
    refetchInterval: 30_000,
  });
  const done = (text: string) => {
    message.success(text);
    void qc.invalidateQueries({ queryKey: ['booking', 'requests'] });
  };
  const accept = useMutation({
    mutationFn: (id: string) => api.post('/api/booking/requests/{id}/accept', { params: { path: { id } } }),
    onSuccess: (r) =>
      done(r.status === 'accepted' ? `已接受，${r.patientName} 的預約已成立` : '已核准，申請已送到 HIS'),
    onError: (e) => message.error(errorMessage(e)),
  });
  const decline = useMutation({
    mutationFn: (v: { id: string; reason: string }) =>
      api.post('/api/booking/requests/{id}/decline', { params: { path: { id: v.id } }, body: { reason: v.reason } }),
    onSuccess: () => {
      setDeclining(null);
      form.resetFields();
      done('已婉拒，病患會在 LINE 收到原因');
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const acceptBy = list.data?.acceptBy;

  return (
    <>
      <PageHeader
        title="預約申請"
        subtitle="病患在 LINE 送出的線上預約。接受後預約成立並通知病患；婉拒時病患會看到原因。"
        help={<HelpDrawer topic="bookingRequests" />}
      />
      <Space style={{ marginBottom: 16 }} wrap>
        <Segmented<Status>
          value={status}
          onChange={setStatus}
          options={[
            { value: 'requested', label: `申請中${list.data ? `（${list.data.open}）` : ''}` },
            { value: 'accepted', label: '已成立' },
            { value: 'declined', label: '已婉拒' },
            { value: 'expired', label: '逾時' },
            { value: 'all', label: '全部' },
          ]}
        />
        {acceptBy ? (
          <Text type="secondary">
            申請成立方式：{acceptBy === 'his' ? 'HIS 回寫（櫃台只需核准標示「需核准」的申請）' : '櫃台接受'}（
            <Link to="/booking/rules">預約規則</Link>）
          </Text>
        ) : null}
      </Space>
      {list.isError ? <Alert type="error" showIcon title={errorMessage(list.error)} /> : null}
      <Table<Item>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: status === 'requested' ? '目前沒有待處理的預約申請' : '沒有資料' }}
        columns={[
          {
            title: '看診時間',
            key: 'startsAt',
            width: 210,
            // with the weekday, as the patient read it in LINE (「12/9（週三）09:30」)
            render: (_, r) => {
              const [date, time] = formatDateTimeIn(r.startsAt, zone).split(' ');
              const wd = zone ? dayjs(r.startsAt).tz(zone).day() : dayjs(r.startsAt).day();
              return <Text strong>{`${date}（${WEEKDAY_LABELS[wd]}）${time}`}</Text>;
            },
          },
          {
            title: '病患',
            key: 'patient',
            render: (_, r) => (
              <Space orientation="vertical" size={0}>
                <Link to={`/patients/${r.patientId}`}>{r.patientName}</Link>
                <Text type="secondary" style={{ fontSize: 12 }}>
                  {r.chartNo ? `病歷號 ${r.chartNo}・` : ''}近 12 個月未到診 {r.noShows} 次
                </Text>
              </Space>
            ),
          },
          { title: '醫師', dataIndex: 'doctorName', width: 110 },
          { title: '看診類別', dataIndex: 'visitType', width: 100, render: (v: string | null) => v ?? '—' },
          { title: '來源', dataIndex: 'source', width: 110, render: (v: Item['source']) => SOURCE[v] },
          {
            title: '狀態',
            key: 'status',
            width: 200,
            render: (_, r) => (
              <Space orientation="vertical" size={2}>
                <Space size={4} wrap>
                  <Tag color={COLOR[r.status]}>{r.statusLabel}</Tag>
                  {r.status === 'requested' && r.needsApproval ? <Tag color="volcano">需核准</Tag> : null}
                </Space>
                {r.declineReason ? <Text type="secondary">原因：{r.declineReason}</Text> : null}
                {r.decidedBy ? (
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {r.decidedBy}・{fromNow(r.decidedAt)}
                  </Text>
                ) : (
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    申請於 {fromNow(r.createdAt)}
                  </Text>
                )}
              </Space>
            ),
          },
          {
            title: '處理',
            key: 'actions',
            width: 170,
            render: (_, r) =>
              r.status !== 'requested' ? null : (
                <Space>
                  {acceptBy === 'his' && !r.needsApproval ? (
                    <Text type="secondary">等待 HIS 回寫</Text>
                  ) : (
                    <Button
                      type="primary"
                      size="small"
                      loading={accept.isPending && accept.variables === r.id}
                      onClick={() => accept.mutate(r.id)}
                    >
                      {acceptBy === 'his' ? '核准' : '接受'}
                    </Button>
                  )}
                  <Button size="small" danger onClick={() => setDeclining(r)}>
                    婉拒
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      <Modal
        open={!!declining}
        title={declining ? `婉拒 ${declining.patientName} 的預約申請` : ''}
        okText="婉拒並通知病患"
        okButtonProps={{ danger: true, loading: decline.isPending }}
        cancelText="取消"
        onCancel={() => setDeclining(null)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => declining && decline.mutate({ id: declining.id, reason: v.reason })}
        >
          <Form.Item
            name="reason"
            label="原因（病患會在 LINE 看到）"
            rules={[{ required: true, whitespace: true, message: '請說明婉拒的原因' }]}
          >
            <Input.TextArea rows={3} maxLength={200} showCount placeholder="例如：醫師當天臨時休診，請改約其他時段" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
