// Help for 滿意度 › 滿意度總覽 and 滿意度 › 調查設定 (post-visit satisfaction surveys), in zh-TW.
import { Typography } from 'antd';
import { ul } from './parts.tsx';

const { Paragraph, Text } = Typography;

export const NO_GATING_RULE =
  'Google 禁止只邀請滿意的病患寫評論（review gating），所以每一位回覆的病患不論給幾顆星，都會收到同樣的 Google 評論連結。';

export const SATISFACTION_HELP = {
  satisfaction: {
    title: '滿意度總覽',
    summary: '看診後滿意度調查的回覆率、平均星等、分布與趨勢，各醫師與看診類別的比較，以及病患的意見與匯出。',
    body: (
      <>
        <Paragraph>
          HIS 把看診標記為「完成」後，系統會在設定的時間（預設 2 小時後）用 LINE 傳送滿意度調查， 病患點 1 到 5
          顆星回覆，也可以開啟意見頁留下文字。這一頁統計<Text strong>所選期間內傳送</Text>
          的調查（依傳送日，診所所在時區）。
        </Paragraph>
        {ul([
          '回覆率：已回覆 ÷ 已傳送。平均星等只計算已回覆的調查。',
          '3 星以下的病患會被問「想讓我們知道哪裡可以更好嗎？」，他們留下的意見會自動開立「意見」案件（來源：滿意度調查），請到 客服 › 客訴與意見 跟進。',
          '意見列表可依星等、醫師、看診類別與期間篩選；點案件編號可開啟案件。',
          '匯出：CSV 或 Excel（XLSX），包含期間內每一筆傳送的調查（未回覆的也列出），時間以診所時區書寫。每次匯出都會記錄在稽核紀錄。',
        ])}
        <Paragraph type="secondary">{NO_GATING_RULE}</Paragraph>
      </>
    ),
  },
  surveySettings: {
    title: '滿意度調查設定',
    summary: '何時、對哪些看診傳送滿意度調查，填答期限、邀請間隔、Google 評論連結與邀請訊息。',
    body: (
      <>
        {ul([
          '傳送時間：HIS 標記看診完成後多久傳送（0 到 48 小時）。落在安靜時段（設定 › 提醒規則）時，延到安靜時段結束才傳送；休診日照常傳送，因為調查是關於已經完成的看診。',
          '填答期限：傳送後幾天內可以回覆。過期後病患再點星星，會收到「已超過填答期限」的說明，不會計分。',
          '邀請間隔：同一位病患至少間隔幾天才會再收到滿意度調查或問卷，避免常回診的病患一直被打擾。',
          '醫師與看診類別：只對選擇的醫師或看診類別傳送；不選表示全部。',
          '只有之後完成的看診會收到調查；HIS 第一次同步時帶進來的舊看診不會補發。每次看診最多一份調查，病患重複點星星只計算第一次。',
          '沒有綁定 LINE 的病患，或本月 LINE 非必要訊息已達上限時，不會傳送。',
        ])}
        <Paragraph>
          <Text strong>Google 地點 ID（Place ID）</Text>：在 Google 的「Place ID Finder」搜尋診所名稱即可找到，通常是
          ChIJ 開頭的一串英數字；也可以直接貼上含 <Text code>placeid=</Text> 的評論連結，系統會取出其中的 ID。
        </Paragraph>
        <Paragraph>
          <Text strong>為什麼每個人都會收到評論連結？</Text>
          {NO_GATING_RULE}3 星以下的病患另外會被問「想讓我們知道哪裡可以更好嗎？」，回答後開立意見案件由專人跟進。
        </Paragraph>
        <Paragraph>
          邀請訊息可用 <Text code>{'{name}'}</Text>（病患姓名）、<Text code>{'{clinic}'}</Text>（診所名稱）、
          <Text code>{'{doctor}'}</Text>（看診醫師）。每次修改設定都會記錄在稽核紀錄。
        </Paragraph>
      </>
    ),
  },
};
