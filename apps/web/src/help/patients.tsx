// Help for the patient pages (list, tags and segments, recall, merge, import and export), in
// zh-TW. Shown in each page's "?" drawer and in the help centre.
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

export const PATIENT_HELP = {
  patients: {
    title: '病患名單',
    summary: '找病患、看病患資料與家人、加標籤、匯出名單。',
    body: (
      <>
        <Paragraph>
          每位病患一列：HIS 的病患與 LINE 好友合在一起，已綁定 LINE 的好友顯示在病患列，尚未綁定的好友在「未綁定的 LINE
          好友」分頁。
        </Paragraph>
        {ul([
          <>
            搜尋框會自動判斷：中文姓名可只打兩個字（例如「小明」）、單一個字會找姓氏；<Text strong>電話</Text>
            可打任何寫法或末 3–4 碼；英數字比對病歷號開頭；身分證字號需完整輸入；也可輸入生日（例如 1980-05-17）。
          </>,
          <>可再依 LINE 狀態、標籤、「超過幾天未就診」（包含從未就診）與是否有下次預約篩選。</>,
          <>
            名單預設依<Text strong>姓名筆畫</Text>排序（丁、王、李、林、陳……，與一般名冊相同）；點欄位標題可改依病歷號、
            上次就診或下次預約排序，沒有資料的病患一律排在最後。
          </>,
          <>
            表格下方顯示符合的人數（例如「共 5,002 位」）。病患超過 20,000 位的診所，人數超過 1,000 時顯示「1,000+」，
            可再加條件縮小範圍。
          </>,
          <>勾選病患後可「加標籤」；「匯出」會把目前篩選的所有病患匯出成 CSV 或 Excel。</>,
        ])}
        <Paragraph>
          點姓名進入病患頁：基本資料、家人（同一支電話的病患）、預約、LINE 訊息、標籤、備註與異動紀錄。標示{' '}
          <Text code>HIS</Text> 的欄位（姓名、病歷號、生日、電話、身分證字號）由 HIS
          管理，後台只能修改備註與標籤；在後台新增的病患則全部欄位都可編輯。
        </Paragraph>
        <Paragraph>
          <Text strong>打電話給病患</Text>
          ：電話預設遮罩（例如
          0912-***-678）。櫃台與管理者按電話旁的「顯示」即看到完整號碼，點號碼就能用電腦或手機撥號；
          醫師與檢視者只看得到遮罩的號碼。病患名單、病患頁與回診提醒名單都可以這樣撥打。
        </Paragraph>
        <Paragraph type="secondary">
          每次查詢、查看與匯出都記錄在稽核紀錄；顯示完整電話也會留下紀錄（誰、何時、哪位病患）。身分證字號預設遮罩，
          按「顯示」並填寫原因才會看到完整號碼，並留下紀錄。
        </Paragraph>
      </>
    ),
  },
  segments: {
    title: '標籤與分眾',
    summary: '手動與自動標籤、用條件組成分眾並即時看人數。',
    body: (
      <>
        <Paragraph>
          <Text strong>標籤</Text>
          分兩種：手動標籤由人員在病患名單或病患頁加上；自動標籤依規則（就診類別、處置代碼、年齡層、多久沒回診、爽約次數）每小時重新計算，也可按「重算自動標籤」。
        </Paragraph>
        <Paragraph>
          <Text strong>分眾</Text>是一組條件（標籤、LINE
          狀態、年齡、多久沒回診、性別、曾有的就診類別、爽約次數），右側會即時顯示符合人數與部分名單。儲存後，之後的群發訊息與問卷都以分眾為對象，發送當下會重新計算名單。
        </Paragraph>
        {ul([
          '「曾有就診類別」的選項來自本診所 HIS 近兩年用過的門診類別，括號內是次數。',
          '例如「40 歲以上、曾洗牙、超過 180 天未就診」可以找出該回來洗牙的中壯年病患。',
        ])}
      </>
    ),
  },
  recall: {
    title: '回診提醒',
    summary: '半年洗牙、年度檢查、慢性處方箋領藥等回診提醒與聯絡結果。',
    body: (
      <>
        <Paragraph>
          依規則找出該回診的病患（例如上次洗牙後半年），以 LINE 傳送附「線上預約」或「打電話」按鈕的訊息；尚未綁定 LINE
          的病患改以簡訊通知。
        </Paragraph>
        {ul([
          '系統每天自動檢查一次（第一次在儲存規則後 24 小時），也可按「立即檢查並傳送」。已預約下次看診的病患不會收到提醒。',
          '規則表的「目前到期」與下方提示先列出現在到期、尚未通知的人數與下次自動檢查的時間，只計算、不傳送。',
          '慢性處方箋可於用藥期滿前 10 日內領下一次藥，預設在領藥後第 20 天提醒（28 天處方）。',
          '回診提醒屬於非必要訊息：達到本月 LINE 非必要訊息上限後不再以 LINE 傳送，名單上會註明，請改以電話聯絡。',
          <>
            名單上的電話按「顯示」可看到完整號碼並直接點擊撥號（會記錄在稽核紀錄）。櫃台聯絡後請記錄結果：
            <Text strong>已預約</Text>、<Text strong>婉拒</Text>或<Text strong>未接聽</Text>，方便追蹤回診率。
          </>,
        ])}
      </>
    ),
  },
  merge: {
    title: '整併重複病患',
    summary: '找出同一人的重複資料，並排比較後整併，7 天內可復原。',
    body: (
      <>
        <Paragraph>
          系統找出可能是同一人的病患：身分證字號相同、病歷號相同，或電話相同且姓名相近。清單依可能性排序：理由越多越前面，其次是最近新增的病患；可用搜尋框以姓名、病歷號或電話找特定病患。
        </Paragraph>
        {ul([
          '家人共用手機且名字相近（例如兄弟姊妹）也會列出，確認不是同一人就不必處理。',
          '按「比較與整併」並排檢視兩筆資料，逐欄選擇要保留的值，再按「整併」。',
          '整併會把另一筆的預約、LINE 綁定與手動標籤移到保留的病患（另一筆待處理的回診提醒會略過），並通知 HIS（patient.merged）。',
          '原始資料完整保留，7 天內可在「整併紀錄」復原。',
        ])}
      </>
    ),
  },
  patientImport: {
    title: '匯入與匯出病患',
    summary: 'CSV／Excel 匯入（先預覽逐列檢查）與名單匯出。',
    body: (
      <>
        <Paragraph>
          在「匯入」頁上傳 CSV（UTF-8）或
          Excel（XLSX），可先「下載範本」。系統會先預覽：逐列檢查電話、身分證字號檢查碼、生日與重複的病歷號，錯誤以中文標出欄位與原因。按「匯入」只會匯入正確的列，有錯的列可修正後再上傳；大檔案會顯示進度。
        </Paragraph>
        <Paragraph>
          匯出在「病患名單」：依目前的篩選條件匯出 CSV 或 Excel，匯出完成後下載。每次匯出都記錄在稽核紀錄。
          上次就診、下次預約與建立時間都以<Text strong>診所所在時區</Text>書寫，欄名註明時區，例如
          「下次預約（Asia/Taipei +08:00）」。
        </Paragraph>
        <Paragraph type="secondary">
          匯出檔與匯入預覽含病患個資，只保留 24 小時，之後自動刪除；需要時請重新匯出。
        </Paragraph>
      </>
    ),
  },
} satisfies Record<string, { title: string; summary: string; body: ReactNode }>;
