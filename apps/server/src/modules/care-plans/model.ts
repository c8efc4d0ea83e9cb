// The care plan model and its pure rules: checking a plan, when each step of an enrolment is
// due (clinic time zone), and the LINE messages of a step (text / image / article, the check-in
// quick replies and the 「不用再傳」 one that is always offered). No I/O.
import type { messagingApi } from '@line/bot-sdk';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import { addDays, isHhmm, localParts, zonedTime } from '../../platform/time.ts';

export type StepWhen = { kind: 'day'; day: number; at: string } | { kind: 'hours'; hours: number };
export type CheckInRoute = 'fine' | 'worrying' | 'call';
export type CheckIn = { question: string; options: { label: string; route: CheckInRoute }[] };
export type PlanStep = {
  when: StepWhen;
  /** The message text ({name}, {clinic}, {phone} are filled in when sent); may be empty with an image or article. */
  text: string;
  /** An image uploaded through /api/inbox/uploads (JPEG/PNG, at most 1 MB: it is its own preview). */
  imageId: string | null;
  /** A health-education article of the library (sent as its Flex card). */
  articleId: string | null;
  checkIn: CheckIn | null;
};
export type PlanTrigger =
  | { kind: 'visit'; visitTypes: string[]; treatmentCodes: string[] }
  | { kind: 'tag'; tagId: string }
  | { kind: 'manual' };

export const STOP_LABEL = '不用再傳';
export const MAX_STEPS = 20;
export const MAX_DAY = 365;
export const MAX_OPTIONS = 12; // LINE allows 13 quick replies; one is 「不用再傳」.
export const QUICK_REPLY_LABEL_MAX = 20; // LINE's limit for a quick reply button label.
export const ROUTE_LABELS: Record<CheckInRoute, string> = {
  fine: '沒問題，繼續下一步',
  worrying: '建立待追蹤（一般）',
  call: '請診所來電（優先）',
};
export const END_REASON_LABELS: Record<string, string> = {
  patient_stop: '病患選擇「不用再傳」',
  blocked: '病患已封鎖或取消好友',
  staff: '人員結束',
  new_visit: '同類看診，已由新的看診重新開始',
  plan_archived: '計畫已刪除',
};
export const ENROLMENT_STATUS_LABELS: Record<string, string> = { active: '進行中', done: '已完成', ended: '已結束' };
export const SEND_STATUS_LABELS: Record<string, string> = {
  planned: '排定',
  sent: '已傳送',
  skipped: '略過',
  cancelled: '取消',
};

/** A step's time as people read it: 「當天 19:00」「第 3 天 10:00」「看診後 4 小時」. */
export function whenText(w: StepWhen): string {
  if (w.kind === 'hours') return `看診後 ${w.hours} 小時`;
  return `${w.day === 0 ? '當天' : `第 ${w.day} 天`} ${w.at}`;
}

/**
 * Where a step falls for a visit at 10:00 on day 0, in minutes: how steps are ordered and how two
 * steps "at the same moment" are found (a day step and an hours step can meet too).
 */
export function refMinutes(w: StepWhen): number {
  if (w.kind === 'hours') return Math.round(w.hours * 60);
  const [h, m] = w.at.split(':').map(Number);
  return w.day * 1440 + h * 60 + m - 600;
}

