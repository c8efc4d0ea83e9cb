// Monthly LINE message quota per clinic: our own count of pushes (sent reminders and
// other pushes in the message log), LINE's quota endpoints (limit and consumption, refreshed at
// most every 10 minutes), a forecast for the month (what is used + what is still planned), a
// cap that stops non-essential reminders first, and a one-time warning to admins at 80 %.
//
// Caps: non-essential reminders stop at the clinic's monthlyCap, or, without one, at 90 % of
// LINE's plan limit; essential reminders go on until LINE's limit itself.
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { localParts, zonedTime } from '../../platform/time.ts';
import type { ReminderSettings } from './rules.ts';
import { clinicService } from '../clinics/service.ts';
import { lineService } from '../line/service.ts';
import { smsService } from '../sms/service.ts';
import { reminderRepository } from './repository.ts';
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

async function warnAt80(deps: Deps, clinicId: string, month: string, used: number, limit: number): Promise<void> {
  if (limit <= 0 || used < limit * 0.8) return;
  await reminderRepository(deps.db).addNotice({
    clinic_id: clinicId,
    kind: 'line_quota_80',
    period: month,
    level: 'warning',
    created_at: deps.clock.now().toISOString(),
    read_at: null,
    message:
      `本月 LINE 訊息已使用 ${used} 則，達上限 ${limit} 則的 ${Math.floor((used / limit) * 100)}%。` +
      '達上限後，非必要提醒會先暫停；請考慮升級 LINE 官方帳號方案或調整提醒規則。',
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
      warned: boolean;
    }
  >();
  const refresh = async (clinicId: string, settings: ReminderSettings, timeZone: string) => {
    const { month, start } = monthOf(deps.clock.now(), timeZone);
    const lq = await lineQuota(deps, clinicId);
    const ours = await ourCount(deps, clinicId, start);
    const used = Math.max(ours.pushes, lq.used ?? 0);
    const s = { month, used, caps: capsOf(settings, lq.limit), at: Date.now(), warned: false };
    state.set(clinicId, s);
    return s;
  };
  return {
    async check(clinicId, c, essential) {
      let s = state.get(clinicId);
      // Refreshed every minute (a new month is picked up within a minute).
      if (!s || Date.now() - s.at > 60_000) s = await refresh(clinicId, c.settings, c.clinic.timeZone);
      const limit = essential ? s.caps.essential : s.caps.nonEssential;
      const warnLimit = s.caps.nonEssential ?? s.caps.essential;
      if (!s.warned && warnLimit !== null && s.used >= warnLimit * 0.8) {
        s.warned = true;
        await warnAt80(deps, clinicId, s.month, s.used, warnLimit);
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

/** GET /api/reminders/quota: usage, LINE's numbers, forecast for the month, caps, notices. */
export async function quotaReport(deps: Deps, clinicId: string) {
  const clinic = await clinicService(deps).get(clinicId);
  const settings = await loadSettings(deps.db, clinicId);
  const now = deps.clock.now();
  const { month, start, end } = monthOf(now, clinic.timeZone);
  const lq = await lineQuota(deps, clinicId);
  const ours = await ourCount(deps, clinicId, start);
  const planned = await reminderRepository(deps.db).countToSendBefore(clinicId, end.toISOString());
  const sms = await smsService(deps).usage(clinicId, 'reminder', start.toISOString());
  const used = Math.max(ours.pushes, lq.used ?? 0);
  const caps = capsOf(settings, lq.limit);
  const elapsed = Math.max(1, now.getTime() - start.getTime());
  const trend = Math.round((used / elapsed) * (end.getTime() - start.getTime()));
  const forecast = Math.max(used + planned, trend);
  const limit = caps.nonEssential ?? caps.essential;
  if (limit !== null) await warnAt80(deps, clinicId, month, used, limit);
  const notices = await reminderRepository(deps.db).notices(clinicId, 20);
  return {
    month,
    used,
    ours: { reminders: ours.reminders, otherPushes: ours.other },
    line: lq,
    plannedThisMonth: planned,
    forecast,
    caps,
    percentOfLimit: limit ? Math.round((used / limit) * 1000) / 10 : null,
    willExceed: limit !== null && forecast > limit,
    sms,
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
