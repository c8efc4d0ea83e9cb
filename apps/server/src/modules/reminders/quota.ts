// Monthly LINE message quota per clinic: our own count of pushes (sent reminders and
// other pushes in the message log), LINE's quota endpoints (limit and consumption, refreshed at
// most every 10 minutes), a forecast for the month (what is used + what is still planned), a
// cap that stops non-essential reminders first, and notices to admins at 80 % and 100 % (one each a month).
//
// Caps: non-essential reminders stop at the clinic's monthlyCap, or, without one, at 90 % of
// LINE's plan limit; essential reminders go on until LINE's limit itself.
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { localParts, zonedTime } from '../../platform/time.ts';
import type { ReminderSettings } from './rules.ts';
import { clinicService } from '../clinics/service.ts';
import { lineService } from '../line/service.ts';
import { smsService } from '../sms/service.ts';
import { reminderLogRepository } from './log.repository.ts';
import { reminderRepository } from './repository.ts';
import { dailySeries, monthDays, PURPOSE_LABEL, PURPOSES, purposeOf } from './usage.ts';
import { loadSettings } from './service.ts';

const LINE_REFRESH_MS = 10 * 60_000;

export function monthOf(now: Date, timeZone: string): { month: string; start: Date; end: Date } {
  const l = localParts(now, timeZone);
  const month = l.date.slice(0, 7);
  const start = zonedTime(`${month}-01`, '00:00', timeZone);
  const [y, m] = month.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { month, start, end: zonedTime(`${next}-01`, '00:00', timeZone) };
}

/**
 * Pushes counted by us this month: every logged push (reminders, answers sent after their reply
 * token was used, recalls, staff messages, tests); replies are free and do not count.
 */
async function ourCount(deps: Deps, clinicId: string, start: Date) {
  const since = start.toISOString();
  const reminders = await reminderRepository(deps.db).countSentOnLine(clinicId, since);
  const pushes = await lineService(deps).countPushes(clinicId, since);
  return { reminders, other: Math.max(0, pushes - reminders), pushes };
}

