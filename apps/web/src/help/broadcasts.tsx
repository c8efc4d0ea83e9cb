// Help for the 訊息 › 群發 page, in zh-TW: audiences, the estimate and its cost, sending and
// scheduling, tests, stopping, the monthly cap, results and taps, and who may do what.
import { Typography } from 'antd';
import { ul } from './parts.tsx';

const { Paragraph, Text } = Typography;

export const BROADCASTS_HELP = {
  broadcasts: {
    title: '群發（分眾訊息、估算、排程與結果）',
    summary: '傳訊息給一個分眾、一個標籤或所有 LINE 好友：人數與費用估算、排程、測試、停止、上限暫停與點擊統計。',
    body: (
      <>
        <Paragraph>
          「群發」把同一組訊息傳給一群人。對象可以是<Text strong>已儲存的分眾</Text>（病患 › 分眾）、一個
          <Text strong>標籤</Text>，或<Text strong>所有 LINE 好友</Text>（包含尚未綁定病歷的好友）。
        </Paragraph>
        <Paragraph strong>訊息</Paragraph>
        {ul([
          <>最多 5 則：文字、圖片（JPEG／PNG，10 MB 內；超過 1 MB 會自動附上預覽圖）或已發布的衛教文章卡片。</>,
          <>LINE 以「每位收件人 1 則」計算額度，不論一次傳幾則訊息框。</>,
          <>文字中的網址與衛教文章的「閱讀全文」會改成診所的追蹤網址，用來計算點擊；病患點了會直接開啟原本的網頁。</>,
        ])}
        <Paragraph strong>傳送前的估算</Paragraph>
        {ul([
          <>
            <Text strong>LINE</Text>：綁定病歷且仍是好友的人；家人共用同一個 LINE 帳號時只傳一次。
          </>,
          <>
            <Text strong>改傳簡訊</Text>：勾選後，沒有 LINE
            或已封鎖、但有手機號碼的病患改收簡訊（診所須已設定簡訊服務）。簡訊 70 字內為 1 則，超過分則計費。
          </>,
          <>
            <Text strong>略過</Text>：已封鎖、沒有 LINE 也沒有手機、病歷已合併、與家人共用 LINE。
          </>,
          <>
            <Text strong>費用</Text>：LINE 方案內的訊息不另計費；簡訊以「額度與費用 →
            單價」的簡訊單價計算。估算下方列出計算方式。
          </>,
          <>對象人數為 0 時無法群發，請調整分眾條件。</>,
        ])}
        <Paragraph strong>傳送、排程、測試與停止</Paragraph>
        {ul([
          <>
            櫃台可以建立草稿並<Text strong>傳送測試</Text>給一位 LINE 好友（例如自己的 LINE）；正式
            <Text strong>傳送或排程只有管理員</Text>可以執行。
          </>,
          <>排程以診所時區為準；時間已過會被拒絕；落在「提醒規則」的安靜時段內會延到安靜時段結束後開始，畫面會告知。</>,
          <>
            傳送中可看到即時進度。按<Text strong>停止傳送</Text>（櫃台與管理員皆可）後，尚未交給 LINE
            的人不會收到，已送出的維持已送出；排程中的可以取消。
          </>,
          <>LINE 每次最多傳給 500 人，系統會分批傳送；任何一批即使重試也不會重複傳送。</>,
        ])}
        <Paragraph strong>每月上限</Paragraph>
        <Paragraph>
          群發屬於非必要訊息：達到本月非必要訊息上限（「提醒規則」的每月上限，未設定時為 LINE 方案額度的 90%）時群發會
          <Text strong>暫停</Text>，已送出的不會重送。調高上限或到下個月後，管理員按「繼續傳送」送出其餘的人。
        </Paragraph>
        <Paragraph strong>結果</Paragraph>
        {ul([
          <>
            <Text strong>LINE 送達</Text>：LINE 已接受的人數；<Text strong>已封鎖</Text>：傳送前發現已封鎖官方帳號。
          </>,
          <>
            <Text strong>點擊</Text>：點過連結的人數，每個連結每支手機只計一次（LINE 群發無法得知是哪一位病患點的）。
          </>,
          <>每位收件人的結果可依狀態篩選；所有變更都記錄在稽核紀錄中。群發的用量列在「額度與費用」的「群發」。</>,
        ])}
      </>
    ),
  },
};
