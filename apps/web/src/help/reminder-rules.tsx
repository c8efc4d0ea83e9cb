// Help for the 提醒 › 提醒規則 page, in zh-TW: shown in the page's "?" drawer and in the help centre.
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

export const REMINDER_RULES_HELP = {
  reminderRules: {
    title: '提醒規則',
    summary: '設定看診提醒何時發送、哪些日子不發送，並用模擬器試算。',
    body: (
      <>
        <Paragraph>
          每條規則決定一則看診提醒的發送時間。每條規則旁有一句白話說明；修改後先放在「尚未儲存的變更」，按右上角
          <Text strong>儲存</Text>
          後才會生效，未來預約尚未發送的提醒會依新規則重新排程，已發送的不受影響。只有管理者可以修改。
        </Paragraph>
        {ul([
          <>
            <Text strong>發送時間的種類</Text>：預約當日（HIS 建立預約後立即，或當天指定時間）、看診前 N 小時（1–720
            小時）、看診前 N 天的指定時間（1–30 天）、看診當天的指定時間。最長 30 天，因為一般預約最多只提前約四週。
          </>,
          <>
            <Text strong>不在這幾天發送</Text>
            ：勾選星期幾後，落在那天的提醒改在前一個可發送的上班日、於「順延時間」發送。例如週六有看診的診所，
            勾選「六」：週一 10:00 看診的 48 小時前提醒（週六 10:00）會改在週五 09:00
            發送。不可七天全勾，不需要的規則請改為停用。
          </>,
          <>
            <Text strong>遇休診日提前</Text>
            ：落在診所休診日（週末、國定假日、補假、自訂休診）時，同樣改在前一個上班日的順延時間發送。
          </>,
          <>
            <Text strong>必要提醒</Text>：本月訊息額度達上限時仍會發送；非必要提醒會先暫停。
          </>,
          <>
            <Text strong>例外設定</Text>
            ：某位醫師或某種看診類別不發送某條提醒，或改用另一個範本；兩者都符合時以看診類別為準。
          </>,
          <>
            <Text strong>一般設定</Text>：安靜時段（預設
            21:00–08:00，開始與結束不可相同）、順延時間、合併間隔（兩則提醒相隔太近只發離看診較近的那則，0–1440
            分鐘）、簡訊備援、非必要提醒每月上限（留空＝不另設上限）。
          </>,
        ])}
        <Paragraph>
          <Text strong>模擬器</Text>
          ：選看診日期、時間（可再選醫師與看診類別），立即看到每條提醒會在哪一天幾點發送、為什麼，以及哪些不會發送（停用、類別不適用、晚於看診、與另一則合併）。模擬用的是畫面上尚未儲存的設定，不會儲存任何資料，也不會發送訊息。
        </Paragraph>
        <Paragraph>
          儲存時若有錯誤（例如小時數超過
          720、範本不存在、例外設定沒有指定醫師或類別），整份規則都不會儲存，錯誤會標示在對應欄位旁。
        </Paragraph>
      </>
    ),
  },
};
