// Help for combined family reminders, in zh-TW: shown in the help centre (提醒 › 家人合併提醒).
import { Typography } from 'antd';
import { ul } from './parts.tsx';

const { Paragraph, Text } = Typography;

export const REMINDER_FAMILY_HELP = {
  reminderFamily: {
    title: '家人合併提醒',
    summary: '同一個 LINE 帳號綁定多位家人時，時間相近的看診提醒合併成一則訊息。',
    body: (
      <>
        <Paragraph>
          家長常用自己的 LINE 綁定全家人的病歷。若幾位家人的看診提醒會在
          <Text strong>合併間隔</Text>
          （提醒規則的一般設定，預設 60 分鐘）內送到同一個 LINE 帳號，系統會合併成
          <Text strong>一則訊息</Text>
          ：手機上是一組可左右滑動的卡片，每位家人一張，寫著各自的看診時間與醫師，並各有「確認赴約」「取消」「改期」按鈕。
        </Paragraph>
        {ul([
          <>
            <Text strong>每個按鈕只改自己的預約</Text>
            ：按下其中一張卡片的確認，只有那位家人的預約變成「確認赴約」，其他家人的回覆燈號不變。
          </>,
          <>
            <Text strong>只算一則訊息</Text>：合併後的訊息在 LINE 的每月訊息額度中只算一則，比分開發送省額度。
          </>,
          <>
            <Text strong>稍微提前</Text>：為了合併，較晚的那則提醒會跟著最早的那則一起送出，最多提前一個合併間隔。
          </>,
          <>
            <Text strong>不會合併的情況</Text>
            ：改發簡訊的提醒（每位病患各一則簡訊）、不同診所的病患、同一位病患的多筆提醒，以及合併間隔設為 0 分鐘時。
          </>,
          <>
            <Text strong>在哪裡看得到</Text>：預約詳細資料的「提醒」分頁會標示「與家人合併發送（共 N
            位）」，對話紀錄中也看得到那則合併訊息。
          </>,
          <>
            <Text strong>發送失敗時</Text>：合併的訊息會以同一組重送金鑰重試，LINE 不會重複送出；若 LINE
            無法送達，每位家人依原本的規則各自改發簡訊或標示失敗。
          </>,
        ])}
      </>
    ),
  },
};
