// 行事曆: day / week / month per doctor or all doctors, coloured by the visit light (the reply
// before the visit, what happened after it, as everywhere in the front desk); a click
// opens the appointment. A doctor sees their own calendar by default (staff ↔ doctor link, or
// the same name); a doctor login that is neither opens on all doctors with a hint to have an
// admin link it. Columns are the HIS's doctors only, never the signed-in login.
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Flex, Segmented, Select, Skeleton, Space, Tooltip, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, errorMessage } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { AppointmentDrawer } from '../frontdesk/AppointmentDrawer.tsx';
import {
  fdKeys,
  OUTCOME_META,
  REPLY_META,
  useDoctors,
  useFdSettings,
  visitDot,
  VISIT_ORDER,
  type ScheduleItem,
} from '../frontdesk/data.tsx';
import { dayjs } from '../format.ts';

type View = 'day' | 'week' | 'month';
const START_HOUR = 8;
const END_HOUR = 22;
const HOUR_PX = 72;
const WD = '日一二三四五六';

const REPLY_TINT: Record<string, string> = {
  confirmed: '#e9f7ef',
  awaiting_reply: '#fff8e1',
  cancel_requested: '#fff1f0',
  reschedule_requested: '#e7f1ff',
  not_sent: '#f4f5f7',
};

function colorOf(e: ScheduleItem) {
  if (e.status === 'cancelled') return { bg: '#f5f5f5', border: '#d9d9d9', fg: 'rgba(0,0,0,0.4)' };
  const code = e.visit.code;
  return {
    bg: REPLY_TINT[code] ?? OUTCOME_META[code]?.tint ?? '#f4f5f7',
    border: visitDot(code),
    fg: 'rgba(0,0,0,0.85)',
  };
}

function rangeOf(view: View, d: Dayjs): { from: Dayjs; to: Dayjs } {
  if (view === 'day') return { from: d, to: d };
  if (view === 'week') {
    const mon = d.subtract((d.day() + 6) % 7, 'day');
    return { from: mon, to: mon.add(6, 'day') };
  }
  const first = d.startOf('month');
  const gridStart = first.subtract((first.day() + 6) % 7, 'day');
  return { from: gridStart, to: gridStart.add(41, 'day') };
}

