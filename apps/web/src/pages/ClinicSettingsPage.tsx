import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Form,
  Input,
  Row,
  Select,
  Skeleton,
  Space,
  Tag,
} from 'antd';
import { useEffect } from 'react';
import { api, errorMessage, type Schema } from '../api.ts';
import {
  BusinessHoursEditor,
  hoursProblems,
  sessionName,
  sortHours,
  WEEK_ORDER,
} from '../components/BusinessHoursEditor.tsx';
import { WEEKDAY_LABELS } from '../format.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { applyFieldErrors } from '../forms.ts';
import { keys, useClinic } from '../queries.ts';
import { isAdmin, SESSION_KEY, useUser } from '../session.tsx';

type Clinic = Schema<'Clinic'>;
type BusinessHour = Clinic['businessHours'][number];

export const TIME_ZONES = [
  { value: 'Asia/Taipei', label: '台北（Asia/Taipei，UTC+8）' },
  { value: 'Asia/Hong_Kong', label: '香港（Asia/Hong_Kong，UTC+8）' },
  { value: 'Asia/Shanghai', label: '上海（Asia/Shanghai，UTC+8）' },
  { value: 'Asia/Singapore', label: '新加坡（Asia/Singapore，UTC+8）' },
  { value: 'Asia/Tokyo', label: '東京（Asia/Tokyo，UTC+9）' },
  { value: 'America/Los_Angeles', label: '洛杉磯（America/Los_Angeles）' },
  { value: 'UTC', label: '世界協調時間（UTC）' },
];

/** What non-admins see: the clinic's details and weekly hours, read-only. */
function ClinicReadOnly({ clinic }: { clinic: Clinic }) {
  const zone = TIME_ZONES.find((z) => z.value === clinic.timeZone)?.label ?? clinic.timeZone;
  return (
    <>
      <Card title="基本資料" style={{ marginBottom: 16 }}>
        <Descriptions column={2} colon={false} styles={{ label: { width: 96, color: 'rgba(0,0,0,0.5)' } }}>
          <Descriptions.Item label="診所名稱">{clinic.name}</Descriptions.Item>
          <Descriptions.Item label="電話">{clinic.phone || '—'}</Descriptions.Item>
          <Descriptions.Item label="地址">{clinic.address || '—'}</Descriptions.Item>
          <Descriptions.Item label="時區">{zone}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title="門診時段">
        <Descriptions column={1} bordered size="middle" styles={{ label: { width: 96 } }}>
          {WEEK_ORDER.map((wd) => {
            const day = sortHours(clinic.businessHours.filter((h) => h.weekday === wd));
            return (
              <Descriptions.Item key={wd} label={WEEKDAY_LABELS[wd]}>
                <Flex gap={8} wrap>
                  {day.length ? (
                    day.map((h) => (
                      <Tag key={h.open} color="green">
                        {sessionName(h.open)} {h.open}–{h.close}
                      </Tag>
                    ))
                  ) : (
                    <Tag>休診</Tag>
                  )}
                </Flex>
              </Descriptions.Item>
            );
          })}
        </Descriptions>
      </Card>
    </>
  );
}

type ClinicForm = { name: string; address: string; phone: string; timeZone: string; businessHours: BusinessHour[] };

export function ClinicSettingsPage() {
  const user = useUser();
  const admin = isAdmin(user);
  const clinic = useClinic();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<ClinicForm>();
  const hours = Form.useWatch('businessHours', form) ?? [];
  const problems = hoursProblems(hours);

  useEffect(() => {
    if (clinic.data) form.setFieldsValue({ ...clinic.data, businessHours: sortHours(clinic.data.businessHours) });
  }, [clinic.data, form]);

  const save = useMutation({
    mutationFn: (v: ClinicForm) =>
      api.patch('/api/clinic', {
        body: {
          name: v.name.trim(),
          address: v.address ?? '',
          phone: v.phone ?? '',
          timeZone: v.timeZone,
          businessHours: v.businessHours,
        },
      }),
    onSuccess: (c) => {
      qc.setQueryData(keys.clinic, c);
      void qc.invalidateQueries({ queryKey: SESSION_KEY });
      form.setFieldsValue({ ...c, businessHours: sortHours(c.businessHours) });
      void message.success('診所資料已儲存');
    },
    onError: (err) => {
      if (!applyFieldErrors(form, err)) void message.error(errorMessage(err));
      else void message.error('請修正標示的欄位');
    },
  });

  return (
    <>
      <PageHeader
        title="診所資料"
        subtitle="診所名稱、聯絡方式與門診時段會用於 LINE 訊息、預約提醒的發送時間與線上預約。"
        help={<HelpDrawer topic="clinic" />}
      />
      {!admin ? (
        <Alert
          type="info"
          showIcon
          title="只有管理者可以修改診所資料。如需變更，請聯絡診所的管理者。"
          style={{ marginBottom: 16 }}
        />
      ) : null}
      {clinic.isLoading ? (
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      ) : clinic.isError ? (
        <Alert type="error" showIcon title="無法載入診所資料" description={errorMessage(clinic.error)} />
      ) : !admin && clinic.data ? (
        <ClinicReadOnly clinic={clinic.data} />
      ) : (
        <Form
          form={form}
          layout="vertical"
          disabled={!admin || save.isPending}
          onFinish={(v) => save.mutate(v)}
          requiredMark="optional"
        >
          <Card title="基本資料" style={{ marginBottom: 16 }}>
            <Row gutter={24}>
              <Col xs={24} md={12}>
                <Form.Item
                  label="診所名稱"
                  name="name"
                  rules={[
                    { required: true, whitespace: true, message: '請輸入診所名稱' },
                    { max: 100, message: '最多 100 個字' },
                  ]}
                >
                  <Input placeholder="例如：晴光牙醫診所" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item label="電話" name="phone" rules={[{ max: 30, message: '最多 30 個字' }]}>
                  <Input placeholder="例如：02-2700-1234" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item label="地址" name="address" rules={[{ max: 200, message: '最多 200 個字' }]}>
                  <Input placeholder="例如：台北市大安區復興南路一段 100 號" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item
                  label="時區"
                  name="timeZone"
                  rules={[{ required: true, message: '請選擇時區' }]}
                  extra="提醒的發送時間依此時區計算"
                >
                  <Select options={TIME_ZONES} showSearch optionFilterProp="label" />
                </Form.Item>
              </Col>
            </Row>
          </Card>
          <Card title="門診時段">
            <Form.Item name="businessHours" style={{ marginBottom: problems.length ? 12 : 0 }}>
              <BusinessHoursEditor disabled={!admin} />
            </Form.Item>
            {problems.length ? <Alert type="warning" showIcon title={problems.join('；')} /> : null}
          </Card>
          {admin ? (
            <Space style={{ marginTop: 20 }}>
              <Button type="primary" htmlType="submit" loading={save.isPending} disabled={problems.length > 0}>
                儲存變更
              </Button>
              <Button
                onClick={() =>
                  clinic.data &&
                  form.setFieldsValue({ ...clinic.data, businessHours: sortHours(clinic.data.businessHours) })
                }
              >
                還原
              </Button>
            </Space>
          ) : null}
        </Form>
      )}
    </>
  );
}
