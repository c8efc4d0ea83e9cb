// The 滿意度 › 調查設定 page (admin): whether and when a survey goes after a completed visit, its
// validity, the per-patient interval, which doctors and visit types, the clinic's Google Place ID
// (its review link, offered to every respondent — no gating) and the invitation text, with a
// LINE-like preview of what the patient gets (and what follows 2 stars and 5 stars).
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
  Radio,
  Row,
  Segmented,
  Select,
  Skeleton,
  Switch,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { api, errorMessage, type ApiBody, type ApiResponse } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { BotFlex, BotText, LinePhoneFrame, UserBubble } from '../../components/LinePreview.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { applyFieldErrors } from '../../forms.ts';
import { NO_GATING_RULE } from '../../help/satisfaction.tsx';

const { Text, Link } = Typography;
type Settings = ApiResponse<'/api/satisfaction/settings'>;
type Body = ApiBody<'/api/satisfaction/settings', 'put'>;
type Preview = ApiResponse<'/api/satisfaction/settings/preview', 'post'>;
type FormValues = Omit<Body, 'doctorIds' | 'visitTypes'> & {
  doctorScope: 'all' | 'some';
  doctorIds: string[];
  typeScope: 'all' | 'some';
  visitTypes: string[];
};
const KEY = ['satisfaction', 'settings'];

const toForm = (s: Settings): FormValues => ({
  enabled: s.enabled,
  delayMinutes: s.delayMinutes,
  validityDays: s.validityDays,
  minDaysBetween: s.minDaysBetween,
  placeId: s.placeId,
  messageText: s.messageText,
  doctorScope: s.doctorIds ? 'some' : 'all',
  doctorIds: s.doctorIds ?? [],
  typeScope: s.visitTypes ? 'some' : 'all',
  visitTypes: s.visitTypes ?? [],
});
const toBody = (v: FormValues): Body => ({
  enabled: v.enabled,
  delayMinutes: v.delayMinutes,
  validityDays: v.validityDays,
  minDaysBetween: v.minDaysBetween,
  placeId: v.placeId ?? '',
  messageText: v.messageText ?? '',
  doctorIds: v.doctorScope === 'some' ? (v.doctorIds ?? []) : null,
  visitTypes: v.typeScope === 'some' ? (v.visitTypes ?? []) : null,
});

/** 「2 小時」「1 小時 30 分」「立即」 */
const delayText = (m: number | null | undefined) =>
  !m
    ? '看診完成後立即傳送'
    : `看診完成後 ${m >= 60 ? `${Math.floor(m / 60)} 小時` : ''}${m % 60 ? ` ${m % 60} 分` : ''}傳送`;

type Msg = Record<string, unknown> & {
  type: string;
  text?: string;
  contents?: unknown;
  template?: { text?: string; actions: { label: string }[] };
};

/** A LINE message in the preview: text, Flex, or a buttons template drawn like LINE draws it. */
function PreviewMessage({ m }: { m: Msg }) {
  if (m.type === 'flex') return <BotFlex contents={m.contents} />;
  if (m.type === 'template' && m.template)
    return (
      <div style={{ display: 'flex', gap: 8, marginBottom: 10, marginLeft: 40 }}>
        <div style={{ background: '#fff', borderRadius: 14, maxWidth: 250, overflow: 'hidden', fontSize: 13 }}>
          <div style={{ padding: '10px 12px', whiteSpace: 'pre-wrap' }}>{m.template.text}</div>
          {m.template.actions.map((a) => (
            <div
              key={a.label}
              style={{ borderTop: '1px solid #eee', padding: '8px 12px', color: '#1677ff', textAlign: 'center' }}
            >
              {a.label}
            </div>
          ))}
        </div>
      </div>
    );
  return <BotText text={m.text ?? ''} />;
}

