// The calendar of a clinic from the database: imported official CSVs (clinic scope, then
// platform scope, then the shipped data), the clinic's business-hour weekdays and its own
// closures / extra working days. Changing closures or imports replans the clinic's future
// reminders (a `reminders.replan_clinic` job).
import { Type } from 'typebox';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { enqueueJob, jobType } from '../../platform/jobs.ts';
import {
  buildClinicCalendar,
  governmentCalendar,
  parseOfficialCsv,
  type ClinicCalendar,
  type ClinicOverride,
} from './calendar.ts';
import type { CalendarEntry } from './data.ts';
import { SHIPPED_CALENDAR } from './data.ts';
import { isDate } from '../../platform/time.ts';
import { clinicService } from '../clinics/service.ts';
import { calendarRepository } from './repository.ts';

/** Replans a clinic's future reminders; the reminder engine registers the handler. */
export const REPLAN_CLINIC_JOB = jobType({
  type: 'reminders.replan_clinic',
  defaults: { priority: 'bulk' },
  payload: Type.Object({ why: Type.String() }),
});

/** Enqueues one replan of all future appointments of the clinic (coalesced per second). */
export async function enqueueClinicReplan(deps: Deps, clinicId: string, why: string): Promise<void> {
  const now = deps.clock.now();
  await enqueueJob(
    deps.db,
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

/** The working-day calendar of a clinic and its time zone (what reminder planning needs). */
export async function loadClinicCalendar(
  deps: Deps,
  clinicId: string,
): Promise<{ calendar: ClinicCalendar; timeZone: string }> {
  const [clinic, imports, overrides] = await Promise.all([
    clinicService(deps).get(clinicId),
    calendarRepository(deps.db).imports(clinicId),
    calendarRepository(deps.db).overrides(clinicId),
  ]);
  const byYear: Record<number, CalendarEntry[]> = {};
  for (const i of imports.filter((x) => x.scope === '')) byYear[Number(i.year)] = JSON.parse(i.entries);
  for (const i of imports.filter((x) => x.scope === clinicId)) byYear[Number(i.year)] = JSON.parse(i.entries);
  const calendar = buildClinicCalendar({
    openWeekdays: [...new Set(clinic.businessHours.map((h) => h.weekday))],
    government: governmentCalendar(byYear),
    overrides: overrides.map((o) => ({ date: o.date, kind: o.kind as ClinicOverride['kind'], note: o.note })),
  });
  return { calendar, timeZone: clinic.timeZone };
}

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
      if (!input.csv && !input.csvBase64)
        throw errors.validation([
          { field: 'csv', code: 'required', message: '請提供 csv（文字）或 csvBase64（Big5 檔案請用這個）' },
        ]);
      let parsed;
      try {
        parsed = parseOfficialCsv(input.csvBase64 ? Buffer.from(input.csvBase64, 'base64') : input.csv!, input.year);
      } catch (err) {
        throw new AppError(
          'INVALID_CALENDAR_CSV',
          422,
          `無法匯入辦公日曆表：${err instanceof Error ? err.message : String(err)}`,
        );
      }
      const row = {
        scope,
        year: parsed.year,
        days: parsed.days,
        entries: JSON.stringify(parsed.entries),
        imported_by: actor.label,
        imported_at: now(),
      };
      await repo.saveImport(row);
      await recordAudit(deps.db, deps.clock, {
        clinicId: scope || null,
        actor,
        action: 'calendar.imported',
        entityType: 'calendar',
        entityId: String(parsed.year),
        ip,
        detail: { days: parsed.days, exceptions: parsed.entries.length, scope: scope ? 'clinic' : 'platform' },
      });
      if (scope) await enqueueClinicReplan(deps, scope, 'calendar_import');
      else {
        const clinics = (await clinicService(deps).list()).filter((c) => c.status === 'active');
        for (const c of clinics) await enqueueClinicReplan(deps, c.id, 'calendar_import');
      }
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
      if (!isDate(input.date))
        throw errors.validation([{ field: 'date', code: 'date', message: '日期格式應為 YYYY-MM-DD' }]);
      const row = {
        id: newId(),
        clinic_id: clinicId,
        date: input.date,
        kind: input.kind,
        note: (input.note ?? '').trim(),
        created_by: actor.label,
        created_at: now(),
      };
      await repo.saveOverride(row);
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'calendar.override_saved',
        entityType: 'calendar_override',
        entityId: input.date,
        ip,
        detail: { kind: input.kind, note: row.note },
      });
      await enqueueClinicReplan(deps, clinicId, 'closure');
      const saved = (await this.listOverrides(clinicId)).find((o) => o.date === input.date)!;
      return saved;
    },

    async deleteOverride(clinicId: string, id: string, actor: Actor, ip: string) {
      if ((await repo.deleteOverride(clinicId, id)) === 0) throw errors.notFound('休診／加診日');
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'calendar.override_deleted',
        entityType: 'calendar_override',
        entityId: id,
        ip,
      });
      await enqueueClinicReplan(deps, clinicId, 'closure');
    },
  };
}
