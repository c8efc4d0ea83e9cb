// The calendar of a clinic from the database: imported official CSVs (clinic scope, then
// platform scope, then the shipped data), the clinic's business-hour weekdays and its own
// closures / extra working days. Changing closures or imports replans the clinic's future
// reminders (a `reminders.replan_clinic` job).
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { enqueueJob, jobType } from '../../platform/jobs.ts';
import {
  buildClinicCalendar,
  CalendarCsvError,
  datesOfYear,
  governmentCalendar,
  parseOfficialCsv,
  type ClinicCalendar,
  type ClinicOverride,
  type DayCategory,
  type ParsedCsv,
} from './calendar.ts';
import type { CalendarEntry } from './data.ts';
import { SHIPPED_CALENDAR, SHIPPED_VERIFIED } from './data.ts';
import { isDate, weekdayOf } from '../../platform/time.ts';
import { clinicService } from '../clinics/service.ts';
import { calendarRepository } from './repository.ts';

/** Replans a clinic's future reminders; the reminder engine registers the handler. */
export const REPLAN_CLINIC_JOB = jobType({
  type: 'reminders.replan_clinic',
  defaults: { priority: 'bulk' },
  payload: Type.Object({ why: Type.String() }),
});

/** Enqueues one replan of all future appointments of the clinic (coalesced per second). */
export async function enqueueClinicReplan(
  deps: Deps,
  clinicId: string,
  why: string,
  db: Kysely<DB> = deps.db,
): Promise<void> {
  const now = deps.clock.now();
  await enqueueJob(
    db,
    deps.clock,
    REPLAN_CLINIC_JOB,
    { why },
    {
      clinicId,
      runAt: new Date(now.getTime() + 1000),
      idempotencyKey: `${REPLAN_CLINIC_JOB.type}:${clinicId}:${Math.floor(now.getTime() / 1000)}`,
      orderingKey: `reminders-replan:${clinicId}`,
    },
  );
}

/**
 * A change to a clinic's calendar that has not been made: what the reminder engine replans
 * with to answer "this will move N planned reminders" before the admin confirms.
 */
export type CalendarChange =
  | { action: 'add'; date: string; kind: 'closed' | 'open'; note?: string }
  | { action: 'remove'; id: string }
  | { action: 'import'; year: number; entries: CalendarEntry[] };

/** The imported years in force for a scope: the clinic's own over the platform's (scope ''). */
function importedYears(imports: { scope: string; year: number; entries: string }[], scope: string) {
  const byYear: Record<number, CalendarEntry[]> = {};
  for (const i of imports.filter((x) => x.scope === '')) byYear[Number(i.year)] = JSON.parse(i.entries);
  if (scope) for (const i of imports.filter((x) => x.scope === scope)) byYear[Number(i.year)] = JSON.parse(i.entries);
  return byYear;
}

/**
 * The working-day calendar of a clinic and its time zone (what reminder planning needs); with
 * `change`, the calendar as it would be after that change (nothing is saved).
 */
export async function loadClinicCalendar(
  deps: Deps,
  clinicId: string,
  change?: CalendarChange,
): Promise<{ calendar: ClinicCalendar; timeZone: string }> {
  const [clinic, imports, rows] = await Promise.all([
    clinicService(deps).get(clinicId),
    calendarRepository(deps.db).imports(clinicId),
    calendarRepository(deps.db).overrides(clinicId),
  ]);
  const byYear = importedYears(imports, clinicId);
  let overrides = rows.map((o) => ({ id: o.id, date: o.date, kind: o.kind as ClinicOverride['kind'], note: o.note }));
  if (change?.action === 'add') {
    checkOverrideDate(change.date);
    overrides = [
      ...overrides.filter((o) => o.date !== change.date),
      { id: '', date: change.date, kind: change.kind, note: (change.note ?? '').trim() },
    ];
  } else if (change?.action === 'remove') {
    if (!overrides.some((o) => o.id === change.id)) throw errors.notFound('休診／加診日');
    overrides = overrides.filter((o) => o.id !== change.id);
  } else if (change?.action === 'import') byYear[change.year] = change.entries;
  const calendar = buildClinicCalendar({
    openWeekdays: [...new Set(clinic.businessHours.map((h) => h.weekday))],
    government: governmentCalendar(byYear),
    overrides,
  });
  return { calendar, timeZone: clinic.timeZone };
}

