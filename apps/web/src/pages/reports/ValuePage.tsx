// The 報表 › Careline 效益 page: what Careline was worth to the clinic in a month, in NT$ — no-shows
// avoided against the baseline period × the average visit value, confirmation calls replaced by LINE
// × minutes per call as staff hours, minus the messages' cost — every figure with its formula and
// the numbers put into it; and the clinic's settings behind them (admin): average visit value,
// minutes per call, staff hourly cost, baseline period.
import { SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Flex,
  Form,
  InputNumber,
  Row,
  Select,
  Skeleton,
  Switch,
  Table,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { api, errorMessage, type ApiBody, type ApiResponse } from '../../api.ts';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { dayjs, formatDateTime } from '../../format.ts';
import { applyFieldErrors } from '../../forms.ts';
import { useUser } from '../../session.tsx';
import { formatValue, monthTitle } from './kpiFormat.ts';

const { Text, Paragraph } = Typography;
type Value = ApiResponse<'/api/reports/value'>;
type Figure = Value['figures'][number];
type Settings = ApiResponse<'/api/reports/settings'>;
type Body = ApiBody<'/api/reports/settings', 'put'>;
type FormValues = Omit<Body, 'baselinePeriod'> & { defaultBaseline: boolean; baseline?: [Dayjs, Dayjs] };
const SETTINGS_KEY = ['reports', 'settings'];

const toForm = (s: Settings): FormValues => ({
  averageVisitValueTwd: s.averageVisitValueTwd,
  minutesPerCall: s.minutesPerCall,
  staffHourlyCostTwd: s.staffHourlyCostTwd,
  defaultBaseline: s.baselinePeriod === null,
  baseline: [dayjs(s.baseline.from), dayjs(s.baseline.to)],
});
const toBody = (v: FormValues): Body => ({
  averageVisitValueTwd: v.averageVisitValueTwd,
  minutesPerCall: v.minutesPerCall,
  staffHourlyCostTwd: v.staffHourlyCostTwd,
  baselinePeriod:
    !v.defaultBaseline && v.baseline
      ? { from: v.baseline[0].format('YYYY-MM-DD'), to: v.baseline[1].format('YYYY-MM-DD') }
      : null,
});

/** This month and the twelve before it, newest first. */
const monthOptions = () =>
  Array.from({ length: 13 }, (_, i) => {
    const m = dayjs().subtract(i, 'month').format('YYYY-MM');
    return { value: m, label: i === 0 ? `${monthTitle(m)}（本月至今）` : monthTitle(m) };
  });

const isNet = (f: Figure, all: Figure[]) =>
  f.key.includes('net') || (!all.some((x) => x.key.includes('net')) && f === all.at(-1));

/** The NT$ parts of the net value as bars: savings up (green), costs down (grey-red). */
function partsChart(parts: Figure[]): ChartOption {
  // Costs are positive figures of the API; they take away from the value, so they point left.
  const rows = [...parts].reverse().map((f) => (f.key.includes('cost') ? { ...f, value: -(f.value ?? 0) } : f));
  return {
    grid: { left: 8, right: 80, top: 4, bottom: 4, containLabel: true },
    xAxis: { type: 'value', show: false },
    yAxis: {
      type: 'category',
      data: rows.map((f) => f.label),
      axisTick: { show: false },
      axisLine: { show: false },
      axisLabel: { color: '#262626', fontSize: 13 },
    },
    series: [
      {
        type: 'bar',
        barWidth: 18,
        data: rows.map((f) => ({
          value: f.value ?? 0,
          itemStyle: { color: (f.value ?? 0) < 0 ? '#ff7875' : '#06c755', borderRadius: 3 },
        })),
        label: {
          show: true,
          position: 'right',
          formatter: (p: { dataIndex: number }) => formatValue(rows[p.dataIndex]?.value ?? null, 'twd'),
          color: '#262626',
        },
      },
    ],
  };
}

function SettingsCard({ admin }: { admin: boolean }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const saved = useQuery({ queryKey: SETTINGS_KEY, queryFn: () => api.get('/api/reports/settings') });
  const useDefault = Form.useWatch('defaultBaseline', form);
  useEffect(() => {
    if (saved.data) form.setFieldsValue(toForm(saved.data));
  }, [saved.data, form]);
  const save = useMutation({
    mutationFn: (v: FormValues) => api.put('/api/reports/settings', { body: toBody(v) }),
    onSuccess: (s) => {
      qc.setQueryData(SETTINGS_KEY, s);
      void qc.invalidateQueries({ queryKey: ['reports', 'value'] });
      void qc.invalidateQueries({ queryKey: ['reports', 'baseline'] });
      message.success('已儲存效益設定');
    },
    onError: (e) => {
      if (applyFieldErrors(form, e, { baselinePeriod: 'baseline' })) message.error('請修正標示的欄位');
      else message.error(errorMessage(e));
    },
  });
  const s = saved.data;
  return (
    <Card
      id="settings"
      size="small"
      title="診所設定"
      aria-label="診所設定"
      extra={admin ? null : <Text type="secondary">只有管理者可以修改</Text>}
    >
      {saved.isError ? <Alert type="error" showIcon title={errorMessage(saved.error)} /> : null}
      {!s ? (
        saved.isError ? null : (
          <Skeleton active />
        )
      ) : (
        <Form<FormValues>
          form={form}
          layout="vertical"
          initialValues={toForm(s)}
          disabled={!admin}
          requiredMark={false}
          onFinish={(v) => save.mutate(v)}
        >
          <Form.Item
            name="averageVisitValueTwd"
            label="平均每診收入"
            extra="健保點數與自費合計的平均，用來估算未到診的損失"
            rules={[{ required: true, message: '請填寫平均每診收入' }]}
          >
            <InputNumber min={0} max={1_000_000} step={100} prefix="NT$" style={{ width: '100%' }} />
          </Form.Item>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item
                name="minutesPerCall"
                label="每通確認電話"
                rules={[{ required: true, message: '請填寫分鐘數' }]}
              >
                <InputNumber min={0} max={120} suffix="分鐘" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                name="staffHourlyCostTwd"
                label="櫃台人員時薪"
                rules={[{ required: true, message: '請填寫時薪' }]}
              >
                <InputNumber min={0} max={100_000} step={10} prefix="NT$" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item label="基準期（導入前）" style={{ marginBottom: 8 }}>
            <Flex gap={8} align="center">
              <Form.Item name="defaultBaseline" valuePropName="checked" noStyle>
                <Switch size="small" aria-label="使用預設基準期" />
              </Form.Item>
              <Text>使用預設：開始使用 Careline 前的三個月</Text>
            </Flex>
          </Form.Item>
          <Form.Item
            name="baseline"
            extra={
              s.carelineSince
                ? `開始使用 Careline：${s.carelineSince.replaceAll('-', '/')}。請選 HIS 已有完整看診紀錄的期間。`
                : '請選 HIS 已有完整看診紀錄的期間。'
            }
            rules={[{ required: !useDefault, message: '請選擇基準期' }]}
          >
            <DatePicker.RangePicker
              aria-label="基準期"
              format="YYYY/MM/DD"
              allowClear={false}
              disabled={!admin || useDefault}
              style={{ width: '100%' }}
            />
          </Form.Item>
          <Flex justify="space-between" align="center">
            <Text type="secondary" style={{ fontSize: 12 }}>
              {s.updatedAt
                ? `上次修改：${formatDateTime(s.updatedAt)}${s.updatedBy ? `（${s.updatedBy}）` : ''}`
                : '尚未修改（使用預設值）'}
            </Text>
            {admin ? (
              <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={save.isPending}>
                儲存設定
              </Button>
            ) : null}
          </Flex>
        </Form>
      )}
    </Card>
  );
}

export function ValuePage() {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const months = useMemo(monthOptions, []);
  const month = params.get('month') ?? months[0]!.value;
  const value = useQuery({
    queryKey: ['reports', 'value', month],
    queryFn: () => api.get('/api/reports/value', { params: { query: { month } } }),
  });
  const v = value.data;
  const net = v?.figures.find((f) => isNet(f, v.figures)) ?? null;
  const parts = v?.figures.filter((f) => f.unit === 'twd' && f !== net && f.value !== null) ?? [];
  const option = useMemo(() => partsChart(parts), [parts]);

  const header = (
    <PageHeader
      title="Careline 效益"
      subtitle="Careline 每個月為診所省下多少：減少的未到診與取代的確認電話，扣掉訊息費用。每個數字都附上算法與代入的數字。"
      help={<HelpDrawer topic="reportsValue" />}
      extra={
        <Select
          aria-label="月份"
          value={month}
          style={{ width: 230 }}
          options={months}
          onChange={(m: string) => setParams(m === months[0]!.value ? {} : { month: m }, { replace: true })}
        />
      }
    />
  );

  const figures = value.isError ? (
    <Alert type="error" showIcon title={errorMessage(value.error)} />
  ) : !v ? (
    <Skeleton active />
  ) : (
    <>
      <Card style={{ marginBottom: 16 }} aria-label="淨效益">
        <Row gutter={[24, 16]} align="middle">
          <Col xs={24} lg={9}>
            <Text strong style={{ fontSize: 15 }}>
              {net?.label ?? '淨效益'}
            </Text>
            <Text type="secondary" style={{ display: 'block' }}>
              {monthTitle(v.month)}
              {v.to < dayjs(`${v.month}-01`).endOf('month').format('YYYY-MM-DD')
                ? `（計算到 ${Number(v.to.slice(5, 7))}/${Number(v.to.slice(8, 10))}）`
                : ''}
            </Text>
            <div
              style={{
                fontSize: 44,
                fontWeight: 700,
                lineHeight: 1.15,
                margin: '6px 0',
                color: (net?.value ?? 0) < 0 ? '#cf1322' : '#389e0d',
                fontVariantNumeric: 'tabular-nums',
              }}
              aria-label="淨效益金額"
            >
              {formatValue(net?.value ?? null, 'twd')}
            </div>
            <Paragraph type="secondary" style={{ margin: 0, fontSize: 13 }}>
              {net?.formula}
            </Paragraph>
            <Text type="secondary" style={{ fontSize: 12 }}>
              基準期 {v.baseline.from.replaceAll('-', '/')} ～ {v.baseline.to.replaceAll('-', '/')}
            </Text>
          </Col>
          <Col xs={24} lg={15}>
            {parts.length ? (
              <Chart option={option} height={Math.max(120, parts.length * 44)} label="效益的組成" />
            ) : null}
          </Col>
        </Row>
      </Card>
      <Card size="small" title="每一個數字怎麼算" aria-label="計算方式">
        <Table<Figure>
          rowKey="key"
          size="middle"
          pagination={false}
          dataSource={v.figures}
          rowClassName={(f) => (f === net ? 'value-net-row' : '')}
          columns={[
            {
              title: '項目',
              dataIndex: 'label',
              width: 220,
              render: (l: string, f) => (f === net ? <Text strong>{l}</Text> : l),
            },
            {
              title: '數值',
              align: 'right',
              width: 160,
              render: (_: unknown, f) => (
                <Text strong={f === net} style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                  {formatValue(f.value, f.unit)}
                </Text>
              ),
            },
            {
              title: '計算方式（代入本月數字）',
              dataIndex: 'formula',
              render: (x: string) => <Text type="secondary">{x}</Text>,
            },
          ]}
        />
      </Card>
    </>
  );

  return (
    <>
      {header}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          {figures}
        </Col>
        <Col xs={24} xl={8}>
          <SettingsCard admin={user.role === 'admin'} />
          <Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }}>
            這些是估算，用來看趨勢與跟合夥人溝通，不是會計數字。
          </Paragraph>
        </Col>
      </Row>
    </>
  );
}
