// Help for 帳號安全 (a staff member's own two-factor login) and 設定 › 登入安全 (the clinic's
// policy), in zh-TW.
import { Typography } from 'antd';
import { ul } from './parts.tsx';

const { Paragraph, Text } = Typography;

export const SECURITY_HELP = {
  accountSecurity: {
    title: '帳號安全（兩步驟驗證）',
    summary: '用手機的驗證 App 保護您的帳號：登入時除了密碼，還要輸入 App 上每 30 秒更新的 6 位數字。',
    body: (
      <>
        <Paragraph>
          啟用兩步驟驗證後，就算密碼外洩，沒有您的手機也無法登入。可以使用任何支援「時間型驗證碼（TOTP）」的 App，例如
          Google Authenticator、Microsoft Authenticator、1Password。
        </Paragraph>
        {ul([
          '設定：按「開始設定」，用 App 掃描 QR code（或手動輸入金鑰），再輸入 App 顯示的 6 位數字即可啟用。',
          '復原碼：啟用時會產生 10 組復原碼，只顯示一次。手機遺失或無法使用 App 時，登入畫面選「改用復原碼」輸入一組；每組只能用一次。剩下不多時請重新產生（舊的會全部失效）。',
          '換手機：先在這裡停用（需要目前的驗證碼或一組復原碼），再用新手機重新設定。診所要求兩步驟驗證時無法停用，請管理者到 設定 › 登入安全 幫您重設，下次登入時再設定。',
          '驗證碼連續輸入錯誤 5 次，帳號的兩步驟驗證會暫停 15 分鐘。',
          '每次啟用、停用、使用復原碼與輸入錯誤都會記錄在稽核紀錄。',
        ])}
      </>
    ),
  },
  loginSecurity: {
    title: '登入安全',
    summary: '要求診所所有人員使用兩步驟驗證，查看每位人員是否已設定，並替遺失手機的人員重設。',
    adminOnly: true,
    body: (
      <>
        <Paragraph>
          開啟「要求所有人員使用兩步驟驗證」後，尚未設定的人員在<Text strong>下次登入</Text>
          時，輸入密碼後會先被引導用驗證 App 完成設定才能進入後台；已登入的人員不受影響，直到登出或工作階段到期。
        </Paragraph>
        {ul([
          '人員列表顯示每個人是否已啟用兩步驟驗證。',
          '重設：人員手機遺失、也沒有復原碼時，按「重設」清除他的兩步驟驗證。請先以電話或當面確認是本人。重設後他下次登入時重新設定（診所要求時），或直接以密碼登入（未要求時）。',
          '開啟要求後，人員無法自行停用兩步驟驗證。',
          '每次修改設定與重設都會記錄在稽核紀錄。',
        ])}
      </>
    ),
  },
};
