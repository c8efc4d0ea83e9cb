// What a change to the clinic's working-day calendar would do to its planned reminders, before
// the admin confirms it: a closure (a typhoon day), an extra open day, removing one of them, or
// importing an official calendar year. The planner runs with the calendar as it would be, for
// every future booked appointment, and the result is compared with the rows the reminder
// engine holds now, the way planAppointment (service.ts) would replan them on confirming:
//   - a planned row whose due time changes            → moved (old → new send time);
//   - a planned row that the plan now skips           → skipped, with the planner's reason;
//   - a skipped or cancelled rule row planned again   → scheduled;
//   - a planned row already due (reason 'past') stays, as planAppointment keeps it.
// Appointments whose current version has no rows yet (their plan job has not run) are left out:
// that plan happens with or without the change. Nothing is saved.
import { Type, type Static } from 'typebox';
import { clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { appointmentsToRemind, bookedAppointmentIdsAfter } from '../appointments/for-reminders.ts';
import { loadClinicCalendar, parseCalendarUpload, type CalendarChange } from '../calendar/service.ts';
import { calendarImpactRepository } from './calendar-impact.repository.ts';
import { loadSettings, planFromRows } from './service.ts';

const DateStr = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD（診所所在時區的日期）' });

export const CalendarImpactBody = Type.Union(
  [
    Type.Object(
      {
        action: Type.Literal('add', { description: '新增（或取代同一天的）休診日／加開日' }),
        date: DateStr,
        kind: Type.Union([Type.Literal('closed'), Type.Literal('open')], { description: 'closed 休診／open 加開' }),
        note: Type.Optional(Type.String({ maxLength: 100, description: '原因，例如「颱風停診」' })),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        action: Type.Literal('remove', { description: '刪除一筆休診日／加開日' }),
        id: Type.String({ maxLength: 64, description: '休診日／加開日的 id' }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        action: Type.Literal('import', { description: '匯入一整年的政府行政機關辦公日曆表（本診所）' }),
        year: Type.Integer({ minimum: 2000, maximum: 2100, description: '西元年，須與檔案內容相符' }),
        csv: Type.Optional(Type.String({ maxLength: 200_000, description: 'CSV 文字（UTF-8）' })),
        csvBase64: Type.Optional(
          Type.String({ maxLength: 300_000, description: 'CSV 檔案內容（Big5 或 UTF-8）的 Base64' }),
        ),
      },
      { additionalProperties: false },
    ),
  ],
  { description: '要試算的行事曆變更（不會儲存）' },
);

const ImpactItem = Type.Object({
  appointmentId: Type.String(),
  visitId: Type.String({ description: 'HIS 的預約編號' }),
  patientName: Type.Union([Type.String(), Type.Null()]),
  doctorName: Type.Union([Type.String(), Type.Null()]),
  startsAt: Type.String({ description: '看診時間' }),
  ruleName: Type.String(),
  change: Type.Union([Type.Literal('moved'), Type.Literal('skipped'), Type.Literal('scheduled')], {
    description: 'moved 改到新的發送時間；skipped 不再發送（原因見 explanation）；scheduled 原本不發送、改為排程發送',
  }),
  oldDueAt: Type.Union([Type.String(), Type.Null()], { description: '目前排定的發送時間' }),
  newDueAt: Type.Union([Type.String(), Type.Null()], { description: '變更後的發送時間；不再發送時為 null' }),
  explanation: Type.String({ description: '變更後排程器的說明（為什麼是這個時間，或為什麼不發送）' }),
});

export const CalendarImpactResponse = Type.Object({
  affected: Type.Integer({ description: '會改變的已排程提醒數（moved + skipped），即「將移動 N 則已排程的提醒」的 N' }),
  moved: Type.Integer(),
  skipped: Type.Integer(),
  scheduled: Type.Integer(),
  appointments: Type.Integer({ description: '試算的未來預約數' }),
  message: Type.String({ description: '給人看的摘要（中文）' }),
  items: Type.Array(ImpactItem, { description: '受影響的提醒，依原發送時間排序' }),
});

export type CalendarImpact = Static<typeof CalendarImpactResponse>;

/** What the change would do to the clinic's planned reminders; nothing is saved. */
export async function calendarImpact(deps: Deps, clinicId: string, change: CalendarChange): Promise<CalendarImpact> {
  const [settings, cal] = await Promise.all([
    loadSettings(deps.db, clinicId),
    loadClinicCalendar(deps, clinicId, change),
  ]);
  const now = deps.clock.now();
  const ids = await bookedAppointmentIdsAfter(deps.db, clinicId, now.toISOString());
  const rows = await calendarImpactRepository(deps.db).ruleRowsOf(clinicId, ids);
  const rowsOf = new Map<string, typeof rows>();
  for (const r of rows) rowsOf.set(r.appointment_id, [...(rowsOf.get(r.appointment_id) ?? []), r]);
  const withRows = ids.filter((id) => rowsOf.has(id));
  const appointments = [];
  for (let i = 0; i < withRows.length; i += 500)
    appointments.push(...(await appointmentsToRemind(deps.db, clinicId, withRows.slice(i, i + 500))));

  const items: CalendarImpact['items'] = [];
  for (const a of appointments) {
    if (a.status !== 'booked') continue;
    const version = Number(a.version);
    const mine = rowsOf.get(a.id) ?? [];
    const current = new Map(mine.filter((r) => Number(r.appointment_version) === version).map((r) => [r.rule_id, r]));
    if (!current.size) continue;
    const plan = planFromRows(a, mine, settings, cal, now);
    for (const p of plan) {
      const existing = current.get(p.ruleId);
      if (!existing) continue;
      let change: CalendarImpact['items'][number]['change'] | null = null;
      if (existing.state === 'planned') {
        if (p.reason === 'past') continue;
        if (p.skipped) change = 'skipped';
        else if (existing.due_at !== p.dueAt) change = 'moved';
      } else if ((existing.state === 'skipped' || existing.state === 'cancelled') && !p.skipped) change = 'scheduled';
      if (!change) continue;
      items.push({
        appointmentId: a.id,
        visitId: a.his_id,
        patientName: a.patient?.name ?? null,
        doctorName: a.doctor?.name ?? null,
        startsAt: a.starts_at,
        ruleName: p.ruleName,
        change,
        oldDueAt: existing.state === 'planned' ? existing.due_at : null,
        newDueAt: p.dueAt,
        explanation: p.explanation,
      });
    }
  }
  items.sort((x, y) => ((x.oldDueAt ?? x.newDueAt ?? '') < (y.oldDueAt ?? y.newDueAt ?? '') ? -1 : 1));
  const count = (c: string) => items.filter((i) => i.change === c).length;
  const moved = count('moved'),
    skipped = count('skipped'),
    scheduled = count('scheduled');
  const parts = [
    moved + skipped ? `將移動 ${moved + skipped} 則已排程的提醒` : '不會移動任何已排程的提醒',
    ...(skipped ? [`其中 ${skipped} 則將不再發送`] : []),
    ...(scheduled ? [`另有 ${scheduled} 則原本不發送的提醒將排程發送`] : []),
  ];
  return {
    affected: moved + skipped,
    moved,
    skipped,
    scheduled,
    appointments: withRows.length,
    message: parts.join('；'),
    items,
  };
}

/** The dry-run route (registered by reminderRoutes: the calendar module cannot import reminders). */
export function calendarImpactRoutes(app: App, deps: Deps): void {
  const admin = requireStaff(deps, ['admin']);
  app.post(
    '/api/reminders/calendar-impact',
    {
      schema: {
        tags: ['後台：行事曆（國定假日、休診日）'],
        summary: '試算行事曆變更對提醒的影響（不會儲存）',
        description:
          '在新增或刪除休診日／加開日、或匯入辦公日曆表之前，以變更後的行事曆重新排程本診所所有未來預約的提醒，' +
          '列出會改變的已排程提醒（病患、預約、原發送時間 → 新發送時間，或不再發送的原因）。不會儲存任何資料；' +
          '確認後再呼叫新增／刪除休診日或匯入的 API，系統會依相同規則重新排程。',
        body: CalendarImpactBody,
        response: { 200: CalendarImpactResponse, ...errorResponses(400, 401, 403, 404, 422) },
      },
      preHandler: admin,
    },
    async (req) => {
      const b = req.body;
      const change: CalendarChange =
        b.action === 'import'
          ? { action: 'import', year: b.year, entries: parseCalendarUpload(b).entries }
          : b.action === 'add'
            ? { action: 'add', date: b.date, kind: b.kind, note: b.note }
            : { action: 'remove', id: b.id };
      return calendarImpact(deps, clinicOf(req), change);
    },
  );
}
