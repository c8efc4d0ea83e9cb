// 首頁 for the clinic: today at a glance (counters one click from their list, appointments by
// hour × doctor coloured by replies, what needs handling), the KPI strip, live updates (SSE).
import {
  CalendarOutlined,
  CheckCircleOutlined,
  ClockCircleOutlined,
  ExclamationCircleOutlined,
  InfoCircleOutlined,
  MessageOutlined,
  PhoneOutlined,
  StopOutlined,
  SwapOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Badge,
  Card,
  Col,
  Empty,
  Flex,
  List,
  Row,
  Segmented,
  Skeleton,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { PhoneReveal } from '../components/PhoneReveal.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { AppointmentDrawer } from '../frontdesk/AppointmentDrawer.tsx';
import { LineTag, ReplyTag, useKpis, useToday, type Kpi, type Today, type TodayItem } from '../frontdesk/data.tsx';
import { useUnansweredLine } from './messages/inbox-data.ts';
import { dayjs, WEEKDAY_LABELS } from '../format.ts';
import { hasRole, useUser } from '../session.tsx';
import { SetupChecklist } from './SetupChecklist.tsx';

function greeting(): string {
  const h = dayjs().hour();
  if (h < 11) return '早安';
  if (h < 18) return '午安';
  return '晚安';
}

function Counter({
  title,
  value,
  icon,
  color,
  bg,
  to,
  hint,
  loading,
  hintDanger,
}: {
  title: string;
  value?: number;
  icon: ReactNode;
  color: string;
  bg: string;
  to: string;
  hint: string;
  loading: boolean;
  /** The hint in red (e.g. overdue items). */
  hintDanger?: boolean;
}) {
  return (
    <Link to={to} style={{ display: 'block', height: '100%' }} aria-label={`${title} ${value ?? ''}`}>
      <Card hoverable style={{ height: '100%' }} styles={{ body: { padding: '16px 18px' } }}>
        <Flex justify="space-between" align="flex-start">
          <div>
            <div style={{ color: 'rgba(0,0,0,0.55)', fontSize: 13 }}>{title}</div>
            <div
              style={{
                fontSize: 30,
                fontWeight: 600,
                lineHeight: 1.25,
                marginTop: 4,
                color: value ? color : 'rgba(0,0,0,0.85)',
                fontVariantNumeric: 'tabular-nums',
              }}
            >
              {loading ? '—' : (value ?? 0)}
            </div>
          </div>
          <span style={{ fontSize: 18, color, background: bg, borderRadius: 10, padding: 8, lineHeight: 0 }}>
            {icon}
          </span>
        </Flex>
        <div
          style={{
            fontSize: 12,
            color: hintDanger ? '#cf1322' : 'rgba(0,0,0,0.45)',
            fontWeight: hintDanger ? 600 : undefined,
            marginTop: 6,
          }}
        >
          {hint}
        </div>
      </Card>
    </Link>
  );
}

function KpiStrip() {
  const [period, setPeriod] = useState<'today' | 'month'>('today');
  const k = useKpis(period);
  const pct = (x: Kpi) =>
    x.value === null ? '—' : `${(x.value * 100).toFixed(x.value >= 0.995 || x.value === 0 ? 0 : 1)}%`;
  const order = ['bindingRate', 'deliveryRate', 'confirmationRate', 'cancelRate', 'noShowRate'] as const;
  return (
    <Card
      title={
        <Flex align="center" gap={8}>
          營運指標
          <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 400 }}>
            滑鼠移到數字上可看計算方式
          </Typography.Text>
        </Flex>
      }
      extra={
        <Segmented
          size="small"
          value={period}
          onChange={(v) => setPeriod(v as 'today' | 'month')}
          options={[
            { label: '今天', value: 'today' },
            { label: '本月', value: 'month' },
          ]}
        />
      }
      styles={{ body: { padding: '12px 8px' } }}
    >
      {k.error ? <Alert type="warning" showIcon title={`指標暫時無法計算：${errorMessage(k.error)}`} /> : null}
      <Row>
        {order.map((key, i) => {
          const x = k.data?.kpis[key];
          return (
            <Col
              key={key}
              flex="1 1 0"
              style={{ padding: '4px 16px', borderInlineStart: i ? '1px solid #f0f0f0' : undefined }}
            >
              {!x ? (
                <Skeleton active paragraph={false} title={{ width: '80%' }} />
              ) : (
                <Tooltip
                  title={
                    <div>
                      <div style={{ marginBottom: 4 }}>{x.definition}</div>
                      <div style={{ opacity: 0.8 }}>
                        {x.numerator} ／ {x.denominator}
                      </div>
                    </div>
                  }
                >
                  <div style={{ cursor: 'help' }} tabIndex={0} aria-label={`${x.label} ${pct(x)}：${x.definition}`}>
                    <div style={{ fontSize: 13, color: 'rgba(0,0,0,0.55)' }}>
                      {x.label} <InfoCircleOutlined style={{ fontSize: 11, color: 'rgba(0,0,0,0.3)' }} />
                    </div>
                    <div style={{ fontSize: 22, fontWeight: 600, fontVariantNumeric: 'tabular-nums' }}>{pct(x)}</div>
                    <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.4)' }}>
                      {x.denominator ? `${x.numerator} / ${x.denominator}` : '尚無資料'}
                    </div>
                  </div>
                </Tooltip>
              )}
            </Col>
          );
        })}
      </Row>
    </Card>
  );
}

