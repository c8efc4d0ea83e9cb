// Help for the 提醒 › 訊息範本 page, in zh-TW: shown in the page's "?" drawer and in the help centre.
import { Typography } from 'antd';
import { ul } from './parts.tsx';

const { Paragraph, Text } = Typography;
const v = (name: string) => <Text code>{`{${name}}`}</Text>;

export const REMINDER_TEMPLATE_HELP = {
  reminderTemplates: {
    title: '提醒訊息範本',
    summary: '修改提醒訊息的文字、按鈕與日期寫法，預覽 LINE 上的樣子並傳送測試。',
    body: (
      <>
        <Paragraph>
          每條提醒規則使用一個範本。列表中的「使用中的規則」告訴您改了這個範本會影響哪些提醒；修改並儲存後，之後送出的提醒就會使用新內容，已送出的不受影響。只有管理者可以修改，其他人可以檢視、預覽與傳送測試。
        </Paragraph>
        <Paragraph strong>可以使用的變數（送出時換成每位病患的資料）</Paragraph>
        {ul([
          <>
            {v('patientName')} 病患姓名、{v('doctorName')} 醫師
          </>,
          <>{v('date')} 看診日期：依「日期寫法」顯示為 民國115年3月16日、2026年3月16日 或 2026/03/16</>,
          <>
            {v('weekday')} 星期（週一…週日）、{v('time')} 看診時間（24 小時制，例如 14:30）
          </>,
          <>
            {v('clinicName')} 診所名稱、{v('clinicAddress')} 地址、{v('clinicPhone')} 電話、{v('mapUrl')} 地圖連結
          </>,
          <>{v('preparation')} 準備事項：依這次預約的看診類別，見頁面下方的「準備事項」表</>,
        ])}
        <Paragraph>
          點內文下方的變數按鈕，會插在游標所在的位置（通知文字、標題、內文皆可）。打錯的變數（例如 {v('foo')}
          ）會立即標示，無法儲存。
        </Paragraph>
        <Paragraph strong>LINE 的限制（邊打邊檢查）</Paragraph>
        {ul([
          '通知文字（altText）最多 400 字：手機通知與聊天列表只顯示這段文字，請把日期與時間寫在前面。',
          '按鈕文字最多 20 字。',
          '整則訊息最多 30 KB；內文或準備事項太長時會提示。',
          '檢查時會用很長的姓名與地址代入變數，確保每一位病患的訊息都送得出去。有問題時「儲存」按鈕不能按。',
        ])}
        <Paragraph strong>預覽與傳送測試</Paragraph>
        {ul([
          '右側的預覽以範例資料代入，畫法與 LINE 手機畫面相同；上方是手機通知的樣子。',
          '「傳送測試」把已儲存的範本傳給一位加入診所官方帳號的 LINE 好友（例如您自己的 LINE），通知文字前加「【測試】」，按鈕不會改變任何預約。會計入本月訊息額度。',
        ])}
        <Paragraph strong>新增、刪除與還原</Paragraph>
        {ul([
          '「新增範本」以預設範本為起點建立自訂範本，再到「提醒規則」讓規則或某位醫師、某種看診類別改用它。',
          '仍被提醒規則使用的範本不能刪除，畫面會列出是哪些規則。',
          '內建範本（看診提醒、預約成功通知）不能刪除，但可以「還原預設內容」。',
        ])}
        <Paragraph strong>準備事項</Paragraph>
        <Paragraph>
          每種看診類別（例如植牙、洗牙）可以有自己的準備事項，沒有設定的類別使用「預設」。每一列各自儲存，不會影響提醒規則的設定。
        </Paragraph>
      </>
    ),
    adminOnly: false,
  },
};
