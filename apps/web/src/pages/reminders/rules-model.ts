// The 提醒規則 page's document model: the settings as the API sends them, the labels of rule
// kinds and weekdays, and the server's per-field errors keyed by their dotted path.
import { ApiError, type Schema } from '../../api.ts';

export type Settings = Schema<'ReminderSettings'>;
export type Rule = Settings['rules'][number];
export type Override = Settings['overrides'][number];
export type RuleKind = Rule['kind'];

export const KIND_LABEL: Record<RuleKind, string> = {
  booking: '預約當日',
  hours_before: '看診前 N 小時',
  days_before: '看診前 N 天',
  visit_day: '看診當天',
};

/** Monday first, as a Taiwan calendar reads; values are the API's 0 = Sunday … 6 = Saturday. */
export const WEEKDAYS = [
  { value: 1, label: '一' },
  { value: 2, label: '二' },
  { value: 3, label: '三' },
  { value: 4, label: '四' },
  { value: 5, label: '五' },
  { value: 6, label: '六' },
  { value: 0, label: '日' },
];

/** A short label of when a rule sends ("48 小時前", "3 天前 10:00"). */
export function whenLabel(r: Rule): string {
  switch (r.kind) {
    case 'booking':
      return r.mode === 'at' ? `預約當日 ${r.at ?? ''}` : '預約後立即';
    case 'hours_before':
      return `看診前 ${r.hours ?? '?'} 小時`;
    case 'days_before':
      return `看診前 ${r.days ?? '?'} 天 ${r.at ?? ''}`;
    case 'visit_day':
      return `看診當天 ${r.at ?? ''}`;
  }
}

/** The document without the read-only explanations, as it is sent back. */
export function stripped(s: Settings): Settings {
  // Without the preparation notes: the 訊息範本 page edits them one visit type at a time, and a
  // rules document without them keeps the stored ones (no overwriting with what was loaded).
  const { preparations: _p, ...rest } = s;
  return { ...rest, rules: s.rules.map(({ explanation: _e, ...r }) => r) };
}

/** Only the keys a rule of this kind uses (a kind change leaves no stale hours or days behind). */
export function cleanRule(r: Rule): Rule {
  const { mode, at, hours, days, visitTypes, skipWeekdays, ...rest } = r;
  const out: Rule = { ...rest };
  if (r.kind === 'booking') {
    out.mode = mode ?? 'immediate';
    if (out.mode === 'at') out.at = at;
  }
  if (r.kind === 'hours_before') out.hours = hours;
  if (r.kind === 'days_before') Object.assign(out, { days, at });
  if (r.kind === 'visit_day') out.at = at;
  if (visitTypes?.length) out.visitTypes = visitTypes;
  if (skipWeekdays?.length) out.skipWeekdays = [...skipWeekdays].sort((a, b) => a - b);
  return out;
}

export function newRuleId(kind: RuleKind, taken: string[]): string {
  const base = { booking: 'booking', hours_before: 'hours', days_before: 'days', visit_day: 'visit-day' }[kind];
  for (let i = 2; ; i++) if (!taken.includes(`${base}-${i}`)) return `${base}-${i}`;
}

export type FieldErrors = Record<string, string[]>;

export function fieldErrorsOf(err: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!(err instanceof ApiError)) return out;
  for (const d of err.details) {
    if (!d.field) continue;
    (out[d.field] ??= []).push(d.message);
  }
  return out;
}

/** The messages of a field and everything under it ("rules.1" → rules.1, rules.1.hours …). */
export function errorsUnder(errs: FieldErrors, prefix: string): string[] {
  return Object.entries(errs)
    .filter(([f]) => f === prefix || f.startsWith(`${prefix}.`))
    .flatMap(([, m]) => m);
}
