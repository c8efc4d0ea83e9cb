import { CloudUploadOutlined, DeleteOutlined, PictureOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Tabs,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { api, ApiError, errorMessage, type ApiBody, type ApiResponse, type Schema } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { LinePhoneFrame } from '../components/LinePreview.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatDateTime } from '../format.ts';

type RichMenu = Schema<'RichMenu'>;
type RichMenuKind = RichMenu['kind'];
type RichMenuArea = RichMenu['areas'][number];
type RichMenuAction = RichMenuArea['action'];
type Bounds = RichMenuArea['bounds'];
type LiffPage = Extract<RichMenuAction, { type: 'liff' }>['page'];
type RichMenuTemplate = ApiResponse<'/api/rich-menus'>['templates'][number];

const { Text, Paragraph } = Typography;
const KEY = ['rich-menus'];
const SIZES = [
  { value: '2500x1686', label: '大（2500×1686）' },
  { value: '2500x843', label: '小（2500×843）' },
];
const PAGE_LABEL: Record<LiffPage, string> = {
  bind: '綁定',
  appointments: '我的預約',
  family: '家人預約',
  queue: '看診進度',
};
const ACTION_TYPES = [
  { value: 'liff', label: '開啟頁面' },
  { value: 'message', label: '傳送文字' },
  { value: 'postback', label: 'Postback' },
  { value: 'uri', label: '開啟網址' },
];
const COLORS = ['#1677ff', '#52c41a', '#fa8c16', '#eb2f96', '#722ed1', '#13c2c2'];

/** The menu being edited; the server checks the size when it is saved. */
type Draft = Pick<RichMenu, 'name' | 'chatBarText' | 'size' | 'areas'>;
const saveMenu = (kind: RichMenuKind, draft: Draft) =>
  api.put('/api/rich-menus/{kind}', {
    params: { path: { kind } },
    body: draft as ApiBody<'/api/rich-menus/{kind}', 'put'>,
  });

const grid = (w: number, h: number, cols: number, rows: number, actions: RichMenuAction[]): RichMenuArea[] =>
  actions.map((action, i) => {
    const c = i % cols;
    const r = Math.floor(i / cols);
    const x = Math.round((w / cols) * c);
    const y = Math.round((h / rows) * r);
    return {
      bounds: { x, y, width: Math.round((w / cols) * (c + 1)) - x, height: Math.round((h / rows) * (r + 1)) - y },
      action,
    };
  });

/** Used when the server does not send templates (yet). */
const FALLBACK_TEMPLATES: RichMenuTemplate[] = [
  {
    id: 'bind-1',
    name: '未綁定：一個大按鈕＋兩個小按鈕',
    size: { width: 2500, height: 1686 },
    areas: [
      { bounds: { x: 0, y: 0, width: 2500, height: 1000 }, action: { type: 'liff', page: 'bind', label: '綁定帳號' } },
      ...grid(2500, 686, 2, 1, [
        { type: 'message', text: '門診時間', label: '門診時間' },
        { type: 'message', text: '交通資訊', label: '交通資訊' },
      ]).map((a) => ({ ...a, bounds: { ...a.bounds, y: 1000 } })),
    ],
  },
  {
    id: 'bound-6',
    name: '已綁定：六格',
    size: { width: 2500, height: 1686 },
    areas: grid(2500, 1686, 3, 2, [
      { type: 'liff', page: 'appointments', label: '我的預約' },
      { type: 'liff', page: 'family', label: '家人預約' },
      { type: 'message', text: '門診時間', label: '門診時間' },
      { type: 'message', text: '交通資訊', label: '交通資訊' },
      { type: 'message', text: '自費項目', label: '自費項目' },
      { type: 'liff', page: 'bind', label: '帳號設定' },
    ]),
  },
  {
    id: 'small-3',
    name: '小選單：三格',
    size: { width: 2500, height: 843 },
    areas: grid(2500, 843, 3, 1, [
      { type: 'liff', page: 'appointments', label: '我的預約' },
      { type: 'liff', page: 'family', label: '家人預約' },
      { type: 'message', text: '門診時間', label: '門診時間' },
    ]),
  },
];

function actionSummary(a: RichMenuAction): string {
  if (a.type === 'liff') return `開啟「${PAGE_LABEL[a.page]}」`;
  if (a.type === 'message') return `傳送「${a.text}」`;
  if (a.type === 'postback') return `postback ${a.data}`;
  return a.uri;
}

function areaProblems(d: Draft): string[] {
  const out: string[] = [];
  if (!d.areas.length) out.push('至少需要一個按鈕區域');
  d.areas.forEach((a, i) => {
    const b = a.bounds;
    const n = `區域 ${i + 1}`;
    if (
      b.width < 1 ||
      b.height < 1 ||
      b.x < 0 ||
      b.y < 0 ||
      b.x + b.width > d.size.width ||
      b.y + b.height > d.size.height
    )
      out.push(`${n} 超出圖片範圍`);
    const act = a.action;
    if (!act.label.trim()) out.push(`${n} 需要按鈕名稱`);
    if (act.type === 'message' && !act.text.trim()) out.push(`${n} 需要傳送的文字`);
    if (act.type === 'postback' && !act.data.trim()) out.push(`${n} 需要 postback 資料`);
    if (act.type === 'uri' && !/^(https?:|tel:|mailto:)/.test(act.uri))
      out.push(`${n} 的網址需以 https:// 或 tel: 開頭`);
  });
  if (!d.chatBarText.trim()) out.push('請輸入選單列文字');
  return out;
}

function checkImage(file: File): Promise<{ width: number; height: number }> {
  return new Promise((resolve, reject) => {
    if (!['image/png', 'image/jpeg'].includes(file.type)) return reject(new Error('圖片必須是 PNG 或 JPEG'));
    if (file.size > 1024 * 1024)
      return reject(
        new Error(`圖片 ${(file.size / 1024 / 1024).toFixed(2)} MB，超過 LINE 的 1 MB 上限，請壓縮後再上傳`),
      );
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => {
      URL.revokeObjectURL(url);
      const ok = img.naturalWidth === 2500 && (img.naturalHeight === 1686 || img.naturalHeight === 843);
      if (ok) resolve({ width: img.naturalWidth, height: img.naturalHeight });
      else reject(new Error(`圖片是 ${img.naturalWidth}×${img.naturalHeight}，必須是 2500×1686 或 2500×843`));
    };
    img.onerror = () => reject(new Error('無法讀取這張圖片'));
    img.src = url;
  });
}

/** The menu image with its tap areas; drag on it to draw a new area. */
function AreaCanvas({
  draft,
  image,
  selected,
  onSelect,
  onDraw,
}: {
  draft: Draft;
  image: string | null;
  selected: number;
  onSelect: (i: number) => void;
  onDraw: (b: Bounds) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ x0: number; y0: number; x1: number; y1: number; hit: number | null } | null>(null);
  const { width: W, height: H } = draft.size;
  const toImg = (e: ReactPointerEvent) => {
    const r = ref.current!.getBoundingClientRect();
    return {
      x: Math.max(0, Math.min(W, Math.round(((e.clientX - r.left) / r.width) * W))),
      y: Math.max(0, Math.min(H, Math.round(((e.clientY - r.top) / r.height) * H))),
    };
  };
  const rect = drag
    ? {
        x: Math.min(drag.x0, drag.x1),
        y: Math.min(drag.y0, drag.y1),
        width: Math.abs(drag.x1 - drag.x0),
        height: Math.abs(drag.y1 - drag.y0),
      }
    : null;
  const pct = (b: Bounds) => ({
    left: `${(b.x / W) * 100}%`,
    top: `${(b.y / H) * 100}%`,
    width: `${(b.width / W) * 100}%`,
    height: `${(b.height / H) * 100}%`,
  });
  return (
    <div
      ref={ref}
      role="application"
      aria-label="圖文選單區域編輯：點一下區域可選取，拖曳可新增區域"
      style={{
        position: 'relative',
        width: '100%',
        aspectRatio: `${W} / ${H}`,
        background: image
          ? `center / 100% 100% no-repeat url(${JSON.stringify(image)})`
          : 'repeating-linear-gradient(45deg,#f4f6f8 0 12px,#eceff3 12px 24px)',
        borderRadius: 8,
        border: '1px solid #d9d9d9',
        cursor: 'crosshair',
        touchAction: 'none',
        userSelect: 'none',
        overflow: 'hidden',
      }}
      onPointerDown={(e) => {
        // a click selects the area under the pointer; a drag (anywhere) draws a new area
        const p = toImg(e);
        const hit = (e.target as HTMLElement).closest<HTMLElement>('[data-index]')?.dataset.index;
        ref.current!.setPointerCapture(e.pointerId);
        setDrag({ x0: p.x, y0: p.y, x1: p.x, y1: p.y, hit: hit === undefined ? null : Number(hit) });
      }}
      onPointerMove={(e) => {
        if (!drag) return;
        const p = toImg(e);
        setDrag({ ...drag, x1: p.x, y1: p.y });
      }}
      onPointerUp={() => {
        if (rect && rect.width > 40 && rect.height > 40) onDraw(rect);
        else if (drag?.hit != null) onSelect(drag.hit);
        setDrag(null);
      }}
      onPointerCancel={() => setDrag(null)}
    >
      {!image ? (
        <div
          style={{
            position: 'absolute',
            inset: 0,
            display: 'grid',
            placeItems: 'center',
            color: '#8c8c8c',
            pointerEvents: 'none',
          }}
        >
          <Space>
            <PictureOutlined />
            尚未上傳圖片
          </Space>
        </div>
      ) : null}
      {draft.areas.map((a, i) => (
        <div
          key={i}
          data-area="1"
          data-index={i}
          style={{
            position: 'absolute',
            ...pct(a.bounds),
            border: `3px solid ${COLORS[i % COLORS.length]}`,
            background: i === selected ? `${COLORS[i % COLORS.length]}40` : `${COLORS[i % COLORS.length]}18`,
            display: 'grid',
            placeItems: 'center',
            cursor: 'pointer',
            boxSizing: 'border-box',
          }}
        >
          <span
            data-area="1"
            style={{
              background: 'rgba(255,255,255,.92)',
              borderRadius: 6,
              padding: '2px 8px',
              fontSize: 13,
              fontWeight: 600,
              pointerEvents: 'none',
            }}
          >
            {i + 1}. {a.action.label || '（未命名）'}
          </span>
        </div>
      ))}
      {rect ? (
        <div
          style={{
            position: 'absolute',
            ...pct(rect),
            border: '2px dashed #1677ff',
            background: '#1677ff22',
            pointerEvents: 'none',
          }}
        />
      ) : null}
    </div>
  );
}

function AreaEditor({
  area,
  index,
  size,
  onChange,
  onDelete,
}: {
  area: RichMenuArea;
  index: number;
  size: Draft['size'];
  onChange: (a: RichMenuArea) => void;
  onDelete: () => void;
}) {
  const b = area.bounds;
  const act = area.action;
  const setB = (k: keyof Bounds, v: number | null) =>
    onChange({ ...area, bounds: { ...b, [k]: Math.max(0, Math.round(v ?? 0)) } });
  const setA = (a: RichMenuAction) => onChange({ ...area, action: a });
  const changeType = (t: RichMenuAction['type']) => {
    const label = act.label;
    setA(
      t === 'liff'
        ? { type: 'liff', page: 'appointments', label }
        : t === 'message'
          ? { type: 'message', text: label, label }
          : t === 'postback'
            ? { type: 'postback', data: '', label }
            : { type: 'uri', uri: 'https://', label },
    );
  };
  return (
    <Card
      size="small"
      title={
        <Space>
          <span
            style={{
              display: 'inline-block',
              width: 12,
              height: 12,
              borderRadius: 3,
              background: COLORS[index % COLORS.length],
            }}
          />
          區域 {index + 1}
        </Space>
      }
      extra={
        <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onDelete}>
          刪除
        </Button>
      }
    >
      <Space wrap size={8} style={{ marginBottom: 12 }}>
        {(['x', 'y', 'width', 'height'] as const).map((k) => (
          <InputNumber
            key={k}
            size="small"
            min={0}
            max={k === 'x' || k === 'width' ? size.width : size.height}
            value={b[k]}
            onChange={(v) => setB(k, v)}
            prefix={{ x: 'x', y: 'y', width: '寬', height: '高' }[k]}
            style={{ width: 112 }}
            aria-label={`區域 ${index + 1} ${k}`}
          />
        ))}
      </Space>
      <Form layout="vertical" size="small" component="div">
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item label="動作">
              <Select value={act.type} options={ACTION_TYPES} onChange={changeType} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label="按鈕名稱（無障礙朗讀用）">
              <Input value={act.label} maxLength={20} onChange={(e) => setA({ ...act, label: e.target.value })} />
            </Form.Item>
          </Col>
          {act.type === 'liff' ? (
            <Col span={24}>
              <Form.Item label="開啟的頁面">
                <Select
                  value={act.page}
                  onChange={(page: LiffPage) => setA({ ...act, page })}
                  options={(Object.keys(PAGE_LABEL) as LiffPage[]).map((p) => ({ value: p, label: PAGE_LABEL[p] }))}
                />
              </Form.Item>
            </Col>
          ) : act.type === 'message' ? (
            <Col span={24}>
              <Form.Item label="傳送的文字" extra="可搭配「罐頭訊息與關鍵字回覆」自動回覆">
                <Input value={act.text} maxLength={300} onChange={(e) => setA({ ...act, text: e.target.value })} />
              </Form.Item>
            </Col>
          ) : act.type === 'postback' ? (
            <>
              <Col span={12}>
                <Form.Item label="資料（data）">
                  <Input
                    value={act.data}
                    maxLength={300}
                    onChange={(e) => setA({ ...act, data: e.target.value })}
                    placeholder="action=faq&id=1"
                  />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item label="顯示文字（選填）">
                  <Input
                    value={act.displayText ?? ''}
                    maxLength={300}
                    onChange={(e) => setA({ ...act, displayText: e.target.value || undefined })}
                  />
                </Form.Item>
              </Col>
            </>
          ) : (
            <Col span={24}>
              <Form.Item label="網址">
                <Input
                  value={act.uri}
                  maxLength={1000}
                  onChange={(e) => setA({ ...act, uri: e.target.value })}
                  placeholder="https://"
                />
              </Form.Item>
            </Col>
          )}
        </Row>
      </Form>
    </Card>
  );
}