/** Problems of a plan's content (422 details); overlapping steps throw OVERLAPPING_STEPS. */
export function checkPlan(p: { name: string; trigger: PlanTrigger; steps: PlanStep[] }): void {
  const d: ErrorDetail[] = [];
  const add = (field: string, code: string, message: string) => d.push({ field, code, message });
  if (!p.name.trim()) add('name', 'required', '請輸入計畫名稱');
  if (p.trigger.kind === 'visit') {
    const types = p.trigger.visitTypes.map((s) => s.trim()).filter(Boolean);
    const codes = p.trigger.treatmentCodes.map((s) => s.trim()).filter(Boolean);
    if (!types.length && !codes.length) add('trigger', 'empty_trigger', '看診完成觸發需要至少一個看診類別或處置代碼');
  }
  if (!p.steps.length) add('steps', 'required', '計畫至少需要一個步驟');
  if (p.steps.length > MAX_STEPS) add('steps', 'too_many', `計畫最多 ${MAX_STEPS} 個步驟`);
  p.steps.forEach((s, i) => {
    const f = `steps/${i}`;
    const n = `第 ${i + 1} 步`;
    if (s.when.kind === 'day') {
      if (!isHhmm(s.when.at)) add(`${f}/when/at`, 'time', `${n}的時間格式應為 HH:MM（例如 19:00）`);
      if (s.when.day < 0 || s.when.day > MAX_DAY) add(`${f}/when/day`, 'range', `${n}的天數應為 0–${MAX_DAY}`);
    } else if (!(s.when.hours > 0 && s.when.hours <= MAX_DAY * 24))
      add(`${f}/when/hours`, 'range', `${n}的時數應大於 0（最多 ${MAX_DAY * 24} 小時）`);
    if (!s.text.trim() && !s.imageId && !s.articleId) add(`${f}/text`, 'required', `${n}需要訊息文字、圖片或衛教文章`);
    if (s.checkIn) {
      if (!s.checkIn.question.trim()) add(`${f}/checkIn/question`, 'required', `${n}的關心問題不可空白`);
      if (!s.checkIn.options.length) add(`${f}/checkIn/options`, 'required', `${n}的關心問題至少需要一個選項`);
      if (s.checkIn.options.length > MAX_OPTIONS)
        add(`${f}/checkIn/options`, 'too_many', `${n}最多 ${MAX_OPTIONS} 個選項（另有「${STOP_LABEL}」）`);
      const seen = new Set<string>();
      s.checkIn.options.forEach((o, j) => {
        const label = o.label.trim();
        if (!label) add(`${f}/checkIn/options/${j}/label`, 'required', `${n}的選項 ${j + 1} 不可空白`);
        else if ([...label].length > QUICK_REPLY_LABEL_MAX)
          add(`${f}/checkIn/options/${j}/label`, 'too_long', `${n}的選項「${label}」超過 LINE 的 20 字上限`);
        if (label === STOP_LABEL)
          add(`${f}/checkIn/options/${j}/label`, 'reserved', `「${STOP_LABEL}」每一步都會自動提供，請勿重複加入`);
        if (seen.has(label)) add(`${f}/checkIn/options/${j}/label`, 'duplicate', `${n}的選項「${label}」重複`);
        seen.add(label);
      });
    }
  });
  if (d.length) throw new AppError('VALIDATION_FAILED', 422, '計畫內容有誤，請檢查標示的欄位', d);
  const at = new Map<number, number>();
  p.steps.forEach((s, i) => {
    const m = refMinutes(s.when);
    const j = at.get(m);
    if (j !== undefined)
      throw new AppError(
        'OVERLAPPING_STEPS',
        422,
        `第 ${j + 1} 步（${whenText(p.steps[j].when)}）與第 ${i + 1} 步（${whenText(s.when)}）會在同一時間發送，請錯開時間`,
        [{ field: `steps/${i}/when`, code: 'overlap', message: `與第 ${j + 1} 步同一時間` }],
      );
    at.set(m, i);
  });
}

/** Steps in the order they are sent. */
export const ordered = (steps: PlanStep[]): PlanStep[] =>
  [...steps].sort((a, b) => refMinutes(a.when) - refMinutes(b.when));

/** When a step is due for an enrolment anchored at `anchor` (before quiet hours). */
export function stepTime(w: StepWhen, anchor: Date, timeZone: string): Date {
  if (w.kind === 'hours') return new Date(anchor.getTime() + w.hours * 3_600_000);
  return zonedTime(addDays(localParts(anchor, timeZone).date, w.day), w.at, timeZone);
}

/**
 * A step whose time has passed when the patient is enrolled: sent now while its day lasts (a
 * visit marked completed in the afternoon still gets that day's message), skipped once its day
 * is over (the evening-of-day-0 message is wrong the next morning).
 */
export function catchUp(due: Date, now: Date, timeZone: string): Date | null {
  if (due >= now) return due;
  return localParts(due, timeZone).date === localParts(now, timeZone).date ? now : null;
}

export type Fill = { name: string; clinic: string; phone: string };
export const fillText = (text: string, f: Fill) =>
  text.replaceAll('{name}', f.name).replaceAll('{clinic}', f.clinic).replaceAll('{phone}', f.phone);

/** Postback data of a check-in answer and of 「不用再傳」. */
export const answerData = (sendId: string, option: number) => `care=a&s=${sendId}&o=${option}`;
export const stopData = (sendId: string) => `care=stop&s=${sendId}`;

/**
 * The LINE messages of one step: text, image, article card (given), then the check-in question;
 * the last message carries the quick replies (the check-in options, then 「不用再傳」).
 */
export function stepMessages(
  step: PlanStep,
  sendId: string,
  f: Fill,
  opts: { imageUrl: string | null; article: messagingApi.Message | null },
): messagingApi.Message[] {
  const out: messagingApi.Message[] = [];
  const text = fillText(step.text, f).trim();
  if (text) out.push({ type: 'text', text });
  if (opts.imageUrl) out.push({ type: 'image', originalContentUrl: opts.imageUrl, previewImageUrl: opts.imageUrl });
  if (opts.article) out.push(opts.article);
  if (step.checkIn) out.push({ type: 'text', text: fillText(step.checkIn.question, f) });
  const items: messagingApi.QuickReplyItem[] = [
    ...(step.checkIn?.options ?? []).map((o, i) => ({
      type: 'action' as const,
      action: { type: 'postback' as const, label: o.label, data: answerData(sendId, i), displayText: o.label },
    })),
    {
      type: 'action',
      action: { type: 'postback', label: STOP_LABEL, data: stopData(sendId), displayText: STOP_LABEL },
    },
  ];
  const last = out[out.length - 1];
  if (last) out[out.length - 1] = { ...last, quickReply: { items } };
  return out;
}
