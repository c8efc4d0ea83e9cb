// The KPIs of the 報表 dashboard: what each one means (zh-TW definition and formula, shown on
// hover), its unit, the target from the front desk's job description (客服人員職務說明書:
// satisfaction ≥ 90 %, complaint satisfaction ≥ 85 %, answers to patients' questions ≤ 24 h,
// first action on a complaint ≤ 4 h — docs/contracts.md "Reports"), and how its value follows from
// the roll-up's daily sums. Pure: the service sums the rows of a period and calls `compute`.
import type { ReportClinicDailyTable, ReportVisitDailyTable } from './tables.ts';

type Counts<T> = { [K in keyof T as T[K] extends number ? K : never]: number };
export type VisitSums = Counts<Omit<ReportVisitDailyTable, 'clinic_id' | 'day' | 'doctor_id' | 'visit_type'>>;
export type ClinicSums = Counts<Omit<ReportClinicDailyTable, 'clinic_id' | 'day'>>;
export type Sums = VisitSums & ClinicSums;

export const VISIT_COLUMNS = [
  'appointments',
  'active',
  'cancelled',
  'rescheduled',
  'reminded',
  'confirmed',
  'reported',
  'no_show',
  'bound',
  'reminders_sent',
  'reminders_failed',
  'surveys_answered',
  'surveys_4plus',
] as const satisfies readonly (keyof VisitSums)[];

export const CLINIC_COLUMNS = [
  'questions',
  'questions_bot',
  'responses',
  'response_seconds',
  'complaints',
  'complaints_action_due',
  'complaints_action_in_time',
  'complaints_reply_due',
  'complaints_reply_in_time',
  'complaints_rated',
  'complaints_satisfied',
  'line_pushes',
  'line_pnp',
  'sms_messages',
  'sms_points_milli',
  'slots_freed',
  'slots_filled',
] as const satisfies readonly (keyof ClinicSums)[];

export const zeroSums = (): Sums =>
  Object.fromEntries([...VISIT_COLUMNS, ...CLINIC_COLUMNS].map((c) => [c, 0])) as Sums;

export function addSums(into: Partial<Sums>, row: Partial<Sums>): void {
  for (const [k, v] of Object.entries(row)) {
    const key = k as keyof Sums;
    if (typeof v === 'number') into[key] = (into[key] ?? 0) + v;
  }
}

export type Unit = 'percent' | 'minutes' | 'hours' | 'count' | 'twd';
export type Target = { op: '>=' | '<='; value: number };
export type Figure = { value: number | null; numerator: number | null; denominator: number | null };
/** NT$ per unit, from the clinic's prices (reminders › 費用); null when not entered. */
export type Prices = { smsPoint: number | null; pnpMessage: number | null };

export type KpiDef = {
  key: string;
  label: string;
  unit: Unit;
  definition: string;
  formula: string;
  target: Target | null;
  /** 'visit': follows the doctor and visit-type filters; 'clinic': a figure of the whole clinic. */
  scope: 'visit' | 'clinic';
  compute: (s: Sums, prices: Prices) => Figure;
};

export const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A share in percent (one decimal); no denominator, no value. */
export const percent = (numerator: number, denominator: number): Figure => ({
  value: denominator ? round((numerator / denominator) * 100, 1) : null,
  numerator,
  denominator,
});

const cost = (units: number, price: number | null): Figure => ({
  value: price === null ? null : round(units * price, 2),
  numerator: units,
  denominator: null,
});