function useDebounced<T>(value: T, ms = 400): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function SurveySettingsPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const saved = useQuery({ queryKey: KEY, queryFn: () => api.get('/api/satisfaction/settings') });
  const doctors = useQuery({ queryKey: ['doctors'], queryFn: () => api.get('/api/doctors'), staleTime: 5 * 60_000 });
  const visitTypes = useQuery({
    queryKey: ['appointments', 'visit-types'],
    queryFn: () => api.get('/api/appointments/visit-types'),
    staleTime: 5 * 60_000,
    retry: false,
  });
  const [after, setAfter] = useState<'low' | 'high'>('low');
  const messageText = Form.useWatch('messageText', form);
  const placeId = Form.useWatch('placeId', form);
  const delay = Form.useWatch('delayMinutes', form);
  const doctorScope = Form.useWatch('doctorScope', form);
  const typeScope = Form.useWatch('typeScope', form);
  const previewInput = useDebounced({ messageText: messageText ?? '', placeId: placeId ?? '' });
  const preview = useQuery({
    queryKey: ['satisfaction', 'preview', previewInput],
    queryFn: () => api.post('/api/satisfaction/settings/preview', { body: previewInput }),
    enabled: !!saved.data,
    placeholderData: (p: Preview | undefined) => p,
  });

  useEffect(() => {
    if (saved.data) form.setFieldsValue(toForm(saved.data));
  }, [saved.data, form]);

  const save = useMutation({
    mutationFn: (v: FormValues) => api.put('/api/satisfaction/settings', { body: toBody(v) }),
    onSuccess: (s) => {
      qc.setQueryData(KEY, s);
      message.success('已儲存滿意度調查設定');
    },
    onError: (e) => {
      if (!applyFieldErrors(form, e)) message.error(errorMessage(e));
      else message.error('請修正標示的欄位');
    },
  });

  const header = (
    <PageHeader
      title="調查設定"
      subtitle="看診完成後，用 LINE 請病患為這次看診評分（1–5 星），並邀請每一位回覆者在 Google 分享經驗。"
      help={<HelpDrawer topic="surveySettings" />}
    />
  );
  if (saved.isError)
    return (
      <>
        {header}
        <Alert type="error" showIcon title={errorMessage(saved.error)} />
      </>
    );
  if (!saved.data)
    return (
      <>
        {header}
        <Skeleton active />
      </>
    );

  const p = preview.data as { survey: Msg; afterLow: Msg[]; afterHigh: Msg[] } | undefined;
  return (
    <>
      {header}
      <Row gutter={[24, 16]}>
        <Col xs={24} xl={14}>
          <Form<FormValues>
            form={form}
            layout="vertical"
            initialValues={toForm(saved.data)}
            onFinish={(v) => save.mutate(v)}
            requiredMark={false}
          >
            <Card title="傳送" size="small" style={{ marginBottom: 16 }}>
              <Form.Item name="enabled" label="看診完成後傳送滿意度調查" valuePropName="checked">
                <Switch checkedChildren="開啟" unCheckedChildren="關閉" />
              </Form.Item>
              <Row gutter={16}>
                <Col xs={24} md={8}>
                  <Form.Item
                    name="delayMinutes"
                    label="傳送時間（分鐘）"
                    extra={delayText(delay)}
                    rules={[{ required: true, message: '請填寫傳送時間' }]}
                  >
                    <InputNumber min={0} max={2880} step={30} style={{ width: '100%' }} suffix="分鐘" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item
                    name="validityDays"
                    label="填答期限"
                    extra="過期後點星星不計分"
                    rules={[{ required: true, message: '請填寫填答期限' }]}
                  >
                    <InputNumber min={1} max={60} style={{ width: '100%' }} suffix="天" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item
                    name="minDaysBetween"
                    label="同一位病患至少間隔"
                    extra="含問卷；0 表示不限"
                    rules={[{ required: true, message: '請填寫間隔天數' }]}
                  >
                    <InputNumber min={0} max={365} style={{ width: '100%' }} suffix="天" />
                  </Form.Item>
                </Col>
              </Row>
              <Text type="secondary" style={{ fontSize: 12 }}>
                落在安靜時段（設定 › 提醒規則）時延到安靜時段結束；只有之後完成的看診會收到，HIS
                同步進來的舊看診不會補發。
              </Text>
            </Card>

            <Card title="調查哪些看診" size="small" style={{ marginBottom: 16 }}>
              <Form.Item name="doctorScope" label="醫師">
                <Radio.Group
                  options={[
                    { value: 'all', label: '所有醫師' },
                    { value: 'some', label: '指定醫師' },
                  ]}
                />
              </Form.Item>
              {doctorScope === 'some' ? (
                <Form.Item name="doctorIds" rules={[{ required: true, message: '請至少選擇一位醫師' }]}>
                  <Select
                    mode="multiple"
                    aria-label="指定醫師"
                    placeholder="選擇醫師"
                    loading={doctors.isLoading}
                    options={(doctors.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
                    optionFilterProp="label"
                  />
                </Form.Item>
              ) : null}
              <Form.Item name="typeScope" label="看診類別">
                <Radio.Group
                  options={[
                    { value: 'all', label: '所有類別' },
                    { value: 'some', label: '指定類別' },
                  ]}
                />
              </Form.Item>
              {typeScope === 'some' ? (
                <Form.Item
                  name="visitTypes"
                  rules={[{ required: true, message: '請至少選擇一種看診類別' }]}
                  extra="可輸入 HIS 送來的看診類別名稱"
                >
                  <Select
                    mode="tags"
                    aria-label="指定看診類別"
                    placeholder="選擇或輸入看診類別"
                    options={(visitTypes.data?.items ?? []).map((t) => ({ value: t.visitType, label: t.visitType }))}
                  />
                </Form.Item>
              ) : null}
            </Card>

            <Card title="Google 評論連結" size="small" style={{ marginBottom: 16 }}>
              <Alert type="info" showIcon style={{ marginBottom: 12 }} title={NO_GATING_RULE} />
              <Form.Item
                name="placeId"
                label="Google 地點 ID（Place ID）"
                extra={
                  <>
                    在{' '}
                    <Link
                      href="https://developers.google.com/maps/documentation/places/web-service/place-id"
                      target="_blank"
                    >
                      Google Place ID Finder
                    </Link>{' '}
                    搜尋診所名稱取得，例如 ChIJ 開頭的代碼；也可以貼上含 placeid= 的評論連結。空白表示不提供評論連結。
                  </>
                }
              >
                <Input placeholder="ChIJ…" allowClear />
              </Form.Item>
              {saved.data.reviewUrl ? (
                <Text type="secondary" style={{ fontSize: 12 }}>
                  目前的評論連結：
                  <Link href={saved.data.reviewUrl} target="_blank">
                    {saved.data.reviewUrl}
                  </Link>
                </Text>
              ) : null}
            </Card>

            <Card title="邀請訊息" size="small" style={{ marginBottom: 16 }}>
              <Form.Item
                name="messageText"
                extra="可用 {name}（病患姓名）、{clinic}（診所名稱）、{doctor}（看診醫師）"
                rules={[{ required: true, whitespace: true, message: '請填寫邀請訊息的內容' }]}
              >
                <Input.TextArea rows={4} maxLength={500} showCount aria-label="邀請訊息" />
              </Form.Item>
            </Card>
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              儲存
            </Button>
          </Form>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title="病患收到的訊息（預覽）">
            <LinePhoneFrame title="LINE 官方帳號" minHeight={300}>
              {p ? <PreviewMessage m={p.survey} /> : <Skeleton active />}
            </LinePhoneFrame>
            <Segmented
              block
              style={{ margin: '16px 0 12px', maxWidth: 340 }}
              value={after}
              onChange={(v) => setAfter(v as 'low' | 'high')}
              options={[
                { value: 'low', label: '評 2 星之後' },
                { value: 'high', label: '評 5 星之後' },
              ]}
            />
            <LinePhoneFrame title="LINE 官方帳號" minHeight={200}>
              {p ? (
                <>
                  <UserBubble text={after === 'low' ? '★★☆☆☆ 不滿意' : '★★★★★ 非常滿意'} />
                  {(after === 'low' ? p.afterLow : p.afterHigh).map((m, i) => (
                    <PreviewMessage key={i} m={m} />
                  ))}
                </>
              ) : (
                <Skeleton active />
              )}
            </LinePhoneFrame>
            {p && !placeId ? (
              <Alert
                style={{ marginTop: 12 }}
                type="warning"
                showIcon
                title="尚未設定 Google 地點 ID：回覆的病患不會收到評論連結。"
              />
            ) : null}
          </Card>
        </Col>
      </Row>
    </>
  );
}
