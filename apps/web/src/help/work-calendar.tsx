// Help for the 提醒 › 工作日曆 page, in zh-TW: what each colour means, closures and extra open
// days with their effect on reminders, and importing the government's official calendar.
import { Typography } from 'antd';
import { ul } from './parts.tsx';

const { Paragraph, Text } = Typography;

export const WORK_CALENDAR_HELP = {
  workCalendar: {
    title: '工作日曆（國定假日、休診日）',
    summary: '一年中哪些日子看診、哪些休診；設定颱風停診或加開，匯入政府辦公日曆。',
    body: (
      <>
        <Paragraph>
          工作日曆決定診所每一天是否看診。看診提醒若剛好排在休診日，會<Text strong>提前到前一個看診日</Text>
          （預設早上 9:00）發送，例如週一看診的「48 小時前」提醒會在上週五發送。
        </Paragraph>
        <Paragraph>每一天的顏色代表：</Paragraph>
        {ul([
          <>
            <Text strong>國定假日</Text>：政府行政機關辦公日曆表的放假日（春節、和平紀念日……）。落在週六的國定假日，
            週六有看診的診所也視為休診，除非另外設定「加開」。
          </>,
          <>
            <Text strong>補假</Text>：國定假日遇到週末，於前一個週五或後一個週一補放的假。
          </>,
          <>
            <Text strong>補行上班（補班）</Text>：政府調整放假後，於週六補上班的日子（例如 2025 年 2 月 8 日）。 2026
            年起已無補班。
          </>,
          <>
            <Text strong>每週固定休診</Text>：依「診所設定」的門診時段，這個星期幾沒有任何門診。
          </>,
          <>
            <Text strong>診所休診／診所加開</Text>：診所自己設定的日子，優先於以上所有規則。
          </>,
        ])}
        <Paragraph>把滑鼠移到日期上可看到原因。</Paragraph>
        <Paragraph strong>設定休診（例如颱風停診）或加開</Paragraph>
        {ul([
          '管理者點一下日曆上的日期，選「休診」或「加開看診」，填寫原因。',
          <>
            確認前，畫面會先試算並列出「<Text strong>將移動 N 則已排程的提醒</Text>
            」：哪位病患、哪一筆預約、原本與新的發送時間；此時尚未儲存任何資料。
          </>,
          '按下確認後才會儲存，系統在幾秒內重新排程；預約的「提醒」分頁會顯示新的發送時間與原因。',
          '刪除一筆休診或加開設定，也會先列出受影響的提醒再確認。',
          '颱風停診請在宣布後儘早設定，已經送出的提醒不會收回；若要通知病患停診，請另外發送訊息。',
        ])}
        <Paragraph strong>匯入政府行政機關辦公日曆表</Paragraph>
        {ul([
          '行政院人事行政總處每年公布次年的辦公日曆表（政府資料開放平臺 data.gov.tw，CSV 檔，Big5 或 UTF-8 皆可）。',
          '在頁面上方選擇年度，再於「匯入政府行政機關辦公日曆表」上傳該年度的 CSV 檔。',
          '系統會列出與目前資料不同的日子（改為放假、改為上班、名稱不同）與受影響的提醒；按「套用」才會生效。',
          <>
            以下情況會拒絕匯入並說明原因，資料不會有任何變動：檔案年度與選擇的年度不同、缺少某些日期（整年每一天都要列出）、
            同一天出現兩次、星期與日期不符、「是否放假」不是 0 或 2、無法辨識的編碼或欄位。
          </>,
          '匯入只套用到本診所，並優先於系統內建的資料。',
        ])}
        <Paragraph type="secondary">櫃台、醫師與唯讀人員可以檢視工作日曆，只有管理者可以變更。</Paragraph>
      </>
    ),
  },
};
