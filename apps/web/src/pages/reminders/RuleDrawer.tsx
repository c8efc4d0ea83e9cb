// Add or edit one reminder rule. The fields follow the kind; 套用 puts the rule into the page's
// unsaved document (the page's 儲存 saves the whole document), and the server's errors of this
// rule are shown at their fields.
import {
  Alert,
  Button,
  Checkbox,
  Drawer,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Switch,
  TimePicker,
} from 'antd';
import { useEffect } from 'react';
import { dayjs } from '../../format.ts';
import {
  cleanRule,
  KIND_LABEL,
  newRuleId,
  WEEKDAYS,
  type FieldErrors,
  type Rule,
  type RuleKind,
} from './rules-model.ts';

/** 'HH:MM' text in and out of antd's TimePicker. */
export function TimeInput({
  value,
  onChange,
  disabled,
  id,
  ariaLabel,
  width = 120,
}: {
  value?: string;
  onChange?: (v: string | undefined) => void;
  disabled?: boolean;
  id?: string;
  ariaLabel?: string;
  width?: number | string;
}) {
  return (
    <TimePicker
      id={id}
      aria-label={ariaLabel}
      format="HH:mm"
      minuteStep={5}
      needConfirm={false}
      disabled={disabled}
      value={value ? dayjs(value, 'HH:mm') : null}
      onChange={(d) => onChange?.(d ? d.format('HH:mm') : undefined)}
      style={{ width }}
    />
  );
}

type Values = Rule;

const FIELDS = ['name', 'kind', 'mode', 'at', 'hours', 'days', 'visitTypes', 'skipWeekdays', 'templateId'] as const;

