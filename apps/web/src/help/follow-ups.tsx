// Help for 衛教追蹤 › 待追蹤 and 衛教追蹤 › 未到診關懷, in zh-TW: where a task comes from, its
// clock, how it is worked and closed; the no-show message, when it goes and when it does not.
import { Typography } from 'antd';
import { ul } from './parts.tsx';

const { Paragraph, Text } = Typography;

export const FOLLOW_UP_HELP = {
  followUps: {
    title: '待追蹤（照護回覆、未到診回電）',
    summary: '需要人員跟進的病患從哪裡來、處理時限怎麼算，以及如何指派、處理與記錄結果。',
    body: (
      <>
        <Paragraph>「待追蹤」列出需要診所人員主動聯絡的病患，每一筆有優先程度、處理時限、負責人與處理結果。</Paragraph>
        <Paragraph strong>待追蹤從哪裡來</Paragraph>
        {ul([
          <>
            <Text strong>照護計畫回覆</Text>
            ：術後關懷訊息中，病患點了需要關心的選項（例如「有點腫」）；點「很痛，想問醫師」或 「請打給我」的會標為
            <Text strong>優先</Text>。
          </>,
          <>
            <Text strong>未到診關懷</Text>：病患今天未到診，在 LINE 點了「請診所與我聯絡」（優先，請回電安排回診）。
          </>,
          <>
            <Text strong>人員建立</Text>：按右上角「新增待追蹤」，例如接到電話後需要再回電的事項。
          </>,
          <>同一個回覆只會建立一筆（病患連點兩次也一樣）。來自 LINE 的待追蹤，收件匣的對話也會標示為「待回覆」。</>,
        ])}
        <Paragraph strong>處理時限（以門診時間計算）</Paragraph>
        {ul([
          <>
            <Text strong>優先</Text>：2 個門診小時內；<Text strong>一般</Text>：8 個門診小時內（約一個看診日）。
          </>,
          <>只計算「診所資料」的門診時段，休診日（工作日曆）與夜間不計時。例如晚上 10 點的回覆，從隔天開診起算。</>,
          <>超過時限的事項以紅色標示，首頁的「待追蹤」卡片也會顯示逾時件數。</>,
        ])}
        <Paragraph strong>處理步驟</Paragraph>
        {ul([
          <>點一筆開啟詳細資料：病患的回覆、電話（按「顯示」會記錄在稽核紀錄）、LINE 對話連結與處理紀錄。</>,
          <>「負責人」可指派給任一位人員；按「開始處理」的人若尚無負責人，會成為負責人。</>,
          <>
            聯絡完成後按「完成」並選擇結果：<Text strong>已電話關心</Text>、<Text strong>已安排回診</Text>、
            <Text strong>病患無回應</Text>或<Text strong>其他</Text>（需填寫說明）。
          </>,
          <>完成後如有後續，可「重新開啟」。每個動作都會寫入處理紀錄與稽核紀錄。</>,
        ])}
      </>
    ),
  },
  noShow: {
    title: '未到診關懷（今天沒看到您）',
    summary: 'HIS 標記未到後，病患當天收到的關懷訊息：何時傳送、何時不傳、病患的回覆如何處理。',
    body: (
      <>
        <Paragraph>
          HIS 把今天的預約標記為「未到」（no_show）時，系統會在設定的延後時間後，以 LINE
          傳一則關懷訊息給病患（或綁定該病患的家人 LINE），附兩個按鈕：
        </Paragraph>
        {ul([
          <>
            <Text strong>請診所與我聯絡</Text>
            ：建立一筆「優先」的待追蹤（請回電安排回診），並回覆病患「已請診所人員與您聯絡」。
          </>,
          <>
            <Text strong>不用了，謝謝</Text>：禮貌回覆，不建立待追蹤。
          </>,
        ])}
        <Paragraph strong>什麼時候不會傳送</Paragraph>
        {ul([
          <>只處理「今天」的預約：HIS 初次同步或重新同步過去的未到紀錄，不會傳任何訊息。</>,
          <>同一個預約只傳一次；同一位病患一天最多一則。</>,
          <>
            遇到<Text strong>安靜時段</Text>（提醒規則中設定，預設 21:00–08:00）會延到安靜時段結束；若因此會延到隔天，
            <Text strong>就不傳送</Text>（隔天說「今天沒看到您」不正確），紀錄中會標示原因，請改以電話聯絡。
          </>,
          <>
            傳送前再確認一次：功能仍開啟、HIS 仍為「未到」（病患晚到已報到就不傳）、病患有可傳送的 LINE、未達本月 LINE
            非必要訊息上限。
          </>,
        ])}
        <Paragraph strong>設定</Paragraph>
        {ul([
          <>
            預設已為每間診所開啟；管理者可關閉、修改訊息內容（最多 120 字，可用 {'{name}'} 病患姓名、{'{clinicName}'}{' '}
            診所名稱）與延後時間（0–240 分鐘）。
          </>,
          <>右側預覽就是病患在 LINE 看到的樣子。每次修改都會記錄在稽核紀錄。</>,
          <>下方「傳送紀錄」列出每一筆未到：已傳送、病患的回覆、建立的待追蹤，或未傳送的原因。</>,
        ])}
      </>
    ),
  },
};
