// Help for 設定 › 資料匯出 (the clinic's full data export), in zh-TW.
import { Typography } from 'antd';
import { ul } from './parts.tsx';

const { Paragraph, Text } = Typography;

export const DATA_EXPORT_HELP = {
  dataExport: {
    title: '資料匯出',
    summary: '隨時把診所的全部資料下載成一個 ZIP 檔（CSV、JSON Lines 與 FHIR），以及哪些內容不會匯出。',
    adminOnly: true,
    body: (
      <>
        <Paragraph>
          診所的資料屬於診所。管理者可以隨時按「匯出全部資料」，系統在背景把本診所的所有資料整理成一個 ZIP
          檔；頁面會顯示進度（資料表 → FHIR 資源 → 壓縮），可以先離開，完成後回來按「下載」。
        </Paragraph>
        {ul([
          <>
            <Text strong>tables/</Text>：每個資料表一份 CSV（UTF-8，Excel 可直接開啟）與一份 JSON Lines
            （.jsonl，一行一筆，給工程師或其他系統使用）。時間為 UTC 的 ISO 8601 格式。
          </>,
          <>
            <Text strong>fhir/</Text>：FHIR R4 NDJSON，包含病患（Patient）、醫師（Practitioner）、診所
            （Organization）、預約（Appointment）、已完成的看診（Encounter）、LINE 訊息（Communication）與問卷回覆
            （QuestionnaireResponse）。身分證字號、居留證號、病歷號依衛福部 TW Core IG
            的識別碼系統填寫，電話為聯絡方式。
          </>,
          <>
            <Text strong>README.txt</Text> 與 <Text strong>manifest.json</Text>
            ：每個資料表的筆數，以及未匯出的內容與原因。
          </>,
        ])}
        <Paragraph strong>不會匯出的內容</Paragraph>
        {ul([
          '密碼雜湊、邀請連結、登入工作階段、二階段驗證與手機綁定的驗證碼。',
          'HIS 串接金鑰、LINE 官方帳號的 Channel secret 與 access token、簡訊商密碼、Webhook 簽章密鑰、行事曆訂閱網址的權杖、Google 帳號授權。',
          '系統內部的工作佇列與次數限制，以及全國通用的政府辦公日曆。',
        ])}
        <Paragraph strong>安全</Paragraph>
        {ul([
          '只有管理者可以匯出與下載。下載連結只限申請的管理者本人使用，5 分鐘內有效；過期請回到這一頁再按一次「下載」。',
          '檔案保存 24 小時後自動刪除，紀錄保留。每次匯出與下載都記錄在「稽核紀錄」。',
          '檔案含病患的身分證字號（明碼）與聯絡方式，請存放在安全的地方，不要用 LINE 或電子郵件傳送。',
          '同一時間只能有一份匯出在進行。',
        ])}
        <Paragraph strong>搬到另一套 Careline</Paragraph>
        <Paragraph>
          這個 ZIP 檔可以由系統管理者匯入一套新的 Careline（資料與編號完整保留）。匯入後請重新設定 LINE 官方帳號、 HIS
          金鑰、Webhook 與行事曆訂閱，並請同仁以「忘記密碼」重設密碼。
        </Paragraph>
      </>
    ),
  },
};