function MenuEditor({ menu, templates, stamp }: { menu: RichMenu; templates: RichMenuTemplate[]; stamp: string }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [draft, setDraft] = useState<Draft>(() => ({
    name: menu.name,
    chatBarText: menu.chatBarText,
    size: menu.size,
    areas: menu.areas,
  }));
  const [selected, setSelected] = useState(0);
  const [localImage, setLocalImage] = useState<string | null>(null);
  const [publishError, setPublishError] = useState<string | null>(null);
  useEffect(
    () => setDraft({ name: menu.name, chatBarText: menu.chatBarText, size: menu.size, areas: menu.areas }),
    [menu],
  );
  // Without an upload the server draws a default image from the saved layout.
  const image = localImage ?? (menu.imageUrl ? `${menu.imageUrl}?v=${encodeURIComponent(stamp)}` : null);
  const problems = areaProblems(draft);
  // the generated default image has no text: show the labels on the phone preview
  const labelsOnPhone = !localImage && !menu.hasImage;
  const sizeMismatch =
    menu.hasImage && !localImage && (menu.size.width !== draft.size.width || menu.size.height !== draft.size.height);

  const save = useMutation({
    mutationFn: () => saveMenu(menu.kind, draft),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: KEY });
      void message.success('已儲存（尚未發布）');
    },
    onError: (err) => void message.error(errorMessage(err)),
  });
  const upload = useMutation({
    mutationFn: (file: File) =>
      api.upload('/api/rich-menus/{kind}/image', file, { params: { path: { kind: menu.kind } } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: KEY });
      void message.success('圖片已上傳');
    },
    onError: (err) => void message.error(errorMessage(err)),
  });
  const publish = useMutation({
    mutationFn: async () => {
      await saveMenu(menu.kind, draft);
      return api.post('/api/rich-menus/{kind}/publish', { params: { path: { kind: menu.kind } } });
    },
    onSuccess: (m) => {
      setPublishError(m?.lastError ?? null);
      void qc.invalidateQueries({ queryKey: KEY });
      if (!m?.lastError) void message.success('已發布到 LINE');
    },
    onError: (err) => setPublishError(errorMessage(err)),
  });

  const setArea = (i: number, a: RichMenuArea) =>
    setDraft({ ...draft, areas: draft.areas.map((x, j) => (j === i ? a : x)) });
  const applyTemplate = (id: string) => {
    const t = templates.find((x) => x.id === id);
    if (!t) return;
    setDraft({
      ...draft,
      size: t.size,
      areas: t.areas.map((a) => ({ bounds: { ...a.bounds }, action: { ...a.action } })),
    });
    setSelected(0);
  };

  return (
    <Row gutter={16}>
      <Col xs={24} xl={15}>
        <Card
          title="選單圖片與按鈕區域"
          extra={
            <Space>
              <Select
                placeholder="套用版型"
                style={{ width: 260 }}
                options={templates.map((t) => ({ value: t.id, label: t.name }))}
                onChange={applyTemplate}
                value={null}
                aria-label="套用版型"
              />
              <Upload
                accept="image/png,image/jpeg"
                showUploadList={false}
                beforeUpload={(file) => {
                  checkImage(file).then(
                    (size) => {
                      setLocalImage(URL.createObjectURL(file));
                      setDraft((d) => ({ ...d, size }));
                      upload.mutate(file);
                    },
                    (e: Error) => void message.error(e.message),
                  );
                  return false;
                }}
              >
                <Button icon={<PictureOutlined />} loading={upload.isPending}>
                  上傳圖片
                </Button>
              </Upload>
            </Space>
          }
          style={{ marginBottom: 16 }}
        >
          <AreaCanvas
            draft={draft}
            image={image}
            selected={selected}
            onSelect={setSelected}
            onDraw={(b) => {
              setDraft({
                ...draft,
                areas: [...draft.areas, { bounds: b, action: { type: 'message', text: '', label: '' } }],
              });
              setSelected(draft.areas.length);
            }}
          />
          <Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
            {!menu.hasImage && !localImage ? <Tag>系統預設圖片（依已儲存的版面產生）</Tag> : null}
            點一下區域可編輯；在圖片上拖曳可畫出新的按鈕區域（可以畫在既有區域上，再調整數值）。圖片需為 2500×1686 或
            2500×843、JPEG／PNG、1 MB 以內。
          </Paragraph>
          {sizeMismatch ? (
            <Alert
              style={{ marginTop: 8 }}
              type="warning"
              showIcon
              title="目前圖片的尺寸與選單尺寸不同，請重新上傳相符的圖片"
            />
          ) : null}
        </Card>
        <Space orientation="vertical" style={{ width: '100%' }} size={12}>
          {draft.areas.length === 0 ? <Empty description="還沒有按鈕區域：套用版型，或在圖片上拖曳畫出區域" /> : null}
          {draft.areas[selected] ? (
            <AreaEditor
              area={draft.areas[selected]}
              index={selected}
              size={draft.size}
              onChange={(a) => setArea(selected, a)}
              onDelete={() => {
                setDraft({ ...draft, areas: draft.areas.filter((_, j) => j !== selected) });
                setSelected(0);
              }}
            />
          ) : null}
          <Card size="small" title="所有區域">
            {draft.areas.map((a, i) => (
              <Button
                key={i}
                type={i === selected ? 'primary' : 'default'}
                ghost={i === selected}
                size="small"
                style={{ margin: 4 }}
                onClick={() => setSelected(i)}
              >
                {i + 1}. {a.action.label || '（未命名）'} · {actionSummary(a.action)}
              </Button>
            ))}
          </Card>
        </Space>
      </Col>
      <Col xs={24} xl={9}>
        <Card title="設定與發布" style={{ marginBottom: 16 }}>
          <Form layout="vertical" component="div">
            <Form.Item label="選單名稱（後台辨識用）">
              <Input
                value={draft.name}
                maxLength={300}
                onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              />
            </Form.Item>
            <Form.Item label="選單列文字" extra="聊天室下方收合時顯示，最多 14 個字">
              <Input
                value={draft.chatBarText}
                maxLength={14}
                showCount
                onChange={(e) => setDraft({ ...draft, chatBarText: e.target.value })}
              />
            </Form.Item>
            <Form.Item label="尺寸">
              <Select
                value={`${draft.size.width}x${draft.size.height}`}
                options={SIZES}
                onChange={(v: string) => {
                  const [w, h] = v.split('x').map(Number);
                  setDraft({ ...draft, size: { width: w, height: h } });
                }}
              />
            </Form.Item>
          </Form>
          {problems.length ? (
            <Alert
              type="warning"
              showIcon
              title="發布前請修正"
              description={
                <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                  {problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              }
              style={{ marginBottom: 12 }}
            />
          ) : null}
          {publishError ? (
            <Alert type="error" showIcon title="發布失敗" description={publishError} style={{ marginBottom: 12 }} />
          ) : null}
          <Space wrap>
            <Button icon={<SaveOutlined />} onClick={() => save.mutate()} loading={save.isPending}>
              儲存草稿
            </Button>
            <Button
              type="primary"
              icon={<CloudUploadOutlined />}
              disabled={problems.length > 0}
              onClick={() => publish.mutate()}
              loading={publish.isPending}
            >
              發布到 LINE
            </Button>
          </Space>
          <Paragraph type="secondary" style={{ margin: '12px 0 0' }}>
            {menu.publishedAt ? (
              <>
                上次發布 {formatDateTime(menu.publishedAt)} <Tag color="green">{menu.lineRichMenuId}</Tag>
              </>
            ) : (
              '尚未發布'
            )}
            {menu.lastError && !publishError ? (
              <>
                <br />
                <Text type="danger">上次錯誤：{menu.lastError}</Text>
              </>
            ) : null}
          </Paragraph>
        </Card>
        <Card title="手機預覽">
          <LinePhoneFrame
            minHeight={90}
            title="診所官方帳號"
            footer={
              <div style={{ background: '#fff' }}>
                <div
                  style={{
                    position: 'relative',
                    width: '100%',
                    aspectRatio: `${draft.size.width} / ${draft.size.height}`,
                    background: image ? `center / 100% 100% no-repeat url(${JSON.stringify(image)})` : '#eef1f4',
                  }}
                >
                  {draft.areas.map((a, i) => (
                    <div
                      key={i}
                      style={{
                        position: 'absolute',
                        left: `${(a.bounds.x / draft.size.width) * 100}%`,
                        top: `${(a.bounds.y / draft.size.height) * 100}%`,
                        width: `${(a.bounds.width / draft.size.width) * 100}%`,
                        height: `${(a.bounds.height / draft.size.height) * 100}%`,
                        outline: image ? 'none' : '1px solid #d0d7de',
                        display: 'grid',
                        placeItems: 'end center',
                        paddingBottom: '6%',
                        fontSize: 12,
                        fontWeight: 600,
                        color: labelsOnPhone ? '#fff' : 'transparent',
                        textShadow: labelsOnPhone ? '0 1px 2px rgba(0,0,0,.45)' : 'none',
                      }}
                    >
                      {a.action.label}
                    </div>
                  ))}
                </div>
                <div style={{ textAlign: 'center', padding: '8px 0', fontSize: 13, borderTop: '1px solid #eee' }}>
                  {draft.chatBarText || '選單'} ▾
                </div>
              </div>
            }
          >
            <div
              style={{ background: '#fff', borderRadius: 14, padding: '6px 10px', fontSize: 13, width: 'fit-content' }}
            >
              點選下方選單試試看
            </div>
          </LinePhoneFrame>
        </Card>
      </Col>
    </Row>
  );
}