function checkOverrideDate(date: string): void {
  if (!isDate(date)) throw errors.validation([{ field: 'date', code: 'date', message: '日期格式應為 YYYY-MM-DD' }]);
}

/**
 * Reads an uploaded official CSV for `year` (text, or Base64 bytes in Big5 or UTF-8); a bad
 * file is refused with 422 INVALID_CALENDAR_CSV, the kind of problem in details[0].code.
 */
export function parseCalendarUpload(input: { year: number; csv?: string; csvBase64?: string }): ParsedCsv {
  if (!input.csv && !input.csvBase64)
    throw errors.validation([
      { field: 'csv', code: 'required', message: '請提供 csv（文字）或 csvBase64（Big5 檔案請用這個）' },
    ]);
  try {
    return parseOfficialCsv(input.csvBase64 ? Buffer.from(input.csvBase64, 'base64') : input.csv!, input.year);
  } catch (err) {
    if (!(err instanceof CalendarCsvError)) throw err;
    throw new AppError('INVALID_CALENDAR_CSV', 422, `無法匯入辦公日曆表：${err.message}`, [
      { field: err.problem === 'wrong_year' ? 'year' : 'csv', code: err.problem, message: err.message },
    ]);
  }
}

const CATEGORIES: DayCategory[] = [
  'holiday',
  'observed',
  'makeup_workday',
  'weekly_closed',
  'clinic_closed',
  'clinic_open',
  'working',
];

