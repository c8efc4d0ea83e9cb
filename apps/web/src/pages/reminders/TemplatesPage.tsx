// The 提醒 › 訊息範本 page: the clinic's reminder templates (which rules use each), an editor
// with variable chips, LINE's limits counted as you type, a live preview drawn by the same Flex
// renderer as LINE's phone (the server renders the unsaved draft), a test sent to a LINE friend,
// and the preparation notes per visit type. Admins edit; everyone else reads.
import { DeleteOutlined, PlusOutlined, RollbackOutlined, SendOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  ColorPicker,
  Empty,
  Flex,
  Input,
  Popconfirm,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type GetRef,
} from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ApiError, errorMessage, type ApiBody, type ApiResponse, type Schema } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { BotFlex, LinePhoneFrame } from '../../components/LinePreview.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format.ts';
import { useUser } from '../../session.tsx';
import {
  ALT_TEXT_MAX,
  BUTTONS,
  LABEL_MAX,
  NAME_MAX,
  chars,
  clientProblems,
  mergeProblems,
  type Draft,
} from './templates-model.ts';

type Template = Schema<'ReminderTemplate'>;
type Body = Schema<'ReminderTemplateBody'>;
type DateStyle = NonNullable<Body['dateStyle']>;
type TextField = 'altText' | 'title' | 'body';
type TextAreaRef = GetRef<typeof Input.TextArea>;

const { Text } = Typography;
const KEY = ['reminder-templates'];
const PREP_MAX = 500;
const DATE_STYLES: { value: DateStyle; label: string }[] = [
  { value: 'roc', label: '民國（民國115年3月16日）' },
  { value: 'western', label: '西元（2026年3月16日）' },
  { value: 'numeric', label: '西元數字（2026/03/16）' },
];
const FIELD_LABEL: Record<string, string> = {
  altText: '通知文字',
  title: '標題',
  body: '內文',
  brandColor: '品牌色',
  logoUrl: 'Logo 網址',
  buttons: '按鈕',
  'labels.confirm': '確認赴約按鈕',
  'labels.cancel': '取消按鈕',
  'labels.reschedule': '改期按鈕',
  'labels.map': '地圖按鈕',
  name: '名稱',
};

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

function Counter({ n, max }: { n: number; max: number }) {
  return (
    <Text type={n > max ? 'danger' : 'secondary'} style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
      {n}/{max}
    </Text>
  );
}

/** How the notification text shows: on the lock screen, and as the chat's last message. */
function NotificationPreview({ clinic, altText }: { clinic: string; altText: string }) {
  return (
    <div style={{ width: 340, maxWidth: '100%', marginBottom: 12 }} data-testid="alt-text-preview">
      <Text type="secondary" style={{ fontSize: 12 }}>
        手機通知與聊天列表顯示的文字（altText）
      </Text>
      <div
        style={{
          marginTop: 4,
          background: 'rgba(245,245,245,.97)',
          borderRadius: 16,
          padding: '10px 12px',
          boxShadow: '0 2px 8px rgba(0,0,0,.12)',
          display: 'flex',
          gap: 10,
          alignItems: 'flex-start',
        }}
      >
        <div
          aria-hidden
          style={{
            width: 28,
            height: 28,
            borderRadius: 7,
            background: '#06c755',
            color: '#fff',
            fontWeight: 700,
            fontSize: 11,
            display: 'grid',
            placeItems: 'center',
            flex: 'none',
          }}
        >
          LINE
        </div>
        <div style={{ minWidth: 0, flex: 1 }}>
          <Flex justify="space-between">
            <Text strong style={{ fontSize: 13 }} ellipsis>
              {clinic}
            </Text>
            <Text type="secondary" style={{ fontSize: 11, flex: 'none' }}>
              現在
            </Text>
          </Flex>
          <div
            style={{
              fontSize: 13,
              lineHeight: 1.4,
              display: '-webkit-box',
              WebkitLineClamp: 4,
              WebkitBoxOrient: 'vertical',
              overflow: 'hidden',
              wordBreak: 'break-word',
            }}
          >
            {altText}
          </div>
        </div>
      </div>
    </div>
  );
}

