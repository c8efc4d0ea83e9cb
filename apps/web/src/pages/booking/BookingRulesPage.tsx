// The 線上預約 › 預約規則 page (admin): whether patients may book online, where the slots come
// from (per-doctor rules over the clinic's business hours and work calendar, or the HIS's
// published availability), who turns a request into an appointment, and each doctor's rule.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  InputNumber,
  Modal,
  Radio,
  Row,
  Select,
  Skeleton,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage, type ApiBody, type ApiResponse } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { WEEKDAY_LABELS } from '../../format.ts';
import { applyFieldErrors } from '../../forms.ts';

const { Text } = Typography;
type Settings = ApiResponse<'/api/booking/settings'>;
type Rules = ApiResponse<'/api/booking/rules'>;
type Doctor = Rules['doctors'][number];
type RuleBody = ApiBody<'/api/booking/rules/{doctorId}', 'put'>;
type RuleForm = Omit<RuleBody, 'visitTypes'> & { visitTypes: string[] };

const DEFAULT_RULE: RuleForm = {
  enabled: true,
  visitTypes: [],
  slotMinutes: 15,
  daysAhead: 14,
  cutoffMinutes: 60,
  perSlot: 1,
};

const hoursText = (h: Rules['businessHours']) =>
  [1, 2, 3, 4, 5, 6, 0]
    .map((d) => {
      const rs = h.filter((x) => x.weekday === d).map((x) => `${x.open}–${x.close}`);
      return rs.length ? `${WEEKDAY_LABELS[d]} ${rs.join('、')}` : null;
    })
    .filter(Boolean)
    .join('；');

const cutoffText = (m: number) => (m % 60 === 0 ? `${m / 60} 小時` : `${m} 分鐘`);

