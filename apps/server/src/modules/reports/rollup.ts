// The daily roll-ups behind every report page, kept by one job per clinic (`reports.rollup`):
//
// - First run (no state, or rows built by older definitions: ROLLUP_VERSION): the whole history,
//   from the clinic's first appointment or LINE message to today, a calendar month per
//   transaction. Until it is done the KPIs say `building`.
// - Every hour after: the last WINDOW_DAYS days (late HIS outcomes, answers, complaint steps),
//   plus every day an appointment changed on since the previous run — an HIS resync that sends
//   old visits again rebuilds exactly the history it touched (the appointments' updated_at index).
//
// Days are the clinic's local days (platform/time.ts); counts only (integers), so the rows and
// the KPIs read from them are the same on SQLite and PostgreSQL.
import { Type } from 'typebox';
import { writeTransaction } from '../../db/write-transaction.ts';
import type { Deps } from '../../platform/deps.ts';
import { defineJob, enqueueJob, jobType, type JobDefinition } from '../../platform/jobs.ts';
import { addDays, localParts, zonedTime } from '../../platform/time.ts';
import type { Outcome } from '../appointments/outcome.ts';
import { clinicService } from '../clinics/service.ts';
import { ANSWER_GRACE_DAYS, lineMetrics } from '../line/metrics.ts';
import { refillStats } from '../waitlist/service.ts';
import { CLINIC_COLUMNS, VISIT_COLUMNS, type VisitSums } from './kpis.ts';
import { monthChunks } from './periods.ts';
import { reportRepository, type ClinicDailyRow, type Slice, type VisitDailyRow } from './repository.ts';
import { rollupRepository } from './rollup.repository.ts';

/** Bump when a roll-up column's meaning changes: every clinic's history is rebuilt once. */
export const ROLLUP_VERSION = 2;
export const REFRESH_EVERY_MS = 3_600_000;
/** Days re-counted on every refresh (HIS outcomes, survey answers and complaint steps arrive late). */
export const WINDOW_DAYS = 45;
/** A roll-up older than this is refreshed when someone reads a report. */
const STALE_MS = 2 * REFRESH_EVERY_MS;
/** Surveys go out at most two days after the visit (satisfaction settings): the scan's reach. */
const SURVEY_REACH_DAYS = 3;

export const REPORTS_ROLLUP = jobType({
  type: 'reports.rollup',
  payload: Type.Object({
    clinicId: Type.String(),
    /** Schedule the next hourly run. */
    repeat: Type.Boolean(),
  }),
  defaults: { priority: 'bulk', maxAttempts: 5 },
});

const hourKey = (at: Date) => at.toISOString().slice(0, 13);

/**
 * Enqueues a run at `at`: one per clinic and hour for the hourly chain, and one per clinic and
 * hour for runs a reader asked for (so a read right after the hour's run still gets one). The
 * next hour's key is shared, so however runs start, the chain stays one.
 */
export async function scheduleRollup(deps: Deps, clinicId: string, at: Date, reason: 'chain' | 'read'): Promise<void> {
  await enqueueJob(
    deps.db,
    deps.clock,
    REPORTS_ROLLUP,
    { clinicId, repeat: true },
    { clinicId, runAt: at, idempotencyKey: `reports-rollup:${reason}:${clinicId}:${hourKey(at)}` },
  );
}

/**
 * Where the clinic's roll-up stands, for a report read: without one (or an old or stale one) a
 * run is enqueued now, and the reader is told the figures are still being built.
 */
export async function ensureRollups(
  deps: Deps,
  clinicId: string,
): Promise<{ state: 'ready' | 'building'; refreshedAt: string | null }> {
  const st = await reportRepository(deps.db).state(clinicId);
  const now = deps.clock.now();
  const ready = !!st && st.version === ROLLUP_VERSION && st.rebuilt_at !== null;
  if (!ready || !st.refreshed_at || now.getTime() - Date.parse(st.refreshed_at) > STALE_MS)
    await scheduleRollup(deps, clinicId, now, 'read');
  return { state: ready ? 'ready' : 'building', refreshedAt: st?.refreshed_at ?? null };
}

/** Per database: clinics whose hourly chain this process has made sure of, with the hour. */
const chained = new WeakMap<object, Map<string, string>>();

/**
 * An HIS outcome (a visit completed, a no-show …) means the clinic is live: make sure its hourly
 * roll-up runs (one enqueue per clinic and hour per process; the key makes it idempotent).
 */
