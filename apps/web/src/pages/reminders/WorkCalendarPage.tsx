// The 提醒 › 工作日曆 page: a year of the clinic's working days (government days off, observed
// days, make-up workdays, the clinic's weekly closed days, closures and extra open days), each
// with its reason; admins add or remove a closure / extra open day after seeing which planned
// reminders it moves, and import the government's official CSV after previewing what changes.
import { DeleteOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Input,
  Modal,
  Radio,
  Row,
  Select,
  Skeleton,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
  Upload,
} from 'antd';
import { useMemo, useState } from 'react';
import { api, errorMessage, type ApiBody, type ApiResponse } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { dayjs, formatDateTime, formatDateTimeIn } from '../../format.ts';
import { useClinic } from '../../queries.ts';
import { isAdmin, useUser } from '../../session.tsx';

type YearView = ApiResponse<'/api/calendar/year'>;
type Day = YearView['items'][number];
type Category = Day['category'];
type Override = ApiResponse<'/api/calendar/closures'>['items'][number];
type Impact = ApiResponse<'/api/reminders/calendar-impact', 'post'>;
type ImpactBody = ApiBody<'/api/reminders/calendar-impact', 'post'>;
type Preview = ApiResponse<'/api/calendar/import/preview', 'post'>;

const { Text, Paragraph } = Typography;

/** Colours and labels of the day categories, in the legend's order. */
export const CATEGORY: Record<Category, { label: string; bg: string; fg: string; border?: string }> = {
  working: { label: '看診日', bg: '#ffffff', fg: 'rgba(0,0,0,0.85)', border: '#e8ebe9' },
  weekly_closed: { label: '每週固定休診', bg: '#f0f0f0', fg: 'rgba(0,0,0,0.45)' },
  holiday: { label: '國定假日', bg: '#ffe1de', fg: '#b4261a' },
  observed: { label: '補假', bg: '#ffe7ba', fg: '#a04a00' },
  makeup_workday: { label: '補行上班（補班）', bg: '#dbe6ff', fg: '#1d39c4' },
  clinic_closed: { label: '診所休診', bg: '#8f1d5e', fg: '#ffffff' },
  clinic_open: { label: '診所加開', bg: '#c9f0b4', fg: '#236b0c', border: '#52c41a' },
};
const ORDER = Object.keys(CATEGORY) as Category[];
const WEEK_HEAD = ['日', '一', '二', '三', '四', '五', '六'];
const WEEKDAY = ['週日', '週一', '週二', '週三', '週四', '週五', '週六'];
const SOURCE_LABEL: Record<YearView['source'], string> = {
  shipped: '系統內建',
  platform_import: '平台匯入的官方檔案',
  clinic_import: '本診所匯入的官方檔案',
  none: '尚無政府辦公日曆（只依週末與門診時段）',
};
const QUICK_REASONS = { closed: ['颱風停診', '醫師休假', '院內訓練', '設備維修'], open: ['加開門診', '春節加診'] };

const longDate = (d: string) => `${d.replaceAll('-', '/')}（${WEEKDAY[dayjs(d).day()]}）`;

