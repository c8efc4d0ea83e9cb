// The 線上預約 › 未到診規則 page (admin): the clinic's rule (after N no-shows in 12 months, online
// bookings need staff approval) with the message the patient sees — off by default, nothing
// blocks anyone — and the per-patient exceptions staff set on the patient page.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Row,
  Skeleton,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { api, errorMessage, type ApiResponse } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { BotText, LinePhoneFrame } from '../../components/LinePreview.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { fromNow } from '../../format.ts';
import { applyFieldErrors } from '../../forms.ts';

const { Text } = Typography;
type Policy = ApiResponse<'/api/booking/no-show-policy'>;
type Override = ApiResponse<'/api/booking/no-show-overrides'>['items'][number];

export function NoShowPolicyPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Policy>();
  const policy = useQuery({
    queryKey: ['booking', 'no-show-policy'],
    queryFn: () => api.get('/api/booking/no-show-policy'),
  });
  const overrides = useQuery({
    queryKey: ['booking', 'no-show-overrides'],
    queryFn: () => api.get('/api/booking/no-show-overrides'),
  });
  useEffect(() => {
    if (policy.data) form.setFieldsValue(policy.data);
  }, [policy.data, form]);
  const save = useMutation({
    mutationFn: (v: Policy) => api.put('/api/booking/no-show-policy', { body: v }),
    onSuccess: (p) => {
      qc.setQueryData(['booking', 'no-show-policy'], p);
      message.success('已儲存未到診規則');
    },
    onError: (e) => {
      if (!applyFieldErrors(form, e)) message.error(errorMessage(e));
    },
  });
  const clear = useMutation({
    mutationFn: (patientId: string) =>
      api.delete('/api/booking/patients/{patientId}/no-show-override', { params: { path: { patientId } } }),
    onSuccess: () => {
      message.success('已移除例外，這位病患改依診所規則');
      void qc.invalidateQueries({ queryKey: ['booking', 'no-show-overrides'] });
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const enabled = Form.useWatch('enabled', form);
  const threshold = Form.useWatch('threshold', form);
  const text = Form.useWatch('message', form);

  const header = (
    <PageHeader
      title="未到診規則"
      subtitle="依病患近 12 個月的未到診次數，決定線上預約是否需要櫃台核准。預設不啟用，任何人都可以直接預約。"
      help={<HelpDrawer topic="noShowPolicy" />}
    />
  );
  if (policy.isError)
    return (
      <>
        {header}
        <Alert type="error" showIcon title={errorMessage(policy.error)} />
      </>
    );
  if (!policy.data)
    return (
      <>
        {header}
        <Skeleton active />
      </>
    );
  return (
    <>
      {header}
      <Row gutter={[24, 16]}>
        <Col xs={24} xl={14}>
          <Card title="診所規則" size="small" style={{ marginBottom: 16 }}>
            <Form<Policy>
              form={form}
              layout="vertical"
              initialValues={policy.data}
              onFinish={(v) => save.mutate(v)}
              requiredMark={false}
            >
              <Form.Item name="enabled" label="啟用未到診規則" valuePropName="checked">
                <Switch checkedChildren="啟用" unCheckedChildren="不啟用" />
              </Form.Item>
              <Form.Item
                name="threshold"
                label="近 12 個月未到診達"
                extra={
                  enabled
                    ? `未到診 ${threshold ?? '—'} 次以上的病患，線上預約需由櫃台在「預約申請」核准`
                    : '目前不啟用：任何人都可以直接線上預約'
                }
                rules={[{ required: true, message: '請填寫次數' }]}
              >
                <InputNumber min={1} max={50} suffix="次" style={{ width: 140 }} />
              </Form.Item>
              <Form.Item
                name="message"
                label="需核准時，病患看到的說明"
                rules={[{ required: true, whitespace: true, message: '請填寫病患看到的說明' }]}
              >
                <Input.TextArea rows={3} maxLength={300} showCount aria-label="病患看到的說明" />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={save.isPending}>
                儲存
              </Button>
            </Form>
          </Card>
          <Card title="個別病患的例外" size="small">
            <Text type="secondary" style={{ display: 'block', marginBottom: 12 }}>
              在病患頁的「未到診」可以設定例外：一律不需核准，或一律需核准。例外優先於診所規則。
            </Text>
            <Table<Override>
              rowKey="patientId"
              size="small"
              loading={overrides.isLoading}
              dataSource={overrides.data?.items ?? []}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              locale={{ emptyText: '沒有設定例外的病患' }}
              columns={[
                {
                  title: '病患',
                  key: 'p',
                  render: (_, o) => <Link to={`/patients/${o.patientId}`}>{o.patientName}</Link>,
                },
                { title: '近 12 個月未到診', dataIndex: 'noShows', width: 130, render: (n: number) => `${n} 次` },
                {
                  title: '例外',
                  dataIndex: 'mode',
                  width: 130,
                  render: (m: Override['mode']) =>
                    m === 'exempt' ? <Tag color="green">一律不需核准</Tag> : <Tag color="volcano">一律需核准</Tag>,
                },
                { title: '原因', dataIndex: 'note', render: (n: string) => n || '—' },
                {
                  title: '設定',
                  key: 'by',
                  width: 170,
                  render: (_, o) => (
                    <Text type="secondary" style={{ fontSize: 12 }}>
                      {o.setBy}・{fromNow(o.updatedAt)}
                    </Text>
                  ),
                },
                {
                  title: '',
                  key: 'x',
                  width: 70,
                  render: (_, o) => (
                    <Button size="small" type="text" danger onClick={() => clear.mutate(o.patientId)}>
                      移除
                    </Button>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title="需核准的病患送出預約後收到的訊息（預覽）">
            <LinePhoneFrame title="LINE 官方帳號" minHeight={200}>
              <BotText text={`已收到王小明的預約申請：6/11（週四）09:00 林大明醫師（複診）。\n${text ?? ''}`} />
            </LinePhoneFrame>
          </Card>
        </Col>
      </Row>
    </>
  );
}
