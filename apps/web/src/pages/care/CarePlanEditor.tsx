// Editing one care plan: name, trigger, the steps (time, message, image or article, check-in)
// on a timeline, and a LINE-like preview of the selected step as the patient sees it.
import { DeleteOutlined, PictureOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Drawer,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Timeline,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { BotText, LinePhoneFrame } from '../../components/LinePreview.tsx';
import { useClinic } from '../../queries.ts';
import { QuickReplyChips } from '../support/FaqEditDrawer.tsx';
import {
  emptyStep,
  fillPreview,
  overlaps,
  refMinutes,
  ROUTE_COLORS,
  ROUTE_LABELS,
  STOP_LABEL,
  whenText,
  type Plan,
  type PlanBody,
  type Route,
  type Step,
} from './care-plans-model.ts';

const { Text } = Typography;

const blank = (): PlanBody => ({
  name: '',
  enabled: false,
  trigger: { kind: 'visit', visitTypes: [], treatmentCodes: [] },
  steps: [emptyStep(0), emptyStep(1)].map((s, i) =>
    i === 0 ? { ...s, when: { kind: 'day', day: 0, at: '19:00' } } : s,
  ),
});

function StepPreview({ step, clinic }: { step: Step; clinic: { name: string; phone: string } }) {
  const articles = useArticles();
  const article = articles.data?.items.find((a) => a.id === step.articleId);
  const labels = [...(step.checkIn?.options.map((o) => o.label) ?? []), STOP_LABEL];
  return (
    <LinePhoneFrame
      title="病人手機預覽"
      footer={
        <div style={{ padding: '6px 10px', background: '#f5f5f5' }}>
          <QuickReplyChips labels={labels} />
        </div>
      }
    >
      {step.text.trim() && <BotText text={fillPreview(step.text, clinic)} />}
      {step.imageId && (
        <div style={{ marginLeft: 40, marginBottom: 10 }}>
          <img
            src={`/line/media/${step.imageId}`}
            alt="步驟圖片"
            style={{ maxWidth: 220, borderRadius: 12, display: 'block' }}
          />
        </div>
      )}
      {article && (
        <div
          style={{
            marginLeft: 40,
            marginBottom: 10,
            background: '#fff',
            borderRadius: 12,
            overflow: 'hidden',
            maxWidth: 240,
          }}
        >
          {article.cover && <img src={article.cover.url} alt="" style={{ width: '100%', display: 'block' }} />}
          <div style={{ padding: 10 }}>
            <Text strong>{article.title}</Text>
            <div style={{ fontSize: 12, color: '#555', marginTop: 4 }}>{article.excerpt}</div>
            <div style={{ color: '#06c755', marginTop: 8, textAlign: 'center' }}>閱讀全文</div>
          </div>
        </div>
      )}
      {step.checkIn && <BotText text={fillPreview(step.checkIn.question, clinic)} />}
    </LinePhoneFrame>
  );
}

export const useArticles = () =>
  useQuery({ queryKey: ['care', 'articles'], queryFn: () => api.get('/api/care/articles') });

function StepCard({
  step,
  index,
  selected,
  onSelect,
  onChange,
  onRemove,
}: {
  step: Step;
  index: number;
  selected: boolean;
  onSelect: () => void;
  onChange: (s: Step) => void;
  onRemove: () => void;
}) {
  const { message } = App.useApp();
  const articles = useArticles();
  const w = step.when;
  const set = (patch: Partial<Step>) => onChange({ ...step, ...patch });
  return (
    <Card
      size="small"
      onClick={onSelect}
      style={{ marginBottom: 12, borderColor: selected ? '#1677ff' : undefined, cursor: 'pointer' }}
      title={`第 ${index + 1} 步：${whenText(w)}`}
      extra={
        <Button type="text" danger icon={<DeleteOutlined />} aria-label={`刪除第 ${index + 1} 步`} onClick={onRemove} />
      }
    >
      <Space wrap style={{ marginBottom: 8 }}>
        <Select
          aria-label={`第 ${index + 1} 步的時間方式`}
          value={w.kind}
          style={{ width: 150 }}
          onChange={(k) =>
            set({ when: k === 'day' ? { kind: 'day', day: 1, at: '10:00' } : { kind: 'hours', hours: 4 } })
          }
          options={[
            { value: 'day', label: '第幾天的幾點' },
            { value: 'hours', label: '看診後幾小時' },
          ]}
        />
        {w.kind === 'day' ? (
          <>
            <InputNumber
              aria-label={`第 ${index + 1} 步是第幾天`}
              min={0}
              max={365}
              value={w.day}
              addonBefore="第"
              addonAfter="天"
              style={{ width: 140 }}
              onChange={(v) => set({ when: { ...w, day: Number(v ?? 0) } })}
            />
            <Input
              aria-label={`第 ${index + 1} 步的時間`}
              value={w.at}
              style={{ width: 90 }}
              placeholder="10:00"
              onChange={(e) => set({ when: { ...w, at: e.target.value } })}
            />
            <Text type="secondary">（第 0 天＝看診當天）</Text>
          </>
        ) : (
          <InputNumber
            aria-label={`第 ${index + 1} 步是看診後幾小時`}
            min={1}
            max={8760}
            value={w.hours}
            addonAfter="小時後"
            style={{ width: 150 }}
            onChange={(v) => set({ when: { kind: 'hours', hours: Number(v ?? 1) } })}
          />
        )}
      </Space>
      <Input.TextArea
        aria-label={`第 ${index + 1} 步的訊息`}
        autoSize={{ minRows: 3, maxRows: 10 }}
        value={step.text}
        maxLength={2000}
        onChange={(e) => set({ text: e.target.value })}
        placeholder="{name} 您好，…（可用 {name}、{clinic}、{phone}）"
      />
      <Space wrap style={{ marginTop: 8 }}>
        <Upload
          accept="image/jpeg,image/png"
          showUploadList={false}
          customRequest={async ({ file, onSuccess, onError }) => {
            try {
              const r = await api.uploadNew('/api/inbox/uploads', file as Blob);
              set({ imageId: r.id });
              onSuccess?.(r);
            } catch (err) {
              void message.error(errorMessage(err));
              onError?.(err as Error);
            }
          }}
        >
          <Button icon={<PictureOutlined />}>{step.imageId ? '更換圖片' : '加上圖片'}</Button>
        </Upload>
        {step.imageId && (
          <Button type="link" onClick={() => set({ imageId: null })}>
            移除圖片
          </Button>
        )}
        <Select
          aria-label={`第 ${index + 1} 步的衛教文章`}
          allowClear
          placeholder="附上衛教文章（選填）"
          style={{ width: 240 }}
          value={step.articleId ?? undefined}
          onChange={(v?: string) => set({ articleId: v ?? null })}
          options={(articles.data?.items ?? [])
            .filter((a) => a.status === 'published')
            .map((a) => ({ value: a.id, label: a.title }))}
        />
      </Space>
      <div style={{ marginTop: 12 }}>
        <Space>
          <Switch
            aria-label={`第 ${index + 1} 步的關心問題`}
            checked={!!step.checkIn}
            onChange={(on) => set({ checkIn: on ? emptyStep().checkIn : null })}
          />
          <Text>關心問題（快速回覆）</Text>
        </Space>
        {step.checkIn && (
          <div style={{ marginTop: 8 }}>
            <Input
              aria-label={`第 ${index + 1} 步的問題`}
              value={step.checkIn.question}
              maxLength={200}
              onChange={(e) => set({ checkIn: { ...step.checkIn!, question: e.target.value } })}
            />
            {step.checkIn.options.map((o, j) => (
              <Space key={j} style={{ marginTop: 6, display: 'flex' }}>
                <Input
                  aria-label={`第 ${index + 1} 步的選項 ${j + 1}`}
                  value={o.label}
                  maxLength={20}
                  style={{ width: 180 }}
                  onChange={(e) => {
                    const options = step.checkIn!.options.map((x, k) =>
                      k === j ? { ...x, label: e.target.value } : x,
                    );
                    set({ checkIn: { ...step.checkIn!, options } });
                  }}
                />
                <Select<Route>
                  aria-label={`第 ${index + 1} 步選項 ${j + 1} 的處理`}
                  value={o.route}
                  style={{ width: 200 }}
                  onChange={(route) => {
                    const options = step.checkIn!.options.map((x, k) => (k === j ? { ...x, route } : x));
                    set({ checkIn: { ...step.checkIn!, options } });
                  }}
                  options={(Object.keys(ROUTE_LABELS) as Route[]).map((r) => ({ value: r, label: ROUTE_LABELS[r] }))}
                />
                <Button
                  type="text"
                  icon={<DeleteOutlined />}
                  aria-label={`刪除選項 ${j + 1}`}
                  onClick={() =>
                    set({ checkIn: { ...step.checkIn!, options: step.checkIn!.options.filter((_, k) => k !== j) } })
                  }
                />
              </Space>
            ))}
            <Space style={{ marginTop: 6 }}>
              <Button
                size="small"
                icon={<PlusOutlined />}
                disabled={step.checkIn.options.length >= 12}
                onClick={() =>
                  set({
                    checkIn: { ...step.checkIn!, options: [...step.checkIn!.options, { label: '', route: 'fine' }] },
                  })
                }
              >
                加選項
              </Button>
              <Text type="secondary">「{STOP_LABEL}」一律自動附上，點了就停止這個計畫。</Text>
            </Space>
          </div>
        )}
      </div>
    </Card>
  );
}

export function CarePlanEditor({
  open,
  plan,
  tags,
  onClose,
  onSave,
}: {
  open: boolean;
  plan: Plan | null;
  tags: { id: string; name: string }[];
  onClose: () => void;
  onSave: (body: PlanBody) => Promise<unknown>;
}) {
  const clinic = useClinic();
  const [body, setBody] = useState<PlanBody>(blank);
  const [selected, setSelected] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // The form starts from the plan when the drawer opens (or another plan is opened); a refetch of
  // the list while the drawer is open (a new object for the same plan) must not wipe the edits.
  const planRef = useRef(plan);
  planRef.current = plan;
  const planKey = plan?.id ?? null;
  useEffect(() => {
    if (!open) return;
    const p = planRef.current;
    setBody(p ? { name: p.name, enabled: p.enabled, trigger: p.trigger, steps: p.steps } : blank());
    setSelected(0);
    setError(null);
  }, [open, planKey]);

  const setStep = (i: number, s: Step) => setBody({ ...body, steps: body.steps.map((x, k) => (k === i ? s : x)) });
  const t = body.trigger;
  const order = body.steps.map((s, i) => ({ s, i })).sort((a, b) => refMinutes(a.s.when) - refMinutes(b.s.when));
  const clash = overlaps(body.steps);
  const c = { name: clinic.data?.name ?? '本診所', phone: clinic.data?.phone ?? '' };

  async function save() {
    setSaving(true);
    setError(null);
    try {
      await onSave(body);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Drawer
      title={plan ? `編輯：${plan.name}` : '新增照護計畫'}
      open={open}
      onClose={onClose}
      size={1180}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={saving} onClick={() => void save()}>
            儲存
          </Button>
        </Space>
      }
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} role="alert" />}
      <Row gutter={24}>
        <Col xs={24} lg={14}>
          <Space direction="vertical" style={{ width: '100%' }} size={12}>
            <div>
              <Text strong>計畫名稱</Text>
              <Input
                aria-label="計畫名稱"
                value={body.name}
                maxLength={50}
                onChange={(e) => setBody({ ...body, name: e.target.value })}
                placeholder="例如：拔牙後照護"
              />
            </div>
            <div>
              <Text strong>何時開始</Text>
              <div>
                <Radio.Group
                  value={t.kind}
                  onChange={(e) => {
                    const k = e.target.value as PlanBody['trigger']['kind'];
                    setBody({
                      ...body,
                      trigger:
                        k === 'visit'
                          ? { kind: 'visit', visitTypes: [], treatmentCodes: [] }
                          : k === 'tag'
                            ? { kind: 'tag', tagId: tags[0]?.id ?? '' }
                            : { kind: 'manual' },
                    });
                  }}
                  options={[
                    { value: 'visit', label: '看診完成（HIS）' },
                    { value: 'tag', label: '加上標籤' },
                    { value: 'manual', label: '只由人員加入' },
                  ]}
                />
              </div>
              {t.kind === 'visit' && (
                <Space wrap style={{ marginTop: 8 }}>
                  <Select
                    mode="tags"
                    aria-label="看診類別"
                    style={{ minWidth: 260 }}
                    placeholder="看診類別，例如 拔牙"
                    value={t.visitTypes}
                    onChange={(v: string[]) => setBody({ ...body, trigger: { ...t, visitTypes: v } })}
                  />
                  <Select
                    mode="tags"
                    aria-label="處置代碼"
                    style={{ minWidth: 220 }}
                    placeholder="處置代碼（選填）"
                    value={t.treatmentCodes}
                    onChange={(v: string[]) => setBody({ ...body, trigger: { ...t, treatmentCodes: v } })}
                  />
                </Space>
              )}
              {t.kind === 'tag' && (
                <Select
                  aria-label="標籤"
                  style={{ width: 240, marginTop: 8 }}
                  value={t.tagId || undefined}
                  placeholder="選擇標籤"
                  onChange={(v: string) => setBody({ ...body, trigger: { kind: 'tag', tagId: v } })}
                  options={tags.map((x) => ({ value: x.id, label: x.name }))}
                />
              )}
            </div>
            <div>
              <Text strong>步驟</Text>
              <Text type="secondary">（依時間排序儲存；安靜時段內的訊息延到安靜時段結束）</Text>
            </div>
            {body.steps.map((s, i) => (
              <StepCard
                key={i}
                step={s}
                index={i}
                selected={i === selected}
                onSelect={() => setSelected(i)}
                onChange={(x) => setStep(i, x)}
                onRemove={() => {
                  setBody({ ...body, steps: body.steps.filter((_, k) => k !== i) });
                  setSelected(0);
                }}
              />
            ))}
            <Button
              icon={<PlusOutlined />}
              disabled={body.steps.length >= 20}
              onClick={() => {
                const last = body.steps.reduce((m, s) => Math.max(m, s.when.kind === 'day' ? s.when.day : 0), 0);
                setBody({ ...body, steps: [...body.steps, emptyStep(last + 1)] });
                setSelected(body.steps.length);
              }}
            >
              新增步驟
            </Button>
          </Space>
        </Col>
        <Col xs={24} lg={10}>
          <Text strong>時間軸</Text>
          {clash && <Alert type="warning" showIcon message={clash} style={{ margin: '8px 0' }} />}
          <Timeline
            style={{ marginTop: 12 }}
            items={order.map(({ s, i }) => ({
              color: i === selected ? 'blue' : 'gray',
              children: (
                <a onClick={() => setSelected(i)}>
                  <Text strong={i === selected}>{whenText(s.when)}</Text>
                  <Text type="secondary"> 第 {i + 1} 步</Text>
                  {s.checkIn && (
                    <div>
                      {s.checkIn.options.map((o) => (
                        <Text key={o.label} style={{ fontSize: 12, marginRight: 6, color: ROUTE_COLORS[o.route] }}>
                          {o.label}
                        </Text>
                      ))}
                    </div>
                  )}
                </a>
              ),
            }))}
          />
          {body.steps[selected] && <StepPreview step={body.steps[selected]} clinic={c} />}
        </Col>
      </Row>
    </Drawer>
  );
}