export function calendarService(deps: Deps) {
  const repo = calendarRepository(deps.db);
  const now = () => deps.clock.now().toISOString();
  return {
    /** The days of a month (or range) with working/closed and the reason, for the calendar screen. */
    async days(clinicId: string, from: string, to: string) {
      if (!isDate(from) || !isDate(to) || to < from)
        throw errors.validation([{ field: 'from', code: 'date', message: '日期區間不正確（YYYY-MM-DD，from ≤ to）' }]);
      const span = (new Date(to).getTime() - new Date(from).getTime()) / 86_400_000;
      if (span > 400) throw errors.validation([{ field: 'to', code: 'range', message: '一次最多查詢 400 天' }]);
      const { calendar } = await loadClinicCalendar(deps, clinicId);
      const out = [];
      for (
        let d = new Date(`${from}T00:00:00Z`);
        d <= new Date(`${to}T00:00:00Z`);
        d = new Date(d.getTime() + 86_400_000)
      )
        out.push(calendar.describe(d.toISOString().slice(0, 10)));
      return out;
    },

    /** Every day of a year with its category and reason, and where the government calendar comes from. */
    async year(clinicId: string, year: number) {
      const [{ calendar }, sources] = await Promise.all([loadClinicCalendar(deps, clinicId), this.years(clinicId)]);
      const items = datesOfYear(year).map((d) => calendar.describe(d));
      const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<DayCategory, number>;
      for (const d of items) counts[d.category]++;
      const source = sources.find((y) => y.year === year);
      return {
        year,
        source: source?.source ?? ('none' as const),
        provisional: !source || (source.source === 'shipped' && !SHIPPED_VERIFIED.has(year)),
        importedAt: source?.importedAt ?? null,
        counts,
        items,
      };
    },

    /**
     * What importing a CSV would change, against the government calendar in force for the same
     * scope and year (days that become off or working, days renamed); nothing is saved.
     */
    async previewImport(scope: string, input: { year: number; csv?: string; csvBase64?: string }) {
      const parsed = parseCalendarUpload(input);
      const imports = await repo.imports(scope);
      const inForce = importedYears(imports, scope)[parsed.year] ?? SHIPPED_CALENDAR[parsed.year] ?? null;
      const mine = imports.find((i) => Number(i.year) === parsed.year && scope && i.scope === scope);
      const platform = imports.find((i) => Number(i.year) === parsed.year && i.scope === '');
      const before = new Map((inForce ?? []).map((e) => [e.date, e]));
      const after = new Map(parsed.entries.map((e) => [e.date, e]));
      const changes = [];
      for (const date of datesOfYear(parsed.year)) {
        const weekend = weekdayOf(date) === 0 || weekdayOf(date) === 6;
        const b = before.get(date);
        const a = after.get(date);
        const was = { off: b ? b.off : weekend, name: b?.name ?? '' };
        const now = { off: a ? a.off : weekend, name: a?.name ?? '' };
        if (was.off !== now.off)
          changes.push({
            date,
            change: now.off ? ('becomes_off' as const) : ('becomes_working' as const),
            before: was,
            after: now,
          });
        else if (was.name !== now.name) changes.push({ date, change: 'renamed' as const, before: was, after: now });
      }
      return {
        year: parsed.year,
        days: parsed.days,
        daysOff: parsed.entries.filter((e) => e.off).length,
        makeUpWorkdays: parsed.entries.filter((e) => !e.off).length,
        current: mine
          ? ('clinic_import' as const)
          : platform
            ? ('platform_import' as const)
            : inForce
              ? ('shipped' as const)
              : ('none' as const),
        changes,
      };
    },

    async years(clinicId: string) {
      const imports = await repo.imports(clinicId);
      const years = new Set<number>([
        ...Object.keys(SHIPPED_CALENDAR).map(Number),
        ...imports.map((i) => Number(i.year)),
      ]);
      return [...years].sort().map((year) => {
        const mine = imports.find((i) => Number(i.year) === year && i.scope === clinicId);
        const platform = imports.find((i) => Number(i.year) === year && i.scope === '');
        const used = mine ?? platform;
        return {
          year,
          source: mine ? ('clinic_import' as const) : platform ? ('platform_import' as const) : ('shipped' as const),
          importedAt: used?.imported_at ?? null,
          importedBy: used?.imported_by ?? null,
        };
      });
    },

    /** Imports an official yearly CSV; a platform operator imports for every clinic, an admin for their clinic. */
    async importCsv(
      scope: string,
      input: { year: number; csv?: string; csvBase64?: string },
      actor: Actor,
      ip: string,
    ) {
      const parsed = parseCalendarUpload(input);
      const row = {
        scope,
        year: parsed.year,
        days: parsed.days,
        entries: JSON.stringify(parsed.entries),
        imported_by: actor.label,
        imported_at: now(),
      };
      const clinics = scope ? [] : (await clinicService(deps).list()).filter((c) => c.status === 'active');
      // The year, its audit row and the replans go together or not at all.
      await deps.db.transaction().execute(async (trx) => {
        await calendarRepository(trx).saveImport(row);
        await recordAudit(trx, deps.clock, {
          clinicId: scope || null,
          actor,
          action: 'calendar.imported',
          entityType: 'calendar',
          entityId: String(parsed.year),
          ip,
          detail: { days: parsed.days, exceptions: parsed.entries.length, scope: scope ? 'clinic' : 'platform' },
        });
        if (scope) await enqueueClinicReplan(deps, scope, 'calendar_import', trx);
        for (const c of clinics) await enqueueClinicReplan(deps, c.id, 'calendar_import', trx);
      });
      return {
        year: parsed.year,
        days: parsed.days,
        daysOff: parsed.entries.filter((e) => e.off).length,
        makeUpWorkdays: parsed.entries.filter((e) => !e.off).length,
        entries: parsed.entries,
      };
    },

    async listOverrides(clinicId: string, from?: string) {
      const rows = await repo.overrides(clinicId, from);
      return rows.map((r) => ({
        id: r.id,
        date: r.date,
        kind: r.kind as 'closed' | 'open',
        note: r.note,
        createdBy: r.created_by,
        createdAt: r.created_at,
      }));
    },

    async addOverride(
      clinicId: string,
      input: { date: string; kind: 'closed' | 'open'; note?: string },
      actor: Actor,
      ip: string,
    ) {
      checkOverrideDate(input.date);
      const row = {
        id: newId(),
        clinic_id: clinicId,
        date: input.date,
        kind: input.kind,
        note: (input.note ?? '').trim(),
        created_by: actor.label,
        created_at: now(),
      };
      await deps.db.transaction().execute(async (trx) => {
        await calendarRepository(trx).saveOverride(row);
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'calendar.override_saved',
          entityType: 'calendar_override',
          entityId: input.date,
          ip,
          detail: { kind: input.kind, note: row.note },
        });
        await enqueueClinicReplan(deps, clinicId, 'closure', trx);
      });
      const saved = (await this.listOverrides(clinicId)).find((o) => o.date === input.date)!;
      return saved;
    },

    async deleteOverride(clinicId: string, id: string, actor: Actor, ip: string) {
      await deps.db.transaction().execute(async (trx) => {
        if ((await calendarRepository(trx).deleteOverride(clinicId, id)) === 0) throw errors.notFound('休診／加診日');
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'calendar.override_deleted',
          entityType: 'calendar_override',
          entityId: id,
          ip,
        });
        await enqueueClinicReplan(deps, clinicId, 'closure', trx);
      });
    },
  };
}
