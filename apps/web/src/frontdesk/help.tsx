// Help for the front-desk pages: what each page shows and how to act, in zh-TW.
import { Typography } from 'antd';
import type { ReactNode } from 'react';

const { Paragraph, Text } = Typography;
const ul = (items: ReactNode[]) => (
  <ul style={{ paddingInlineStart: 20, margin: '4px 0 12px' }}>
    {items.map((it, i) => (
      <li key={i} style={{ marginBottom: 4 }}>
        {it}
      </li>
    ))}
  </ul>
);

export const HELP: Record<
  'home' | 'appointments' | 'calendar' | 'feeds' | 'webhook',
  { title: string; body: ReactNode }
> = {
  home: {
    title: '首頁：今天的門診一覽',
    body: (
      <>
        <Paragraph>
          首頁顯示<Text strong>今天</Text>（診所時區）的預約狀況，資料會自動即時更新，不需要重新整理。
        </Paragraph>
        {ul([
          <>
            <Text strong>開始使用（管理者）</Text>
            ：新診所上線前的六個步驟——連接 LINE 官方帳號與 Webhook、發布圖文選單、建立 HIS 金鑰並完成第一次同步、
            確認提醒規則、選擇簡訊服務商、邀請人員。每一步都由系統依目前的設定自動判斷，並寫出還缺什麼；按「前往設定」到該頁完成。
            全部完成後這張卡片就不再出現。
          </>,
          <>
            <Text strong>上方的數字卡</Text>
            ：點一下就會打開對應的預約清單，例如「尚未回覆」會列出今天還沒回覆提醒的病患。
          </>,
          <>
            <Text strong>時段 × 醫師</Text>
            ：每一格是該醫師在該小時的預約數；綠色代表都已確認，黃色代表有人尚未回覆，紅色代表有取消或改期申請。點格子可看該時段的預約。
          </>,
          <>
            <Text strong>待處理</Text>：病患從 LINE 送出的取消／改期申請、提醒發送失敗、封鎖診所 LINE
            但今天有約的病患。處理完請在預約明細按「標記已處理」。
          </>,
          <>
            <Text strong>電話</Text>
            ：號碼先以遮罩顯示（0912-***-678）；櫃台與管理者按「顯示」可看完整號碼並直接點號碼撥打，
            每次顯示都會記錄在稽核紀錄。醫師與唯讀帳號只看得到遮罩後的號碼。
          </>,
          <>
            <Text strong>指標</Text>：滑鼠移到每個指標上可看到它的計算方式（分子／分母）。
          </>,
        ])}
        <Paragraph type="secondary">
          建議每天開診前先處理「取消改期申請」，再打電話給「尚未回覆」與「封鎖且今日有約」的病患。
        </Paragraph>
      </>
    ),
  },
  appointments: {
    title: '預約清單',
    body: (
      <>
        <Paragraph>這裡是 HIS 同步過來的所有預約。預約的新增、改期、取消仍在 HIS 操作，Careline 會即時同步。</Paragraph>
        {ul([
          <>
            日期可選<Text strong>今天、明天、本週</Text>或自訂區間；可再依醫師、門診類別、預約狀態、病患回覆與 LINE
            狀態篩選。
          </>,
          <>
            搜尋框可輸入<Text strong>姓名</Text>（部分即可）、<Text strong>電話</Text>（任何格式，或只打末 3–4 碼）或
            <Text strong>病歷號</Text>
            。搜尋時會查所有日期：今天與之後的預約排在前面（近的先），再來是過去的看診（新的先）。
          </>,
          <>點欄位標題可排序；常用的條件組合可用「常用篩選」儲存，下次一鍵套用。</>,
          <>
            鍵盤操作：按 <Text keyboard>/</Text> 搜尋、<Text keyboard>↑</Text>
            <Text keyboard>↓</Text> 移動、<Text keyboard>Enter</Text> 開啟明細。
          </>,
        ])}
        <Paragraph>
          病患回覆燈號：<Text style={{ color: '#2f9e44' }}>確認赴約</Text>、
          <Text style={{ color: '#d48806' }}>尚未回覆</Text>、<Text style={{ color: '#e03131' }}>取消</Text>／
          <Text style={{ color: '#1971c2' }}>改期</Text>（病患提出申請，需要櫃台處理）、
          <Text type="secondary">尚未提醒</Text>；LINE「被封鎖」代表病患封鎖了診所帳號，收不到提醒，請改以電話聯絡。
        </Paragraph>
        <Paragraph>
          明細的<Text strong>歷程</Text>逐筆寫出改了什麼、從什麼改成什麼、由誰改的，例如「看診時間：5/4（一）09:30 →
          5/6（三）14:00（HIS）」、「回覆：尚未回覆 → 確認赴約（病患於 LINE 確認）」。
        </Paragraph>
        <Paragraph type="secondary">
          在明細中可以標記已處理、傳 LINE
          訊息給病患、重送提醒、記下備註，櫃台與管理者也可以按電話旁的「顯示」看完整號碼並撥打；
          每一次查看與顯示電話都會留下稽核紀錄。
        </Paragraph>
      </>
    ),
  },
  calendar: {
    title: '行事曆',
    body: (
      <>
        <Paragraph>
          以日、週、月檢視每位醫師（或全部醫師）的預約。看診前，顏色代表病患的回覆：綠色確認赴約、黃色尚未回覆、紅色取消、藍色改期、灰色尚未提醒；看診時間過後，改為實際結果：已報到、已看診、未到診，或
          HIS 沒有報到紀錄的「未報到」。已取消的預約以刪除線顯示。
        </Paragraph>
        {ul([
          '點任何一筆預約即可開啟明細處理。',
          '醫師登入時預設只顯示自己的門診（依人員與醫師的連結，或姓名相同）；可以切換為其他醫師或全部醫師。',
          '醫師帳號若還沒有對應到 HIS 的醫師，會先顯示全部醫師並提示；請管理者到「設定 → 行事曆訂閱 → 醫師帳號對應」連結。',
          '想在手機的 Google 日曆看到門診？請管理者到「設定 → 行事曆訂閱」複製訂閱網址。',
        ])}
      </>
    ),
  },
  feeds: {
    title: '行事曆訂閱（Google 日曆）',
    body: (
      <>
        <Paragraph>
          每位醫師與「全部醫師」各有一個<Text strong>秘密訂閱網址</Text>，加到 Google 日曆、iPhone 行事曆或 Outlook
          後，預約會自動出現並持續更新（日曆程式約數小時更新一次）。
        </Paragraph>
        <Paragraph strong>加入 Google 日曆</Paragraph>
        {ul([
          '在電腦開啟 Google 日曆，左側「其他日曆」旁按「＋」。',
          '選「透過網址新增」，貼上這裡複製的網址，按「新增日曆」。',
          '手機上的 Google 日曆會自動同步同一個帳號的日曆。',
        ])}
        <Paragraph>
          網址本身就是鑰匙：知道網址的人都能看到預約。若網址外流（例如離職人員），請按「更換網址」，舊網址會立即失效，再把新網址加到日曆。
        </Paragraph>
        <Paragraph>開啟「只顯示姓名縮寫」後，日曆上的病患姓名會顯示為「王○明」，不含電話與身分證字號。</Paragraph>
      </>
    ),
  },
  webhook: {
    title: 'HIS 串接：Webhook',
    body: (
      <>
        <Paragraph>
          病患在 LINE 確認、取消或改期時，Careline 會立刻以 Webhook 通知 HIS，HIS 就能即時更新燈號。
        </Paragraph>
        {ul([
          '填入 HIS 接收通知的網址（正式環境需為 https）。簽章密鑰只在設定或重新產生時顯示一次，請交給 HIS 廠商驗證簽章。',
          '傳送紀錄列出每一次通知的結果、HIS 回應碼與耗時；失敗的會自動重試，也可以按「重新傳送」。',
          '「傳送測試事件」可以確認 HIS 端是否能正確收到並驗證簽章。',
        ])}
      </>
    ),
  },
};