/** LINE's own numbers (cached in reminder_quota, refreshed at most every 10 minutes). */
export async function lineQuota(
  deps: Deps,
  clinicId: string,
  force = false,
): Promise<{
  type: string | null;
  limit: number | null;
  used: number | null;
  checkedAt: string | null;
  error?: string;
}> {
  const repo = reminderRepository(deps.db);
  const row = await repo.lineQuota(clinicId);
  const now = deps.clock.now();
  if (row && !force && now.getTime() - new Date(row.checked_at).getTime() < LINE_REFRESH_MS) {
    return {
      type: row.line_type,
      limit: row.line_limit === null ? null : Number(row.line_limit),
      used: row.line_used === null ? null : Number(row.line_used),
      checkedAt: row.checked_at,
    };
  }
  const client = await deps.line.forClinic(clinicId);
  if (!client) return { type: null, limit: null, used: null, checkedAt: null };
  try {
    const q = await client.quota();
    const v = {
      clinic_id: clinicId,
      line_type: q.type,
      line_limit: q.type === 'limited' ? q.limit : null,
      line_used: q.used,
      checked_at: now.toISOString(),
    };
    await repo.saveLineQuota(v);
    return { type: v.line_type, limit: v.line_limit, used: v.line_used, checkedAt: v.checked_at };
  } catch (err) {
    return {
      type: row?.line_type ?? null,
      limit: row?.line_limit ?? null,
      used: row?.line_used ?? null,
      checkedAt: row?.checked_at ?? null,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

export function capsOf(
  settings: ReminderSettings,
  lineLimit: number | null,
): { nonEssential: number | null; essential: number | null } {
  return {
    nonEssential: settings.monthlyCap ?? (lineLimit !== null ? Math.floor(lineLimit * 0.9) : null),
    essential: lineLimit,
  };
}

/**
 * Admin notices, one of each per month: at 80 % of the limit that stops non-essential reminders
 * first (the clinic's monthly cap, else 90 % of LINE's plan), and at 100 % of it.
 */
async function notifyAdmins(deps: Deps, clinicId: string, month: string, used: number, limit: number): Promise<void> {
  if (limit <= 0 || used < limit * 0.8) return;
  const repo = reminderRepository(deps.db);
  const at = deps.clock.now().toISOString();
  await repo.addNotice({
    clinic_id: clinicId,
    kind: 'line_quota_80',
    period: month,
    level: 'warning',
    created_at: at,
    read_at: null,
    message:
      `本月 LINE 訊息已使用 ${used} 則，達上限 ${limit} 則的 ${Math.floor((used / limit) * 100)}%。` +
      '達上限後，非必要提醒會先暫停；請考慮升級 LINE 官方帳號方案或調整提醒規則。',
  });
  if (used < limit) return;
  await repo.addNotice({
    clinic_id: clinicId,
    kind: 'line_quota_100',
    period: month,
    level: 'error',
    created_at: at,
    read_at: null,
    message:
      `本月 LINE 訊息已使用 ${used} 則，達上限 ${limit} 則：非必要提醒已暫停（發送紀錄顯示「略過」），` +
      '必要提醒仍會發送到 LINE 方案上限。病患的回覆與自動回覆免費，不受影響。',
  });
}

export type QuotaTracker = {
  check(
    clinicId: string,
    c: { settings: ReminderSettings; clinic: { timeZone: string } },
    essential: boolean,
  ): Promise<{ ok: true } | { ok: false; reason: string }>;
  count(clinicId: string, n: number): void;
};

/** In-process counters for the dispatcher (refreshed from the database every minute). */
export function quotaTracker(deps: Deps): QuotaTracker {
  const state = new Map<
    string,
    {
      month: string;
      used: number;
      caps: { nonEssential: number | null; essential: number | null };
      at: number;
      /** Notices written by this process this minute: 0 none, 1 the 80 % one, 2 both. */
      warned: number;
    }
  >();
  // One refresh in flight per clinic: when a clinic's reminders fall due, every lane of the
  // dispatcher reaches its first row at once, and without this each asked LINE and the database
  // for the same counts (64 lanes × 3 requests per clinic; with a thousand clinics due at 08:00
  // the lanes spent their time there instead of sending).
  const refreshing = new Map<string, Promise<NonNullable<ReturnType<typeof state.get>>>>();
  const refresh = (clinicId: string, settings: ReminderSettings, timeZone: string) => {
    let p = refreshing.get(clinicId);
    if (!p) {
      p = (async () => {
        const { month, start } = monthOf(deps.clock.now(), timeZone);
        const lq = await lineQuota(deps, clinicId);
        const ours = await ourCount(deps, clinicId, start);
        const used = Math.max(ours.pushes, lq.used ?? 0);
        const s = { month, used, caps: capsOf(settings, lq.limit), at: Date.now(), warned: 0 };
        state.set(clinicId, s);
        return s;
      })().finally(() => refreshing.delete(clinicId));
      refreshing.set(clinicId, p);
    }
    return p;
  };
  return {
    async check(clinicId, c, essential) {
      let s = state.get(clinicId);
      // Refreshed every minute (a new month is picked up within a minute).
      if (!s || Date.now() - s.at > 60_000) s = await refresh(clinicId, c.settings, c.clinic.timeZone);
      const limit = essential ? s.caps.essential : s.caps.nonEssential;
      const warnLimit = s.caps.nonEssential ?? s.caps.essential;
      if (warnLimit !== null && s.warned < 2 && s.used >= warnLimit * (s.warned ? 1 : 0.8)) {
        s.warned = s.used >= warnLimit ? 2 : 1;
        await notifyAdmins(deps, clinicId, s.month, s.used, warnLimit);
      }
      if (limit !== null && s.used >= limit) {
        return {
          ok: false,
          reason: essential
            ? `已達 LINE 本月訊息上限（${limit} 則）`
            : `已達本月非必要提醒上限（${limit} 則），非必要提醒暫停`,
        };
      }
      return { ok: true };
    },
    count(clinicId, n) {
      const s = state.get(clinicId);
      if (s) s.used += n;
    },
  };
}

/**
 * How many more non-essential LINE messages (recall, other outreach) the clinic may send this
 * month before its cap (the same cap that pauses non-essential reminders); null = no cap.
 */
export async function nonEssentialBudget(deps: Deps, clinicId: string): Promise<number | null> {
  const clinic = await clinicService(deps).get(clinicId);
  const settings = await loadSettings(deps.db, clinicId);
  const { start } = monthOf(deps.clock.now(), clinic.timeZone);
  const lq = await lineQuota(deps, clinicId);
  const ours = await ourCount(deps, clinicId, start);
  const cap = capsOf(settings, lq.limit).nonEssential;
  return cap === null ? null : Math.max(0, cap - Math.max(ours.pushes, lq.used ?? 0));
}

/** Marks one of the clinic's notices read; another clinic's notice is not found. */
export async function markNoticeRead(deps: Deps, clinicId: string, id: number): Promise<void> {
  const n = await reminderRepository(deps.db).markNoticeRead(clinicId, id, deps.clock.now().toISOString());
  if (n === 0) throw errors.notFound('通知');
}

const fromMilli = (v: number | null | undefined) => (v === null || v === undefined ? null : Number(v) / 1000);
const toMilli = (v: number | null) => (v === null ? null : Math.round(v * 1000));
const ntd = (n: number) => Math.round(n * 100) / 100;

/** The clinic's unit prices in NT$ (null: not entered). */
export async function pricesOf(deps: Deps, clinicId: string) {
  const row = await reminderLogRepository(deps.db).prices(clinicId);
  return {
    smsPoint: fromMilli(row?.sms_point_milli),
    pnpMessage: fromMilli(row?.pnp_message_milli),
    updatedAt: row?.updated_at ?? null,
    updatedBy: row?.updated_by ?? null,
  };
}

/** Saves the unit prices (NT$, up to 3 decimals; null clears one) and audits the change. */
export async function savePrices(
  deps: Deps,
  clinicId: string,
  input: { smsPoint: number | null; pnpMessage: number | null },
  actor: Actor,
  ip: string,
) {
  const before = await pricesOf(deps, clinicId);
  await reminderLogRepository(deps.db).savePrices({
    clinic_id: clinicId,
    sms_point_milli: toMilli(input.smsPoint),
    pnp_message_milli: toMilli(input.pnpMessage),
    updated_by: actor.label,
    updated_at: deps.clock.now().toISOString(),
  });
  await recordAudit(deps.db, deps.clock, {
    clinicId,
    actor,
    action: 'reminders.prices_saved',
    entityType: 'clinic',
    entityId: clinicId,
    ip,
    detail: { ...input, before: { smsPoint: before.smsPoint, pnpMessage: before.pnpMessage } },
  });
  return pricesOf(deps, clinicId);
}

/** What happens at the cap, in one sentence for the clinic. */
export function capExplanation(
  settings: ReminderSettings,
  caps: { nonEssential: number | null; essential: number | null },
): string {
  const plan = caps.essential;
  const n = (v: number | null) => (v ?? 0).toLocaleString('zh-TW');
  if (caps.nonEssential === null)
    return 'LINE 方案沒有訊息上限（或尚未取得方案額度），也沒有設定每月上限：提醒不會因額度而暫停。';
  const why = settings.monthlyCap !== null ? '診所設定的每月上限' : `LINE 方案上限 ${n(plan)} 則的 90%`;
  return (
    `本月推播達 ${n(caps.nonEssential)} 則（${why}）時，非必要提醒會暫停（發送紀錄顯示「略過」，可手動重新發送）；` +
    (plan !== null
      ? `必要提醒繼續發送，直到 LINE 方案上限 ${n(plan)} 則，之後 LINE 不再接受推播。`
      : '必要提醒照常發送。') +
    '病患互動的免費回覆不受影響。'
  );
}

/**
 * GET /api/reminders/quota: this month's pushes (ours and LINE's numbers), free replies and LINE
 * notification messages, a split by purpose, a day-by-day series with a forecast to the month's
 * end, SMS and what it all costs at the clinic's unit prices, the caps in words, and notices.
 */
export async function quotaReport(deps: Deps, clinicId: string, opts: { refresh?: boolean } = {}) {
  const clinic = await clinicService(deps).get(clinicId);
  const tz = clinic.timeZone;
  const settings = await loadSettings(deps.db, clinicId);
  const now = deps.clock.now();
  const { month, start } = monthOf(now, tz);
  const { dates, bounds } = monthDays(month, tz);
  const today = localParts(now, tz).date;
  const ti = Math.max(0, dates.indexOf(today));
  const line = lineService(deps);
  const logRepo = reminderLogRepository(deps.db);
  const sms = smsService(deps);
  const since = start.toISOString();
  const [lq, ours, planned, out, prices, smsByPurpose] = await Promise.all([
    lineQuota(deps, clinicId, opts.refresh === true),
    ourCount(deps, clinicId, start),
    logRepo.plannedByBucket(clinicId, ['', ...bounds.slice(ti + 1)]),
    line.outgoingByBucket(clinicId, bounds),
    pricesOf(deps, clinicId),
    Promise.all(
      (['reminder', 'recall', 'broadcast', 'otp'] as const).map(async (p) => ({
        purpose: p,
        ...(await sms.usage(clinicId, p, since)),
      })),
    ),
  ]);
  const used = Math.max(ours.pushes, lq.used ?? 0);
  const caps = capsOf(settings, lq.limit);
  const used_ = out.map((o) => ({ ...o, purpose: purposeOf(o.source) }));
  const series = dailySeries({
    dates,
    today,
    elapsedDays: (now.getTime() - start.getTime()) / 86_400_000,
    restOfToday: Math.min(1, Math.max(0, (Date.parse(bounds[ti + 1]) - now.getTime()) / 86_400_000)),
    used: used_,
    planned: planned.map((p) => ({ date: dates[ti + p.bucket], n: p.n })),
  });
  // Pushes LINE counted that we did not log (another tool on the same account) stay in the forecast.
  const forecast = series.forecast + Math.max(0, used - ours.pushes);
  const plannedThisMonth = planned.reduce((a, p) => a + p.n, 0);
  const limit = caps.nonEssential ?? caps.essential;
  if (limit !== null) await notifyAdmins(deps, clinicId, month, used, limit);
  const notices = await reminderRepository(deps.db).notices(clinicId, 20);

  const byPurpose = PURPOSES.map((purpose) => {
    const of = (m: string) => used_.filter((u) => u.purpose === purpose && u.method === m).reduce((a, u) => a + u.n, 0);
    const smsOf =
      purpose === 'reminder' || purpose === 'recall' || purpose === 'broadcast'
        ? purpose
        : purpose === 'other'
          ? 'otp'
          : null;
    const s = smsByPurpose.find((x) => x.purpose === smsOf);
    return {
      purpose,
      label: PURPOSE_LABEL[purpose],
      pushes: of('push'),
      replies: of('reply'),
      pnp: of('pnp'),
      sms: s?.messages ?? 0,
    };
  });
  const smsTotal = smsByPurpose.reduce(
    (a, x) => ({ messages: a.messages + x.messages, segments: a.segments + x.segments, cost: a.cost + x.cost }),
    { messages: 0, segments: 0, cost: 0 },
  );
  const replies = series.days.reduce((a, d) => a + d.replies, 0);
  const pnp = series.days.reduce((a, d) => a + d.pnp, 0);
  const smsNtd = prices.smsPoint === null ? null : ntd(smsTotal.cost * prices.smsPoint);
  const pnpNtd = prices.pnpMessage === null ? null : ntd(pnp * prices.pnpMessage);
  return {
    month,
    timeZone: tz,
    used,
    pushes: ours.pushes,
    replies,
    ours: { reminders: ours.reminders, otherPushes: ours.other },
    line: lq,
    plannedThisMonth,
    forecast,
    pace: series.pace,
    caps,
    capExplanation: capExplanation(settings, caps),
    percentOfLimit: limit ? Math.round((used / limit) * 1000) / 10 : null,
    willExceed: limit !== null && forecast > limit,
    sms: { ...smsTotal, pointPrice: prices.smsPoint, ntd: smsNtd },
    pnp: { messages: pnp, unitPrice: prices.pnpMessage, ntd: pnpNtd },
    costNtd: smsNtd === null && pnpNtd === null ? null : ntd((smsNtd ?? 0) + (pnpNtd ?? 0)),
    prices,
    byPurpose,
    days: series.days,
    notices: notices.map((n) => ({
      id: Number(n.id),
      kind: n.kind,
      period: n.period,
      level: n.level,
      message: n.message,
      createdAt: n.created_at,
      readAt: n.read_at,
    })),
  };
}