export function RichMenuPage() {
  const [tab, setTab] = useState<RichMenuKind>('unbound');
  const q = useQuery({
    queryKey: KEY,
    queryFn: () => api.get('/api/rich-menus'),
    retry: false,
  });
  const notYet = q.error instanceof ApiError && (q.error.status === 404 || q.error.status === 405);
  const templates = q.data?.templates?.length ? q.data.templates : FALLBACK_TEMPLATES;
  const blank = (kind: RichMenuKind): RichMenu => {
    const t = kind === 'unbound' ? FALLBACK_TEMPLATES[0] : FALLBACK_TEMPLATES[1];
    return {
      kind,
      name: kind === 'unbound' ? '未綁定選單' : '已綁定選單',
      chatBarText: kind === 'unbound' ? '綁定與門診資訊' : '預約查詢',
      size: t.size,
      areas: t.areas,
      hasImage: false,
      imageUrl: '',
      lineRichMenuId: null,
      publishedAt: null,
      lastError: null,
    };
  };
  const menuOf = (kind: RichMenuKind) => q.data?.items.find((m) => m.kind === kind) ?? blank(kind);

  return (
    <>
      <PageHeader
        title="圖文選單"
        subtitle="聊天室下方的按鈕選單。病患綁定前後會看到不同的選單，綁定或解除綁定時自動切換。"
        help={<HelpDrawer topic="richMenu" />}
      />
      {q.isError ? (
        <Alert
          style={{ marginBottom: 16 }}
          type={notYet ? 'info' : 'error'}
          showIcon
          title={notYet ? '圖文選單發布功能即將開放' : '無法載入圖文選單'}
          description={
            notYet ? '可以先在下方試排版面；發布到 LINE 的功能開放後即可儲存與發布。' : errorMessage(q.error)
          }
        />
      ) : null}
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as RichMenuKind)}
        items={[
          {
            key: 'unbound',
            label: '未綁定使用者',
            children: q.isLoading ? null : (
              <MenuEditor
                key={`u-${q.dataUpdatedAt}`}
                menu={menuOf('unbound')}
                templates={templates}
                stamp={String(q.dataUpdatedAt)}
              />
            ),
          },
          {
            key: 'bound',
            label: '已綁定使用者',
            children: q.isLoading ? null : (
              <MenuEditor
                key={`b-${q.dataUpdatedAt}`}
                menu={menuOf('bound')}
                templates={templates}
                stamp={String(q.dataUpdatedAt)}
              />
            ),
          },
        ]}
      />
    </>
  );
}
