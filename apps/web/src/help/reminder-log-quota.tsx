// Help for the 提醒 › 發送紀錄 and 提醒 › 額度與費用 pages, in zh-TW: shown in each page's "?" drawer
// and in the help centre.
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

export const REMINDER_LOG_QUOTA_HELP = {
  deliveryLog: {
    title: '發送紀錄',
    summary: '每一則看診提醒送出了沒、用什麼管道、為什麼在這個時間，失敗的怎麼重新發送。',
    body: (
      <>
        <Paragraph>
          每一列是一則看診提醒：狀態、發送（或預定）時間、病患與看診時間、規則、管道，以及失敗或略過的原因。
          <Text strong>失敗的排在最前面</Text>
          ，其餘由新到舊。點列首的「＋」可看「為什麼是這個時間」（例如遇到休診日改在前一個上班日發送）、 嘗試次數與 LINE
          的請求代碼。
        </Paragraph>
        {ul([
          <>
            <Text strong>日期</Text>
            ：預設是今天要發送的提醒；切換「依看診日」可查某一天看診的病患收到了哪些提醒。一次最多查 62 天。
          </>,
          <>
            <Text strong>狀態</Text>
            ：排程中（尚未到發送時間）、已送出、已回覆（病患按了確認、取消或改期）、失敗、略過（例如達到本月非必要提醒上限、或病患的
            LINE 已封鎖且沒有簡訊備援）、已取消（預約取消或改期後，舊的提醒不再發送）。點上方的數字可直接篩選。
          </>,
          <>
            <Text strong>管道</Text>：LINE（推播，計入 LINE 方案的訊息額度）、簡訊（病患沒有 LINE
            時的備援，依簡訊點數計費）、LINE 通知訊息（以電話號碼送達未加好友的病患，另行計費）。標示「家人」的是同一個
            LINE 帳號的多位家人合併成一則訊息。
          </>,
          <>
            <Text strong>重新發送</Text>（管理者與櫃台）：立刻再送一次同一則提醒，病患會收到
            <Text strong>第二則訊息</Text>
            ，並計入本月額度；原本的紀錄會保留，新的一筆會出現在清單中。預約已取消、看診時間已過或還在排程中的提醒不能重新發送。
          </>,
        ])}
      </>
    ),
  },
  quota: {
    title: '額度與費用',
    summary: '本月 LINE 訊息用了多少、月底會用到多少、免費回覆、簡訊與 LINE 通知訊息的費用。',
    body: (
      <>
        <Paragraph>
          LINE 官方帳號的方案每月有固定的訊息則數（例如中用量 3,000 則）。<Text strong>推播</Text>
          （看診提醒、回診通知、櫃台傳的訊息、測試訊息）每送給一位病患算一則；病患按按鈕、傳關鍵字或加好友時，系統在
          LINE 給的回覆期限內以<Text strong>回覆</Text>答覆，<Text strong>免費</Text>
          且不計入額度。只有回覆期限已過（例如系統忙碌、晚了一分鐘才處理）時才改用推播。
        </Paragraph>
        {ul([
          <>
            <Text strong>已用／上限</Text>：我們記錄的推播與 LINE 回報的數字取較大者；上限來自 LINE 的額度 API（約每 10
            分鐘更新）。
          </>,
          <>
            <Text strong>預估</Text>
            ：已用的則數，加上本月每天已排程的提醒，再加上其他推播目前每天的平均。圖表的長條是每天實際的推播，折線是累計（今天以後為預估），兩條橫線是非必要提醒暫停的上限與
            LINE 方案上限。
          </>,
          <>
            <Text strong>達上限時</Text>：非必要提醒先暫停（發送紀錄顯示「略過」），必要提醒繼續發送到 LINE
            方案上限。上限是「提醒規則」中設定的每月上限；沒有設定時為方案上限的 90%。達 80% 與 100%
            時，管理者會各收到一則通知（每月一次）。
          </>,
          <>
            <Text strong>依用途</Text>
            ：提醒、回覆（確認、關鍵字自動回覆、收到訊息的告知）、回診、人工訊息（櫃台傳送）、測試；群發與衛教之後會加入。
          </>,
          <>
            <Text strong>費用</Text>：簡訊依簡訊商計費的點數（一段一點），LINE
            通知訊息依則數另行計費。請管理者依合約填寫
            <Text strong>每點簡訊</Text>與<Text strong>每則 LINE 通知訊息</Text>的單價，頁面即換算成新台幣；LINE
            方案的月費不含在內。
          </>,
        ])}
      </>
    ),
  },
};