export function BookingRulesPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [sform] = Form.useForm<Settings>();
  const [rform] = Form.useForm<RuleForm>();
  const [editing, setEditing] = useState<Doctor | null>(null);
  const settings = useQuery({ queryKey: ['booking', 'settings'], queryFn: () => api.get('/api/booking/settings') });
  const rules = useQuery({ queryKey: ['booking', 'rules'], queryFn: () => api.get('/api/booking/rules') });
  const visitTypes = useQuery({
    queryKey: ['appointments', 'visit-types'],
    queryFn: () => api.get('/api/appointments/visit-types'),
    staleTime: 5 * 60_000,
    retry: false,
  });
  useEffect(() => {
    if (settings.data) sform.setFieldsValue(settings.data);
  }, [settings.data, sform]);

  const saveSettings = useMutation({
    mutationFn: (v: Settings) => api.put('/api/booking/settings', { body: v }),
    onSuccess: (s) => {
      qc.setQueryData(['booking', 'settings'], s);
      message.success('已儲存線上預約設定');
    },
    onError: (e) => {
      if (!applyFieldErrors(sform, e)) message.error(errorMessage(e));
    },
  });
  const saveRule = useMutation({
    mutationFn: (v: { doctorId: string; body: RuleBody }) =>
      api.put('/api/booking/rules/{doctorId}', { params: { path: { doctorId: v.doctorId } }, body: v.body }),
    onSuccess: () => {
      setEditing(null);
      message.success('已儲存預約規則');
      void qc.invalidateQueries({ queryKey: ['booking', 'rules'] });
    },
    onError: (e) => {
      if (!applyFieldErrors(rform, e)) message.error(errorMessage(e));
      else message.error('請修正標示的欄位');
    },
  });
  const removeRule = useMutation({
    mutationFn: (doctorId: string) => api.delete('/api/booking/rules/{doctorId}', { params: { path: { doctorId } } }),
    onSuccess: () => {
      message.success('已移除，這位醫師不再開放線上預約');
      void qc.invalidateQueries({ queryKey: ['booking', 'rules'] });
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  const open = (d: Doctor) => {
    setEditing(d);
    rform.setFieldsValue(d.rule ? { ...d.rule, visitTypes: d.rule.visitTypes ?? [] } : DEFAULT_RULE);
  };
  const source = Form.useWatch('slotSource', sform) ?? settings.data?.slotSource;

  const header = (
    <PageHeader
      title="預約規則"
      subtitle="病患在 LINE 線上預約時可以選的醫師、看診類別與時段，以及申請如何成立。"
      help={<HelpDrawer topic="bookingRules" />}
    />
  );
  if (settings.isError || rules.isError)
    return (
      <>
        {header}
        <Alert type="error" showIcon title={errorMessage(settings.error ?? rules.error)} />
      </>
    );
  if (!settings.data || !rules.data)
    return (
      <>
        {header}
        <Skeleton active />
      </>
    );

  return (
    <>
      {header}
      <Card title="線上預約" size="small" style={{ marginBottom: 16 }}>
        <Form<Settings>
          form={sform}
          layout="vertical"
          initialValues={settings.data}
          onFinish={(v) => saveSettings.mutate(v)}
          requiredMark={false}
        >
          <Row gutter={24}>
            <Col xs={24} lg={6}>
              <Form.Item name="enabled" label="開放病患在 LINE 線上預約" valuePropName="checked">
                <Switch checkedChildren="開放" unCheckedChildren="關閉" />
              </Form.Item>
            </Col>
            <Col xs={24} lg={9}>
              <Form.Item name="slotSource" label="可預約時段的來源">
                <Radio.Group
                  options={[
                    { value: 'rules', label: '依下方各醫師的預約規則' },
                    { value: 'his', label: 'HIS 提供（PUT /his/v1/availability）' },
                  ]}
                />
              </Form.Item>
            </Col>
            <Col xs={24} lg={9}>
              <Form.Item name="acceptBy" label="申請如何成立">
                <Radio.Group
                  options={[
                    { value: 'staff', label: '櫃台在「預約申請」接受' },
                    { value: 'his', label: 'HIS 收到通知後回寫預約' },
                  ]}
                />
              </Form.Item>
            </Col>
          </Row>
          <Space align="end" wrap>
            <Form.Item
              name="expireHours"
              label="申請未處理，幾小時後逾時"
              style={{ marginBottom: 0 }}
              rules={[{ required: true, message: '請填寫時數' }]}
            >
              <InputNumber min={1} max={168} suffix="小時" style={{ width: 140 }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={saveSettings.isPending}>
              儲存
            </Button>
          </Space>
        </Form>
      </Card>

      <Card title="各醫師的預約規則" size="small">
        <Text type="secondary" style={{ display: 'block', fontSize: 12, marginBottom: 12 }}>
          門診時間：{hoursText(rules.data.businessHours)}（<Link to="/settings/clinic">診所資料</Link>；休診日依
          <Link to="/reminders/calendar">工作日曆</Link>）
        </Text>
        {source === 'his' ? (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            title="時段來源為「HIS 提供」：病患只能預約 HIS 送來的時段，下方規則暫不使用。"
          />
        ) : null}
        <Table<Doctor>
          rowKey="doctorId"
          dataSource={rules.data.doctors}
          pagination={false}
          locale={{ emptyText: 'HIS 尚未建立醫師' }}
          columns={[
            {
              title: '醫師',
              key: 'name',
              render: (_, d) => (
                <Space>
                  {d.name}
                  {d.active ? null : <Tag>停用</Tag>}
                </Space>
              ),
            },
            {
              title: '線上預約',
              key: 'enabled',
              width: 110,
              render: (_, d) =>
                d.rule?.enabled ? <Tag color="green">開放</Tag> : <Tag>{d.rule ? '暫停' : '未設定'}</Tag>,
            },
            {
              title: '可預約類別',
              key: 'types',
              render: (_, d) => (d.rule ? (d.rule.visitTypes?.join('、') ?? '不限') : '—'),
            },
            {
              title: '時段',
              key: 'slot',
              render: (_, d) => (d.rule ? `每 ${d.rule.slotMinutes} 分鐘・每時段 ${d.rule.perSlot} 人` : '—'),
            },
            {
              title: '可預約期間',
              key: 'window',
              render: (_, d) =>
                d.rule ? `${d.rule.daysAhead} 天內・看診前 ${cutoffText(d.rule.cutoffMinutes)}截止` : '—',
            },
            {
              title: '',
              key: 'actions',
              width: 150,
              render: (_, d) => (
                <Space>
                  <Button size="small" onClick={() => open(d)}>
                    {d.rule ? '編輯' : '設定'}
                  </Button>
                  {d.rule ? (
                    <Button size="small" danger type="text" onClick={() => removeRule.mutate(d.doctorId)}>
                      移除
                    </Button>
                  ) : null}
                </Space>
              ),
            },
          ]}
        />
      </Card>

      <Modal
        open={!!editing}
        title={editing ? `${editing.name} 的預約規則` : ''}
        okText="儲存"
        cancelText="取消"
        okButtonProps={{ loading: saveRule.isPending }}
        onCancel={() => setEditing(null)}
        onOk={() => rform.submit()}
        destroyOnHidden
        width={560}
      >
        <Form<RuleForm>
          form={rform}
          layout="vertical"
          requiredMark={false}
          onFinish={(v) =>
            editing &&
            saveRule.mutate({
              doctorId: editing.doctorId,
              body: { ...v, visitTypes: v.visitTypes?.length ? v.visitTypes : null },
            })
          }
        >
          <Form.Item name="enabled" label="開放線上預約" valuePropName="checked">
            <Switch checkedChildren="開放" unCheckedChildren="暫停" />
          </Form.Item>
          <Form.Item name="visitTypes" label="可預約的看診類別" extra="不選表示不限">
            <Select
              mode="tags"
              aria-label="可預約的看診類別"
              placeholder="不限"
              options={(visitTypes.data?.items ?? []).map((t) => ({ value: t.visitType, label: t.visitType }))}
            />
          </Form.Item>
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item name="slotMinutes" label="時段長度" rules={[{ required: true, message: '請填寫' }]}>
                <InputNumber min={5} max={240} step={5} suffix="分鐘" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="perSlot" label="每個時段可預約" rules={[{ required: true, message: '請填寫' }]}>
                <InputNumber min={1} max={50} suffix="人" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="daysAhead" label="最多可預約" rules={[{ required: true, message: '請填寫' }]}>
                <InputNumber min={0} max={90} suffix="天後" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="cutoffMinutes" label="看診前停止預約" rules={[{ required: true, message: '請填寫' }]}>
                <InputNumber min={0} max={10080} step={30} suffix="分鐘" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </Modal>
    </>
  );
}
