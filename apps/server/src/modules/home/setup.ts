// First-use setup (開始使用): the steps a new clinic takes before Careline writes to its patients,
// each checked from the state of the module it belongs to — nothing is ticked by hand, so the
// list cannot say "done" while a step is not. Shown on the home page to admins until all are done.
import type { Deps } from '../../platform/deps.ts';
import { apiKeyService } from '../api-keys/service.ts';
import { initialSyncOf } from '../his/sync.ts';
import { lineService } from '../line/service.ts';
import { loadSettings, rulesSaved } from '../reminders/service.ts';
import { richMenuService } from '../rich-menus/service.ts';
import { smsService } from '../sms/service.ts';
import { staffService } from '../staff/service.ts';

export type SetupStep = {
  key: 'line' | 'rich_menus' | 'his' | 'reminder_rules' | 'sms' | 'staff';
  label: string;
  done: boolean;
  /** What the check found, in words for the admin (what is missing, or what is in place). */
  detail: string;
  /** The back-office page where the step is taken. */
  link: string;
};

export async function setupChecklist(deps: Deps, clinicId: string) {
  const [channel, unboundMenu, boundMenu, keys, sync, saved, settings, sms, staff] = await Promise.all([
    lineService(deps).getChannel(clinicId),
    richMenuService(deps).publishedId(clinicId, 'unbound'),
    richMenuService(deps).publishedId(clinicId, 'bound'),
    apiKeyService(deps).list(clinicId),
    initialSyncOf(deps.db, clinicId, deps.clock.now()),
    rulesSaved(deps.db, clinicId),
    loadSettings(deps.db, clinicId),
    smsService(deps).getSettings(clinicId),
    staffService(deps).list(clinicId),
  ]);

  const test = channel?.lastTest ?? null;
  const line: SetupStep = {
    key: 'line',
    label: '連接 LINE 官方帳號與 Webhook',
    link: '/settings/line',
    done: Boolean(test?.ok && test.webhook?.ok),
    detail: !channel
      ? '填入 LINE Developers 的 Channel ID、Channel secret 與 Channel access token'
      : !test
        ? '已填入資料，請按「測試連線」確認 LINE 與 Webhook'
        : !test.ok
          ? test.message
          : !test.webhook
            ? '請再按一次「測試連線」，一併檢查 Webhook'
            : test.webhook.ok
              ? `已連線：${channel.botName ?? channel.channelId}；${test.webhook.message}`
              : test.webhook.message,
  };

  const menus = [unboundMenu, boundMenu].filter(Boolean).length;
  const richMenus: SetupStep = {
    key: 'rich_menus',
    label: '發布圖文選單（未綁定、已綁定）',
    link: '/settings/rich-menu',
    done: menus === 2,
    detail:
      menus === 2
        ? '兩份圖文選單都已發布到 LINE'
        : menus === 1
          ? `已發布「${unboundMenu ? '未綁定' : '已綁定'}」選單，還差「${unboundMenu ? '已綁定' : '未綁定'}」`
          : '病人加入好友後看到的選單：先發布「未綁定」與「已綁定」兩份',
  };

  const liveKeys = keys.filter((k) => !k.sandbox && !k.revokedAt);
  const his: SetupStep = {
    key: 'his',
    label: '建立 HIS 金鑰並完成第一次同步',
    link: '/settings/api-keys',
    done: liveKeys.length > 0 && sync.state !== 'not_started',
    detail: !liveKeys.length
      ? '建立一把 HIS 金鑰交給 HIS 廠商（沙盒金鑰不算）'
      : sync.state === 'not_started'
        ? '金鑰已建立，等待 HIS 第一次傳入病患與預約'
        : sync.state === 'active'
          ? 'HIS 已開始傳入資料（首次同步進行中，期間不發「預約成功通知」）'
          : 'HIS 已連線，首次同步已結束',
  };

  const enabled = settings.rules.filter((r) => r.enabled).length;
  const rules: SetupStep = {
    key: 'reminder_rules',
    label: '確認提醒規則',
    link: '/reminders/rules',
    done: Boolean(saved) && enabled > 0,
    detail: !enabled
      ? '目前沒有啟用中的提醒規則'
      : saved
        ? `${enabled} 條規則啟用中，最後由 ${saved.by} 儲存`
        : `出廠的 ${enabled} 條規則尚未確認：看過發送時間與安靜時段後，按「確認使用這些規則」或修改後儲存`,
  };

  const smsStep: SetupStep = {
    key: 'sms',
    label: '選擇簡訊服務商',
    link: '/settings/line',
    done: sms.updatedAt !== null,
    detail:
      sms.updatedAt === null
        ? '綁定驗證碼與未加 LINE 病人的提醒需要簡訊：選擇服務商（或使用 Careline 預設）後儲存'
        : `使用${sms.provider === 'default' ? ' Careline 預設' : '診所自己的'}簡訊帳號` +
          (sms.reminderFallback ? '，LINE 送不到時改發簡訊' : ''),
  };

  const others = staff.length - 1;
  const team: SetupStep = {
    key: 'staff',
    label: '邀請診所人員',
    link: '/settings/staff',
    done: others > 0,
    detail: others > 0 ? `已有 ${others} 位其他人員（含邀請中）` : '邀請櫃台、醫師等同仁，各自用自己的帳號登入',
  };

  const steps = [line, richMenus, his, rules, smsStep, team];
  return { steps, done: steps.filter((s) => s.done).length, total: steps.length };
}