export async function reportsOnOutcome(deps: Deps, clinicId: string, _o: Outcome): Promise<void> {
  const next = new Date(deps.clock.now().getTime() + REFRESH_EVERY_MS);
  let seen = chained.get(deps.db);
  if (!seen) chained.set(deps.db, (seen = new Map()));
  if (seen.get(clinicId) === hourKey(next)) return;
  await scheduleRollup(deps, clinicId, next, 'chain');
  seen.set(clinicId, hourKey(next));
}

/** The instants at which the local days [from, to] start, and the end of `to`. */
function dayBounds(from: string, to: string, timeZone: string): { days: string[]; bounds: string[] } {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  const bounds = [...days, addDays(to, 1)].map((d) => zonedTime(d, '00:00', timeZone).toISOString());
  return { days, bounds };
}

/** Counts the days [from, to] (at most a month) from the source tables. */
export async function countDays(deps: Deps, clinicId: string, from: string, to: string, timeZone: string) {
  const src = rollupRepository(deps.db);
  const { days, bounds } = dayBounds(from, to, timeZone);
  const start = bounds[0],
    end = bounds[bounds.length - 1];
  const nowIso = deps.clock.now().toISOString();
  const dayOfInstant = (at: string) => {
    // the index of the last bound ≤ at (bounds are sorted)
    let lo = 0,
      hi = bounds.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bounds[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return days[lo];
  };
  const sentBefore = zonedTime(addDays(to, 1 + SURVEY_REACH_DAYS), '00:00', timeZone).toISOString();
  const answersUntil = zonedTime(addDays(to, 1 + ANSWER_GRACE_DAYS), '00:00', timeZone).toISOString();
  const [visits, reminders, surveys, complaints, line, sms, inbox] = await Promise.all([
    src.visitCounts(clinicId, bounds),
    src.reminderCounts(clinicId, bounds),
    src.surveyCounts(clinicId, bounds, sentBefore),
    src.complaints(clinicId, start, end),
    src.lineCounts(clinicId, bounds),
    src.smsCounts(clinicId, bounds),
    lineMetrics(deps).log(clinicId, start, end, answersUntil < nowIso ? answersUntil : nowIso),
  ]);

  // Every count lands in four rows: the day's (clinic), the doctor's, the visit type's and the
  // doctor's of that visit type (the slices; repository.ts sliceOf).
  const visitRows = new Map<string, VisitDailyRow>();
  const rowOf = (slice: Slice, day: string, doctorId: string, visitType: string) => {
    const k = `${slice}|${day}|${doctorId}|${visitType}`;
    let r = visitRows.get(k);
    if (!r) {
      r = {
        clinic_id: clinicId,
        slice,
        day,
        doctor_id: doctorId,
        visit_type: visitType,
        ...(Object.fromEntries(VISIT_COLUMNS.map((c) => [c, 0])) as Record<(typeof VISIT_COLUMNS)[number], number>),
      };
      visitRows.set(k, r);
    }
    return r;
  };
  const add = (bucket: number, doctorId: string, visitType: string, counts: Partial<VisitSums>) => {
    const day = days[bucket];
    for (const r of [
      rowOf('clinic', day, '', ''),
      rowOf('doctor', day, doctorId, ''),
      rowOf('visit_type', day, '', visitType),
      rowOf('doctor_visit_type', day, doctorId, visitType),
    ])
      for (const [k, v] of Object.entries(counts)) r[k as keyof VisitSums] += v ?? 0;
  };
  for (const v of visits)
    add(v.bucket, v.doctorId, v.visitType, {
      appointments: v.appointments,
      active: v.active,
      cancelled: v.cancelled,
      rescheduled: v.rescheduled,
      reminded: v.reminded,
      confirmed: v.confirmed,
      reported: v.reported,
      no_show: v.noShow,
      bound: v.bound,
    });
  for (const x of reminders)
    add(x.bucket, x.doctorId, x.visitType, { reminders_sent: x.sent, reminders_failed: x.failed });
  for (const x of surveys)
    add(x.bucket, x.doctorId, x.visitType, { surveys_answered: x.answered, surveys_4plus: x.fourPlus });

  const clinicRows = new Map<string, ClinicDailyRow>();
  const clinicRow = (day: string) => {
    let r = clinicRows.get(day);
    if (!r) {
      r = {
        clinic_id: clinicId,
        day,
        ...(Object.fromEntries(CLINIC_COLUMNS.map((c) => [c, 0])) as Record<(typeof CLINIC_COLUMNS)[number], number>),
      };
      clinicRows.set(day, r);
    }
    return r;
  };
  for (const c of complaints) {
    const r = clinicRow(dayOfInstant(c.created_at));
    r.complaints++;
    // A step counts once done, or once its deadline passed undone (a miss); before that it is open.
    if (c.first_action_at || (c.first_action_due_at && c.first_action_due_at <= nowIso)) {
      r.complaints_action_due++;
      if (c.first_action_at && (!c.first_action_due_at || c.first_action_at <= c.first_action_due_at))
        r.complaints_action_in_time++;
    }
    if (c.replied_at || (c.reply_due_at && c.reply_due_at <= nowIso)) {
      r.complaints_reply_due++;
      if (c.replied_at && (!c.reply_due_at || c.replied_at <= c.reply_due_at)) r.complaints_reply_in_time++;
    }
    if (c.satisfaction) {
      r.complaints_rated++;
      if (c.satisfaction === 'satisfied') r.complaints_satisfied++;
    }
  }
  for (const x of line) {
    const r = clinicRow(days[x.bucket]);
    r.line_pushes += x.pushes;
    r.line_pnp += x.pnp;
  }
  for (const x of sms) {
    const r = clinicRow(days[x.bucket]);
    r.sms_messages += x.messages;
    r.sms_points_milli += x.pointsMilli;
  }
  for (const q of inbox.questions) {
    const r = clinicRow(dayOfInstant(q.at));
    r.questions++;
    if (q.by === 'bot') r.questions_bot++;
  }
  // The waitlist's refills, by the day a slot was freed (its own figures, a call per day).
  for (const day of days) {
    const x = await refillStats(deps, clinicId, day, day);
    if (x.freed || x.filled) {
      const r = clinicRow(day);
      r.slots_freed += x.freed;
      r.slots_filled += x.filled;
    }
  }
  for (const w of inbox.waits) {
    const r = clinicRow(dayOfInstant(w.start));
    r.responses++;
    r.response_seconds += Math.round(w.minutes * 60);
  }
  return { visit: [...visitRows.values()], clinic: [...clinicRows.values()] };
}

/** Re-counts the days [from, to], a month per transaction. */
export async function rebuildDays(deps: Deps, clinicId: string, from: string, to: string, timeZone: string) {
  for (const chunk of monthChunks(from, to)) {
    const rows = await countDays(deps, clinicId, chunk.from, chunk.to, timeZone);
    await writeTransaction(deps.db, deps.dialect, (trx) =>
      reportRepository(trx).replaceDays(clinicId, chunk.from, chunk.to, rows.visit, rows.clinic),
    );
  }
}

/** One run of the roll-up (see the header): the history on the first run, else the window and changed days. */
export async function runRollup(deps: Deps, clinicId: string): Promise<{ from: string; to: string; full: boolean }> {
  const repo = reportRepository(deps.db);
  const src = rollupRepository(deps.db);
  const tz = (await clinicService(deps).get(clinicId)).timeZone;
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const today = localParts(now, tz).date;
  const localDay = (iso: string) => localParts(new Date(iso), tz).date;
  const st = await repo.state(clinicId);
  const full = !st || st.version !== ROLLUP_VERSION || st.rebuilt_at === null;
  let from: string;
  let historyFrom: string;
  if (full) {
    const first = await src.firstActivity(clinicId);
    from = first && localDay(first) < today ? localDay(first) : today;
    historyFrom = from;
    await writeTransaction(deps.db, deps.dialect, (trx) => reportRepository(trx).clearAll(clinicId));
  } else {
    from = addDays(today, -WINDOW_DAYS);
    historyFrom = st.history_from ?? from;
    const changed = st.refreshed_at ? await src.changedSince(clinicId, st.refreshed_at) : null;
    if (changed) {
      const first = localDay(changed.from);
      if (first < from) from = first;
    }
    if (from < historyFrom) historyFrom = from;
  }
  await rebuildDays(deps, clinicId, from, today, tz);
  await writeTransaction(deps.db, deps.dialect, (trx) => reportRepository(trx).refreshDimensions(clinicId));
  await repo.saveState({
    clinic_id: clinicId,
    version: ROLLUP_VERSION,
    history_from: historyFrom,
    refreshed_at: nowIso,
    rebuilt_at: full ? nowIso : (st?.rebuilt_at ?? nowIso),
  });
  return { from, to: today, full };
}

export const REPORTS_ROLLUP_JOB = defineJob({
  ...REPORTS_ROLLUP,
  async handler(job, deps) {
    const { clinicId, repeat } = job.payload;
    await runRollup(deps, clinicId);
    if (repeat) await scheduleRollup(deps, clinicId, new Date(deps.clock.now().getTime() + REFRESH_EVERY_MS), 'chain');
  },
});

export const reportJobs: JobDefinition[] = [REPORTS_ROLLUP_JOB];
