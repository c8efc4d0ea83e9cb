// Help for 報表 › KPI 儀表板, Careline 效益 and 月報, in zh-TW.
import { Typography } from 'antd';
import { ul } from './parts.tsx';

const { Paragraph, Text } = Typography;

export const REPORTS_HELP = {
  reportsDashboard: {
    title: 'KPI 儀表板',
    summary: '預約、提醒、LINE 客服、滿意度與訊息費用的關鍵指標，依日、週、月檢視，與目標及導入前的基準期比較。',
    body: (
      <>
        <Paragraph>
          儀表板把每天的預約、提醒、訊息與客訴整理成關鍵指標（KPI）。數字每天夜間由背景工作彙總，
          白天也會定時更新，所以打開頁面不需要等待；HIS 重新同步過去的看診後，歷史數字會自動重算。
        </Paragraph>
        {ul([
          <>
            <Text strong>定義與公式</Text>：把滑鼠移到指標名稱上，會顯示這個指標怎麼算（分子 ÷
            分母）、目標，以及本期的分子與分母。
          </>,
          <>
            <Text strong>每日／每週／每月</Text>：切換圖表的單位。每週從週一開始；期間的第一週與最後一週可能不完整。
          </>,
          <>
            <Text strong>醫師與看診類別</Text>：只影響與看診有關的指標（綁定、提醒、確認、取消、未到診、滿意度）； LINE
            客服、客訴與訊息費用是全診所的數字，不分醫師。
          </>,
          <>
            <Text strong>目標線</Text>：紅色虛線是櫃台服務標準的目標（例如滿意度 ≥ 90%、客訴 4 小時內初步處理、24
            小時內回覆）。卡片右上角顯示本期是否達標。
          </>,
          <>
            <Text strong>導入前後比較</Text>：在「報表 › Careline 效益」設定基準期（例如導入 Careline 前的三個月，
            數字取自 HIS 同步的歷史看診），這裡就會並列基準期與本期的未到診率、取消與改期率。
          </>,
        ])}
        <Paragraph type="secondary">
          時間以診所所在時區計算。「—」表示這段期間沒有可計算的資料（分母為 0），不是 0%。
        </Paragraph>
        <Paragraph type="secondary">
          示範環境（晴光牙醫診所）的歷史資料是模擬產生的：假 HIS 的一年看診，加上 120 天前「導入 Careline」之後的 LINE
          綁定、提醒與回覆、LINE 提問、客訴與簡訊，都不是真實病患的資料。今天與之後有預約的病患維持原狀（未綁定），
          所以每日圖表上今天的綁定率偏低。
        </Paragraph>
      </>
    ),
  },
  reportsValue: {
    title: 'Careline 效益',
    summary: '用新台幣估算 Careline 這個月為診所省下的金額：減少的未到診、取代的確認電話，扣掉訊息費用。',
    body: (
      <>
        <Paragraph>每一個數字旁邊都寫著它的算法，代入的是本月實際的數字與診所自己的設定：</Paragraph>
        {ul([
          <>
            <Text strong>減少未到診的收入</Text>：（基準期未到診率 − 本月未到診率）× 本月 HIS 已回報結果的看診數，
            得到少了幾次未到診，再乘上平均每診收入。本月比基準期差時，這一項是負的。
          </>,
          <>
            <Text strong>省下的人事成本</Text>：病患用 LINE 或簡訊回覆「確認赴約」的預約數，每一筆省下一通確認電話；
            通數 × 每通分鐘數 ÷ 60 是省下的櫃台時數，再乘上櫃台人員時薪。
          </>,
          <>
            <Text strong>訊息費用</Text>：本月 LINE 通知訊息與簡訊點數，依「提醒 › 費用」設定的單價計算；未設定單價的以
            0 計，公式中會註明。
          </>,
          <>
            <Text strong>淨效益</Text>：以上兩項省下的金額減去訊息費用。
          </>,
        ])}
        <Paragraph>
          <Text strong>診所設定</Text>（管理者）：平均每診收入、每通確認電話的分鐘數、櫃台人員時薪與基準期。
          預設基準期是開始使用 Careline（HIS 第一次連線）前的三個月；也可以自選 HIS 已有完整紀錄的期間。
          修改會記錄在稽核紀錄。
        </Paragraph>
        <Paragraph type="secondary">這些是估算，用來看趨勢與跟診所夥伴溝通，不是會計數字。</Paragraph>
        <Paragraph type="secondary">
          示範環境的數字來自模擬的歷史資料（基準期是模擬導入日前的三個月，簡訊與 LINE 通知訊息以示範單價計算）。
        </Paragraph>
      </>
    ),
  },
  monthlyReports: {
    title: '月報',
    summary: '下載本月與之前 12 個月的月報（Excel 或 PDF），可列印、寄給合夥人或存檔。',
    body: (
      <>
        {ul([
          'PDF：A4 直式，第一頁是本月重點與各項 KPI（本月、上月、目標與是否達標），接著是每日趨勢圖、Careline 效益與導入前後比較。黑白列印也讀得清楚：目標是虛線，達標與否有文字。',
          'Excel：「摘要」「每日」「效益」「導入前後」四個工作表，數字是可以計算的數值（百分比為百分比格式）。',
          '本月的月報計算到今天為止；月底後再下載即為完整月份。',
          '每一次下載都會記錄在稽核紀錄（誰、何時、哪個月份、哪種格式）。',
        ])}
        <Paragraph type="secondary">
          PDF 由伺服器產生。若出現「伺服器尚未安裝產生 PDF 的程式」，請先下載 Excel 版，並通知系統管理者。
        </Paragraph>
      </>
    ),
  },
};
