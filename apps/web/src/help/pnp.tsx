// Help for LINE notification messages (the LINE 官方帳號 page's section), in zh-TW.
import { Typography } from 'antd';
import { ul } from './parts.tsx';

const { Paragraph, Text } = Typography;

export const PNP_HELP = {
  linePnp: {
    title: 'LINE 通知訊息',
    summary: '用手機號碼把看診提醒送到沒加好友的病患的 LINE，送不到再改傳簡訊。',
    adminOnly: true,
    body: (
      <>
        <Paragraph>
          <Text strong>LINE 通知訊息</Text>是 LINE 提供給企業的選用服務：依病患的手機號碼，把通知送到用這個號碼註冊的
          LINE 帳號，病患不必先加入診所的好友。適合看診提醒這類與病患切身相關的通知，不可用於廣告或促銷。
        </Paragraph>
        {ul([
          '需先向 LINE（或 LINE 的代理商）申請，獲准後才能在這裡開啟；未獲准就開啟，LINE 會拒絕發送，提醒會顯示失敗原因。',
          '費用與每月訊息額度分開計算：LINE 通知訊息不佔用方案的免費訊息數，由 LINE 另外計費；「額度與費用」頁分開列出則數。',
          '開啟後，尚未綁定 LINE 的病患若有手機號碼，會先收到 LINE 通知訊息；該號碼沒有 LINE 帳號時，依「簡訊服務」的備援設定改傳簡訊。',
          '已綁定但封鎖診所帳號的病患不會收到 LINE 通知訊息（LINE 不會送達），仍依備援設定改傳簡訊。',
          'LINE 通知訊息不能有「確認赴約／取消／改期」按鈕，也不能附圖片；訊息附「致電診所」與地圖連結，病患需來電或加入好友綁定後才能在 LINE 回覆。',
          '病患第一次收到時，LINE 會請他同意接收通知訊息；LINE 確認送達後，預約的「提醒」分頁會顯示送達時間。',
          '送出 1 小時後 LINE 仍未確認送達（例如病患尚未同意接收），系統會依簡訊備援設定改傳簡訊，不讓病患漏接提醒。',
        ])}
        <Paragraph type="secondary">
          每則提醒走哪個管道（LINE、LINE 通知訊息、簡訊）與原因，都可以在預約的「提醒」分頁與「發送紀錄」查到。
        </Paragraph>
      </>
    ),
  },
};