export function WorkCalendarPage() {
  const user = useUser();
  const admin = isAdmin(user);
  const clinic = useClinic();
  const zone = clinic.data?.timeZone ?? 'Asia/Taipei';
  const today = dayjs().tz(zone).format('YYYY-MM-DD');
  const [year, setYear] = useState(() => Number(today.slice(0, 4)));
  const [editing, setEditing] = useState<{ date: string; action?: 'remove' } | null>(null);

  const years = useQuery({ queryKey: ['calendar', 'years'], queryFn: () => api.get('/api/calendar/years') });
  const view = useQuery({
    queryKey: ['calendar', 'year', year],
    queryFn: () => api.get('/api/calendar/year', { params: { query: { year } } }),
  });
  const overrides = useQuery({
    queryKey: ['calendar', 'closures'],
    queryFn: () => api.get('/api/calendar/closures'),
  });
  const yearOptions = useMemo(() => {
    const set = new Set<number>([year, Number(today.slice(0, 4)), Number(today.slice(0, 4)) + 1]);
    for (const y of years.data?.items ?? []) set.add(y.year);
    return [...set].sort().map((y) => ({ value: y, label: `${y} 年（民國 ${y - 1911} 年）` }));
  }, [years.data, year, today]);
  const byDate = useMemo(() => new Map((view.data?.items ?? []).map((d) => [d.date, d])), [view.data]);
  const overrideOf = useMemo(() => new Map((overrides.data?.items ?? []).map((o) => [o.date, o])), [overrides.data]);

  return (
    <>
      <PageHeader
        title="工作日曆"
        subtitle="哪些日子診所看診、哪些日子休診。提醒遇到休診日，會提前到前一個看診日發送；把游標移到日期上可看原因。"
        extra={
          <Select aria-label="年度" value={year} onChange={setYear} options={yearOptions} style={{ width: 200 }} />
        }
        help={<HelpDrawer topic="workCalendar" />}
      />
      {view.error ? (
        <Alert type="error" showIcon title={errorMessage(view.error)} style={{ marginBottom: 16 }} />
      ) : null}
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex wrap gap={8} align="center" justify="space-between">
          <Flex wrap gap={8} align="center" aria-label="圖例">
            {ORDER.map((c) => (
              <Space key={c} size={6} style={{ marginRight: 10 }}>
                <span
                  aria-hidden
                  style={{
                    display: 'inline-block',
                    width: 16,
                    height: 16,
                    borderRadius: 4,
                    background: CATEGORY[c].bg,
                    border: `1px solid ${CATEGORY[c].border ?? CATEGORY[c].bg}`,
                  }}
                />
                <Text>
                  {CATEGORY[c].label}
                  {view.data ? <Text type="secondary">（{view.data.counts[c] ?? 0} 天）</Text> : null}
                </Text>
              </Space>
            ))}
          </Flex>
          {view.data ? (
            <Text type="secondary">
              {year} 年政府辦公日曆：{SOURCE_LABEL[view.data.source]}
              {view.data.importedAt ? `（${formatDateTime(view.data.importedAt)} 匯入）` : ''}
            </Text>
          ) : null}
        </Flex>
        <Text type="secondary" style={{ display: 'block', marginTop: 6 }}>
          {admin
            ? '點一下日期，可設定診所休診（例如颱風停診）或加開看診；確認前會先列出受影響的提醒。'
            : '只有管理者可以設定休診、加開或匯入日曆。'}
        </Text>
      </Card>

      {view.data?.provisional ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={
            view.data.source === 'none'
              ? `系統還沒有 ${year} 年的政府辦公日曆，目前只依週末與門診時段判斷`
              : `${year} 年的政府辦公日曆是系統依放假規則推算的，尚未與官方檔案核對`
          }
          description="行政院人事行政總處公布該年度的辦公日曆表後，請在下方「匯入政府行政機關辦公日曆表」上傳官方 CSV。"
        />
      ) : null}
      {view.isLoading ? (
        <Skeleton active paragraph={{ rows: 12 }} />
      ) : (
        <Row gutter={[16, 16]}>
          {Array.from({ length: 12 }, (_, m) => (
            <Col key={m} xs={24} sm={12} lg={8} xl={6}>
              <MonthGrid
                year={year}
                month={m}
                byDate={byDate}
                today={today}
                onPick={admin ? (date) => setEditing({ date }) : undefined}
              />
            </Col>
          ))}
        </Row>
      )}

      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={12}>
          <OverridesCard
            year={year}
            items={(overrides.data?.items ?? []).filter((o) => o.date.startsWith(`${year}-`))}
            loading={overrides.isLoading}
            admin={admin}
            onRemove={(o) => setEditing({ date: o.date, action: 'remove' })}
          />
        </Col>
        <Col xs={24} xl={12}>
          <ImportCard year={year} admin={admin} zone={zone} />
        </Col>
      </Row>

      {editing ? (
        <DayModal
          key={`${editing.date}-${editing.action ?? ''}`}
          date={editing.date}
          initial={editing.action}
          day={byDate.get(editing.date)}
          override={overrideOf.get(editing.date)}
          zone={zone}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </>
  );
}

function MonthGrid({
  year,
  month,
  byDate,
  today,
  onPick,
}: {
  year: number;
  month: number;
  byDate: Map<string, Day>;
  today: string;
  onPick?: (date: string) => void;
}) {
  const first = dayjs(new Date(year, month, 1));
  const lead = first.day();
  const cells: (string | null)[] = [
    ...Array<null>(lead).fill(null),
    ...Array.from({ length: first.daysInMonth() }, (_, i) => first.date(i + 1).format('YYYY-MM-DD')),
  ];
  const closed = cells.filter((d) => d && byDate.get(d) && !byDate.get(d)!.working).length;
  return (
    <Card
      size="small"
      title={`${month + 1} 月`}
      extra={<Text type="secondary">休診 {closed} 天</Text>}
      styles={{ body: { padding: 10 } }}
      data-month={month + 1}
    >
      <div role="grid" aria-label={`${year} 年 ${month + 1} 月`}>
        <div role="row" style={{ display: 'grid', gridTemplateColumns: 'repeat(7, 1fr)', gap: 3, marginBottom: 3 }}>
          {WEEK_HEAD.map((w, i) => (
            <div
              key={w}
              role="columnheader"
              style={{
                textAlign: 'center',
                fontSize: 12,
                color: i === 0 || i === 6 ? '#b4261a' : 'rgba(0,0,0,0.45)',
              }}
            >
              {w}
            </div>
          ))}
        </div>
        <div role="row" style={{ display: 'grid', gridTemplateColumns: 'repeat(7, 1fr)', gap: 3 }}>
          {cells.map((d, i) => {
            if (!d) return <div key={`e${i}`} />;
            const info = byDate.get(d);
            const c = CATEGORY[info?.category ?? 'working'];
            const label = `${longDate(d)}：${info ? `${info.working ? '看診' : '休診'}・${info.reason}` : ''}`;
            return (
              <Tooltip
                key={d}
                title={
                  <>
                    <div style={{ fontWeight: 600 }}>{longDate(d)}</div>
                    <div>
                      {info ? `${CATEGORY[info.category].label}：${info.reason}` : ''}
                      {info ? (info.working ? '（看診）' : '（休診）') : ''}
                    </div>
                    {onPick ? <div style={{ opacity: 0.75 }}>點一下設定休診或加開</div> : null}
                  </>
                }
                mouseEnterDelay={0.15}
              >
                <div
                  role="gridcell"
                  aria-label={label}
                  data-date={d}
                  data-category={info?.category}
                  tabIndex={onPick ? 0 : -1}
                  onClick={onPick ? () => onPick(d) : undefined}
                  onKeyDown={
                    onPick
                      ? (e) => {
                          if (e.key === 'Enter' || e.key === ' ') {
                            e.preventDefault();
                            onPick(d);
                          }
                        }
                      : undefined
                  }
                  style={{
                    height: 30,
                    lineHeight: '28px',
                    textAlign: 'center',
                    fontSize: 13,
                    borderRadius: 5,
                    background: c.bg,
                    color: c.fg,
                    border: `1px solid ${d === today ? '#0b7a3e' : (c.border ?? c.bg)}`,
                    boxShadow: d === today ? 'inset 0 0 0 1px #0b7a3e' : undefined,
                    fontWeight: d === today || info?.category === 'clinic_closed' ? 600 : 400,
                    cursor: onPick ? 'pointer' : 'default',
                    userSelect: 'none',
                  }}
                >
                  {Number(d.slice(8))}
                </div>
              </Tooltip>
            );
          })}
        </div>
      </div>
    </Card>
  );
}

/** The reminders a calendar change moves, as the dry run answered. */
function ImpactView({ impact, zone }: { impact: Impact; zone: string }) {
  return (
    <div data-testid="calendar-impact">
      <Alert
        type={impact.affected ? 'warning' : 'info'}
        showIcon
        title={impact.message}
        description={
          impact.affected || impact.scheduled
            ? '確認後，系統會在幾秒內依新的行事曆重新排程，預約的「提醒」分頁會顯示新的發送時間。'
            : `已試算 ${impact.appointments} 筆未來預約的提醒。`
        }
        style={{ marginBottom: impact.items.length ? 10 : 0 }}
      />
      {impact.items.length ? (
        <Table
          size="small"
          rowKey={(r) => `${r.appointmentId}-${r.ruleName}`}
          dataSource={impact.items}
          pagination={false}
          scroll={impact.items.length > 6 ? { y: 320 } : undefined}
          aria-label="受影響的提醒"
          columns={[
            {
              title: '病患',
              dataIndex: 'patientName',
              width: 110,
              render: (v: string | null) => v ?? '—',
            },
            {
              title: '看診',
              key: 'visit',
              width: 170,
              render: (_, r) => (
                <>
                  <div>{formatDateTimeIn(r.startsAt, zone)}</div>
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {r.doctorName ?? ''}・預約 {r.visitId}
                  </Text>
                </>
              ),
            },
            { title: '提醒', dataIndex: 'ruleName', width: 150 },
            {
              title: '發送時間',
              key: 'time',
              render: (_, r) => (
                <Tooltip title={r.explanation}>
                  <span>
                    {r.change === 'skipped' ? (
                      <>
                        <Text delete>{formatDateTimeIn(r.oldDueAt, zone)}</Text> → <Tag color="default">不再發送</Tag>
                      </>
                    ) : r.change === 'scheduled' ? (
                      <>
                        <Tag color="green">新排程</Tag> {formatDateTimeIn(r.newDueAt, zone)}
                      </>
                    ) : (
                      <>
                        <Text type="secondary">{formatDateTimeIn(r.oldDueAt, zone)}</Text> →{' '}
                        <Text strong>{formatDateTimeIn(r.newDueAt, zone)}</Text>
                      </>
                    )}
                  </span>
                </Tooltip>
              ),
            },
          ]}
        />
      ) : null}
    </div>
  );
}

type Action = 'closed' | 'open' | 'remove';

function DayModal({
  date,
  initial,
  day,
  override,
  zone,
  onClose,
}: {
  date: string;
  initial?: 'remove';
  day?: Day;
  override?: Override;
  zone: string;
  onClose(): void;
}) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [action, setAction] = useState<Action>(
    // A day the clinic set itself: most often the admin takes it back; else the opposite of today.
    initial ?? (override ? 'remove' : day && !day.working ? 'open' : 'closed'),
  );
  const [note, setNote] = useState(override?.note ?? '');
  const body: ImpactBody =
    action === 'remove' && override
      ? { action: 'remove', id: override.id }
      : { action: 'add', date, kind: action === 'open' ? 'open' : 'closed' };
  const impact = useQuery({
    queryKey: ['calendar', 'impact', body],
    queryFn: () => api.post('/api/reminders/calendar-impact', { body }),
    staleTime: 0,
    gcTime: 0,
  });
  const save = useMutation({
    mutationFn: async () => {
      if (action === 'remove' && override)
        await api.delete('/api/calendar/closures/{id}', { params: { path: { id: override.id } } });
      else
        await api.post('/api/calendar/closures', {
          body: { date, kind: action === 'open' ? 'open' : 'closed', ...(note.trim() ? { note: note.trim() } : {}) },
        });
    },
    onSuccess: async () => {
      const n = impact.data?.affected ?? 0;
      void message.success(
        `${action === 'remove' ? '已刪除' : action === 'open' ? '已設定加開' : '已設定休診'}${n ? `，${n} 則提醒將重新排程` : ''}`,
      );
      await qc.invalidateQueries({ queryKey: ['calendar'] });
      onClose();
    },
    onError: (err) => void message.error(errorMessage(err)),
  });
  const confirmLabel = action === 'remove' ? '確認刪除' : action === 'open' ? '確認加開' : '確認休診';
  return (
    <Modal
      open
      title={`${longDate(date)} 休診／加開`}
      onCancel={onClose}
      width={760}
      footer={[
        <Button key="cancel" onClick={onClose}>
          取消
        </Button>,
        <Button
          key="ok"
          type="primary"
          danger={action !== 'open'}
          disabled={!impact.data}
          loading={save.isPending}
          onClick={() => save.mutate()}
        >
          {confirmLabel}
          {impact.data?.affected ? `（移動 ${impact.data.affected} 則提醒）` : ''}
        </Button>,
      ]}
    >
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        {day ? (
          <div>
            目前：
            <Tag
              style={{
                background: CATEGORY[day.category].bg,
                color: CATEGORY[day.category].fg,
                borderColor: CATEGORY[day.category].border ?? CATEGORY[day.category].bg,
              }}
            >
              {CATEGORY[day.category].label}
            </Tag>
            {day.reason}（{day.working ? '看診' : '休診'}）
          </div>
        ) : null}
        <Radio.Group
          value={action}
          onChange={(e) => setAction(e.target.value as Action)}
          optionType="button"
          buttonStyle="solid"
          options={[
            { value: 'closed', label: '休診' },
            { value: 'open', label: '加開看診' },
            ...(override ? [{ value: 'remove', label: '取消這天的設定' }] : []),
          ]}
        />
        {action === 'remove' ? (
          <Text>
            刪除「{override?.kind === 'open' ? '診所加開' : '診所休診'}
            {override?.note ? `：${override.note}` : ''}」，這天恢復依政府辦公日曆與門診時段判斷。
          </Text>
        ) : (
          <div>
            <Input
              aria-label="原因"
              placeholder={action === 'closed' ? '原因，例如：颱風停診' : '原因，例如：加開門診'}
              maxLength={100}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
            <Space size={4} wrap style={{ marginTop: 6 }}>
              {QUICK_REASONS[action].map((r) => (
                <Tag key={r} style={{ cursor: 'pointer' }} onClick={() => setNote(r)}>
                  {r}
                </Tag>
              ))}
            </Space>
          </div>
        )}
        {impact.isLoading ? (
          <Flex align="center" gap={8}>
            <Spin size="small" /> <Text type="secondary">正在試算對已排程提醒的影響…</Text>
          </Flex>
        ) : impact.error ? (
          <Alert type="error" showIcon title={errorMessage(impact.error)} />
        ) : impact.data ? (
          <ImpactView impact={impact.data} zone={zone} />
        ) : null}
      </Space>
    </Modal>
  );
}

