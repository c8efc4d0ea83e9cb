import type { Schema } from './api.ts';

export type Role = Schema<'SessionUser'>['role'];
export type StaffRole = Schema<'StaffMember'>['role'];
type StaffStatus = Schema<'StaffMember'>['status'];

export const ROLE_OPTIONS: { value: StaffRole; label: string; description: string }[] = [
  { value: 'admin', label: '管理者', description: '可使用所有功能，包含人員、設定與稽核紀錄' },
  { value: 'front_desk', label: '櫃台人員', description: '預約、提醒、病患、訊息與客服等日常工作' },
  { value: 'doctor', label: '醫師', description: '檢視自己的門診與病患必要資訊' },
  { value: 'viewer', label: '唯讀', description: '只能檢視，不能新增或修改' },
];

export const ROLE_COLORS: Record<string, string> = {
  admin: 'gold',
  front_desk: 'green',
  doctor: 'blue',
  viewer: 'default',
  platform_operator: 'purple',
};

export const STATUS_META: Record<StaffStatus, { label: string; color: string }> = {
  active: { label: '啟用中', color: 'success' },
  invited: { label: '已邀請', color: 'processing' },
  disabled: { label: '已停用', color: 'default' },
};
