import {
  ApiOutlined,
  AuditOutlined,
  BellOutlined,
  CalendarOutlined,
  ClockCircleOutlined,
  EnvironmentOutlined,
  PhoneOutlined,
  QuestionCircleOutlined,
  RightOutlined,
  ShopOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Card, Col, Flex, Row, Skeleton, Statistic, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { dayjs, WEEKDAY_LABELS } from '../format.ts';
import { useApiKeys, useClinic, useJobs, useStaffList } from '../queries.ts';
import { isAdmin, useUser } from '../session.tsx';
import { sessionName } from '../components/BusinessHoursEditor.tsx';

function greeting(): string {
  const h = dayjs().hour();
  if (h < 11) return '早安';
  if (h < 18) return '午安';
  return '晚安';
}

function StatCard({
  title,
  value,
  loading,
  icon,
  to,
  suffix,
  hint,
  danger,
}: {
  title: string;
  value?: number;
  loading: boolean;
  icon: ReactNode;
  to: string;
  suffix?: string;
  hint: string;
  danger?: boolean;
}) {
  return (
    <Link to={to} style={{ display: 'block' }}>
      <Card hoverable styles={{ body: { padding: 20 } }}>
        <Flex justify="space-between" align="flex-start">
          <Statistic
            title={title}
            value={loading ? '—' : (value ?? 0)}
            suffix={suffix}
            styles={{ content: { fontWeight: 600, color: danger && value ? '#cf1322' : undefined } }}
          />
          <span
            style={{
              fontSize: 22,
              color: danger && value ? '#cf1322' : '#06a94d',
              background: danger && value ? '#fff1f0' : '#e9f7ef',
              borderRadius: 10,
              padding: 8,
              lineHeight: 0,
            }}
          >
            {icon}
          </span>
        </Flex>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {hint}
        </Typography.Text>
      </Card>
    </Link>
  );
}

const QUICK_LINKS: { to: string; icon: ReactNode; title: string; text: string; admin?: boolean }[] = [
  { to: '/settings/clinic', icon: <ShopOutlined />, title: '診所資料', text: '名稱、電話、地址與門診時段' },
  { to: '/settings/staff', icon: <TeamOutlined />, title: '邀請人員', text: '為櫃台、醫師建立帳號', admin: true },
  {
    to: '/settings/api-keys',
    icon: <ApiOutlined />,
    title: 'HIS 串接',
    text: '建立 API 金鑰，讓 HIS 同步預約',
    admin: true,
  },
  { to: '/settings/audit', icon: <AuditOutlined />, title: '稽核紀錄', text: '誰在何時看過或改過資料', admin: true },
  { to: '/appointments', icon: <CalendarOutlined />, title: '預約', text: '由 HIS 同步的預約與行事曆' },
  { to: '/reminders', icon: <BellOutlined />, title: '提醒', text: '看診前自動發送 LINE 提醒' },
  { to: '/patients', icon: <UserOutlined />, title: '病患', text: 'LINE 好友與病患名單' },
  { to: '/help', icon: <QuestionCircleOutlined />, title: '說明中心', text: '角色權限、邀請人員與常見問題' },
];

function TodayHours() {
  const clinic = useClinic();
  if (clinic.isLoading) return <Skeleton active paragraph={{ rows: 3 }} />;
  if (!clinic.data) return <Typography.Text type="secondary">無法載入診所資料</Typography.Text>;
  const c = clinic.data;
  const wd = dayjs().day();
  const today = c.businessHours.filter((h) => h.weekday === wd).sort((a, b) => a.open.localeCompare(b.open));
  return (
    <Flex vertical gap={12}>
      <div>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          今天 {dayjs().format('M 月 D 日')}（{WEEKDAY_LABELS[wd]}）門診時段
        </Typography.Text>
        <Flex gap={8} wrap style={{ marginTop: 6 }}>
          {today.length ? (
            today.map((h) => (
              <Tag key={h.open} color="green" style={{ fontSize: 13, padding: '2px 10px' }}>
                {sessionName(h.open)} {h.open}–{h.close}
              </Tag>
            ))
          ) : (
            <Tag>今日休診</Tag>
          )}
        </Flex>
      </div>
      <Flex vertical gap={6} style={{ color: 'rgba(0,0,0,0.65)' }}>
        <span>
          <PhoneOutlined style={{ marginInlineEnd: 8 }} />
          {c.phone || '尚未填寫電話'}
        </span>
        <span>
          <EnvironmentOutlined style={{ marginInlineEnd: 8 }} />
          {c.address || '尚未填寫地址'}
        </span>
        <span>
          <ClockCircleOutlined style={{ marginInlineEnd: 8 }} />
          時區 {c.timeZone}
        </span>
      </Flex>
    </Flex>
  );
}

export function HomePage() {
  const user = useUser();
  const admin = isAdmin(user);
  const staff = useStaffList(admin);
  const apiKeys = useApiKeys(admin);
  const jobs = useJobs(undefined, admin);
  const activeStaff = staff.data?.filter((s) => s.status === 'active').length;
  const invited = staff.data?.filter((s) => s.status === 'invited').length ?? 0;
  const liveKeys = apiKeys.data?.filter((k) => !k.revokedAt).length;
  const dead = jobs.data?.counts.dead ?? 0;

  return (
    <>
      <PageHeader
        title={`${greeting()}，${user.name}`}
        subtitle={`歡迎使用 ${user.clinicName ?? ''} 的 Careline 後台。從左側選單進入各項功能，或使用下方的快速入口。`}
        help={<HelpDrawer topic="roles" />}
      />
      {admin ? (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          <Col xs={24} md={8}>
            <StatCard
              title="啟用中的人員"
              value={activeStaff}
              suffix="位"
              loading={staff.isLoading}
              icon={<TeamOutlined />}
              to="/settings/staff"
              hint={invited ? `另有 ${invited} 位已邀請、尚未設定密碼` : '管理人員帳號與角色'}
            />
          </Col>
          <Col xs={24} md={8}>
            <StatCard
              title="有效的 API 金鑰"
              value={liveKeys}
              suffix="把"
              loading={apiKeys.isLoading}
              icon={<ApiOutlined />}
              to="/settings/api-keys"
              hint={liveKeys ? 'HIS 以這些金鑰同步資料' : '尚未建立金鑰，HIS 還無法串接'}
            />
          </Col>
          <Col xs={24} md={8}>
            <StatCard
              title="需處理的背景工作"
              value={dead}
              suffix="筆"
              loading={jobs.isLoading}
              icon={<ThunderboltOutlined />}
              to="/settings/jobs"
              danger
              hint={dead ? '有工作重試多次仍失敗，請查看原因' : '所有背景工作運作正常'}
            />
          </Col>
        </Row>
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Card title="快速入口">
            <Row gutter={[12, 12]}>
              {QUICK_LINKS.filter((q) => admin || !q.admin).map((q) => (
                <Col xs={24} sm={12} key={q.to}>
                  <Link to={q.to} className="quick-link">
                    <Flex
                      align="center"
                      gap={14}
                      style={{ padding: '12px 14px', border: '1px solid #edf0ee', borderRadius: 10 }}
                    >
                      <span
                        style={{
                          fontSize: 20,
                          color: '#06a94d',
                          background: '#e9f7ef',
                          borderRadius: 10,
                          padding: 9,
                          lineHeight: 0,
                        }}
                      >
                        {q.icon}
                      </span>
                      <div style={{ flex: 1, minWidth: 0 }}>
                        <div style={{ fontWeight: 600, color: 'rgba(0,0,0,0.88)' }}>{q.title}</div>
                        <div style={{ fontSize: 13, color: 'rgba(0,0,0,0.5)' }}>{q.text}</div>
                      </div>
                      <RightOutlined style={{ color: 'rgba(0,0,0,0.25)', fontSize: 12 }} />
                    </Flex>
                  </Link>
                </Col>
              ))}
            </Row>
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card title={user.clinicName ?? '診所'} extra={<Link to="/settings/clinic">{admin ? '編輯' : '檢視'}</Link>}>
            <TodayHours />
          </Card>
        </Col>
      </Row>
    </>
  );
}
