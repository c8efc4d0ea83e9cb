// Help for 線上預約 › 候補名單, in zh-TW: who is on the waitlist, how a freed slot is offered in
// waves, who gets it, what the patient sees, and the figures at the top of the page.
import { Typography } from 'antd';
import { ul } from './parts.tsx';

const { Paragraph, Text } = Typography;

export const WAITLIST_HELP = {
  waitlist: {
    title: '候補名單（缺額回收）',
    summary: '病患登記候補、預約取消或改期時如何分批通知、誰取得時段，以及補上所需時間怎麼算。',
    body: (
      <>
        <Paragraph>
          想提早看診或等某位醫師空檔的病患，可以登記「候補」。未來的預約被取消或改期而空出時段時，Careline 會以 LINE
          通知符合條件的候補病患，由第一位回覆的病患取得，減少空診。
        </Paragraph>
        <Paragraph strong>誰在候補名單上</Paragraph>
        {ul([
          <>
            <Text strong>櫃台新增</Text>：按右上角「新增候補」，選病患、醫師（或不限）、可看診的日期（最多 90
            天後）與時段（上午為 12:00 前、下午 12:00–18:00、晚上 18:00 後）。
          </>,
          <>
            <Text strong>病患自己登記</Text>：在診所 LINE 的「候補」頁為本人或已綁定的家人登記，也可以自己取消。
          </>,
          <>同一位病患對同一位醫師（或不限醫師）只能有一筆候補中的登記；日期過了就列在「已過期」。</>,
          <>病患需要綁定 LINE 並仍是好友才收得到通知；名單上會標示「沒有可通知的 LINE」。</>,
        ])}
        <Paragraph strong>時段釋出時怎麼通知</Paragraph>
        {ul([
          <>HIS 把未來的預約改為「已取消」，或把預約改到別的時間時，原本的時段就會釋出（已過的看診不算）。</>,
          <>
            依登記先後，每批通知符合醫師、日期與時段的病患（預設每批 5 人）；沒人取得時，間隔（預設 5
            分鐘）後通知下一批。管理者可在「通知設定」調整。
          </>,
          <>時段開始前 1 小時停止通知；安靜時段內不傳送，等結束後再通知。取消預約的病患本人不會收到自己的時段。</>,
        ])}
        <Paragraph strong>誰取得時段</Paragraph>
        {ul([
          <>
            名額只有一位：第一位按「<Text strong>我要這個時段</Text>
            」的病患取得（兩人同時按也只有一位成功），系統隨即把預約申請送到 HIS，並回覆病患「已為您保留」。HIS
            或櫃台確認後，病患會再收到通知。
          </>,
          <>其他收到通知但還沒回覆的病患，會收到「已被其他病患預約」的告知；之後才按的病患也會得到同樣的回覆。</>,
          <>按「這次不用了」的病患仍留在候補名單上，下次有時段時會再通知。</>,
        ])}
        <Paragraph strong>訊息額度</Paragraph>
        <Paragraph>
          候補通知是病患自己登記要收的，屬於必要訊息，不受每月「非必要訊息上限」限制（每批人數就是上限）；「已被預約」的告知屬於非必要訊息，達到上限時不推播，病患按按鈕時仍會以免費的回覆得知。
        </Paragraph>
        <Paragraph strong>上方的數字</Paragraph>
        {ul([
          <>近 30 天釋出的時段、其中通知過候補病患的時段、由候補病患補上的時段。</>,
          <>補上所需時間：從時段釋出到病患按下「我要這個時段」的分鐘數中位數（報表的「缺額回收」使用同一個數字）。</>,
        ])}
      </>
    ),
  },
};
