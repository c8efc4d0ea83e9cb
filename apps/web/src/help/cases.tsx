// Help for the 客服 › 客訴與意見 page, in zh-TW: how a case opens, the two time limits and how
// they are counted, the moves and what the patient receives, escalation, and the statistics.
import { Typography } from 'antd';
import { ul } from './parts.tsx';

const { Paragraph, Text } = Typography;

export const CASES_HELP = {
  cases: {
    title: '客訴與意見（案件、時限、滿意度）',
    summary: '病患的客訴、意見與讚美如何開案、受理、回覆、結案，以及處理時限與逾時通知。',
    body: (
      <>
        <Paragraph>
          每一則客訴、意見或讚美都是一個「案件」，有編號（例如 C-2026-0001）、類型、分類、嚴重度與負責人。
        </Paragraph>
        <Paragraph strong>案件從哪裡來</Paragraph>
        {ul([
          <>
            病患在 LINE 輸入「客訴」「我要客訴」「申訴」「抱怨」等字詞：系統立即開案，回覆案件編號與處理時限，並附上
            <Text strong>補充表單</Text>的按鈕（可補充經過、上傳最多 3 張照片、選擇以 LINE
            或電話聯絡）。對話同時轉給真人。
          </>,
          <>同一位病患已有處理中的案件時，再說「客訴」不會另開案件：訊息加入原案件的處理紀錄，並告訴病患案件編號。</>,
          <>收件匣中病患的訊息旁按「開立案件」，一則訊息只會開立一個案件。</>,
          <>電話或櫃台當面反映：按右上角「登記電話／櫃台客訴」。</>,
        ])}
        <Paragraph strong>兩個時限</Paragraph>
        {ul([
          <>
            <Text strong>首次處理</Text>（預設 4 小時）：從開案到「受理」。
          </>,
          <>
            <Text strong>回覆</Text>（預設 24 小時）：從開案到第一次回覆病患（LINE 或電話；在收件匣回覆這位病患也算）。
          </>,
          <>
            預設<Text strong>只計算門診時間</Text>：晚上、週末、國定假日與「工作日曆」的休診日不計時。例如週五晚上 8
            點的客訴，首次處理時限會在下一個看診日早上的門診時間內到期。管理者可在「時限設定」調整。
          </>,
        ])}
        <Paragraph strong>處理步驟與病患收到的通知</Paragraph>
        {ul([
          <>
            <Text strong>受理</Text>：病患收到「已由專人受理」與回覆時限。
          </>,
          <>
            <Text strong>回覆病患</Text>：選「以 LINE 傳送」時病患收到以【案件編號
            回覆】開頭的訊息；選「已電話回覆」時記錄內容， 有 LINE 的病患會收到「已以電話聯繫」的通知。
          </>,
          <>
            <Text strong>結案</Text>
            ：病患收到結案通知與「這次的處理您滿意嗎？」（滿意／普通／不滿意）。回答「不滿意」時案件會自動
            <Text strong>重新開啟</Text>，請再與病患聯繫。
          </>,
          <>內部備註只有診所人員看得到。每一步都記在「處理紀錄」。</>,
        ])}
        <Paragraph strong>逾時通知</Paragraph>
        <Paragraph>
          時限到了仍未完成時，案件頁上方會出現紅色提醒，案件標示「已通知管理員」；若診所設定了 HIS Webhook，也會送出
          <Text code>case.escalated</Text> 事件，可轉到主管的群組或其他系統。每個時限只通知一次。
        </Paragraph>
        <Paragraph strong>統計</Paragraph>
        <Paragraph>
          「統計」分頁依分類與月份列出案件數、首次處理與回覆所需時間（中位數）、時限內完成的比例，以及結案滿意度。
        </Paragraph>
      </>
    ),
  },
};