export function RuleDrawer({
  open,
  rule,
  index,
  takenIds,
  templates,
  visitTypes,
  errors,
  onApply,
  onClose,
}: {
  open: boolean;
  /** null = a new rule. */
  rule: Rule | null;
  index: number;
  takenIds: string[];
  templates: { id: string; name: string }[];
  visitTypes: string[];
  errors: FieldErrors;
  onApply: (r: Rule) => void;
  onClose: () => void;
}) {
  const [form] = Form.useForm<Values>();
  const kind = (Form.useWatch('kind', form) ?? 'hours_before') as RuleKind;
  const mode = Form.useWatch('mode', form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      rule ?? {
        id: '',
        kind: 'hours_before',
        name: '',
        enabled: true,
        hours: 24,
        days: 1,
        mode: 'immediate',
        at: '10:00',
        essential: false,
        shift: true,
        skipWeekdays: [],
        visitTypes: [],
        templateId: templates.some((t) => t.id === 'default') ? 'default' : (templates[0]?.id ?? ''),
      },
    );
    // The server's messages of this rule, at their fields.
    const prefix = `rules.${index}.`;
    form.setFields(
      FIELDS.map((name) => ({ name, errors: errors[prefix + name] ?? [] })).filter((f) => f.errors.length),
    );
    // Only when the drawer opens: a later change of the page's errors or templates must not reset what is typed.
  }, [open, rule, form, index]);

  const rest = Object.entries(errors)
    .filter(([f]) => f === `rules.${index}` || (f.startsWith(`rules.${index}.`) && !FIELDS.some((k) => f.endsWith(k))))
    .flatMap(([, m]) => m);

  const apply = (v: Values) => {
    const base = rule ?? { id: newRuleId(v.kind, takenIds), enabled: true };
    onApply(cleanRule({ ...base, ...v, id: base.id, enabled: base.enabled, name: v.name.trim() } as Rule));
  };

  const needsAt = kind === 'days_before' || kind === 'visit_day' || (kind === 'booking' && mode === 'at');
  return (
    <Drawer
      title={rule ? `編輯規則：${rule.name}` : '新增提醒規則'}
      open={open}
      onClose={onClose}
      size={560}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" onClick={() => form.submit()}>
            套用
          </Button>
        </Space>
      }
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="套用後會先放進尚未儲存的變更，按頁面上方的「儲存」才會生效；旁邊的模擬器會立即依新設定試算。"
      />
      {rest.length ? <Alert type="error" showIcon style={{ marginBottom: 16 }} title={rest.join('；')} /> : null}
      <Form form={form} layout="vertical" requiredMark={false} onFinish={apply}>
        <Form.Item
          label="名稱"
          name="name"
          rules={[
            { required: true, whitespace: true, message: '請輸入名稱，例如「看診前 48 小時提醒」' },
            { max: 50, message: '最多 50 個字' },
          ]}
        >
          <Input placeholder="例如：看診前 48 小時提醒" />
        </Form.Item>
        <Form.Item label="什麼時候發送" name="kind">
          <Select
            aria-label="什麼時候發送"
            options={(Object.keys(KIND_LABEL) as RuleKind[]).map((k) => ({ value: k, label: KIND_LABEL[k] }))}
          />
        </Form.Item>
        {kind === 'booking' ? (
          <Form.Item label="預約當日" name="mode">
            <Radio.Group
              options={[
                { value: 'immediate', label: 'HIS 建立預約後立即發送' },
                { value: 'at', label: '預約當天的指定時間' },
              ]}
            />
          </Form.Item>
        ) : null}
        <Space size={16} align="start" wrap>
          {kind === 'hours_before' ? (
            <Form.Item
              label="看診前幾小時"
              name="hours"
              rules={[{ required: true, message: '請輸入 1 到 720 小時' }]}
              extra="1–720 小時（最多 30 天）"
            >
              <InputNumber min={1} max={720} precision={0} suffix="小時" style={{ width: 160 }} />
            </Form.Item>
          ) : null}
          {kind === 'days_before' ? (
            <Form.Item
              label="看診前幾天"
              name="days"
              rules={[{ required: true, message: '請輸入 1 到 30 天' }]}
              extra="1–30 天"
            >
              <InputNumber min={1} max={30} precision={0} suffix="天" style={{ width: 140 }} />
            </Form.Item>
          ) : null}
          {needsAt ? (
            <Form.Item label="發送時間" name="at" rules={[{ required: true, message: '請選擇發送時間' }]}>
              <TimeInput ariaLabel="發送時間" />
            </Form.Item>
          ) : null}
        </Space>
        <Form.Item
          label="不在這幾天發送"
          name="skipWeekdays"
          extra="落在勾選的日子時，改在前一個可發送的上班日、於「順延時間」發送。例如勾「六」：週一看診的 48 小時前提醒改在週五發送。"
          rules={[
            {
              validator: (_, v: number[] | undefined) =>
                (v?.length ?? 0) >= 7
                  ? Promise.reject(new Error('不可七天都不發送；若不需要這條提醒，請改為停用'))
                  : Promise.resolve(),
            },
          ]}
        >
          <Checkbox.Group options={WEEKDAYS.map((w) => ({ value: w.value, label: `週${w.label}` }))} />
        </Form.Item>
        <Form.Item
          label="只用於這些看診類別"
          name="visitTypes"
          extra="留空＝所有看診類別。可從清單選，也可直接輸入後按 Enter。"
        >
          <Select
            mode="tags"
            aria-label="只用於這些看診類別"
            placeholder="所有看診類別"
            options={visitTypes.map((v) => ({ value: v, label: v }))}
          />
        </Form.Item>
        <Form.Item label="訊息範本" name="templateId" rules={[{ required: true, message: '請選擇訊息範本' }]}>
          <Select aria-label="訊息範本" options={templates.map((t) => ({ value: t.id, label: t.name }))} />
        </Form.Item>
        <Space size={32} wrap>
          <Form.Item label="必要提醒" name="essential" valuePropName="checked" extra="本月訊息額度達上限時仍會發送">
            <Switch />
          </Form.Item>
          <Form.Item label="遇休診日提前" name="shift" valuePropName="checked" extra="落在休診日時改在前一個上班日發送">
            <Switch />
          </Form.Item>
        </Space>
      </Form>
    </Drawer>
  );
}
