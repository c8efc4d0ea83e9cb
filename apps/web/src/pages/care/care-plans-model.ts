// The care plan editor's model: the API's plan body, how steps and triggers read in zh-TW, and
// the checks the page makes before saving (the server checks the same and more).
import type { ApiBody, ApiResponse } from '../../api.ts';

export type Plan = ApiResponse<'/api/care/plans'>['items'][number];
export type PlanBody = ApiBody<'/api/care/plans', 'post'>;
export type Step = PlanBody['steps'][number];
export type When = Step['when'];
export type Route = NonNullable<Step['checkIn']>['options'][number]['route'];
export type Enrolment = ApiResponse<'/api/care/enrolments'>['items'][number];

export const STOP_LABEL = '不用再傳';
export const ROUTE_LABELS: Record<Route, string> = {
  fine: '沒問題（繼續下一步）',
  worrying: '建立待追蹤（一般）',
  call: '請診所來電（優先）',
};
export const ROUTE_COLORS: Record<Route, string> = { fine: 'green', worrying: 'orange', call: 'red' };

export function whenText(w: When): string {
  if (w.kind === 'hours') return `看診後 ${w.hours} 小時`;
  return `${w.day === 0 ? '當天' : `第 ${w.day} 天`} ${w.at}`;
}

/** Where a step falls for a visit at 10:00 on day 0, in minutes (the server orders and compares steps the same way). */
export function refMinutes(w: When): number {
  if (w.kind === 'hours') return Math.round(w.hours * 60);
  const [h, m] = w.at.split(':').map(Number);
  return w.day * 1440 + (h || 0) * 60 + (m || 0) - 600;
}

export function triggerText(t: PlanBody['trigger'], tagName?: (id: string) => string | undefined): string {
  if (t.kind === 'manual') return '只由人員加入';
  if (t.kind === 'tag') return `加上標籤「${tagName?.(t.tagId) ?? '（已刪除的標籤）'}」時`;
  const parts = [
    t.visitTypes.length ? `看診類別 ${t.visitTypes.join('、')}` : '',
    t.treatmentCodes.length ? `處置代碼 ${t.treatmentCodes.join('、')}` : '',
  ].filter(Boolean);
  return `看診完成：${parts.join('，或') || '（未設定）'}`;
}

export const emptyStep = (day = 1): Step => ({
  when: { kind: 'day', day, at: '10:00' },
  text: '{name} 您好，',
  imageId: null,
  articleId: null,
  checkIn: {
    question: '目前狀況還好嗎？',
    options: [
      { label: '還好', route: 'fine' },
      { label: '有點腫', route: 'worrying' },
      { label: '很痛，想問醫師', route: 'call' },
    ],
  },
});

/** Steps at the same moment, as the server refuses them: "第 1 步與第 2 步". */
export function overlaps(steps: Step[]): string | null {
  const seen = new Map<number, number>();
  for (const [i, s] of steps.entries()) {
    const m = refMinutes(s.when);
    const j = seen.get(m);
    if (j !== undefined) return `第 ${j + 1} 步與第 ${i + 1} 步會在同一時間發送（${whenText(s.when)}），請錯開時間`;
    seen.set(m, i);
  }
  return null;
}

/** The sample values the preview fills in. */
export const fillPreview = (text: string, clinic: { name: string; phone: string }) =>
  text.replaceAll('{name}', '王小明').replaceAll('{clinic}', clinic.name).replaceAll('{phone}', clinic.phone);
