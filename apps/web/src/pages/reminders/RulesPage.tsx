// The 提醒 › 提醒規則 page: the clinic's reminder rules as one document — the rules with their
// plain-language explanations, overrides per doctor and per visit type, and the general
// settings — edited locally and saved with one 儲存 (the server refuses a bad document whole
// and names the fields, shown where they are edited). Admins edit; other roles read. The
// simulator beside it runs the planner on the unsaved document.
import { DeleteOutlined, EditOutlined, PlusOutlined, UndoOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  ConfigProvider,
  Empty,
  Flex,
  Form,
  InputNumber,
  List,
  Popconfirm,
  Row,
  Select,
  Skeleton,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { isAdmin, useUser } from '../../session.tsx';
import { RuleDrawer, TimeInput } from './RuleDrawer.tsx';
import { RuleSimulator, type SimResult } from './RuleSimulator.tsx';
import {
  errorsUnder,
  fieldErrorsOf,
  stripped,
  whenLabel,
  WEEKDAYS,
  type FieldErrors,
  type Override,
  type Rule,
  type Settings,
} from './rules-model.ts';

const { Text, Paragraph } = Typography;
const KEY = ['reminders', 'rules'];

export function RulesPage() {
  const user = useUser();
  const canEdit = isAdmin(user);
  const qc = useQueryClient();
  const { message } = App.useApp();
  const saved = useQuery({ queryKey: KEY, queryFn: () => api.get('/api/reminders/rules') });
  const templates = useQuery({
    queryKey: ['reminders', 'templates'],
    queryFn: async () => (await api.get('/api/reminders/templates')).items,
  });
  const doctors = useQuery({
    queryKey: ['doctors'],
    queryFn: () => api.get('/api/doctors'),
    staleTime: 5 * 60_000,
  });
  const visitTypesQ = useQuery({
    queryKey: ['appointments', 'visit-types'],
    queryFn: () => api.get('/api/appointments/visit-types'),
    staleTime: 5 * 60_000,
    retry: false,
  });

  const [draft, setDraft] = useState<Settings | null>(null);
  const [saveErrors, setErrors] = useState<FieldErrors>({});
  // What the simulator's server check says about the unsaved document, shown at the fields as
  // one edits; the messages of the last refused 儲存 come on top.
  const [liveErrors, setLiveErrors] = useState<FieldErrors>({});
  const errors = useMemo(() => ({ ...liveErrors, ...saveErrors }), [liveErrors, saveErrors]);
  const [editing, setEditing] = useState<{ index: number } | null>(null);
  const [sim, setSim] = useState<SimResult | null>(null);
  const onSim = useCallback((r: SimResult | null) => setSim(r), []);

  useEffect(() => {
    if (saved.data && !draft) setDraft(stripped(saved.data));
  }, [saved.data, draft]);

  const dirty = !!draft && !!saved.data && JSON.stringify(draft) !== JSON.stringify(stripped(saved.data));
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // A new clinic's shipped rules are not yet confirmed (the home page's 開始使用 checklist waits
  // for an admin to save them once): the admin confirms them as they are, or after a change.
  const setup = useQuery({
    queryKey: ['home', 'setup'],
    queryFn: () => api.get('/api/home/setup'),
    enabled: canEdit,
    staleTime: 0,
  });
  const unconfirmed = setup.data?.steps.some((x) => x.key === 'reminder_rules' && !x.done) ?? false;
  const save = useMutation({
    mutationFn: (s: Settings) => api.put('/api/reminders/rules', { body: s }),
    onSuccess: (res) => {
      void qc.invalidateQueries({ queryKey: ['home', 'setup'] });
      qc.setQueryData(KEY, res);
      setDraft(stripped(res));
      setErrors({});
      void message.success('已儲存；未來預約尚未發送的提醒會依新規則重新排程');
    },
    onError: (err) => {
      setErrors(fieldErrorsOf(err));
      void message.error(errorMessage(err));
    },
  });

  const templateList = (templates.data ?? []).map((t) => ({ id: t.id, name: t.name }));
  const doctorList = (doctors.data?.items ?? []).map((d) => ({ id: d.id, name: d.name }));
  const visitTypes = useMemo(() => {
    const fromHis = (visitTypesQ.data?.items ?? []).map((v) => v.visitType);
    const inRules = (draft?.rules ?? []).flatMap((r) => r.visitTypes ?? []);
    const inOverrides = (draft?.overrides ?? []).flatMap((o) => (o.visitType ? [o.visitType] : []));
    return [...new Set([...fromHis, ...inRules, ...inOverrides])];
  }, [visitTypesQ.data, draft]);

  if (saved.isError) return <Alert type="error" showIcon title={errorMessage(saved.error)} />;
  if (!draft || !saved.data)
    return (
      <>
        <PageHeader title="提醒規則" />
        <Skeleton active />
      </>
    );

  const update = (patch: Partial<Settings>) => {
    setDraft({ ...draft, ...patch });
    // A changed part's old server messages no longer apply (rules and overrides refer to each other).
    const touched = Object.keys(patch).flatMap((k) =>
      k === 'rules' || k === 'overrides' ? ['rules', 'overrides'] : [k],
    );
    if (Object.keys(saveErrors).some((f) => touched.includes(f.split('.')[0])))
      setErrors(Object.fromEntries(Object.entries(saveErrors).filter(([f]) => !touched.includes(f.split('.')[0]))));
  };
  const setRule = (i: number, r: Rule) => update({ rules: draft.rules.map((x, j) => (j === i ? r : x)) });
  const removeRule = (i: number) => {
    const id = draft.rules[i].id;
    update({ rules: draft.rules.filter((_, j) => j !== i), overrides: draft.overrides.filter((o) => o.ruleId !== id) });
    setErrors({});
  };
  const savedRule = (id: string) => saved.data.rules.find((r) => r.id === id);
  const explanation = (r: Rule) => {
    const fromSim = sim?.items.find((i) => i.ruleId === r.id)?.ruleExplanation;
    if (fromSim) return fromSim;
    const s = savedRule(r.id);
    return s && JSON.stringify(stripped({ ...draft, rules: [s] }).rules[0]) === JSON.stringify(r)
      ? s.explanation
      : '（說明會在規則修正後更新）';
  };
  const fieldStatus = (field: string) => {
    const m = errorsUnder(errors, field);
    return m.length ? { validateStatus: 'error' as const, help: m.join('；') } : {};
  };
  const errorCount = Object.keys(saveErrors).length;

  return (
    <>
      <PageHeader
        title="提醒規則"
        subtitle={
          canEdit
            ? '設定看診提醒在什麼時候發送。修改後按「儲存」才會生效；右側模擬器會先用尚未儲存的設定試算。'
            : '看診提醒在什麼時候發送；右側模擬器可試算某個看診時間的提醒會在何時發送。'
        }
        extra={
          canEdit ? (
            <Space>
              {dirty ? (
                <Tag color="orange" data-testid="unsaved">
                  有未儲存的變更
                </Tag>
              ) : (
                <Text type="secondary">已儲存</Text>
              )}
              <Button
                icon={<UndoOutlined />}
                disabled={!dirty}
                onClick={() => {
                  setDraft(stripped(saved.data));
                  setErrors({});
                }}
              >
                復原
              </Button>
              <Button type="primary" disabled={!dirty} loading={save.isPending} onClick={() => save.mutate(draft)}>
                儲存
              </Button>
            </Space>
          ) : null
        }
        help={<HelpDrawer topic="reminderRules" />}
      />
      {!canEdit ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title="只有管理者可以修改提醒規則；您可以查看規則，並用模擬器試算提醒時間。"
        />
      ) : null}
      {unconfirmed && !dirty && draft ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title="這些是 Careline 出廠的提醒規則，尚未確認"
          description="請看過每條規則的發送時間、安靜時段與每月上限；可直接使用，也可先修改再儲存。"
          action={
            <Button type="primary" loading={save.isPending} onClick={() => save.mutate(draft)}>
              確認使用這些規則
            </Button>
          }
        />
      ) : null}
      {errorCount ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title="提醒規則有誤，未儲存"
          description="請修正下方標示為紅色的欄位後再按「儲存」。"
        />
      ) : null}
      <Row gutter={20}>
        <Col xs={24} xl={15}>
          <ConfigProvider componentDisabled={!canEdit}>
            <Card
              title="規則"
              size="small"
              style={{ marginBottom: 16 }}
              extra={
                canEdit ? (
                  <Button icon={<PlusOutlined />} onClick={() => setEditing({ index: -1 })}>
                    新增規則
                  </Button>
                ) : null
              }
            >
              {draft.rules.length ? (
                <List
                  dataSource={draft.rules}
                  rowKey="id"
                  renderItem={(r, i) => {
                    const errs = errorsUnder(errors, `rules.${i}`);
                    return (
                      <List.Item
                        data-testid={`rule-${r.id}`}
                        actions={
                          canEdit
                            ? [
                                <Button
                                  key="edit"
                                  type="link"
                                  icon={<EditOutlined />}
                                  onClick={() => setEditing({ index: i })}
                                  aria-label={`編輯「${r.name}」`}
                                >
                                  編輯
                                </Button>,
                                <Popconfirm
                                  key="delete"
                                  title={`刪除「${r.name}」？`}
                                  description="這條規則的例外設定也會一併移除；按「儲存」後生效，已發送的提醒不受影響。"
                                  okText="刪除"
                                  okButtonProps={{ danger: true }}
                                  cancelText="取消"
                                  onConfirm={() => removeRule(i)}
                                >
                                  <Button type="link" danger icon={<DeleteOutlined />} aria-label={`刪除「${r.name}」`}>
                                    刪除
                                  </Button>
                                </Popconfirm>,
                              ]
                            : []
                        }
                      >
                        <Flex gap={12} align="flex-start" style={{ width: '100%' }}>
                          <Switch
                            checked={r.enabled}
                            aria-label={`啟用「${r.name}」`}
                            onChange={(on) => setRule(i, { ...r, enabled: on })}
                            style={{ marginTop: 2 }}
                          />
                          <div style={{ minWidth: 0, flex: 1 }}>
                            <Space size={6} wrap>
                              <Text strong delete={!r.enabled}>
                                {r.name}
                              </Text>
                              <Tag>{whenLabel(r)}</Tag>
                              {r.essential ? <Tag color="green">必要</Tag> : <Tag>非必要</Tag>}
                              {r.skipWeekdays?.length ? (
                                <Tag color="purple">
                                  不在週
                                  {WEEKDAYS.filter((w) => r.skipWeekdays!.includes(w.value))
                                    .map((w) => w.label)
                                    .join('、')}
                                  發送
                                </Tag>
                              ) : null}
                              {r.visitTypes?.length ? <Tag color="blue">{r.visitTypes.join('、')}</Tag> : null}
                              {!r.enabled ? <Tag color="default">已停用</Tag> : null}
                            </Space>
                            <Paragraph type="secondary" style={{ margin: '4px 0 0' }} data-testid="rule-explanation">
                              {explanation(r)}
                            </Paragraph>
                            {errs.length ? <Text type="danger">{errs.join('；')}</Text> : null}
                          </div>
                        </Flex>
                      </List.Item>
                    );
                  }}
                />
              ) : (
                <Empty description="尚未設定任何提醒規則，病患不會收到看診提醒" />
              )}
            </Card>
            <OverridesCard
              draft={draft}
              doctors={doctorList}
              visitTypes={visitTypes}
              templates={templateList}
              errors={errors}
              canEdit={canEdit}
              onChange={(overrides) => update({ overrides })}
            />
            <Card title="一般設定" size="small" style={{ marginBottom: 16 }}>
              <Form layout="vertical" component="div">
                <Row gutter={24}>
                  <Col xs={24} md={12}>
                    <Form.Item
                      label="安靜時段"
                      extra="落在安靜時段的提醒延到時段結束；若那時已晚於看診，改提前到時段開始前 30 分鐘。"
                      {...fieldStatus('quietHours')}
                    >
                      <Space wrap>
                        <Switch
                          aria-label="安靜時段"
                          checked={draft.quietHours.enabled}
                          onChange={(on) => update({ quietHours: { ...draft.quietHours, enabled: on } })}
                        />
                        <TimeInput
                          ariaLabel="安靜時段開始"
                          value={draft.quietHours.start}
                          onChange={(v) => v && update({ quietHours: { ...draft.quietHours, start: v } })}
                        />
                        <span>到</span>
                        <TimeInput
                          ariaLabel="安靜時段結束"
                          value={draft.quietHours.end}
                          onChange={(v) => v && update({ quietHours: { ...draft.quietHours, end: v } })}
                        />
                      </Space>
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item
                      label="順延時間"
                      extra="遇休診日或規則設定不發送的日子，改在前一個可發送的上班日的這個時間發送。"
                      {...fieldStatus('shiftAt')}
                    >
                      <TimeInput
                        ariaLabel="順延時間"
                        value={draft.shiftAt}
                        onChange={(v) => v && update({ shiftAt: v })}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item
                      label="合併間隔"
                      extra="兩則提醒相隔少於這個時間時，只發離看診較近的那則；同一個 LINE 帳號綁定的家人，提醒在這個時間內的合併成一則訊息（0＝不合併，最多 1440 分鐘）。"
                      {...fieldStatus('mergeWindowMinutes')}
                    >
                      <InputNumber
                        aria-label="合併間隔"
                        min={0}
                        max={1440}
                        precision={0}
                        suffix="分鐘"
                        value={draft.mergeWindowMinutes}
                        onChange={(v) => update({ mergeWindowMinutes: v ?? 0 })}
                        style={{ width: 160 }}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item
                      label="非必要提醒每月上限"
                      extra="留空＝不另設上限（達 LINE 方案額度的 90% 時暫停非必要提醒）；必要提醒不受此限。"
                      {...fieldStatus('monthlyCap')}
                    >
                      <InputNumber
                        aria-label="非必要提醒每月上限"
                        min={0}
                        precision={0}
                        suffix="則"
                        placeholder="不限"
                        value={draft.monthlyCap}
                        onChange={(v) => update({ monthlyCap: v === null || v === undefined ? null : Number(v) })}
                        style={{ width: 180 }}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24}>
                    <Form.Item
                      label="簡訊備援"
                      extra="病患未綁定 LINE 或封鎖診所時改發簡訊（須同時在簡訊設定開啟提醒備援；簡訊另計費用）。"
                      {...fieldStatus('smsFallback')}
                    >
                      <Switch
                        aria-label="簡訊備援"
                        checked={draft.smsFallback}
                        onChange={(on) => update({ smsFallback: on })}
                      />
                    </Form.Item>
                  </Col>
                </Row>
              </Form>
            </Card>
          </ConfigProvider>
        </Col>
        <Col xs={24} xl={9}>
          <div style={{ position: 'sticky', top: 16 }}>
            <RuleSimulator
              settings={draft}
              doctors={doctorList}
              visitTypes={visitTypes}
              onResult={onSim}
              onSettingsErrors={setLiveErrors}
            />
          </div>
        </Col>
      </Row>
      <RuleDrawer
        open={!!editing}
        rule={editing && editing.index >= 0 ? draft.rules[editing.index] : null}
        index={editing?.index ?? -1}
        takenIds={draft.rules.map((r) => r.id)}
        templates={templateList}
        visitTypes={visitTypes}
        errors={errors}
        onClose={() => setEditing(null)}
        onApply={(r) => {
          if (editing && editing.index >= 0) setRule(editing.index, r);
          else update({ rules: [...draft.rules, r] });
          setEditing(null);
        }}
      />
    </>
  );
}