export const KPIS: KpiDef[] = [
  {
    key: 'line_binding_rate',
    label: 'LINE 綁定率',
    unit: 'percent',
    definition: '期間內看診（未被 HIS 取消）的預約中，病患在看診開始前已完成 LINE 綁定的比例。已解除綁定者不計。',
    formula: '看診前已綁定 LINE 的預約數 ÷ 未取消的預約數 × 100%',
    target: null,
    scope: 'visit',
    compute: (s) => percent(s.bound, s.active),
  },
  {
    key: 'reminder_delivery_rate',
    label: '提醒送達率',
    unit: 'percent',
    definition: '期間內看診的預約所發出的提醒（LINE 或簡訊）中，成功送出的比例；仍在排程中的提醒不計。',
    formula: '成功送出的提醒則數 ÷（成功送出＋發送失敗的提醒則數）× 100%',
    target: null,
    scope: 'visit',
    compute: (s) => percent(s.reminders_sent, s.reminders_sent + s.reminders_failed),
  },
  {
    key: 'confirmation_rate',
    label: '確認率',
    unit: 'percent',
    definition: '期間內看診、且已發出提醒的預約中，病患回覆「確認赴約」的比例。',
    formula: '回覆確認赴約的預約數 ÷ 已發出提醒的預約數 × 100%',
    target: null,
    scope: 'visit',
    compute: (s) => percent(s.confirmed, s.reminded),
  },
  {
    key: 'cancellation_rate',
    label: '取消率',
    unit: 'percent',
    definition: '期間內看診的所有預約中，被 HIS 取消或病患提出取消申請的比例（改期申請另計於改期率）。',
    formula: '已取消或申請取消的預約數 ÷ 全部預約數 × 100%',
    target: null,
    scope: 'visit',
    compute: (s) => percent(s.cancelled, s.appointments),
  },
  {
    key: 'reschedule_rate',
    label: '改期率',
    unit: 'percent',
    definition: '期間內看診的所有預約中，病患提出改期申請的比例。',
    formula: '申請改期的預約數 ÷ 全部預約數 × 100%',
    target: null,
    scope: 'visit',
    compute: (s) => percent(s.rescheduled, s.appointments),
  },
  {
    key: 'no_show_rate',
    label: '未到診率',
    unit: 'percent',
    definition: '期間內看診、且 HIS 已回報結果（已報到、已看診或未到診）的預約中，未到診的比例。',
    formula: '未到診的預約數 ÷ HIS 已回報結果的預約數 × 100%',
    target: null,
    scope: 'visit',
    compute: (s) => percent(s.no_show, s.reported),
  },
  {
    key: 'slots_refilled',
    label: '空檔回補率',
    unit: 'percent',
    definition: '期間內因取消或改期而空出的時段中，由候補名單的病患補上的比例（依時段空出的日期）。',
    formula: '由候補補上的時段數 ÷ 空出的時段數 × 100%',
    target: null,
    scope: 'clinic',
    compute: (s) => percent(s.slots_filled, s.slots_freed),
  },
  {
    key: 'inbox_first_response_minutes',
    label: '首次回應時間',
    unit: 'minutes',
    definition:
      '病患在 LINE 提問後（開始顯示為待回覆），到工作人員送出第一則訊息的平均時間；由機器人回答的問題不計。目標：患者諮詢於 24 小時內回應。',
    formula: '各次等候到人員首次回覆的分鐘數合計 ÷ 人員回覆的次數',
    target: { op: '<=', value: 1440 },
    scope: 'clinic',
    compute: (s) => ({
      value: s.responses ? round(s.response_seconds / 60 / s.responses, 1) : null,
      numerator: round(s.response_seconds / 60, 1),
      denominator: s.responses,
    }),
  },
  {
    key: 'complaint_first_action_4h',
    label: '客訴 4 小時內初步處理',
    unit: 'percent',
    definition:
      '期間內受理的客訴中，在處理時限（預設 4 小時，依客訴設定）內完成初步處理的比例；尚未到期且尚未處理的客訴不計。目標：每一件都在時限內。',
    formula: '時限內完成初步處理的客訴件數 ÷（已初步處理或已逾時的客訴件數）× 100%',
    target: { op: '>=', value: 100 },
    scope: 'clinic',
    compute: (s) => percent(s.complaints_action_in_time, s.complaints_action_due),
  },
  {
    key: 'complaint_reply_24h',
    label: '客訴 24 小時內回覆',
    unit: 'percent',
    definition:
      '期間內受理的客訴中，在回覆時限（預設 24 小時，依客訴設定）內回覆病患的比例；尚未到期且尚未回覆的客訴不計。目標：每一件都在時限內。',
    formula: '時限內回覆的客訴件數 ÷（已回覆或已逾時的客訴件數）× 100%',
    target: { op: '>=', value: 100 },
    scope: 'clinic',
    compute: (s) => percent(s.complaints_reply_in_time, s.complaints_reply_due),
  },
  {
    key: 'satisfaction_rate',
    label: '滿意度（4 星以上）',
    unit: 'percent',
    definition: '期間內看診後回覆的滿意度調查中，給 4 星或 5 星的比例。目標 90% 以上。',
    formula: '4–5 星的回覆數 ÷ 全部回覆數 × 100%',
    target: { op: '>=', value: 90 },
    scope: 'visit',
    compute: (s) => percent(s.surveys_4plus, s.surveys_answered),
  },
  {
    key: 'complaint_satisfaction_rate',
    label: '客訴處理滿意率',
    unit: 'percent',
    definition: '期間內受理、結案後回答「這次的處理您滿意嗎？」的客訴中，回答「滿意」的比例。目標 85% 以上。',
    formula: '回答滿意的客訴件數 ÷ 回答的客訴件數 × 100%',
    target: { op: '>=', value: 85 },
    scope: 'clinic',
    compute: (s) => percent(s.complaints_satisfied, s.complaints_rated),
  },
  {
    key: 'faq_answer_rate',
    label: 'FAQ 自動回答率',
    unit: 'percent',
    definition: '病患在 LINE 以文字提出的問題中，由常見問題（FAQ）或自動回覆直接回答、不需轉給人員的比例。',
    formula: '機器人回答的提問數 ÷ 病患文字提問數 × 100%',
    target: null,
    scope: 'clinic',
    compute: (s) => percent(s.questions_bot, s.questions),
  },
  {
    key: 'line_cost_twd',
    label: 'LINE 訊息費用',
    unit: 'twd',
    definition:
      'LINE 通知訊息（以電話號碼送達、另行計費）的費用；一般推播包含在 LINE 官方帳號方案月費內，不另計。未設定單價時為空白。',
    formula: 'LINE 通知訊息則數 × 每則單價（提醒 › 費用設定）',
    target: null,
    scope: 'clinic',
    compute: (s, p) => cost(s.line_pnp, p.pnpMessage),
  },
  {
    key: 'sms_cost_twd',
    label: '簡訊費用',
    unit: 'twd',
    definition: '簡訊（提醒備援、回診通知、綁定驗證碼等）使用的點數換算成新台幣。未設定點數單價時為空白。',
    formula: '簡訊點數 × 每點單價（提醒 › 費用設定）',
    target: null,
    scope: 'clinic',
    compute: (s, p) => cost(s.sms_points_milli / 1000, p.smsPoint),
  },
];

export const KPI_KEYS = KPIS.map((k) => k.key);