const cellColor = (c: { total: number; confirmed: number; awaiting: number; requests: number }) =>
  c.requests
    ? { bg: '#fff1f0', border: '#ffa39e', fg: '#cf1322' }
    : c.awaiting
      ? { bg: '#fffbe6', border: '#ffe58f', fg: '#ad6800' }
      : c.confirmed === c.total
        ? { bg: '#e9f7ef', border: '#95d5b2', fg: '#237a45' }
        : { bg: '#f5f5f5', border: '#e5e5e5', fg: 'rgba(0,0,0,0.65)' };

function HourGrid({ data }: { data: Today }) {
  const navigate = useNavigate();
  if (!data.doctors.length) return <Empty description="今天沒有預約。HIS 同步預約後會自動顯示在這裡。" />;
  const cell = new Map(data.cells.map((c) => [`${c.doctorId}|${c.hour}`, c]));
  return (
    <div style={{ overflowX: 'auto' }}>
      <table
        style={{ borderCollapse: 'separate', borderSpacing: 4, width: '100%' }}
        aria-label="今日各時段各醫師預約數"
      >
        <thead>
          <tr>
            <th style={{ textAlign: 'left', fontWeight: 500, color: 'rgba(0,0,0,0.45)', fontSize: 12, width: 96 }}>
              醫師
            </th>
            {data.hours.map((h) => (
              <th key={h} style={{ fontWeight: 500, color: 'rgba(0,0,0,0.45)', fontSize: 12, minWidth: 40 }}>
                {String(h).padStart(2, '0')}:00
              </th>
            ))}
            <th style={{ fontWeight: 500, color: 'rgba(0,0,0,0.45)', fontSize: 12, width: 48, whiteSpace: 'nowrap' }}>
              合計
            </th>
          </tr>
        </thead>
        <tbody>
          {data.doctors.map((d) => (
            <tr key={d.doctorId}>
              <td style={{ fontWeight: 500, whiteSpace: 'nowrap' }}>{d.name}</td>
              {data.hours.map((h) => {
                const c = cell.get(`${d.doctorId}|${h}`);
                if (!c) return <td key={h} style={{ height: 34, background: '#fafafa', borderRadius: 6 }} />;
                const col = cellColor(c);
                return (
                  <td key={h}>
                    <Tooltip
                      title={
                        `${d.name} ${h}:00–${h + 1}:00：${c.total} 位` +
                        `（確認 ${c.confirmed}、尚未回覆 ${c.awaiting}、尚未提醒 ${c.notSent}` +
                        `${c.requests ? `、取消改期 ${c.requests}` : ''}）`
                      }
                    >
                      <button
                        type="button"
                        onClick={() => navigate(`/calendar?view=day&doctor=${d.doctorId}`)}
                        style={{
                          width: '100%',
                          height: 34,
                          border: `1px solid ${col.border}`,
                          background: col.bg,
                          color: col.fg,
                          borderRadius: 6,
                          fontWeight: 600,
                          cursor: 'pointer',
                          fontVariantNumeric: 'tabular-nums',
                        }}
                      >
                        {c.total}
                      </button>
                    </Tooltip>
                  </td>
                );
              })}
              <td style={{ textAlign: 'center', fontWeight: 600, fontVariantNumeric: 'tabular-nums' }}>{d.total}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Flex gap={16} style={{ marginTop: 10, fontSize: 12, color: 'rgba(0,0,0,0.55)' }} wrap>
        {[
          ['#95d5b2', '#e9f7ef', '全部確認'],
          ['#ffe58f', '#fffbe6', '有人尚未回覆'],
          ['#ffa39e', '#fff1f0', '有取消／改期申請'],
          ['#e5e5e5', '#f5f5f5', '尚未提醒'],
        ].map(([b, bg, l]) => (
          <Flex key={l} align="center" gap={6}>
            <span
              style={{
                width: 12,
                height: 12,
                borderRadius: 3,
                border: `1px solid ${b}`,
                background: bg,
                display: 'inline-block',
              }}
            />
            {l}
          </Flex>
        ))}
      </Flex>
    </div>
  );
}

function PeopleList({
  items,
  empty,
  onOpen,
  extra,
}: {
  items: TodayItem[];
  empty: string;
  onOpen: (id: string) => void;
  extra?: (i: TodayItem) => ReactNode;
}) {
  if (!items.length)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} style={{ margin: '24px 0' }} />;
  return (
    <List
      size="small"
      dataSource={items}
      style={{ maxHeight: 360, overflow: 'auto' }}
      renderItem={(i) => (
        <List.Item
          onClick={() => onOpen(i.id)}
          style={{ cursor: 'pointer', paddingInline: 4 }}
          actions={[<ReplyTag key="r" code={i.reply} />]}
        >
          <List.Item.Meta
            title={
              <Flex gap={8} align="center">
                <span style={{ fontVariantNumeric: 'tabular-nums', color: 'rgba(0,0,0,0.55)' }}>
                  {dayjs(i.startsAt).format('MM/DD HH:mm')}
                </span>
                <span>{i.patientName}</span>
                {i.line === 'blocked' ? <LineTag code="blocked" /> : null}
              </Flex>
            }
            description={
              <span style={{ fontSize: 12 }}>
                {i.doctorName}
                {i.visitType ? `・${i.visitType}` : ''}
                {i.phoneMasked ? (
                  <>
                    ・<PhoneReveal compact patientId={i.patientRef} masked={i.phoneMasked} />
                  </>
                ) : null}
                {extra ? <>　{extra(i)}</> : null}
              </span>
            }
          />
        </List.Item>
      )}
    />
  );
}

export function FrontDeskHome() {
  const user = useUser();
  const today = useToday();
  const [openId, setOpenId] = useState<string | null>(null);
  const d = today.data;
  const c = d?.counts;
  const day = dayjs();
  const todayLink = (extra: string) => `/appointments?preset=today${extra}`;
  const unansweredLine = useUnansweredLine();

  return (
    <>
      <PageHeader
        title={`${greeting()}，${user.name}`}
        subtitle={
          <span>
            {user.clinicName ?? ''}　{day.format('M 月 D 日')}（{WEEKDAY_LABELS[day.day()]}）今日門診一覽　
            <Badge
              status={today.isError ? 'error' : 'processing'}
              text={
                <span style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>
                  {today.isError
                    ? '連線中斷，稍後自動重試'
                    : `即時更新・${d ? dayjs(d.generatedAt).format('HH:mm:ss') : '—'}`}
                </span>
              }
            />
          </span>
        }
        extra={
          <Link to="/calendar">
            <Tag icon={<CalendarOutlined />} color="green" style={{ padding: '4px 10px', fontSize: 13 }}>
              開啟行事曆
            </Tag>
          </Link>
        }
        help={<HelpDrawer topic="home" />}
      />
      {hasRole(user, ['admin']) ? <SetupChecklist /> : null}
      {today.error && !d ? (
        <Alert
          type="error"
          showIcon
          title="今日總覽載入失敗"
          description={errorMessage(today.error)}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col flex="1 1 0">
          <Counter
            title="今日預約"
            value={c?.total}
            loading={!c}
            icon={<ClockCircleOutlined />}
            color="#1677c8"
            bg="#e6f4ff"
            to={todayLink('')}
            hint={c ? `已報到／看診 ${c.checkedIn}・已取消 ${c.cancelled}` : ' '}
          />
        </Col>
        <Col flex="1 1 0">
          <Counter
            title="已確認"
            value={c?.confirmed}
            loading={!c}
            icon={<CheckCircleOutlined />}
            color="#2f9e44"
            bg="#e9f7ef"
            to={todayLink('&reply=confirmed')}
            hint="病患已在 LINE 確認赴約"
          />
        </Col>
        <Col flex="1 1 0">
          <Counter
            title="尚未回覆"
            value={c?.awaitingReply}
            loading={!c}
            icon={<ExclamationCircleOutlined />}
            color="#d48806"
            bg="#fffbe6"
            to={todayLink('&reply=awaiting_reply')}
            hint="建議開診前電話確認"
          />
        </Col>
        <Col flex="1 1 0">
          <Counter
            title="取消改期申請"
            value={c?.openRequests}
            loading={!c}
            icon={<SwapOutlined />}
            color="#cf1322"
            bg="#fff1f0"
            to="/appointments?preset=custom&openTasks=true"
            hint="病患從 LINE 送出、待處理"
          />
        </Col>
        <Col flex="1 1 0">
          <Counter
            title="封鎖且今日有約"
            value={c?.blockedToday}
            loading={!c}
            icon={<StopOutlined />}
            color="#262626"
            bg="#f0f0f0"
            to={todayLink('&line=blocked')}
            hint="收不到提醒，請改打電話"
          />
        </Col>
        <Col flex="1 1 0">
          <Counter
            title="發送失敗"
            value={c?.failedMessages}
            loading={!c}
            icon={<WarningOutlined />}
            color="#cf1322"
            bg="#fff1f0"
            to="/appointments?preset=custom&failed=true"
            hint="今天起的預約提醒未送達，請致電"
          />
        </Col>
        <Col flex="1 1 0">
          <Counter
            title="LINE 訊息待回覆"
            value={unansweredLine.data?.unanswered}
            loading={!unansweredLine.data}
            icon={<MessageOutlined />}
            color="#06a94d"
            bg="#e8f8ee"
            to="/messages/inbox?f=waiting"
            hint="機器人答不出來或要找真人的對話"
          />
        </Col>
        <Col flex="1 1 0">
          <Counter
            title="待追蹤"
            value={c?.followUps}
            loading={!c}
            icon={<PhoneOutlined />}
            color="#c41d7f"
            bg="#fff0f6"
            to={c?.followUpsOverdue ? '/care/follow-ups?overdue=1' : '/care/follow-ups'}
            hint={c?.followUpsOverdue ? `${c.followUpsOverdue} 件已逾時，請盡快聯絡` : '照護回覆與未到診回電'}
            hintDanger={!!c?.followUpsOverdue}
          />
        </Col>
      </Row>
      <div style={{ marginBottom: 16 }}>
        <KpiStrip />
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card title="今日時段 × 醫師" extra={<Link to="/appointments?preset=today">看完整清單</Link>}>
            {d ? <HourGrid data={d} /> : <Skeleton active paragraph={{ rows: 6 }} />}
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title="待處理" styles={{ body: { paddingTop: 0 } }}>
            {!d ? (
              <Skeleton active paragraph={{ rows: 6 }} />
            ) : (
              <Tabs
                size="small"
                defaultActiveKey={d.requests.length ? 'requests' : 'awaiting'}
                items={[
                  {
                    key: 'requests',
                    label: (
                      <Badge count={d.counts.openRequests} size="small" offset={[8, -2]}>
                        取消改期
                      </Badge>
                    ),
                    children: (
                      <PeopleList
                        items={d.requests}
                        onOpen={setOpenId}
                        empty="沒有待處理的取消或改期申請"
                        extra={(i) => {
                          const r = d.requests.find((x) => x.id === i.id);
                          return r ? (
                            <Tag color={r.kind === 'cancel_request' ? 'red' : 'blue'} style={{ fontSize: 11 }}>
                              {r.kind === 'cancel_request' ? '申請取消' : '申請改期'}
                              {r.reason ? `：${r.reason}` : ''}
                            </Tag>
                          ) : null;
                        }}
                      />
                    ),
                  },
                  {
                    key: 'awaiting',
                    label: (
                      <Badge count={d.counts.awaitingReply} size="small" offset={[8, -2]} color="#faad14">
                        尚未回覆
                      </Badge>
                    ),
                    children: <PeopleList items={d.awaiting} onOpen={setOpenId} empty="今天的病患都回覆了" />,
                  },
                  {
                    key: 'blocked',
                    label: `封鎖 ${d.counts.blockedToday}`,
                    children: <PeopleList items={d.blocked} onOpen={setOpenId} empty="今天沒有封鎖診所 LINE 的病患" />,
                  },
                  {
                    key: 'failed',
                    label: `發送失敗 ${d.counts.failedMessages}`,
                    children: (
                      <PeopleList
                        items={d.failed}
                        onOpen={setOpenId}
                        empty="沒有發送失敗的提醒"
                        extra={(i) => {
                          const f = d.failed.find((x) => x.id === i.id);
                          return f?.error ? (
                            <Typography.Text type="danger" style={{ fontSize: 12 }}>
                              {f.error}
                            </Typography.Text>
                          ) : null;
                        }}
                      />
                    ),
                  },
                ]}
              />
            )}
          </Card>
        </Col>
      </Row>
      <AppointmentDrawer id={openId} onClose={() => setOpenId(null)} />
    </>
  );
}
