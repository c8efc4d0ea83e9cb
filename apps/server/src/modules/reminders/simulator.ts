// The rule simulator of the 提醒規則 page: "a visit on this date and time, with this doctor and
// visit type, booked now — when would each rule send, and why?" It runs the real planner on
// the clinic's calendar and time zone, with the saved settings or an unsaved draft from the
// editor, and saves nothing. The planner's `now` is the booking moment: the question is what
// the rules do for a booking made then, not what is left of them today.
import { Type, type Static } from 'typebox';
import type { Deps } from '../../platform/deps.ts';
import { errors, type ErrorDetail } from '../../platform/errors.ts';
import { isDate, localParts, longDate, zonedTime } from '../../platform/time.ts';
import { loadClinicCalendar } from '../calendar/service.ts';
import { doctorByHisId } from '../doctors/service.ts';
import { planReminders, type PlannedReminder } from './planner.ts';
import { checkSettings, explainRule, normalizeSettings, type ReminderSettings } from './rules.ts';
import { SettingsBody } from './schemas.ts';
import { loadSettings, loadTemplates } from './service.ts';

export const SimulateBody = Type.Object(
  {
    /** An unsaved draft of the whole settings document; missing = the saved settings. */
    settings: Type.Optional(SettingsBody),
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: '看診日期（診所當地，YYYY-MM-DD）' }),
    time: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: '看診時間（診所當地，HH:MM）' }),
    doctorId: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], { description: 'HIS 醫師代碼' }),
    ),
    visitType: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 50 }), Type.Null()], {
        description: '看診類別，例如「植牙」',
      }),
    ),
    bookedAt: Type.Optional(Type.String({ format: 'date-time', description: '預約建立時間（RFC 3339）；省略＝現在' })),
  },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const SimulateResponse = Type.Object({
  timeZone: Type.String({ description: '診所時區' }),
  visit: Type.Object({
    startsAt: Type.String(),
    label: Type.String({ description: '例如 2026年3月16日（星期一） 10:00' }),
  }),
  bookedAt: Type.Object({ at: Type.String(), label: Type.String() }),
  items: Type.Array(
    Type.Object({
      ruleId: Type.String(),
      ruleName: Type.String(),
      kind: Type.String(),
      essential: Type.Boolean(),
      templateId: Type.String(),
      dueAt: Nullable(Type.String({ description: '發送時間（ISO 8601 UTC）；略過時為 null' })),
      dueLabel: Nullable(Type.String({ description: '發送時間（診所時區，含日期與星期）' })),
      skipped: Type.Boolean(),
      reason: Nullable(
        Type.String({
          description:
            '略過原因：disabled 停用或例外設定、visit_type 看診類別不適用、after_visit 晚於看診、past 已過、merged 已合併',
        }),
      ),
      explanation: Type.String({ description: '為什麼是這個時間（與排程時寫入的說明相同）' }),
      ruleExplanation: Type.String({
        description: '這條規則的白話說明（依傳入的規則，與 GET /rules 的 explanation 相同）',
      }),
    }),
  ),
});

export type SimulateInput = Static<typeof SimulateBody>;
type Item = Static<typeof SimulateResponse>['items'][number];

export async function simulateRules(deps: Deps, clinicId: string, input: SimulateInput) {
  const [saved, templates, { calendar, timeZone }, doctor] = await Promise.all([
    loadSettings(deps.db, clinicId),
    loadTemplates(deps.db, clinicId),
    loadClinicCalendar(deps, clinicId),
    input.doctorId ? doctorByHisId(deps.db, clinicId, input.doctorId) : undefined,
  ]);
  const d: ErrorDetail[] = [];
  let settings: ReminderSettings = saved;
  if (input.settings) {
    settings = normalizeSettings({
      ...input.settings,
      preparations: input.settings.preparations ?? saved.preparations,
    });
    d.push(
      ...checkSettings(
        settings,
        templates.map((t) => t.id),
        'settings.',
      ),
    );
  }
  const now = deps.clock.now();
  const bookedAt = input.bookedAt ? new Date(input.bookedAt) : now;
  let start: Date | null = null;
  if (!isDate(input.date))
    d.push({ field: 'date', code: 'date', message: `沒有 ${input.date} 這一天，請重新選擇日期` });
  else {
    start = zonedTime(input.date, input.time, timeZone);
    if (start <= now) d.push({ field: 'date', code: 'past', message: '看診時間已過，請選擇未來的日期與時間' });
    else if (bookedAt >= start)
      d.push({ field: 'bookedAt', code: 'after_visit', message: '預約建立時間須早於看診時間' });
  }
  if (d.length || !start) throw errors.validation(d, '無法模擬：請檢查標示的欄位');

  const label = (at: Date) => {
    const l = localParts(at, timeZone);
    return `${longDate(l.date)} ${l.time}`;
  };
  const planned = planReminders({
    appointment: {
      startsAt: start.toISOString(),
      bookedAt: bookedAt.toISOString(),
      bookingMessage: true,
      status: 'booked',
      visitType: input.visitType ?? null,
      doctorId: input.doctorId ?? null,
      doctorName: doctor?.name ?? null,
    },
    rules: settings,
    clinicCalendar: calendar,
    timeZone,
    now: bookedAt,
  });
  const byId = new Map<string, PlannedReminder>(planned.map((p) => [p.ruleId, p]));
  const items: Item[] = settings.rules.map((r) => {
    const p = byId.get(r.id);
    const base = {
      ruleId: r.id,
      ruleName: r.name,
      kind: r.kind,
      essential: r.essential,
      templateId: r.templateId,
      ruleExplanation: explainRule(r, settings),
    };
    if (p)
      return {
        ...base,
        templateId: p.templateId,
        dueAt: p.dueAt,
        dueLabel: p.dueAt ? label(new Date(p.dueAt)) : null,
        skipped: p.skipped,
        reason: p.reason,
        explanation: p.explanation,
      };
    // The planner leaves out rules that never apply to this visit; the simulator says why.
    const explanation = !r.enabled
      ? '此規則已停用，不發送'
      : `只用於看診類別：${r.visitTypes!.join('、')}；${input.visitType ? `「${input.visitType}」` : '未指定類別'}不適用，不發送`;
    return {
      ...base,
      dueAt: null,
      dueLabel: null,
      skipped: true,
      reason: r.enabled ? 'visit_type' : 'disabled',
      explanation,
    };
  });
  return {
    timeZone,
    visit: { startsAt: start.toISOString(), label: label(start) },
    bookedAt: { at: bookedAt.toISOString(), label: label(bookedAt) },
    items,
  };
}
