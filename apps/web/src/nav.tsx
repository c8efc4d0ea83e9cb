// The back-office navigation. Every later feature plugs in here: one entry (path, label,
// icon, roles) and one route in App.tsx. Entries with `roles` are hidden from other roles.
import {
  ApiOutlined,
  AppstoreOutlined,
  InboxOutlined,
  RobotOutlined,
  WechatOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  BellOutlined,
  CalendarOutlined,
  ScheduleOutlined,
  CustomerServiceOutlined,
  HeartOutlined,
  HomeOutlined,
  MessageOutlined,
  QuestionCircleOutlined,
  SettingOutlined,
  ShopOutlined,
  SmileOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  UserOutlined,
  TagsOutlined,
  SyncOutlined,
  MergeCellsOutlined,
  UploadOutlined,
  UnorderedListOutlined,
  OrderedListOutlined,
  FileTextOutlined,
  CarryOutOutlined,
  HistoryOutlined,
  DashboardOutlined,
  ReadOutlined,
  ExperimentOutlined,
  AlertOutlined,
  FundOutlined,
  FlagOutlined,
  NodeIndexOutlined,
  BookOutlined,
  UserDeleteOutlined,
  NotificationOutlined,
  LineChartOutlined,
  FormOutlined,
  StarOutlined,
  ControlOutlined,
  FieldTimeOutlined,
  SolutionOutlined,
  HourglassOutlined,
  NumberOutlined,
  StopOutlined,
  PieChartOutlined,
  DollarOutlined,
  FilePdfOutlined,
  ExportOutlined,
  SafetyOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { Role } from './roles.ts';

export type NavItem = { path: string; label: string; icon?: ReactNode; roles?: readonly Role[]; children?: NavItem[] };

export const CLINIC_ROLES: readonly Role[] = ['admin', 'front_desk', 'doctor', 'viewer'];
export const ADMIN: readonly Role[] = ['admin'];

export const CLINIC_NAV: NavItem[] = [
  { path: '/', label: '首頁', icon: <HomeOutlined aria-hidden /> },
  { path: '/appointments', label: '預約', icon: <CalendarOutlined aria-hidden /> },
  { path: '/calendar', label: '行事曆', icon: <ScheduleOutlined aria-hidden /> },
  {
    path: '/booking',
    label: '線上預約',
    icon: <FieldTimeOutlined aria-hidden />,
    children: [
      { path: '/booking/requests', label: '預約申請', icon: <SolutionOutlined aria-hidden /> },
      { path: '/booking/waitlist', label: '候補名單', icon: <HourglassOutlined aria-hidden /> },
      { path: '/booking/queue', label: '看診進度', icon: <NumberOutlined aria-hidden /> },
      { path: '/booking/rules', label: '預約規則', icon: <ControlOutlined aria-hidden />, roles: ADMIN },
      { path: '/booking/no-show-policy', label: '未到診規則', icon: <StopOutlined aria-hidden />, roles: ADMIN },
    ],
  },
  {
    path: '/reminders',
    label: '提醒',
    icon: <BellOutlined aria-hidden />,
    children: [
      { path: '/reminders/rules', label: '提醒規則', icon: <OrderedListOutlined aria-hidden /> },
      { path: '/reminders/templates', label: '訊息範本', icon: <FileTextOutlined aria-hidden /> },
      { path: '/reminders/calendar', label: '工作日曆', icon: <CarryOutOutlined aria-hidden /> },
      { path: '/reminders/log', label: '發送紀錄', icon: <HistoryOutlined aria-hidden /> },
      { path: '/reminders/quota', label: '額度與費用', icon: <DashboardOutlined aria-hidden /> },
    ],
  },
  {
    path: '/patients',
    label: '病患',
    icon: <UserOutlined aria-hidden />,
    children: [
      { path: '/patients/list', label: '病患名單', icon: <UnorderedListOutlined aria-hidden /> },
      { path: '/patients/segments', label: '標籤與分眾', icon: <TagsOutlined aria-hidden /> },
      { path: '/patients/recall', label: '回診提醒', icon: <SyncOutlined aria-hidden /> },
      {
        path: '/patients/merge',
        label: '整併重複',
        icon: <MergeCellsOutlined aria-hidden />,
        roles: ['admin', 'front_desk'],
      },
      { path: '/patients/import', label: '匯入', icon: <UploadOutlined aria-hidden />, roles: ['admin', 'front_desk'] },
    ],
  },
  {
    path: '/messages',
    label: '訊息',
    icon: <MessageOutlined aria-hidden />,
    children: [
      { path: '/messages/inbox', label: '收件匣', icon: <InboxOutlined aria-hidden /> },
      { path: '/messages/broadcasts', label: '群發', icon: <NotificationOutlined aria-hidden /> },
      {
        path: '/messages/auto-replies',
        label: '罐頭訊息與關鍵字',
        icon: <RobotOutlined aria-hidden />,
        roles: ['admin', 'front_desk'],
      },
    ],
  },
  {
    path: '/care',
    label: '衛教追蹤',
    icon: <HeartOutlined aria-hidden />,
    children: [
      { path: '/care/follow-ups', label: '待追蹤', icon: <FlagOutlined aria-hidden /> },
      { path: '/care/plans', label: '照護計畫', icon: <NodeIndexOutlined aria-hidden /> },
      { path: '/care/library', label: '衛教文章', icon: <BookOutlined aria-hidden /> },
      { path: '/care/no-show', label: '未到診關懷', icon: <UserDeleteOutlined aria-hidden /> },
    ],
  },
  {
    path: '/satisfaction',
    label: '滿意度',
    icon: <SmileOutlined aria-hidden />,
    children: [
      { path: '/satisfaction/overview', label: '滿意度總覽', icon: <LineChartOutlined aria-hidden /> },
      { path: '/satisfaction/questionnaires', label: '問卷', icon: <FormOutlined aria-hidden /> },
      { path: '/satisfaction/reviews', label: 'Google 評論', icon: <StarOutlined aria-hidden /> },
      { path: '/satisfaction/settings', label: '調查設定', icon: <ControlOutlined aria-hidden />, roles: ADMIN },
    ],
  },
  {
    path: '/support',
    label: '客服',
    icon: <CustomerServiceOutlined aria-hidden />,
    children: [
      { path: '/support/faq', label: '常見問題', icon: <ReadOutlined aria-hidden /> },
      { path: '/support/trainer', label: '機器人訓練', icon: <ExperimentOutlined aria-hidden /> },
      { path: '/support/cases', label: '客訴與意見', icon: <AlertOutlined aria-hidden /> },
      { path: '/support/stats', label: '客服成效', icon: <FundOutlined aria-hidden /> },
    ],
  },
  {
    path: '/reports',
    label: '報表',
    icon: <BarChartOutlined aria-hidden />,
    children: [
      { path: '/reports/dashboard', label: 'KPI 儀表板', icon: <PieChartOutlined aria-hidden /> },
      { path: '/reports/value', label: 'Careline 效益', icon: <DollarOutlined aria-hidden /> },
      { path: '/reports/monthly', label: '月報', icon: <FilePdfOutlined aria-hidden /> },
    ],
  },
  {
    path: '/settings',
    label: '設定',
    icon: <SettingOutlined aria-hidden />,
    children: [
      { path: '/settings/clinic', label: '診所資料', icon: <ShopOutlined aria-hidden /> },
      { path: '/settings/staff', label: '人員管理', icon: <TeamOutlined aria-hidden />, roles: ADMIN },
      { path: '/settings/calendar-feeds', label: '行事曆訂閱', icon: <ScheduleOutlined aria-hidden />, roles: ADMIN },
      { path: '/settings/line', label: 'LINE 官方帳號', icon: <WechatOutlined aria-hidden />, roles: ADMIN },
      { path: '/settings/rich-menu', label: '圖文選單', icon: <AppstoreOutlined aria-hidden />, roles: ADMIN },
      { path: '/settings/api-keys', label: 'HIS 串接', icon: <ApiOutlined aria-hidden />, roles: ADMIN },
      { path: '/settings/export', label: '資料匯出', icon: <ExportOutlined aria-hidden />, roles: ADMIN },
      { path: '/settings/security', label: '登入安全', icon: <SafetyOutlined aria-hidden />, roles: ADMIN },
      { path: '/settings/jobs', label: '背景工作', icon: <ThunderboltOutlined aria-hidden />, roles: ADMIN },
      { path: '/settings/audit', label: '稽核紀錄', icon: <AuditOutlined aria-hidden />, roles: ADMIN },
    ],
  },
  { path: '/help', label: '說明', icon: <QuestionCircleOutlined aria-hidden /> },
];

export const PLATFORM_NAV: NavItem[] = [
  {
    path: '/platform',
    label: '平台營運',
    icon: <BankOutlined aria-hidden />,
    children: [{ path: '/platform/clinics', label: '診所列表', icon: <ShopOutlined aria-hidden /> }],
  },
];

/** Filter a navigation tree for a role (parents without visible children disappear). */
export function navFor(items: NavItem[], role: Role): NavItem[] {
  const out: NavItem[] = [];
  for (const it of items) {
    if (it.roles && !it.roles.includes(role)) continue;
    if (it.children) {
      const children = navFor(it.children, role);
      if (children.length) out.push({ ...it, children });
    } else out.push(it);
  }
  return out;
}