function EventBlock({
  e,
  onOpen,
  showDoctor,
  compact,
}: {
  e: ScheduleItem;
  onOpen: (id: string) => void;
  showDoctor: boolean;
  compact?: boolean;
}) {
  const c = colorOf(e);
  const t = dayjs(e.startsAt);
  return (
    <Tooltip
      title={[`${t.format('HH:mm')} ${e.patientName}`, e.visitType, e.doctorName, e.visit.label]
        .filter(Boolean)
        .join('・')}
    >
      <button
        type="button"
        onClick={() => onOpen(e.id)}
        style={{
          width: '100%',
          height: '100%',
          textAlign: 'left',
          border: 'none',
          borderInlineStart: `3px solid ${c.border}`,
          background: c.bg,
          color: c.fg,
          borderRadius: 4,
          padding: compact ? '0 4px' : '2px 6px',
          fontSize: 12,
          lineHeight: 1.35,
          overflow: 'hidden',
          cursor: 'pointer',
          textDecoration: e.status === 'cancelled' ? 'line-through' : undefined,
        }}
      >
        <span style={{ fontVariantNumeric: 'tabular-nums', opacity: 0.7 }}>{t.format('HH:mm')}</span>{' '}
        <strong style={{ fontWeight: 600 }}>{e.patientName}</strong>
        {compact && showDoctor ? <span style={{ opacity: 0.55 }}>・{e.doctorName.slice(0, 1)}醫師</span> : null}
        {!compact ? (
          <div style={{ opacity: 0.7, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
            {[e.visitType, showDoctor ? e.doctorName : null].filter(Boolean).join('・')}
          </div>
        ) : null}
      </button>
    </Tooltip>
  );
}

/** Columns (doctors for a day, days for a week) × hours, events positioned by their time. */
function TimeGrid({
  columns,
  events,
  colOf,
  onOpen,
  showDoctor,
}: {
  columns: { key: string; label: string; sub?: string; today?: boolean }[];
  events: ScheduleItem[];
  colOf: (e: ScheduleItem) => string;
  onOpen: (id: string) => void;
  showDoctor: boolean;
}) {
  // Office hours, widened to every visit of the range: one booked at 07:30 or 22:15 is shown too.
  const from = Math.min(START_HOUR, ...events.map((e) => dayjs(e.startsAt).hour()));
  const to = Math.max(
    END_HOUR,
    ...events.map((e) => {
      const end = dayjs(e.startsAt).add(e.durationMinutes ?? 15, 'minute');
      return end.isSame(dayjs(e.startsAt), 'day') ? end.hour() + (end.minute() ? 1 : 0) : 24;
    }),
  );
  const hours = Array.from({ length: to - from }, (_, i) => from + i);
  const byCol = new Map<string, ScheduleItem[]>();
  for (const e of events) byCol.set(colOf(e), [...(byCol.get(colOf(e)) ?? []), e]);
  // On opening a day or week: today scrolls to an hour before now, another range to its first visit.
  const scroller = useRef<HTMLDivElement>(null);
  const range = columns.map((c) => c.key).join();
  const scrolledFor = useRef('');
  useEffect(() => {
    if (!scroller.current || scrolledFor.current === range) return;
    const now = dayjs();
    const first = events.map((e) => dayjs(e.startsAt)).sort((a, b) => a.valueOf() - b.valueOf())[0];
    const at = columns.some((c) => c.today) ? now.subtract(1, 'hour') : first;
    if (!at && events.length === 0) return;
    scrolledFor.current = range;
    const minutes = at ? (at.hour() - from) * 60 + at.minute() - 30 : 0;
    scroller.current.scrollTop = Math.max(0, minutes * (HOUR_PX / 60));
  }, [range, events, columns, from]);
  return (
    <div
      ref={scroller}
      style={{
        overflow: 'auto',
        maxHeight: 'calc(100vh - 300px)',
        minHeight: 420,
        border: '1px solid #f0f0f0',
        borderRadius: 8,
      }}
    >
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: `56px repeat(${columns.length}, minmax(120px, 1fr))`,
          position: 'relative',
        }}
      >
        <div style={{ position: 'sticky', top: 0, zIndex: 3, background: '#fff', borderBottom: '1px solid #f0f0f0' }} />
        {columns.map((c) => (
          <div
            key={c.key}
            className="cal-column-head"
            style={{
              position: 'sticky',
              top: 0,
              zIndex: 3,
              background: c.today ? '#f0faf4' : '#fff',
              borderBottom: '1px solid #f0f0f0',
              borderInlineStart: '1px solid #f5f5f5',
              padding: '8px 8px',
              textAlign: 'center',
            }}
          >
            <div style={{ fontWeight: 600, color: c.today ? '#06a94d' : undefined }}>{c.label}</div>
            {c.sub ? <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{c.sub}</div> : null}
          </div>
        ))}
        <div>
          {hours.map((h) => (
            <div
              key={h}
              style={{
                height: HOUR_PX,
                fontSize: 11,
                color: 'rgba(0,0,0,0.45)',
                textAlign: 'right',
                paddingInlineEnd: 6,
                transform: 'translateY(-7px)',
              }}
            >
              {String(h).padStart(2, '0')}:00
            </div>
          ))}
        </div>
        {columns.map((c) => {
          const list = (byCol.get(c.key) ?? []).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
          // Overlapping visits share the column side by side.
          const lanes: ScheduleItem[][] = [];
          const laneOf = new Map<string, number>();
          for (const e of list) {
            const s = dayjs(e.startsAt).valueOf();
            let i = lanes.findIndex(
              (l) =>
                dayjs(l[l.length - 1].startsAt)
                  .add(l[l.length - 1].durationMinutes ?? 15, 'minute')
                  .valueOf() <= s,
            );
            if (i < 0) {
              lanes.push([]);
              i = lanes.length - 1;
            }
            lanes[i].push(e);
            laneOf.set(e.id, i);
          }
          return (
            <div
              key={c.key}
              style={{
                position: 'relative',
                borderInlineStart: '1px solid #f5f5f5',
                background: c.today ? '#fbfefc' : undefined,
                backgroundImage:
                  'repeating-linear-gradient(to bottom, #f0f0f0 0, #f0f0f0 1px, ' +
                  `transparent 1px, transparent ${HOUR_PX}px)`,
              }}
            >
              {list.map((e) => {
                const t = dayjs(e.startsAt);
                const top = ((t.hour() - from) * 60 + t.minute()) * (HOUR_PX / 60);
                const height = Math.max(20, (e.durationMinutes ?? 15) * (HOUR_PX / 60) - 2);
                const n = lanes.length || 1;
                const lane = laneOf.get(e.id) ?? 0;
                return (
                  <div
                    key={e.id}
                    style={{
                      position: 'absolute',
                      top,
                      height,
                      left: `calc(${(lane / n) * 100}% + 2px)`,
                      width: `calc(${100 / n}% - 4px)`,
                    }}
                  >
                    <EventBlock e={e} onOpen={onOpen} showDoctor={showDoctor} compact={height < 34} />
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** A week of all doctors: per day and hour, one line per visit (time-positioned blocks would not fit). */
function WeekList({
  days,
  events,
  onOpen,
}: {
  days: { key: string; label: string; sub?: string; today?: boolean }[];
  events: ScheduleItem[];
  onOpen: (id: string) => void;
}) {
  const byCell = new Map<string, ScheduleItem[]>();
  for (const e of events) {
    const t = dayjs(e.startsAt);
    const k = `${t.format('YYYY-MM-DD')}|${t.hour()}`;
    byCell.set(k, [...(byCell.get(k) ?? []), e]);
  }
  const used = events.map((e) => dayjs(e.startsAt).hour());
  const from = Math.min(START_HOUR, ...used);
  const to = Math.max(END_HOUR - 1, ...used);
  // The lunch hour only when it has visits.
  const hours = Array.from({ length: to - from + 1 }, (_, i) => from + i).filter((h) => h !== 13 || used.includes(h));
  return (
    <div
      style={{
        overflow: 'auto',
        maxHeight: 'calc(100vh - 300px)',
        minHeight: 420,
        border: '1px solid #f0f0f0',
        borderRadius: 8,
      }}
    >
      <div style={{ display: 'grid', gridTemplateColumns: `56px repeat(${days.length}, minmax(130px, 1fr))` }}>
        <div style={{ position: 'sticky', top: 0, zIndex: 2, background: '#fff', borderBottom: '1px solid #f0f0f0' }} />
        {days.map((c) => (
          <div
            key={c.key}
            style={{
              position: 'sticky',
              top: 0,
              zIndex: 2,
              background: c.today ? '#f0faf4' : '#fff',
              borderBottom: '1px solid #f0f0f0',
              borderInlineStart: '1px solid #f5f5f5',
              padding: 8,
              textAlign: 'center',
            }}
          >
            <div style={{ fontWeight: 600, color: c.today ? '#06a94d' : undefined }}>{c.label}</div>
            {c.sub ? <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{c.sub}</div> : null}
          </div>
        ))}
        {hours.map((h) => (
          <div key={h} style={{ display: 'contents' }}>
            <div
              style={{
                fontSize: 11,
                color: 'rgba(0,0,0,0.45)',
                textAlign: 'right',
                padding: '6px 6px 0 0',
                borderTop: '1px solid #f0f0f0',
              }}
            >
              {String(h).padStart(2, '0')}:00
            </div>
            {days.map((c) => {
              const list = (byCell.get(`${c.key}|${h}`) ?? []).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
              return (
                <div
                  key={c.key}
                  style={{
                    borderTop: '1px solid #f0f0f0',
                    borderInlineStart: '1px solid #f5f5f5',
                    padding: 3,
                    minHeight: 34,
                    background: c.today ? '#fbfefc' : undefined,
                    display: 'flex',
                    flexDirection: 'column',
                    gap: 2,
                  }}
                >
                  {list.map((e) => (
                    <div key={e.id} style={{ height: 22 }}>
                      <EventBlock e={e} onOpen={onOpen} showDoctor compact />
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

function MonthGrid({
  start,
  month,
  events,
  onDay,
}: {
  start: Dayjs;
  month: number;
  events: ScheduleItem[];
  onDay: (d: Dayjs) => void;
}) {
  const byDay = new Map<string, ScheduleItem[]>();
  for (const e of events) {
    const k = dayjs(e.startsAt).format('YYYY-MM-DD');
    byDay.set(k, [...(byDay.get(k) ?? []), e]);
  }
  const today = dayjs().format('YYYY-MM-DD');
  return (
    <div
      style={{
        display: 'grid',
        gridTemplateColumns: 'repeat(7, 1fr)',
        border: '1px solid #f0f0f0',
        borderRadius: 8,
        overflow: 'hidden',
      }}
    >
      {['一', '二', '三', '四', '五', '六', '日'].map((w) => (
        <div
          key={w}
          style={{
            padding: '6px 10px',
            background: '#f7f9f8',
            fontSize: 12,
            color: 'rgba(0,0,0,0.55)',
            borderBottom: '1px solid #f0f0f0',
          }}
        >
          週{w}
        </div>
      ))}
      {Array.from({ length: 42 }, (_, i) => {
        const d = start.add(i, 'day');
        const k = d.format('YYYY-MM-DD');
        const list = (byDay.get(k) ?? []).filter((e) => e.status !== 'cancelled');
        const count = (code: string) => list.filter((e) => e.visit.code === code).length;
        const labelOf = (code: string) => list.find((e) => e.visit.code === code)?.visit.label ?? code;
        return (
          <button
            type="button"
            key={k}
            onClick={() => onDay(d)}
            aria-label={`${d.format('M月D日')} ${list.length} 筆預約`}
            style={{
              minHeight: 96,
              textAlign: 'left',
              padding: '6px 10px',
              border: 'none',
              borderTop: i >= 7 ? '1px solid #f0f0f0' : undefined,
              borderInlineStart: i % 7 ? '1px solid #f0f0f0' : undefined,
              background: k === today ? '#f0faf4' : '#fff',
              opacity: d.month() === month ? 1 : 0.45,
              cursor: 'pointer',
            }}
          >
            <div style={{ fontWeight: k === today ? 700 : 500, color: k === today ? '#06a94d' : undefined }}>
              {d.date()}
            </div>
            {list.length ? (
              <>
                <div style={{ fontSize: 13, marginTop: 4 }}>{list.length} 位</div>
                <Flex gap={4} wrap style={{ marginTop: 4 }}>
                  {VISIT_ORDER.map((code) =>
                    count(code) ? (
                      <span
                        key={code}
                        style={{
                          fontSize: 11,
                          padding: '0 6px',
                          borderRadius: 8,
                          background: visitDot(code),
                          color: '#fff',
                        }}
                      >
                        {labelOf(code)} {count(code)}
                      </span>
                    ) : null,
                  )}
                </Flex>
              </>
            ) : null}
          </button>
        );
      })}
    </div>
  );
}

export function CalendarPage() {
  const [params, setParams] = useSearchParams();
  const doctors = useDoctors();
  const roc = useFdSettings().data?.rocDates ?? false;
  const [openId, setOpenId] = useState<string | null>(null);
  const date = params.get('date') ? dayjs(params.get('date')) : dayjs();
  // The doctor filter: the URL, else the signed-in doctor's own calendar, else all doctors.
  const doctorParam = params.get('doctor');
  const doctorId = doctorParam === 'all' ? undefined : (doctorParam ?? doctors.data?.myDoctorId ?? undefined);
  // One doctor: the week; all doctors: the day (a column per doctor).
  const view = (params.get('view') as View) || (doctorId ? 'week' : 'day');
  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };
  const r = rangeOf(view, date);
  const q = { fromDate: r.from.format('YYYY-MM-DD'), toDate: r.to.format('YYYY-MM-DD'), doctorId };
  const sched = useQuery({
    queryKey: fdKeys.schedule(q),
    queryFn: () => api.get('/api/schedule', { params: { query: q } }),
    enabled: !doctors.isLoading,
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const events = sched.data?.items ?? [];
  const step = view === 'day' ? 'day' : view === 'week' ? 'week' : 'month';
  const yearLabel = (d: Dayjs) => (roc ? `民國 ${d.year() - 1911} 年` : `${d.year()} 年`);
  const title =
    view === 'day'
      ? `${yearLabel(date)} ${date.format('M 月 D 日')}（${WD[date.day()]}）`
      : view === 'week'
        ? `${yearLabel(r.from)} ${r.from.format('M/D')} – ${r.to.format('M/D')}`
        : `${yearLabel(date)} ${date.month() + 1} 月`;

  const columns = useMemo(() => {
    if (view === 'day') {
      const docs = doctorId
        ? (doctors.data?.items ?? []).filter((d) => d.id === doctorId)
        : (doctors.data?.items ?? []).filter((d) => d.active);
      return docs.map((d) => ({
        key: d.id,
        label: d.name,
        sub: `${events.filter((e) => e.doctorId === d.id && e.status !== 'cancelled').length} 位`,
      }));
    }
    return Array.from({ length: 7 }, (_, i) => {
      const d = r.from.add(i, 'day');
      return {
        key: d.format('YYYY-MM-DD'),
        label: `${d.format('M/D')}（${WD[d.day()]}）`,
        sub: `${events.filter((e) => dayjs(e.startsAt).isSame(d, 'day') && e.status !== 'cancelled').length} 位`,
        today: d.isSame(dayjs(), 'day'),
      };
    });
  }, [view, doctorId, doctors.data, events, r.from]);

  const me = doctors.data?.myDoctorId ? doctors.data.items.find((d) => d.id === doctors.data?.myDoctorId) : undefined;
  return (
    <>
      <PageHeader
        title="行事曆"
        subtitle={
          me && doctorId === me.id
            ? `目前顯示您（${me.name} 醫師）的門診。可切換其他醫師或全部醫師。`
            : '各醫師的門診預約；顏色代表病患的回覆，看診時間過後則是實際結果。點一下開啟明細。'
        }
        help={<HelpDrawer topic="calendar" />}
      />
      {doctors.data?.unlinkedDoctorLogin ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title="您的帳號還沒有對應到 HIS 的醫師，所以先顯示全部醫師的門診"
          description={
            '請管理者到「設定 → 行事曆訂閱 → 醫師帳號對應」把您的帳號連結到您在 HIS 的醫師資料，' +
            '之後行事曆會直接開在您自己的門診。'
          }
        />
      ) : null}
      <Card styles={{ body: { padding: 16 } }}>
        <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
          <Space size={8}>
            <Button onClick={() => set({ date: undefined })}>今天</Button>
            <Button
              icon={<LeftOutlined />}
              aria-label="上一段"
              onClick={() => set({ date: date.subtract(1, step).format('YYYY-MM-DD') })}
            />
            <Button
              icon={<RightOutlined />}
              aria-label="下一段"
              onClick={() => set({ date: date.add(1, step).format('YYYY-MM-DD') })}
            />
            <Typography.Title level={4} style={{ margin: '0 0 0 8px' }}>
              {title}
            </Typography.Title>
          </Space>
          <Space size={12} wrap>
            <Select
              aria-label="醫師"
              value={doctorId ?? 'all'}
              onChange={(v) => set({ doctor: v })}
              style={{ width: 180 }}
              options={[
                { value: 'all', label: '全部醫師' },
                ...(doctors.data?.items ?? []).map((d) => ({
                  value: d.id,
                  label: `${d.name}${d.id === doctors.data?.myDoctorId ? '（我）' : ''}`,
                })),
              ]}
            />
            <Segmented
              value={view}
              onChange={(v) => set({ view: String(v) })}
              options={[
                { label: '日', value: 'day' },
                { label: '週', value: 'week' },
                { label: '月', value: 'month' },
              ]}
            />
          </Space>
        </Flex>
        <Flex gap={14} wrap style={{ marginBottom: 12, fontSize: 12, color: 'rgba(0,0,0,0.6)' }}>
          {[...Object.entries(REPLY_META), ...Object.entries(OUTCOME_META)].map(([k, m]) => (
            <Flex key={k} align="center" gap={6}>
              <span style={{ width: 10, height: 10, borderRadius: 2, background: m.dot, display: 'inline-block' }} />
              {m.label}
            </Flex>
          ))}
          <Flex align="center" gap={6}>
            <span style={{ textDecoration: 'line-through' }}>王小明</span>已取消
          </Flex>
          {sched.isFetching ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              更新中…
            </Typography.Text>
          ) : null}
        </Flex>
        {sched.error ? (
          <Alert type="error" showIcon title="行事曆載入失敗" description={errorMessage(sched.error)} />
        ) : null}
        {sched.data?.truncated ? (
          <Alert
            type="warning"
            showIcon
            title="這段期間預約太多，只顯示前 5,000 筆；請改用週或日檢視，或選擇一位醫師。"
            style={{ marginBottom: 12 }}
          />
        ) : null}
        {sched.isLoading || doctors.isLoading ? (
          <Skeleton active paragraph={{ rows: 12 }} />
        ) : view === 'month' ? (
          <MonthGrid
            start={r.from}
            month={date.month()}
            events={events}
            onDay={(d) => set({ view: 'day', date: d.format('YYYY-MM-DD') })}
          />
        ) : columns.length === 0 ? (
          <Empty description="還沒有醫師資料。HIS 串接並同步醫師後，行事曆就會出現。" />
        ) : (
          <>
            {!events.length ? (
              <Alert
                type="info"
                showIcon
                title={view === 'day' ? '這一天沒有預約' : '這一週沒有預約'}
                style={{ marginBottom: 12 }}
              />
            ) : null}
            {view === 'week' && !doctorId ? (
              <WeekList days={columns} events={events} onOpen={setOpenId} />
            ) : (
              <TimeGrid
                columns={columns}
                events={events}
                colOf={(e) => (view === 'day' ? e.doctorId : dayjs(e.startsAt).format('YYYY-MM-DD'))}
                onOpen={setOpenId}
                showDoctor={!doctorId}
              />
            )}
          </>
        )}
      </Card>
      <AppointmentDrawer id={openId} onClose={() => setOpenId(null)} />
    </>
  );
}