function TemplateList({
  items,
  selected,
  onSelect,
}: {
  items: Template[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <Table<Template>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={items}
      onRow={(t) => ({ onClick: () => onSelect(t.id), style: { cursor: 'pointer' } })}
      rowClassName={(t) => (t.id === selected ? 'ant-table-row-selected' : '')}
      columns={[
        {
          title: '範本',
          key: 'name',
          render: (_, t) => (
            <Space size={6} wrap>
              <a onClick={() => onSelect(t.id)}>{t.name}</a>
              {t.builtIn ? <Tag>內建</Tag> : null}
            </Space>
          ),
        },
        {
          title: '使用中的規則',
          key: 'usedBy',
          render: (_, t) =>
            t.usedBy.length ? (
              <Space size={[4, 4]} wrap>
                {t.usedBy.map((u, i) => (
                  <Tag key={i} color={u.override ? 'default' : 'blue'}>
                    {u.override ? `${u.ruleName}（${u.override}）` : u.ruleName}
                  </Tag>
                ))}
              </Space>
            ) : (
              <Text type="secondary">未使用</Text>
            ),
        },
        {
          title: '最後更新',
          key: 'updatedAt',
          width: 190,
          render: (_, t) =>
            t.updatedAt ? (
              <span>
                {formatDateTime(t.updatedAt)}
                {t.updatedBy ? <Text type="secondary">・{t.updatedBy}</Text> : null}
              </span>
            ) : (
              <Text type="secondary">出廠內容</Text>
            ),
        },
      ]}
    />
  );
}

function SendTest({ templateId, dirty }: { templateId: string; dirty: boolean }) {
  const { message } = App.useApp();
  const [to, setTo] = useState<string | undefined>();
  const friends = useQuery({
    queryKey: ['line-friends', 'friend'],
    queryFn: async () =>
      (await api.get('/api/line/friends', { params: { query: { state: 'friend', limit: 200 } } })).items,
  });
  const send = useMutation({
    mutationFn: (lineUserId: string) =>
      api.post('/api/reminders/templates/{id}/send-test', {
        params: { path: { id: templateId } },
        body: { lineUserId },
      }),
    onSuccess: () => {
      const f = friends.data?.find((x) => x.lineUserId === to);
      message.success(`測試訊息已傳給 ${f?.displayName || 'LINE 使用者'}，請在手機上查看`);
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  return (
    <Card size="small" title="傳送測試" style={{ marginTop: 16 }}>
      <Text type="secondary" style={{ display: 'block', marginBottom: 8 }}>
        以範例資料把「已儲存」的範本傳給一位加入診所官方帳號的 LINE
        好友（例如您自己），通知文字前會加上「【測試】」。會計入本月訊息額度。
      </Text>
      <Space.Compact style={{ width: '100%' }}>
        <Select
          showSearch
          aria-label="測試對象"
          style={{ flex: 1 }}
          placeholder={friends.data?.length === 0 ? '目前沒有 LINE 好友' : '選擇 LINE 好友'}
          loading={friends.isLoading}
          value={to}
          onChange={setTo}
          optionFilterProp="label"
          options={(friends.data ?? []).map((f) => ({
            value: f.lineUserId,
            label: `${f.displayName || '（未提供名稱）'}（…${f.lineUserId.slice(-6)}）`,
          }))}
        />
        <Tooltip title={dirty ? '請先儲存變更，測試會傳送已儲存的內容' : ''}>
          <Button
            type="primary"
            icon={<SendOutlined />}
            disabled={!to || dirty}
            loading={send.isPending}
            onClick={() => to && send.mutate(to)}
          >
            傳送測試
          </Button>
        </Tooltip>
      </Space.Compact>
    </Card>
  );
}

/**
 * Puts a saved template into the list at once (then refetches it), so that the editor of the
 * saved template opens on it without a moment on another template or an empty list.
 */
function showSaved(qc: ReturnType<typeof useQueryClient>, t: Template) {
  qc.setQueryData<ApiResponse<'/api/reminders/templates'>>(KEY, (old) =>
    old
      ? {
          ...old,
          items: old.items.some((x) => x.id === t.id)
            ? old.items.map((x) => (x.id === t.id ? t : x))
            : [...old.items, t],
        }
      : old,
  );
  void qc.invalidateQueries({ queryKey: KEY });
}

function Editor({
  template,
  isNew,
  variables,
  canEdit,
  onSaved,
  onDeleted,
  onCancelNew,
}: {
  template: Template;
  isNew: boolean;
  variables: ApiResponse<'/api/reminders/templates'>['variableList'];
  canEdit: boolean;
  onSaved: (t: Template) => void;
  onDeleted: () => void;
  onCancelNew: () => void;
}) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const initial: Draft = useMemo(
    () => ({ name: template.name, body: { ...template.body, dateStyle: template.body.dateStyle ?? 'western' } }),
    [template],
  );
  const [draft, setDraft] = useState<Draft>(initial);
  const [serverError, setServerError] = useState<ApiError | null>(null);
  useEffect(() => {
    setDraft(initial);
    setServerError(null);
  }, [initial]);
  const dirty = isNew || JSON.stringify(draft) !== JSON.stringify(initial);
  const names = variables.map((v) => v.name);

  const refs = {
    altText: useRef<TextAreaRef>(null),
    title: useRef<TextAreaRef>(null),
    body: useRef<TextAreaRef>(null),
  };
  const lastField = useRef<TextField>('body');
  const setBody = (patch: Partial<Body>) => setDraft((d) => ({ ...d, body: { ...d.body, ...patch } }));

  /** Inserts `{name}` where the cursor was in the text field last focused (the body by default). */
  const insertVariable = (name: string) => {
    const field = lastField.current;
    const el = refs[field].current?.resizableTextArea?.textArea;
    const text = draft.body[field];
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const token = `{${name}}`;
    setBody({ [field]: text.slice(0, start) + token + text.slice(end) });
    requestAnimationFrame(() => {
      if (!el) return;
      el.focus();
      el.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const debouncedBody = useDebounced(draft.body, 350);
  const [visitType, setVisitType] = useState('');
  const visitTypes = useQuery({
    queryKey: ['visit-types'],
    queryFn: async () => (await api.get('/api/appointments/visit-types')).items,
  });
  const preview = useQuery({
    queryKey: [...KEY, 'preview', template.id, debouncedBody, visitType],
    queryFn: () =>
      api.post('/api/reminders/templates/{id}/preview', {
        params: { path: { id: isNew ? 'default' : template.id } },
        body: { body: debouncedBody, ...(visitType ? { visitType } : {}) },
      }),
    placeholderData: keepPreviousData,
  });
  const problems = mergeProblems(clientProblems(draft, names), preview.data?.problems ?? []);
  const pending = debouncedBody !== draft.body || preview.isFetching;
  const problemsOf = (field: string) => problems.filter((p) => p.field === field || p.field.startsWith(`${field}.`));
  const status = (field: string) => (problemsOf(field).length ? ('error' as const) : undefined);

  const save = useMutation({
    mutationFn: (d: Draft) =>
      isNew
        ? api.post('/api/reminders/templates', { body: d as ApiBody<'/api/reminders/templates', 'post'> })
        : api.put('/api/reminders/templates/{id}', { params: { path: { id: template.id } }, body: d }),
    onSuccess: (t) => {
      setServerError(null);
      message.success('範本已儲存');
      showSaved(qc, t);
      onSaved(t);
    },
    onError: (e) => setServerError(e instanceof ApiError ? e : new ApiError(0, 'ERROR', errorMessage(e), [])),
  });
  const remove = useMutation({
    mutationFn: () => api.delete('/api/reminders/templates/{id}', { params: { path: { id: template.id } } }),
    onSuccess: () => {
      message.success('範本已刪除');
      void qc.invalidateQueries({ queryKey: KEY });
      onDeleted();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const reset = useMutation({
    mutationFn: () => api.post('/api/reminders/templates/{id}/reset', { params: { path: { id: template.id } } }),
    onSuccess: (t) => {
      message.success('已還原成預設內容');
      showSaved(qc, t);
      onSaved(t);
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  const textArea = (field: TextField, label: string, rows: number, max?: number, hint?: string) => (
    <div style={{ marginBottom: 14 }}>
      <Flex justify="space-between" align="baseline">
        <label htmlFor={`tpl-${field}`}>
          <Text strong>{label}</Text>
          {hint ? (
            <Text type="secondary" style={{ fontSize: 12, marginLeft: 8 }}>
              {hint}
            </Text>
          ) : null}
        </label>
        {max ? <Counter n={chars(draft.body[field])} max={max} /> : null}
      </Flex>
      <Input.TextArea
        id={`tpl-${field}`}
        ref={refs[field]}
        value={draft.body[field]}
        disabled={!canEdit}
        autoSize={{ minRows: rows, maxRows: rows * 3 }}
        status={status(field)}
        onFocus={() => (lastField.current = field)}
        onChange={(e) => setBody({ [field]: e.target.value })}
      />
      {problemsOf(field).map((p, i) => (
        <Text key={i} type="danger" style={{ display: 'block', fontSize: 12 }}>
          {p.message}
        </Text>
      ))}
    </div>
  );

  const message_ = preview.data?.message as { altText?: string; contents?: unknown } | undefined;
  const clinicName = preview.data?.variables.clinicName ?? '';
  return (
    <Row gutter={24}>
      <Col xs={24} xl={14}>
        <Card
          size="small"
          title={isNew ? '新增範本' : canEdit ? '編輯範本' : '範本內容（唯讀）'}
          extra={
            canEdit && !isNew ? (
              template.builtIn ? (
                <Popconfirm
                  title="還原成出廠內容？"
                  description="這個內建範本的文字與設定會回到出廠時的樣子。"
                  okText="還原"
                  cancelText="取消"
                  onConfirm={() => reset.mutate()}
                >
                  <Button size="small" icon={<RollbackOutlined />} loading={reset.isPending}>
                    還原預設內容
                  </Button>
                </Popconfirm>
              ) : (
                <Popconfirm
                  title={`刪除「${template.name}」？`}
                  description="刪除後無法復原。仍被提醒規則使用的範本不能刪除。"
                  okText="刪除"
                  okButtonProps={{ danger: true }}
                  cancelText="取消"
                  onConfirm={() => remove.mutate()}
                >
                  <Button size="small" danger icon={<DeleteOutlined />} loading={remove.isPending}>
                    刪除
                  </Button>
                </Popconfirm>
              )
            ) : null
          }
        >
          <div style={{ marginBottom: 14 }}>
            <Flex justify="space-between" align="baseline">
              <label htmlFor="tpl-name">
                <Text strong>名稱</Text>
                <Text type="secondary" style={{ fontSize: 12, marginLeft: 8 }}>
                  只給診所人員看，例如「植牙術前提醒」
                </Text>
              </label>
              <Counter n={chars(draft.name)} max={NAME_MAX} />
            </Flex>
            <Input
              id="tpl-name"
              value={draft.name}
              disabled={!canEdit}
              status={status('name')}
              onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
            />
          </div>
          {textArea('title', '標題', 1, undefined, '訊息上方色塊中的大字')}
          {textArea('body', '內文', 5)}
          {canEdit ? (
            <div style={{ margin: '-6px 0 14px' }} role="group" aria-label="插入變數">
              <Text type="secondary" style={{ fontSize: 12, marginRight: 6 }}>
                插入變數（插在游標處）：
              </Text>
              {variables.map((v) => (
                <Tooltip key={v.name} title={`${v.label}，例如「${v.example}」`}>
                  <Tag
                    color="green"
                    style={{ cursor: 'pointer', marginBottom: 4 }}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => insertVariable(v.name)}
                  >
                    {v.label.replace(/（.*$/, '')} {`{${v.name}}`}
                  </Tag>
                </Tooltip>
              ))}
            </div>
          ) : null}
          {textArea('altText', '通知文字（altText）', 2, ALT_TEXT_MAX, '手機通知與聊天列表顯示的文字')}

          <Row gutter={16}>
            <Col span={12}>
              <Text strong style={{ display: 'block', marginBottom: 4 }}>
                日期寫法
              </Text>
              <Select<DateStyle>
                aria-label="日期寫法"
                style={{ width: '100%' }}
                value={draft.body.dateStyle}
                disabled={!canEdit}
                options={DATE_STYLES}
                onChange={(v) => setBody({ dateStyle: v })}
              />
            </Col>
            <Col span={6}>
              <Text strong style={{ display: 'block', marginBottom: 4 }}>
                品牌色
              </Text>
              <ColorPicker
                value={draft.body.brandColor}
                disabled={!canEdit}
                disabledAlpha
                showText
                onChangeComplete={(c) => setBody({ brandColor: c.toHexString().toUpperCase() })}
              />
            </Col>
            <Col span={6} />
          </Row>
          <div style={{ margin: '14px 0' }}>
            <label htmlFor="tpl-logo">
              <Text strong>Logo 圖片網址</Text>
              <Text type="secondary" style={{ fontSize: 12, marginLeft: 8 }}>
                選填，https:// 開頭；空白時使用 LINE 官方帳號的大頭貼
              </Text>
            </label>
            <Input
              id="tpl-logo"
              value={draft.body.logoUrl ?? ''}
              disabled={!canEdit}
              status={status('logoUrl')}
              placeholder="https://"
              onChange={(e) => setBody({ logoUrl: e.target.value.trim() ? e.target.value : null })}
            />
          </div>

          <Text strong style={{ display: 'block', marginBottom: 6 }}>
            按鈕
          </Text>
          {BUTTONS.map((b) => (
            <Flex key={b.key} gap={12} align="center" style={{ marginBottom: 8 }}>
              <Checkbox
                style={{ width: 140 }}
                checked={draft.body.buttons[b.key]}
                disabled={!canEdit}
                onChange={(e) => setBody({ buttons: { ...draft.body.buttons, [b.key]: e.target.checked } })}
              >
                {b.label}
              </Checkbox>
              <Input
                aria-label={`${b.label}文字`}
                style={{ flex: 1 }}
                value={draft.body.labels[b.key]}
                disabled={!canEdit || !draft.body.buttons[b.key]}
                status={status(`labels.${b.key}`)}
                suffix={<Counter n={chars(draft.body.labels[b.key])} max={LABEL_MAX} />}
                onChange={(e) => setBody({ labels: { ...draft.body.labels, [b.key]: e.target.value } })}
              />
            </Flex>
          ))}
          <Text type="secondary" style={{ fontSize: 12 }}>
            地圖按鈕在診所有填地址時才會出現。
          </Text>

          {problems.length ? (
            <Alert
              style={{ marginTop: 16 }}
              type="error"
              showIcon
              data-testid="template-problems"
              title="不符合 LINE 的限制，修正後才能儲存"
              description={
                <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                  {problems.map((p, i) => (
                    <li key={i}>
                      {FIELD_LABEL[p.field] ?? p.field}：{p.message}
                    </li>
                  ))}
                </ul>
              }
            />
          ) : null}
          {serverError ? (
            <Alert
              style={{ marginTop: 16 }}
              type="error"
              showIcon
              data-testid="save-error"
              title={serverError.message}
              description={
                serverError.details.length ? (
                  <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                    {serverError.details.map((d, i) => (
                      <li key={i}>
                        {d.field ? `${FIELD_LABEL[d.field] ?? d.field}：` : ''}
                        {d.message}
                      </li>
                    ))}
                  </ul>
                ) : undefined
              }
            />
          ) : null}

          {canEdit ? (
            <Flex gap={8} style={{ marginTop: 16 }} align="center">
              <Button
                type="primary"
                disabled={!dirty || problems.length > 0}
                loading={save.isPending}
                onClick={() => save.mutate(draft)}
              >
                儲存範本
              </Button>
              {isNew ? (
                <Button onClick={onCancelNew}>取消</Button>
              ) : (
                <Button disabled={!dirty} onClick={() => setDraft(initial)}>
                  放棄變更
                </Button>
              )}
              {pending ? <Text type="secondary">檢查中…</Text> : null}
              {!pending && dirty && !problems.length ? <Text type="secondary">有尚未儲存的變更</Text> : null}
            </Flex>
          ) : null}
        </Card>
        {!isNew ? <SendTest templateId={template.id} dirty={dirty} /> : null}
      </Col>
      <Col xs={24} xl={10}>
        <div style={{ position: 'sticky', top: 16 }}>
          <Flex justify="space-between" align="center" gap={8} style={{ marginBottom: 8, maxWidth: 340 }}>
            <span>
              <Text strong>預覽</Text>
              <Text type="secondary" style={{ fontSize: 12, marginLeft: 6 }}>
                範例資料代入
              </Text>
            </span>
            <Select
              size="small"
              aria-label="預覽的看診類別"
              style={{ width: 130 }}
              value={visitType}
              onChange={setVisitType}
              options={[
                { value: '', label: '預設準備事項' },
                ...(visitTypes.data ?? []).map((v) => ({ value: v.visitType, label: v.visitType })),
              ]}
            />
          </Flex>
          {message_ ? (
            <>
              <NotificationPreview clinic={clinicName} altText={message_.altText ?? ''} />
              <div data-testid="line-preview">
                <LinePhoneFrame title={clinicName || '診所官方帳號'} minHeight={420}>
                  <BotFlex contents={message_.contents} />
                </LinePhoneFrame>
              </div>
            </>
          ) : preview.isError ? (
            <Alert type="error" showIcon title={errorMessage(preview.error)} />
          ) : (
            <Text type="secondary">載入預覽中…</Text>
          )}
        </div>
      </Col>
    </Row>
  );
}

function PreparationNotes({ canEdit }: { canEdit: boolean }) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const rules = useQuery({ queryKey: ['reminders', 'rules'], queryFn: () => api.get('/api/reminders/rules') });
  const types = useQuery({
    queryKey: ['visit-types'],
    queryFn: async () => (await api.get('/api/appointments/visit-types')).items,
  });
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [extra, setExtra] = useState('');
  const [added, setAdded] = useState<string[]>([]);
  const stored = rules.data?.preparations ?? {};
  const rows = [
    '',
    ...new Set([...(types.data ?? []).map((t) => t.visitType), ...Object.keys(stored).filter((k) => k), ...added]),
  ].map((visitType) => ({ visitType, count: types.data?.find((t) => t.visitType === visitType)?.count ?? 0 }));
  const save = useMutation({
    mutationFn: (v: { visitType: string; text: string | null }) => api.put('/api/reminders/preparations', { body: v }),
    onSuccess: (res, v) => {
      qc.setQueryData(['reminders', 'rules'], (old: typeof rules.data) => old && { ...old, ...res });
      void qc.invalidateQueries({ queryKey: [...KEY, 'preview'] });
      setEdits((x) => {
        const rest = { ...x };
        delete rest[v.visitType];
        return rest;
      });
      message.success(v.text ? '準備事項已儲存' : '已清除，這個類別改用預設的準備事項');
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  return (
    <Card
      title="準備事項（依看診類別）"
      style={{ marginTop: 24 }}
      extra={
        canEdit ? (
          <Space.Compact>
            <Input
              aria-label="新增看診類別"
              placeholder="其他看診類別，例如 植牙"
              value={extra}
              maxLength={50}
              onChange={(e) => setExtra(e.target.value)}
            />
            <Button
              icon={<PlusOutlined />}
              disabled={!extra.trim()}
              onClick={() => {
                setAdded((a) => [...a, extra.trim()]);
                setExtra('');
              }}
            >
              加入
            </Button>
          </Space.Compact>
        ) : null
      }
    >
      <Text type="secondary" style={{ display: 'block', marginBottom: 12 }}>
        範本中的 {'{preparation}'} 會換成該次預約看診類別的準備事項；沒有設定的類別使用「預設」。看診類別來自 HIS
        的預約資料。
      </Text>
      <Table
        size="small"
        rowKey="visitType"
        loading={rules.isLoading}
        pagination={false}
        dataSource={rows}
        columns={[
          {
            title: '看診類別',
            dataIndex: 'visitType',
            width: 200,
            render: (v: string, r) =>
              v ? (
                <span>
                  {v}
                  {r.count ? <Text type="secondary">（近兩年 {r.count} 筆）</Text> : null}
                </span>
              ) : (
                <Text strong>預設（其他類別）</Text>
              ),
          },
          {
            title: '準備事項',
            key: 'text',
            render: (_, r) => {
              const value = edits[r.visitType] ?? stored[r.visitType] ?? '';
              return (
                <div>
                  <Input.TextArea
                    aria-label={`${r.visitType || '預設'}的準備事項`}
                    value={value}
                    disabled={!canEdit}
                    autoSize={{ minRows: 1, maxRows: 4 }}
                    placeholder={r.visitType ? `未設定：使用預設「${stored[''] ?? ''}」` : '例如：請攜帶健保卡'}
                    status={chars(value) > PREP_MAX ? 'error' : undefined}
                    onChange={(e) => setEdits((x) => ({ ...x, [r.visitType]: e.target.value }))}
                  />
                  <Counter n={chars(value)} max={PREP_MAX} />
                </div>
              );
            },
          },
          ...(canEdit
            ? [
                {
                  title: '',
                  key: 'actions',
                  width: 90,
                  render: (_: unknown, r: { visitType: string }) => {
                    const changed = r.visitType in edits && edits[r.visitType] !== (stored[r.visitType] ?? '');
                    const value = edits[r.visitType] ?? '';
                    return (
                      <Button
                        size="small"
                        type={changed ? 'primary' : 'default'}
                        disabled={!changed || chars(value) > PREP_MAX || (!r.visitType && !value.trim())}
                        loading={save.isPending && save.variables?.visitType === r.visitType}
                        aria-label={`儲存「${r.visitType || '預設'}」的準備事項`}
                        onClick={() => save.mutate({ visitType: r.visitType, text: value.trim() || null })}
                      >
                        儲存
                      </Button>
                    );
                  },
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}

export function TemplatesPage() {
  const user = useUser();
  const canEdit = user.role === 'admin';
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const list = useQuery({ queryKey: KEY, queryFn: () => api.get('/api/reminders/templates') });
  const items = list.data?.items ?? [];
  const selectedId = params.get('id') ?? items.find((t) => t.id === 'default')?.id ?? items[0]?.id ?? null;
  const selected = items.find((t) => t.id === selectedId) ?? null;
  // The router applies a new URL in a transition: leaving "new" waits for the URL, or the editor
  // would show the previously selected template for a moment (and take typing meant for the next).
  const urlId = params.get('id');
  useEffect(() => setCreating(false), [urlId]);
  const select = (id: string) => {
    if (id === urlId) setCreating(false);
    else setParams({ id }, { replace: true });
  };
  const blank = useMemo<Template | null>(() => {
    const base = items.find((t) => t.id === 'default');
    return base
      ? { ...base, id: 'new', name: '新範本', builtIn: false, updatedAt: null, updatedBy: null, usedBy: [] }
      : null;
  }, [items]);
  const current = creating ? blank : selected;

  return (
    <>
      <PageHeader
        title="訊息範本"
        subtitle="提醒訊息的文字、按鈕與外觀。每條提醒規則選用一個範本；修改後下一則送出的提醒就會使用新內容。"
        extra={
          canEdit ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} disabled={!blank}>
              新增範本
            </Button>
          ) : null
        }
        help={<HelpDrawer topic="reminderTemplates" />}
      />
      {list.isError ? (
        <Alert type="error" showIcon title={errorMessage(list.error)} style={{ marginBottom: 16 }} />
      ) : null}
      {!canEdit ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title="只有管理者可以修改範本；您可以檢視內容、預覽與傳送測試。"
        />
      ) : null}
      <Card size="small" style={{ marginBottom: 16 }} loading={list.isLoading}>
        <TemplateList items={items} selected={creating ? null : selectedId} onSelect={select} />
      </Card>
      {current ? (
        <Editor
          key={current.id}
          template={current}
          isNew={creating}
          variables={list.data?.variableList ?? []}
          canEdit={canEdit}
          onSaved={(t) => select(t.id)}
          onDeleted={() => setParams({}, { replace: true })}
          onCancelNew={() => setCreating(false)}
        />
      ) : list.isSuccess ? (
        <Empty description="還沒有範本" />
      ) : null}
      <PreparationNotes canEdit={canEdit} />
    </>
  );
}