function OverridesCard({
  year,
  items,
  loading,
  admin,
  onRemove,
}: {
  year: number;
  items: Override[];
  loading: boolean;
  admin: boolean;
  onRemove(o: Override): void;
}) {
  return (
    <Card title={`${year} 年診所休診日與加開日`} size="small" data-testid="calendar-overrides">
      <Table
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={items}
        pagination={items.length > 10 ? { pageSize: 10, size: 'small' } : false}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={admin ? '尚未設定。點日曆上的日期即可新增。' : '尚未設定'}
            />
          ),
        }}
        columns={[
          { title: '日期', dataIndex: 'date', render: (d: string) => longDate(d), width: 150 },
          {
            title: '類別',
            dataIndex: 'kind',
            width: 90,
            render: (k: Override['kind']) => {
              const c = CATEGORY[k === 'open' ? 'clinic_open' : 'clinic_closed'];
              return (
                <Tag style={{ background: c.bg, color: c.fg, borderColor: c.border ?? c.bg }}>
                  {k === 'open' ? '加開' : '休診'}
                </Tag>
              );
            },
          },
          {
            title: '原因',
            key: 'note',
            render: (_, o) => (
              <>
                <div>{o.note || <Text type="secondary">—</Text>}</div>
                <Text type="secondary" style={{ fontSize: 12 }}>
                  {o.createdBy}・{formatDateTime(o.createdAt)}
                </Text>
              </>
            ),
          },
          ...(admin
            ? [
                {
                  title: '',
                  key: 'actions',
                  width: 80,
                  render: (_: unknown, o: Override) => (
                    <Button
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={`刪除 ${o.date}`}
                      onClick={() => onRemove(o)}
                    >
                      刪除
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}

const toBase64 = (buf: ArrayBuffer) => {
  let s = '';
  const bytes = new Uint8Array(buf);
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
const govLabel = (g: { off: boolean; name: string }) => `${g.off ? '放假' : '上班'}${g.name ? `・${g.name}` : ''}`;
const CHANGE_LABEL: Record<Preview['changes'][number]['change'], { label: string; color: string }> = {
  becomes_off: { label: '改為放假', color: 'red' },
  becomes_working: { label: '改為上班', color: 'blue' },
  renamed: { label: '名稱不同', color: 'default' },
};

function ImportCard({ year, admin, zone }: { year: number; admin: boolean; zone: string }) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [file, setFile] = useState<{ name: string; csvBase64: string; year: number } | null>(null);
  const preview = useMutation({
    mutationFn: async (f: { name: string; csvBase64: string; year: number }) => {
      const body = { year: f.year, csvBase64: f.csvBase64 };
      const p = await api.post('/api/calendar/import/preview', { body });
      const impact = await api.post('/api/reminders/calendar-impact', { body: { action: 'import', ...body } });
      return { preview: p, impact };
    },
  });
  const apply = useMutation({
    mutationFn: (f: { csvBase64: string; year: number }) =>
      api.post('/api/calendar/import', { body: { year: f.year, csvBase64: f.csvBase64 } }),
    onSuccess: async (r) => {
      void message.success(`已套用 ${r.year} 年的辦公日曆，系統會重新排程未來的提醒`);
      setFile(null);
      preview.reset();
      await qc.invalidateQueries({ queryKey: ['calendar'] });
    },
    onError: (err) => void message.error(errorMessage(err)),
  });
  const shown = file && file.year === year ? preview : null;
  return (
    <Card title="匯入政府行政機關辦公日曆表" size="small" data-testid="calendar-import">
      <Paragraph type="secondary" style={{ marginBottom: 10 }}>
        行政院人事行政總處每年公布次年的「中華民國政府行政機關辦公日曆表」（政府資料開放平臺 data.gov.tw）， 下載 CSV
        檔（Big5 或 UTF-8 皆可）在這裡上傳：先列出與目前資料的差異，按「套用」才會生效，只套用到本診所。
      </Paragraph>
      {admin ? (
        <Upload
          accept=".csv,text/csv"
          showUploadList={false}
          beforeUpload={(f) => {
            void f.arrayBuffer().then((buf) => {
              const next = { name: f.name, csvBase64: toBase64(buf), year };
              setFile(next);
              preview.mutate(next);
            });
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={preview.isPending}>
            選擇 {year} 年的 CSV 檔
          </Button>
        </Upload>
      ) : (
        <Text type="secondary">只有管理者可以匯入。</Text>
      )}
      {shown?.error ? (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          title={`「${file?.name}」無法匯入`}
          description={errorMessage(shown.error)}
        />
      ) : null}
      {shown?.data && file ? (
        <div style={{ marginTop: 12 }} data-testid="import-preview">
          <Descriptions
            size="small"
            column={2}
            bordered
            items={[
              { key: 'file', label: '檔案', children: file.name, span: 2 },
              {
                key: 'days',
                label: '天數',
                children: `${shown.data.preview.days} 天（${shown.data.preview.year} 年）`,
              },
              {
                key: 'off',
                label: '放假／補班',
                children: `放假 ${shown.data.preview.daysOff} 天、補行上班 ${shown.data.preview.makeUpWorkdays} 天`,
              },
              {
                key: 'cur',
                label: '目前使用',
                children: SOURCE_LABEL[shown.data.preview.current],
                span: 2,
              },
            ]}
          />
          <Alert
            style={{ margin: '12px 0' }}
            type={shown.data.preview.changes.length ? 'warning' : 'success'}
            showIcon
            title={
              shown.data.preview.changes.length
                ? `與目前資料相比，有 ${shown.data.preview.changes.length} 天不同`
                : '與目前資料完全相同'
            }
          />
          {shown.data.preview.changes.length ? (
            <Table
              size="small"
              rowKey="date"
              aria-label="匯入差異"
              dataSource={shown.data.preview.changes}
              pagination={shown.data.preview.changes.length > 8 ? { pageSize: 8, size: 'small' } : false}
              columns={[
                { title: '日期', dataIndex: 'date', width: 150, render: (d: string) => longDate(d) },
                {
                  title: '差異',
                  dataIndex: 'change',
                  width: 100,
                  render: (c: Preview['changes'][number]['change']) => (
                    <Tag color={CHANGE_LABEL[c].color}>{CHANGE_LABEL[c].label}</Tag>
                  ),
                },
                { title: '目前', key: 'before', render: (_, r) => govLabel(r.before) },
                { title: '匯入後', key: 'after', render: (_, r) => <Text strong>{govLabel(r.after)}</Text> },
              ]}
            />
          ) : null}
          <div style={{ marginTop: 12 }}>
            <ImpactView impact={shown.data.impact} zone={zone} />
          </div>
          <Flex gap={8} justify="flex-end" style={{ marginTop: 12 }}>
            <Button
              onClick={() => {
                setFile(null);
                preview.reset();
              }}
            >
              取消
            </Button>
            <Button type="primary" loading={apply.isPending} onClick={() => apply.mutate(file)}>
              套用
            </Button>
          </Flex>
        </div>
      ) : null}
    </Card>
  );
}