type Target = 'doctorId' | 'visitType';

function OverridesCard({
  draft,
  doctors,
  visitTypes,
  templates,
  errors,
  canEdit,
  onChange,
}: {
  draft: Settings;
  doctors: { id: string; name: string }[];
  visitTypes: string[];
  templates: { id: string; name: string }[];
  errors: FieldErrors;
  canEdit: boolean;
  onChange: (o: Override[]) => void;
}) {
  const [tab, setTab] = useState<Target>('doctorId');
  const rows = draft.overrides
    .map((o, index) => ({ o, index }))
    .filter(({ o }) => (tab === 'doctorId' ? o.doctorId !== undefined : o.visitType !== undefined));
  const set = (index: number, patch: Partial<Override>) =>
    onChange(draft.overrides.map((o, j) => (j === index ? dropEmpty({ ...o, ...patch }) : o)));
  const add = () =>
    onChange([
      ...draft.overrides,
      tab === 'doctorId'
        ? { doctorId: doctors[0]?.id ?? '', ruleId: draft.rules[0]?.id ?? '', enabled: false }
        : { visitType: visitTypes[0] ?? '', ruleId: draft.rules[0]?.id ?? '', enabled: false },
    ]);
  const cellError = (index: number, field?: string) => {
    const m = field ? (errors[`overrides.${index}.${field}`] ?? []) : (errors[`overrides.${index}`] ?? []);
    return m.length ? (
      <Text type="danger" style={{ fontSize: 12, display: 'block' }}>
        {m.join('；')}
      </Text>
    ) : null;
  };
  const count = (t: Target) =>
    draft.overrides.filter((o) => (t === 'doctorId' ? o.doctorId !== undefined : o.visitType !== undefined)).length;

  return (
    <Card
      title="例外設定"
      size="small"
      style={{ marginBottom: 16 }}
      extra={
        canEdit ? (
          <Button icon={<PlusOutlined />} onClick={add} disabled={!draft.rules.length}>
            {tab === 'doctorId' ? '新增醫師例外' : '新增類別例外'}
          </Button>
        ) : null
      }
    >
      <Text type="secondary">
        某位醫師或某種看診類別不發送某條提醒，或改用另一個範本。兩者都符合時，以看診類別的設定為準。
      </Text>
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as Target)}
        items={[
          { key: 'doctorId', label: `依醫師（${count('doctorId')}）` },
          { key: 'visitType', label: `依看診類別（${count('visitType')}）` },
        ]}
      />
      <Table
        size="small"
        pagination={false}
        tableLayout="fixed"
        rowKey={(r) => r.index}
        dataSource={rows}
        locale={{ emptyText: tab === 'doctorId' ? '沒有依醫師的例外' : '沒有依看診類別的例外' }}
        columns={[
          {
            title: tab === 'doctorId' ? '醫師' : '看診類別',
            render: (_, { o, index }) => (
              <>
                {tab === 'doctorId' ? (
                  <Select
                    aria-label="醫師"
                    style={{ width: '100%' }}
                    value={o.doctorId || undefined}
                    placeholder="選擇醫師"
                    showSearch
                    optionFilterProp="label"
                    onChange={(v) => set(index, { doctorId: v })}
                    options={doctors.map((d) => ({ value: d.id, label: `${d.name}（${d.id}）` }))}
                  />
                ) : (
                  <Select
                    aria-label="看診類別"
                    style={{ width: '100%' }}
                    value={o.visitType || undefined}
                    placeholder="選擇類別"
                    showSearch
                    onChange={(v) => set(index, { visitType: v })}
                    options={visitTypes.map((v) => ({ value: v, label: v }))}
                  />
                )}
                {cellError(index, tab)}
                {cellError(index)}
              </>
            ),
          },
          {
            title: '規則',
            width: '30%',
            render: (_, { o, index }) => (
              <>
                <Select
                  aria-label="規則"
                  style={{ width: '100%' }}
                  value={o.ruleId}
                  onChange={(v) => set(index, { ruleId: v })}
                  options={draft.rules.map((r) => ({ value: r.id, label: r.name }))}
                />
                {cellError(index, 'ruleId')}
              </>
            ),
          },
          {
            title: '發送',
            width: '16%',
            render: (_, { o, index }) => (
              <Select
                aria-label="發送"
                style={{ width: '100%' }}
                value={o.enabled === undefined ? 'inherit' : o.enabled ? 'on' : 'off'}
                onChange={(v) => set(index, { enabled: v === 'inherit' ? undefined : v === 'on' })}
                options={[
                  { value: 'inherit', label: '依規則' },
                  { value: 'off', label: '不發送' },
                  { value: 'on', label: '發送' },
                ]}
              />
            ),
          },
          {
            title: '範本',
            width: '22%',
            render: (_, { o, index }) => (
              <>
                <Select
                  aria-label="範本"
                  style={{ width: '100%' }}
                  value={o.templateId ?? ''}
                  onChange={(v) => set(index, { templateId: v || undefined })}
                  options={[{ value: '', label: '依規則' }, ...templates.map((t) => ({ value: t.id, label: t.name }))]}
                />
                {cellError(index, 'templateId')}
              </>
            ),
          },
          ...(canEdit
            ? [
                {
                  title: '',
                  width: 48,
                  render: (_: unknown, { index }: { index: number }) => (
                    <Button
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label="移除例外"
                      onClick={() => onChange(draft.overrides.filter((_, j) => j !== index))}
                    />
                  ),
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}

/** An override keeps only what it sets (no `enabled: undefined` keys in the saved document). */
function dropEmpty(o: Override): Override {
  const out = { ...o };
  for (const k of Object.keys(out) as (keyof Override)[]) if (out[k] === undefined) delete out[k];
  return out;
}
